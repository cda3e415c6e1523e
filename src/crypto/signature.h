// Private keys, certificates and TLS signature schemes (RFC 8446 section
// 4.2.3; in TLS 1.2 the same code points are SignatureAndHashAlgorithm
// values, RFC 5246 section 7.4.1.4.1). Certificates are parsed once from
// their DER.
//
// TLS 1.3 and TLS 1.2 read the ECDSA code points differently: in TLS 1.3
// ecdsa_secp256r1_sha256 (0x0403) means ECDSA with SHA-256 on a P-256 key;
// in TLS 1.2 it means {sha256, ecdsa}, ECDSA with SHA-256 on whatever curve
// the certificate's key has (RFC 8422 section 5.1.1 leaves the curve to
// supported_groups). sign()/verify() and schemes() keep the TLS 1.3 meaning;
// the *_tls12 functions have the TLS 1.2 one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/random.h"

namespace adieu::crypto {

enum class SignatureScheme : uint16_t {
  rsa_pkcs1_sha256 = 0x0401,
  rsa_pkcs1_sha384 = 0x0501,
  rsa_pkcs1_sha512 = 0x0601,
  ecdsa_secp256r1_sha256 = 0x0403,
  ecdsa_secp384r1_sha384 = 0x0503,
  ecdsa_secp521r1_sha512 = 0x0603,
  rsa_pss_rsae_sha256 = 0x0804,
  rsa_pss_rsae_sha384 = 0x0805,
  rsa_pss_rsae_sha512 = 0x0806,
  ed25519 = 0x0807,
  ed448 = 0x0808,
  rsa_pss_pss_sha256 = 0x0809,
  rsa_pss_pss_sha384 = 0x080a,
  rsa_pss_pss_sha512 = 0x080b,
};

// The schemes adieu accepts in CertificateVerify, in preference order
// (rsa_pkcs1_* are for certificate signatures only).
std::span<const SignatureScheme> handshake_signature_schemes();
// What adieu sends in signature_algorithms_cert / accepts in chains.
std::span<const SignatureScheme> certificate_signature_schemes();
// The scheme's IANA name ("ecdsa_secp256r1_sha256"); nullptr for a code
// adieu does not have.
const char* signature_scheme_name(uint16_t scheme);
// A scheme by its IANA name or OpenSSL's "ALGORITHM+HASH" name
// ("ECDSA+SHA256", "RSA-PSS+SHA256" = rsa_pss_rsae_sha256, "RSA+SHA256" =
// rsa_pkcs1_sha256, "ed25519"), as SSL_CTX_set1_sigalgs_list reads them.
std::optional<SignatureScheme> signature_scheme_by_name(const std::string& name);
// The schemes adieu accepts in a TLS 1.2 ServerKeyExchange or
// CertificateVerify (and sends in a TLS 1.2 signature_algorithms), in
// preference order: ECDSA, Ed25519 (RFC 8422 section 5.1.3), RSA-PSS (RFC
// 8446 section 4.2.3 brings rsa_pss_* to TLS 1.2), then RSA PKCS#1 v1.5.
// Nothing with SHA-1 or MD5 (RFC 9155).
std::span<const SignatureScheme> tls12_signature_schemes();

// The protocol versions' wire values, for handshake_scheme_allowed.
constexpr uint16_t kSignatureVersionTls12 = 0x0303;
constexpr uint16_t kSignatureVersionTls13 = 0x0304;

// True when `scheme` may sign a CertificateVerify (TLS 1.2: also a
// ServerKeyExchange) of `version`: 0x0304 -> in handshake_signature_schemes()
// (never rsa_pkcs1_*, RFC 8446 section 4.4.3), 0x0303 -> in
// tls12_signature_schemes(). False for any other version.
bool handshake_scheme_allowed(SignatureScheme scheme, uint16_t version);

class PrivateKey {
 public:
  // Loads a PEM private key (PKCS#8 or traditional) from a file or memory;
  // nullopt and `error` set to one line naming the problem on failure.
  static std::optional<PrivateKey> from_pem_file(const std::string& path, std::string& error);
  static std::optional<PrivateKey> from_pem(std::span<const uint8_t> pem, std::string& error);
  // Wraps an EVP_PKEY (takes a reference; does not steal the caller's).
  static std::optional<PrivateKey> from_evp(void* evp_pkey);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  PrivateKey(const PrivateKey&);  // shares the key (EVP_PKEY_up_ref)
  ~PrivateKey();

  // The schemes this key can sign with, in preference order.
  std::vector<SignatureScheme> schemes() const;
  // Signs `message` (the whole TLS 1.3 content to sign, not a digest). RSA-PSS
  // uses salt length = hash length. False on failure.
  bool sign(SignatureScheme scheme, std::span<const uint8_t> message, std::vector<uint8_t>& out,
            Random& random) const;

  // The schemes this key can sign with in TLS 1.2, in preference order: for
  // an ECDSA key every ecdsa_* hash, its own curve's first; for an RSA key
  // rsa_pss_rsae_* then rsa_pkcs1_*; otherwise as schemes().
  std::vector<SignatureScheme> tls12_schemes() const;
  // Signs `message` (a TLS 1.2 ServerKeyExchange's client_random +
  // server_random + params, or the handshake messages for CertificateVerify;
  // not a digest) with the TLS 1.2 meaning of `scheme`: ecdsa_* name only the
  // hash, on any of the supported curves. RSA-PSS uses salt length = hash
  // length (RFC 8446 section 4.2.3). False (and `out` empty) if the scheme
  // does not fit the key or libcrypto fails.
  bool sign_tls12(SignatureScheme scheme, std::span<const uint8_t> message,
                  std::vector<uint8_t>& out, Random& random) const;
  void* evp() const;  // the EVP_PKEY*

 private:
  PrivateKey() = default;
  struct Key;
  std::shared_ptr<Key> key_;
};

// One parsed X.509 certificate (shared, immutable).
class Certificate {
 public:
  // nullopt if the DER does not parse.
  static std::optional<Certificate> from_der(std::span<const uint8_t> der);
  // All certificates in a PEM file / buffer, in order; empty + `error` on failure.
  static std::vector<Certificate> from_pem_file(const std::string& path, std::string& error);
  static std::vector<Certificate> from_pem(std::span<const uint8_t> pem, std::string& error);

  std::span<const uint8_t> der() const;
  void* x509() const;  // the X509*
  // True when `scheme` can be this certificate's key's (RSA-PSS-RSAE and
  // PKCS#1 for rsaEncryption keys, RSA-PSS-PSS for RSA-PSS keys, an ECDSA
  // scheme only with its own curve, ...): a peer claiming another scheme gets
  // illegal_parameter before any signature check. fits_tls12() uses the TLS
  // 1.2 meaning of ecdsa_* (the hash only, any supported curve).
  bool fits(SignatureScheme scheme) const;
  bool fits_tls12(SignatureScheme scheme) const;
  // Verifies a CertificateVerify-style signature with this certificate's key:
  // false if the scheme does not fit the key type or the signature is wrong.
  bool verify(SignatureScheme scheme, std::span<const uint8_t> message,
              std::span<const uint8_t> signature) const;
  // The same with the TLS 1.2 meaning of `scheme` (ecdsa_* name only the
  // hash; see sign_tls12): false if the scheme does not fit the key type or
  // the signature is wrong.
  bool verify_tls12(SignatureScheme scheme, std::span<const uint8_t> message,
                    std::span<const uint8_t> signature) const;
  // True when `key` is this certificate's private key.
  bool matches(const PrivateKey& key) const;
  // Subject names for SNI selection: DNS names of subjectAltName, else the CN.
  std::vector<std::string> dns_names() const;
  // True when the certificate's name matches `name` (X509_check_host, wildcards allowed).
  bool matches_host(const std::string& name) const;
  // True when its issuer signed it with one of `schemes` (signature_algorithms_cert
  // code points, RFC 8446 section 4.2.3): ECDSA by its hash, an RSASSA-PSS
  // signature as rsa_pss_rsae_* or rsa_pss_pss_* of its hash; a self-signed
  // certificate (a trust anchor's signature is not checked) always.
  bool signed_with_one_of(std::span<const uint16_t> schemes) const;

 private:
  struct Cert;
  std::shared_ptr<const Cert> cert_;
};

}  // namespace adieu::crypto
