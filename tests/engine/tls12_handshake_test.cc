// TLS 1.2 handshakes between two engines (RFC 5246 section 7.3, ECDHE from
// RFC 8422, AEAD suites from RFC 5289 and RFC 7905): every suite with every
// certificate kind it can carry and every group; version negotiation with a
// TLS 1.3-capable peer on either side; client certificates; and the
// handshake's secrets and Finished messages checked against values computed
// here from the RFCs alone.
#include <gtest/gtest.h>

#include <cstring>
#include <tuple>

#include "crypto/hash.h"
#include "crypto/key_exchange.h"
#include "crypto/tls12_prf.h"
#include "engine/config_impl.h"
#include "messages/handshake_types.h"
#include "messages/tls12_messages.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

struct SuiteCase {
  const char* openssl_name;
  const char* cert;
  const char* group;
};

std::string case_name(const ::testing::TestParamInfo<SuiteCase>& info) {
  std::string name =
      std::string(info.param.openssl_name) + "_" + info.param.cert + "_" + info.param.group;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// Every TLS 1.2 suite with every certificate whose key signs for it (RFC
// 8422 section 5.1.3: ECDSA and EdDSA keys for ECDHE_ECDSA; RSA keys, PSS
// ones included, for ECDHE_RSA) and every group.
std::vector<SuiteCase> all_cases() {
  std::vector<SuiteCase> cases;
  const char* ecdsa_suites[] = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                                "ECDHE-ECDSA-CHACHA20-POLY1305"};
  const char* rsa_suites[] = {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                              "ECDHE-RSA-CHACHA20-POLY1305"};
  const char* groups[] = {"X25519", "P-256", "P-384", "P-521", "X448"};
  for (const char* g : groups) {
    for (const char* s : ecdsa_suites) {
      for (const char* c : {"ecdsa", "ed25519", "ed448", "p384", "p521"}) {
        cases.push_back({s, c, g});
      }
    }
    for (const char* s : rsa_suites) {
      for (const char* c : {"rsa", "rsa-pss"}) cases.push_back({s, c, g});
    }
  }
  return cases;
}

// The scheme the server signs its ServerKeyExchange with: its key's first
// TLS 1.2 scheme (the client offers them all).
uint16_t expected_scheme(const std::string& cert) {
  if (cert == "ecdsa") return 0x0403;    // ecdsa_secp256r1_sha256
  if (cert == "p384") return 0x0503;     // ecdsa_secp384r1_sha384
  if (cert == "p521") return 0x0603;     // ecdsa_secp521r1_sha512
  if (cert == "ed25519") return 0x0807;  // ed25519
  if (cert == "ed448") return 0x0808;    // ed448
  if (cert == "rsa") return 0x0804;      // rsa_pss_rsae_sha256
  return 0x0809;                         // rsa_pss_pss_sha256
}

// The curve of an ECDSA certificate's key, by set_groups() name.
std::string certificate_curve(const std::string& cert) {
  if (cert == "ecdsa") return "P-256";
  if (cert == "p384") return "P-384";
  if (cert == "p521") return "P-521";
  return "";
}

uint16_t group_code(const std::string& group) {
  if (group == "X25519") return 0x001d;
  if (group == "P-256") return 0x0017;
  if (group == "P-521") return 0x0019;
  if (group == "X448") return 0x001e;
  return 0x0018;
}

class Tls12Suites : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(Tls12Suites, CompleteAndCarryDataBothWays) {
  const SuiteCase& c = GetParam();
  const crypto::Tls12SuiteInfo& info =
      crypto::tls12_suite_info(*crypto::tls12_suite_by_name(c.openssl_name));
  auto ccfg = client_config12();
  auto scfg = server_config12(c.cert);
  std::string error;
  ASSERT_TRUE(ccfg->set_tls12_cipher_suites(c.openssl_name, &error)) << error;
  // The ECDHE group is the server's only one; the client also lists its
  // certificate's curve (RFC 8422 section 5.3: an ECDSA certificate must be
  // on a curve the client listed).
  const std::string curve = certificate_curve(c.cert);
  const std::string client_groups =
      curve.empty() || curve == c.group ? c.group : std::string(c.group) + ":" + curve;
  ASSERT_TRUE(ccfg->set_groups(client_groups, &error)) << error;
  ASSERT_TRUE(scfg->set_groups(c.group, &error)) << error;
  KeyLog client_log, server_log;
  client_log.attach(*ccfg);
  server_log.attach(*scfg);
  Pair p(ccfg, scfg);

  const std::vector<uint8_t> hello = p.client_to_server();
  const std::vector<uint8_t> server_flight = p.server_to_client();
  const std::vector<uint8_t> client_flight = p.client_to_server();
  const std::vector<uint8_t> server_finish = p.server_to_client();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_TRUE(p.client->pending_output().empty());

  for (Connection* side : {p.client.get(), p.server.get()}) {
    EXPECT_EQ(side->version(), kTls12);
    EXPECT_EQ(side->cipher_suite(), static_cast<uint16_t>(info.suite));
    EXPECT_STREQ(side->cipher_suite_name(), info.name);
    EXPECT_EQ(side->group(), group_code(c.group));
    EXPECT_FALSE(side->hello_retry_request());
    EXPECT_FALSE(side->resumed());
  }
  EXPECT_EQ(p.client->peer_signature_scheme(), expected_scheme(c.cert));
  EXPECT_EQ(p.server->peer_signature_scheme(), 0);  // no client certificate
  EXPECT_EQ(p.client->peer_certificates().size(), 2u);
  EXPECT_TRUE(p.server->peer_certificates().empty());

  // The server's flight: ServerHello, Certificate, ServerKeyExchange,
  // ServerHelloDone (RFC 5246 section 7.3), in the clear.
  std::vector<uint8_t> types;
  for (const HandshakeMessage& m : plaintext_messages(server_flight)) types.push_back(m.type);
  EXPECT_EQ(types, (std::vector<uint8_t>{2, 11, 12, 14}));
  // The client's: ClientKeyExchange, ChangeCipherSpec, then a protected
  // Finished of 12 bytes of verify_data (16 with its header).
  const size_t overhead = info.explicit_nonce() ? kGcmOverhead : kChaChaOverhead;
  std::vector<WireRecord> records = split_records(client_flight);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].type, kHandshakeRecord);
  EXPECT_EQ(records[1].type, kChangeCipherSpec);
  EXPECT_EQ(records[1].body, std::vector<uint8_t>{1});
  EXPECT_EQ(records[2].type, kHandshakeRecord);  // TLS 1.2 keeps the type visible
  EXPECT_EQ(records[2].body.size(), 16 + overhead);
  // The server's: ChangeCipherSpec and its protected Finished, after a
  // NewSessionTicket if it issues one (RFC 5077 section 3.3).
  records = split_records(server_finish);
  ASSERT_GE(records.size(), 2u);
  EXPECT_EQ(records[records.size() - 2].type, kChangeCipherSpec);
  EXPECT_EQ(records.back().type, kHandshakeRecord);
  EXPECT_EQ(records.back().body.size(), 16 + overhead);
  for (const HandshakeMessage& m : plaintext_messages(server_finish)) EXPECT_EQ(m.type, 4);

  // One key log line each, the same master secret (NSS format).
  ASSERT_EQ(client_log.lines->size(), 1u);
  EXPECT_EQ(*client_log.lines, *server_log.lines);
  EXPECT_EQ(client_log.lines->front().size(), std::string("CLIENT_RANDOM ").size() + 64 + 1 + 96);

  ASSERT_EQ(p.client->write(bytes("ping")), Error::none);
  const std::vector<uint8_t> ping = p.client_to_server();
  ASSERT_EQ(ping.size(), 5 + 4 + overhead);
  EXPECT_EQ(ping[0], kApplicationData);
  EXPECT_EQ(ping[1], 3);
  EXPECT_EQ(ping[2], 3);
  EXPECT_EQ(p.read_all(*p.server), "ping");
  ASSERT_EQ(p.server->write(bytes("pong")), Error::none);
  p.server_to_client();
  EXPECT_EQ(p.read_all(*p.client), "pong");
  EXPECT_EQ(p.client->error(), Error::none);
  EXPECT_EQ(p.server->error(), Error::none);
}

INSTANTIATE_TEST_SUITE_P(Tls12, Tls12Suites, ::testing::ValuesIn(all_cases()), case_name);

// secp521r1 (RFC 8422 section 5.1.1) through the engine. Config::set_groups
// may not know the name; the engine's group list is then set directly.
TEST(Tls12Handshake, P521) {
  auto ccfg = client_config12();
  auto scfg = server_config12();
  std::string error;
  // The client also lists the server certificate's curve (RFC 8422 5.3).
  if (!ccfg->set_groups("P-521:P-256", &error)) {
    ccfg->impl().groups = {crypto::Group::secp521r1, crypto::Group::secp256r1};
  }
  if (!scfg->set_groups("P-521", &error)) scfg->impl().groups = {crypto::Group::secp521r1};
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_EQ(p.client->group(), 0x0019);
  EXPECT_EQ(p.server->group(), 0x0019);
  EXPECT_STREQ(p.client->group_name(), "secp521r1");
  ASSERT_EQ(p.client->write(bytes("521")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "521");
}

// The server's preference decides the suite and the group (RFC 5246
// section 7.4.1.3, RFC 8422 section 5.1.1) among what the client offers.
TEST(Tls12Handshake, ServerPreferenceDecides) {
  auto ccfg = client_config12();
  auto scfg = server_config12();
  std::string error;
  ASSERT_TRUE(ccfg->set_tls12_cipher_suites(
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305", &error));
  ASSERT_TRUE(scfg->set_tls12_cipher_suites(
      "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256", &error));
  ASSERT_TRUE(ccfg->set_groups("X25519:P-384:P-256", &error));  // P-256: the certificate's
  ASSERT_TRUE(scfg->set_groups("P-384:X25519", &error));
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_STREQ(p.client->cipher_suite_name(), "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(p.client->group(), 0x0018);
  EXPECT_FALSE(p.client->hello_retry_request());  // TLS 1.2 has no retry
}

// No suite for the server's certificate among the client's: handshake_failure.
TEST(Tls12Handshake, NoSuiteForTheCertificateIsHandshakeFailure) {
  auto ccfg = client_config12();
  std::string error;
  ASSERT_TRUE(ccfg->set_tls12_cipher_suites("ECDHE-RSA-AES128-GCM-SHA256", &error));
  Pair p(ccfg, server_config12("ecdsa"));
  p.pump();
  EXPECT_EQ(p.server->error(), Error::handshake_failure);
  EXPECT_EQ(p.server->alert_sent(), Alert::handshake_failure);
  EXPECT_EQ(p.client->error(), Error::peer_alert);
  EXPECT_EQ(p.client->alert_received(), Alert::handshake_failure);
  EXPECT_EQ(p.client->read_state(), ReadState::fatal_alert_received);
}

// A server with an RSA and an ECDSA certificate: the suite is its first the
// client offers that one of them can serve, and the certificate the one
// that suite needs (RFC 5246 section 7.4.2), whichever was added first.
TEST(Tls12Handshake, TwoCertificatesTheSuitePicksTheCertificate) {
  for (const bool rsa_first : {true, false}) {
    auto scfg = std::make_shared<Config>(Role::server);
    only_tls12(*scfg);
    std::string error;
    const char* order[2] = {"rsa", "ecdsa"};
    if (!rsa_first) std::swap(order[0], order[1]);
    for (const char* cert : order) {
      ASSERT_TRUE(scfg->add_certificate(data_path(std::string(cert) + "-fullchain.pem"),
                                        data_path(std::string(cert) + "-leaf.key"), "", &error))
          << error;
    }
    for (const char* suites : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256"}) {
      auto ccfg = client_config12();
      ASSERT_TRUE(ccfg->set_tls12_cipher_suites(suites, &error)) << error;
      Pair p(ccfg, scfg);
      p.pump();
      ASSERT_TRUE(p.client->handshake_done()) << suites << ": " << error_string(p.client->error());
      const bool ecdsa = std::string(suites).find("ECDSA") != std::string::npos;
      EXPECT_EQ(p.client->cipher_suite(), ecdsa ? 0xc02b : 0xc02f);
      EXPECT_EQ(p.client->peer_signature_scheme(), ecdsa ? 0x0403 : 0x0804);
      ASSERT_FALSE(p.client->peer_certificates().empty());
    }
  }
}

TEST(Tls12Handshake, NoCommonGroupIsHandshakeFailure) {
  auto ccfg = client_config12();
  auto scfg = server_config12("ed25519");  // no curve of its own
  std::string error;
  ASSERT_TRUE(ccfg->set_groups("X25519", &error));
  ASSERT_TRUE(scfg->set_groups("P-256", &error));
  Pair p(ccfg, scfg);
  p.pump();
  EXPECT_EQ(p.server->alert_sent(), Alert::handshake_failure);
  EXPECT_EQ(p.client->alert_received(), Alert::handshake_failure);
}

// An empty TLS 1.2 suite list turns TLS 1.2 off (config.h).
TEST(Tls12Handshake, EmptyTls12SuiteListTurnsTls12Off) {
  auto scfg = server_config();
  std::string error;
  ASSERT_TRUE(scfg->set_tls12_cipher_suites("", &error));
  Pair p(client_config12(), scfg);
  p.pump();
  EXPECT_FALSE(p.client->handshake_done());
  EXPECT_TRUE(p.server->alert_sent().has_value());
  EXPECT_TRUE(p.client->alert_received().has_value());
}

// ALPN in TLS 1.2 rides in the ServerHello (RFC 7301 section 3.1); SNI is
// acknowledged there too (RFC 6066 section 3).
TEST(Tls12Handshake, AlpnAndServerName) {
  auto ccfg = client_config12();
  auto scfg = server_config12();
  std::string error;
  ASSERT_TRUE(ccfg->set_alpn({"http/1.1", "h2"}, &error));
  ASSERT_TRUE(scfg->set_alpn({"h2", "http/1.1"}, &error));
  Pair p(ccfg, scfg, "adieu.test");
  p.client_to_server();
  const messages::ServerHello sh = parse_server_hello(p.server_to_client());
  EXPECT_EQ(sh.alpn, "h2");
  EXPECT_TRUE(sh.server_name_ack);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->alpn(), "h2");
  EXPECT_EQ(p.server->alpn(), "h2");
  EXPECT_EQ(p.server->server_name(), "adieu.test");
}

TEST(Tls12Handshake, AlpnWithoutOverlapIsNoApplicationProtocol) {
  auto ccfg = client_config12();
  auto scfg = server_config12();
  std::string error;
  ASSERT_TRUE(ccfg->set_alpn({"http/1.1"}, &error));
  ASSERT_TRUE(scfg->set_alpn({"h2"}, &error));
  Pair p(ccfg, scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::no_application_protocol);
  EXPECT_EQ(p.client->alert_received(), Alert::no_application_protocol);
}

struct VerifyCase {
  const char* cert;
  const char* name;
  Error error;
};

class Tls12VerifyFailure : public ::testing::TestWithParam<VerifyCase> {};

// The server's chain is verified as in TLS 1.3; the alert names the reason.
TEST_P(Tls12VerifyFailure, ClientRefusesWithTheRightAlert) {
  const VerifyCase& c = GetParam();
  Pair p(client_config12(), server_config12(c.cert), c.name);
  p.pump();
  EXPECT_FALSE(p.client->handshake_done());
  EXPECT_EQ(p.client->error(), c.error);
  EXPECT_EQ(p.client->alert_sent(), error_alert(c.error));
  EXPECT_EQ(p.server->alert_received(), error_alert(c.error));
  EXPECT_EQ(p.server->read_state(), ReadState::fatal_alert_received);
  EXPECT_NE(p.client->verify_result(), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Tls12, Tls12VerifyFailure,
    ::testing::Values(VerifyCase{"ecdsa", "wrong.test", Error::certificate_unknown},
                      VerifyCase{"expired", "localhost", Error::certificate_expired},
                      VerifyCase{"selfsigned", "localhost", Error::unknown_ca}));

// --- version negotiation (RFC 8446 section 4.2.1 and 4.1.3) -------------------

// A TLS 1.2-only client's ClientHello: legacy_version 0x0303, no
// supported_versions or key_share, only TLS 1.2 suites, the extended master
// secret (RFC 7627), an empty renegotiation_info (RFC 5746 section 3.4) and
// uncompressed points (RFC 8422 section 5.1.2); record version 0x0301.
TEST(Tls12Handshake, Tls12OnlyClientHello) {
  Pair p(client_config12(), server_config12());
  const std::vector<uint8_t> flight = take_output(*p.client);
  const std::vector<WireRecord> records = split_records(flight);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].version, 0x0301);
  const messages::ClientHello ch = parse_client_hello(flight);
  EXPECT_EQ(ch.legacy_version, kTls12);
  EXPECT_FALSE(ch.supported_versions.has_value());
  EXPECT_FALSE(ch.key_shares.has_value());
  EXPECT_FALSE(ch.psk_key_exchange_modes.has_value());
  EXPECT_TRUE(ch.legacy_session_id.empty());
  EXPECT_EQ(ch.cipher_suites.size(), 6u);
  for (uint16_t s : ch.cipher_suites) EXPECT_TRUE(crypto::tls12_suite_info(s).has_value()) << s;
  EXPECT_TRUE(ch.extended_master_secret);
  ASSERT_TRUE(ch.renegotiation_info.has_value());
  EXPECT_TRUE(ch.renegotiation_info->empty());
  ASSERT_TRUE(ch.ec_point_formats.has_value());
  EXPECT_EQ(*ch.ec_point_formats, std::vector<uint8_t>{0});
  ASSERT_TRUE(ch.signature_algorithms.has_value());
  EXPECT_EQ(ch.server_name, "localhost");
}

// A TLS 1.2+1.3 client offers both; a TLS 1.2-only server answers TLS 1.2
// without the downgrade sentinel, and the client goes on in TLS 1.2.
TEST(Tls12Handshake, DualClientAgainstTls12OnlyServer) {
  Pair p(client_config(), server_config12());
  const std::vector<uint8_t> hello = p.client_to_server();
  const messages::ClientHello ch = parse_client_hello(hello);
  ASSERT_TRUE(ch.supported_versions.has_value());
  EXPECT_EQ(*ch.supported_versions, (std::vector<uint16_t>{kTls13, kTls12}));
  EXPECT_TRUE(ch.extended_master_secret);
  const std::vector<uint8_t> flight = p.server_to_client();
  const messages::ServerHello sh = parse_server_hello(flight);
  EXPECT_FALSE(sh.supported_version.has_value());
  EXPECT_NE(std::memcmp(sh.random.data() + 24, messages::kDowngradeTls12, 8), 0);
  // A TLS 1.2 server does not echo the TLS 1.3 middlebox session id.
  EXPECT_NE(sh.legacy_session_id_echo, ch.legacy_session_id);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done());
  EXPECT_EQ(p.client->version(), kTls12);
  EXPECT_EQ(p.server->version(), kTls12);
  ASSERT_EQ(p.server->write(bytes("tls12")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.client), "tls12");
}

// A TLS 1.2+1.3 server answering a TLS 1.2-only client sets the sentinel
// "DOWNGRD\x01" (RFC 8446 section 4.1.3), which a client that did not offer
// TLS 1.3 accepts.
TEST(Tls12Handshake, Tls12OnlyClientAgainstDualServer) {
  Pair p(client_config12(), server_config());
  p.client_to_server();
  const std::vector<uint8_t> flight = p.server_to_client();
  const messages::ServerHello sh = parse_server_hello(flight);
  EXPECT_EQ(std::memcmp(sh.random.data() + 24, messages::kDowngradeTls12, 8), 0);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->version(), kTls12);
  EXPECT_EQ(p.server->version(), kTls12);
  ASSERT_EQ(p.client->write(bytes("up")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "up");
}

TEST(Tls12Handshake, Tls13OnlyClientAgainstTls12OnlyServer) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_versions(kTls13, kTls13, &error));
  Pair p(ccfg, server_config12());
  p.pump();
  EXPECT_EQ(p.server->error(), Error::protocol_version);
  EXPECT_EQ(p.server->alert_sent(), Alert::protocol_version);
  EXPECT_EQ(p.client->alert_received(), Alert::protocol_version);
}

TEST(Tls12Handshake, Tls12OnlyClientAgainstTls13OnlyServer) {
  auto scfg = server_config();
  std::string error;
  ASSERT_TRUE(scfg->set_versions(kTls13, kTls13, &error));
  Pair p(client_config12(), scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::protocol_version);
  EXPECT_EQ(p.client->alert_received(), Alert::protocol_version);
  EXPECT_FALSE(p.client->handshake_done());
}

// --- client certificates (RFC 5246 sections 7.4.4, 7.4.6, 7.4.8) ----------------

struct ClientCertCase {
  const char* chain;
  const char* key;
  const char* root;
  uint16_t scheme;  // the client's CertificateVerify
};

class Tls12ClientCertificate : public ::testing::TestWithParam<ClientCertCase> {};

std::shared_ptr<Config> requesting_server(VerifyMode mode, const char* root) {
  auto scfg = server_config12();
  scfg->set_verify(mode);
  std::string error;
  EXPECT_TRUE(scfg->load_ca_file(data_path(root), &error)) << error;
  return scfg;
}

std::shared_ptr<Config> client_with(const char* chain, const char* key) {
  auto ccfg = client_config12();
  std::string error;
  EXPECT_TRUE(ccfg->add_certificate(data_path(chain), data_path(key), "", &error)) << error;
  return ccfg;
}

TEST_P(Tls12ClientCertificate, RequestedAndSent) {
  const ClientCertCase& c = GetParam();
  for (VerifyMode mode : {VerifyMode::optional, VerifyMode::required}) {
    Pair p(client_with(c.chain, c.key), requesting_server(mode, c.root));
    p.client_to_server();
    const std::vector<uint8_t> server_flight = p.server_to_client();
    std::vector<uint8_t> types;
    for (const HandshakeMessage& m : plaintext_messages(server_flight)) types.push_back(m.type);
    // ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone.
    EXPECT_EQ(types, (std::vector<uint8_t>{2, 11, 12, 13, 14}));
    const std::vector<uint8_t> client_flight = p.client_to_server();
    // Certificate, ClientKeyExchange, CertificateVerify (RFC 5246 section 7.3).
    types.clear();
    for (const HandshakeMessage& m : plaintext_messages(client_flight)) types.push_back(m.type);
    EXPECT_EQ(types, (std::vector<uint8_t>{11, 16, 15}));
    p.pump();
    ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
    ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
    EXPECT_EQ(p.server->peer_certificates().size(), 2u);
    EXPECT_EQ(p.server->peer_signature_scheme(), c.scheme);
    EXPECT_EQ(p.server->verify_result(), 0);
    ASSERT_EQ(p.client->write(bytes("authenticated")), Error::none);
    p.pump();
    EXPECT_EQ(p.read_all(*p.server), "authenticated");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Tls12, Tls12ClientCertificate,
    ::testing::Values(
        ClientCertCase{"client-fullchain.pem", "client-leaf.key", "ecdsa-root.pem", 0x0403},
        ClientCertCase{"rsa-fullchain.pem", "rsa-leaf.key", "rsa-root.pem", 0x0804},
        ClientCertCase{"ed25519-fullchain.pem", "ed25519-leaf.key", "ecdsa-root.pem", 0x0807},
        ClientCertCase{"p384-fullchain.pem", "p384-leaf.key", "ecdsa-root.pem", 0x0503},
        ClientCertCase{"p521-fullchain.pem", "p521-leaf.key", "ecdsa-root.pem", 0x0603},
        ClientCertCase{"ed448-fullchain.pem", "ed448-leaf.key", "ecdsa-root.pem", 0x0808}));

// TLS 1.2 has no certificate_required alert: a missing certificate that is
// required is a handshake_failure (RFC 5246 section 7.4.6).
TEST(Tls12ClientCertificate, RequiredButNotSentIsHandshakeFailure) {
  Pair p(client_config12(), requesting_server(VerifyMode::required, "ecdsa-root.pem"));
  p.client_to_server();
  p.server_to_client();
  const std::vector<uint8_t> client_flight = p.client_to_server();
  // The client answers with an empty Certificate and no CertificateVerify.
  const std::vector<HandshakeMessage> msgs = plaintext_messages(client_flight);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].type, 11);
  EXPECT_EQ(msgs[0].bytes, (std::vector<uint8_t>{11, 0, 0, 3, 0, 0, 0}));
  EXPECT_EQ(msgs[1].type, 16);
  EXPECT_EQ(p.server->error(), Error::handshake_failure);
  EXPECT_EQ(p.server->alert_sent(), Alert::handshake_failure);
  EXPECT_FALSE(p.server->handshake_done());
  p.server_to_client();
  EXPECT_EQ(p.client->error(), Error::peer_alert);
  EXPECT_EQ(p.client->alert_received(), Alert::handshake_failure);
  EXPECT_FALSE(p.client->handshake_done());
}

TEST(Tls12ClientCertificate, OptionalAndNotSent) {
  Pair p(client_config12(), requesting_server(VerifyMode::optional, "ecdsa-root.pem"));
  p.pump();
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_TRUE(p.server->peer_certificates().empty());
  EXPECT_EQ(p.server->peer_signature_scheme(), 0);
}

// A client chain the server's trust does not reach: unknown_ca.
TEST(Tls12ClientCertificate, UntrustedIsUnknownCa) {
  Pair p(client_with("client-fullchain.pem", "client-leaf.key"),
         requesting_server(VerifyMode::optional, "rsa-root.pem"));
  p.pump();
  EXPECT_EQ(p.server->error(), Error::unknown_ca);
  EXPECT_EQ(p.client->alert_received(), Alert::unknown_ca);
}

// The CertificateVerify is plaintext in TLS 1.2: one bit flipped in its
// signature is a decrypt_error (RFC 5246 section 7.4.8).
TEST(Tls12ClientCertificate, CorruptCertificateVerifyIsDecryptError) {
  for (const ClientCertCase& c :
       {ClientCertCase{"client-fullchain.pem", "client-leaf.key", "ecdsa-root.pem", 0},
        ClientCertCase{"rsa-fullchain.pem", "rsa-leaf.key", "rsa-root.pem", 0}}) {
    Pair p(client_with(c.chain, c.key), requesting_server(VerifyMode::required, c.root));
    p.client_to_server();
    p.server_to_client();
    std::vector<uint8_t> flight = take_output(*p.client);
    const std::vector<WireRecord> records = split_records(flight);
    ASSERT_EQ(records.size(), 3u);
    // The CertificateVerify ends the first record; its last byte is signature.
    flight[records[0].offset + records[0].size() - 1] ^= 0x01;
    p.server->receive(flight);
    EXPECT_EQ(p.server->error(), Error::decrypt_error) << c.key;
    EXPECT_EQ(p.server->alert_sent(), Alert::decrypt_error);
    EXPECT_FALSE(p.server->handshake_done());
  }
}

// --- the secrets, computed here from the RFCs ----------------------------------

// The client's randomness is a counter: its first draw is the client random,
// its second its ECDHE private key, which this test can then make again to
// find the pre-master secret.
TEST(Tls12Secrets, ExtendedMasterSecretAndFinishedAsTheRfcsSay) {
  CounterRandom client_random;
  auto ccfg = client_config12();
  ccfg->impl().random = &client_random;
  std::string error;
  ASSERT_TRUE(ccfg->set_groups("X25519:P-256", &error));  // P-256: the certificate's
  KeyLog log;
  log.attach(*ccfg);
  auto scfg = server_config12();
  ASSERT_TRUE(scfg->set_groups("X25519", &error));
  Pair p(ccfg, scfg);
  const std::vector<uint8_t> hello = p.client_to_server();
  const std::vector<uint8_t> server_flight = p.server_to_client();
  const std::vector<uint8_t> client_flight = p.client_to_server();
  const std::vector<uint8_t> server_finish = p.server_to_client();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  const uint16_t suite = p.client->cipher_suite();
  const crypto::Tls12SuiteInfo info = *crypto::tls12_suite_info(suite);

  // The client's key share, made again from the same draws (bytes 33..64).
  std::vector<uint8_t> private_draw(32);
  for (size_t i = 0; i < 32; ++i) private_draw[i] = static_cast<uint8_t>(33 + i);
  crypto::FixedRandom replay(private_draw);
  const std::optional<crypto::KeyShare> share =
      crypto::KeyShare::generate(crypto::Group::x25519, replay);
  ASSERT_TRUE(share.has_value());
  std::vector<HandshakeMessage> transcript = plaintext_messages(hello);
  for (const HandshakeMessage& m : plaintext_messages(server_flight)) transcript.push_back(m);
  const std::vector<HandshakeMessage> client_msgs = plaintext_messages(client_flight);
  ASSERT_EQ(client_msgs.size(), 1u);
  messages::ClientKeyExchange cke;
  ASSERT_EQ(cke.parse(client_msgs[0].body()), Error::none);
  ASSERT_TRUE(std::equal(cke.point.begin(), cke.point.end(), share->public_key().begin(),
                         share->public_key().end()))
      << "the client no longer draws its key share second";
  messages::ServerKeyExchange ske;
  ASSERT_EQ(ske.parse(transcript[3].body()), Error::none);
  const std::optional<crypto::SharedSecret> pre_master = share->derive(ske.point);
  ASSERT_TRUE(pre_master.has_value());
  transcript.push_back(client_msgs[0]);

  // RFC 7627 section 4: PRF(pre_master_secret, "extended master secret",
  // Hash(ClientHello .. ClientKeyExchange)).
  crypto::Hash session_hash(info.prf_hash);
  for (const HandshakeMessage& m : transcript) session_hash.update(m.bytes);
  const crypto::Secret ems = crypto::tls12_extended_master_secret(info.prf_hash, pre_master->span(),
                                                                  session_hash.current().span());
  const std::vector<uint8_t> logged = log.master_secret();
  ASSERT_EQ(logged.size(), 48u);
  EXPECT_TRUE(std::equal(logged.begin(), logged.end(), ems.span().begin(), ems.span().end()));
  const crypto::Secret classic =
      crypto::tls12_master_secret(info.prf_hash, pre_master->span(), log.client_random(),
                                  parse_server_hello(server_flight).random);
  EXPECT_FALSE(
      std::equal(logged.begin(), logged.end(), classic.span().begin(), classic.span().end()));
  // The key log's client random is the ClientHello's.
  const std::vector<uint8_t> cr = log.client_random();
  const messages::ClientHello ch = parse_client_hello(hello);
  EXPECT_TRUE(std::equal(cr.begin(), cr.end(), ch.random.begin(), ch.random.end()));

  // Both Finished messages, opened with keys from RFC 5246 section 6.3,
  // carry the verify_data of section 7.4.9.
  Ghost ghost = Ghost::from(log, server_flight, suite);
  const std::optional<std::vector<uint8_t>> client_finished =
      ghost.open(Role::client, split_records(client_flight)[2]);
  ASSERT_TRUE(client_finished.has_value());
  EXPECT_EQ(*client_finished,
            make_message(20, expected_verify_data(info, logged, Role::client, transcript)));
  transcript.push_back({20, *client_finished});
  for (const HandshakeMessage& m : plaintext_messages(server_finish)) transcript.push_back(m);
  const std::optional<std::vector<uint8_t>> server_finished =
      ghost.open(Role::server, split_records(server_finish).back());
  ASSERT_TRUE(server_finished.has_value());
  EXPECT_EQ(*server_finished,
            make_message(20, expected_verify_data(info, logged, Role::server, transcript)));
  // Connection::finished() hands out those verify_data (tls-unique, RFC 5929).
  const auto verify_data = [](const std::vector<uint8_t>& message) {
    return std::vector<uint8_t>(message.begin() + 4, message.end());
  };
  const auto as_vector = [](std::span<const uint8_t> s) {
    return std::vector<uint8_t>(s.begin(), s.end());
  };
  EXPECT_EQ(as_vector(p.client->finished(true)), verify_data(*client_finished));
  EXPECT_EQ(as_vector(p.server->finished(false)), verify_data(*client_finished));
  EXPECT_EQ(as_vector(p.server->finished(true)), verify_data(*server_finished));
  EXPECT_EQ(as_vector(p.client->finished(false)), verify_data(*server_finished));

  // Application data in both directions opens with the same keys.
  ASSERT_EQ(p.client->write(bytes("seen by the ghost")), Error::none);
  const std::vector<uint8_t> wire = p.client_to_server();
  const std::optional<std::vector<uint8_t>> opened =
      ghost.open(Role::client, split_records(wire)[0]);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(text(*opened), "seen by the ghost");
}

// Without the extended master secret on both sides (RFC 7627 section 5.3:
// allowed only when neither side requires it), the master secret is RFC 5246
// section 8.1's. The client always offers EMS, so the ClientHello the server
// sees is edited to drop it; the two sides then hash different transcripts,
// and the test, knowing the keys, gives each side the Finished the other
// would have sent for its own transcript. Everything else is the engines'.
TEST(Tls12Secrets, WithoutExtendedMasterSecretWhenNeitherRequiresIt) {
  auto ccfg = client_config12();
  auto scfg = server_config12();
  ccfg->set_require_extended_master_secret(false);
  scfg->set_require_extended_master_secret(false);
  KeyLog client_log, server_log;
  client_log.attach(*ccfg);
  server_log.attach(*scfg);
  Pair p(ccfg, scfg);

  const std::vector<uint8_t> hello = take_output(*p.client);
  const std::vector<uint8_t> edited = rewrite_client_hello(
      hello, [](messages::ClientHello& ch) { ch.extended_master_secret = false; });
  ASSERT_EQ(p.server->receive(edited), Error::none);
  const std::vector<uint8_t> server_flight = p.server_to_client();
  EXPECT_FALSE(parse_server_hello(server_flight).extended_master_secret);
  ASSERT_EQ(p.client->error(), Error::none);
  const std::vector<uint8_t> client_flight = take_output(*p.client);
  const std::vector<WireRecord> records = split_records(client_flight);
  ASSERT_EQ(records.size(), 3u);

  ASSERT_EQ(client_log.master_secret().size(), 48u);
  Ghost ghost = Ghost::from(client_log, server_flight, p.client->cipher_suite());
  const crypto::Tls12SuiteInfo& info = ghost.suite();

  std::vector<HandshakeMessage> server_view = plaintext_messages(edited);
  std::vector<HandshakeMessage> client_view = plaintext_messages(hello);
  for (const HandshakeMessage& m : plaintext_messages(server_flight)) {
    server_view.push_back(m);
    client_view.push_back(m);
  }
  const HandshakeMessage cke = plaintext_messages(client_flight).at(0);
  server_view.push_back(cke);
  client_view.push_back(cke);
  // The client's own Finished is right for its own transcript.
  const std::optional<std::vector<uint8_t>> client_finished = ghost.open(Role::client, records[2]);
  ASSERT_TRUE(client_finished.has_value());
  EXPECT_EQ(*client_finished, make_message(20, expected_verify_data(info, ghost.master_secret(),
                                                                    Role::client, client_view)));
  client_view.push_back({20, *client_finished});
  // The server gets the Finished its transcript calls for.
  ghost.seq[static_cast<int>(Role::client)] = 0;
  const std::vector<uint8_t> for_server = make_message(
      20, expected_verify_data(info, ghost.master_secret(), Role::client, server_view));
  server_view.push_back({20, for_server});
  const std::vector<uint8_t> finished_record =
      ghost.seal(Role::client, kHandshakeRecord, for_server);
  const std::span<const uint8_t> first_two(client_flight.data(), records[2].offset);
  ASSERT_EQ(p.server->receive(concat({first_two, finished_record})), Error::none);
  ASSERT_TRUE(p.server->handshake_done());
  // The same master secret on both sides, though the transcripts differ:
  // without EMS it depends on the randoms and the pre-master secret only.
  EXPECT_EQ(client_log.master_secret(), server_log.master_secret());
  // ...and the client the one its transcript calls for.
  const std::vector<uint8_t> server_finish = take_output(*p.server);
  const std::vector<WireRecord> fin = split_records(server_finish);
  ASSERT_GE(fin.size(), 2u);
  // A NewSessionTicket, if any, comes before the ChangeCipherSpec.
  for (const HandshakeMessage& m : plaintext_messages(server_finish)) {
    server_view.push_back(m);
    client_view.push_back(m);
  }
  const std::optional<std::vector<uint8_t>> server_finished = ghost.open(Role::server, fin.back());
  ASSERT_TRUE(server_finished.has_value());
  EXPECT_EQ(*server_finished, make_message(20, expected_verify_data(info, ghost.master_secret(),
                                                                    Role::server, server_view)));
  ghost.seq[static_cast<int>(Role::server)] = 0;
  const std::vector<uint8_t> for_client = ghost.seal(
      Role::server, kHandshakeRecord,
      make_message(20,
                   expected_verify_data(info, ghost.master_secret(), Role::server, client_view)));
  const std::span<const uint8_t> ccs(server_finish.data(), fin.back().offset);
  ASSERT_EQ(p.client->receive(concat({ccs, for_client})), Error::none);
  ASSERT_TRUE(p.client->handshake_done());

  // From here on the engines talk to each other directly.
  ASSERT_EQ(p.client->write(bytes("no ems")), Error::none);
  ASSERT_EQ(p.server->write(bytes("still keyed")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "no ems");
  EXPECT_EQ(p.read_all(*p.client), "still keyed");
}

}  // namespace
}  // namespace adieu::test
