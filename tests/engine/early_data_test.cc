// 0-RTT data (RFC 8446 sections 2.3, 4.2.10, 4.5 and 8) between two engines:
// the client's early data is read by a server that takes it before either
// handshake completes, skipped by one that does not, refused beyond the
// ticket's limit, and never taken twice from one ClientHello.
#include <gtest/gtest.h>

#include "engine/config_impl.h"
#include "pair.h"

namespace adieu::test {
namespace {

constexpr uint32_t kMaxEarlyData = 1000;

// A client and a server that resume, the server issuing tickets that allow
// kMaxEarlyData bytes of 0-RTT data; `stateful`: a server session cache
// (single-use tickets) rather than stateless tickets.
struct EarlySetup {
  explicit EarlySetup(bool stateful) {
    client_cfg = client_config();
    server_cfg = server_config();
    client_cfg->set_session_cache(std::make_shared<SessionCache>());
    client_cfg->set_early_data(true);
    if (stateful) server_cfg->set_session_cache(std::make_shared<SessionCache>());
    server_cfg->set_max_early_data(kMaxEarlyData);
    client_cfg->impl().clock_ms = [this] { return now + client_clock_ahead; };
    server_cfg->impl().clock_ms = [this] { return now; };
    // A first connection leaves the client a ticket.
    Pair first(client_cfg, server_cfg);
    first.pump();
    EXPECT_TRUE(first.client->handshake_done());
    EXPECT_EQ(first.client->early_data_status(), EarlyDataStatus::not_sent);
    EXPECT_EQ(first.client->close(), Error::none);
    EXPECT_EQ(first.server->close(), Error::none);
    first.pump();
    now += 1000;
  }

  uint64_t now = 1'700'000'000'000;
  uint64_t client_clock_ahead = 0;
  std::shared_ptr<Config> client_cfg;
  std::shared_ptr<Config> server_cfg;
};

class EarlyData : public ::testing::TestWithParam<bool> {};

TEST_P(EarlyData, AcceptedDataIsReadBeforeEitherHandshakeCompletes) {
  EarlySetup s(GetParam());
  Pair p(s.client_cfg, s.server_cfg);
  EXPECT_EQ(p.client->early_data_status(), EarlyDataStatus::offered);
  ASSERT_EQ(p.client->early_data_room(), kMaxEarlyData);
  ASSERT_EQ(p.client->write(bytes("early hello")), Error::none);
  EXPECT_EQ(p.client->early_data_room(), kMaxEarlyData - 11);
  EXPECT_EQ(p.client->early_data_bytes(), 11u);

  p.client_to_server();  // ClientHello, change_cipher_spec, the 0-RTT record
  EXPECT_FALSE(p.server->handshake_done());
  EXPECT_EQ(p.server->early_data_status(), EarlyDataStatus::accepted);
  EXPECT_EQ(p.read_all(*p.server), "early hello");
  EXPECT_EQ(p.server->early_data_bytes(), 11u);

  p.server_to_client();  // the whole flight: the client's handshake is done
  EXPECT_EQ(p.client->early_data_room(), 0u);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_TRUE(p.client->resumed());
  EXPECT_EQ(p.client->early_data_status(), EarlyDataStatus::accepted);
  ASSERT_EQ(p.client->write(bytes("after")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "after");
  // Closed cleanly both ways.
  ASSERT_EQ(p.client->close(), Error::none);
  ASSERT_EQ(p.server->close(), Error::none);
  p.pump();
  EXPECT_EQ(p.server->read_state(), ReadState::close_notify_received);
  EXPECT_EQ(p.client->read_state(), ReadState::close_notify_received);
}

TEST_P(EarlyData, NoRoomWithoutTheClientsOptIn) {
  EarlySetup s(GetParam());
  s.client_cfg->set_early_data(false);
  Pair p(s.client_cfg, s.server_cfg);
  EXPECT_EQ(p.client->early_data_room(), 0u);
  EXPECT_EQ(p.client->write(bytes("x")), Error::not_connected);
  EXPECT_EQ(p.client->early_data_status(), EarlyDataStatus::not_sent);
  p.pump();
  EXPECT_TRUE(p.client->resumed());
}

TEST_P(EarlyData, WriteBeyondTheRoomSendsNothing) {
  EarlySetup s(GetParam());
  Pair p(s.client_cfg, s.server_cfg);
  const size_t before = p.client->pending_output().size();
  EXPECT_EQ(p.client->write(std::vector<uint8_t>(kMaxEarlyData + 1, 'x')), Error::not_connected);
  EXPECT_EQ(p.client->pending_output().size(), before);
  EXPECT_EQ(p.client->early_data_room(), kMaxEarlyData);
}

TEST_P(EarlyData, ServerThatTakesNoneSkipsItAndTheHandshakeGoesOn) {
  EarlySetup s(GetParam());
  s.server_cfg->impl().max_early_data = 0;  // tickets allowed it; the server no longer does
  Pair p(s.client_cfg, s.server_cfg);
  ASSERT_EQ(p.client->write(bytes("lost")), Error::none);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_TRUE(p.server->resumed());
  EXPECT_EQ(p.client->early_data_status(), EarlyDataStatus::rejected);
  EXPECT_EQ(p.server->early_data_status(), EarlyDataStatus::rejected);
  EXPECT_EQ(p.read_all(*p.server), "");  // skipped, never delivered
  ASSERT_EQ(p.client->write(bytes("again")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "again");
}

TEST_P(EarlyData, MoreThanTheServerTakesIsUnexpectedMessage) {
  EarlySetup s(GetParam());
  Pair p(s.client_cfg, s.server_cfg);
  s.server_cfg->impl().max_early_data = 10;  // the ticket said 1000
  ASSERT_EQ(p.client->write(std::vector<uint8_t>(100, 'x')), Error::none);
  p.client_to_server();
  EXPECT_EQ(p.server->error(), Error::unexpected_message);
  EXPECT_EQ(p.server->alert_sent(), Alert::unexpected_message);
  EXPECT_EQ(p.read_all(*p.server), "");
}

TEST_P(EarlyData, ReplayedClientHelloGetsNoEarlyData) {
  EarlySetup s(GetParam());
  Pair p(s.client_cfg, s.server_cfg);
  ASSERT_EQ(p.client->write(bytes("pay once")), Error::none);
  const std::vector<uint8_t> flight = take_output(*p.client);
  auto first = Connection::server(s.server_cfg);
  ASSERT_EQ(first->receive(flight), Error::none);
  EXPECT_EQ(first->early_data_status(), EarlyDataStatus::accepted);
  // The same bytes again (an attacker's copy): a stateful server no longer
  // knows the ticket, a stateless one has seen the ClientHello.
  auto replay = Connection::server(s.server_cfg);
  ASSERT_EQ(replay->receive(flight), Error::none);
  EXPECT_EQ(replay->early_data_status(), EarlyDataStatus::rejected);
  EXPECT_EQ(replay->pending_plaintext(), 0u);
}

TEST_P(EarlyData, TicketAgeOutOfStepIsRejected) {
  EarlySetup s(GetParam());
  s.client_clock_ahead = 20'000;  // the client thinks the ticket 20 s older
  Pair p(s.client_cfg, s.server_cfg);
  ASSERT_EQ(p.client->write(bytes("stale")), Error::none);
  p.pump();
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_EQ(p.server->early_data_status(), EarlyDataStatus::rejected);
  EXPECT_EQ(p.client->early_data_status(), EarlyDataStatus::rejected);
  EXPECT_EQ(p.read_all(*p.server), "");
}

TEST_P(EarlyData, HelloRetryRequestRejectsIt) {
  EarlySetup s(GetParam());
  std::string error;
  ASSERT_TRUE(s.server_cfg->set_groups("P-256", &error)) << error;
  ASSERT_TRUE(s.client_cfg->set_groups("X25519:P-256", &error)) << error;
  Pair p(s.client_cfg, s.server_cfg);
  ASSERT_EQ(p.client->write(bytes("before retry")), Error::none);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_TRUE(p.client->hello_retry_request());
  EXPECT_EQ(p.client->early_data_status(), EarlyDataStatus::rejected);
  EXPECT_EQ(p.server->early_data_status(), EarlyDataStatus::rejected);
  EXPECT_EQ(p.read_all(*p.server), "");
  ASSERT_EQ(p.client->write(bytes("after retry")), Error::none);
  p.pump();
  EXPECT_EQ(p.read_all(*p.server), "after retry");
}

TEST_P(EarlyData, NoMoreEarlyDataOnceTheServerHelloArrived) {
  EarlySetup s(GetParam());
  Pair p(s.client_cfg, s.server_cfg);
  ASSERT_EQ(p.client->write(bytes("a")), Error::none);
  p.client_to_server();
  // Only the ServerHello record (and the compatibility change_cipher_spec).
  std::vector<uint8_t> flight = take_output(*p.server);
  const size_t hello_record = 5 + (flight[3] << 8 | flight[4]);
  ASSERT_EQ(p.client->receive(std::span<const uint8_t>(flight).first(hello_record)), Error::none);
  EXPECT_FALSE(p.client->handshake_done());
  EXPECT_EQ(p.client->early_data_room(), 0u);
  EXPECT_EQ(p.client->write(bytes("late")), Error::not_connected);
  EXPECT_EQ(p.client->early_data_status(), EarlyDataStatus::offered);
  ASSERT_EQ(p.client->receive(std::span<const uint8_t>(flight).subspan(hello_record)), Error::none);
  EXPECT_EQ(p.client->early_data_status(), EarlyDataStatus::accepted);
  p.pump();
  EXPECT_TRUE(p.server->handshake_done());
  EXPECT_EQ(p.read_all(*p.server), "a");
}

TEST_P(EarlyData, SecondFlightIsEndOfEarlyDataThenFinished) {
  // The flight after the EndOfEarlyData (under the early keys) is the
  // client's Finished (under the handshake keys): two protected records.
  EarlySetup s(GetParam());
  Pair p(s.client_cfg, s.server_cfg);
  ASSERT_EQ(p.client->write(bytes("a")), Error::none);
  p.client_to_server();
  p.server_to_client();
  ASSERT_TRUE(p.client->handshake_done());
  // The client's second flight: EndOfEarlyData (early keys) and Finished
  // (handshake keys): two protected handshake records.
  const std::vector<uint8_t> flight = take_output(*p.client);
  ASSERT_GE(flight.size(), 5u);
  size_t records = 0;
  for (size_t at = 0; at + 5 <= flight.size(); at += 5 + (flight[at + 3] << 8 | flight[at + 4])) {
    EXPECT_EQ(flight[at], 23);  // opaque_type application_data
    ++records;
  }
  EXPECT_EQ(records, 2u);
  ASSERT_EQ(p.server->receive(flight), Error::none);
  EXPECT_TRUE(p.server->handshake_done());
}

INSTANTIATE_TEST_SUITE_P(Engine, EarlyData, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Stateful") : std::string("Stateless");
                         });

TEST(EarlyDataTickets, MaxEarlyDataSurvivesTheSessionsByteForm) {
  EarlySetup s(false);
  Pair p(s.client_cfg, s.server_cfg);
  p.pump();
  std::shared_ptr<Session> session = p.client->session();
  ASSERT_NE(session, nullptr);
  std::shared_ptr<Session> copy = Session::from_bytes(session->to_bytes());
  ASSERT_NE(copy, nullptr);
  // The copy offers 0-RTT as the original would.
  auto again = Connection::client(s.client_cfg, "localhost", copy);
  EXPECT_EQ(again->early_data_room(), kMaxEarlyData);
}

}  // namespace
}  // namespace adieu::test
