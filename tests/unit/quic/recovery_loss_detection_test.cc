#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "engine/quic/recovery.h"
#include "recovery_test_support.h"

namespace adieu::quic {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using testing::at_ms;
using testing::at_us;
using testing::numbers;
using testing::packet;
using Pns = PacketNumberSpace;
using U64s = std::vector<std::uint64_t>;

AckOutcome ack(Recovery& r, Pns space, std::vector<AckRange> ranges, Instant now,
               Duration delay = Duration{0}) {
  return r.on_ack_received(space, ranges, delay, now);
}

Recovery confirmed_server() {
  Recovery r(RecoveryConfig{.is_server = true});
  r.on_handshake_confirmed(at_ms(0));
  return r;
}

TEST(RecoveryAck, NewlyAckedPacketsComeBackWithTheirContent) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  r.on_packet_sent(Pns::application, packet(1, at_ms(0)));
  EXPECT_EQ(r.congestion().bytes_in_flight(), 2400u);
  AckOutcome out = ack(r, Pns::application, {{0, 1}}, at_ms(100));
  EXPECT_EQ(out.error, TransportError::no_error);
  EXPECT_EQ(numbers(out.acked), (U64s{0, 1}));
  EXPECT_EQ(out.acked[1].content, 1001u);
  EXPECT_TRUE(out.lost.empty());
  EXPECT_TRUE(out.rtt_sampled);
  EXPECT_EQ(r.rtt().smoothed_rtt(), milliseconds(100));
  EXPECT_EQ(r.congestion().bytes_in_flight(), 0u);
  EXPECT_EQ(r.congestion().window(), 14400u);  // slow start: + 2 * 1200
  EXPECT_EQ(r.largest_acked(Pns::application), 1u);
  EXPECT_EQ(r.outstanding(Pns::application), 0u);
  EXPECT_EQ(r.timer(), kNever);  // nothing in flight, address validated
}

TEST(RecoveryAck, AckDelayIsSubtractedExceptInInitial) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  ack(r, Pns::application, {{0, 0}}, at_ms(100));
  r.on_packet_sent(Pns::application, packet(1, at_ms(100)));
  ack(r, Pns::application, {{1, 1}}, at_ms(220), milliseconds(10));
  EXPECT_EQ(r.rtt().smoothed_rtt(), microseconds(101250));  // adjusted 110 ms

  Recovery init(RecoveryConfig{.is_server = true});
  init.on_packet_sent(Pns::initial, packet(0, at_ms(0)));
  ack(init, Pns::initial, {{0, 0}}, at_ms(100));
  init.on_packet_sent(Pns::initial, packet(1, at_ms(100)));
  ack(init, Pns::initial, {{1, 1}}, at_ms(220), milliseconds(10));
  EXPECT_EQ(init.rtt().smoothed_rtt(), microseconds(102500));  // delay ignored: 120 ms
}

TEST(RecoveryAck, RttSampleOnlyWhenLargestIsNewlyAcked) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  r.on_packet_sent(Pns::application, packet(1, at_ms(1)));
  AckOutcome first = ack(r, Pns::application, {{1, 1}}, at_ms(51));
  EXPECT_TRUE(first.rtt_sampled);
  EXPECT_EQ(r.rtt().latest_rtt(), milliseconds(50));
  // Packet 0 is newly acknowledged but the largest (1) is not: no sample.
  AckOutcome second = ack(r, Pns::application, {{0, 1}}, at_ms(52));
  EXPECT_EQ(numbers(second.acked), (U64s{0}));
  EXPECT_FALSE(second.rtt_sampled);
  EXPECT_EQ(r.rtt().latest_rtt(), milliseconds(50));
}

TEST(RecoveryAck, NoRttSampleWhenNothingNewlyAckedIsAckEliciting) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0), 50, false));  // ACK only
  AckOutcome out = ack(r, Pns::application, {{0, 0}}, at_ms(40));
  EXPECT_EQ(numbers(out.acked), (U64s{0}));
  EXPECT_FALSE(out.rtt_sampled);
  EXPECT_FALSE(r.rtt().has_sample());
  EXPECT_EQ(r.congestion().bytes_in_flight(), 0u);  // never counted
}

TEST(RecoveryAck, DuplicateAckChangesNothing) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  ack(r, Pns::application, {{0, 0}}, at_ms(30));
  AckOutcome again = ack(r, Pns::application, {{0, 0}}, at_ms(90));
  EXPECT_EQ(again.error, TransportError::no_error);
  EXPECT_TRUE(again.acked.empty());
  EXPECT_FALSE(again.rtt_sampled);
  EXPECT_EQ(r.rtt().latest_rtt(), milliseconds(30));
}

TEST(RecoveryAck, AckOfAnUnsentPacketIsAProtocolViolation) {
  Recovery r = confirmed_server();
  EXPECT_EQ(ack(r, Pns::application, {{0, 0}}, at_ms(1)).error, TransportError::protocol_violation);
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  r.on_packet_sent(Pns::application, packet(1, at_ms(0)));
  AckOutcome out = ack(r, Pns::application, {{0, 2}}, at_ms(1));
  EXPECT_EQ(out.error, TransportError::protocol_violation);
  EXPECT_TRUE(out.acked.empty());
  EXPECT_EQ(r.outstanding(Pns::application), 2u);
  // Spaces are separate: the handshake space sent nothing.
  EXPECT_EQ(ack(r, Pns::handshake, {{0, 0}}, at_ms(1)).error, TransportError::protocol_violation);
}

TEST(RecoveryAck, MalformedRangesAreAFrameEncodingError) {
  Recovery r = confirmed_server();
  for (std::uint64_t pn = 0; pn < 10; ++pn)
    r.on_packet_sent(Pns::application, packet(pn, at_ms(0)));
  EXPECT_EQ(ack(r, Pns::application, {}, at_ms(1)).error, TransportError::frame_encoding_error);
  EXPECT_EQ(ack(r, Pns::application, {{5, 4}}, at_ms(1)).error,
            TransportError::frame_encoding_error);
  // Increasing order, or adjacent ranges with no gap between them.
  EXPECT_EQ(ack(r, Pns::application, {{1, 2}, {5, 6}}, at_ms(1)).error,
            TransportError::frame_encoding_error);
  EXPECT_EQ(ack(r, Pns::application, {{5, 6}, {2, 4}}, at_ms(1)).error,
            TransportError::frame_encoding_error);
  AckOutcome ok = ack(r, Pns::application, {{5, 6}, {2, 3}}, at_ms(1));
  EXPECT_EQ(ok.error, TransportError::no_error);
  EXPECT_EQ(numbers(ok.acked), (U64s{2, 3, 5, 6}));
}

TEST(RecoveryLoss, PacketThresholdIsThreePackets) {
  Recovery r = confirmed_server();
  for (std::uint64_t pn = 0; pn < 4; ++pn) {
    r.on_packet_sent(Pns::application, packet(pn, at_ms(static_cast<int>(pn))));
  }
  // RTT about 98 ms: no packet is old enough for the time threshold.
  // Largest acked 2: packet 0 is only 2 behind, not lost.
  AckOutcome a = ack(r, Pns::application, {{2, 2}}, at_ms(100));
  EXPECT_TRUE(a.lost.empty());
  // Largest acked 3: packet 0 is 3 behind, lost; packet 1 is 2 behind, kept.
  AckOutcome b = ack(r, Pns::application, {{3, 3}}, at_ms(101));
  EXPECT_EQ(numbers(b.lost), (U64s{0}));
  EXPECT_EQ(b.lost[0].content, 1000u);
  EXPECT_EQ(r.outstanding(Pns::application), 1u);
}

TEST(RecoveryLoss, TimeThresholdDeclaresLossExactlyAtNineEighthsRtt) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  r.on_packet_sent(Pns::application, packet(1, at_ms(1)));
  // RTT sample 40 ms: loss delay 45 ms. Packet 0 (1 behind) waits.
  AckOutcome out = ack(r, Pns::application, {{1, 1}}, at_ms(41));
  EXPECT_TRUE(out.lost.empty());
  EXPECT_EQ(r.rtt().loss_delay(), milliseconds(45));
  EXPECT_EQ(r.loss_time(Pns::application), at_ms(45));
  EXPECT_EQ(r.timer(), at_ms(45));

  TimeoutOutcome early = r.on_timeout(at_us(44999));
  EXPECT_EQ(early.kind, TimeoutOutcome::Kind::none);
  EXPECT_EQ(r.outstanding(Pns::application), 1u);

  TimeoutOutcome due = r.on_timeout(at_ms(45));
  EXPECT_EQ(due.kind, TimeoutOutcome::Kind::loss);
  EXPECT_EQ(due.space, Pns::application);
  EXPECT_EQ(numbers(due.lost), (U64s{0}));
  EXPECT_EQ(r.loss_time(Pns::application), kNever);
  EXPECT_EQ(r.timer(), kNever);
  EXPECT_EQ(r.congestion().bytes_in_flight(), 0u);
  // 12000 + 1200 (packet 1 acked) halved.
  EXPECT_EQ(r.congestion().window(), 6600u);
}

TEST(RecoveryLoss, AnAckAfterTheLossTimeDeclaresTheLoss) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  r.on_packet_sent(Pns::application, packet(1, at_ms(1)));
  r.on_packet_sent(Pns::application, packet(2, at_ms(20)));
  ack(r, Pns::application, {{1, 1}}, at_ms(41));  // loss time of 0: 45 ms
  // An ACK of packet 2 at 60 ms: RTT 40 again; 0 was sent 60 ms ago > 45 ms.
  AckOutcome out = ack(r, Pns::application, {{2, 2}}, at_ms(60));
  EXPECT_EQ(numbers(out.lost), (U64s{0}));
  EXPECT_EQ(r.loss_time(Pns::application), kNever);
}

TEST(RecoveryLoss, PacketsAboveLargestAckedAreNeverLost) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  r.on_packet_sent(Pns::application, packet(1, at_ms(0)));
  r.on_packet_sent(Pns::application, packet(2, at_ms(0)));
  AckOutcome out = ack(r, Pns::application, {{0, 0}}, at_ms(5000));
  EXPECT_TRUE(out.lost.empty());
  EXPECT_EQ(r.outstanding(Pns::application), 2u);
  EXPECT_EQ(r.loss_time(Pns::application), kNever);
}

// Persistent congestion (RFC 9002 §7.6): first RTT sample 100 ms with rttvar
// 50 ms, then a second 100 ms sample makes rttvar 37.5 ms, so the duration is
// (100 + 4 * 37.5 + 25) * 3 = 825 ms.
struct PersistentScenario {
  Recovery r = confirmed_server();
  AckOutcome run(int third_sent_ms, bool ack_the_middle_one) {
    r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
    ack(r, Pns::application, {{0, 0}}, at_ms(100));
    r.on_packet_sent(Pns::application, packet(1, at_ms(200)));
    r.on_packet_sent(Pns::application, packet(2, at_ms(600)));
    r.on_packet_sent(Pns::application, packet(3, at_ms(third_sent_ms)));
    r.on_packet_sent(Pns::application, packet(4, at_ms(1390)));
    r.on_packet_sent(Pns::application, packet(5, at_ms(1395)));
    r.on_packet_sent(Pns::application, packet(6, at_ms(1400)));
    std::vector<AckRange> ranges = {{6, 6}};
    if (ack_the_middle_one) ranges.push_back({2, 2});
    return ack(r, Pns::application, ranges, at_ms(1500));
  }
};

TEST(RecoveryPersistentCongestion, DurationFromTheRttEstimate) {
  PersistentScenario s;
  s.run(1025, false);
  EXPECT_EQ(s.r.persistent_congestion_duration(), milliseconds(825));
}

TEST(RecoveryPersistentCongestion, SpanEqualToTheDurationIsNotPersistent) {
  PersistentScenario s;
  AckOutcome out = s.run(1025, false);  // 1025 - 200 = 825: does not exceed
  EXPECT_EQ(numbers(out.lost), (U64s{1, 2, 3}));
  EXPECT_FALSE(out.persistent_congestion);
  // 12000 + 1200 (packet 0), halved; packet 6 was sent before recovery began.
  EXPECT_EQ(s.r.congestion().window(), 6600u);
}

TEST(RecoveryPersistentCongestion, SpanBeyondTheDurationCollapsesTheWindow) {
  PersistentScenario s;
  AckOutcome out = s.run(1026, false);
  EXPECT_EQ(numbers(out.lost), (U64s{1, 2, 3}));
  EXPECT_TRUE(out.persistent_congestion);
  // The window collapsed to 2400 and the recovery period ended; packet 6's
  // acknowledgment, processed after the losses (RFC 9002 Appendix A.7), then
  // grows it in slow start.
  EXPECT_EQ(s.r.congestion().window(), 3600u);
  EXPECT_EQ(s.r.congestion().ssthresh(), 6600u);
  EXPECT_EQ(s.r.rtt().min_rtt(), milliseconds(100));
}

TEST(RecoveryPersistentCongestion, AnAcknowledgedPacketBetweenBreaksThePeriod) {
  PersistentScenario s;
  AckOutcome out = s.run(1026, true);
  EXPECT_EQ(numbers(out.acked), (U64s{2, 6}));
  EXPECT_EQ(numbers(out.lost), (U64s{1, 3}));
  EXPECT_FALSE(out.persistent_congestion);
  EXPECT_EQ(s.r.congestion().window(), 6600u);
}

TEST(RecoveryPersistentCongestion, NotBeforeTheFirstRttSample) {
  Recovery r = confirmed_server();
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  for (std::uint64_t pn = 1; pn <= 4; ++pn) {
    r.on_packet_sent(Pns::application, packet(pn, at_ms(2999 + static_cast<int>(pn))));
  }
  // The first sample (97 ms) comes with this ACK; packets 0 and 1, lost 3 s
  // apart, were both sent before it.
  AckOutcome out = ack(r, Pns::application, {{4, 4}}, at_ms(3100));
  EXPECT_EQ(numbers(out.lost), (U64s{0, 1}));
  EXPECT_FALSE(out.persistent_congestion);
  EXPECT_EQ(r.congestion().window(), 6000u);
}

TEST(RecoveryDiscard, DiscardingASpaceRemovesItsBytesWithoutCongestion) {
  Recovery r(RecoveryConfig{.is_server = false});
  r.on_packet_sent(Pns::initial, packet(0, at_ms(0)));
  r.on_handshake_keys_available(at_ms(50));
  r.on_packet_sent(Pns::handshake, packet(0, at_ms(60), 1000));
  EXPECT_EQ(r.congestion().bytes_in_flight(), 2200u);
  std::vector<SentPacket> dropped = r.discard_space(Pns::initial, at_ms(70));
  EXPECT_EQ(numbers(dropped), (U64s{0}));
  EXPECT_EQ(r.congestion().bytes_in_flight(), 1000u);
  EXPECT_EQ(r.congestion().window(), 12000u);
  EXPECT_EQ(r.outstanding(Pns::initial), 0u);
  EXPECT_EQ(r.ack_eliciting_in_flight(Pns::initial), 0u);
  // The PTO now runs from the Handshake packet: 60 ms + 999 ms.
  EXPECT_EQ(r.timer(), at_ms(1059));
  // Later packets of the discarded space are not tracked.
  r.on_packet_sent(Pns::initial, packet(1, at_ms(80)));
  EXPECT_EQ(r.outstanding(Pns::initial), 0u);
  EXPECT_EQ(r.congestion().bytes_in_flight(), 1000u);
}

}  // namespace
}  // namespace adieu::quic
