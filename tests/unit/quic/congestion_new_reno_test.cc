#include "engine/quic/new_reno.h"

#include <gtest/gtest.h>

#include <chrono>

namespace adieu::quic {
namespace {

using std::chrono::milliseconds;

Instant at(int ms) {
  return Instant{} + milliseconds(ms);
}

TEST(NewReno, InitialAndMinimumWindows) {
  EXPECT_EQ(NewReno::initial_window(1200), 12000u);
  EXPECT_EQ(NewReno::initial_window(1472), 14720u);
  EXPECT_EQ(NewReno::initial_window(1500), 14720u);
  EXPECT_EQ(NewReno::initial_window(8000), 16000u);
  EXPECT_EQ(NewReno::minimum_window(1200), 2400u);
  NewReno cc;
  EXPECT_EQ(cc.window(), 12000u);
  EXPECT_EQ(cc.ssthresh(), NewReno::kNoSsthresh);
  EXPECT_TRUE(cc.in_slow_start());
}

TEST(NewReno, BytesInFlightBoundSending) {
  NewReno cc;
  for (int i = 0; i < 9; ++i) cc.on_packet_sent(1200);
  EXPECT_EQ(cc.bytes_in_flight(), 10800u);
  EXPECT_TRUE(cc.can_send(1200));
  EXPECT_FALSE(cc.can_send(1201));
  EXPECT_EQ(cc.available(), 1200u);
  cc.on_packet_sent(1200);
  EXPECT_FALSE(cc.can_send(1));
  EXPECT_TRUE(cc.can_send(0));
  EXPECT_EQ(cc.available(), 0u);
  cc.remove_from_flight(1200);
  EXPECT_EQ(cc.bytes_in_flight(), 10800u);
  EXPECT_EQ(cc.window(), 12000u);  // removal without a congestion event
}

TEST(NewReno, SlowStartGrowsByBytesAcked) {
  NewReno cc;
  cc.on_packet_sent(1200);
  cc.on_packet_sent(1000);
  cc.on_packet_acked(1200, at(1));
  cc.on_packet_acked(1000, at(2));
  EXPECT_EQ(cc.window(), 14200u);
  EXPECT_EQ(cc.bytes_in_flight(), 0u);
}

TEST(NewReno, CongestionEventHalvesOncePerRecoveryPeriod) {
  NewReno cc;
  cc.on_packet_sent(1200);
  cc.on_packet_acked(1200, at(1));
  EXPECT_EQ(cc.window(), 13200u);
  cc.on_congestion_event(at(5), at(10));
  EXPECT_EQ(cc.ssthresh(), 6600u);
  EXPECT_EQ(cc.window(), 6600u);
  EXPECT_FALSE(cc.in_slow_start());
  EXPECT_TRUE(cc.in_recovery(at(10)));
  EXPECT_FALSE(cc.in_recovery(at(11)));
  // A loss of a packet sent before recovery began does not reduce again.
  cc.on_congestion_event(at(8), at(12));
  EXPECT_EQ(cc.window(), 6600u);
  // Acknowledgments of packets sent before recovery began do not grow it.
  cc.on_packet_sent(1200);
  cc.on_packet_acked(1200, at(9));
  EXPECT_EQ(cc.window(), 6600u);
  // A loss of a packet sent after recovery began starts a new period.
  cc.on_congestion_event(at(11), at(20));
  EXPECT_EQ(cc.window(), 3300u);
  EXPECT_EQ(cc.ssthresh(), 3300u);
}

TEST(NewReno, CongestionAvoidanceAddsOneDatagramPerWindowAcked) {
  NewReno cc;
  cc.on_congestion_event(at(0), at(0));  // window 6000, ssthresh 6000
  ASSERT_EQ(cc.window(), 6000u);
  for (int i = 0; i < 4; ++i) {
    cc.on_packet_sent(1200);
    cc.on_packet_acked(1200, at(1));
  }
  EXPECT_EQ(cc.window(), 6000u);  // 4800 bytes acked < 6000
  cc.on_packet_sent(1200);
  cc.on_packet_acked(1200, at(1));
  EXPECT_EQ(cc.window(), 7200u);  // 6000 acked: one more datagram
  for (int i = 0; i < 5; ++i) {
    cc.on_packet_sent(1200);
    cc.on_packet_acked(1200, at(1));
  }
  EXPECT_EQ(cc.window(), 7200u);  // 6000 < 7200 acked since
  cc.on_packet_sent(1200);
  cc.on_packet_acked(1200, at(1));
  EXPECT_EQ(cc.window(), 8400u);
}

TEST(NewReno, WindowNeverDropsBelowTheMinimum) {
  NewReno cc;
  cc.on_congestion_event(at(0), at(1));
  cc.on_congestion_event(at(2), at(3));
  EXPECT_EQ(cc.window(), 3000u);
  cc.on_congestion_event(at(4), at(5));
  EXPECT_EQ(cc.ssthresh(), 1500u);
  EXPECT_EQ(cc.window(), 2400u);
}

TEST(NewReno, PersistentCongestionCollapsesToMinimumWindow) {
  NewReno cc;
  cc.on_congestion_event(at(0), at(10));
  cc.on_persistent_congestion();
  EXPECT_EQ(cc.window(), 2400u);
  EXPECT_FALSE(cc.in_recovery(at(5)));  // the recovery period ended
  // ssthresh stays at 6000: slow start again up to it.
  EXPECT_TRUE(cc.in_slow_start());
  cc.on_packet_sent(1200);
  cc.on_packet_acked(1200, at(5));
  EXPECT_EQ(cc.window(), 3600u);
}

TEST(NewReno, AppLimitedDoesNotGrow) {
  NewReno cc;
  cc.set_app_limited(true);
  cc.on_packet_sent(1200);
  cc.on_packet_acked(1200, at(1));
  EXPECT_EQ(cc.window(), 12000u);
  EXPECT_EQ(cc.bytes_in_flight(), 0u);
  cc.set_app_limited(false);
  cc.on_packet_sent(1200);
  cc.on_packet_acked(1200, at(1));
  EXPECT_EQ(cc.window(), 13200u);
}

}  // namespace
}  // namespace adieu::quic
