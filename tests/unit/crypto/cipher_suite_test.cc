#include "crypto/cipher_suite.h"

#include <gtest/gtest.h>

#include <string>

namespace adieu::crypto {
namespace {

TEST(CipherSuite, Lookup) {
  const auto aes128 = suite_info(0x1301);
  ASSERT_TRUE(aes128.has_value());
  EXPECT_EQ(aes128->suite, CipherSuite::aes_128_gcm_sha256);
  EXPECT_EQ(aes128->aead, AeadAlg::aes_128_gcm);
  EXPECT_EQ(aes128->hash, HashAlg::sha256);
  EXPECT_EQ(std::string(aes128->name), "TLS_AES_128_GCM_SHA256");

  const SuiteInfo& aes256 = suite_info(CipherSuite::aes_256_gcm_sha384);
  EXPECT_EQ(aes256.aead, AeadAlg::aes_256_gcm);
  EXPECT_EQ(aes256.hash, HashAlg::sha384);
  EXPECT_EQ(std::string(aes256.name), "TLS_AES_256_GCM_SHA384");

  const SuiteInfo& chacha = suite_info(CipherSuite::chacha20_poly1305_sha256);
  EXPECT_EQ(chacha.aead, AeadAlg::chacha20_poly1305);
  EXPECT_EQ(chacha.hash, HashAlg::sha256);
  EXPECT_EQ(std::string(chacha.name), "TLS_CHACHA20_POLY1305_SHA256");
}

TEST(CipherSuite, UnknownCodePoints) {
  EXPECT_FALSE(suite_info(0x1304).has_value());  // TLS_AES_128_CCM_SHA256: not implemented
  EXPECT_FALSE(suite_info(0x1305).has_value());
  EXPECT_FALSE(suite_info(0xc02f).has_value());  // a TLS 1.2 suite
  EXPECT_FALSE(suite_info(0).has_value());
}

TEST(CipherSuite, AllSuitesInPreferenceOrder) {
  const auto all = all_cipher_suites();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], CipherSuite::aes_128_gcm_sha256);
  EXPECT_EQ(all[1], CipherSuite::aes_256_gcm_sha384);
  EXPECT_EQ(all[2], CipherSuite::chacha20_poly1305_sha256);
  for (CipherSuite s : all) {
    EXPECT_EQ(suite_info(static_cast<uint16_t>(s))->suite, s);
  }
}

}  // namespace
}  // namespace adieu::crypto
