// Ephemeral (EC)DHE key shares for TLS 1.3: x25519, secp256r1, secp384r1.
// Public values use the TLS encodings (RFC 8446 section 4.2.8.2): 32 raw
// bytes for x25519, the uncompressed point for the NIST curves.
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
enum class Group : uint16_t { secp256r1 = 0x0017, secp384r1 = 0x0018, x25519 = 0x001d };

bool group_supported(uint16_t code);

class KeyShare {
 public:
  // A fresh key pair. The private key comes from `random` (so RFC 8448 traces
  // can inject it): 32 bytes for x25519, a scalar of the curve's size for the
  // NIST curves. nullopt on failure.
  static std::optional<KeyShare> generate(Group group, Random& random);

  KeyShare(KeyShare&&) noexcept;
  KeyShare& operator=(KeyShare&&) noexcept;
  ~KeyShare();

  Group group() const { return group_; }
  std::span<const uint8_t> public_key() const { return public_key_; }

  // The shared secret with the peer's public value; nullopt if the value is
  // malformed or not on the curve (the caller sends illegal_parameter).
  std::optional<Secret> derive(std::span<const uint8_t> peer_public) const;

 private:
  KeyShare();
  Group group_{};
  std::vector<uint8_t> public_key_;
  struct Key;
  std::unique_ptr<Key> key_;
};

}  // namespace adieu::crypto
