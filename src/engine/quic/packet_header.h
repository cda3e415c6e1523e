// QUIC packet headers (RFC 9000 section 17, invariants in RFC 8999): parsing
// the header of each packet in a datagram, and writing headers.
//
// Parsing never reads past the datagram nor, for a long header with a Length
// field, past that length. A parsed header refers to the datagram's bytes
// (spans): it is valid while the datagram is. The packet number and the low
// bits of the first byte are still under header protection when parsed; see
// packet_protection.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::quic {

using wire::Bytes;

constexpr uint32_t kQuicVersion1 = 0x00000001;

enum class PacketType : uint8_t {
  initial,
  zero_rtt,
  handshake,
  retry,
  version_negotiation,
  one_rtt,  // short header
};

constexpr size_t kRetryIntegrityTagSize = 16;

struct PacketHeader {
  PacketType type = PacketType::one_rtt;
  uint8_t first_byte = 0;  // as on the wire (its low bits may still be protected)
  uint32_t version = 0;    // long headers (0 in a Version Negotiation packet)
  Bytes dcid;
  Bytes scid;                // long headers
  Bytes token;               // Initial: the Token; Retry: the Retry Token
  Bytes integrity_tag;       // Retry: the Retry Integrity Tag
  Bytes supported_versions;  // Version Negotiation: 4 bytes per version
  // Initial, 0-RTT, Handshake, 1-RTT: where the (protected) packet number
  // starts, from the start of `packet`.
  size_t pn_offset = 0;
  // The whole packet: up to the end of its Length for Initial, 0-RTT and
  // Handshake, the rest of the datagram for the others.
  Bytes packet;
};

enum class HeaderStatus : uint8_t {
  ok,
  // Not a valid QUIC v1 packet (too short, fixed bit 0, a connection ID
  // over 20 bytes, a Length past the datagram...): discard it (RFC 9000
  // section 12.2: and the rest of its datagram).
  malformed,
  // A long header of another version: only the invariant fields (version,
  // dcid, scid) are set, and `packet` is the rest of the datagram. A server
  // may answer with Version Negotiation (RFC 9000 section 6).
  unsupported_version,
};

// Parses the packet at the start of `datagram`. A short header's
// Destination Connection ID has `short_dcid_length` bytes (the length of the
// receiver's own connection IDs, RFC 9000 section 17.3).
HeaderStatus parse_packet_header(Bytes datagram, size_t short_dcid_length, PacketHeader& out);

// The packets of one datagram, in order (coalesced packets, RFC 9000
// section 12.2): each long header with a Length field ends where its Length
// says; any other packet takes the rest of the datagram. Packets whose
// Destination Connection ID differs from the first packet's are skipped
// (section 12.2: receivers SHOULD ignore them) and counted in skipped().
class CoalescedPackets {
 public:
  CoalescedPackets(Bytes datagram, size_t short_dcid_length)
      : rest_(datagram), short_dcid_length_(short_dcid_length) {}

  // The next packet's header; false when none is left or a packet did not
  // parse (status() says which; the rest of the datagram is then dropped).
  bool next(PacketHeader& out);
  // ok after the last packet; malformed or unsupported_version when
  // iteration stopped there.
  HeaderStatus status() const { return status_; }
  // Bytes not yet returned as packets (nor skipped).
  Bytes rest() const { return rest_; }
  size_t skipped() const { return skipped_; }

 private:
  Bytes rest_;
  std::optional<Bytes> first_dcid_;
  size_t skipped_ = 0;
  size_t short_dcid_length_;
  HeaderStatus status_ = HeaderStatus::ok;
};

// The fields of a long header of an Initial, 0-RTT or Handshake packet that
// its writer chooses.
struct LongHeader {
  PacketType type = PacketType::initial;
  uint32_t version = kQuicVersion1;
  Bytes dcid;
  Bytes scid;
  Bytes token;  // Initial only
};

// Writes a long header followed by the packet number in `pn_length` bytes
// (1 to 4, unprotected; reserved bits 0), for a payload of `payload_size`
// bytes to which protection adds kAeadTagSize: Length = pn_length +
// payload_size + 16. Returns the packet number's offset from the start of
// the header. Fails the writer on a bad argument (a connection ID over 20
// bytes, a token outside an Initial, a type without a long header).
size_t write_long_header(wire::Writer& w, const LongHeader& header, uint64_t pn, size_t pn_length,
                         size_t payload_size);

// Writes a 1-RTT short header and its packet number (pn_length bytes,
// unprotected; reserved bits 0). Returns the packet number's offset.
size_t write_short_header(wire::Writer& w, Bytes dcid, bool spin, bool key_phase, uint64_t pn,
                          size_t pn_length);

// Writes a Version Negotiation packet (RFC 9000 section 17.2.1): `unused`
// gives the 7 low bits of the first byte (random, chosen by the sender);
// `dcid` and `scid` echo the client's scid and dcid.
void write_version_negotiation(wire::Writer& w, uint8_t unused, Bytes dcid, Bytes scid,
                               std::span<const uint32_t> versions);

}  // namespace adieu::quic
