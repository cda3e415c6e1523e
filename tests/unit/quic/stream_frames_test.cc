#include "engine/quic/stream_frames.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>

#include "unit/quic/stream_frames_support.h"

namespace adieu::quic {
namespace {

using test::build_packet;
using test::deliver;
using test::frames_of;
using test::Packet;
using test::Pair;
using test::pattern;
using test::read_all;

constexpr auto kBidi = StreamDirection::bidirectional;
constexpr auto kUni = StreamDirection::unidirectional;

TEST(StreamFrames, DataBothWaysOnBidiAndUniStreams) {
  Pair p;
  const StreamId c_bidi = *p.client.open(kBidi);
  const StreamId c_uni = *p.client.open(kUni);
  const StreamId s_uni = *p.server.open(kUni);
  const StreamId s_bidi = *p.server.open(kBidi);
  EXPECT_EQ(c_bidi.value, 0u);
  EXPECT_EQ(c_uni.value, 2u);
  EXPECT_EQ(s_uni.value, 3u);
  EXPECT_EQ(s_bidi.value, 1u);
  EXPECT_EQ(p.client.write(c_bidi, pattern(0, 5000)), 5000u);
  EXPECT_EQ(p.client.write(c_uni, pattern(2, 3000)), 3000u);
  EXPECT_EQ(p.server.write(s_uni, pattern(3, 4000)), 4000u);
  EXPECT_EQ(p.server.write(s_bidi, pattern(1, 2500)), 2500u);
  // Not ours to send on: the peer's unidirectional streams.
  EXPECT_EQ(p.client.write(StreamId{3}, pattern(3, 1)), 0u);
  for (StreamId id : {c_bidi, c_uni}) EXPECT_TRUE(p.client.conclude(id));
  for (StreamId id : {s_uni, s_bidi}) EXPECT_TRUE(p.server.conclude(id));
  EXPECT_EQ(p.client.write_state(c_bidi), StreamIoState::finished);
  p.settle();

  EXPECT_EQ(p.server.incoming_count(), 2u);
  EXPECT_EQ(p.server.take_incoming(), c_bidi);
  EXPECT_EQ(p.server.take_incoming(), c_uni);
  EXPECT_EQ(p.server.take_incoming(), std::nullopt);
  EXPECT_EQ(p.server.readable(c_bidi), 5000u);
  EXPECT_EQ(read_all(p.server, c_bidi), pattern(0, 5000));
  EXPECT_EQ(p.server.read_state(c_bidi), StreamIoState::finished);
  EXPECT_EQ(read_all(p.server, c_uni), pattern(2, 3000));
  EXPECT_EQ(p.server.write_state(c_uni), StreamIoState::wrong_dir);
  EXPECT_EQ(p.client.read_state(c_uni), StreamIoState::wrong_dir);

  std::vector<StreamId> client_incoming;
  while (auto id = p.client.take_incoming()) client_incoming.push_back(*id);
  ASSERT_EQ(client_incoming.size(), 2u);
  EXPECT_EQ(read_all(p.client, s_uni), pattern(3, 4000));
  EXPECT_EQ(read_all(p.client, s_bidi), pattern(1, 2500));

  // The server answers on the client's bidirectional stream.
  EXPECT_EQ(p.server.write(c_bidi, pattern(100, 1000)), 1000u);
  EXPECT_TRUE(p.server.conclude(c_bidi));
  p.settle();
  EXPECT_EQ(read_all(p.client, c_bidi), pattern(100, 1000));
  // The client concludes the server's stream: every stream ended.
  EXPECT_TRUE(p.client.conclude(s_bidi));
  p.settle();
  EXPECT_EQ(read_all(p.server, s_bidi), std::vector<std::uint8_t>{});
  p.settle();
  EXPECT_EQ(p.client.streams().size(), 0u);
  EXPECT_EQ(p.server.streams().size(), 0u);
  // Released streams keep their final states.
  EXPECT_EQ(p.client.read_state(c_bidi), StreamIoState::finished);
  EXPECT_EQ(p.client.write_state(c_bidi), StreamIoState::finished);
  EXPECT_EQ(p.server.read_state(s_bidi), StreamIoState::finished);
  EXPECT_EQ(p.client.read_state(c_uni), StreamIoState::wrong_dir);
  EXPECT_EQ(p.client.read_state(StreamId{40}), StreamIoState::none);
  EXPECT_EQ(p.client.write(c_bidi, pattern(0, 1)), 0u);
}

TEST(StreamFrames, LowerNumberedPeerStreamsAreIncomingInOrder) {
  Pair p;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(p.client.open(kBidi));
  ASSERT_EQ(p.client.write(StreamId{8}, pattern(8, 10)), 10u);
  p.flush(p.client);
  EXPECT_EQ(p.server.incoming_count(), 3u);
  EXPECT_EQ(p.server.take_incoming(), StreamId{0});
  EXPECT_EQ(p.server.take_incoming(), StreamId{4});
  EXPECT_EQ(p.server.take_incoming(), StreamId{8});
  EXPECT_EQ(p.server.read_state(StreamId{4}), StreamIoState::ok);
  EXPECT_EQ(p.server.readable(StreamId{4}), 0u);
}

TEST(StreamFrames, StreamWindowStallsAtExactlyTheWindowThenReleasesAfterReads) {
  StreamParameters server = test::roomy_parameters();
  server.initial_max_stream_data_bidi_remote = 1000;
  Pair p(test::roomy_parameters(), server);
  const StreamId id = *p.client.open(kBidi);
  ASSERT_EQ(p.client.write(id, pattern(0, 3000)), 3000u);
  p.flush(p.client);
  EXPECT_EQ(p.server.readable(id), 1000u);
  EXPECT_FALSE(p.client.wants_to_send());
  const auto blocked = frames_of<StreamDataBlockedFrame>(p.to_server);
  ASSERT_EQ(blocked.size(), 1u);
  EXPECT_EQ(blocked[0], (StreamDataBlockedFrame{0, 1000}));

  std::vector<std::uint8_t> got(499);
  ASSERT_EQ(p.server.read(id, got), 499u);
  EXPECT_FALSE(p.server.wants_to_send());  // 501 of credit left: more than half the window
  std::vector<std::uint8_t> one(1);
  ASSERT_EQ(p.server.read(id, one), 1u);
  got.push_back(one[0]);
  EXPECT_TRUE(p.server.wants_to_send());
  p.flush(p.server);
  const auto updates = frames_of<MaxStreamDataFrame>(p.to_client);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0], (MaxStreamDataFrame{0, 1500}));

  for (int i = 0; i < 20 && got.size() < 3000; ++i) {
    p.flush(p.client);
    const std::vector<std::uint8_t> more = read_all(p.server, id);
    got.insert(got.end(), more.begin(), more.end());
    p.flush(p.server);
  }
  EXPECT_EQ(got, pattern(0, 3000));
  // One STREAM_DATA_BLOCKED per limit that stopped the client.
  for (const auto& f : frames_of<StreamDataBlockedFrame>(p.to_server)) {
    EXPECT_EQ(f.maximum_stream_data % 500, 0u);
  }
}

TEST(StreamFrames, ConnectionWindowStallsThenMaxDataReleasesIt) {
  StreamParameters server = test::roomy_parameters();
  server.initial_max_data = 1500;
  server.initial_max_stream_data_bidi_remote = 1000;
  Pair p(test::roomy_parameters(), server);
  const StreamId a = *p.client.open(kBidi);
  const StreamId b = *p.client.open(kBidi);
  ASSERT_EQ(p.client.write(a, pattern(0, 1000)), 1000u);
  ASSERT_EQ(p.client.write(b, pattern(4, 1000)), 1000u);
  p.flush(p.client);
  EXPECT_EQ(p.server.readable(a) + p.server.readable(b), 1500u);
  EXPECT_EQ(frames_of<DataBlockedFrame>(p.to_server), (std::vector{DataBlockedFrame{1500}}));

  std::vector<std::uint8_t> got_a = read_all(p.server, a);
  ASSERT_GE(got_a.size(), 500u);
  p.flush(p.server);
  const auto max_data = frames_of<MaxDataFrame>(p.to_client);
  ASSERT_EQ(max_data.size(), 1u);
  EXPECT_EQ(max_data[0].maximum_data, 1500u + got_a.size());
  p.flush(p.client);
  std::vector<std::uint8_t> more = read_all(p.server, a);
  got_a.insert(got_a.end(), more.begin(), more.end());
  std::vector<std::uint8_t> got_b = read_all(p.server, b);
  p.settle();
  more = read_all(p.server, a);
  got_a.insert(got_a.end(), more.begin(), more.end());
  more = read_all(p.server, b);
  got_b.insert(got_b.end(), more.begin(), more.end());
  EXPECT_EQ(got_a, pattern(0, 1000));
  EXPECT_EQ(got_b, pattern(4, 1000));
}

TEST(StreamFrames, StreamsBlockedThenMaxStreamsAfterStreamsEnd) {
  StreamParameters server = test::roomy_parameters();
  server.initial_max_streams_bidi = 2;
  Pair p(test::roomy_parameters(), server);
  const StreamId a = *p.client.open(kBidi);
  const StreamId b = *p.client.open(kBidi);
  EXPECT_EQ(p.client.open(kBidi), std::nullopt);
  // FIN alone on both streams.
  EXPECT_TRUE(p.client.conclude(a));
  EXPECT_TRUE(p.client.conclude(b));
  p.flush(p.client);
  EXPECT_EQ(frames_of<StreamsBlockedFrame>(p.to_server),
            (std::vector{StreamsBlockedFrame{true, 2}}));
  const auto streams = frames_of<StreamFrame>(p.to_server);
  ASSERT_EQ(streams.size(), 2u);
  for (const StreamFrame& f : streams) {
    EXPECT_TRUE(f.fin);
    EXPECT_EQ(f.offset, 0u);
  }
  for (StreamId id : {a, b}) {
    EXPECT_EQ(p.server.take_incoming(), id);
    EXPECT_EQ(read_all(p.server, id), std::vector<std::uint8_t>{});
    EXPECT_EQ(p.server.read_state(id), StreamIoState::finished);
    EXPECT_TRUE(p.server.conclude(id));
  }
  p.settle();
  EXPECT_EQ(p.server.streams().size(), 0u);
  const auto raised = frames_of<MaxStreamsFrame>(p.to_client);
  ASSERT_FALSE(raised.empty());
  EXPECT_EQ(raised.back(), (MaxStreamsFrame{true, 4}));
  EXPECT_TRUE(p.client.open(kBidi));
  EXPECT_TRUE(p.client.open(kBidi));
  EXPECT_EQ(p.client.open(kBidi), std::nullopt);
}

TEST(StreamFrames, ResetBothWaysWithCodesAndStates) {
  Pair p;
  const StreamId id = *p.client.open(kBidi);
  ASSERT_EQ(p.client.write(id, pattern(0, 100)), 100u);
  p.flush(p.client);
  ASSERT_EQ(p.server.take_incoming(), id);
  EXPECT_TRUE(p.client.reset(id, 7));
  EXPECT_FALSE(p.client.reset(id, 8));
  EXPECT_EQ(p.client.write_state(id), StreamIoState::reset_local);
  EXPECT_EQ(p.client.write(id, pattern(0, 1)), 0u);
  EXPECT_FALSE(p.client.conclude(id));
  p.flush(p.client);
  EXPECT_EQ(frames_of<ResetStreamFrame>(p.to_server), (std::vector{ResetStreamFrame{0, 7, 100}}));
  EXPECT_EQ(p.server.read_state(id), StreamIoState::reset_remote);
  EXPECT_EQ(p.server.read_error_code(id), 7u);
  EXPECT_EQ(read_all(p.server, id), std::vector<std::uint8_t>{});
  EXPECT_EQ(p.server.read_state(id), StreamIoState::reset_remote);

  EXPECT_TRUE(p.server.reset(id, 9));
  EXPECT_EQ(p.server.write_state(id), StreamIoState::reset_local);
  p.flush(p.server);
  EXPECT_EQ(frames_of<ResetStreamFrame>(p.to_client), (std::vector{ResetStreamFrame{0, 9, 0}}));
  EXPECT_EQ(p.client.read_state(id), StreamIoState::reset_remote);
  EXPECT_EQ(p.client.read_error_code(id), 9u);
  EXPECT_EQ(read_all(p.client, id), std::vector<std::uint8_t>{});
  p.settle();
  EXPECT_EQ(p.client.streams().size(), 0u);
  EXPECT_EQ(p.server.streams().size(), 0u);
  EXPECT_EQ(p.client.write_state(id), StreamIoState::reset_local);
  EXPECT_EQ(p.client.read_state(id), StreamIoState::reset_remote);
  EXPECT_EQ(p.client.read_error_code(id), 9u);
}

TEST(StreamFrames, StopSendingBothWaysResetsWithTheirCodes) {
  Pair p;
  const StreamId id = *p.client.open(kBidi);
  ASSERT_EQ(p.client.write(id, pattern(0, 50)), 50u);
  p.flush(p.client);
  ASSERT_EQ(p.server.take_incoming(), id);
  EXPECT_TRUE(p.server.stop_sending(id, 11));
  EXPECT_EQ(p.server.read_state(id), StreamIoState::reset_local);
  EXPECT_EQ(p.server.readable(id), 0u);
  p.flush(p.server);
  EXPECT_EQ(frames_of<StopSendingFrame>(p.to_client), (std::vector{StopSendingFrame{0, 11}}));
  EXPECT_EQ(p.client.write_state(id), StreamIoState::reset_remote);
  EXPECT_EQ(p.client.write_error_code(id), 11u);
  p.flush(p.client);
  EXPECT_EQ(frames_of<ResetStreamFrame>(p.to_server), (std::vector{ResetStreamFrame{0, 11, 50}}));
  EXPECT_EQ(p.server.read_error_code(id), 11u);
  EXPECT_EQ(p.server.read_state(id), StreamIoState::reset_local);

  EXPECT_TRUE(p.client.stop_sending(id, 12));
  p.flush(p.client);
  EXPECT_EQ(p.server.write_state(id), StreamIoState::reset_remote);
  EXPECT_EQ(p.server.write_error_code(id), 12u);
  p.settle();
  EXPECT_EQ(frames_of<ResetStreamFrame>(p.to_client), (std::vector{ResetStreamFrame{0, 12, 0}}));
  EXPECT_EQ(p.client.read_state(id), StreamIoState::reset_local);
  p.settle();
  EXPECT_EQ(p.client.streams().size(), 0u);
  EXPECT_EQ(p.server.streams().size(), 0u);
  EXPECT_EQ(p.server.write_error_code(id), 12u);
  EXPECT_EQ(p.server.write_state(id), StreamIoState::reset_remote);
}

TEST(StreamFrames, PeerFrameErrorsLeaveStateUsable) {
  StreamParameters server = test::roomy_parameters();
  server.initial_max_stream_data_bidi_remote = 100;
  server.initial_max_streams_bidi = 1;
  Pair p(test::roomy_parameters(), server);
  const std::vector<std::uint8_t> data = pattern(0, 101);
  EXPECT_EQ(p.server.on_frame(StreamFrame{0, 0, data, false, false, true}),
            TransportError::flow_control_error);
  EXPECT_EQ(p.server.on_frame(StreamFrame{4, 0, Bytes(data).first(1), false, false, true}),
            TransportError::stream_limit_error);
  // The server's own stream 1 was never opened; 3 is its send-only stream.
  EXPECT_EQ(p.server.on_frame(MaxStreamDataFrame{1, 10}), TransportError::stream_state_error);
  EXPECT_EQ(p.server.on_frame(StreamFrame{3, 0, Bytes(data).first(1), false, false, true}),
            TransportError::stream_state_error);
  EXPECT_EQ(p.server.on_frame(StreamsBlockedFrame{true, kMaxStreamCount + 1}),
            TransportError::frame_encoding_error);
  // Streams a refused frame named stay known, and are offered to the
  // application.
  EXPECT_EQ(p.server.incoming_count(), p.server.streams().size());
  EXPECT_EQ(p.server.on_frame(StreamFrame{0, 0, Bytes(data).first(100), true, false, true}),
            TransportError::no_error);
  EXPECT_EQ(p.server.on_frame(PingFrame{}), TransportError::no_error);
  EXPECT_EQ(read_all(p.server, StreamId{0}), pattern(0, 100));
  // A hostile peer repeating STREAM_DATA_BLOCKED makes nothing owed.
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(p.server.on_frame(StreamDataBlockedFrame{0, 100}), TransportError::no_error);
    ASSERT_EQ(p.server.on_frame(DataBlockedFrame{100}), TransportError::no_error);
    ASSERT_EQ(p.server.on_frame(StopSendingFrame{0, 5}), TransportError::no_error);
  }
  std::optional<Packet> packet = build_packet(p.server, 1200);
  ASSERT_TRUE(packet);
  EXPECT_EQ(packet->sent.resets.size(), 1u);
  EXPECT_FALSE(p.server.wants_to_send());
}

// Every budget from nothing to large: no packet passes it, and once a
// STREAM frame header and a byte fit, every byte arrives.
TEST(StreamFrames, BudgetRespectedForEveryBudget) {
  std::vector<std::size_t> budgets;
  for (std::size_t b = 0; b <= 80; ++b) budgets.push_back(b);
  for (std::size_t b : {100, 127, 128, 129, 255, 256, 600, 1200, 1500, 16384, 70000}) {
    budgets.push_back(b);
  }
  for (std::size_t budget : budgets) {
    SCOPED_TRACE(budget);
    StreamParameters server = test::roomy_parameters();
    server.initial_max_stream_data_bidi_remote = 1 << 16;  // no flow-control stall here
    Pair p(test::roomy_parameters(), server);
    const StreamId a = *p.client.open(kBidi);
    const StreamId b = *p.client.open(kUni);
    const StreamId c = *p.client.open(kBidi);
    ASSERT_EQ(p.client.write(a, pattern(0, 30000)), 30000u);
    ASSERT_EQ(p.client.write(b, pattern(2, 200)), 200u);
    ASSERT_TRUE(p.client.conclude(b));
    ASSERT_TRUE(p.client.conclude(c));  // FIN alone
    bool exact = true;
    std::vector<std::uint8_t> got_a;
    for (int round = 0; round < 200000; ++round) {
      std::optional<Packet> packet = build_packet(p.client, budget);
      if (!packet) break;
      ASSERT_LE(packet->bytes.size(), budget);
      // While the big stream has more than a packet's worth waiting, each
      // packet is full but for at most one byte (a Length field that
      // cannot grow by one byte at a varint size boundary).
      const Stream* big = p.client.streams().find(a);
      if (big && big->send->bytes_sent() < 30000 && packet->sent.data.size() == 1 &&
          packet->sent.data[0].stream_id == a.value && packet->bytes.size() + 1 < budget) {
        exact = false;
      }
      deliver(*packet, p.server, &p.to_server);
      p.client.on_acked(packet->sent);
      const std::vector<std::uint8_t> more = read_all(p.server, a);
      got_a.insert(got_a.end(), more.begin(), more.end());
      for (int i = 0; i < 4 && p.server.wants_to_send(); ++i) {
        std::optional<Packet> back = build_packet(p.server, std::max<std::size_t>(budget, 16));
        if (!back) break;
        ASSERT_LE(back->bytes.size(), std::max<std::size_t>(budget, 16));
        deliver(*back, p.client);
        p.server.on_acked(back->sent);
      }
    }
    EXPECT_TRUE(exact);
    if (budget < 3) {
      // Not even a lone FIN fits (type, stream ID, length).
      EXPECT_TRUE(p.to_server.empty());
      continue;
    }
    EXPECT_EQ(read_all(p.server, c), std::vector<std::uint8_t>{});
    EXPECT_EQ(p.server.read_state(c), StreamIoState::finished);
    // Below 8 bytes, a frame at offset 16384 or more (a 4-byte Offset) with
    // one byte of data does not fit.
    if (budget < 8) continue;
    EXPECT_EQ(read_all(p.server, b), pattern(2, 200));
    EXPECT_EQ(got_a, pattern(0, 30000));
    EXPECT_FALSE(p.client.wants_to_send());
  }
}

TEST(StreamFrames, LostDataIsSentAgainButNotAfterAReset) {
  Pair p;
  const StreamId a = *p.client.open(kBidi);
  const StreamId b = *p.client.open(kBidi);
  ASSERT_EQ(p.client.write(a, pattern(0, 100)), 100u);
  ASSERT_EQ(p.client.write(b, pattern(4, 100)), 100u);
  std::optional<Packet> lost = build_packet(p.client, 1200);
  ASSERT_TRUE(lost);
  ASSERT_EQ(lost->sent.data.size(), 2u);
  EXPECT_FALSE(p.client.wants_to_send());
  ASSERT_TRUE(p.client.reset(b, 3));
  p.client.on_lost(lost->sent);
  // New data on `a` waits behind the lost bytes.
  ASSERT_EQ(p.client.write(a, pattern(0, 50, 100)), 50u);
  std::optional<Packet> again = build_packet(p.client, 1200);
  ASSERT_TRUE(again);
  deliver(*again, p.server, &p.to_server);
  const auto resets = frames_of<ResetStreamFrame>(p.to_server);
  EXPECT_EQ(resets, (std::vector{ResetStreamFrame{4, 3, 100}}));
  const auto data = frames_of<StreamFrame>(p.to_server);
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].stream_id, 0u);
  EXPECT_EQ(data[0].offset, 0u);
  EXPECT_EQ(data[1].offset, 100u);
  EXPECT_EQ(read_all(p.server, a), pattern(0, 150));

  // A lost RESET_STREAM goes again until acknowledged.
  p.client.on_lost(again->sent);
  std::optional<Packet> third = build_packet(p.client, 1200);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->sent.resets, std::vector<std::uint64_t>{4});
  EXPECT_TRUE(third->sent.data.empty() || third->sent.data[0].stream_id == 0);
  p.client.on_acked(third->sent);
  p.client.on_lost(third->sent);  // a late loss of acknowledged frames changes nothing
  EXPECT_FALSE(p.client.wants_to_send());
  EXPECT_EQ(p.client.write_state(b), StreamIoState::reset_local);
}

TEST(StreamFrames, LostWindowUpdateSentAgainWithTheCurrentValueUnlessSuperseded) {
  StreamParameters server = test::roomy_parameters();
  server.initial_max_stream_data_bidi_remote = 1000;
  server.initial_max_data = 100000;
  Pair p(test::roomy_parameters(), server);
  const StreamId id = *p.client.open(kBidi);
  ASSERT_EQ(p.client.write(id, pattern(0, 10000)), 10000u);
  p.flush(p.client);
  ASSERT_EQ(read_all(p.server, id).size(), 1000u);
  std::optional<Packet> first = build_packet(p.server, 1200);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->sent.max_stream_data, std::vector<std::uint64_t>{0});
  EXPECT_EQ(first->sent.max_stream_data_values, std::vector<std::uint64_t>{2000});
  // Lost: sent again, carrying the current limit.
  p.server.on_lost(first->sent);
  std::optional<Packet> second = build_packet(p.server, 1200);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->sent.max_stream_data_values, std::vector<std::uint64_t>{2000});
  deliver(*second, p.client, &p.to_client);
  p.server.on_acked(second->sent);
  p.flush(p.client);
  ASSERT_EQ(read_all(p.server, id).size(), 1000u);
  std::optional<Packet> third = build_packet(p.server, 1200);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->sent.max_stream_data_values, std::vector<std::uint64_t>{3000});
  deliver(*third, p.client, &p.to_client);
  p.server.on_acked(third->sent);
  // The first copy's loss declared late: a newer value was acknowledged.
  p.server.on_lost(first->sent);
  EXPECT_FALSE(p.server.wants_to_send());

  // MAX_DATA the same way.
  StreamParameters tight = test::roomy_parameters();
  tight.initial_max_data = 1000;
  Pair q(test::roomy_parameters(), tight);
  const StreamId s = *q.client.open(kBidi);
  ASSERT_EQ(q.client.write(s, pattern(0, 5000)), 5000u);
  q.flush(q.client);
  ASSERT_EQ(read_all(q.server, s).size(), 1000u);
  std::optional<Packet> update = build_packet(q.server, 1200);
  ASSERT_TRUE(update && update->sent.max_data);
  EXPECT_EQ(update->sent.max_data_value, 2000u);
  q.server.on_lost(update->sent);
  std::optional<Packet> resent = build_packet(q.server, 1200);
  ASSERT_TRUE(resent && resent->sent.max_data);
  EXPECT_EQ(resent->sent.max_data_value, 2000u);
  q.server.on_acked(resent->sent);
  EXPECT_FALSE(q.server.wants_to_send());
}

TEST(StreamFrames, LostBlockedFramesOwedAgainOnlyWhileStillBlocked) {
  StreamParameters server = test::roomy_parameters();
  server.initial_max_stream_data_bidi_remote = 100;
  server.initial_max_streams_bidi = 1;
  Pair p(test::roomy_parameters(), server);
  const StreamId id = *p.client.open(kBidi);
  EXPECT_EQ(p.client.open(kBidi), std::nullopt);
  ASSERT_EQ(p.client.write(id, pattern(0, 300)), 300u);
  std::optional<Packet> first = build_packet(p.client, 1200);
  ASSERT_TRUE(first);
  // STREAMS_BLOCKED; STREAM_DATA_BLOCKED comes once the data used the credit.
  EXPECT_TRUE(first->sent.streams_blocked_bidi_at);
  std::optional<Packet> second = build_packet(p.client, 1200);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->sent.stream_data_blocked_at.size(), 1u);
  EXPECT_FALSE(p.client.wants_to_send());
  p.client.on_lost(second->sent);
  std::optional<Packet> again = build_packet(p.client, 1200);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->sent.stream_data_blocked_at, second->sent.stream_data_blocked_at);
  // No longer blocked: a lost STREAMS_BLOCKED is not sent again.
  deliver(*first, p.server);
  ASSERT_EQ(p.client.on_frame(MaxStreamsFrame{true, 5}), TransportError::no_error);
  ASSERT_EQ(p.client.on_frame(MaxStreamDataFrame{0, 1000}), TransportError::no_error);
  p.client.on_lost(first->sent);  // the data is sent again, not the blocked frame
  std::optional<Packet> after = build_packet(p.client, 1200);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->sent.streams_blocked_bidi_at);
  EXPECT_TRUE(after->sent.stream_data_blocked_at.empty());
}

// A lossy, reordering, duplicating path with a fixed seed: every byte of
// every stream arrives once and in order, and every stream ends on both
// sides.
void run_lossy_transfers(std::uint64_t seed, int& losses, std::size_t& aborted_total) {
  std::mt19937_64 rng(seed);
  auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };

  StreamParameters params = {.initial_max_data = 12000,
                             .initial_max_stream_data_bidi_local = 3000,
                             .initial_max_stream_data_bidi_remote = 3000,
                             .initial_max_stream_data_uni = 3000,
                             .initial_max_streams_bidi = 3,
                             .initial_max_streams_uni = 2};
  Pair p(params, params);

  struct Side {
    Role role = Role::client;
    StreamFrames* frames = nullptr;
    int bidi_to_open = 12;
    int uni_to_open = 8;
    std::map<std::uint64_t, std::size_t> sizes;  // streams we send on: total length
    std::map<std::uint64_t, std::vector<std::uint8_t>> received;
    std::map<std::uint64_t, bool> finished;
    std::vector<StreamId> reading;
    std::map<std::uint64_t, int> to_reset;  // our unidirectional streams: steps until reset
  };
  // Unidirectional streams reset by their sender or stopped by their
  // receiver: what arrives is a prefix of the data.
  std::set<std::uint64_t> aborted;
  Side sides[2];
  sides[0].role = Role::client;
  sides[0].frames = &p.client;
  sides[1].role = Role::server;
  sides[1].frames = &p.server;

  struct InFlight {
    Packet packet;
    int to;  // 0 client, 1 server
    bool delivered = false;
  };
  std::deque<InFlight> network;
  std::vector<InFlight> unresolved;  // delivered or dropped, not yet acked or lost

  auto app_step = [&](Side& side) {
    StreamFrames& f = *side.frames;
    while (side.bidi_to_open > 0 || side.uni_to_open > 0) {
      const bool bidi = side.uni_to_open == 0 || (side.bidi_to_open > 0 && chance(50));
      std::optional<StreamId> id = f.open(bidi ? kBidi : kUni);
      if (!id) break;
      (bidi ? side.bidi_to_open : side.uni_to_open)--;
      const std::size_t size = rng() % 20000;
      side.sizes[id->value] = size;
      ASSERT_EQ(f.write(*id, pattern(id->value, size)), size);
      ASSERT_TRUE(f.conclude(*id));
      if (!bidi && chance(15)) side.to_reset[id->value] = static_cast<int>(rng() % 8);
    }
    for (auto it = side.to_reset.begin(); it != side.to_reset.end();) {
      if (it->second-- > 0) {
        ++it;
        continue;
      }
      // Fails once every byte was acknowledged: then the stream simply ends.
      if (f.reset(StreamId{it->first}, 77)) {
        aborted.insert(it->first);
        EXPECT_EQ(f.write_state(StreamId{it->first}), StreamIoState::reset_local);
      }
      it = side.to_reset.erase(it);
    }
    while (std::optional<StreamId> id = f.take_incoming()) {
      side.reading.push_back(*id);
      if (id->is_unidirectional() && chance(15) && f.stop_sending(*id, 88)) {
        aborted.insert(id->value);
        EXPECT_EQ(f.read_state(*id), StreamIoState::reset_local);
      }
      if (!id->is_unidirectional()) {
        // Answer on the peer's bidirectional streams.
        const std::size_t size = rng() % 3000;
        side.sizes[id->value] = size;
        ASSERT_EQ(f.write(*id, pattern(id->value + 1000, size)), size);
        ASSERT_TRUE(f.conclude(*id));
      }
    }
    for (StreamId id : side.reading) {
      std::vector<std::uint8_t> more = read_all(f, id);
      auto& got = side.received[id.value];
      got.insert(got.end(), more.begin(), more.end());
      if (f.read_state(id) == StreamIoState::finished) side.finished[id.value] = true;
    }
    // Our bidirectional streams: the answer.
    for (const auto& entry : side.sizes) {
      const std::uint64_t value = entry.first;
      const StreamId id{value};
      if (!id.is_local(side.role) || id.is_unidirectional()) continue;
      std::vector<std::uint8_t> more = read_all(f, id);
      auto& got = side.received[value];
      got.insert(got.end(), more.begin(), more.end());
      if (f.read_state(id) == StreamIoState::finished) side.finished[value] = true;
    }
  };

  int steps = 0;
  for (; steps < 20000; ++steps) {
    for (int s = 0; s < 2; ++s) {
      app_step(sides[s]);
      StreamFrames& f = *sides[s].frames;
      for (int i = 0; i < 3 && f.wants_to_send(); ++i) {
        std::optional<Packet> packet = build_packet(f, 20 + rng() % 1400);
        if (!packet) break;
        network.push_back({std::move(*packet), 1 - s, false});
      }
    }
    // Deliver, drop, duplicate and reorder.
    while (!network.empty()) {
      std::size_t pick = chance(30) ? rng() % network.size() : 0;
      InFlight item = std::move(network[pick]);
      network.erase(network.begin() + static_cast<std::ptrdiff_t>(pick));
      if (!chance(15)) {
        StreamFrames& to = *sides[item.to].frames;
        deliver(item.packet, to);
        if (chance(5)) deliver(item.packet, to);
        item.delivered = true;
      }
      unresolved.push_back(std::move(item));
      if (chance(20)) break;  // leave some in flight
    }
    // Acknowledge or declare lost, in random order; a delivered packet is
    // sometimes declared lost (spurious loss).
    std::shuffle(unresolved.begin(), unresolved.end(), rng);
    const std::size_t resolve = unresolved.empty() ? 0 : rng() % (unresolved.size() + 1);
    for (std::size_t i = 0; i < resolve; ++i) {
      InFlight& item = unresolved.back();
      StreamFrames& sender = *sides[1 - item.to].frames;
      if (item.delivered && !chance(5)) {
        sender.on_acked(item.packet.sent);
      } else {
        sender.on_lost(item.packet.sent);
        ++losses;
      }
      unresolved.pop_back();
    }
    const bool quiet = network.empty() && unresolved.empty() && !p.client.wants_to_send() &&
                       !p.server.wants_to_send();
    if (quiet && sides[0].bidi_to_open == 0 && sides[0].uni_to_open == 0 &&
        sides[1].bidi_to_open == 0 && sides[1].uni_to_open == 0) {
      app_step(sides[0]);
      app_step(sides[1]);
      if (!p.client.wants_to_send() && !p.server.wants_to_send()) break;
    }
  }
  ASSERT_LT(steps, 20000) << "the transfer did not finish";

  // Every stream one side sent on was received whole by the other.
  for (int s = 0; s < 2; ++s) {
    const Side& sender = sides[s];
    const Side& receiver = sides[1 - s];
    for (const auto& [value, size] : sender.sizes) {
      const bool answer = !StreamId{value}.is_local(sender.role);
      auto it = receiver.received.find(value);
      ASSERT_NE(it, receiver.received.end()) << value;
      if (aborted.count(value)) {
        const std::vector<std::uint8_t> whole = pattern(value, size);
        ASSERT_LE(it->second.size(), size) << value;
        EXPECT_TRUE(std::equal(it->second.begin(), it->second.end(), whole.begin())) << value;
        continue;
      }
      EXPECT_EQ(it->second, pattern(answer ? value + 1000 : value, size)) << value;
      EXPECT_EQ(receiver.finished.count(value), 1u) << value;
    }
  }
  EXPECT_EQ(sides[0].sizes.size() + sides[1].sizes.size(), 40u + 24u);
  aborted_total += aborted.size();
  EXPECT_EQ(p.client.streams().size(), 0u);
  EXPECT_EQ(p.server.streams().size(), 0u);
}

TEST(StreamFrames, RandomizedLossyTransfersDeliverEveryByteAndEndEveryStream) {
  int losses = 0;
  std::size_t aborted = 0;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    SCOPED_TRACE(seed);
    run_lossy_transfers(seed, losses, aborted);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(losses, 500);  // the path did lose packets
  EXPECT_GT(aborted, 8u);  // and streams were reset or stopped
}

}  // namespace
}  // namespace adieu::quic
