// One direction's AEAD: a key and a static IV, with the per-record nonce
// built from a sequence number as RFC 8446 section 5.3 describes. The cipher
// (fetched once per process) and the EVP_CIPHER_CTX are reused for every
// record; seal and open work in place or from one buffer into another.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
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
  // Frees the libcrypto context (its expanded key and GHASH tables, about
  // 1 KB for AES-GCM) and keeps only the key and IV: the next seal or open
  // builds the context again. For connections that wait idle; no effect
  // before init().
  void release_context();
  // True while the libcrypto context is allocated.
  bool holds_context() const;

  // Encrypts the concatenation of `plaintext`'s pieces into `out` (as many
  // bytes) and writes the 16-byte tag to `tag`. nonce = iv XOR seq
  // (left-padded to 12 bytes). Each piece is either encrypted in place (it
  // sits exactly where its ciphertext goes) or does not overlap `out` at all.
  bool seal(uint64_t seq, std::span<const uint8_t> aad,
            std::initializer_list<std::span<const uint8_t>> plaintext, uint8_t* out,
            std::span<uint8_t, kAeadTagSize> tag);
  // In place.
  bool seal(uint64_t seq, std::span<const uint8_t> aad, std::span<uint8_t> data,
            std::span<uint8_t, kAeadTagSize> tag) {
    return seal(seq, aad, {data}, data.data(), tag);
  }
  // Decrypts `ciphertext` into `out` (as many bytes; in place or not
  // overlapping); false (out unspecified) if the tag does not verify.
  bool open(uint64_t seq, std::span<const uint8_t> aad, std::span<const uint8_t> ciphertext,
            uint8_t* out, std::span<const uint8_t, kAeadTagSize> tag);
  // In place.
  bool open(uint64_t seq, std::span<const uint8_t> aad, std::span<uint8_t> data,
            std::span<const uint8_t, kAeadTagSize> tag) {
    return open(seq, aad, data, data.data(), tag);
  }

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace adieu::crypto
