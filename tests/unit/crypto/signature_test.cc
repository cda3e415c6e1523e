#include "crypto/signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <string>
#include <vector>

#include "unit/crypto/hex.h"
#include "unit/crypto/test_certs.h"

namespace adieu::crypto {
namespace {

using test::as_bytes;
using test::load_cert;
using test::load_key;

// A TLS 1.3 CertificateVerify content (RFC 8446 section 4.4.3) shape.
std::vector<uint8_t> content_to_sign() {
  std::vector<uint8_t> content(64, 0x20);
  std::string label = "TLS 1.3, server CertificateVerify";
  content.insert(content.end(), label.begin(), label.end());
  content.push_back(0);
  content.insert(content.end(), 32, 0xab);  // transcript hash stand-in
  return content;
}

struct KeyCase {
  const char* name;  // tests/data/<name>.pem / .key
  std::vector<SignatureScheme> schemes;
};

class SignatureByKeyType : public ::testing::TestWithParam<KeyCase> {};

TEST_P(SignatureByKeyType, KeyMatchesItsCertificateAndOffersItsSchemes) {
  std::string name = GetParam().name;
  std::optional<PrivateKey> key = load_key(name + ".key");
  Certificate cert = load_cert(name + ".pem");
  ASSERT_TRUE(key);
  EXPECT_TRUE(cert.matches(*key));
  EXPECT_EQ(key->schemes(), GetParam().schemes);
  EXPECT_NE(key->evp(), nullptr);
}

TEST_P(SignatureByKeyType, EverySchemeSignsAndVerifies) {
  std::string name = GetParam().name;
  std::optional<PrivateKey> key = load_key(name + ".key");
  Certificate cert = load_cert(name + ".pem");
  ASSERT_TRUE(key);
  std::vector<uint8_t> message = content_to_sign();
  for (SignatureScheme scheme : GetParam().schemes) {
    SCOPED_TRACE(static_cast<int>(scheme));
    std::vector<uint8_t> signature;
    ASSERT_TRUE(key->sign(scheme, message, signature, system_random()));
    EXPECT_FALSE(signature.empty());
    EXPECT_TRUE(cert.verify(scheme, message, signature));

    std::vector<uint8_t> other_message = message;
    other_message.back() ^= 1;
    EXPECT_FALSE(cert.verify(scheme, other_message, signature));

    std::vector<uint8_t> bad_signature = signature;
    bad_signature[bad_signature.size() / 2] ^= 0x40;
    EXPECT_FALSE(cert.verify(scheme, message, bad_signature));
    EXPECT_FALSE(cert.verify(scheme, message, {}));
  }
}

TEST_P(SignatureByKeyType, SchemesOfOtherKeyTypesAreRefused) {
  std::string name = GetParam().name;
  std::optional<PrivateKey> key = load_key(name + ".key");
  Certificate cert = load_cert(name + ".pem");
  ASSERT_TRUE(key);
  std::vector<uint8_t> message = content_to_sign();
  std::vector<uint8_t> signature;
  ASSERT_TRUE(key->sign(GetParam().schemes.front(), message, signature, system_random()));
  for (SignatureScheme scheme : certificate_signature_schemes()) {
    bool own = std::find(GetParam().schemes.begin(), GetParam().schemes.end(), scheme) !=
               GetParam().schemes.end();
    bool pkcs1 = scheme == SignatureScheme::rsa_pkcs1_sha256 ||
                 scheme == SignatureScheme::rsa_pkcs1_sha384 ||
                 scheme == SignatureScheme::rsa_pkcs1_sha512;
    if (own || (pkcs1 && name == "rsa-leaf")) continue;
    SCOPED_TRACE(static_cast<int>(scheme));
    std::vector<uint8_t> out{1, 2, 3};
    EXPECT_FALSE(key->sign(scheme, message, out, system_random()));
    EXPECT_TRUE(out.empty());
    // The bytes of a valid signature under a scheme the key cannot use.
    EXPECT_FALSE(cert.verify(scheme, message, signature));
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllKeyTypes, SignatureByKeyType,
    ::testing::Values(
        KeyCase{"ecdsa-leaf", {SignatureScheme::ecdsa_secp256r1_sha256}},
        KeyCase{"p384-leaf", {SignatureScheme::ecdsa_secp384r1_sha384}},
        KeyCase{"ed25519-leaf", {SignatureScheme::ed25519}},
        KeyCase{"rsa-leaf",
                {SignatureScheme::rsa_pss_rsae_sha256, SignatureScheme::rsa_pss_rsae_sha384,
                 SignatureScheme::rsa_pss_rsae_sha512}},
        KeyCase{"rsa-pss-leaf",
                {SignatureScheme::rsa_pss_pss_sha256, SignatureScheme::rsa_pss_pss_sha384,
                 SignatureScheme::rsa_pss_pss_sha512}}),
    [](const ::testing::TestParamInfo<KeyCase>& info) {
      std::string name = info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

TEST(Signature, ASignatureByOneKeyFailsWithAnother) {
  std::optional<PrivateKey> key = load_key("ecdsa-leaf.key");
  ASSERT_TRUE(key);
  std::vector<uint8_t> message = content_to_sign();
  std::vector<uint8_t> signature;
  ASSERT_TRUE(
      key->sign(SignatureScheme::ecdsa_secp256r1_sha256, message, signature, system_random()));
  EXPECT_TRUE(load_cert("ecdsa-leaf.pem")
                  .verify(SignatureScheme::ecdsa_secp256r1_sha256, message, signature));
  for (const char* other : {"other-name-leaf.pem", "client-leaf.pem", "ecdsa-intermediate.pem"}) {
    EXPECT_FALSE(
        load_cert(other).verify(SignatureScheme::ecdsa_secp256r1_sha256, message, signature))
        << other;
  }

  std::optional<PrivateKey> rsa = load_key("rsa-leaf.key");
  ASSERT_TRUE(rsa);
  ASSERT_TRUE(rsa->sign(SignatureScheme::rsa_pss_rsae_sha256, message, signature, system_random()));
  EXPECT_FALSE(load_cert("rsa-intermediate.pem")
                   .verify(SignatureScheme::rsa_pss_rsae_sha256, message, signature));
}

TEST(Signature, EcdsaSchemeMustNameTheKeysCurve) {
  // RFC 8446 section 4.2.3: ecdsa_secp384r1_sha384 means a P-384 key.
  std::optional<PrivateKey> p256 = load_key("ecdsa-leaf.key");
  std::optional<PrivateKey> p384 = load_key("p384-leaf.key");
  ASSERT_TRUE(p256 && p384);
  std::vector<uint8_t> message = content_to_sign();
  std::vector<uint8_t> signature;
  EXPECT_FALSE(
      p256->sign(SignatureScheme::ecdsa_secp384r1_sha384, message, signature, system_random()));
  EXPECT_FALSE(
      p384->sign(SignatureScheme::ecdsa_secp256r1_sha256, message, signature, system_random()));
  EXPECT_FALSE(
      p256->sign(SignatureScheme::ecdsa_secp521r1_sha512, message, signature, system_random()));
}

TEST(Signature, RsaPkcs1IsAvailableToTheCallerThatAllowsIt) {
  // Not in handshake_signature_schemes, but sign/verify support it.
  std::optional<PrivateKey> key = load_key("rsa-leaf.key");
  Certificate cert = load_cert("rsa-leaf.pem");
  ASSERT_TRUE(key);
  std::vector<uint8_t> message = content_to_sign();
  for (SignatureScheme scheme :
       {SignatureScheme::rsa_pkcs1_sha256, SignatureScheme::rsa_pkcs1_sha384,
        SignatureScheme::rsa_pkcs1_sha512}) {
    std::vector<uint8_t> signature;
    ASSERT_TRUE(key->sign(scheme, message, signature, system_random()));
    EXPECT_TRUE(cert.verify(scheme, message, signature));
    // PKCS#1 v1.5 and PSS signatures are not interchangeable.
    EXPECT_FALSE(cert.verify(SignatureScheme::rsa_pss_rsae_sha256, message, signature));
  }
}

TEST(Signature, PssSaltMustBeTheHashLength) {
  // RFC 8446 section 4.2.3: salt length = digest length. Sign with a 20-byte
  // salt through libcrypto directly; verify must refuse it.
  std::optional<PrivateKey> key = load_key("rsa-leaf.key");
  Certificate cert = load_cert("rsa-leaf.pem");
  ASSERT_TRUE(key);
  std::vector<uint8_t> message = content_to_sign();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  ASSERT_EQ(EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", nullptr, nullptr,
                                  static_cast<EVP_PKEY*>(key->evp()), nullptr),
            1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 20), 1);
  std::vector<uint8_t> signature(256);
  size_t length = signature.size();
  ASSERT_EQ(EVP_DigestSign(ctx, signature.data(), &length, message.data(), message.size()), 1);
  EVP_MD_CTX_free(ctx);
  signature.resize(length);
  EXPECT_FALSE(cert.verify(SignatureScheme::rsa_pss_rsae_sha256, message, signature));
}

TEST(Signature, Ed25519IsDeterministic) {
  std::optional<PrivateKey> key = load_key("ed25519-leaf.key");
  ASSERT_TRUE(key);
  std::vector<uint8_t> message = content_to_sign();
  std::vector<uint8_t> first;
  std::vector<uint8_t> second;
  ASSERT_TRUE(key->sign(SignatureScheme::ed25519, message, first, system_random()));
  ASSERT_TRUE(key->sign(SignatureScheme::ed25519, message, second, system_random()));
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(first, second);
}

TEST(Signature, SchemeLists) {
  std::span<const SignatureScheme> handshake = handshake_signature_schemes();
  std::span<const SignatureScheme> certificate = certificate_signature_schemes();
  ASSERT_FALSE(handshake.empty());
  EXPECT_EQ(handshake.front(), SignatureScheme::ecdsa_secp256r1_sha256);
  for (SignatureScheme scheme : handshake) {
    // CertificateVerify never uses PKCS#1 v1.5 (RFC 8446 section 4.2.3).
    EXPECT_NE(scheme, SignatureScheme::rsa_pkcs1_sha256);
    EXPECT_NE(scheme, SignatureScheme::rsa_pkcs1_sha384);
    EXPECT_NE(scheme, SignatureScheme::rsa_pkcs1_sha512);
    EXPECT_NE(std::find(certificate.begin(), certificate.end(), scheme), certificate.end());
  }
  EXPECT_NE(std::find(certificate.begin(), certificate.end(), SignatureScheme::rsa_pkcs1_sha256),
            certificate.end());
}

TEST(PrivateKey, FromEvpSharesTheKey) {
  std::optional<PrivateKey> loaded = load_key("ecdsa-leaf.key");
  ASSERT_TRUE(loaded);
  auto* pkey = static_cast<EVP_PKEY*>(loaded->evp());
  std::optional<PrivateKey> wrapped = PrivateKey::from_evp(pkey);
  ASSERT_TRUE(wrapped);
  EXPECT_EQ(wrapped->evp(), pkey);
  loaded.reset();  // the wrapper holds its own reference
  std::vector<uint8_t> signature;
  std::vector<uint8_t> message = content_to_sign();
  ASSERT_TRUE(
      wrapped->sign(SignatureScheme::ecdsa_secp256r1_sha256, message, signature, system_random()));
  EXPECT_TRUE(load_cert("ecdsa-leaf.pem")
                  .verify(SignatureScheme::ecdsa_secp256r1_sha256, message, signature));

  PrivateKey copy = *wrapped;
  EXPECT_EQ(copy.evp(), pkey);
  EXPECT_FALSE(PrivateKey::from_evp(nullptr));
}

TEST(PrivateKey, UnsupportedKeyTypesAreRefused) {
  EVP_PKEY* x448 = EVP_PKEY_Q_keygen(nullptr, nullptr, "X448");
  ASSERT_NE(x448, nullptr);
  EXPECT_FALSE(PrivateKey::from_evp(x448));
  EVP_PKEY_free(x448);
}

}  // namespace
}  // namespace adieu::crypto
