#include "engine/quic/stream_id.h"

#include <gtest/gtest.h>

namespace adieu::quic {
namespace {

TEST(StreamId, LowBitsAreInitiatorAndDirection) {
  EXPECT_EQ(StreamId::make(Role::client, StreamDirection::bidirectional, 0).value, 0u);
  EXPECT_EQ(StreamId::make(Role::server, StreamDirection::bidirectional, 0).value, 1u);
  EXPECT_EQ(StreamId::make(Role::client, StreamDirection::unidirectional, 0).value, 2u);
  EXPECT_EQ(StreamId::make(Role::server, StreamDirection::unidirectional, 0).value, 3u);
  EXPECT_EQ(StreamId::make(Role::client, StreamDirection::bidirectional, 1).value, 4u);
  StreamId id{7};
  EXPECT_EQ(id.initiator(), Role::server);
  EXPECT_EQ(id.direction(), StreamDirection::unidirectional);
  EXPECT_EQ(id.index(), 1u);
}

TEST(StreamId, WhoMaySendAndReceive) {
  StreamId client_uni{2};
  EXPECT_TRUE(client_uni.can_send(Role::client));
  EXPECT_FALSE(client_uni.can_receive(Role::client));
  EXPECT_FALSE(client_uni.can_send(Role::server));
  EXPECT_TRUE(client_uni.can_receive(Role::server));
  StreamId server_bidi{1};
  for (Role r : {Role::client, Role::server}) {
    EXPECT_TRUE(server_bidi.can_send(r));
    EXPECT_TRUE(server_bidi.can_receive(r));
  }
  EXPECT_TRUE(server_bidi.is_local(Role::server));
  EXPECT_FALSE(server_bidi.is_local(Role::client));
}

}  // namespace
}  // namespace adieu::quic
