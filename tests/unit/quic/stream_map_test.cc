#include "engine/quic/stream_map.h"

#include <gtest/gtest.h>

#include <vector>

namespace adieu::quic {
namespace {

constexpr TransportError kOk = TransportError::no_error;

// Our (the server's) parameters and the client's.
StreamParameters ours() {
  return {.initial_max_data = 1000,
          .initial_max_stream_data_bidi_local = 100,
          .initial_max_stream_data_bidi_remote = 200,
          .initial_max_stream_data_uni = 300,
          .initial_max_streams_bidi = 2,
          .initial_max_streams_uni = 1};
}

StreamParameters theirs() {
  return {.initial_max_data = 500,
          .initial_max_stream_data_bidi_local = 50,
          .initial_max_stream_data_bidi_remote = 60,
          .initial_max_stream_data_uni = 70,
          .initial_max_streams_bidi = 1,
          .initial_max_streams_uni = 1};
}

StreamMap server_map(StreamParameters local = ours()) {
  StreamMap m(Role::server, local);
  m.set_peer_parameters(theirs());
  return m;
}

std::vector<std::uint8_t> zeros(std::size_t n) {
  return std::vector<std::uint8_t>(n, 0);
}

TEST(StreamMap, PeerStreamOpensLowerNumberedOnesWithItsCredits) {
  StreamMap m = server_map();
  EXPECT_EQ(m.on_stream_frame(StreamId{4}, 0, zeros(10), false), kOk);
  EXPECT_EQ(m.size(), 2u);
  Stream* first = m.find(StreamId{0});
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->send && first->receive);
  EXPECT_EQ(first->receive_credit.limit(), 200u);  // our bidi_remote
  EXPECT_EQ(first->send_credit.limit(), 50u);      // the client's bidi_local
  EXPECT_EQ(m.find(StreamId{4})->receive->readable(), 10u);
  // The client's unidirectional stream: receive part only.
  EXPECT_EQ(m.on_stream_frame(StreamId{2}, 0, zeros(1), false), kOk);
  Stream* uni = m.find(StreamId{2});
  ASSERT_NE(uni, nullptr);
  EXPECT_FALSE(uni->send);
  EXPECT_EQ(uni->receive_credit.limit(), 300u);
}

TEST(StreamMap, StreamLimitErrorAtTheFirstStreamPastOurLimit) {
  StreamMap m = server_map();
  EXPECT_EQ(m.on_stream_frame(StreamId{8}, 0, zeros(1), false), TransportError::stream_limit_error);
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(m.on_stream_frame(StreamId{6}, 0, zeros(1), false), TransportError::stream_limit_error);
  EXPECT_EQ(m.on_max_stream_data(StreamId{8}, 10), TransportError::stream_limit_error);
}

TEST(StreamMap, OurStreamsWithinThePeersLimit) {
  StreamMap m = server_map();
  Stream* s = m.open(StreamDirection::bidirectional);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->id, StreamId{1});
  EXPECT_EQ(s->send_credit.limit(), 60u);      // the client's bidi_remote
  EXPECT_EQ(s->receive_credit.limit(), 100u);  // our bidi_local
  EXPECT_EQ(m.open(StreamDirection::bidirectional), nullptr);
  EXPECT_TRUE(m.local_limit(StreamDirection::bidirectional).blocked_frame_wanted());
  EXPECT_EQ(m.on_max_streams(StreamDirection::bidirectional, 2), kOk);
  ASSERT_NE(m.open(StreamDirection::bidirectional), nullptr);
  Stream* uni = m.open(StreamDirection::unidirectional);
  ASSERT_NE(uni, nullptr);
  EXPECT_EQ(uni->id, StreamId{3});
  EXPECT_FALSE(uni->receive);
  EXPECT_EQ(uni->send_credit.limit(), 70u);
}

TEST(StreamMap, FramesAgainstTheStreamsDirectionAreStreamStateErrors) {
  StreamMap m = server_map();
  // Our bidirectional stream 1 is not open yet.
  EXPECT_EQ(m.on_stream_frame(StreamId{1}, 0, zeros(1), false), TransportError::stream_state_error);
  EXPECT_EQ(m.on_max_stream_data(StreamId{1}, 10), TransportError::stream_state_error);
  ASSERT_NE(m.open(StreamDirection::bidirectional), nullptr);
  EXPECT_EQ(m.on_stream_frame(StreamId{1}, 0, zeros(1), false), kOk);
  // Our unidirectional stream 3 is send-only for us.
  ASSERT_NE(m.open(StreamDirection::unidirectional), nullptr);
  EXPECT_EQ(m.on_stream_frame(StreamId{3}, 0, zeros(1), false), TransportError::stream_state_error);
  EXPECT_EQ(m.on_reset_stream(StreamId{3}, 0, 0), TransportError::stream_state_error);
  EXPECT_EQ(m.on_stream_data_blocked(StreamId{3}), TransportError::stream_state_error);
  // The client's unidirectional stream 2 is receive-only for us.
  EXPECT_EQ(m.on_max_stream_data(StreamId{2}, 10), TransportError::stream_state_error);
  EXPECT_EQ(m.on_stop_sending(StreamId{2}, 0), TransportError::stream_state_error);
  EXPECT_EQ(m.find(StreamId{2}), nullptr);
}

TEST(StreamMap, StreamFlowControlErrorOneBytePastTheWindow) {
  StreamMap m = server_map();
  EXPECT_EQ(m.on_stream_frame(StreamId{0}, 0, zeros(200), false), kOk);
  EXPECT_EQ(m.on_stream_frame(StreamId{0}, 200, zeros(1), false),
            TransportError::flow_control_error);
  EXPECT_EQ(m.on_stream_frame(StreamId{0}, 201, {}, false), TransportError::flow_control_error);
  EXPECT_EQ(m.find(StreamId{0})->receive->highest_received(), 200u);
  EXPECT_EQ(m.connection_receive_credit().received(), 200u);
}

TEST(StreamMap, ConnectionFlowControlCountsEachStreamsHighestOffset) {
  StreamParameters local = ours();
  local.initial_max_data = 250;
  StreamMap m = server_map(local);
  EXPECT_EQ(m.on_stream_frame(StreamId{0}, 0, zeros(200), false), kOk);
  EXPECT_EQ(m.on_stream_frame(StreamId{0}, 0, zeros(200), false), kOk);  // nothing new
  EXPECT_EQ(m.on_stream_frame(StreamId{4}, 0, zeros(50), false), kOk);
  EXPECT_EQ(m.connection_receive_credit().received(), 250u);
  EXPECT_EQ(m.on_stream_frame(StreamId{4}, 50, zeros(1), false),
            TransportError::flow_control_error);
  EXPECT_EQ(m.find(StreamId{4})->receive->highest_received(), 50u);

  // Reading gives the credit back; half the window read wants MAX_DATA.
  std::vector<std::uint8_t> out(100);
  EXPECT_EQ(m.read(StreamId{0}, out), 100u);
  EXPECT_FALSE(m.connection_receive_credit().update_wanted());  // 150 left > 125
  EXPECT_EQ(m.read(StreamId{0}, out), 100u);
  EXPECT_TRUE(m.connection_receive_credit().update_wanted());
  EXPECT_EQ(m.connection_receive_credit().next_limit(), 450u);
  EXPECT_EQ(m.find(StreamId{0})->receive_credit.consumed(), 200u);
}

TEST(StreamMap, ResetChargesAndReturnsTheFinalSize) {
  StreamMap m = server_map();
  ASSERT_EQ(m.on_stream_frame(StreamId{0}, 0, zeros(10), false), kOk);
  EXPECT_EQ(m.on_reset_stream(StreamId{0}, 7, 201), TransportError::flow_control_error);
  EXPECT_EQ(m.on_reset_stream(StreamId{0}, 7, 50), kOk);
  EXPECT_EQ(m.connection_receive_credit().received(), 50u);
  EXPECT_EQ(m.connection_receive_credit().consumed(), 50u);
  EXPECT_EQ(m.find(StreamId{0})->receive->state(), RecvState::reset_recvd);
  EXPECT_EQ(m.on_reset_stream(StreamId{0}, 7, 49), TransportError::final_size_error);
}

TEST(StreamMap, EmitWithinStreamAndConnectionCredit) {
  StreamMap m(Role::server, ours());
  StreamParameters peer = theirs();
  peer.initial_max_data = 80;
  m.set_peer_parameters(peer);
  Stream* s = m.open(StreamDirection::bidirectional);
  ASSERT_NE(s, nullptr);
  const StreamId id = s->id;
  ASSERT_TRUE(s->send->write(zeros(100)));
  auto first = m.emit(id, 1000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->data.size(), 60u);  // the stream's credit
  EXPECT_TRUE(m.find(id)->send_credit.blocked_frame_wanted());
  EXPECT_EQ(m.emit(id, 1000), std::nullopt);
  EXPECT_EQ(m.on_max_stream_data(id, 200), kOk);
  auto second = m.emit(id, 1000);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->offset, 60u);
  EXPECT_EQ(second->data.size(), 20u);  // the connection's credit
  EXPECT_TRUE(m.connection_send_credit().blocked_frame_wanted());
  m.on_max_data(1000);
  auto third = m.emit(id, 1000);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->data.size(), 20u);
  EXPECT_EQ(m.connection_send_credit().used(), 100u);
}

TEST(StreamMap, EndedStreamsAreReleasedAndLateFramesIgnored) {
  StreamMap m = server_map();
  ASSERT_EQ(m.on_stream_frame(StreamId{2}, 0, zeros(5), true), kOk);
  std::vector<std::uint8_t> out(10);
  EXPECT_EQ(m.read(StreamId{2}, out), 5u);
  EXPECT_TRUE(m.find(StreamId{2})->ended());
  m.release_ended();
  EXPECT_EQ(m.find(StreamId{2}), nullptr);
  EXPECT_EQ(m.remote_limit(StreamDirection::unidirectional).closed(), 1u);
  EXPECT_TRUE(m.remote_limit(StreamDirection::unidirectional).update_wanted());
  // A retransmission for the released stream changes nothing.
  EXPECT_EQ(m.on_stream_frame(StreamId{2}, 0, zeros(5), true), kOk);
  EXPECT_EQ(m.find(StreamId{2}), nullptr);
  EXPECT_EQ(m.connection_receive_credit().received(), 5u);
}

TEST(StreamMap, StopSendingIsRecordedOnTheSendPart) {
  StreamMap m = server_map();
  EXPECT_EQ(m.on_stop_sending(StreamId{0}, 9), kOk);
  Stream* s = m.find(StreamId{0});
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->send->stop_sending_error_code(), 9u);
  EXPECT_EQ(write_io_state(s->send->view(), false), StreamIoState::reset_remote);
}

}  // namespace
}  // namespace adieu::quic
