// External PSKs (RFC 8446 section 4.2.11, "ext binder"): provisioned on both
// sides, they authenticate the handshake without certificates.
#include <gtest/gtest.h>

#include "pair.h"

namespace adieu::test {
namespace {

const std::vector<uint8_t> kKey(32, 0x42);

std::shared_ptr<Config> with_psk(std::shared_ptr<Config> cfg, const std::string& identity,
                                 const std::vector<uint8_t>& key = kKey,
                                 const std::string& hash = "SHA256") {
  std::string error;
  EXPECT_TRUE(cfg->add_external_psk(identity, key, hash, &error)) << error;
  return cfg;
}

std::shared_ptr<Config> server_without_certificate() {
  return std::make_shared<Config>(Role::server);
}

TEST(ExternalPsk, ConfigRefusesBadValues) {
  auto cfg = client_config();
  std::string error;
  EXPECT_FALSE(cfg->add_external_psk("id", kKey, "SHA1", &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(cfg->add_external_psk("", kKey, "SHA256", nullptr));
  EXPECT_FALSE(cfg->add_external_psk("id", std::vector<uint8_t>(15, 1), "SHA256", nullptr));
  EXPECT_TRUE(cfg->add_external_psk("id", std::vector<uint8_t>(16, 1), "SHA384", nullptr));
}

TEST(ExternalPsk, AuthenticatesAServerWithoutCertificate) {
  Pair p(with_psk(client_config(), "client1"), with_psk(server_without_certificate(), "client1"));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_TRUE(p.client->resumed());
  EXPECT_TRUE(p.server->resumed());
  EXPECT_TRUE(p.client->peer_certificates().empty());
  EXPECT_NE(p.client->group(), 0);  // psk_dhe_ke: forward secrecy kept
  ASSERT_EQ(p.client->write(bytes("over a psk")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "over a psk");
}

TEST(ExternalPsk, PreferredOverTheCertificateWhenOffered) {
  Pair p(with_psk(client_config(), "client1"), with_psk(server_config(), "client1"));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_TRUE(p.server->resumed());
  EXPECT_TRUE(p.client->peer_certificates().empty());
}

TEST(ExternalPsk, AnotherKeyIsDecryptError) {
  Pair p(with_psk(client_config(), "client1", std::vector<uint8_t>(32, 0x43)),
         with_psk(server_without_certificate(), "client1"));
  p.pump();
  EXPECT_EQ(p.server->error(), Error::decrypt_error);  // the binder
  EXPECT_EQ(p.client->alert_received(), Alert::decrypt_error);
}

TEST(ExternalPsk, UnknownIdentityWithoutCertificateIsHandshakeFailure) {
  Pair p(with_psk(client_config(), "client2"), with_psk(server_without_certificate(), "client1"));
  p.pump();
  EXPECT_EQ(p.server->error(), Error::handshake_failure);
}

TEST(ExternalPsk, UnknownIdentityWithACertificateIsAFullHandshake) {
  Pair p(with_psk(client_config(), "client2"), with_psk(server_config(), "client1"));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_FALSE(p.server->resumed());
  EXPECT_EQ(p.client->peer_certificates().size(), 2u);
}

// A PSK goes only with suites of its hash.
TEST(ExternalPsk, Sha384PskWithSha256SuitesIsNotUsed) {
  auto ccfg = with_psk(client_config(), "client1", kKey, "SHA384");
  ASSERT_TRUE(ccfg->set_cipher_suites("TLS_AES_128_GCM_SHA256", nullptr));
  Pair p(ccfg, with_psk(server_config(), "client1", kKey, "SHA384"));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_FALSE(p.server->resumed());
}

TEST(ExternalPsk, Sha384PskWithItsSuite) {
  auto ccfg = with_psk(client_config(), "client1", kKey, "SHA384");
  ASSERT_TRUE(ccfg->set_cipher_suites("TLS_AES_256_GCM_SHA384", nullptr));
  Pair p(ccfg, with_psk(server_without_certificate(), "client1", kKey, "SHA384"));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_STREQ(p.client->cipher_suite_name(), "TLS_AES_256_GCM_SHA384");
}

// An external PSK is provisioned, not a ticket: an unclean end does not
// spoil it.
TEST(ExternalPsk, SurvivesAnUncleanEnd) {
  auto ccfg = with_psk(client_config(), "client1");
  auto scfg = with_psk(server_without_certificate(), "client1");
  {
    Pair p(ccfg, scfg);
    p.pump();
    ASSERT_TRUE(p.client->handshake_done());
  }  // freed without close_notify
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_TRUE(p.server->resumed());
}

}  // namespace
}  // namespace adieu::test
