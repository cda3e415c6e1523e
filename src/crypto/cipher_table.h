// The libcrypto cipher each AeadAlg stands for in one use (the AEAD itself,
// QUIC's header protection mask), fetched once per process. Internal to
// src/crypto/.
#pragma once

#include <openssl/evp.h>

#include "crypto/aead.h"
#include "crypto/libcrypto_raii.h"

namespace adieu::crypto {

using CipherPtr = LibcryptoPtr<EVP_CIPHER, EVP_CIPHER_free>;
using CipherCtxPtr = LibcryptoPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

class CipherTable {
 public:
  // Provider names, in AeadAlg's order.
  CipherTable(const char* aes_128, const char* aes_256, const char* chacha20)
      : ciphers_{CipherPtr(EVP_CIPHER_fetch(nullptr, aes_128, nullptr)),
                 CipherPtr(EVP_CIPHER_fetch(nullptr, aes_256, nullptr)),
                 CipherPtr(EVP_CIPHER_fetch(nullptr, chacha20, nullptr))} {}
  // Null if the provider lacks it.
  const EVP_CIPHER* get(AeadAlg alg) const {
    switch (alg) {
      case AeadAlg::aes_128_gcm:
        return ciphers_[0].get();
      case AeadAlg::aes_256_gcm:
        return ciphers_[1].get();
      case AeadAlg::chacha20_poly1305:
        return ciphers_[2].get();
    }
    return nullptr;
  }

 private:
  CipherPtr ciphers_[3];
};

}  // namespace adieu::crypto
