// QUIC packet protection (RFC 9001 section 5): one direction's keys at one
// encryption level, and the protection and removal of protection of whole
// packets.
//
// From a TLS traffic secret (or an Initial secret), HKDF-Expand-Label with
// the labels "quic key", "quic iv" and "quic hp" gives the AEAD key, its IV
// and the header protection key (section 5.1). The payload is sealed with
// the header as associated data and nonce = iv XOR packet number (section
// 5.3); header protection then masks the low bits of the first byte and the
// packet number (section 5.4). A key update (section 6) replaces the AEAD
// key and IV with those of the next secret ("quic ku") and keeps the header
// protection key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/aead.h"
#include "crypto/cipher_suite.h"
#include "crypto/header_protection.h"
#include "crypto/secret.h"

namespace adieu::quic {

// The secret after a key update: HKDF-Expand-Label(secret, "quic ku", "",
// Hash.length) (RFC 9001 section 6.1). Empty on failure.
crypto::Secret next_traffic_secret(crypto::HashAlg hash, std::span<const uint8_t> secret);

// What removing header protection revealed.
struct PacketNumberField {
  uint8_t first_byte = 0;  // unmasked
  size_t length = 0;       // bytes of the packet number, 1 to 4
  uint64_t truncated = 0;  // the packet number as sent
};

enum class UnprotectStatus : uint8_t {
  ok,
  // Too short to hold a packet number and a sample, or no keys: discard
  // (RFC 9001 section 5.4.2).
  too_short,
  // The AEAD did not authenticate the packet: discard (RFC 9001 section 5.5).
  decrypt_failed,
  // Authenticated, but the reserved bits of the first byte are not 0: a
  // connection error of type PROTOCOL_VIOLATION (RFC 9000 section 17.2).
  reserved_bits_set,
};

struct UnprotectedPacket {
  uint8_t first_byte = 0;  // unmasked
  size_t pn_length = 0;
  uint64_t packet_number = 0;  // the full, decoded number
  std::span<uint8_t> payload;  // the plaintext frames, inside the packet
  bool key_phase = false;      // short header's Key Phase bit
};

class PacketProtection {
 public:
  // Derives the key, IV and header protection key of `suite` from `secret`.
  // False (and not ready) on a libcrypto failure.
  bool install(crypto::CipherSuite suite, std::span<const uint8_t> secret);
  // Key update: replaces the AEAD key and IV with those derived from
  // `next_secret` (see next_traffic_secret); the header protection key stays.
  bool update_packet_key(std::span<const uint8_t> next_secret);
  bool ready() const { return aead_.ready() && header_.ready(); }
  crypto::CipherSuite suite() const { return suite_; }
  // Forgets every key (wiped).
  void clear();

  // Protects one packet in place. `packet` holds the header with the
  // packet number unprotected at `pn_offset` (its length in the first
  // byte's two low bits), the plaintext payload, and kAeadTagSize more bytes
  // where the tag goes; the header's Length field (long headers) already
  // counts them. False when the packet is too short for the header
  // protection sample (the packet number and payload together need at least
  // 4 bytes: pad the payload, RFC 9001 section 5.4.2) or on a failure.
  bool protect(std::span<uint8_t> packet, size_t pn_offset, uint64_t pn);

  // Removes header protection in place: the first byte's low bits and the
  // packet number become readable, and `field` gives them. False when the
  // packet is too short to sample (RFC 9001 section 5.4.2).
  bool remove_header_protection(std::span<uint8_t> packet, size_t pn_offset,
                                PacketNumberField& field);
  // Decrypts in place the payload of a packet whose header protection is
  // removed, as packet number `pn`. On failure the payload bytes are
  // unspecified (a caller trying another key keeps a copy).
  bool open_payload(std::span<uint8_t> packet, size_t pn_offset, size_t pn_length, uint64_t pn,
                    std::span<uint8_t>& payload);

  // Both steps, with the full packet number decoded against the largest
  // number successfully processed in this space (RFC 9000 Appendix A.3).
  UnprotectStatus unprotect(std::span<uint8_t> packet, size_t pn_offset,
                            std::optional<uint64_t> largest_pn, UnprotectedPacket& out);

 private:
  crypto::CipherSuite suite_ = crypto::CipherSuite::aes_128_gcm_sha256;
  crypto::Aead aead_;
  crypto::HeaderProtection header_;
};

}  // namespace adieu::quic
