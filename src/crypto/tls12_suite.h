// TLS 1.2 cipher suites as data (the TLS 1.3 ones are in cipher_suite.h):
// only ECDHE key exchange with an AEAD (RFC 5246 section 6.2.3.3), signed
// with ECDSA (RFC 8422) or RSA. Each suite names its AEAD, the hash of its
// PRF (RFC 5246 section 5), its authentication and how its record nonce is
// built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "crypto/aead.h"
#include "crypto/hash.h"

namespace adieu::crypto {

enum class Tls12CipherSuite : uint16_t {
  ecdhe_ecdsa_with_aes_128_gcm_sha256 = 0xc02b,        // RFC 5289
  ecdhe_ecdsa_with_aes_256_gcm_sha384 = 0xc02c,        // RFC 5289
  ecdhe_rsa_with_aes_128_gcm_sha256 = 0xc02f,          // RFC 5289
  ecdhe_rsa_with_aes_256_gcm_sha384 = 0xc030,          // RFC 5289
  ecdhe_rsa_with_chacha20_poly1305_sha256 = 0xcca8,    // RFC 7905
  ecdhe_ecdsa_with_chacha20_poly1305_sha256 = 0xcca9,  // RFC 7905
};

// Who signs the ServerKeyExchange: the certificate's key type the suite
// needs. ECDHE_ECDSA suites also carry Ed25519 certificates (RFC 8422
// section 5.1.3 / 5.3).
enum class Tls12Auth : uint8_t { ecdsa, rsa };

// The per-connection part of the AEAD nonce that comes from the key block
// (RFC 5246 section 6.3 client/server_write_IV, "fixed_iv_length"): the
// 4-byte salt of AES-GCM (RFC 5288 section 3), the whole 12-byte IV of
// ChaCha20-Poly1305 (RFC 7905 section 2).
constexpr size_t kTls12GcmFixedIvSize = 4;
constexpr size_t kTls12ChaChaFixedIvSize = 12;
// The nonce_explicit an AES-GCM record carries in front of its ciphertext
// (RFC 5288 section 3); ChaCha20-Poly1305 records carry none (RFC 7905
// section 2: the nonce is the IV XOR the sequence number, as in TLS 1.3).
constexpr size_t kTls12GcmExplicitNonceSize = 8;

struct Tls12SuiteInfo {
  Tls12CipherSuite suite;
  AeadAlg aead;
  HashAlg prf_hash;  // also the hash of Finished's handshake hash
  Tls12Auth auth;
  size_t fixed_iv_size;        // 4 (AES-GCM) or 12 (ChaCha20-Poly1305)
  size_t explicit_nonce_size;  // 8 (AES-GCM) or 0 (ChaCha20-Poly1305)
  const char* name;            // IANA name, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
  const char* openssl_name;    // OpenSSL's name, "ECDHE-ECDSA-AES128-GCM-SHA256"

  // True when each record carries its own nonce part (AES-GCM).
  bool explicit_nonce() const { return explicit_nonce_size != 0; }
};

// nullopt for a code point adieu does not implement in TLS 1.2 (the TLS 1.3
// code points 0x1301-0x1303 included).
std::optional<Tls12SuiteInfo> tls12_suite_info(uint16_t code);
const Tls12SuiteInfo& tls12_suite_info(Tls12CipherSuite suite);
// The suite with this IANA or OpenSSL name (exact, case-sensitive); nullopt
// if none.
std::optional<Tls12CipherSuite> tls12_suite_by_name(std::string_view name);
// All implemented TLS 1.2 suites in default preference order.
std::span<const Tls12CipherSuite> all_tls12_cipher_suites();

// The fixed IV length and explicit nonce length of `aead` in TLS 1.2 (see
// the constants above).
size_t tls12_fixed_iv_size(AeadAlg aead);
size_t tls12_explicit_nonce_size(AeadAlg aead);

}  // namespace adieu::crypto
