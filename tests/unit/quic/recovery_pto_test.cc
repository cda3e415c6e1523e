#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "engine/quic/recovery.h"
#include "recovery_test_support.h"

namespace adieu::quic {
namespace {

using std::chrono::milliseconds;
using testing::at_ms;
using testing::at_us;
using testing::packet;
using Pns = PacketNumberSpace;
using Kind = TimeoutOutcome::Kind;

AckOutcome ack(Recovery& r, Pns space, std::vector<AckRange> ranges, Instant now) {
  return r.on_ack_received(space, ranges, Duration{0}, now);
}

TEST(RecoveryPto, ApplicationSpaceBacksOffExponentially) {
  Recovery r(RecoveryConfig{.is_server = true});
  r.on_handshake_confirmed(at_ms(0));
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  // 333 + 4 * 166.5 + max_ack_delay 25.
  EXPECT_EQ(r.pto_period(Pns::application), milliseconds(1024));
  EXPECT_EQ(r.timer(), at_ms(1024));

  EXPECT_EQ(r.on_timeout(at_us(1023999)).kind, Kind::none);
  TimeoutOutcome first = r.on_timeout(at_ms(1024));
  EXPECT_EQ(first.kind, Kind::probe);
  EXPECT_EQ(first.space, Pns::application);
  EXPECT_EQ(first.probes, 2);
  EXPECT_FALSE(first.anti_deadlock);
  EXPECT_EQ(r.pto_count(), 1u);
  EXPECT_EQ(r.pto_period(Pns::application), milliseconds(2048));
  EXPECT_EQ(r.timer(), at_ms(2048));

  r.on_timeout(at_ms(2048));
  EXPECT_EQ(r.pto_count(), 2u);
  EXPECT_EQ(r.timer(), at_ms(4096));
  // A PTO is no loss: the packet is still outstanding, the window unchanged.
  EXPECT_EQ(r.outstanding(Pns::application), 1u);
  EXPECT_EQ(r.congestion().window(), 12000u);

  // An acknowledgment ends the backoff.
  ack(r, Pns::application, {{0, 0}}, at_ms(4100));
  EXPECT_EQ(r.pto_count(), 0u);
  EXPECT_EQ(r.timer(), kNever);
}

TEST(RecoveryPto, HandshakeSpaceHasNoMaxAckDelay) {
  Recovery r(RecoveryConfig{.is_server = true});
  r.on_packet_sent(Pns::handshake, packet(0, at_ms(0)));
  EXPECT_EQ(r.timer(), at_ms(999));
  r.on_timeout(at_ms(999));
  EXPECT_EQ(r.timer(), at_ms(1998));
  r.on_timeout(at_ms(1998));
  EXPECT_EQ(r.timer(), at_ms(3996));
  EXPECT_EQ(r.pto_count(), 2u);
}

TEST(RecoveryPto, ProbeNewDataSentAfterAPtoRestartsFromIt) {
  Recovery r(RecoveryConfig{.is_server = true});
  r.on_packet_sent(Pns::handshake, packet(0, at_ms(0)));
  r.on_timeout(at_ms(999));
  r.on_packet_sent(Pns::handshake, packet(1, at_ms(1000)));
  EXPECT_EQ(r.timer(), at_ms(2998));  // 1000 + 2 * 999
}

TEST(RecoveryPto, ApplicationSpaceNotArmedBeforeConfirmation) {
  Recovery r(RecoveryConfig{.is_server = true});
  r.on_packet_sent(Pns::application, packet(0, at_ms(0)));
  EXPECT_EQ(r.timer(), kNever);
  r.on_handshake_confirmed(at_ms(10));
  EXPECT_EQ(r.timer(), at_ms(1024));
}

TEST(RecoveryPto, EarliestSpaceWins) {
  Recovery r(RecoveryConfig{.is_server = true});
  r.on_packet_sent(Pns::initial, packet(0, at_ms(0)));
  r.on_packet_sent(Pns::handshake, packet(0, at_ms(100)));
  EXPECT_EQ(r.timer(), at_ms(999));
  TimeoutOutcome out = r.on_timeout(at_ms(999));
  EXPECT_EQ(out.kind, Kind::probe);
  EXPECT_EQ(out.space, Pns::initial);
  // With the backoff the Initial packet's PTO is at 1998, Handshake's at 2098.
  EXPECT_EQ(r.timer(), at_ms(1998));
}

TEST(RecoveryPto, ClientAntiDeadlockProbesInitialThenHandshake) {
  Recovery r(RecoveryConfig{.is_server = false});
  r.on_packet_sent(Pns::initial, packet(0, at_ms(0)));
  ack(r, Pns::initial, {{0, 0}}, at_ms(100));  // RTT 100 ms: PTO base 300 ms
  EXPECT_FALSE(r.peer_completed_address_validation());
  // Nothing in flight, yet a PTO from now: the server may be blocked by its
  // anti-amplification limit (RFC 9002 §6.2.2.1).
  EXPECT_EQ(r.timer(), at_ms(400));
  TimeoutOutcome initial_probe = r.on_timeout(at_ms(400));
  EXPECT_EQ(initial_probe.kind, Kind::probe);
  EXPECT_TRUE(initial_probe.anti_deadlock);
  EXPECT_EQ(initial_probe.space, Pns::initial);
  EXPECT_EQ(initial_probe.probes, 1);
  EXPECT_EQ(r.timer(), at_ms(1000));  // 400 + 2 * 300

  r.on_handshake_keys_available(at_ms(500));
  EXPECT_EQ(r.timer(), at_ms(1100));
  TimeoutOutcome handshake_probe = r.on_timeout(at_ms(1100));
  EXPECT_TRUE(handshake_probe.anti_deadlock);
  EXPECT_EQ(handshake_probe.space, Pns::handshake);
  EXPECT_EQ(r.pto_count(), 2u);
  EXPECT_EQ(r.timer(), at_ms(2300));  // 1100 + 4 * 300

  // The probe is sent; the server's ACK of a Handshake packet validates the
  // client's address: the backoff ends and nothing is armed.
  r.on_packet_sent(Pns::handshake, packet(0, at_ms(1100)));
  EXPECT_EQ(r.timer(), at_ms(2300));
  ack(r, Pns::handshake, {{0, 0}}, at_ms(1200));
  EXPECT_TRUE(r.peer_completed_address_validation());
  EXPECT_EQ(r.pto_count(), 0u);
  EXPECT_EQ(r.timer(), kNever);
}

TEST(RecoveryPto, ClientKeepsBackoffUntilItsAddressIsValidated) {
  for (bool is_server : {false, true}) {
    Recovery r(RecoveryConfig{.is_server = is_server});
    r.on_packet_sent(Pns::initial, packet(0, at_ms(0)));
    r.on_packet_sent(Pns::initial, packet(1, at_ms(0)));
    r.on_timeout(at_ms(999));
    ASSERT_EQ(r.pto_count(), 1u);
    ack(r, Pns::initial, {{1, 1}}, at_ms(1000));
    EXPECT_EQ(r.pto_count(), is_server ? 0u : 1u) << "server " << is_server;
  }
}

TEST(RecoveryPto, ServerWithNothingInFlightArmsNothing) {
  Recovery r(RecoveryConfig{.is_server = true});
  EXPECT_EQ(r.timer(), kNever);
  r.on_packet_sent(Pns::initial, packet(0, at_ms(0), 50, false));  // ACK only
  EXPECT_EQ(r.timer(), kNever);
  EXPECT_EQ(r.on_timeout(at_ms(5000)).kind, Kind::none);
}

TEST(RecoveryPto, AmplificationLimitedServerArmsNoPto) {
  Recovery r(RecoveryConfig{.is_server = true});
  r.on_packet_sent(Pns::initial, packet(0, at_ms(0)));
  EXPECT_EQ(r.timer(), at_ms(999));
  r.set_amplification_limited(true, at_ms(10));
  EXPECT_EQ(r.timer(), kNever);
  r.set_amplification_limited(false, at_ms(20));
  EXPECT_EQ(r.timer(), at_ms(999));
}

}  // namespace
}  // namespace adieu::quic
