// TLS 1.2 resumption between two engines (RFC 5246 section 7.3's abbreviated
// handshake): by session id when the server keeps a cache, by RFC 5077
// ticket otherwise; a session is reusable until it expires, and the shutdown
// rule forgets it after an unclean end. The client offers TLS 1.2 and 1.3;
// the server speaks TLS 1.2 only.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/config_impl.h"
#include "engine/session/session_data.h"
#include "pair.h"

namespace adieu::test {
namespace {

struct Tls12ResumeSetup {
  explicit Tls12ResumeSetup(bool stateful) {
    client_cfg = client_config();
    server_cfg = server_config();
    std::string error;
    EXPECT_TRUE(server_cfg->set_versions(0x0303, 0x0303, &error)) << error;
    client_cache = std::make_shared<SessionCache>();
    client_cfg->set_session_cache(client_cache);
    if (stateful) {
      server_cache = std::make_shared<SessionCache>();
      server_cfg->set_session_cache(server_cache);
    }
    client_cfg->impl().clock_ms = [this] { return now; };
    server_cfg->impl().clock_ms = [this] { return now; };
  }
  Pair connect() {
    Pair p(client_cfg, server_cfg);
    p.pump();
    EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
    EXPECT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
    EXPECT_EQ(p.client->version(), 0x0303);
    return p;
  }
  // A connection that ends cleanly on both sides; returns whether it resumed.
  bool clean_connection() {
    Pair p = connect();
    const bool resumed = p.client->resumed();
    EXPECT_EQ(resumed, p.server->resumed());
    EXPECT_EQ(p.client->close(), Error::none);
    p.pump();
    return resumed;
  }

  uint64_t now = 1'700'000'000'000;
  std::shared_ptr<Config> client_cfg;
  std::shared_ptr<Config> server_cfg;
  std::shared_ptr<SessionCache> client_cache;
  std::shared_ptr<SessionCache> server_cache;
};

class Tls12Resumption : public ::testing::TestWithParam<bool> {};

TEST_P(Tls12Resumption, CleanCloseResumesWithAnAbbreviatedHandshake) {
  Tls12ResumeSetup s(GetParam());
  {
    Pair first = s.connect();
    EXPECT_FALSE(first.client->resumed());
    std::shared_ptr<Session> session = first.client->session();
    ASSERT_NE(session, nullptr);
    // Stateful: the id the server keeps in its cache; stateless: a ticket.
    EXPECT_EQ(session->data().tls12_ticket, !GetParam());
    if (GetParam()) {
      EXPECT_NE(s.server_cache->get(session->id(), s.now), nullptr);
    }
    ASSERT_EQ(first.client->close(), Error::none);
    first.pump();
  }
  Pair second = s.connect();
  EXPECT_TRUE(second.client->resumed());
  EXPECT_TRUE(second.server->resumed());
  EXPECT_TRUE(second.client->peer_certificates().empty());  // no Certificate was sent
  EXPECT_EQ(second.client->group(), 0);                     // nor a key exchange
  ASSERT_EQ(second.client->write(bytes("resumed")), Error::none);
  ASSERT_EQ(second.server->write(bytes("both ways")), Error::none);
  second.pump();
  EXPECT_EQ(second.read_all(*second.server), "resumed");
  EXPECT_EQ(second.read_all(*second.client), "both ways");
  // The exporter works on the resumed connection, the same on both ends.
  uint8_t a[32];
  uint8_t b[32];
  ASSERT_TRUE(second.client->export_keying_material("EXPERIMENTAL-test", std::nullopt, a));
  ASSERT_TRUE(second.server->export_keying_material("EXPERIMENTAL-test", std::nullopt, b));
  EXPECT_EQ(0, std::memcmp(a, b, sizeof a));
}

TEST_P(Tls12Resumption, ASessionResumesAgainUntilItExpires) {
  Tls12ResumeSetup s(GetParam());
  EXPECT_FALSE(s.clean_connection());
  EXPECT_TRUE(s.clean_connection());
  EXPECT_TRUE(s.clean_connection());  // TLS 1.2 sessions are not single-use
  s.now += uint64_t{7200} * 1000;     // the lifetime is over
  EXPECT_FALSE(s.clean_connection());
}

TEST_P(Tls12Resumption, AnUncleanEndForgetsTheSession) {
  Tls12ResumeSetup s(GetParam());
  {
    Pair first = s.connect();
    ASSERT_NE(first.client->session(), nullptr);
    // Destroyed without close(): SSL_set_shutdown(3)'s "considered bad".
  }
  EXPECT_EQ(s.client_cache->stats().size, 0u);
  EXPECT_FALSE(s.clean_connection());
}

TEST_P(Tls12Resumption, AServerWithoutResumptionGivesAFullHandshake) {
  Tls12ResumeSetup s(GetParam());
  EXPECT_FALSE(s.clean_connection());
  s.server_cfg->set_resumption(false);
  EXPECT_FALSE(s.clean_connection());
}

INSTANTIATE_TEST_SUITE_P(ServerModes, Tls12Resumption, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "SessionId" : "Ticket"; });

}  // namespace
}  // namespace adieu::test
