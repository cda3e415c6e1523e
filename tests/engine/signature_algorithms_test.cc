// Config::set_signature_algorithms (s_client / s_server's -sigalgs): the only
// schemes offered, signed with and accepted, in both versions.
#include <gtest/gtest.h>

#include <algorithm>

#include "pair.h"

namespace adieu::test {
namespace {

bool contains_bytes(const std::vector<uint8_t>& haystack, std::initializer_list<uint8_t> needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

TEST(SignatureAlgorithms, ClientOffersOnlyItsListAndTheServerSignsWithIt) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_signature_algorithms("ECDSA+SHA256", &error)) << error;
  Pair p(ccfg, server_config());
  const std::vector<uint8_t> hello = take_output(*p.client);
  // signature_algorithms (13): a list of one scheme, 0x0403.
  EXPECT_TRUE(contains_bytes(hello, {0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03}));
  p.server->receive(hello);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->peer_signature_scheme(), 0x0403);
}

TEST(SignatureAlgorithms, NoSchemeTheServerKeyCanUseIsHandshakeFailure) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_signature_algorithms("ecdsa_secp384r1_sha384:ed25519", &error)) << error;
  Pair p(ccfg, server_config());  // a P-256 certificate
  p.pump();
  EXPECT_EQ(p.server->error(), Error::handshake_failure);
  EXPECT_EQ(p.client->alert_received(), Alert::handshake_failure);
}

TEST(SignatureAlgorithms, ServerSignsOnlyWithItsList) {
  auto scfg = server_config("rsa");
  std::string error;
  ASSERT_TRUE(scfg->set_signature_algorithms("rsa_pss_rsae_sha512", &error)) << error;
  Pair p(client_config(), scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->peer_signature_scheme(), 0x0806);
}

TEST(SignatureAlgorithms, ServerAsksForItsListAndAClientThatCannotSignSendsNoCertificate) {
  auto scfg = server_config("ed25519");
  scfg->set_verify(VerifyMode::required);
  std::string error;
  ASSERT_TRUE(scfg->load_ca_file(data_path("ecdsa-root.pem"), &error)) << error;
  ASSERT_TRUE(scfg->set_signature_algorithms("ed25519:ecdsa_secp256r1_sha256", &error)) << error;
  auto ccfg = client_config();
  ASSERT_TRUE(ccfg->add_certificate(data_path("client-fullchain.pem"), data_path("client-leaf.key"),
                                    "", &error))
      << error;
  {
    Pair p(ccfg, scfg);
    p.pump();
    ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
    EXPECT_EQ(p.server->peer_signature_scheme(), 0x0403);  // the client's P-256 key
  }
  // The list also binds the server's own signature: ed25519 alone still
  // fits its key, but the client's P-256 key fits none of it.
  ASSERT_TRUE(scfg->set_signature_algorithms("ed25519", &error)) << error;
  Pair p(ccfg, scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::certificate_required);
  EXPECT_EQ(p.client->alert_received(), Alert::certificate_required);
}

TEST(SignatureAlgorithms, Tls12UsesTheListToo) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_versions(0x0303, 0x0303, &error)) << error;
  ASSERT_TRUE(ccfg->set_signature_algorithms("RSA+SHA384", &error)) << error;
  Pair p(ccfg, server_config("rsa"));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->version(), 0x0303);
  EXPECT_EQ(p.client->peer_signature_scheme(), 0x0501);  // rsa_pkcs1_sha384
}

// RFC 8446 section 4.4.2.2: a server with several certificates for the name
// sends one whose key the client can verify.
TEST(SignatureAlgorithms, ServerPicksTheCertificateTheClientCanVerify) {
  auto scfg = server_config();  // ECDSA P-256 first
  std::string error;
  ASSERT_TRUE(
      scfg->add_certificate(data_path("rsa-fullchain.pem"), data_path("rsa-leaf.key"), "", &error))
      << error;
  for (const char* list : {"rsa_pss_rsae_sha256", "ECDSA+SHA256"}) {
    auto ccfg = client_config();
    ASSERT_TRUE(ccfg->set_signature_algorithms(list, &error)) << error;
    Pair p(ccfg, scfg);
    p.pump();
    ASSERT_TRUE(p.client->handshake_done()) << list << ": " << error_string(p.client->error());
    EXPECT_EQ(p.client->peer_signature_scheme(),
              std::string(list) == "ECDSA+SHA256" ? 0x0403 : 0x0804);
  }
}

TEST(SignatureAlgorithms, BadListsAreRefusedAndChangeNothing) {
  auto cfg = client_config();
  std::string error;
  EXPECT_FALSE(cfg->set_signature_algorithms("ECDSA+SHA256:FOO", &error));
  EXPECT_NE(error.find("FOO"), std::string::npos);
  EXPECT_FALSE(cfg->set_signature_algorithms("", &error));
  Pair p(cfg, server_config());
  p.pump();
  EXPECT_TRUE(p.client->handshake_done());  // the defaults still apply
}

}  // namespace
}  // namespace adieu::test
