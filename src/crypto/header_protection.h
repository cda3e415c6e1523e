// QUIC header protection (RFC 9001 section 5.4): a 5-byte mask computed from
// a 16-byte sample of the protected payload, with AES in ECB mode for the
// AES-GCM suites (section 5.4.3) and the raw ChaCha20 block function for
// ChaCha20-Poly1305 (section 5.4.4). The cipher is fetched once per process
// and keyed once per key (the EVP_CIPHER_CTX keeps the key schedule); a mask
// costs no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "crypto/aead.h"

namespace adieu::crypto {

constexpr size_t kHeaderProtectionSampleSize = 16;
constexpr size_t kHeaderProtectionMaskSize = 5;

class HeaderProtection {
 public:
  HeaderProtection();
  ~HeaderProtection();  // wipes the key schedule
  HeaderProtection(const HeaderProtection&) = delete;
  HeaderProtection& operator=(const HeaderProtection&) = delete;

  // Sets the header protection key for the suite whose AEAD is `alg`
  // (aead_key_size(alg) bytes). False on a wrong size or a libcrypto failure
  // (the object is then not ready).
  bool init(AeadAlg alg, std::span<const uint8_t> key);
  bool ready() const;
  // Forgets the key (wiped).
  void clear();

  // mask = AES-ECB(hp_key, sample)[0..5] or ChaCha20(hp_key, counter =
  // sample[0..4] little-endian, nonce = sample[4..16], 5 zero bytes). False
  // when not ready or on a libcrypto failure.
  bool mask(std::span<const uint8_t, kHeaderProtectionSampleSize> sample,
            std::span<uint8_t, kHeaderProtectionMaskSize> out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace adieu::crypto
