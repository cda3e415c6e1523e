// Config::set_client_hello_hook: a server shows the first ClientHello,
// whole and parsed, to the hook before it chooses anything, however many
// records carried it, and goes on with the hook's configuration or refusal.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pair.h"

namespace adieu::test {
namespace {

// The client's first flight (one record) cut into `pieces` records of the
// same type and version.
std::vector<std::vector<uint8_t>> split_record(const std::vector<uint8_t>& record, size_t pieces) {
  std::vector<std::vector<uint8_t>> out;
  const size_t body = record.size() - 5;
  size_t at = 5;
  for (size_t i = 0; i < pieces; ++i) {
    const size_t n = i + 1 == pieces ? record.size() - at : body / pieces;
    std::vector<uint8_t> r = {record[0], record[1], record[2], static_cast<uint8_t>(n >> 8),
                              static_cast<uint8_t>(n)};
    r.insert(r.end(), record.begin() + static_cast<ptrdiff_t>(at),
             record.begin() + static_cast<ptrdiff_t>(at + n));
    out.push_back(std::move(r));
    at += n;
  }
  return out;
}

struct Seen {
  int calls = 0;
  std::string server_name;
  std::vector<std::string> alpn;
  size_t suites = 0;
  size_t raw_suites = 0;
  size_t extensions = 0;
  bool has_sni_extension = false;
  uint16_t legacy_version = 0;
  size_t random = 0;
};

std::shared_ptr<Config> alpn_client() {
  auto cfg = client_config();
  std::string error;
  EXPECT_TRUE(cfg->set_alpn({"h2", "http/1.1"}, &error)) << error;
  return cfg;
}

TEST(ClientHelloHook, SeesAClientHelloSplitOverRecordsOnce) {
  auto scfg = server_config();
  Seen seen;
  scfg->set_client_hello_hook([&](const ClientHelloInfo& ch) {
    ++seen.calls;
    seen.server_name = ch.server_name;
    seen.alpn = ch.alpn;
    seen.suites = ch.cipher_suites.size();
    seen.raw_suites = ch.cipher_suites_raw.size();
    seen.extensions = ch.extensions.size();
    for (const ClientHelloInfo::Extension& e : ch.extensions) {
      seen.has_sni_extension = seen.has_sni_extension || e.type == 0;
    }
    seen.legacy_version = ch.legacy_version;
    seen.random = ch.random.size();
    return ClientHelloDecision{};
  });
  Pair p(alpn_client(), scfg, "adieu.test");
  const std::vector<std::vector<uint8_t>> records = split_record(take_output(*p.client), 3);
  ASSERT_EQ(p.server->receive(records[0]), Error::none);
  ASSERT_EQ(p.server->receive(records[1]), Error::none);
  EXPECT_EQ(seen.calls, 0);  // not whole yet
  EXPECT_TRUE(p.server->pending_output().empty());
  ASSERT_EQ(p.server->receive(records[2]), Error::none);
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(seen.server_name, "adieu.test");
  EXPECT_EQ(seen.alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_GT(seen.suites, 0u);
  EXPECT_EQ(seen.raw_suites, 2 * seen.suites);
  EXPECT_TRUE(seen.has_sni_extension);
  EXPECT_GT(seen.extensions, 5u);
  EXPECT_EQ(seen.legacy_version, 0x0303);
  EXPECT_EQ(seen.random, 32u);
  p.pump();
  EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_EQ(seen.calls, 1);
}

// The hook's configuration serves the connection: another certificate and
// ALPN protocol than the one the server was made with.
TEST(ClientHelloHook, SwitchesTheConfiguration) {
  auto scfg = server_config("ecdsa");
  auto other = server_config("rsa");
  std::string error;
  ASSERT_TRUE(other->set_alpn({"http/1.1"}, &error)) << error;
  scfg->set_client_hello_hook([&](const ClientHelloInfo& ch) {
    ClientHelloDecision d;
    if (ch.server_name == "adieu.test") d.config = other;
    return d;
  });
  Pair p(alpn_client(), scfg, "adieu.test");
  for (const std::vector<uint8_t>& r : split_record(take_output(*p.client), 2)) {
    ASSERT_EQ(p.server->receive(r), Error::none);
  }
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->peer_signature_scheme(), 0x0804);  // rsa_pss_rsae_sha256: the RSA key
  EXPECT_EQ(p.client->alpn(), "http/1.1");
  EXPECT_EQ(p.server->server_name(), "adieu.test");
}

TEST(ClientHelloHook, RefusesWithItsAlert) {
  auto scfg = server_config();
  scfg->set_client_hello_hook([](const ClientHelloInfo&) {
    ClientHelloDecision d;
    d.refuse = Alert::unrecognized_name;
    return d;
  });
  Pair p(client_config(), scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::aborted);
  EXPECT_EQ(p.server->alert_sent(), Alert::unrecognized_name);
  EXPECT_EQ(p.client->alert_received(), Alert::unrecognized_name);
  EXPECT_FALSE(p.client->handshake_done());
}

// A first message that is not a ClientHello is the connection's to judge,
// as without a hook; the hook is not called.
TEST(ClientHelloHook, NotAClientHelloIsJudgedAsWithoutHook) {
  const std::vector<uint8_t> alert_record = {21, 3, 3, 0, 2, 2, 40};
  const std::vector<uint8_t> finished_first = {22, 3, 3, 0, 8, 20, 0, 0, 4, 1, 2, 3, 4};
  for (const std::vector<uint8_t>& input : {alert_record, finished_first}) {
    int calls = 0;
    auto hooked = server_config();
    hooked->set_client_hello_hook([&](const ClientHelloInfo&) {
      ++calls;
      return ClientHelloDecision{};
    });
    auto with = Connection::server(hooked);
    auto without = Connection::server(server_config());
    EXPECT_EQ(with->receive(input), without->receive(input));
    EXPECT_EQ(with->error(), without->error());
    EXPECT_EQ(with->alert_sent(), without->alert_sent());
    EXPECT_EQ(calls, 0);
  }
}

// A ClientHello cut short by the transport's end: the held bytes go to the
// connection, which finds them truncated.
TEST(ClientHelloHook, EndBeforeTheWholeClientHello) {
  int calls = 0;
  auto scfg = server_config();
  scfg->set_client_hello_hook([&](const ClientHelloInfo&) {
    ++calls;
    return ClientHelloDecision{};
  });
  Pair p(client_config(), scfg);
  const std::vector<std::vector<uint8_t>> records = split_record(take_output(*p.client), 2);
  ASSERT_EQ(p.server->receive(records[0]), Error::none);
  p.server->receive_eof();
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(p.server->error(), Error::truncated);
}

}  // namespace
}  // namespace adieu::test
