// The QUIC handshake over packets (RFC 9000, 9001, 9002): two Connections
// over the test's datagram path.
#include <gtest/gtest.h>

#include "quic_pair.h"

namespace adieu::quic::test {
namespace {

TEST(QuicConnectionHandshake, CompletesAndIsConfirmedOnBothSides) {
  QuicPair pair;
  pair.start();
  ASSERT_EQ(pair.client->state(), ConnectionState::handshaking);
  ASSERT_TRUE(pair.handshake());
  for (Connection* c : {pair.client.get(), pair.server.get()}) {
    EXPECT_EQ(c->state(), ConnectionState::established);
    EXPECT_TRUE(c->handshake_complete());
    EXPECT_TRUE(c->handshake_confirmed());
    EXPECT_EQ(c->alpn(), "h3");
    EXPECT_FALSE(c->close_info().has_value());
    EXPECT_EQ(c->stats().packets_dropped, 0u);
    EXPECT_EQ(c->stats().packets_lost, 0u);
  }
  EXPECT_EQ(pair.client->role(), Role::client);
  EXPECT_EQ(pair.server->role(), Role::server);
  EXPECT_EQ(pair.client->server_name(), "localhost");
  EXPECT_EQ(pair.client->cipher_suite(), pair.server->cipher_suite());
  EXPECT_EQ(pair.client->verify_result(), 0);
  EXPECT_FALSE(pair.client->peer_certificates().empty());
  // The client's first datagram is a full-size Initial (RFC 9000 section 14.1).
  ASSERT_FALSE(pair.first_client_datagram.empty());
  EXPECT_EQ(pair.first_client_datagram.size(), 1200u);
  EXPECT_EQ(pair.first_client_datagram[0] & 0xf0, 0xc0);  // long header, Initial
  // Once settled, nothing more is owed: the path goes quiet.
  pair.run_for(2s);
  std::vector<uint8_t> out;
  EXPECT_FALSE(pair.client->send(pair.now, out));
  EXPECT_FALSE(pair.server->send(pair.now, out));
  EXPECT_GT(pair.client->stats().smoothed_rtt.count(), 0);
}

TEST(QuicConnectionHandshake, ServerFirstFlightCoalescesInitialAndHandshake) {
  QuicPair pair;
  pair.start();
  pair.run_until([&] { return !pair.server_datagrams_log.empty(); });
  ASSERT_FALSE(pair.server_datagrams_log.empty());
  const std::vector<uint8_t>& d = pair.server_datagrams_log.front();
  CoalescedPackets packets(d, 8);
  PacketHeader h;
  std::vector<PacketType> types;
  while (packets.next(h)) types.push_back(h.type);
  ASSERT_GE(types.size(), 2u);
  EXPECT_EQ(types[0], PacketType::initial);
  EXPECT_EQ(types[1], PacketType::handshake);
  // An ack-eliciting server Initial is padded too.
  EXPECT_EQ(d.size(), 1200u);
}

// The clean handshake's datagrams, each dropped in turn (the index counts
// both directions in the order they were sent).
TEST(QuicConnectionHandshake, CompletesWithEachOfTheFirstDatagramsDropped) {
  for (uint64_t victim = 0; victim < 10; ++victim) {
    SCOPED_TRACE(victim);
    QuicPair pair;
    uint64_t seen = 0;
    pair.rule = [&](Side, uint64_t, std::vector<uint8_t>&) {
      Fate f;
      f.drop = seen++ == victim;
      return f;
    };
    pair.start();
    ASSERT_TRUE(pair.handshake());
    EXPECT_EQ(pair.client->state(), ConnectionState::established);
    EXPECT_EQ(pair.server->state(), ConnectionState::established);
  }
}

TEST(QuicConnectionHandshake, CompletesWithReorderingAndDuplicates) {
  QuicPair pair;
  pair.rule = [](Side, uint64_t index, std::vector<uint8_t>&) {
    Fate f;
    if (index % 2 == 1) f.extra = 15ms;  // overtaken by the next
    if (index % 3 == 0) f.copies = 2;
    return f;
  };
  pair.start();
  ASSERT_TRUE(pair.handshake());
  EXPECT_GT(pair.client->stats().packets_dropped + pair.server->stats().packets_dropped, 0u);
}

TEST(QuicConnectionHandshake, CompletesUnderRandomLoss) {
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    SCOPED_TRACE(seed);
    QuicPair pair;
    pair.rng.seed(seed);
    pair.loss = 0.3;
    // Lost acknowledgments inflate the RTT estimate and PTOs back off: give
    // the simulated clock room, within the idle timeout.
    pair.client_settings.max_idle_timeout = 600s;
    pair.server_settings.max_idle_timeout = 600s;
    pair.start();
    ASSERT_TRUE(pair.run_until([&] { return pair.handshake_done(); }, 600s));
  }
}

TEST(QuicConnectionHandshake, ServerRespectsTheAntiAmplificationLimit) {
  // Only the client's first datagram arrives: the server may send three
  // times its size and no more (RFC 9000 section 8.1), PTOs included.
  QuicPair pair;
  pair.check_amplification = true;
  pair.rule = [](Side from, uint64_t index, std::vector<uint8_t>&) {
    Fate f;
    f.drop = from == Side::client && index > 0;
    return f;
  };
  pair.start();
  pair.run_for(20s);
  ASSERT_NE(pair.server, nullptr);
  EXPECT_EQ(pair.delivered_bytes[0], 1200u);
  EXPECT_EQ(pair.max_server_ratio_violation, 0u);
  EXPECT_LE(pair.server->stats().bytes_sent, 3600u);
  EXPECT_GE(pair.server->stats().bytes_sent, 1200u);
  EXPECT_FALSE(pair.server->handshake_complete());
}

TEST(QuicConnectionHandshake, AlpnMismatchIsCryptoErrorNoApplicationProtocolOnBothSides) {
  QuicPair pair(quic_client_config({"h2"}), quic_server_config({"h3"}));
  pair.start();
  pair.run_until(
      [&] { return pair.server && pair.client->close_info() && pair.server->close_info(); });
  ASSERT_NE(pair.server, nullptr);
  ASSERT_TRUE(pair.server->close_info());
  ASSERT_TRUE(pair.client->close_info());
  const CloseInfo& s = *pair.server->close_info();
  const CloseInfo& c = *pair.client->close_info();
  EXPECT_EQ(s.cause, CloseInfo::Cause::local);
  EXPECT_TRUE(s.transport);
  EXPECT_EQ(s.error_code, 0x178u);
  EXPECT_EQ(s.tls_error, Error::no_application_protocol);
  EXPECT_EQ(c.cause, CloseInfo::Cause::peer);
  EXPECT_TRUE(c.transport);
  EXPECT_EQ(c.error_code, 0x178u);
  EXPECT_EQ(pair.server->state(), ConnectionState::closing);
  EXPECT_TRUE(pair.server->close_sent());
  EXPECT_EQ(pair.client->state(), ConnectionState::draining);
  EXPECT_TRUE(pair.client->terminated());
  pair.run_for(10s);
  EXPECT_EQ(pair.server->state(), ConnectionState::closed);
  EXPECT_EQ(pair.client->state(), ConnectionState::closed);
}

TEST(QuicConnectionHandshake, ClientWithoutAlpnIsClosedAtOnce) {
  QuicPair pair(quic_client_config({}), quic_server_config());
  pair.start();
  EXPECT_EQ(pair.client->state(), ConnectionState::closed);
  ASSERT_TRUE(pair.client->close_info());
  EXPECT_EQ(pair.client->close_info()->error_code, 0x178u);
  std::vector<uint8_t> out;
  EXPECT_FALSE(pair.client->send(pair.now, out));
  EXPECT_FALSE(pair.client->close_sent());
}

TEST(QuicConnectionHandshake, WrongOriginalDestinationConnectionIdIsATransportParameterError) {
  QuicPair pair;
  pair.accepted.original_destination_cid = {1, 2, 3, 4, 5, 6, 7, 8};
  pair.accepted.local_cid = {9, 9, 9, 9, 9, 9, 9, 9};
  pair.start();
  pair.run_until([&] { return pair.client->close_info().has_value(); });
  ASSERT_TRUE(pair.client->close_info());
  EXPECT_EQ(pair.client->close_info()->cause, CloseInfo::Cause::local);
  EXPECT_EQ(pair.client->close_info()->error_code, 0x08u);  // TRANSPORT_PARAMETER_ERROR
  pair.run_until([&] { return pair.server->close_info().has_value(); }, 5s);
  ASSERT_TRUE(pair.server->close_info());
  EXPECT_EQ(pair.server->close_info()->cause, CloseInfo::Cause::peer);
  EXPECT_EQ(pair.server->close_info()->error_code, 0x08u);
}

}  // namespace
}  // namespace adieu::quic::test
