#include "engine/quic/ack_tracker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace adieu::quic {
namespace {

using std::chrono::milliseconds;
using Pns = PacketNumberSpace;
using Ranges = std::vector<AckRange>;

constexpr Duration kMaxAckDelay = milliseconds(25);

Instant at(int ms) {
  return Instant{} + milliseconds(ms);
}

TEST(AckTracker, RangesLargestFirstForAReceivePattern) {
  AckTracker t(Pns::application, kMaxAckDelay);
  for (std::uint64_t pn : {0, 1, 2, 5, 6, 9, 14, 12, 13}) t.on_packet_received(pn, true, at(0));
  EXPECT_EQ(t.ack_ranges(10), (Ranges{{12, 14}, {9, 9}, {5, 6}, {0, 2}}));
  EXPECT_EQ(t.ack_ranges(2), (Ranges{{12, 14}, {9, 9}}));
  EXPECT_EQ(t.ack_ranges(0), Ranges{});
  EXPECT_EQ(t.largest_received(), 14u);
}

TEST(AckTracker, DuplicatesAreDetected) {
  AckTracker t(Pns::application, kMaxAckDelay);
  EXPECT_FALSE(t.is_duplicate(0));
  t.on_packet_received(0, true, at(0));
  t.on_packet_received(2, false, at(0));
  EXPECT_TRUE(t.is_duplicate(0));
  EXPECT_FALSE(t.is_duplicate(1));
  EXPECT_TRUE(t.is_duplicate(2));
  // Receiving a duplicate changes nothing.
  t.on_ack_sent();
  t.on_packet_received(0, true, at(1));
  EXPECT_EQ(t.unacked_ack_eliciting(), 0u);
  EXPECT_EQ(t.ack_deadline(), kNever);
}

TEST(AckTracker, ApplicationSpaceDelaysOneAckElicitingPacket) {
  AckTracker t(Pns::application, kMaxAckDelay);
  t.on_packet_received(0, true, at(100));
  EXPECT_EQ(t.ack_deadline(), at(125));
  EXPECT_FALSE(t.ack_due(at(124)));
  EXPECT_TRUE(t.ack_due(at(125)));
  EXPECT_EQ(t.ack_delay(at(110)), milliseconds(10));
}

TEST(AckTracker, SecondAckElicitingPacketIsAcknowledgedAtOnce) {
  AckTracker t(Pns::application, kMaxAckDelay);
  t.on_packet_received(0, true, at(100));
  t.on_packet_received(1, true, at(105));
  EXPECT_EQ(t.ack_deadline(), at(105));
  EXPECT_EQ(t.ack_ranges(8), (Ranges{{0, 1}}));
  EXPECT_EQ(t.ack_delay(at(107)), milliseconds(2));  // since packet 1 arrived
  t.on_ack_sent();
  EXPECT_EQ(t.ack_deadline(), kNever);
  EXPECT_EQ(t.unacked_ack_eliciting(), 0u);
  // The count restarts after an ACK.
  t.on_packet_received(2, true, at(110));
  EXPECT_EQ(t.ack_deadline(), at(135));
}

TEST(AckTracker, NonAckElicitingPacketsNeverMakeAnAckDue) {
  AckTracker t(Pns::application, kMaxAckDelay);
  t.on_packet_received(0, false, at(0));
  t.on_packet_received(1, false, at(1));
  t.on_packet_received(5, false, at(2));  // even out of order
  EXPECT_EQ(t.ack_deadline(), kNever);
  EXPECT_TRUE(t.has_ranges_to_send());
  EXPECT_EQ(t.ack_ranges(8), (Ranges{{5, 5}, {0, 1}}));
}

TEST(AckTracker, GapBeforeANewPacketMakesTheAckImmediate) {
  AckTracker t(Pns::application, kMaxAckDelay);
  t.on_packet_received(0, true, at(0));
  t.on_ack_sent();
  t.on_packet_received(2, true, at(10));  // 1 is missing
  EXPECT_EQ(t.ack_deadline(), at(10));
}

TEST(AckTracker, PacketBelowTheLargestMakesTheAckImmediate) {
  AckTracker t(Pns::application, kMaxAckDelay);
  t.on_packet_received(5, true, at(0));
  t.on_ack_sent();
  t.on_packet_received(3, true, at(10));
  EXPECT_EQ(t.ack_deadline(), at(10));
  EXPECT_EQ(t.ack_delay(at(12)), milliseconds(12));  // largest (5) arrived at 0
}

TEST(AckTracker, GapFilledByNonAckElicitingPacketsIsInOrder) {
  AckTracker t(Pns::application, kMaxAckDelay);
  t.on_packet_received(0, true, at(0));
  t.on_ack_sent();
  t.on_packet_received(1, false, at(5));
  t.on_packet_received(2, true, at(10));
  EXPECT_EQ(t.ack_deadline(), at(35));
}

TEST(AckTracker, InitialAndHandshakeAreAcknowledgedAtOnce) {
  for (Pns space : {Pns::initial, Pns::handshake}) {
    AckTracker t(space, kMaxAckDelay);
    t.on_packet_received(0, true, at(7));
    EXPECT_EQ(t.ack_deadline(), at(7));
    EXPECT_EQ(t.ack_delay(at(20)), Duration{0});
  }
}

TEST(AckTracker, AcknowledgedAckFrameStopsOlderRanges) {
  AckTracker t(Pns::application, kMaxAckDelay);
  for (std::uint64_t pn : {0, 1, 2, 5, 6, 9}) t.on_packet_received(pn, true, at(0));
  t.on_ack_frame_acknowledged(5);
  EXPECT_EQ(t.ack_ranges(8), (Ranges{{9, 9}, {6, 6}}));
  t.on_ack_frame_acknowledged(6);
  EXPECT_EQ(t.ack_ranges(8), (Ranges{{9, 9}}));
  t.on_ack_frame_acknowledged(3);  // an older ACK frame changes nothing
  EXPECT_EQ(t.ack_ranges(8), (Ranges{{9, 9}}));
  t.on_ack_frame_acknowledged(9);
  EXPECT_FALSE(t.has_ranges_to_send());
  EXPECT_EQ(t.ack_ranges(8), Ranges{});
  // Duplicate detection keeps the old packet numbers.
  EXPECT_TRUE(t.is_duplicate(1));
  t.on_packet_received(10, true, at(1));
  EXPECT_EQ(t.ack_ranges(8), (Ranges{{10, 10}}));
}

TEST(AckTracker, RememberedRangesAreBounded) {
  AckTracker t(Pns::application, kMaxAckDelay);
  // 65 isolated packet numbers: 0, 2, ..., 128.
  for (std::uint64_t pn = 0; pn <= 128; pn += 2) t.on_packet_received(pn, false, at(0));
  Ranges ranges = t.ack_ranges(1000);
  ASSERT_EQ(ranges.size(), AckTracker::kMaxRememberedRanges);
  EXPECT_EQ(ranges.front(), (AckRange{128, 128}));
  EXPECT_EQ(ranges.back(), (AckRange{2, 2}));
  // Below the oldest remembered run everything counts as a duplicate.
  EXPECT_TRUE(t.is_duplicate(0));
  EXPECT_TRUE(t.is_duplicate(1));
  EXPECT_FALSE(t.is_duplicate(3));
}

}  // namespace
}  // namespace adieu::quic
