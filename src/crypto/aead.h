// One direction's AEAD: a key and a static IV, with the per-record nonce
// built from a sequence number as RFC 8446 section 5.3 describes. The cipher
// (fetched once per process) and the EVP_CIPHER_CTX are reused for every
// record; seal and open work in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace adieu::crypto {

enum class AeadAlg : uint8_t { aes_128_gcm, aes_256_gcm, chacha20_poly1305 };

constexpr size_t kAeadTagSize = 16;
constexpr size_t kAeadNonceSize = 12;
size_t aead_key_size(AeadAlg alg);  // 16 or 32

class Aead {
 public:
  Aead();
  ~Aead();  // wipes the key and IV
  Aead(const Aead&) = delete;
  Aead& operator=(const Aead&) = delete;

  // Sets the key (aead_key_size bytes) and the 12-byte static IV. False on a
  // wrong size or a libcrypto failure.
  bool init(AeadAlg alg, std::span<const uint8_t> key, std::span<const uint8_t> iv);
  bool ready() const;
  // Forgets the key and IV (wiped).
  void clear();

  // Encrypts `data` in place and writes the 16-byte tag to `tag`.
  // nonce = iv XOR seq (left-padded to 12 bytes).
  bool seal(uint64_t seq, std::span<const uint8_t> aad, std::span<uint8_t> data,
            std::span<uint8_t, kAeadTagSize> tag);
  // Decrypts `data` in place; false (data unspecified) if the tag does not verify.
  bool open(uint64_t seq, std::span<const uint8_t> aad, std::span<uint8_t> data,
            std::span<const uint8_t, kAeadTagSize> tag);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace adieu::crypto
