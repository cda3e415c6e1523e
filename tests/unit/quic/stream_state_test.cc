#include "engine/quic/stream_state.h"

#include <gtest/gtest.h>

#include <string>

namespace adieu::quic {
namespace {

TEST(StreamState, Names) {
  EXPECT_EQ(std::string(send_state_name(SendState::data_sent)), "Data Sent");
  EXPECT_EQ(std::string(recv_state_name(RecvState::size_known)), "Size Known");
}

TEST(StreamState, ValuesAreOpenSslStreamStates) {
  EXPECT_EQ(static_cast<int>(StreamIoState::none), 0);
  EXPECT_EQ(static_cast<int>(StreamIoState::ok), 1);
  EXPECT_EQ(static_cast<int>(StreamIoState::wrong_dir), 2);
  EXPECT_EQ(static_cast<int>(StreamIoState::finished), 3);
  EXPECT_EQ(static_cast<int>(StreamIoState::reset_local), 4);
  EXPECT_EQ(static_cast<int>(StreamIoState::reset_remote), 5);
  EXPECT_EQ(static_cast<int>(StreamIoState::conn_closed), 6);
}

TEST(StreamState, WriteSide) {
  SendPartView v;
  EXPECT_EQ(write_io_state(v, false), StreamIoState::ok);
  v.state = SendState::send;
  EXPECT_EQ(write_io_state(v, false), StreamIoState::ok);
  v.fin_queued = true;
  EXPECT_EQ(write_io_state(v, false), StreamIoState::finished);
  v.state = SendState::data_recvd;
  EXPECT_EQ(write_io_state(v, false), StreamIoState::finished);
  v.stop_sending_received = true;
  EXPECT_EQ(write_io_state(v, false), StreamIoState::reset_remote);
  v.state = SendState::reset_sent;
  EXPECT_EQ(write_io_state(v, false), StreamIoState::reset_local);
  EXPECT_EQ(write_io_state(v, true), StreamIoState::conn_closed);
  v.exists = false;
  EXPECT_EQ(write_io_state(v, true), StreamIoState::wrong_dir);
}

TEST(StreamState, ReadSide) {
  RecvPartView v;
  EXPECT_EQ(read_io_state(v, false), StreamIoState::ok);
  v.state = RecvState::data_recvd;  // FIN arrived, not yet read
  EXPECT_EQ(read_io_state(v, false), StreamIoState::ok);
  v.state = RecvState::reset_recvd;
  EXPECT_EQ(read_io_state(v, false), StreamIoState::reset_remote);
  v.stop_sending_sent = true;
  EXPECT_EQ(read_io_state(v, false), StreamIoState::reset_local);
  v.state = RecvState::data_read;
  EXPECT_EQ(read_io_state(v, false), StreamIoState::finished);
  EXPECT_EQ(read_io_state(v, true), StreamIoState::conn_closed);
  v.exists = false;
  EXPECT_EQ(read_io_state(v, false), StreamIoState::wrong_dir);
}

}  // namespace
}  // namespace adieu::quic
