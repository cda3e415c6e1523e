// Hash functions and running transcript hashes (SHA-256, SHA-384) over
// EVP_MD objects fetched once per process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "crypto/secret.h"

namespace adieu::crypto {

enum class HashAlg : uint8_t { sha256, sha384 };

// Output length in bytes (32 or 48).
size_t hash_size(HashAlg alg);

// One-shot digest; returns the digest as a Secret (<= 48 bytes).
Secret hash(HashAlg alg, std::span<const uint8_t> data);

// A running hash whose current value can be read without finishing it (the
// handshake transcript). Copyable: copies the EVP_MD_CTX state.
class Hash {
 public:
  explicit Hash(HashAlg alg);
  Hash(const Hash& other);
  Hash& operator=(const Hash& other);
  Hash(Hash&&) noexcept;
  Hash& operator=(Hash&&) noexcept;
  ~Hash();

  HashAlg alg() const { return alg_; }
  void update(std::span<const uint8_t> data);
  // The digest of everything hashed so far; the hash may continue.
  Secret current() const;

 private:
  HashAlg alg_;
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

}  // namespace adieu::crypto
