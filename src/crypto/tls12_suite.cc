#include "crypto/tls12_suite.h"

#include <array>

namespace adieu::crypto {

namespace {

constexpr Tls12SuiteInfo make(Tls12CipherSuite suite, AeadAlg aead, HashAlg hash, Tls12Auth auth,
                              const char* name, const char* openssl_name) {
  const bool gcm = aead != AeadAlg::chacha20_poly1305;
  return Tls12SuiteInfo{suite,
                        aead,
                        hash,
                        auth,
                        gcm ? kTls12GcmFixedIvSize : kTls12ChaChaFixedIvSize,
                        gcm ? kTls12GcmExplicitNonceSize : 0,
                        name,
                        openssl_name};
}

// In default preference order, as for TLS 1.3 (cipher_suite.cc): AES-128-GCM,
// then AES-256-GCM, then ChaCha20-Poly1305; for each, ECDSA before RSA. Which
// of the two a server can use depends on its certificate anyway.
constexpr std::array<Tls12SuiteInfo, 6> kSuites = {{
    make(Tls12CipherSuite::ecdhe_ecdsa_with_aes_128_gcm_sha256, AeadAlg::aes_128_gcm,
         HashAlg::sha256, Tls12Auth::ecdsa, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
         "ECDHE-ECDSA-AES128-GCM-SHA256"),
    make(Tls12CipherSuite::ecdhe_rsa_with_aes_128_gcm_sha256, AeadAlg::aes_128_gcm, HashAlg::sha256,
         Tls12Auth::rsa, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"),
    make(Tls12CipherSuite::ecdhe_ecdsa_with_aes_256_gcm_sha384, AeadAlg::aes_256_gcm,
         HashAlg::sha384, Tls12Auth::ecdsa, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
         "ECDHE-ECDSA-AES256-GCM-SHA384"),
    make(Tls12CipherSuite::ecdhe_rsa_with_aes_256_gcm_sha384, AeadAlg::aes_256_gcm, HashAlg::sha384,
         Tls12Auth::rsa, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"),
    make(Tls12CipherSuite::ecdhe_ecdsa_with_chacha20_poly1305_sha256, AeadAlg::chacha20_poly1305,
         HashAlg::sha256, Tls12Auth::ecdsa, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
         "ECDHE-ECDSA-CHACHA20-POLY1305"),
    make(Tls12CipherSuite::ecdhe_rsa_with_chacha20_poly1305_sha256, AeadAlg::chacha20_poly1305,
         HashAlg::sha256, Tls12Auth::rsa, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
         "ECDHE-RSA-CHACHA20-POLY1305"),
}};

constexpr std::array<Tls12CipherSuite, kSuites.size()> order() {
  std::array<Tls12CipherSuite, kSuites.size()> out{};
  for (size_t i = 0; i < kSuites.size(); ++i) out[i] = kSuites[i].suite;
  return out;
}

constexpr std::array<Tls12CipherSuite, kSuites.size()> kOrder = order();

}  // namespace

std::optional<Tls12SuiteInfo> tls12_suite_info(uint16_t code) {
  for (const Tls12SuiteInfo& info : kSuites) {
    if (static_cast<uint16_t>(info.suite) == code) return info;
  }
  return std::nullopt;
}

const Tls12SuiteInfo& tls12_suite_info(Tls12CipherSuite suite) {
  for (const Tls12SuiteInfo& info : kSuites) {
    if (info.suite == suite) return info;
  }
  // Only the enumerators above exist; an out-of-range value cast into the
  // enum gets the first suite rather than undefined behaviour.
  return kSuites[0];
}

std::optional<Tls12CipherSuite> tls12_suite_by_name(std::string_view name) {
  for (const Tls12SuiteInfo& info : kSuites) {
    if (name == info.name || name == info.openssl_name) return info.suite;
  }
  return std::nullopt;
}

std::span<const Tls12CipherSuite> all_tls12_cipher_suites() {
  return kOrder;
}

size_t tls12_fixed_iv_size(AeadAlg aead) {
  return aead == AeadAlg::chacha20_poly1305 ? kTls12ChaChaFixedIvSize : kTls12GcmFixedIvSize;
}

size_t tls12_explicit_nonce_size(AeadAlg aead) {
  return aead == AeadAlg::chacha20_poly1305 ? 0 : kTls12GcmExplicitNonceSize;
}

}  // namespace adieu::crypto
