#include "engine/quic/stateless_reset.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/hkdf.h"
#include "crypto/secret.h"

namespace adieu::quic {

bool StatelessResetKey::generate(crypto::Random& random, StatelessResetKey& out) {
  return random.fill(out.key_);
}

StatelessResetKey::StatelessResetKey(std::span<const uint8_t, kStatelessResetKeyLength> key) {
  std::copy(key.begin(), key.end(), key_.begin());
}

StatelessResetKey::~StatelessResetKey() {
  crypto::wipe_bytes(key_);
}

StatelessResetToken StatelessResetKey::token(std::span<const uint8_t> connection_id) const {
  const crypto::Secret mac = crypto::hmac(crypto::HashAlg::sha256, key_, connection_id);
  StatelessResetToken token{};
  std::copy_n(mac.span().begin(), token.size(), token.begin());
  return token;
}

bool write_stateless_reset(const StatelessResetToken& token, size_t size, crypto::Random& random,
                           std::span<uint8_t> out) {
  if (size < kMinStatelessResetSize || out.size() < size) return false;
  const size_t random_bytes = size - token.size();
  if (!random.fill(out.first(random_bytes))) return false;
  out[0] = static_cast<uint8_t>((out[0] & 0x3f) | 0x40);  // Header Form 0, Fixed Bit 1
  std::copy(token.begin(), token.end(), out.begin() + static_cast<ptrdiff_t>(random_bytes));
  return true;
}

bool is_stateless_reset(std::span<const uint8_t> datagram, const StatelessResetToken& token) {
  if (datagram.size() < kMinStatelessResetSize) return false;
  return crypto::constant_time_equal(datagram.last(token.size()), token);
}

}  // namespace adieu::quic
