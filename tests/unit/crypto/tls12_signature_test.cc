// TLS 1.2 signatures: the scheme lists per version, and sign_tls12 /
// verify_tls12 (ecdsa_* code points name only the hash in TLS 1.2, RFC 5246
// section 7.4.1.4.1).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crypto/signature.h"
#include "unit/crypto/hex.h"
#include "unit/crypto/test_certs.h"

namespace adieu::crypto {
namespace {

using test::load_cert;
using test::load_key;

constexpr SignatureScheme kEcdsaSchemes[] = {SignatureScheme::ecdsa_secp256r1_sha256,
                                             SignatureScheme::ecdsa_secp384r1_sha384,
                                             SignatureScheme::ecdsa_secp521r1_sha512};

// A TLS 1.2 ServerKeyExchange's signed content (RFC 8422 section 5.4):
// client_random + server_random + ServerECDHParams.
std::vector<uint8_t> server_key_exchange_content() {
  std::vector<uint8_t> content(32, 0x11);
  content.insert(content.end(), 32, 0x22);
  content.insert(content.end(), {0x03, 0x00, 0x1d, 0x20});  // named_curve x25519, 32 bytes
  content.insert(content.end(), 32, 0x9a);
  return content;
}

const char* digest_name(SignatureScheme scheme) {
  switch (scheme) {
    case SignatureScheme::ecdsa_secp256r1_sha256:
    case SignatureScheme::rsa_pkcs1_sha256:
    case SignatureScheme::rsa_pss_rsae_sha256:
    case SignatureScheme::rsa_pss_pss_sha256:
      return "SHA256";
    case SignatureScheme::ecdsa_secp384r1_sha384:
    case SignatureScheme::rsa_pkcs1_sha384:
    case SignatureScheme::rsa_pss_rsae_sha384:
    case SignatureScheme::rsa_pss_pss_sha384:
      return "SHA384";
    case SignatureScheme::ecdsa_secp521r1_sha512:
    case SignatureScheme::rsa_pkcs1_sha512:
    case SignatureScheme::rsa_pss_rsae_sha512:
    case SignatureScheme::rsa_pss_pss_sha512:
      return "SHA512";
    case SignatureScheme::ed25519:
    case SignatureScheme::ed448:
      break;
  }
  return nullptr;
}

// Verifies with libcrypto directly (not through the scheme table): ECDSA or
// PKCS#1 v1.5 with `digest`.
bool libcrypto_verify(EVP_PKEY* pkey, const char* digest, std::span<const uint8_t> message,
                      std::span<const uint8_t> signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit_ex(ctx, &pctx, digest, nullptr, nullptr, pkey, nullptr) == 1;
  if (ok && EVP_PKEY_is_a(pkey, "RSA")) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  }
  ok = ok && EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(),
                              message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// A self-signed certificate for `pkey` (tests/data has no P-521 key).
std::optional<Certificate> self_signed(EVP_PKEY* pkey) {
  X509* x509 = X509_new();
  bool ok =
      x509 != nullptr && X509_set_version(x509, X509_VERSION_3) == 1 &&
      ASN1_INTEGER_set(X509_get_serialNumber(x509), 1) == 1 &&
      X509_gmtime_adj(X509_getm_notBefore(x509), 0) != nullptr &&
      X509_gmtime_adj(X509_getm_notAfter(x509), 3600) != nullptr &&
      X509_NAME_add_entry_by_txt(X509_get_subject_name(x509), "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("p521"), -1, -1, 0) == 1 &&
      X509_set_issuer_name(x509, X509_get_subject_name(x509)) == 1 &&
      X509_set_pubkey(x509, pkey) == 1 && X509_sign(x509, pkey, EVP_sha512()) > 0;
  std::optional<Certificate> cert;
  unsigned char* der = nullptr;
  int length = ok ? i2d_X509(x509, &der) : -1;
  if (length > 0) cert = Certificate::from_der({der, static_cast<size_t>(length)});
  OPENSSL_free(der);
  X509_free(x509);
  return cert;
}

struct KeyCase {
  const char* name;  // tests/data/<name>.pem / .key
  std::vector<SignatureScheme> tls12_schemes;
};

class Tls12SignatureByKeyType : public ::testing::TestWithParam<KeyCase> {};

TEST_P(Tls12SignatureByKeyType, OffersItsTls12Schemes) {
  std::optional<PrivateKey> key = load_key(std::string(GetParam().name) + ".key");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->tls12_schemes(), GetParam().tls12_schemes);
  for (SignatureScheme scheme : key->tls12_schemes()) {
    EXPECT_TRUE(handshake_scheme_allowed(scheme, kSignatureVersionTls12));
  }
}

TEST_P(Tls12SignatureByKeyType, EverySchemeSignsAndVerifies) {
  std::string name = GetParam().name;
  std::optional<PrivateKey> key = load_key(name + ".key");
  Certificate cert = load_cert(name + ".pem");
  ASSERT_TRUE(key);
  std::vector<uint8_t> message = server_key_exchange_content();
  for (SignatureScheme scheme : GetParam().tls12_schemes) {
    SCOPED_TRACE(static_cast<int>(scheme));
    std::vector<uint8_t> signature;
    ASSERT_TRUE(key->sign_tls12(scheme, message, signature, system_random()));
    EXPECT_FALSE(signature.empty());
    EXPECT_TRUE(cert.verify_tls12(scheme, message, signature));

    std::vector<uint8_t> other_message = message;
    other_message[40] ^= 1;  // another server_random
    EXPECT_FALSE(cert.verify_tls12(scheme, other_message, signature));

    std::vector<uint8_t> bad_signature = signature;
    bad_signature[bad_signature.size() / 2] ^= 0x40;
    EXPECT_FALSE(cert.verify_tls12(scheme, message, bad_signature));
    EXPECT_FALSE(cert.verify_tls12(scheme, message, {}));

    // Another key's certificate does not verify it.
    const char* other = name == "ecdsa-leaf" ? "other-name-leaf.pem" : "ecdsa-leaf.pem";
    EXPECT_FALSE(load_cert(other).verify_tls12(scheme, message, signature));
  }
}

TEST_P(Tls12SignatureByKeyType, SchemesOfOtherKeyTypesAreRefused) {
  std::string name = GetParam().name;
  std::optional<PrivateKey> key = load_key(name + ".key");
  Certificate cert = load_cert(name + ".pem");
  ASSERT_TRUE(key);
  std::vector<uint8_t> message = server_key_exchange_content();
  std::vector<uint8_t> signature;
  ASSERT_TRUE(
      key->sign_tls12(GetParam().tls12_schemes.front(), message, signature, system_random()));
  const auto& own = GetParam().tls12_schemes;
  for (SignatureScheme scheme : tls12_signature_schemes()) {
    if (std::find(own.begin(), own.end(), scheme) != own.end()) continue;
    SCOPED_TRACE(static_cast<int>(scheme));
    std::vector<uint8_t> out{1, 2, 3};
    EXPECT_FALSE(key->sign_tls12(scheme, message, out, system_random()));
    EXPECT_TRUE(out.empty());
    EXPECT_FALSE(cert.verify_tls12(scheme, message, signature));
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllKeyTypes, Tls12SignatureByKeyType,
    ::testing::Values(
        KeyCase{"ecdsa-leaf",
                {SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384,
                 SignatureScheme::ecdsa_secp521r1_sha512}},
        KeyCase{"p384-leaf",
                {SignatureScheme::ecdsa_secp384r1_sha384, SignatureScheme::ecdsa_secp256r1_sha256,
                 SignatureScheme::ecdsa_secp521r1_sha512}},
        KeyCase{"ed25519-leaf", {SignatureScheme::ed25519}},
        KeyCase{"rsa-leaf",
                {SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
                 SignatureScheme::rsa_pss_rsae_sha512, SignatureScheme::rsa_pkcs1_sha256,
                 SignatureScheme::rsa_pkcs1_sha384, SignatureScheme::rsa_pkcs1_sha512}},
        KeyCase{"rsa-pss-leaf",
                {SignatureScheme::rsa_pss_pss_sha256, SignatureScheme::rsa_pss_pss_sha384,
                 SignatureScheme::rsa_pss_pss_sha512}}),
    [](const ::testing::TestParamInfo<KeyCase>& info) {
      std::string name = info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(Tls12Signature, EcdsaCodePointNamesTheHashOnly) {
  // A P-256 key with 0x0503 and a P-384 key with 0x0403: TLS 1.2 accepts
  // them, TLS 1.3's sign/verify still refuse (RFC 8446 section 4.2.3).
  std::vector<uint8_t> message = server_key_exchange_content();
  for (const char* name : {"ecdsa-leaf", "p384-leaf"}) {
    SCOPED_TRACE(name);
    std::optional<PrivateKey> key = load_key(std::string(name) + ".key");
    Certificate cert = load_cert(std::string(name) + ".pem");
    ASSERT_TRUE(key);
    for (SignatureScheme scheme : kEcdsaSchemes) {
      SCOPED_TRACE(static_cast<int>(scheme));
      std::vector<uint8_t> signature;
      ASSERT_TRUE(key->sign_tls12(scheme, message, signature, system_random()));
      EXPECT_TRUE(cert.verify_tls12(scheme, message, signature));
      // The hash really is the code point's: libcrypto itself agrees.
      EVP_PKEY* pkey = X509_get0_pubkey(static_cast<X509*>(cert.x509()));
      EXPECT_TRUE(libcrypto_verify(pkey, digest_name(scheme), message, signature));
      const char* other_digest =
          scheme == SignatureScheme::ecdsa_secp256r1_sha256 ? "SHA384" : "SHA256";
      EXPECT_FALSE(libcrypto_verify(pkey, other_digest, message, signature));
      // TLS 1.3's reading: only the key's own curve.
      const bool own_curve = std::string(name) == "ecdsa-leaf"
                                 ? scheme == SignatureScheme::ecdsa_secp256r1_sha256
                                 : scheme == SignatureScheme::ecdsa_secp384r1_sha384;
      EXPECT_EQ(cert.verify(scheme, message, signature), own_curve);
      std::vector<uint8_t> tls13_signature;
      EXPECT_EQ(key->sign(scheme, message, tls13_signature, system_random()), own_curve);
    }
  }
}

TEST(Tls12Signature, P521KeyWithEveryEcdsaHash) {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
  ASSERT_NE(pkey, nullptr);
  std::optional<PrivateKey> key = PrivateKey::from_evp(pkey);
  std::optional<Certificate> cert = self_signed(pkey);
  EVP_PKEY_free(pkey);
  ASSERT_TRUE(key && cert);
  EXPECT_EQ(key->schemes(), std::vector<SignatureScheme>{SignatureScheme::ecdsa_secp521r1_sha512});
  EXPECT_EQ(key->tls12_schemes(),
            (std::vector<SignatureScheme>{SignatureScheme::ecdsa_secp521r1_sha512,
                                          SignatureScheme::ecdsa_secp384r1_sha384,
                                          SignatureScheme::ecdsa_secp256r1_sha256}));
  std::vector<uint8_t> message = server_key_exchange_content();
  for (SignatureScheme scheme : kEcdsaSchemes) {
    SCOPED_TRACE(static_cast<int>(scheme));
    std::vector<uint8_t> signature;
    ASSERT_TRUE(key->sign_tls12(scheme, message, signature, system_random()));
    EXPECT_TRUE(cert->verify_tls12(scheme, message, signature));
    signature.back() ^= 1;
    EXPECT_FALSE(cert->verify_tls12(scheme, message, signature));
    EXPECT_FALSE(cert->verify_tls12(SignatureScheme::rsa_pkcs1_sha256, message, signature));
  }
}

TEST(Tls12Signature, RsaPkcs1IsDeterministicAndMatchesLibcrypto) {
  std::optional<PrivateKey> key = load_key("rsa-leaf.key");
  Certificate cert = load_cert("rsa-leaf.pem");
  ASSERT_TRUE(key);
  auto* pkey = X509_get0_pubkey(static_cast<X509*>(cert.x509()));
  std::vector<uint8_t> message = server_key_exchange_content();
  for (SignatureScheme scheme :
       {SignatureScheme::rsa_pkcs1_sha256, SignatureScheme::rsa_pkcs1_sha384,
        SignatureScheme::rsa_pkcs1_sha512}) {
    SCOPED_TRACE(static_cast<int>(scheme));
    std::vector<uint8_t> first;
    std::vector<uint8_t> second;
    ASSERT_TRUE(key->sign_tls12(scheme, message, first, system_random()));
    ASSERT_TRUE(key->sign_tls12(scheme, message, second, system_random()));
    EXPECT_EQ(first.size(), 256u);  // RSA-2048
    EXPECT_EQ(first, second);       // PKCS#1 v1.5 has no randomness (RFC 8017 section 8.2)
    EXPECT_TRUE(libcrypto_verify(pkey, digest_name(scheme), message, first));
    // A PSS verifier does not take it, nor does another hash.
    EXPECT_FALSE(cert.verify_tls12(SignatureScheme::rsa_pss_rsae_sha256, message, first));
    SignatureScheme other = scheme == SignatureScheme::rsa_pkcs1_sha256
                                ? SignatureScheme::rsa_pkcs1_sha384
                                : SignatureScheme::rsa_pkcs1_sha256;
    EXPECT_FALSE(cert.verify_tls12(other, message, first));
  }
}

TEST(Tls12Signature, RsaPssKeyCannotSignPkcs1) {
  // An id-RSASSA-PSS key is for PSS only (RFC 4055 section 1.2).
  std::optional<PrivateKey> key = load_key("rsa-pss-leaf.key");
  ASSERT_TRUE(key);
  std::vector<uint8_t> out;
  EXPECT_FALSE(key->sign_tls12(SignatureScheme::rsa_pkcs1_sha256, server_key_exchange_content(),
                               out, system_random()));
  EXPECT_FALSE(key->sign_tls12(SignatureScheme::rsa_pss_rsae_sha256, server_key_exchange_content(),
                               out, system_random()));
}

TEST(Tls12Signature, SchemeListsPerVersion) {
  // TLS 1.3 keeps its list: no PKCS#1 v1.5 in CertificateVerify (RFC 8446
  // section 4.4.3).
  const std::vector<SignatureScheme> tls13(handshake_signature_schemes().begin(),
                                           handshake_signature_schemes().end());
  EXPECT_EQ(
      tls13,
      (std::vector<SignatureScheme>{
          SignatureScheme::ecdsa_secp256r1_sha256, SignatureScheme::ecdsa_secp384r1_sha384,
          SignatureScheme::ecdsa_secp521r1_sha512, SignatureScheme::ed25519, SignatureScheme::ed448,
          SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
          SignatureScheme::rsa_pss_rsae_sha512, SignatureScheme::rsa_pss_pss_sha256,
          SignatureScheme::rsa_pss_pss_sha384, SignatureScheme::rsa_pss_pss_sha512}));
  for (SignatureScheme scheme :
       {SignatureScheme::rsa_pkcs1_sha256, SignatureScheme::rsa_pkcs1_sha384,
        SignatureScheme::rsa_pkcs1_sha512}) {
    EXPECT_FALSE(handshake_scheme_allowed(scheme, kSignatureVersionTls13));
    EXPECT_TRUE(handshake_scheme_allowed(scheme, kSignatureVersionTls12));
  }
  for (SignatureScheme scheme : handshake_signature_schemes()) {
    EXPECT_TRUE(handshake_scheme_allowed(scheme, kSignatureVersionTls13));
    EXPECT_TRUE(handshake_scheme_allowed(scheme, kSignatureVersionTls12));
  }
  const std::vector<SignatureScheme> tls12(tls12_signature_schemes().begin(),
                                           tls12_signature_schemes().end());
  EXPECT_EQ(tls12.size(), 14u);
  EXPECT_EQ(tls12.front(), SignatureScheme::ecdsa_secp256r1_sha256);
  EXPECT_EQ(tls12.back(), SignatureScheme::rsa_pkcs1_sha512);
  // PKCS#1 v1.5 last, after every PSS scheme.
  auto first_pkcs1 = std::find(tls12.begin(), tls12.end(), SignatureScheme::rsa_pkcs1_sha256);
  auto last_pss = std::find(tls12.begin(), tls12.end(), SignatureScheme::rsa_pss_pss_sha512);
  EXPECT_LT(last_pss, first_pkcs1);
  // SHA-1 and MD5 schemes are refused (RFC 9155), as is any other version.
  EXPECT_FALSE(handshake_scheme_allowed(static_cast<SignatureScheme>(0x0201),
                                        kSignatureVersionTls12));  // rsa_pkcs1_sha1
  EXPECT_FALSE(handshake_scheme_allowed(static_cast<SignatureScheme>(0x0203),
                                        kSignatureVersionTls12));  // ecdsa_sha1
  EXPECT_FALSE(handshake_scheme_allowed(SignatureScheme::ecdsa_secp256r1_sha256, 0x0302));
  // The TLS 1.3 meaning of sign() is unchanged for PKCS#1: still available
  // to the caller that allows it (certificate signatures).
  std::optional<PrivateKey> rsa = load_key("rsa-leaf.key");
  ASSERT_TRUE(rsa);
  EXPECT_EQ(rsa->schemes(), (std::vector<SignatureScheme>{SignatureScheme::rsa_pss_rsae_sha256,
                                                          SignatureScheme::rsa_pss_rsae_sha384,
                                                          SignatureScheme::rsa_pss_rsae_sha512}));
}

}  // namespace
}  // namespace adieu::crypto
