// Ephemeral (EC)DHE key shares for TLS 1.3 key_share and TLS 1.2 ECDHE
// (ServerKeyExchange / ClientKeyExchange): x25519, x448, secp256r1,
// secp384r1, secp521r1. Public values use the TLS encodings, the same in both
// versions (RFC 8446 section 4.2.8.2, RFC 8422 section 5.4 / 5.11): the raw
// 32 or 56 bytes for x25519 / x448, the uncompressed point for the NIST
// curves. The shared secret is the TLS 1.3 (EC)DHE input and the TLS 1.2
// pre-master secret alike: the X coordinate at the field's full size for the
// NIST curves (RFC 8422 section 5.10), the raw X25519/X448 output.
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
};

// True for x25519, secp256r1 and secp384r1 only: the groups this function has
// always answered for (unchanged when secp521r1 and x448 were added).
bool group_supported(uint16_t code);
// True for every Group above: KeyShare can generate and derive with it.
bool group_implemented(uint16_t code);

class KeyShare {
 public:
  // A fresh key pair. The private key comes from `random` (so RFC 8448 traces
  // can inject it): 32 bytes for x25519, 56 for x448, a scalar of the
  // curve's size for the NIST curves (66 bytes for secp521r1, whose first
  // byte keeps only its low bit). nullopt on failure.
  static std::optional<KeyShare> generate(Group group, Random& random);

  KeyShare(KeyShare&&) noexcept;
  KeyShare& operator=(KeyShare&&) noexcept;
  ~KeyShare();

  Group group() const { return group_; }
  std::span<const uint8_t> public_key() const { return public_key_; }

  // The shared secret with the peer's public value (32, 48 or 66 bytes for
  // the NIST curves, 32 or 56 for x25519 / x448); nullopt if the value is
  // malformed or not on the curve, or if an x25519/x448 result is all zeros
  // (the caller sends illegal_parameter).
  std::optional<Secret> derive(std::span<const uint8_t> peer_public) const;

 private:
  KeyShare();
  Group group_{};
  std::vector<uint8_t> public_key_;
  struct Key;
  std::unique_ptr<Key> key_;
};

}  // namespace adieu::crypto
