#include "crypto/certificate_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace adieu::crypto {
namespace {

TEST(CertificateCache, SameDerGivesTheSameParsedCertificate) {
  std::string error;
  std::vector<Certificate> chain =
      Certificate::from_pem_file(std::string(ADIEU_TEST_DATA) + "/ecdsa-fullchain.pem", error);
  ASSERT_EQ(chain.size(), 2u) << error;
  std::vector<uint8_t> der(chain[0].der().begin(), chain[0].der().end());
  std::optional<Certificate> a = certificate_from_der_cached(der);
  std::optional<Certificate> b = certificate_from_der_cached(der);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->x509(), b->x509());  // parsed once
  std::vector<uint8_t> other(chain[1].der().begin(), chain[1].der().end());
  std::optional<Certificate> c = certificate_from_der_cached(other);
  ASSERT_TRUE(c);
  EXPECT_NE(c->x509(), a->x509());
  EXPECT_TRUE(std::equal(c->der().begin(), c->der().end(), other.begin(), other.end()));
}

TEST(CertificateCache, GarbageIsNotCached) {
  const std::vector<uint8_t> junk = {0x30, 0x03, 0x01, 0x01, 0x00};
  EXPECT_FALSE(certificate_from_der_cached(junk));
  EXPECT_FALSE(certificate_from_der_cached(junk));
}

}  // namespace
}  // namespace adieu::crypto
