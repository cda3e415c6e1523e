#include "crypto/trust_store.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "unit/crypto/test_certs.h"

namespace adieu::crypto {
namespace {

using test::data_path;
using test::load_cert;
using test::load_certs;

struct ChainCase {
  const char* root;
  const char* fullchain;
};

class TrustStoreChains : public ::testing::TestWithParam<ChainCase> {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(store_.load_file(data_path(GetParam().root), error)) << error;
    chain_ = load_certs(GetParam().fullchain);
    ASSERT_EQ(chain_.size(), 2u);
  }
  TrustStore store_;
  std::vector<Certificate> chain_;
};

TEST_P(TrustStoreChains, VerifiesForItsNamesAndAddress) {
  for (const char* name : {"localhost", "adieu.test", "127.0.0.1", ""}) {
    VerifyResult result = store_.verify(chain_, true, name);
    EXPECT_TRUE(result.ok) << name << ": " << result.message;
    EXPECT_EQ(result.x509_error, X509_V_OK) << name;
  }
  // The server leaves also allow clientAuth.
  EXPECT_TRUE(store_.verify(chain_, false, "").ok);
}

TEST_P(TrustStoreChains, OtherNamesAndAddressesFail) {
  VerifyResult result = store_.verify(chain_, true, "example.com");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.x509_error, X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(result.message, "hostname mismatch");

  result = store_.verify(chain_, true, "127.0.0.2");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.x509_error, X509_V_ERR_IP_ADDRESS_MISMATCH);
  result = store_.verify(chain_, true, "::1");
  EXPECT_EQ(result.x509_error, X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST_P(TrustStoreChains, MissingIntermediateFails) {
  std::vector<Certificate> leaf_only{chain_.front()};
  VerifyResult result = store_.verify(leaf_only, true, "localhost");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.x509_error, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_EQ(result.message, "unable to get local issuer certificate");
}

INSTANTIATE_TEST_SUITE_P(AllChains, TrustStoreChains,
                         ::testing::Values(ChainCase{"ecdsa-root.pem", "ecdsa-fullchain.pem"},
                                           ChainCase{"rsa-root.pem", "rsa-fullchain.pem"},
                                           ChainCase{"rsa-root.pem", "rsa-pss-fullchain.pem"},
                                           ChainCase{"ecdsa-root.pem", "p384-fullchain.pem"},
                                           ChainCase{"ecdsa-root.pem", "ed25519-fullchain.pem"},
                                           ChainCase{"ca-bundle.pem", "ecdsa-fullchain.pem"},
                                           ChainCase{"ca-bundle.pem", "rsa-fullchain.pem"}));

class TrustStoreFailures : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(store_.load_file(data_path("ca-bundle.pem"), error)) << error;
  }
  // `leaf` with the ECDSA intermediate.
  VerifyResult verify_under_ecdsa(const char* leaf, bool is_server_cert, const char* name) {
    std::vector<Certificate> chain{load_cert(leaf), load_cert("ecdsa-intermediate.pem")};
    return store_.verify(chain, is_server_cert, name);
  }
  TrustStore store_;
};

TEST_F(TrustStoreFailures, WrongName) {
  VerifyResult result = verify_under_ecdsa("other-name-leaf.pem", true, "localhost");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.x509_error, X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_TRUE(verify_under_ecdsa("other-name-leaf.pem", true, "other.test").ok);
  EXPECT_EQ(verify_under_ecdsa("other-name-leaf.pem", true, "127.0.0.1").x509_error,
            X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST_F(TrustStoreFailures, Expired) {
  VerifyResult result = verify_under_ecdsa("expired-leaf.pem", true, "localhost");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.x509_error, X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(result.message, "certificate has expired");
}

TEST_F(TrustStoreFailures, UntrustedSelfSigned) {
  std::vector<Certificate> chain{load_cert("selfsigned.pem")};
  VerifyResult result = store_.verify(chain, true, "localhost");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.x509_error, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);

  // Trusted once added as an anchor.
  ASSERT_TRUE(store_.add(chain.front()));
  EXPECT_TRUE(store_.verify(chain, true, "localhost").ok);
}

TEST_F(TrustStoreFailures, ClientCertificateIsNotAServerCertificate) {
  VerifyResult result = verify_under_ecdsa("client-leaf.pem", true, "");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.x509_error, X509_V_ERR_INVALID_PURPOSE);
  EXPECT_TRUE(verify_under_ecdsa("client-leaf.pem", false, "").ok);
}

TEST_F(TrustStoreFailures, WrongRoot) {
  TrustStore rsa_only;
  std::string error;
  ASSERT_TRUE(rsa_only.load_file(data_path("rsa-root.pem"), error)) << error;
  VerifyResult result = rsa_only.verify(load_certs("ecdsa-fullchain.pem"), true, "localhost");
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.x509_error, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);

  TrustStore empty;
  EXPECT_EQ(empty.verify(load_certs("ecdsa-fullchain.pem"), true, "localhost").x509_error,
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

TEST_F(TrustStoreFailures, EmptyChain) {
  VerifyResult result = store_.verify({}, true, "localhost");
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.x509_error, X509_V_OK);
  EXPECT_FALSE(result.message.empty());
}

TEST_F(TrustStoreFailures, IntermediateInTheLeafPositionFails) {
  // Verification starts from the first certificate: here a CA certificate
  // that names no server.
  std::vector<Certificate> chain{load_cert("ecdsa-intermediate.pem"), load_cert("ecdsa-leaf.pem")};
  VerifyResult result = store_.verify(chain, true, "localhost");
  EXPECT_FALSE(result.ok);
}

TEST(TrustStoreLoading, MissingFileAndDirectory) {
  TrustStore store;
  std::string error;
  EXPECT_FALSE(store.load_file("/nonexistent/ca.pem", error));
  EXPECT_EQ(error, "cannot read certificate file /nonexistent/ca.pem: No such file or directory");
  EXPECT_FALSE(store.load_dir("/nonexistent/certs", error));
  EXPECT_EQ(error, "cannot read CA directory /nonexistent/certs: No such file or directory");
  std::string file = data_path("ecdsa-root.pem");
  EXPECT_FALSE(store.load_dir(file, error));
  EXPECT_EQ(error, "cannot read CA directory " + file + ": Not a directory");
  std::string key = data_path("ecdsa-root.key");
  EXPECT_FALSE(store.load_file(key, error));
  EXPECT_EQ(error, "no certificate found in " + key);
}

TEST(TrustStoreLoading, HashedDirectory) {
  // A c_rehash-style directory: <subject hash>.0 holding the root.
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("adieu-trust-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
       std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Certificate root = load_cert("ecdsa-root.pem");
  char hash[16];
  std::snprintf(hash, sizeof hash, "%08lx.0",
                X509_NAME_hash_ex(X509_get_subject_name(static_cast<X509*>(root.x509())), nullptr,
                                  nullptr, nullptr));
  std::filesystem::copy_file(data_path("ecdsa-root.pem"), dir / hash);

  TrustStore store;
  std::string error;
  ASSERT_TRUE(store.load_dir(dir.string(), error)) << error;
  EXPECT_TRUE(store.verify(load_certs("ecdsa-fullchain.pem"), true, "localhost").ok);
  EXPECT_EQ(store.verify(load_certs("rsa-fullchain.pem"), true, "localhost").x509_error,
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  std::filesystem::remove_all(dir);
}

TEST(TrustStoreLoading, SystemDefaults) {
  TrustStore store;
  std::string error;
  EXPECT_TRUE(store.load_system_defaults(error)) << error;
  EXPECT_NE(store.x509_store(), nullptr);
  // Our test roots are in no system store.
  EXPECT_FALSE(store.verify(load_certs("ecdsa-fullchain.pem"), true, "localhost").ok);
}

// A verifier set on the store decides alone: it is called once per chain,
// with verify()'s arguments, and the store's own anchors are not consulted.
TEST(TrustStoreVerifier, DecidesInsteadOfTheStore) {
  TrustStore store;  // no anchors: its own verification would refuse
  const std::vector<Certificate> chain = load_certs("ecdsa-fullchain.pem");
  ASSERT_EQ(chain.size(), 2u);
  int calls = 0;
  store.set_verifier(
      [&](std::span<const Certificate> c, bool is_server_cert, const std::string& name) {
        ++calls;
        EXPECT_EQ(c.size(), 2u);
        EXPECT_TRUE(is_server_cert);
        EXPECT_EQ(name, "localhost");
        VerifyResult r;
        r.ok = true;
        return r;
      });
  EXPECT_TRUE(store.verify(chain, true, "localhost").ok);
  EXPECT_EQ(calls, 1);
  store.set_verifier([](std::span<const Certificate>, bool, const std::string&) {
    VerifyResult r;
    r.x509_error = X509_V_ERR_CERT_REVOKED;
    return r;
  });
  const VerifyResult refused = store.verify(chain, true, "localhost");
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.x509_error, X509_V_ERR_CERT_REVOKED);
  store.set_verifier({});
  EXPECT_EQ(store.verify(chain, true, "localhost").x509_error,
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
}

}  // namespace
}  // namespace adieu::crypto
