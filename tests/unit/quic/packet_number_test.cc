// Packet number encoding length and decoding (RFC 9000 section 17.1 and
// Appendix A.2, A.3).
#include "engine/quic/packet_number.h"

#include <gtest/gtest.h>

namespace adieu::quic {
namespace {

TEST(PacketNumber, LengthFollowsTheRfcExamples) {
  // RFC 9000 section 17.1: with 0xabe8b3 acknowledged, 0xac5c02 needs 16
  // bits and 0xace8fe 24 bits.
  EXPECT_EQ(packet_number_length(0xac5c02, 0xabe8b3), 2u);
  EXPECT_EQ(packet_number_length(0xace8fe, 0xabe8b3), 3u);
}

TEST(PacketNumber, LengthCoversTwiceTheUnacknowledgedRange) {
  EXPECT_EQ(packet_number_length(0, std::nullopt), 1u);
  EXPECT_EQ(packet_number_length(127, std::nullopt), 1u);  // 128 unacked: half a 1-byte window
  EXPECT_EQ(packet_number_length(128, std::nullopt), 2u);
  EXPECT_EQ(packet_number_length(1000 + 128, 1000), 1u);
  EXPECT_EQ(packet_number_length(1000 + 129, 1000), 2u);
  EXPECT_EQ(packet_number_length(1000 + 32768, 1000), 2u);
  EXPECT_EQ(packet_number_length(1000 + 32769, 1000), 3u);
  EXPECT_EQ(packet_number_length(uint64_t{1} << 31, 0), 4u);
  EXPECT_EQ(packet_number_length((uint64_t{1} << 31) + 1, 0), 0u);  // beyond 4 bytes
  EXPECT_EQ(packet_number_length(5, 5), 0u);                        // not above largest acked
  EXPECT_EQ(packet_number_length(kMaxPacketNumber + 1, std::nullopt), 0u);
}

TEST(PacketNumber, DecodesTheRfcExample) {
  // RFC 9000 Appendix A.3.
  EXPECT_EQ(decode_packet_number(0xa82f30ea, 0x9b32, 2), 0xa82f9b32u);
}

TEST(PacketNumber, DecodesAcrossWindowEdges) {
  EXPECT_EQ(decode_packet_number(std::nullopt, 0, 1), 0u);
  EXPECT_EQ(decode_packet_number(std::nullopt, 0xff, 1), 0xffu);
  // Expected 0x100: 0x01 is closer as 0x101, 0xff as 0xff.
  EXPECT_EQ(decode_packet_number(0xff, 0x01, 1), 0x101u);
  EXPECT_EQ(decode_packet_number(0xff, 0xff, 1), 0xffu);
  // A packet from below the window's lower edge stays below.
  EXPECT_EQ(decode_packet_number(0x1ff, 0x81, 1), 0x181u);
  EXPECT_EQ(decode_packet_number(0x1ff, 0x80, 1), 0x280u);
  // Every truncation of packet numbers near the expected one decodes back.
  const uint64_t largest = 0x123456789a;
  for (size_t length = 1; length <= 4; ++length) {
    const uint64_t hwin = uint64_t{1} << (8 * length - 1);
    for (uint64_t pn : {largest + 1, largest + hwin, largest + 2 - hwin, largest - 100}) {
      if (hwin > largest || pn + hwin <= largest + 1) continue;  // outside the window
      const uint64_t truncated = pn & ((uint64_t{1} << (8 * length)) - 1);
      EXPECT_EQ(decode_packet_number(largest, truncated, length), pn) << length << " " << pn;
    }
  }
}

TEST(PacketNumber, NeverDecodesPastTheLargestPacketNumber) {
  const uint64_t near_max = kMaxPacketNumber - 2;
  EXPECT_LE(decode_packet_number(near_max, 0x00, 1), kMaxPacketNumber);
  EXPECT_EQ(decode_packet_number(near_max, 0xff, 1) & 0xff, 0xffu);
}

}  // namespace
}  // namespace adieu::quic
