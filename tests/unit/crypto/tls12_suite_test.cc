#include "crypto/tls12_suite.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/cipher_suite.h"

namespace adieu::crypto {
namespace {

struct Row {
  uint16_t code;
  AeadAlg aead;
  HashAlg hash;
  Tls12Auth auth;
  const char* iana;
  const char* openssl;
};

// RFC 5289 section 3.2 and RFC 7905 section 2 (code points, names); OpenSSL's
// names as `openssl ciphers -V` prints them.
const Row kRows[] = {
    {0xc02b, AeadAlg::aes_128_gcm, HashAlg::sha256, Tls12Auth::ecdsa,
     "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"},
    {0xc02f, AeadAlg::aes_128_gcm, HashAlg::sha256, Tls12Auth::rsa,
     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"},
    {0xc02c, AeadAlg::aes_256_gcm, HashAlg::sha384, Tls12Auth::ecdsa,
     "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"},
    {0xc030, AeadAlg::aes_256_gcm, HashAlg::sha384, Tls12Auth::rsa,
     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384"},
    {0xcca9, AeadAlg::chacha20_poly1305, HashAlg::sha256, Tls12Auth::ecdsa,
     "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"},
    {0xcca8, AeadAlg::chacha20_poly1305, HashAlg::sha256, Tls12Auth::rsa,
     "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305"},
};

TEST(Tls12Suite, EachSuiteByCodePoint) {
  for (const Row& row : kRows) {
    SCOPED_TRACE(row.iana);
    std::optional<Tls12SuiteInfo> info = tls12_suite_info(row.code);
    ASSERT_TRUE(info);
    EXPECT_EQ(static_cast<uint16_t>(info->suite), row.code);
    EXPECT_EQ(info->aead, row.aead);
    EXPECT_EQ(info->prf_hash, row.hash);
    EXPECT_EQ(info->auth, row.auth);
    EXPECT_EQ(std::string(info->name), row.iana);
    EXPECT_EQ(std::string(info->openssl_name), row.openssl);
    const bool gcm = row.aead != AeadAlg::chacha20_poly1305;
    // RFC 5288 section 3: 4-byte salt + 8-byte nonce_explicit per record.
    // RFC 7905 section 2: 12-byte IV, no explicit nonce.
    EXPECT_EQ(info->fixed_iv_size, gcm ? 4u : 12u);
    EXPECT_EQ(info->explicit_nonce_size, gcm ? 8u : 0u);
    EXPECT_EQ(info->explicit_nonce(), gcm);
    EXPECT_EQ(info->fixed_iv_size + info->explicit_nonce_size, kAeadNonceSize);
    EXPECT_EQ(tls12_fixed_iv_size(row.aead), info->fixed_iv_size);
    EXPECT_EQ(tls12_explicit_nonce_size(row.aead), info->explicit_nonce_size);
    EXPECT_EQ(tls12_suite_info(info->suite).suite, info->suite);
    EXPECT_EQ(tls12_suite_by_name(row.iana), info->suite);
    EXPECT_EQ(tls12_suite_by_name(row.openssl), info->suite);
  }
}

TEST(Tls12Suite, UnknownCodePointsAndNames) {
  EXPECT_FALSE(tls12_suite_info(0x1301));  // TLS 1.3 suite
  EXPECT_FALSE(tls12_suite_info(0xc009));  // ECDHE-ECDSA-AES128-SHA: CBC, not implemented
  EXPECT_FALSE(tls12_suite_info(0x009c));  // RSA key exchange: not implemented
  EXPECT_FALSE(tls12_suite_info(0xccaa));  // DHE-RSA-CHACHA20-POLY1305
  EXPECT_FALSE(tls12_suite_info(0));
  EXPECT_FALSE(tls12_suite_by_name("TLS_AES_128_GCM_SHA256"));
  EXPECT_FALSE(tls12_suite_by_name("ecdhe-rsa-aes128-gcm-sha256"));
  EXPECT_FALSE(tls12_suite_by_name(""));
  // The TLS 1.3 table is unchanged and knows none of them.
  for (const Row& row : kRows) EXPECT_FALSE(suite_info(row.code));
}

TEST(Tls12Suite, AllSuitesInPreferenceOrder) {
  const auto all = all_tls12_cipher_suites();
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all[0], Tls12CipherSuite::ecdhe_ecdsa_with_aes_128_gcm_sha256);
  EXPECT_EQ(all[1], Tls12CipherSuite::ecdhe_rsa_with_aes_128_gcm_sha256);
  EXPECT_EQ(all[2], Tls12CipherSuite::ecdhe_ecdsa_with_aes_256_gcm_sha384);
  EXPECT_EQ(all[3], Tls12CipherSuite::ecdhe_rsa_with_aes_256_gcm_sha384);
  EXPECT_EQ(all[4], Tls12CipherSuite::ecdhe_ecdsa_with_chacha20_poly1305_sha256);
  EXPECT_EQ(all[5], Tls12CipherSuite::ecdhe_rsa_with_chacha20_poly1305_sha256);
  std::set<uint16_t> codes;
  for (Tls12CipherSuite s : all) {
    codes.insert(static_cast<uint16_t>(s));
    EXPECT_EQ(tls12_suite_info(static_cast<uint16_t>(s))->suite, s);
  }
  EXPECT_EQ(codes.size(), all.size());
}

}  // namespace
}  // namespace adieu::crypto
