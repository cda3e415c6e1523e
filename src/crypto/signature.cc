// Signature schemes: the lists adieu offers and how each scheme maps onto
// libcrypto. PrivateKey is in private_key.cc, Certificate in certificate.cc.
#include "crypto/signature.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include <array>
#include <cstring>

#include "crypto/signature_scheme.h"

namespace adieu::crypto {

namespace {

enum class Hash { none, sha256, sha384, sha512 };

struct SchemeInfo {
  SignatureScheme scheme;
  KeyKind key;
  Hash hash;
  bool pss;
};

constexpr std::array kSchemes{
    SchemeInfo{SignatureScheme::rsa_pkcs1_sha256, KeyKind::rsa, Hash::sha256, false},
    SchemeInfo{SignatureScheme::rsa_pkcs1_sha384, KeyKind::rsa, Hash::sha384, false},
    SchemeInfo{SignatureScheme::rsa_pkcs1_sha512, KeyKind::rsa, Hash::sha512, false},
    SchemeInfo{SignatureScheme::ecdsa_secp256r1_sha256, KeyKind::ec_p256, Hash::sha256, false},
    SchemeInfo{SignatureScheme::ecdsa_secp384r1_sha384, KeyKind::ec_p384, Hash::sha384, false},
    SchemeInfo{SignatureScheme::ecdsa_secp521r1_sha512, KeyKind::ec_p521, Hash::sha512, false},
    SchemeInfo{SignatureScheme::rsa_pss_rsae_sha256, KeyKind::rsa, Hash::sha256, true},
    SchemeInfo{SignatureScheme::rsa_pss_rsae_sha384, KeyKind::rsa, Hash::sha384, true},
    SchemeInfo{SignatureScheme::rsa_pss_rsae_sha512, KeyKind::rsa, Hash::sha512, true},
    SchemeInfo{SignatureScheme::ed25519, KeyKind::ed25519, Hash::none, false},
    SchemeInfo{SignatureScheme::ed448, KeyKind::ed448, Hash::none, false},
    SchemeInfo{SignatureScheme::rsa_pss_pss_sha256, KeyKind::rsa_pss, Hash::sha256, true},
    SchemeInfo{SignatureScheme::rsa_pss_pss_sha384, KeyKind::rsa_pss, Hash::sha384, true},
    SchemeInfo{SignatureScheme::rsa_pss_pss_sha512, KeyKind::rsa_pss, Hash::sha512, true},
};

const SchemeInfo* find_scheme(SignatureScheme scheme) {
  for (const SchemeInfo& info : kSchemes) {
    if (info.scheme == scheme) return &info;
  }
  return nullptr;
}

// Digests are fetched once per process and kept (never freed: they are
// shared, immutable, and needed until exit).
const EVP_MD* digest(Hash hash) {
  switch (hash) {
    case Hash::sha256: {
      static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
      return md;
    }
    case Hash::sha384: {
      static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
      return md;
    }
    case Hash::sha512: {
      static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
      return md;
    }
    case Hash::none:
      break;
  }
  return nullptr;
}

size_t digest_size(Hash hash) {
  switch (hash) {
    case Hash::sha256:
      return 32;
    case Hash::sha384:
      return 48;
    case Hash::sha512:
      return 64;
    case Hash::none:
      break;
  }
  return 0;
}

// An RSA-PSS key may carry parameters that restrict it to one hash
// (RFC 4055 section 3.1); true when `hash` is allowed.
bool pss_key_allows(const EVP_PKEY* pkey, Hash hash) {
  char name[64] = {};
  size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_RSA_DIGEST, name, sizeof name,
                                     &length) != 1) {
    return true;  // unrestricted
  }
  const EVP_MD* md = digest(hash);
  return md != nullptr && EVP_MD_is_a(md, name);
}

constexpr std::array kHandshakeSchemes{
    SignatureScheme::ecdsa_secp256r1_sha256,
    SignatureScheme::ecdsa_secp384r1_sha384,
    SignatureScheme::ecdsa_secp521r1_sha512,
    SignatureScheme::ed25519,
    SignatureScheme::ed448,
    SignatureScheme::rsa_pss_rsae_sha256,
    SignatureScheme::rsa_pss_rsae_sha384,
    SignatureScheme::rsa_pss_rsae_sha512,
    SignatureScheme::rsa_pss_pss_sha256,
    SignatureScheme::rsa_pss_pss_sha384,
    SignatureScheme::rsa_pss_pss_sha512,
};

// A certificate may also be signed with PKCS#1 v1.5, which TLS 1.3 never
// uses in CertificateVerify (RFC 8446 section 4.2.3).
constexpr std::array kCertificateSchemes = [] {
  constexpr SignatureScheme kPkcs1[] = {SignatureScheme::rsa_pkcs1_sha256,
                                        SignatureScheme::rsa_pkcs1_sha384,
                                        SignatureScheme::rsa_pkcs1_sha512};
  std::array<SignatureScheme, kHandshakeSchemes.size() + 3> all{};
  size_t n = 0;
  for (SignatureScheme s : kHandshakeSchemes) all[n++] = s;
  for (SignatureScheme s : kPkcs1) all[n++] = s;
  return all;
}();

// TLS 1.2 signs handshakes with every scheme a certificate may carry, PKCS#1
// v1.5 included (RFC 5246 section 7.4.1.4.1).
constexpr const auto& kTls12Schemes = kCertificateSchemes;

bool is_ecdsa(KeyKind kind) {
  return kind == KeyKind::ec_p256 || kind == KeyKind::ec_p384 || kind == KeyKind::ec_p521;
}

bool contains(std::span<const SignatureScheme> list, SignatureScheme scheme) {
  for (SignatureScheme s : list) {
    if (s == scheme) return true;
  }
  return false;
}

}  // namespace

std::span<const SignatureScheme> tls12_signature_schemes() {
  return kTls12Schemes;
}

bool handshake_scheme_allowed(SignatureScheme scheme, uint16_t version) {
  switch (version) {
    case kSignatureVersionTls13:
      return contains(kHandshakeSchemes, scheme);
    case kSignatureVersionTls12:
      return contains(kTls12Schemes, scheme);
    default:
      return false;
  }
}

std::span<const SignatureScheme> handshake_signature_schemes() {
  return kHandshakeSchemes;
}

std::span<const SignatureScheme> certificate_signature_schemes() {
  return kCertificateSchemes;
}

namespace {

struct SchemeName {
  SignatureScheme scheme;
  const char* iana;
  const char* openssl;  // OpenSSL's ALGORITHM+HASH form
};

constexpr SchemeName kSchemeNames[] = {
    {SignatureScheme::rsa_pkcs1_sha256, "rsa_pkcs1_sha256", "RSA+SHA256"},
    {SignatureScheme::rsa_pkcs1_sha384, "rsa_pkcs1_sha384", "RSA+SHA384"},
    {SignatureScheme::rsa_pkcs1_sha512, "rsa_pkcs1_sha512", "RSA+SHA512"},
    {SignatureScheme::ecdsa_secp256r1_sha256, "ecdsa_secp256r1_sha256", "ECDSA+SHA256"},
    {SignatureScheme::ecdsa_secp384r1_sha384, "ecdsa_secp384r1_sha384", "ECDSA+SHA384"},
    {SignatureScheme::ecdsa_secp521r1_sha512, "ecdsa_secp521r1_sha512", "ECDSA+SHA512"},
    {SignatureScheme::rsa_pss_rsae_sha256, "rsa_pss_rsae_sha256", "RSA-PSS+SHA256"},
    {SignatureScheme::rsa_pss_rsae_sha384, "rsa_pss_rsae_sha384", "RSA-PSS+SHA384"},
    {SignatureScheme::rsa_pss_rsae_sha512, "rsa_pss_rsae_sha512", "RSA-PSS+SHA512"},
    {SignatureScheme::ed25519, "ed25519", "ed25519"},
    {SignatureScheme::ed448, "ed448", "ed448"},
    {SignatureScheme::rsa_pss_pss_sha256, "rsa_pss_pss_sha256", "rsa_pss_pss_sha256"},
    {SignatureScheme::rsa_pss_pss_sha384, "rsa_pss_pss_sha384", "rsa_pss_pss_sha384"},
    {SignatureScheme::rsa_pss_pss_sha512, "rsa_pss_pss_sha512", "rsa_pss_pss_sha512"},
};

}  // namespace

const char* signature_scheme_name(uint16_t scheme) {
  for (const SchemeName& n : kSchemeNames) {
    if (static_cast<uint16_t>(n.scheme) == scheme) return n.iana;
  }
  return nullptr;
}

std::optional<SignatureScheme> signature_scheme_by_name(const std::string& name) {
  for (const SchemeName& n : kSchemeNames) {
    if (name == n.iana || name == n.openssl) return n.scheme;
  }
  return std::nullopt;
}

KeyKind key_kind(const EVP_PKEY* pkey) {
  if (pkey == nullptr) return KeyKind::unsupported;
  if (EVP_PKEY_is_a(pkey, "RSA")) return KeyKind::rsa;
  if (EVP_PKEY_is_a(pkey, "RSA-PSS")) return KeyKind::rsa_pss;
  if (EVP_PKEY_is_a(pkey, "ED25519")) return KeyKind::ed25519;
  if (EVP_PKEY_is_a(pkey, "ED448")) return KeyKind::ed448;
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char name[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_group_name(pkey, name, sizeof name, &length) != 1) {
      return KeyKind::unsupported;
    }
    switch (OBJ_sn2nid(name)) {
      case NID_X9_62_prime256v1:
        return KeyKind::ec_p256;
      case NID_secp384r1:
        return KeyKind::ec_p384;
      case NID_secp521r1:
        return KeyKind::ec_p521;
      default:
        return KeyKind::unsupported;
    }
  }
  return KeyKind::unsupported;
}

bool scheme_fits_key(SignatureScheme scheme, KeyKind kind, const EVP_PKEY* pkey) {
  const SchemeInfo* info = find_scheme(scheme);
  if (info == nullptr || kind == KeyKind::unsupported || info->key != kind) return false;
  if (info->pss) {
    // EMSA-PSS needs emLen >= hLen + sLen + 2 with sLen = hLen (RFC 8017
    // section 9.1.1); emLen is ceil((modBits - 1) / 8).
    int bits = EVP_PKEY_get_bits(pkey);
    if (bits <= 0) return false;
    size_t em_length = (static_cast<size_t>(bits) - 1 + 7) / 8;
    if (em_length < 2 * digest_size(info->hash) + 2) return false;
    if (kind == KeyKind::rsa_pss && !pss_key_allows(pkey, info->hash)) return false;
  }
  return true;
}

bool scheme_fits_key_tls12(SignatureScheme scheme, KeyKind kind, const EVP_PKEY* pkey) {
  const SchemeInfo* info = find_scheme(scheme);
  if (info == nullptr) return false;
  // {hash, ecdsa}: the curve is the certificate's, whatever the code point's
  // TLS 1.3 name says (RFC 5246 section 7.4.1.4.1, RFC 8422 section 5.1.1).
  if (is_ecdsa(info->key)) return is_ecdsa(kind);
  return scheme_fits_key(scheme, kind, pkey);
}

bool init_signature(EVP_MD_CTX* ctx, SignatureScheme scheme, EVP_PKEY* pkey, bool sign) {
  const SchemeInfo* info = find_scheme(scheme);
  if (info == nullptr) return false;
  const EVP_MD* md = digest(info->hash);
  if (info->hash != Hash::none && md == nullptr) return false;
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  int ok = sign ? EVP_DigestSignInit(ctx, &pctx, md, nullptr, pkey)
                : EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pkey);
  if (ok != 1 || pctx == nullptr) return false;
  if (info->pss) {
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  }
  if (info->key == KeyKind::rsa) {
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  }
  return true;
}

}  // namespace adieu::crypto
