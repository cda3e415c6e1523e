// QUIC packet headers (RFC 9000 section 17, RFC 8999): parsing of every
// packet type, coalesced packets, and malformed inputs.
#include "engine/quic/packet_header.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../crypto/hex.h"
#include "crypto/aead.h"
#include "rfc9001_vectors.h"

namespace adieu::quic {
namespace {

using adieu::test::from_hex;
using adieu::test::to_hex;
using ByteVec = std::vector<uint8_t>;

const ByteVec kDcid = from_hex("0102030405060708");
const ByteVec kScid = from_hex("a1a2a3a4");

// A long header packet of `type` with a payload of `payload_size` bytes
// (plus room for the tag), unprotected.
ByteVec long_packet(PacketType type, size_t payload_size, ByteVec token = {}) {
  ByteVec out;
  wire::Writer w(out);
  write_long_header(w, LongHeader{type, kQuicVersion1, kDcid, kScid, token}, 7, 2, payload_size);
  out.resize(out.size() + payload_size + crypto::kAeadTagSize, 0x11);
  EXPECT_TRUE(w.ok());
  return out;
}

ByteVec short_packet(size_t payload_size) {
  ByteVec out;
  wire::Writer w(out);
  write_short_header(w, kDcid, true, false, 9, 1);
  out.resize(out.size() + payload_size + crypto::kAeadTagSize, 0x22);
  return out;
}

ByteVec concat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const ByteVec& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(PacketHeader, ParsesEachLongHeaderType) {
  const ByteVec token = from_hex("cafe");
  for (PacketType type : {PacketType::initial, PacketType::zero_rtt, PacketType::handshake}) {
    const ByteVec packet = long_packet(type, 30, type == PacketType::initial ? token : ByteVec{});
    PacketHeader h;
    ASSERT_EQ(parse_packet_header(packet, 0, h), HeaderStatus::ok);
    EXPECT_EQ(h.type, type);
    EXPECT_EQ(h.version, kQuicVersion1);
    EXPECT_EQ(to_hex(h.dcid), to_hex(kDcid));
    EXPECT_EQ(to_hex(h.scid), to_hex(kScid));
    EXPECT_EQ(h.packet.size(), packet.size());
    EXPECT_EQ(h.packet.data(), packet.data());
    const size_t token_bytes = type == PacketType::initial ? 1 + token.size() : 0;
    EXPECT_EQ(h.pn_offset, 1 + 4 + 1 + 8 + 1 + 4 + token_bytes + 1);  // 1-byte Length (50)
    if (type == PacketType::initial) {
      EXPECT_EQ(to_hex(h.token), "cafe");
    }
  }
}

TEST(PacketHeader, ParsesAShortHeader) {
  const ByteVec packet = short_packet(10);
  PacketHeader h;
  ASSERT_EQ(parse_packet_header(packet, kDcid.size(), h), HeaderStatus::ok);
  EXPECT_EQ(h.type, PacketType::one_rtt);
  EXPECT_EQ(to_hex(h.dcid), to_hex(kDcid));
  EXPECT_EQ(h.pn_offset, 9u);
  EXPECT_EQ(h.packet.size(), packet.size());
  EXPECT_EQ(h.first_byte & 0x20, 0x20);  // spin bit
}

TEST(PacketHeader, VersionNegotiation) {
  ByteVec packet;
  wire::Writer w(packet);
  const uint32_t versions[] = {kQuicVersion1, 0x6b3343cf, 0x1a2a3a4a};
  write_version_negotiation(w, 0x35, kScid, kDcid, versions);
  EXPECT_EQ(to_hex(packet).substr(0, 12), "b50000000004");
  PacketHeader h;
  ASSERT_EQ(parse_packet_header(packet, 0, h), HeaderStatus::ok);
  EXPECT_EQ(h.type, PacketType::version_negotiation);
  EXPECT_EQ(to_hex(h.dcid), to_hex(kScid));
  EXPECT_EQ(to_hex(h.supported_versions), "000000016b3343cf1a2a3a4a");
  // The list must be non-empty whole versions.
  ByteVec no_versions(packet.begin(), packet.end() - 12);
  EXPECT_EQ(parse_packet_header(no_versions, 0, h), HeaderStatus::malformed);
  ByteVec partial(packet.begin(), packet.end() - 1);
  EXPECT_EQ(parse_packet_header(partial, 0, h), HeaderStatus::malformed);
}

TEST(PacketHeader, OtherVersionsGiveTheInvariantFieldsOnly) {
  // RFC 8999: connection IDs up to 255 bytes in other versions.
  ByteVec packet = from_hex("c0 ff00001d");
  packet.push_back(40);
  packet.insert(packet.end(), 40, 0x33);
  packet.push_back(0);
  packet.insert(packet.end(), 100, 0);
  PacketHeader h;
  ASSERT_EQ(parse_packet_header(packet, 0, h), HeaderStatus::unsupported_version);
  EXPECT_EQ(h.version, 0xff00001du);
  EXPECT_EQ(h.dcid.size(), 40u);
  EXPECT_TRUE(h.scid.empty());
  EXPECT_EQ(h.packet.size(), packet.size());
}

TEST(PacketHeader, MalformedHeadersAreRefused) {
  PacketHeader h;
  EXPECT_EQ(parse_packet_header({}, 8, h), HeaderStatus::malformed);
  // Fixed bit 0, long and short.
  ByteVec packet = long_packet(PacketType::handshake, 20);
  packet[0] &= 0xbf;
  EXPECT_EQ(parse_packet_header(packet, 0, h), HeaderStatus::malformed);
  ByteVec short_one = short_packet(20);
  short_one[0] &= 0xbf;
  EXPECT_EQ(parse_packet_header(short_one, 8, h), HeaderStatus::malformed);
  // A v1 connection ID of 21 bytes.
  ByteVec long_cid = from_hex("c0 00000001 15");
  long_cid.insert(long_cid.end(), 21, 1);
  long_cid.insert(long_cid.end(), {0, 0, 0x14});
  long_cid.insert(long_cid.end(), 20, 0);
  EXPECT_EQ(parse_packet_header(long_cid, 0, h), HeaderStatus::malformed);
  // A Length past the end of the datagram, and a Length of 0.
  packet = long_packet(PacketType::handshake, 20);
  packet.pop_back();
  EXPECT_EQ(parse_packet_header(packet, 0, h), HeaderStatus::malformed);
  EXPECT_EQ(parse_packet_header(from_hex("e0 00000001 00 00 00"), 0, h), HeaderStatus::malformed);
  // A Retry shorter than its tag.
  EXPECT_EQ(parse_packet_header(from_hex("f0 00000001 00 00 0102030405"), 0, h),
            HeaderStatus::malformed);
  // A short header with nothing after its connection ID.
  EXPECT_EQ(parse_packet_header(from_hex("40 0102030405060708"), 8, h), HeaderStatus::malformed);
}

TEST(PacketHeader, EveryTruncationOfALongHeaderIsRefused) {
  const ByteVec packet =
      from_hex(test::kClientProtectedPacket);  // an Initial whose Length ends the datagram
  for (size_t n = 0; n < packet.size(); ++n) {
    const ByteVec cut(packet.begin(), packet.begin() + static_cast<ptrdiff_t>(n));
    PacketHeader h;
    EXPECT_EQ(parse_packet_header(cut, 8, h), HeaderStatus::malformed) << n;
  }
}

TEST(PacketHeader, CoalescedPacketsAreIteratedByLength) {
  const ByteVec initial = long_packet(PacketType::initial, 40);
  const ByteVec handshake = long_packet(PacketType::handshake, 25);
  const ByteVec one_rtt = short_packet(12);
  const ByteVec datagram = concat({initial, handshake, one_rtt});
  CoalescedPackets packets(datagram, kDcid.size());
  PacketHeader h;
  std::vector<std::pair<PacketType, size_t>> seen;
  while (packets.next(h)) seen.emplace_back(h.type, h.packet.size());
  EXPECT_EQ(packets.status(), HeaderStatus::ok);
  EXPECT_TRUE(packets.rest().empty());
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], std::make_pair(PacketType::initial, initial.size()));
  EXPECT_EQ(seen[1], std::make_pair(PacketType::handshake, handshake.size()));
  EXPECT_EQ(seen[2], std::make_pair(PacketType::one_rtt, one_rtt.size()));
}

TEST(PacketHeader, CoalescedPacketsForAnotherConnectionAreSkipped) {
  const ByteVec first = long_packet(PacketType::initial, 40);
  ByteVec other;
  wire::Writer w(other);
  write_long_header(w, LongHeader{PacketType::handshake, kQuicVersion1, kScid, kScid, {}}, 1, 1,
                    30);
  other.resize(other.size() + 30 + crypto::kAeadTagSize, 0x33);
  const ByteVec last = long_packet(PacketType::handshake, 25);
  const ByteVec datagram = concat({first, other, last});
  CoalescedPackets packets(datagram, kDcid.size());
  PacketHeader h;
  ASSERT_TRUE(packets.next(h));
  EXPECT_EQ(h.type, PacketType::initial);
  ASSERT_TRUE(packets.next(h));
  EXPECT_EQ(h.type, PacketType::handshake);
  EXPECT_EQ(h.packet.data(), datagram.data() + first.size() + other.size());
  EXPECT_FALSE(packets.next(h));
  EXPECT_EQ(packets.status(), HeaderStatus::ok);
  EXPECT_EQ(packets.skipped(), 1u);
}

TEST(PacketHeader, CoalescingStopsAtAMalformedPacket) {
  const ByteVec initial = long_packet(PacketType::initial, 40);
  const ByteVec datagram = concat({initial, from_hex("00 00 00 00")});  // zeros after it
  CoalescedPackets packets(datagram, kDcid.size());
  PacketHeader h;
  ASSERT_TRUE(packets.next(h));
  EXPECT_EQ(h.type, PacketType::initial);
  EXPECT_FALSE(packets.next(h));
  EXPECT_EQ(packets.status(), HeaderStatus::malformed);
  EXPECT_EQ(packets.rest().size(), 4u);
  EXPECT_FALSE(packets.next(h));  // stays stopped
}

TEST(PacketHeader, WritersRefuseBadArguments) {
  ByteVec out;
  wire::Writer retry_type(out);
  write_long_header(retry_type, LongHeader{PacketType::retry, kQuicVersion1, kDcid, kScid, {}}, 1,
                    1, 20);
  EXPECT_FALSE(retry_type.ok());
  wire::Writer token_in_handshake(out);
  write_long_header(token_in_handshake,
                    LongHeader{PacketType::handshake, kQuicVersion1, kDcid, kScid, kScid}, 1, 1,
                    20);
  EXPECT_FALSE(token_in_handshake.ok());
  wire::Writer bad_pn_length(out);
  write_short_header(bad_pn_length, kDcid, false, false, 1, 5);
  EXPECT_FALSE(bad_pn_length.ok());
  wire::Writer long_cid(out);
  write_short_header(long_cid, ByteVec(21, 1), false, false, 1, 1);
  EXPECT_FALSE(long_cid.ok());
}

}  // namespace
}  // namespace adieu::quic
