// Certificate and PrivateKey loading, names and key matching.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/signature.h"
#include "unit/crypto/hex.h"
#include "unit/crypto/test_certs.h"

namespace adieu::crypto {
namespace {

using test::as_bytes;
using test::data_path;
using test::load_cert;
using test::load_certs;
using test::load_key;

std::string read_text(const std::string& name) {
  std::ifstream in(data_path(name), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CertificatePem, LoadsEveryCertificateInOrder) {
  std::vector<Certificate> chain = load_certs("ecdsa-fullchain.pem");
  ASSERT_EQ(chain.size(), 2u);
  Certificate leaf = load_cert("ecdsa-leaf.pem");
  Certificate intermediate = load_cert("ecdsa-intermediate.pem");
  auto same = [](const Certificate& a, const Certificate& b) {
    return std::equal(a.der().begin(), a.der().end(), b.der().begin(), b.der().end());
  };
  EXPECT_TRUE(same(chain[0], leaf));
  EXPECT_TRUE(same(chain[1], intermediate));
  EXPECT_FALSE(same(chain[0], chain[1]));
  EXPECT_EQ(load_certs("ca-bundle.pem").size(), 2u);
}

TEST(CertificatePem, SkipsOtherBlocks) {
  std::string combined = read_text("ecdsa-leaf.key") + read_text("ecdsa-leaf.pem");
  std::string error;
  std::vector<Certificate> certs = Certificate::from_pem(as_bytes(combined), error);
  ASSERT_EQ(certs.size(), 1u) << error;
  std::optional<PrivateKey> key = PrivateKey::from_pem(as_bytes(combined), error);
  ASSERT_TRUE(key) << error;
  EXPECT_TRUE(certs[0].matches(*key));
}

TEST(CertificatePem, MissingFileNamesTheFileAndTheReason) {
  std::string error;
  std::vector<Certificate> certs = Certificate::from_pem_file("/nonexistent/x.pem", error);
  EXPECT_TRUE(certs.empty());
  EXPECT_EQ(error, "cannot read certificate file /nonexistent/x.pem: No such file or directory");

  certs = Certificate::from_pem_file(ADIEU_TEST_DATA, error);  // a directory
  EXPECT_TRUE(certs.empty());
  EXPECT_TRUE(contains(error, "cannot read certificate file " + std::string(ADIEU_TEST_DATA)))
      << error;
}

TEST(CertificatePem, GarbageAndKeysAreNotCertificates) {
  std::string error;
  EXPECT_TRUE(Certificate::from_pem(as_bytes("hello, world\n"), error).empty());
  EXPECT_EQ(error, "no certificate found in PEM buffer");

  std::string key_file = data_path("ecdsa-leaf.key");
  EXPECT_TRUE(Certificate::from_pem_file(key_file, error).empty());
  EXPECT_EQ(error, "no certificate found in " + key_file);

  EXPECT_TRUE(Certificate::from_pem({}, error).empty());
  EXPECT_EQ(error, "no certificate found in PEM buffer");
}

TEST(CertificatePem, MalformedBlocksAreErrors) {
  std::string error;
  std::string bad_base64 = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
  EXPECT_TRUE(Certificate::from_pem(as_bytes(bad_base64), error).empty());
  EXPECT_TRUE(contains(error, "malformed PEM in PEM buffer")) << error;

  std::string not_der = "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n-----END CERTIFICATE-----\n";
  std::string text = read_text("ecdsa-leaf.pem") + not_der;
  EXPECT_TRUE(Certificate::from_pem(as_bytes(text), error).empty());
  EXPECT_EQ(error, "cannot parse certificate 2 in PEM buffer");

  // No END line.
  std::string truncated = read_text("ecdsa-leaf.pem");
  truncated.resize(truncated.size() / 2);
  EXPECT_TRUE(Certificate::from_pem(as_bytes(truncated), error).empty());
  EXPECT_FALSE(error.empty());
}

TEST(CertificateDer, ParsesExactlyOneCertificate) {
  Certificate leaf = load_cert("ecdsa-leaf.pem");
  std::vector<uint8_t> der(leaf.der().begin(), leaf.der().end());
  ASSERT_FALSE(der.empty());
  std::optional<Certificate> again = Certificate::from_der(der);
  ASSERT_TRUE(again);
  EXPECT_TRUE(std::equal(der.begin(), der.end(), again->der().begin(), again->der().end()));
  EXPECT_NE(again->x509(), nullptr);

  std::vector<uint8_t> trailing = der;
  trailing.push_back(0);
  EXPECT_FALSE(Certificate::from_der(trailing));
  std::vector<uint8_t> truncated(der.begin(), der.end() - 1);
  EXPECT_FALSE(Certificate::from_der(truncated));
  EXPECT_FALSE(Certificate::from_der({}));
  std::vector<uint8_t> garbage(100, 0x30);
  EXPECT_FALSE(Certificate::from_der(garbage));
}

TEST(CertificateNames, DnsNamesComeFromSubjectAltName) {
  EXPECT_EQ(load_cert("ecdsa-leaf.pem").dns_names(),
            (std::vector<std::string>{"localhost", "adieu.test"}));
  EXPECT_EQ(load_cert("rsa-leaf.pem").dns_names(),
            (std::vector<std::string>{"localhost", "adieu.test"}));
  EXPECT_EQ(load_cert("other-name-leaf.pem").dns_names(), (std::vector<std::string>{"other.test"}));
  // No subjectAltName: the common name.
  EXPECT_EQ(load_cert("client-leaf.pem").dns_names(), (std::vector<std::string>{"adieu client"}));
}

TEST(CertificateNames, MatchesHost) {
  Certificate leaf = load_cert("ecdsa-leaf.pem");
  EXPECT_TRUE(leaf.matches_host("localhost"));
  EXPECT_TRUE(leaf.matches_host("LOCALHOST"));
  EXPECT_TRUE(leaf.matches_host("adieu.test"));
  EXPECT_TRUE(leaf.matches_host("127.0.0.1"));
  EXPECT_FALSE(leaf.matches_host("127.0.0.2"));
  EXPECT_FALSE(leaf.matches_host("other.test"));
  EXPECT_FALSE(leaf.matches_host("sub.localhost"));
  EXPECT_FALSE(leaf.matches_host(""));

  Certificate other = load_cert("other-name-leaf.pem");
  EXPECT_TRUE(other.matches_host("other.test"));
  EXPECT_FALSE(other.matches_host("localhost"));
  EXPECT_FALSE(other.matches_host("127.0.0.1"));
}

TEST(CertificateKeys, MatchesOnlyItsOwnKey) {
  Certificate ecdsa = load_cert("ecdsa-leaf.pem");
  std::optional<PrivateKey> ecdsa_key = load_key("ecdsa-leaf.key");
  std::optional<PrivateKey> other_key = load_key("other-name-leaf.key");
  std::optional<PrivateKey> rsa_key = load_key("rsa-leaf.key");
  ASSERT_TRUE(ecdsa_key && other_key && rsa_key);
  EXPECT_TRUE(ecdsa.matches(*ecdsa_key));
  EXPECT_FALSE(ecdsa.matches(*other_key));
  EXPECT_FALSE(ecdsa.matches(*rsa_key));
  EXPECT_TRUE(load_cert("rsa-leaf.pem").matches(*rsa_key));
  EXPECT_FALSE(load_cert("rsa-leaf.pem").matches(*ecdsa_key));
  EXPECT_FALSE(Certificate().matches(*ecdsa_key));
}

TEST(PrivateKeyPem, MissingFileNamesTheFileAndTheReason) {
  std::string error;
  EXPECT_FALSE(PrivateKey::from_pem_file("/nonexistent/x.key", error));
  EXPECT_EQ(error, "cannot read private key file /nonexistent/x.key: No such file or directory");
}

TEST(PrivateKeyPem, NoKeyInTheInput) {
  std::string error;
  std::string cert_file = data_path("ecdsa-leaf.pem");
  EXPECT_FALSE(PrivateKey::from_pem_file(cert_file, error));
  EXPECT_EQ(error, "no private key found in " + cert_file);
  EXPECT_FALSE(PrivateKey::from_pem(as_bytes("garbage"), error));
  EXPECT_EQ(error, "no private key found in PEM buffer");
  EXPECT_FALSE(PrivateKey::from_pem({}, error));
  EXPECT_EQ(error, "no private key found in PEM buffer");
}

TEST(PrivateKeyPem, MalformedKey) {
  std::string error;
  std::string text = "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n";
  EXPECT_FALSE(PrivateKey::from_pem(as_bytes(text), error));
  EXPECT_EQ(error, "cannot parse the private key in PEM buffer");
}

TEST(PrivateKeyPem, EncryptedKeysAreRefusedWithoutPrompting) {
  std::optional<PrivateKey> key = load_key("ecdsa-leaf.key");
  ASSERT_TRUE(key);
  BIO* bio = BIO_new(BIO_s_mem());
  static char passphrase[] = "secret";
  ASSERT_EQ(
      PEM_write_bio_PKCS8PrivateKey(bio, static_cast<EVP_PKEY*>(key->evp()), EVP_aes_128_cbc(),
                                    passphrase, sizeof passphrase - 1, nullptr, nullptr),
      1);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string encrypted(data, static_cast<size_t>(length));
  BIO_free(bio);
  std::string error;
  EXPECT_FALSE(PrivateKey::from_pem(as_bytes(encrypted), error));
  EXPECT_EQ(error, "the private key in PEM buffer is encrypted (not supported)");
}

TEST(PrivateKeyPem, LoadsEveryKeyType) {
  for (const char* name : {"ecdsa-leaf.key", "p384-leaf.key", "ed25519-leaf.key", "rsa-leaf.key",
                           "rsa-pss-leaf.key", "client-leaf.key", "ecdsa-root.key"}) {
    std::optional<PrivateKey> key = load_key(name);
    ASSERT_TRUE(key) << name;
    EXPECT_FALSE(key->schemes().empty()) << name;
  }
}

}  // namespace
}  // namespace adieu::crypto
