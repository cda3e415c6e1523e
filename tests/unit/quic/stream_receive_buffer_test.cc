#include "engine/quic/stream_receive_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace adieu::quic {
namespace {

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string read_all(StreamReceiveBuffer& b, std::size_t max = 1000) {
  std::vector<std::uint8_t> out(max);
  std::size_t n = b.read(out);
  return std::string(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
}

constexpr TransportError kOk = TransportError::no_error;

TEST(StreamReceiveBuffer, InOrderData) {
  StreamReceiveBuffer b;
  EXPECT_EQ(b.on_stream_frame(0, bytes("abc"), false), kOk);
  EXPECT_EQ(b.readable(), 3u);
  EXPECT_EQ(read_all(b), "abc");
  EXPECT_EQ(b.read_offset(), 3u);
  EXPECT_EQ(b.state(), RecvState::recv);
}

TEST(StreamReceiveBuffer, GapHoldsLaterDataBack) {
  StreamReceiveBuffer b;
  EXPECT_EQ(b.on_stream_frame(3, bytes("def"), false), kOk);
  EXPECT_EQ(b.readable(), 0u);
  EXPECT_EQ(read_all(b), "");
  EXPECT_EQ(b.buffered(), 3u);
  EXPECT_EQ(b.highest_received(), 6u);
  EXPECT_EQ(b.on_stream_frame(0, bytes("abc"), false), kOk);
  EXPECT_EQ(b.readable(), 6u);
  EXPECT_EQ(read_all(b), "abcdef");
  EXPECT_EQ(b.buffered(), 0u);
}

TEST(StreamReceiveBuffer, FirstCopyOfAByteWins) {
  StreamReceiveBuffer b;
  EXPECT_EQ(b.on_stream_frame(2, bytes("XY"), false), kOk);
  EXPECT_EQ(b.on_stream_frame(0, bytes("abcdef"), false), kOk);
  EXPECT_EQ(b.buffered(), 6u);
  EXPECT_EQ(read_all(b), "abXYef");
}

TEST(StreamReceiveBuffer, OverlapSpanningSeveralPiecesAndDuplicates) {
  StreamReceiveBuffer b;
  EXPECT_EQ(b.on_stream_frame(1, bytes("b"), false), kOk);
  EXPECT_EQ(b.on_stream_frame(3, bytes("d"), false), kOk);
  EXPECT_EQ(b.on_stream_frame(3, bytes("d"), false), kOk);
  EXPECT_EQ(b.on_stream_frame(5, bytes("fg"), false), kOk);
  EXPECT_EQ(b.buffered(), 4u);
  EXPECT_EQ(b.on_stream_frame(0, bytes("abcdefgh"), false), kOk);
  EXPECT_EQ(b.buffered(), 8u);
  EXPECT_EQ(read_all(b, 3), "abc");                             // partial read
  EXPECT_EQ(b.on_stream_frame(0, bytes("abcde"), false), kOk);  // already read or held
  EXPECT_EQ(b.buffered(), 5u);
  EXPECT_EQ(read_all(b), "defgh");
}

TEST(StreamReceiveBuffer, FinWalksSizeKnownDataRecvdDataRead) {
  StreamReceiveBuffer b;
  EXPECT_EQ(b.on_stream_frame(3, bytes("def"), true), kOk);
  EXPECT_EQ(b.state(), RecvState::size_known);
  EXPECT_EQ(b.final_size(), 6u);
  EXPECT_EQ(b.on_stream_frame(0, bytes("abc"), false), kOk);
  EXPECT_EQ(b.state(), RecvState::data_recvd);
  EXPECT_EQ(read_io_state(b.view(), false), StreamIoState::ok);
  EXPECT_EQ(read_all(b, 4), "abcd");
  EXPECT_EQ(b.state(), RecvState::data_recvd);
  EXPECT_EQ(read_all(b), "ef");
  EXPECT_EQ(b.state(), RecvState::data_read);
  EXPECT_TRUE(b.finished());
  EXPECT_EQ(read_io_state(b.view(), false), StreamIoState::finished);
}

TEST(StreamReceiveBuffer, EmptyStreamWithFinHasNothingLeftToRead) {
  StreamReceiveBuffer b;
  EXPECT_EQ(b.on_stream_frame(0, {}, true), kOk);
  EXPECT_EQ(b.state(), RecvState::data_read);
  EXPECT_EQ(read_all(b), "");
  EXPECT_EQ(read_io_state(b.view(), false), StreamIoState::finished);
}

// The data was read before the FIN came, alone: nothing is left to read,
// so the part is at once Data Read (and its stream can end). A reader
// waiting for more would otherwise wait for ever.
TEST(StreamReceiveBuffer, FinAloneAfterEverythingWasReadIsDataRead) {
  StreamReceiveBuffer b;
  EXPECT_EQ(b.on_stream_frame(0, bytes("abc"), false), kOk);
  EXPECT_EQ(read_all(b), "abc");
  EXPECT_EQ(read_io_state(b.view(), false), StreamIoState::ok);
  EXPECT_EQ(b.on_stream_frame(3, {}, true), kOk);
  EXPECT_EQ(b.state(), RecvState::data_read);
  EXPECT_EQ(read_io_state(b.view(), false), StreamIoState::finished);
}

TEST(StreamReceiveBuffer, DataPastTheFinalSizeIsAFinalSizeError) {
  StreamReceiveBuffer b;
  ASSERT_EQ(b.on_stream_frame(0, bytes("abcde"), true), kOk);
  EXPECT_EQ(b.on_stream_frame(4, bytes("e"), false), kOk);  // ends at 5
  EXPECT_EQ(b.on_stream_frame(5, {}, false), kOk);
  EXPECT_EQ(b.on_stream_frame(5, bytes("x"), false), TransportError::final_size_error);
  EXPECT_EQ(b.on_stream_frame(4, bytes("ef"), false), TransportError::final_size_error);
  EXPECT_EQ(b.highest_received(), 5u);
}

TEST(StreamReceiveBuffer, ChangedFinalSizeIsAFinalSizeError) {
  StreamReceiveBuffer b;
  ASSERT_EQ(b.on_stream_frame(0, bytes("abcde"), true), kOk);
  EXPECT_EQ(b.on_stream_frame(0, bytes("abcde"), true), kOk);  // the same FIN again
  EXPECT_EQ(b.on_stream_frame(0, bytes("abc"), true), TransportError::final_size_error);
  EXPECT_EQ(b.final_size(), 5u);
}

TEST(StreamReceiveBuffer, FinBelowDataAlreadyReceivedIsAFinalSizeError) {
  StreamReceiveBuffer b;
  ASSERT_EQ(b.on_stream_frame(0, bytes("abcdef"), false), kOk);
  EXPECT_EQ(b.on_stream_frame(3, {}, true), TransportError::final_size_error);
  EXPECT_EQ(b.final_size(), std::nullopt);
  EXPECT_EQ(b.on_stream_frame(6, {}, true), kOk);
  EXPECT_EQ(b.final_size(), 6u);
}

TEST(StreamReceiveBuffer, OffsetsPast2To62AreAnEncodingError) {
  StreamReceiveBuffer b;
  const std::uint64_t max = (std::uint64_t{1} << 62) - 1;
  EXPECT_EQ(b.on_stream_frame(max, {}, false), kOk);
  EXPECT_EQ(b.on_stream_frame(max, bytes("x"), false), TransportError::frame_encoding_error);
  EXPECT_EQ(b.on_stream_frame(max + 1, {}, false), TransportError::frame_encoding_error);
}

TEST(StreamReceiveBuffer, ResetDropsDataAndChecksTheFinalSize) {
  StreamReceiveBuffer b;
  ASSERT_EQ(b.on_stream_frame(0, bytes("abc"), false), kOk);
  EXPECT_EQ(b.on_reset(2, 9), TransportError::final_size_error);
  EXPECT_EQ(b.state(), RecvState::recv);
  EXPECT_EQ(b.on_reset(10, 9), kOk);
  EXPECT_EQ(b.state(), RecvState::reset_recvd);
  EXPECT_EQ(b.reset_error_code(), 9u);
  EXPECT_EQ(b.highest_received(), 10u);  // the credit the peer used
  EXPECT_EQ(b.readable(), 0u);
  EXPECT_EQ(b.buffered(), 0u);
  EXPECT_EQ(read_all(b), "");
  EXPECT_EQ(read_io_state(b.view(), false), StreamIoState::reset_remote);
  // Later frames are checked against the final size and otherwise ignored.
  EXPECT_EQ(b.on_stream_frame(8, bytes("ab"), false), kOk);
  EXPECT_EQ(b.on_stream_frame(9, bytes("ab"), false), TransportError::final_size_error);
  EXPECT_EQ(b.on_reset(11, 9), TransportError::final_size_error);
  b.on_reset_delivered();
  EXPECT_EQ(b.state(), RecvState::reset_read);
}

TEST(StreamReceiveBuffer, ResetAfterAFinMustKeepTheFinalSize) {
  StreamReceiveBuffer b;
  ASSERT_EQ(b.on_stream_frame(2, bytes("cd"), true), kOk);
  EXPECT_EQ(b.on_reset(5, 1), TransportError::final_size_error);
  EXPECT_EQ(b.on_reset(4, 1), kOk);
  EXPECT_EQ(b.state(), RecvState::reset_recvd);
}

TEST(StreamReceiveBuffer, ResetAfterAllDataArrivedIsIgnored) {
  StreamReceiveBuffer b;
  ASSERT_EQ(b.on_stream_frame(0, bytes("abcd"), true), kOk);
  ASSERT_EQ(b.state(), RecvState::data_recvd);
  EXPECT_EQ(b.on_reset(4, 1), kOk);
  EXPECT_EQ(b.state(), RecvState::data_recvd);
  EXPECT_EQ(b.reset_error_code(), std::nullopt);
  EXPECT_EQ(read_all(b), "abcd");
  EXPECT_EQ(b.state(), RecvState::data_read);
}

TEST(StreamReceiveBuffer, StopSendingShowsAsLocalReset) {
  StreamReceiveBuffer b;
  b.on_stop_sending_sent();
  EXPECT_EQ(read_io_state(b.view(), false), StreamIoState::reset_local);
}

}  // namespace
}  // namespace adieu::quic
