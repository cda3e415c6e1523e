// TLS 1.3 cipher suites as data: code point, AEAD and hash (picotls style).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "crypto/aead.h"
#include "crypto/hash.h"

namespace adieu::crypto {

enum class CipherSuite : uint16_t {
  aes_128_gcm_sha256 = 0x1301,
  aes_256_gcm_sha384 = 0x1302,
  chacha20_poly1305_sha256 = 0x1303,
};

struct SuiteInfo {
  CipherSuite suite;
  AeadAlg aead;
  HashAlg hash;
  const char* name;  // IANA name, e.g. "TLS_AES_128_GCM_SHA256"
};

// nullopt for a code point adieu does not implement.
std::optional<SuiteInfo> suite_info(uint16_t code);
const SuiteInfo& suite_info(CipherSuite suite);
// All implemented suites in default preference order.
std::span<const CipherSuite> all_cipher_suites();

}  // namespace adieu::crypto
