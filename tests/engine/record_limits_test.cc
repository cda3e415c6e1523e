// Negotiated record sizes: record_size_limit (RFC 8449) and
// max_fragment_length (RFC 6066 section 4), in both versions: what goes in
// the hellos, the sizes of the records each side then seals, and the
// record_overflow that answers a record over the limit.
#include <gtest/gtest.h>

#include "tls12_support.h"

namespace adieu::test {
namespace {

constexpr size_t kTls13Overhead = 1 + 16;  // inner content type, tag

std::shared_ptr<Config> with_record_size_limit(std::shared_ptr<Config> cfg, uint16_t limit) {
  std::string error;
  EXPECT_TRUE(cfg->set_record_size_limit(limit, &error)) << error;
  return cfg;
}

std::shared_ptr<Config> with_max_fragment_length(std::shared_ptr<Config> cfg, uint16_t bytes) {
  std::string error;
  EXPECT_TRUE(cfg->set_max_fragment_length(bytes, &error)) << error;
  return cfg;
}

// The largest body among `wire`'s records of `type`.
size_t largest_body(std::span<const uint8_t> wire, uint8_t type) {
  size_t largest = 0;
  for (const WireRecord& r : split_records(wire)) {
    if (r.type == type) largest = std::max(largest, r.body.size());
  }
  return largest;
}

std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> data(n);
  for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 7);
  return data;
}

// Writes `n` bytes from `from`, checks they arrive whole, and returns the
// largest application record body seen on the way.
size_t send_and_measure(Pair& p, Connection& from, Connection& to, size_t n) {
  const std::vector<uint8_t> data = pattern(n);
  EXPECT_EQ(from.write(data), Error::none);
  const std::vector<uint8_t> wire = take_output(from);
  EXPECT_EQ(to.receive(wire), Error::none);
  EXPECT_EQ(p.read_all(to), text(data));
  return largest_body(wire, kApplicationData);
}

TEST(RecordLimits, DefaultHellosCarryNeither) {
  Pair p;
  const messages::ClientHello ch = parse_client_hello(take_output(*p.client));
  EXPECT_FALSE(ch.record_size_limit);
  EXPECT_FALSE(ch.max_fragment_length);
}

TEST(RecordLimits, ConfigRefusesValuesOutsideTheRfcs) {
  auto cfg = client_config();
  std::string error;
  EXPECT_FALSE(cfg->set_record_size_limit(63, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(cfg->set_record_size_limit(16386, nullptr));
  EXPECT_TRUE(cfg->set_record_size_limit(64, nullptr));
  EXPECT_TRUE(cfg->set_record_size_limit(0, nullptr));
  EXPECT_FALSE(cfg->set_max_fragment_length(1000, &error));
  EXPECT_FALSE(cfg->set_max_fragment_length(8192, nullptr));
  EXPECT_TRUE(cfg->set_max_fragment_length(4096, nullptr));
}

// TLS 1.3: the client's limit covers the server's protected records from
// EncryptedExtensions on; the server, with no limit of its own, answers the
// protocol's (2^14 + 1), so the client's records stay full-size.
TEST(RecordLimits, Tls13ClientLimitShrinksTheServersRecords) {
  Pair p(with_record_size_limit(client_config(), 1000), server_config());
  const messages::ClientHello ch = parse_client_hello(p.client_to_server());
  EXPECT_EQ(ch.record_size_limit, 1000);
  const std::vector<uint8_t> flight = p.server_to_client();
  // Every protected record of the server's flight: at most 999 bytes of content.
  EXPECT_LE(largest_body(flight, kApplicationData), 1000 + 16u);
  EXPECT_GT(split_records(flight).size(), 3u);  // the certificate needed several
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  ASSERT_TRUE(p.server->handshake_done());
  EXPECT_EQ(send_and_measure(p, *p.server, *p.client, 5000), 999 + kTls13Overhead);
  EXPECT_EQ(send_and_measure(p, *p.client, *p.server, 20000), 16384 + kTls13Overhead);
}

TEST(RecordLimits, Tls13BothLimitsApplyEachWay) {
  Pair p(with_record_size_limit(client_config(), 2000),
         with_record_size_limit(server_config(), 512));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_EQ(send_and_measure(p, *p.client, *p.server, 3000), 511 + kTls13Overhead);
  EXPECT_EQ(send_and_measure(p, *p.server, *p.client, 3000), 1999 + kTls13Overhead);
}

// A server's limit alone is never sent: the extension is an answer.
TEST(RecordLimits, Tls13ServerLimitWithoutTheClientsOfferIsNotUsed) {
  Pair p(client_config(), with_record_size_limit(server_config(), 512));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_EQ(send_and_measure(p, *p.client, *p.server, 3000), 3000 + kTls13Overhead);
}

TEST(RecordLimits, Tls13MaxFragmentLengthAppliesBothWays) {
  Pair p(with_max_fragment_length(client_config(), 1024), server_config());
  EXPECT_EQ(parse_client_hello(p.client_to_server()).max_fragment_length, 2);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_EQ(send_and_measure(p, *p.client, *p.server, 3000), 1024 + kTls13Overhead);
  EXPECT_EQ(send_and_measure(p, *p.server, *p.client, 3000), 1024 + kTls13Overhead);
}

// RFC 8449 section 5: with both offered, the server answers record_size_limit only.
TEST(RecordLimits, RecordSizeLimitWinsOverMaxFragmentLength) {
  Pair p(with_max_fragment_length(with_record_size_limit(client_config12(), 700), 512),
         server_config12());
  p.client_to_server();
  const messages::ServerHello sh = parse_server_hello(take_output(*p.server));
  EXPECT_EQ(sh.record_size_limit, 16384);  // TLS 1.2's protocol limit
  EXPECT_FALSE(sh.max_fragment_length);
}

// TLS 1.2 and max_fragment_length: from the ServerHello's flight on, every
// record both ways, the plaintext Certificate included (RFC 6066 section 4:
// "immediately").
TEST(RecordLimits, Tls12MaxFragmentLengthCoversThePlaintextFlight) {
  Pair p(with_max_fragment_length(client_config12(), 512), server_config12("rsa"));
  p.client_to_server();
  const std::vector<uint8_t> flight = take_output(*p.server);
  EXPECT_EQ(parse_server_hello(flight).max_fragment_length, 1);
  EXPECT_LE(largest_body(flight, kHandshakeRecord), 512u);
  EXPECT_GT(split_records(flight).size(), 3u);
  ASSERT_EQ(p.client->receive(flight), Error::none);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_EQ(send_and_measure(p, *p.client, *p.server, 2000), 512 + kGcmOverhead);
  EXPECT_EQ(send_and_measure(p, *p.server, *p.client, 2000), 512 + kGcmOverhead);
}

TEST(RecordLimits, Tls12RecordSizeLimitCountsPlaintextOnly) {
  Pair p(with_record_size_limit(client_config12(), 600),
         with_record_size_limit(server_config12(), 300));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done());
  EXPECT_EQ(send_and_measure(p, *p.client, *p.server, 1000), 300 + kGcmOverhead);
  EXPECT_EQ(send_and_measure(p, *p.server, *p.client, 1000), 600 + kGcmOverhead);
}

// A record over our advertised limit is record_overflow (RFC 8449 section 4),
// refused from its header.
TEST(RecordLimits, Tls12RecordOverTheLimitIsRecordOverflow) {
  auto scfg = with_record_size_limit(server_config12(), 300);
  Watched w = watched12(with_record_size_limit(client_config12(), 600), scfg);
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> fits = w.ghost->seal(Role::client, kApplicationData, pattern(300));
  ASSERT_EQ(w.server().receive(fits), Error::none);
  const std::vector<uint8_t> big = w.ghost->seal(Role::client, kApplicationData, pattern(301));
  EXPECT_EQ(w.server().receive(std::span(big).first(5)), Error::record_overflow);
  EXPECT_EQ(w.server().alert_sent(), Alert::record_overflow);
}

TEST(RecordLimits, Tls12MaxFragmentLengthOverflowOnTheClient) {
  Watched w = watched12(with_max_fragment_length(client_config12(), 1024));
  ASSERT_TRUE(w.ghost);
  const std::vector<uint8_t> big = w.ghost->seal(Role::server, kApplicationData, pattern(1025));
  EXPECT_EQ(w.client().receive(big), Error::record_overflow);
}

// The client checks the answer against its offer.
TEST(RecordLimits, Tls12ClientRefusesAnswersItDidNotAskFor) {
  struct Case {
    const char* what;
    uint16_t offered_limit;
    uint16_t offered_fragment;
    std::function<void(messages::ServerHello&)> edit;
    Error expected;
  };
  const Case cases[] = {
      {"record_size_limit not offered", 0, 0,
       [](messages::ServerHello& sh) { sh.record_size_limit = 1000; },
       Error::unsupported_extension},
      {"max_fragment_length not offered", 0, 0,
       [](messages::ServerHello& sh) { sh.max_fragment_length = 1; }, Error::unsupported_extension},
      {"another max_fragment_length", 0, 1024,
       [](messages::ServerHello& sh) { sh.max_fragment_length = 1; }, Error::illegal_parameter},
      {"both answered", 1000, 1024,
       [](messages::ServerHello& sh) {
         sh.record_size_limit = 1000;
         sh.max_fragment_length = 2;
       },
       Error::illegal_parameter},
  };
  for (const Case& c : cases) {
    auto ccfg = client_config12();
    ASSERT_TRUE(ccfg->set_record_size_limit(c.offered_limit, nullptr));
    ASSERT_TRUE(ccfg->set_max_fragment_length(c.offered_fragment, nullptr));
    Pair p(ccfg, server_config12());
    p.client_to_server();
    const std::vector<uint8_t> flight = rewrite_server_hello(take_output(*p.server), c.edit);
    EXPECT_EQ(p.client->receive(flight), c.expected) << c.what;
  }
}

}  // namespace
}  // namespace adieu::test
