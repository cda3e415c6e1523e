#include "crypto/cipher_suite.h"

#include <array>

namespace adieu::crypto {

namespace {

// In default preference order: AES-128-GCM first (fast with AES-NI, the
// suite RFC 8446 section 9.1 makes mandatory), then AES-256-GCM, then
// ChaCha20-Poly1305.
constexpr std::array<SuiteInfo, 3> kSuites = {{
    {CipherSuite::aes_128_gcm_sha256, AeadAlg::aes_128_gcm, HashAlg::sha256,
     "TLS_AES_128_GCM_SHA256"},
    {CipherSuite::aes_256_gcm_sha384, AeadAlg::aes_256_gcm, HashAlg::sha384,
     "TLS_AES_256_GCM_SHA384"},
    {CipherSuite::chacha20_poly1305_sha256, AeadAlg::chacha20_poly1305, HashAlg::sha256,
     "TLS_CHACHA20_POLY1305_SHA256"},
}};

constexpr std::array<CipherSuite, 3> kOrder = {
    CipherSuite::aes_128_gcm_sha256,
    CipherSuite::aes_256_gcm_sha384,
    CipherSuite::chacha20_poly1305_sha256,
};

}  // namespace

std::optional<SuiteInfo> suite_info(uint16_t code) {
  for (const SuiteInfo& info : kSuites) {
    if (static_cast<uint16_t>(info.suite) == code) return info;
  }
  return std::nullopt;
}

const SuiteInfo& suite_info(CipherSuite suite) {
  for (const SuiteInfo& info : kSuites) {
    if (info.suite == suite) return info;
  }
  // Only the enumerators above exist; an out-of-range value cast into the
  // enum gets the first suite rather than undefined behaviour.
  return kSuites[0];
}

std::span<const CipherSuite> all_cipher_suites() {
  return kOrder;
}

}  // namespace adieu::crypto
