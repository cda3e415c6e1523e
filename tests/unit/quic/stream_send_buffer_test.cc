#include "engine/quic/stream_send_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace adieu::quic {
namespace {

constexpr std::uint64_t kNoFlowLimit = ~std::uint64_t{0};

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string text(const StreamSendBuffer::Chunk& c) {
  return std::string(reinterpret_cast<const char*>(c.data.data()), c.data.size());
}

TEST(StreamSendBuffer, EmitsInOrderThenFin) {
  StreamSendBuffer b;
  EXPECT_EQ(b.state(), SendState::ready);
  EXPECT_EQ(b.emit(100, kNoFlowLimit), std::nullopt);
  ASSERT_TRUE(b.write(bytes("hello world")));
  auto c1 = b.emit(5, kNoFlowLimit);
  ASSERT_TRUE(c1);
  EXPECT_EQ(c1->offset, 0u);
  EXPECT_EQ(text(*c1), "hello");
  EXPECT_EQ(c1->new_bytes, 5u);
  EXPECT_FALSE(c1->fin);
  EXPECT_EQ(b.state(), SendState::send);
  auto c2 = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->offset, 5u);
  EXPECT_EQ(text(*c2), " world");
  EXPECT_FALSE(c2->fin);
  EXPECT_FALSE(b.has_pending());
  ASSERT_TRUE(b.finish());
  EXPECT_FALSE(b.write(bytes("more")));
  EXPECT_TRUE(b.has_pending());
  auto c3 = b.emit(100, kNoFlowLimit);  // a FIN-only frame
  ASSERT_TRUE(c3);
  EXPECT_EQ(c3->offset, 11u);
  EXPECT_TRUE(c3->data.empty());
  EXPECT_TRUE(c3->fin);
  EXPECT_EQ(b.state(), SendState::data_sent);
  EXPECT_EQ(b.emit(100, kNoFlowLimit), std::nullopt);

  b.on_acked(0, 5, false);
  EXPECT_EQ(b.buffered(), 6u);
  b.on_acked(11, 0, true);
  EXPECT_EQ(b.state(), SendState::data_sent);  // " world" still unacknowledged
  b.on_acked(5, 6, false);
  EXPECT_EQ(b.state(), SendState::data_recvd);
  EXPECT_EQ(b.buffered(), 0u);
}

TEST(StreamSendBuffer, FinTravelsWithTheLastBytes) {
  StreamSendBuffer b;
  b.write(bytes("abcde"));
  b.finish();
  auto c = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(c);
  EXPECT_EQ(text(*c), "abcde");
  EXPECT_TRUE(c->fin);
  EXPECT_EQ(b.state(), SendState::data_sent);
  // Lost: data and FIN come again together, charged to no credit.
  b.on_lost(0, 5, true);
  auto again = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->offset, 0u);
  EXPECT_EQ(text(*again), "abcde");
  EXPECT_TRUE(again->fin);
  EXPECT_EQ(again->new_bytes, 0u);
  b.on_acked(0, 5, true);
  EXPECT_EQ(b.state(), SendState::data_recvd);
}

TEST(StreamSendBuffer, FlowLimitStopsNewDataAtTheExactByte) {
  StreamSendBuffer b;
  b.write(bytes("0123456789"));
  auto c = b.emit(100, 4);
  ASSERT_TRUE(c);
  EXPECT_EQ(text(*c), "0123");
  EXPECT_EQ(b.emit(100, 4), std::nullopt);
  EXPECT_TRUE(b.blocked(4));
  EXPECT_FALSE(b.blocked(5));
  auto rest = b.emit(100, 10);
  ASSERT_TRUE(rest);
  EXPECT_EQ(rest->offset, 4u);
  EXPECT_EQ(text(*rest), "456789");
  EXPECT_FALSE(b.blocked(10));
}

TEST(StreamSendBuffer, LostRangesComeFirstAndSkipAcknowledgedBytes) {
  StreamSendBuffer b;
  b.write(bytes("0123456789"));
  ASSERT_TRUE(b.emit(100, kNoFlowLimit));  // [0, 10) in one frame
  b.write(bytes("ABC"));
  b.on_acked(3, 2, false);  // [3, 5) arrived in another packet
  b.on_lost(0, 10, false);
  auto r1 = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->offset, 0u);
  EXPECT_EQ(text(*r1), "012");
  EXPECT_EQ(r1->new_bytes, 0u);
  auto r2 = b.emit(3, kNoFlowLimit);  // bounded by max_bytes
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->offset, 5u);
  EXPECT_EQ(text(*r2), "567");
  auto r3 = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->offset, 8u);
  EXPECT_EQ(text(*r3), "89");
  auto fresh = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->offset, 10u);
  EXPECT_EQ(text(*fresh), "ABC");
  EXPECT_EQ(fresh->new_bytes, 3u);
}

TEST(StreamSendBuffer, AcknowledgedPrefixIsFreed) {
  StreamSendBuffer b;
  b.write(bytes("0123456789"));
  b.emit(4, kNoFlowLimit);
  b.emit(6, kNoFlowLimit);
  b.on_acked(4, 6, false);
  EXPECT_EQ(b.buffered(), 10u);  // [0, 4) still unacknowledged
  b.on_lost(0, 4, false);
  auto c = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(c);
  EXPECT_EQ(text(*c), "0123");
  b.on_acked(0, 4, false);
  EXPECT_EQ(b.buffered(), 0u);
  // A late loss report for acknowledged bytes queues nothing.
  b.on_lost(0, 10, false);
  EXPECT_EQ(b.emit(100, kNoFlowLimit), std::nullopt);
}

TEST(StreamSendBuffer, LostFinOnlyFrame) {
  StreamSendBuffer b;
  b.write(bytes("ab"));
  b.emit(100, kNoFlowLimit);
  b.finish();
  auto fin = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(fin && fin->fin);
  b.on_acked(0, 2, false);
  b.on_lost(2, 0, true);
  auto again = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->offset, 2u);
  EXPECT_TRUE(again->data.empty());
  EXPECT_TRUE(again->fin);
  b.on_acked(2, 0, true);
  EXPECT_EQ(b.state(), SendState::data_recvd);
}

TEST(StreamSendBuffer, ResetReportsTheBytesSentAsFinalSize) {
  StreamSendBuffer b;
  b.write(bytes("0123456789"));
  b.emit(6, kNoFlowLimit);
  EXPECT_EQ(b.reset(7), 6u);
  EXPECT_EQ(b.state(), SendState::reset_sent);
  EXPECT_EQ(b.reset_error_code(), 7u);
  EXPECT_EQ(b.reset(8), std::nullopt);
  EXPECT_FALSE(b.write(bytes("x")));
  EXPECT_FALSE(b.finish());
  EXPECT_EQ(b.emit(100, kNoFlowLimit), std::nullopt);
  EXPECT_FALSE(b.has_pending());
  EXPECT_EQ(b.buffered(), 0u);
  EXPECT_EQ(write_io_state(b.view(), false), StreamIoState::reset_local);
  b.on_reset_acked();
  EXPECT_EQ(b.state(), SendState::reset_recvd);
}

TEST(StreamSendBuffer, ResetFromReadyAndNotAfterDataRecvd) {
  StreamSendBuffer ready;
  EXPECT_EQ(ready.reset(1), 0u);
  EXPECT_EQ(ready.state(), SendState::reset_sent);

  StreamSendBuffer done;
  done.finish();
  auto c = done.emit(100, kNoFlowLimit);
  ASSERT_TRUE(c && c->fin);
  done.on_acked(0, 0, true);
  EXPECT_EQ(done.state(), SendState::data_recvd);
  EXPECT_EQ(done.reset(1), std::nullopt);
  EXPECT_EQ(done.state(), SendState::data_recvd);
}

TEST(StreamSendBuffer, StopSendingShowsAsRemoteReset) {
  StreamSendBuffer b;
  b.write(bytes("x"));
  EXPECT_EQ(write_io_state(b.view(), false), StreamIoState::ok);
  b.on_stop_sending(42);
  EXPECT_EQ(b.stop_sending_error_code(), 42u);
  EXPECT_EQ(write_io_state(b.view(), false), StreamIoState::reset_remote);
  b.finish();
  EXPECT_EQ(write_io_state(b.view(), false), StreamIoState::reset_remote);
}

TEST(StreamSendBuffer, NextOffsetAndLostDataAsTheFrameSizerSeesThem) {
  StreamSendBuffer b;
  ASSERT_TRUE(b.write(bytes("0123456789")));
  ASSERT_TRUE(b.finish());
  EXPECT_EQ(b.next_offset(), 0u);
  ASSERT_TRUE(b.emit(4, kNoFlowLimit));
  ASSERT_TRUE(b.emit(6, kNoFlowLimit));
  EXPECT_EQ(b.next_offset(), 10u);
  EXPECT_FALSE(b.has_lost());
  b.on_lost(4, 6, true);
  EXPECT_TRUE(b.has_lost());
  EXPECT_EQ(b.next_offset(), 4u);
  auto again = b.emit(100, kNoFlowLimit);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->offset, 4u);
  EXPECT_TRUE(again->fin);
  EXPECT_FALSE(b.has_lost());
  b.on_lost(0, 4, false);
  ASSERT_TRUE(b.reset(1));
  EXPECT_FALSE(b.has_lost());  // a reset stream's data is not sent again
}

}  // namespace
}  // namespace adieu::quic
