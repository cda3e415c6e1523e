#include "engine/quic/stream_limits.h"

#include <gtest/gtest.h>

namespace adieu::quic {
namespace {

TEST(LocalStreamLimit, OpensUpToThePeersLimit) {
  LocalStreamLimit l(Role::client, StreamDirection::bidirectional, 2);
  EXPECT_EQ(l.open(), StreamId{0});
  EXPECT_EQ(l.open(), StreamId{4});
  EXPECT_FALSE(l.blocked_frame_wanted());
  EXPECT_EQ(l.open(), std::nullopt);
  EXPECT_TRUE(l.blocked_frame_wanted());
  l.on_blocked_frame_sent();
  EXPECT_FALSE(l.blocked_frame_wanted());
  EXPECT_EQ(l.on_max_streams(1), TransportError::no_error);  // lower: ignored
  EXPECT_EQ(l.max(), 2u);
  EXPECT_EQ(l.on_max_streams(3), TransportError::no_error);
  EXPECT_EQ(l.open(), StreamId{8});
  EXPECT_TRUE(l.was_opened(StreamId{8}));
  EXPECT_FALSE(l.was_opened(StreamId{12}));
}

TEST(LocalStreamLimit, ServerUnidirectionalIds) {
  LocalStreamLimit l(Role::server, StreamDirection::unidirectional, 2);
  EXPECT_EQ(l.open(), StreamId{3});
  EXPECT_EQ(l.open(), StreamId{7});
}

TEST(LocalStreamLimit, MaxStreamsAbove2To60IsAnEncodingError) {
  LocalStreamLimit l(Role::client, StreamDirection::unidirectional);
  EXPECT_EQ(l.on_max_streams(kMaxStreamCount + 1), TransportError::frame_encoding_error);
  EXPECT_EQ(l.max(), 0u);
  EXPECT_EQ(l.on_max_streams(kMaxStreamCount), TransportError::no_error);
}

TEST(RemoteStreamLimit, StreamLimitErrorAtTheFirstStreamPastTheLimit) {
  RemoteStreamLimit l(Role::client, StreamDirection::bidirectional, 4);
  std::uint64_t opened = 99;
  // Stream index 2 opens 0, 1 and 2 (RFC 9000 §3.2).
  EXPECT_EQ(l.on_peer_stream(StreamId{8}, opened), TransportError::no_error);
  EXPECT_EQ(opened, 3u);
  EXPECT_EQ(l.on_peer_stream(StreamId{4}, opened), TransportError::no_error);
  EXPECT_EQ(opened, 0u);
  EXPECT_EQ(l.on_peer_stream(StreamId{12}, opened), TransportError::no_error);
  EXPECT_EQ(opened, 1u);
  EXPECT_EQ(l.on_peer_stream(StreamId{16}, opened), TransportError::stream_limit_error);
  EXPECT_EQ(l.opened(), 4u);
  // Not a client bidirectional stream: the caller's mistake.
  EXPECT_EQ(l.on_peer_stream(StreamId{1}, opened), TransportError::internal_error);
}

TEST(RemoteStreamLimit, MaxStreamsWhenHalfTheWindowIsFreed) {
  RemoteStreamLimit l(Role::server, StreamDirection::unidirectional, 4);
  std::uint64_t opened = 0;
  ASSERT_EQ(
      l.on_peer_stream(StreamId::make(Role::server, StreamDirection::unidirectional, 3), opened),
      TransportError::no_error);
  l.on_stream_closed();
  EXPECT_FALSE(l.update_wanted());
  l.on_stream_closed();
  EXPECT_TRUE(l.update_wanted());
  EXPECT_EQ(l.next_max(), 6u);
  l.on_update_sent();
  EXPECT_EQ(l.max(), 6u);
  EXPECT_FALSE(l.update_wanted());
  EXPECT_EQ(
      l.on_peer_stream(StreamId::make(Role::server, StreamDirection::unidirectional, 5), opened),
      TransportError::no_error);
  EXPECT_EQ(
      l.on_peer_stream(StreamId::make(Role::server, StreamDirection::unidirectional, 6), opened),
      TransportError::stream_limit_error);
}

TEST(LocalStreamLimit, LostStreamsBlockedWantedAgainOnlyAtTheSameLimit) {
  LocalStreamLimit l(Role::server, StreamDirection::unidirectional, 1);
  ASSERT_TRUE(l.open());
  EXPECT_EQ(l.open(), std::nullopt);
  l.on_blocked_frame_sent();
  l.on_blocked_frame_lost(1);
  EXPECT_TRUE(l.blocked_frame_wanted());
  l.on_blocked_frame_sent();
  EXPECT_EQ(l.on_max_streams(2), TransportError::no_error);
  ASSERT_TRUE(l.open());
  EXPECT_EQ(l.open(), std::nullopt);
  l.on_blocked_frame_sent();   // at 2
  l.on_blocked_frame_lost(1);  // an older frame: the one at 2 stands
  EXPECT_FALSE(l.blocked_frame_wanted());
}

}  // namespace
}  // namespace adieu::quic
