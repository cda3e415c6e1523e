// Full handshakes between two engines: every suite, group and certificate
// type; HelloRetryRequest; client certificates; ALPN; SNI; verification
// failures with the alert each one must produce.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <tuple>

#include "pair.h"

namespace adieu::test {
namespace {

struct Combo {
  const char* suite;
  const char* group;
  const char* cert;
};

class HandshakeMatrix
    : public ::testing::TestWithParam<std::tuple<const char*, const char*, const char*>> {};

TEST_P(HandshakeMatrix, CompletesAndCarriesData) {
  auto [suite, group, cert] = GetParam();
  auto ccfg = client_config();
  auto scfg = server_config(cert);
  std::string error;
  ASSERT_TRUE(ccfg->set_cipher_suites(suite, &error)) << error;
  ASSERT_TRUE(ccfg->set_groups(group, &error)) << error;
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_STREQ(p.client->cipher_suite_name(), suite);
  EXPECT_STREQ(p.server->cipher_suite_name(), suite);
  EXPECT_EQ(p.client->group(), p.server->group());
  EXPECT_EQ(p.client->version(), 0x0304);
  EXPECT_FALSE(p.client->hello_retry_request());
  EXPECT_NE(p.client->peer_signature_scheme(), 0);
  EXPECT_EQ(p.client->peer_certificates().size(), 2u);  // leaf + intermediate

  ASSERT_EQ(p.client->write(bytes("ping")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "ping");
  ASSERT_EQ(p.server->write(bytes("pong")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.client), "pong");
  EXPECT_EQ(p.client->tickets_received(), 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Engine, HandshakeMatrix,
    ::testing::Combine(::testing::Values("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                         "TLS_CHACHA20_POLY1305_SHA256"),
                       ::testing::Values("X25519", "P-256", "P-384", "P-521", "X448"),
                       ::testing::Values("ecdsa", "rsa", "ed25519", "ed448", "p384", "p521",
                                         "rsa-pss")));

TEST(Handshake, HelloRetryRequestForAnotherGroup) {
  auto scfg = server_config();
  std::string error;
  ASSERT_TRUE(scfg->set_groups("P-256", &error));
  auto ccfg = client_config();
  ASSERT_TRUE(ccfg->set_groups("X25519:P-256", &error));
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done());
  EXPECT_TRUE(p.client->hello_retry_request());
  EXPECT_TRUE(p.server->hello_retry_request());
  EXPECT_STREQ(p.client->group_name(), "secp256r1");
}

// RFC 7919 groups in TLS 1.3 (RFC 8446 section 4.2.7): a client asking for
// one gets it from a server's defaults, with a public value of p's size.
class FfdheHandshake : public ::testing::TestWithParam<const char*> {};

TEST_P(FfdheHandshake, CompletesWithTheGroup) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_groups(GetParam(), &error)) << error;
  Pair p(ccfg, server_config());
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_STREQ(p.client->group_name(), GetParam());
  EXPECT_STREQ(p.server->group_name(), GetParam());
  EXPECT_FALSE(p.client->hello_retry_request());
  ASSERT_EQ(p.client->write(bytes("ping")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "ping");
}

INSTANTIATE_TEST_SUITE_P(Engine, FfdheHandshake,
                         ::testing::Values("ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144",
                                           "ffdhe8192"));

TEST(Handshake, HelloRetryRequestToAnFfdheGroup) {
  auto scfg = server_config();
  std::string error;
  ASSERT_TRUE(scfg->set_groups("ffdhe3072", &error)) << error;
  auto ccfg = client_config();
  ASSERT_TRUE(ccfg->set_groups("X25519:ffdhe2048:ffdhe3072", &error)) << error;
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_TRUE(p.client->hello_retry_request());
  EXPECT_STREQ(p.client->group_name(), "ffdhe3072");
}

// An FFDHE share outside 1 < y < p-1 is illegal_parameter (RFC 8446 section
// 4.2.8.1): the client's share of ffdhe2048 replaced by 1.
TEST(Handshake, FfdheShareOfPMinusOneIsIllegalParameter) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_groups("ffdhe2048", &error)) << error;
  Pair p(ccfg, server_config());
  std::vector<uint8_t> hello = take_output(*p.client);
  // ClientHello's key_share: group 0x0100, length 0x0100, then the value.
  const uint8_t key_share_head[] = {0x01, 0x00, 0x01, 0x00};
  auto it =
      std::search(hello.begin(), hello.end(), std::begin(key_share_head), std::end(key_share_head));
  ASSERT_NE(it, hello.end());
  std::fill(it + 4, it + 4 + 256, 0);
  *(it + 4 + 255) = 1;
  p.server->receive(hello);
  EXPECT_EQ(p.server->error(), Error::illegal_parameter);
  EXPECT_EQ(p.server->alert_sent(), Alert::illegal_parameter);
}

// TLS 1.2 has no ffdhe group in adieu (no DHE suites): a server picks an
// elliptic curve after them, and with none it is handshake_failure (RFC 7919
// section 4 lets a client list ffdhe groups without DHE suites).
TEST(Handshake, FfdheIsNeverChosenForTls12) {
  for (const char* groups : {"ffdhe2048:P-256", "ffdhe2048"}) {
    auto ccfg = client_config();
    std::string error;
    ASSERT_TRUE(ccfg->set_groups(groups, &error)) << error;
    ASSERT_TRUE(ccfg->set_versions(0x0303, 0x0303, &error)) << error;
    Pair p(ccfg, server_config());
    p.pump();
    if (std::string(groups) == "ffdhe2048") {
      EXPECT_EQ(p.server->error(), Error::handshake_failure);
      EXPECT_EQ(p.client->alert_received(), Alert::handshake_failure);
    } else {
      ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
      EXPECT_STREQ(p.client->group_name(), "secp256r1");
    }
  }
}

TEST(Handshake, NoCommonGroupIsHandshakeFailure) {
  auto scfg = server_config();
  std::string error;
  ASSERT_TRUE(scfg->set_groups("P-384", &error));
  auto ccfg = client_config();
  ASSERT_TRUE(ccfg->set_groups("X25519:P-256", &error));
  Pair p(ccfg, scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::handshake_failure);
  EXPECT_EQ(p.server->alert_sent(), Alert::handshake_failure);
  EXPECT_EQ(p.client->error(), Error::peer_alert);
  EXPECT_EQ(p.client->alert_received(), Alert::handshake_failure);
  EXPECT_EQ(p.client->read_state(), ReadState::fatal_alert_received);
}

TEST(Handshake, ClientCertificateRequiredAndSent) {
  auto scfg = server_config();
  scfg->set_verify(VerifyMode::required);
  std::string error;
  ASSERT_TRUE(scfg->load_ca_file(data_path("ecdsa-root.pem"), &error)) << error;
  auto ccfg = client_config();
  ASSERT_TRUE(ccfg->add_certificate(data_path("client-fullchain.pem"), data_path("client-leaf.key"),
                                    "", &error))
      << error;
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_EQ(p.server->peer_certificates().size(), 2u);
  EXPECT_NE(p.server->peer_signature_scheme(), 0);
}

TEST(Handshake, ClientCertificateRequiredButMissing) {
  auto scfg = server_config();
  scfg->set_verify(VerifyMode::required);
  std::string error;
  ASSERT_TRUE(scfg->load_ca_file(data_path("ecdsa-root.pem"), &error)) << error;
  Pair p(client_config(), scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::certificate_required);
  EXPECT_EQ(p.client->alert_received(), Alert::certificate_required);
}

TEST(Handshake, ClientCertificateOptionalAndMissing) {
  auto scfg = server_config();
  scfg->set_verify(VerifyMode::optional);
  Pair p(client_config(), scfg);
  p.pump();
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_TRUE(p.server->peer_certificates().empty());
}

TEST(Handshake, AlpnAgreesOnServerPreference) {
  auto scfg = server_config();
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(scfg->set_alpn({"h2", "http/1.1"}, &error));
  ASSERT_TRUE(ccfg->set_alpn({"http/1.1", "h2"}, &error));
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_EQ(p.client->alpn(), "h2");
  EXPECT_EQ(p.server->alpn(), "h2");
}

TEST(Handshake, AlpnWithoutOverlapIsNoApplicationProtocol) {
  auto scfg = server_config();
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(scfg->set_alpn({"h2"}, &error));
  ASSERT_TRUE(ccfg->set_alpn({"http/1.1"}, &error));
  Pair p(ccfg, scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::no_application_protocol);
  EXPECT_EQ(p.client->alert_received(), Alert::no_application_protocol);
}

TEST(Handshake, AlpnSelectorSeesTheClientsListAndChooses) {
  auto scfg = server_config();
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(scfg->set_alpn({"h2"}, &error));  // the selector takes precedence
  std::vector<std::string> seen;
  scfg->set_alpn_selector([&seen](const std::vector<std::string>& offered) {
    seen = offered;
    return std::optional<std::string>("http/1.1");
  });
  ASSERT_TRUE(ccfg->set_alpn({"h3", "http/1.1", "h2"}, &error));
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_EQ(seen, (std::vector<std::string>{"h3", "http/1.1", "h2"}));
  EXPECT_EQ(p.client->alpn(), "http/1.1");
  EXPECT_EQ(p.server->alpn(), "http/1.1");
}

TEST(Handshake, AlpnSelectorChoosingNothingGoesOnWithoutAlpn) {
  auto scfg = server_config();
  auto ccfg = client_config();
  std::string error;
  scfg->set_alpn_selector(
      [](const std::vector<std::string>&) { return std::optional<std::string>(""); });
  ASSERT_TRUE(ccfg->set_alpn({"h2"}, &error));
  Pair p(ccfg, scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_EQ(p.client->alpn(), "");
}

TEST(Handshake, AlpnSelectorRefusingIsNoApplicationProtocol) {
  auto scfg = server_config();
  auto ccfg = client_config();
  std::string error;
  scfg->set_alpn_selector([](const std::vector<std::string>&) { return std::nullopt; });
  ASSERT_TRUE(ccfg->set_alpn({"h2"}, &error));
  Pair p(ccfg, scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::no_application_protocol);
  EXPECT_EQ(p.client->alert_received(), Alert::no_application_protocol);
}

TEST(Handshake, AlpnSelectorChoosingWhatWasNotOfferedIsAnInternalError) {
  auto scfg = server_config();
  auto ccfg = client_config();
  std::string error;
  scfg->set_alpn_selector(
      [](const std::vector<std::string>&) { return std::optional<std::string>("spdy/3"); });
  ASSERT_TRUE(ccfg->set_alpn({"h2"}, &error));
  Pair p(ccfg, scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::internal_error);
  EXPECT_FALSE(p.client->handshake_done());
}

TEST(Handshake, ServerPicksCertificateBySni) {
  auto scfg = server_config();
  std::string error;
  ASSERT_TRUE(scfg->add_certificate(data_path("other-name-leaf.pem"),
                                    data_path("other-name-leaf.key"), data_path("ecdsa-chain.pem"),
                                    &error))
      << error;
  Pair p(client_config(), scfg, "other.test");
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.server->server_name(), "other.test");
  Pair q(client_config(), scfg, "localhost");
  q.pump();
  ASSERT_TRUE(q.client->handshake_done());
  EXPECT_NE(p.client->peer_certificates()[0], q.client->peer_certificates()[0]);
}

struct VerifyCase {
  const char* cert;
  const char* name;
  Error error;
  Alert alert;
};

class VerifyFailure : public ::testing::TestWithParam<VerifyCase> {};

TEST_P(VerifyFailure, ClientRefusesWithTheRightAlert) {
  const VerifyCase& c = GetParam();
  Pair p(client_config(), server_config(c.cert), c.name);
  p.pump();
  EXPECT_FALSE(p.client->handshake_done());
  EXPECT_EQ(p.client->error(), c.error);
  EXPECT_EQ(p.client->alert_sent(), c.alert);
  EXPECT_EQ(p.server->alert_received(), c.alert);
  EXPECT_EQ(p.server->read_state(), ReadState::fatal_alert_received);
  EXPECT_EQ(p.client->write_state(), WriteState::fatal_alert_sent);
}

INSTANTIATE_TEST_SUITE_P(
    Engine, VerifyFailure,
    ::testing::Values(
        VerifyCase{"ecdsa", "wrong.test", Error::certificate_unknown, Alert::certificate_unknown},
        VerifyCase{"expired", "localhost", Error::certificate_expired, Alert::certificate_expired},
        VerifyCase{"selfsigned", "localhost", Error::unknown_ca, Alert::unknown_ca}));

TEST(Handshake, IpAddressNameIsVerifiedAndNotSentAsSni) {
  Pair p(client_config(), server_config(), "127.0.0.1");
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.server->server_name(), "");
}

TEST(Handshake, KeyLogLinesForEverySecret) {
  auto ccfg = client_config();
  std::vector<std::string> lines;
  ccfg->set_keylog([&](std::string_view l) { lines.emplace_back(l); });
  Pair p(ccfg, server_config());
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].rfind("CLIENT_HANDSHAKE_TRAFFIC_SECRET ", 0), 0u);
  EXPECT_EQ(lines[1].rfind("SERVER_HANDSHAKE_TRAFFIC_SECRET ", 0), 0u);
  EXPECT_EQ(lines[2].rfind("CLIENT_TRAFFIC_SECRET_0 ", 0), 0u);
  // label, 64 hex chars of client random, hex secret
  EXPECT_EQ(lines[2].size(), std::string("CLIENT_TRAFFIC_SECRET_0 ").size() + 64 + 1 + 64);
}

// SSLKEYLOGFILE is read only when the application asks (as OpenSSL never
// reads it at all).
TEST(Handshake, KeyLogFromTheEnvironmentOnlyOnRequest) {
  char path[] = "/tmp/adieu-keylog-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  ASSERT_EQ(setenv("SSLKEYLOGFILE", path, 1), 0);
  auto file_size = [&] {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    return static_cast<long>(in.tellg());
  };
  {
    Pair p;  // configs made with the variable set
    p.pump();
    ASSERT_TRUE(p.client->handshake_done());
  }
  EXPECT_EQ(file_size(), 0);
  auto ccfg = client_config();
  std::string error;
  EXPECT_TRUE(ccfg->set_keylog_from_environment(&error)) << error;
  {
    Pair p(ccfg, server_config());
    p.pump();
    ASSERT_TRUE(p.client->handshake_done());
  }
  EXPECT_GT(file_size(), 0);
  unsetenv("SSLKEYLOGFILE");
  EXPECT_FALSE(client_config()->set_keylog_from_environment(&error));
  std::remove(path);
}

TEST(Handshake, DeliveredOneByteAtATime) {
  Pair p;
  for (int round = 0; round < 20 && !(p.client->handshake_done() && p.server->handshake_done());
       ++round) {
    for (uint8_t b : take_output(*p.client)) p.server->receive({&b, 1});
    for (uint8_t b : take_output(*p.server)) p.client->receive({&b, 1});
  }
  ASSERT_TRUE(p.client->handshake_done());
  ASSERT_TRUE(p.server->handshake_done());
  ASSERT_EQ(p.client->write(bytes("split")), Error::none);
  for (uint8_t b : take_output(*p.client)) p.server->receive({&b, 1});
  EXPECT_EQ(p.read_all(*p.server), "split");
}

TEST(Handshake, TruncatedClientFlightAtEveryPositionFailsCleanly) {
  Pair reference;
  reference.server_to_client();  // nothing yet
  reference.client_to_server();
  reference.server_to_client();
  std::vector<uint8_t> last_flight = take_output(*reference.client);
  ASSERT_FALSE(last_flight.empty());
  for (size_t cut = 0; cut < last_flight.size(); ++cut) {
    Pair p;
    p.client_to_server();
    p.server_to_client();
    std::vector<uint8_t> flight = take_output(*p.client);
    p.server->receive(std::span<const uint8_t>(flight.data(), cut));
    p.server->receive_eof();
    EXPECT_FALSE(p.server->handshake_done()) << cut;
    EXPECT_EQ(p.server->error(), Error::truncated) << cut;
    EXPECT_EQ(p.server->read_state(), ReadState::truncated) << cut;
  }
}

TEST(Handshake, CorruptedServerFlightAlwaysFailsWithAnAlert) {
  Pair reference;
  reference.client_to_server();
  size_t flight_size = reference.server->pending_output().size();
  for (size_t i = 0; i < flight_size; i += 7) {
    Pair p;
    p.client_to_server();
    std::vector<uint8_t> flight = take_output(*p.server);
    flight[i] ^= 0x41;
    p.client->receive(flight);
    if (p.client->error() == Error::none) {
      // Only the record header's legacy version byte may change unnoticed.
      continue;
    }
    EXPECT_FALSE(p.client->handshake_done()) << i;
    EXPECT_TRUE(p.client->alert_sent().has_value()) << i;
    EXPECT_EQ(p.client->write_state(), WriteState::fatal_alert_sent) << i;
  }
}

TEST(Handshake, ServerRejectsClientHelloBelowTls12) {
  // A TLS 1.1 ClientHello: legacy_version 0x0302, no supported_versions.
  auto server = Connection::server(server_config());
  // A minimal hello of our own making, with an empty extensions block.
  const uint8_t hello11[] = {0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x02,
                             1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11,
                             12,   13,   14,   15,   16,   17,   18,   19,   20,   21,   22,
                             23,   24,   25,   26,   27,   28,   29,   30,   31,   32,   0x00,
                             0x00, 0x02, 0xc0, 0x2f, 0x01, 0x00, 0x00, 0x00};
  server->receive(hello11);
  EXPECT_EQ(server->error(), Error::protocol_version);
  EXPECT_EQ(server->alert_sent(), Alert::protocol_version);
  // A 7-byte plaintext alert record: 15 03 03 00 02 02 46.
  std::vector<uint8_t> out = take_output(*server);
  ASSERT_EQ(out.size(), 7u);
  EXPECT_EQ(out[0], 21);
  EXPECT_EQ(out[5], 2);
  EXPECT_EQ(out[6], 70);
}

}  // namespace
}  // namespace adieu::test
