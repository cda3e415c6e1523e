// Ephemeral (EC)DHE key shares for TLS 1.3 key_share and TLS 1.2 ECDHE
// (ServerKeyExchange / ClientKeyExchange): x25519, x448, secp256r1,
// secp384r1, secp521r1, and for TLS 1.3 the RFC 7919 ffdhe groups. Public values use the TLS
// encodings, the same in both versions (RFC 8446 section 4.2.8.2, RFC 8422 section 5.4 / 5.11): the
// raw 32 or 56 bytes for x25519 / x448, the uncompressed point for the NIST curves. The shared
// secret is the TLS 1.3 (EC)DHE input and the TLS 1.2 pre-master secret alike: the X coordinate at
// the field's full size for the NIST curves (RFC 8422 section 5.10), the raw X25519/X448 output.
// FFDHE public values and secrets are big-endian numbers of p's size, zero-padded on the left (RFC
// 8446 sections 4.2.8.1 and 7.4.1).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "crypto/random.h"
#include "crypto/secret.h"

namespace adieu::crypto {

// NamedGroup code points.
enum class Group : uint16_t {
  secp256r1 = 0x0017,
  secp384r1 = 0x0018,
  x25519 = 0x001d,
  secp521r1 = 0x0019,
  x448 = 0x001e,
  // RFC 7919 finite-field groups (TLS 1.3 only in adieu).
  ffdhe2048 = 0x0100,
  ffdhe3072 = 0x0101,
  ffdhe4096 = 0x0102,
  ffdhe6144 = 0x0103,
  ffdhe8192 = 0x0104,
};

// Every Group above, in the order of the enum's declaration.
std::span<const Group> implemented_groups();
// The group's TLS name as the IANA registry and OpenSSL write it ("x25519",
// "secp256r1", "ffdhe2048"); nullptr for a code not in Group.
const char* group_name(uint16_t code);
// True for every Group above: KeyShare can generate and derive with it.
bool group_implemented(uint16_t code);
// True for the elliptic-curve groups, the only ones TLS 1.2 uses (adieu has
// no DHE suites: an ffdhe group is TLS 1.3 only).
bool group_is_elliptic(uint16_t code);

class KeyShare {
 public:
  // A fresh key pair. The private key comes from `random` (so RFC 8448 traces
  // can inject it): 32 bytes for x25519, 56 for x448, a scalar of the
  // curve's size for the NIST curves (66 bytes for secp521r1, whose first
  // byte keeps only its low bit), and for FFDHE an exponent of twice the
  // group's security strength (225 to 400 bits). nullopt on failure.
  static std::optional<KeyShare> generate(Group group, Random& random);

  KeyShare(KeyShare&&) noexcept;
  KeyShare& operator=(KeyShare&&) noexcept;
  ~KeyShare();

  Group group() const { return group_; }
  std::span<const uint8_t> public_key() const { return public_key_; }

  // The shared secret with the peer's public value (32, 48 or 66 bytes for
  // the NIST curves, 32 or 56 for x25519 / x448, 256 to 1024 for FFDHE);
  // nullopt if the value is malformed, not on the curve, an FFDHE value not
  // in 1 < y < p-1, or if an x25519/x448 result is all zeros (the caller
  // sends illegal_parameter).
  std::optional<SharedSecret> derive(std::span<const uint8_t> peer_public) const;

 private:
  KeyShare();
  Group group_{};
  std::vector<uint8_t> public_key_;
  struct Key;
  std::unique_ptr<Key> key_;
};

}  // namespace adieu::crypto
