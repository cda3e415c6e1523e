#include "engine/quic/packet_header.h"

#include <algorithm>

#include "crypto/aead.h"
#include "engine/quic/connection_id.h"

namespace adieu::quic {

namespace {

constexpr uint8_t kHeaderForm = 0x80;  // 1: long header
constexpr uint8_t kFixedBit = 0x40;

// A long header's packet type (RFC 9000 section 17.2, Table 5).
PacketType long_packet_type(uint8_t first_byte) {
  switch ((first_byte >> 4) & 3) {
    case 0:
      return PacketType::initial;
    case 1:
      return PacketType::zero_rtt;
    case 2:
      return PacketType::handshake;
    default:
      return PacketType::retry;
  }
}

HeaderStatus parse_long_header(Bytes datagram, PacketHeader& out) {
  wire::Reader r(datagram);
  out.first_byte = r.u8();
  out.version = r.u32();
  // RFC 8999 section 5.1: the invariant fields, with lengths up to 255.
  out.dcid = r.vec8();
  out.scid = r.vec8();
  if (!r.ok()) return HeaderStatus::malformed;

  if (out.version == 0) {
    // Version Negotiation (RFC 9000 section 17.2.1): the rest is a non-empty
    // list of 4-byte versions; the fixed bit is unused.
    out.type = PacketType::version_negotiation;
    out.supported_versions = r.rest();
    out.packet = datagram;
    if (out.supported_versions.empty() || out.supported_versions.size() % 4 != 0) {
      return HeaderStatus::malformed;
    }
    return HeaderStatus::ok;
  }
  if (out.version != kQuicVersion1) {
    out.packet = datagram;
    return HeaderStatus::unsupported_version;
  }
  if ((out.first_byte & kFixedBit) == 0 || out.dcid.size() > kMaxConnectionIdSize ||
      out.scid.size() > kMaxConnectionIdSize) {
    return HeaderStatus::malformed;
  }

  out.type = long_packet_type(out.first_byte);
  if (out.type == PacketType::retry) {
    // Retry Token (the rest) then the 16-byte Retry Integrity Tag.
    const Bytes rest = r.rest();
    if (rest.size() < kRetryIntegrityTagSize) return HeaderStatus::malformed;
    out.token = rest.first(rest.size() - kRetryIntegrityTagSize);
    out.integrity_tag = rest.last(kRetryIntegrityTagSize);
    out.packet = datagram;
    return HeaderStatus::ok;
  }
  if (out.type == PacketType::initial) {
    out.token = r.bytes(r.varint());
  }
  const uint64_t length = r.varint();
  // Length counts the packet number and the protected payload; it must lie
  // within the datagram (and hold at least a 1-byte packet number).
  if (!r.ok() || length == 0 || length > r.remaining()) return HeaderStatus::malformed;
  out.pn_offset = r.position();
  out.packet = datagram.first(out.pn_offset + static_cast<size_t>(length));
  return HeaderStatus::ok;
}

HeaderStatus parse_short_header(Bytes datagram, size_t dcid_length, PacketHeader& out) {
  wire::Reader r(datagram);
  out.type = PacketType::one_rtt;
  out.first_byte = r.u8();
  out.dcid = r.bytes(dcid_length);
  if (!r.ok() || (out.first_byte & kFixedBit) == 0 || dcid_length > kMaxConnectionIdSize ||
      r.remaining() == 0) {
    return HeaderStatus::malformed;
  }
  out.pn_offset = r.position();
  out.packet = datagram;
  return HeaderStatus::ok;
}

void write_packet_number(wire::Writer& w, uint64_t pn, size_t pn_length) {
  for (size_t i = pn_length; i-- > 0;) w.u8(static_cast<uint8_t>(pn >> (8 * i)));
}

bool valid_pn_length(size_t pn_length) {
  return pn_length >= 1 && pn_length <= 4;
}

}  // namespace

HeaderStatus parse_packet_header(Bytes datagram, size_t short_dcid_length, PacketHeader& out) {
  out = PacketHeader{};
  if (datagram.empty()) return HeaderStatus::malformed;
  return (datagram[0] & kHeaderForm) != 0 ? parse_long_header(datagram, out)
                                          : parse_short_header(datagram, short_dcid_length, out);
}

bool CoalescedPackets::next(PacketHeader& out) {
  while (!rest_.empty() && status_ == HeaderStatus::ok) {
    status_ = parse_packet_header(rest_, short_dcid_length_, out);
    if (status_ != HeaderStatus::ok) return false;
    rest_ = rest_.subspan(out.packet.size());
    if (!first_dcid_) first_dcid_ = out.dcid;
    if (std::equal(out.dcid.begin(), out.dcid.end(), first_dcid_->begin(), first_dcid_->end())) {
      return true;
    }
    ++skipped_;
  }
  return false;
}

size_t write_long_header(wire::Writer& w, const LongHeader& header, uint64_t pn, size_t pn_length,
                         size_t payload_size) {
  const size_t start = w.size();
  uint8_t type_bits = 0;
  switch (header.type) {
    case PacketType::initial:
      type_bits = 0;
      break;
    case PacketType::zero_rtt:
      type_bits = 1;
      break;
    case PacketType::handshake:
      type_bits = 2;
      break;
    default:
      w.fail();  // Retry and Version Negotiation have their own writers
      return 0;
  }
  if (!valid_pn_length(pn_length) || header.dcid.size() > kMaxConnectionIdSize ||
      header.scid.size() > kMaxConnectionIdSize ||
      (header.type != PacketType::initial && !header.token.empty())) {
    w.fail();
    return 0;
  }
  w.u8(static_cast<uint8_t>(kHeaderForm | kFixedBit | (type_bits << 4) | (pn_length - 1)));
  w.u32(header.version);
  w.vec8(header.dcid);
  w.vec8(header.scid);
  if (header.type == PacketType::initial) {
    w.varint(header.token.size());
    w.bytes(header.token);
  }
  w.varint(pn_length + payload_size + crypto::kAeadTagSize);
  const size_t pn_offset = w.size() - start;
  write_packet_number(w, pn, pn_length);
  return pn_offset;
}

size_t write_short_header(wire::Writer& w, Bytes dcid, bool spin, bool key_phase, uint64_t pn,
                          size_t pn_length) {
  if (!valid_pn_length(pn_length) || dcid.size() > kMaxConnectionIdSize) {
    w.fail();
    return 0;
  }
  w.u8(static_cast<uint8_t>(kFixedBit | (spin ? 0x20 : 0) | (key_phase ? 0x04 : 0) |
                            (pn_length - 1)));
  w.bytes(dcid);
  write_packet_number(w, pn, pn_length);
  return 1 + dcid.size();
}

void write_version_negotiation(wire::Writer& w, uint8_t unused, Bytes dcid, Bytes scid,
                               std::span<const uint32_t> versions) {
  w.u8(static_cast<uint8_t>(kHeaderForm | (unused & 0x7f)));
  w.u32(0);
  w.vec8(dcid);
  w.vec8(scid);
  for (uint32_t v : versions) w.u32(v);
}

}  // namespace adieu::quic
