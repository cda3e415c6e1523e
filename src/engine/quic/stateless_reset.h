// Stateless reset tokens (RFC 9000 section 10.3).
//
// An endpoint that lost a connection's state must still be able to tell a
// peer to stop: it answers a packet for an unknown connection ID with a
// stateless reset ending in that ID's token. So the token is computed, not
// stored: HMAC-SHA256 of the connection ID under a static key the endpoint
// keeps across connections, truncated to 16 bytes (section 10.3.2). Anyone
// without the key cannot compute the token of a connection ID.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/random.h"

namespace adieu::quic {

inline constexpr size_t kStatelessResetTokenLength = 16;
inline constexpr size_t kStatelessResetKeyLength = 32;

using StatelessResetToken = std::array<uint8_t, kStatelessResetTokenLength>;

class StatelessResetKey {
 public:
  // A fresh random key; false if randomness failed.
  static bool generate(crypto::Random& random, StatelessResetKey& out);
  StatelessResetKey() = default;
  explicit StatelessResetKey(std::span<const uint8_t, kStatelessResetKeyLength> key);
  ~StatelessResetKey();
  StatelessResetKey(const StatelessResetKey&) = default;
  StatelessResetKey& operator=(const StatelessResetKey&) = default;

  // The token of `connection_id`.
  StatelessResetToken token(std::span<const uint8_t> connection_id) const;
  std::span<const uint8_t, kStatelessResetKeyLength> bytes() const { return key_; }

 private:
  std::array<uint8_t, kStatelessResetKeyLength> key_{};
};

// The smallest stateless reset we send: RFC 9000 section 10.3 makes it
// indistinguishable from a short header packet of at least this size (1
// header byte, a 5-byte minimum of unpredictable bits, the token), and a
// receiver must treat anything of 21 bytes or more as a possible reset.
inline constexpr size_t kMinStatelessResetSize = 21;

// Writes a stateless reset for `token` of `size` bytes (at least
// kMinStatelessResetSize) into `out`: the short header's form bits (0b01),
// random bits, then the token (section 10.3). False if randomness failed or
// `size` is too small.
bool write_stateless_reset(const StatelessResetToken& token, size_t size, crypto::Random& random,
                           std::span<uint8_t> out);

// Whether `datagram` ends with `token` (compared in constant time) and is
// long enough to be a stateless reset (section 10.3.1).
bool is_stateless_reset(std::span<const uint8_t> datagram, const StatelessResetToken& token);

}  // namespace adieu::quic
