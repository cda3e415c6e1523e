// PSK resumption between two engines, in both server modes, and the shutdown
// rule: only a connection that sent its close_notify leaves a resumable session.
#include <gtest/gtest.h>

#include "engine/config_impl.h"
#include "messages/messages.h"
#include "pair.h"
#include "wire/writer.h"

namespace adieu::test {
namespace {

struct ResumeSetup {
  explicit ResumeSetup(bool stateful) {
    client_cfg = client_config();
    server_cfg = server_config();
    client_cfg->set_session_cache(std::make_shared<SessionCache>());
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
    return p;
  }
  // A connection that ends cleanly on both sides.
  void clean_connection() {
    Pair p = connect();
    ASSERT_EQ(p.client->close(), Error::none);
    ASSERT_EQ(p.server->close(), Error::none);
    p.pump();
  }

  uint64_t now = 1'700'000'000'000;
  std::shared_ptr<Config> client_cfg;
  std::shared_ptr<Config> server_cfg;
  std::shared_ptr<SessionCache> server_cache;
};

class Resumption : public ::testing::TestWithParam<bool> {};

TEST_P(Resumption, CleanCloseResumesNextTime) {
  ResumeSetup s(GetParam());
  {
    Pair first = s.connect();
    EXPECT_FALSE(first.client->resumed());
    EXPECT_EQ(first.client->tickets_received(), 2u);
    ASSERT_NE(first.client->session(), nullptr);
    ASSERT_EQ(first.client->close(), Error::none);
    ASSERT_EQ(first.server->close(), Error::none);
    first.pump();
  }
  Pair second = s.connect();
  EXPECT_TRUE(second.client->resumed());
  EXPECT_TRUE(second.server->resumed());
  EXPECT_TRUE(second.client->peer_certificates().empty());  // the PSK authenticated
  ASSERT_EQ(second.client->write(bytes("resumed")), Error::none);
  second.pump();
  EXPECT_EQ(second.read_all(*second.server), "resumed");
}

TEST_P(Resumption, OneSidedCloseNotifyStillKeepsTheSession) {
  ResumeSetup s(GetParam());
  {
    Pair first = s.connect();
    ASSERT_EQ(first.client->close(), Error::none);  // the peer never answers
    first.client_to_server();
    ASSERT_EQ(first.server->close(), Error::none);
  }
  EXPECT_TRUE(s.connect().client->resumed());
}

TEST_P(Resumption, ClientFreedWithoutCloseLosesTheSession) {
  ResumeSetup s(GetParam());
  std::shared_ptr<Session> kept;
  {
    Pair first = s.connect();
    kept = first.client->session();
    ASSERT_NE(kept, nullptr);
    ASSERT_EQ(first.server->close(), Error::none);
  }
  EXPECT_FALSE(kept->resumable(s.now));
  EXPECT_FALSE(s.connect().client->resumed());
  // Not even offered explicitly.
  Pair p(s.client_cfg, s.server_cfg, "localhost");
  EXPECT_FALSE(Connection::client(s.client_cfg, "localhost", kept)->resumed());
}

TEST_P(Resumption, FatalAlertLosesTheSession) {
  ResumeSetup s(GetParam());
  {
    Pair first = s.connect();
    first.client->abort(Alert::internal_error);
    first.pump();
  }
  EXPECT_FALSE(s.connect().client->resumed());
}

TEST_P(Resumption, TruncatedConnectionLosesTheSession) {
  ResumeSetup s(GetParam());
  {
    Pair first = s.connect();
    first.client->receive_eof();
    EXPECT_EQ(first.client->read_state(), ReadState::truncated);
  }
  EXPECT_FALSE(s.connect().client->resumed());
}

TEST_P(Resumption, KeepPolicyKeepsUncleanSessions) {
  ResumeSetup s(GetParam());
  s.client_cfg->set_unclean_session_policy(UncleanSessionPolicy::keep);
  s.server_cfg->set_unclean_session_policy(UncleanSessionPolicy::keep);
  { Pair first = s.connect(); }
  EXPECT_TRUE(s.connect().client->resumed());
}

TEST_P(Resumption, ExpiredTicketMeansFullHandshake) {
  ResumeSetup s(GetParam());
  s.clean_connection();
  s.now += 7201 * 1000;
  EXPECT_FALSE(s.connect().client->resumed());
}

TEST(ResumptionStateful, ATicketResumesOnce) {
  ResumeSetup s(true);
  std::shared_ptr<Session> session;
  {
    Pair first = s.connect();
    session = first.client->session();
    ASSERT_EQ(first.client->close(), Error::none);
    ASSERT_EQ(first.server->close(), Error::none);  // else its sessions are dropped
  }
  auto no_cache = client_config();
  no_cache->impl().clock_ms = [&s] { return s.now; };
  for (int attempt = 0; attempt < 2; ++attempt) {
    Pair p(no_cache, s.server_cfg);
    p.client = Connection::client(no_cache, "localhost", session);
    p.pump();
    ASSERT_TRUE(p.client->handshake_done());
    EXPECT_EQ(p.client->resumed(), attempt == 0) << attempt;
    ASSERT_EQ(p.client->close(), Error::none);
  }
}

TEST_P(Resumption, HelloRetryRequestWithPsk) {
  ResumeSetup s(GetParam());
  std::string error;
  ASSERT_TRUE(s.client_cfg->set_groups("X25519:P-256", &error));
  s.clean_connection();
  ASSERT_TRUE(s.server_cfg->set_groups("P-256", &error));
  Pair p = s.connect();
  EXPECT_TRUE(p.client->hello_retry_request());
  EXPECT_TRUE(p.client->resumed());
}

TEST_P(Resumption, TamperedBinderIsDecryptError) {
  ResumeSetup s(GetParam());
  s.clean_connection();
  auto client = Connection::client(s.client_cfg, "localhost");
  auto server = Connection::server(s.server_cfg);
  std::vector<uint8_t> hello = take_output(*client);
  hello.back() ^= 1;  // the binder is the hello's last byte
  server->receive(hello);
  EXPECT_EQ(server->error(), Error::decrypt_error);
  EXPECT_EQ(server->alert_sent(), Alert::decrypt_error);
}

// psk_key_exchange_modes (RFC 8446 section 4.2.9): psk_ke alone resumes only
// on a server that allows resumption without (EC)DHE; modes we do not know
// give a full handshake; no modes with a PSK are missing_extension. The
// hello is rewritten, so its binder no longer verifies: a server that takes
// the PSK ends with decrypt_error, one that ignores it answers a full
// handshake.
Error offer_with_modes(ResumeSetup& s, std::optional<std::vector<uint8_t>> modes,
                       bool& full_handshake) {
  s.clean_connection();
  auto client = Connection::client(s.client_cfg, "localhost");
  auto server = Connection::server(s.server_cfg);
  messages::ClientHello ch;
  std::vector<uint8_t> hello = take_output(*client);
  EXPECT_EQ(ch.parse(std::span(hello).subspan(9)), Error::none);
  EXPECT_TRUE(ch.pre_shared_key.has_value());
  ch.psk_key_exchange_modes = modes;
  std::vector<uint8_t> body;
  wire::Writer w(body);
  ch.serialize(w);
  std::vector<uint8_t> record = {22, 3, 1, static_cast<uint8_t>(body.size() >> 8),
                                 static_cast<uint8_t>(body.size())};
  record.insert(record.end(), body.begin(), body.end());
  const Error err = server->receive(record);
  full_handshake = err == Error::none && !server->resumed();
  return err;
}

TEST_P(Resumption, PskKeyExchangeModes) {
  bool full = false;
  {
    ResumeSetup s(GetParam());
    EXPECT_EQ(offer_with_modes(s, std::vector<uint8_t>{0}, full), Error::none);  // psk_ke
    EXPECT_TRUE(full);
  }
  {
    ResumeSetup s(GetParam());
    s.server_cfg->set_psk_ke(true);
    EXPECT_EQ(offer_with_modes(s, std::vector<uint8_t>{0}, full), Error::decrypt_error);
  }
  {
    ResumeSetup s(GetParam());
    EXPECT_EQ(offer_with_modes(s, std::vector<uint8_t>{7}, full), Error::none);
    EXPECT_TRUE(full);
  }
  {
    ResumeSetup s(GetParam());
    EXPECT_EQ(offer_with_modes(s, std::nullopt, full), Error::missing_extension);
  }
}

INSTANTIATE_TEST_SUITE_P(Engine, Resumption, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "stateful" : "stateless"; });

TEST(ResumptionStateless, TicketFromAnotherServerKeyMeansFullHandshake) {
  ResumeSetup s(false);
  s.clean_connection();
  s.server_cfg->set_ticket_keys(std::make_shared<TicketKeys>());
  EXPECT_FALSE(s.connect().client->resumed());
}

TEST(ResumptionStateless, KeyRotationWithGracePeriod) {
  ResumeSetup s(false);
  auto keys = std::make_shared<TicketKeys>(/*rotate_seconds=*/60, /*grace_seconds=*/60);
  s.server_cfg->set_ticket_keys(keys);
  s.clean_connection();
  s.now += 90 * 1000;  // rotated, still within the grace period
  {
    Pair p = s.connect();
    EXPECT_TRUE(p.client->resumed());
    ASSERT_EQ(p.client->close(), Error::none);
    p.pump();
  }
  s.now += 200 * 1000;  // the ticket's key is gone... but the last one was issued recently
  s.client_cfg->set_session_cache(std::make_shared<SessionCache>());
  s.clean_connection();
  s.now += 500 * 1000;  // past rotate + grace for the newest ticket's key
  EXPECT_FALSE(s.connect().client->resumed());
}

TEST(ResumptionStateful, ServerFreedWithoutCloseRemovesItsSessions) {
  ResumeSetup s(true);
  {
    Pair first = s.connect();
    EXPECT_EQ(s.server_cache->stats().size, 2u);
    ASSERT_EQ(first.client->close(), Error::none);
    first.client_to_server();
    // the server never sends close_notify
  }
  EXPECT_EQ(s.server_cache->stats().size, 0u);
  EXPECT_FALSE(s.connect().client->resumed());
}

TEST(ResumptionStateful, TamperedTicketMeansFullHandshake) {
  ResumeSetup s(true);
  s.clean_connection();
  // Forget the server's cache: the client's ticket names nothing any more.
  s.server_cfg->set_session_cache(std::make_shared<SessionCache>());
  EXPECT_FALSE(s.connect().client->resumed());
}

}  // namespace
}  // namespace adieu::test
