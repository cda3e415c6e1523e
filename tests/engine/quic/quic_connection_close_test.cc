// The end of a QUIC connection (RFC 9000 section 10) and the client's
// answers to Retry and Version Negotiation.
#include <gtest/gtest.h>

#include "engine/quic/retry.h"
#include "quic_pair.h"

namespace adieu::quic::test {
namespace {

// SSL_get_shutdown on a QUIC connection (rule R48): SENT once closing or
// terminated, RECEIVED added unless locally closing.
int shutdown_bits(const Connection& c) {
  int bits = 0;
  if (c.close_sent() || c.terminated()) bits |= 1;
  if (c.terminated()) bits |= 2;
  return bits;
}

TEST(QuicConnectionClose, ClientCloseClosingThenClosedAndPeerDrains) {
  QuicPair pair;
  pair.start();
  ASSERT_TRUE(pair.handshake());
  pair.run_for(1s);
  EXPECT_EQ(shutdown_bits(*pair.client), 0);
  pair.client->close(42, "bye");
  EXPECT_EQ(pair.client->state(), ConnectionState::closing);
  EXPECT_FALSE(pair.client->close_sent());  // not yet handed out
  ASSERT_TRUE(pair.run_until([&] { return pair.server->state() == ConnectionState::draining; }));
  EXPECT_TRUE(pair.client->close_sent());
  EXPECT_FALSE(pair.client->terminated());
  EXPECT_EQ(shutdown_bits(*pair.client), 1);
  EXPECT_TRUE(pair.server->terminated());
  EXPECT_FALSE(pair.server->close_sent());
  EXPECT_EQ(shutdown_bits(*pair.server), 3);
  const CloseInfo& s = *pair.server->close_info();
  EXPECT_EQ(s.cause, CloseInfo::Cause::peer);
  EXPECT_FALSE(s.transport);
  EXPECT_EQ(s.error_code, 42u);
  EXPECT_EQ(s.reason, "bye");
  const CloseInfo& c = *pair.client->close_info();
  EXPECT_EQ(c.cause, CloseInfo::Cause::local);
  EXPECT_FALSE(c.transport);
  EXPECT_EQ(c.error_code, 42u);
  EXPECT_EQ(c.reason, "bye");
  // Nothing but CONNECTION_CLOSE from the closer, nothing from the drainer.
  const uint64_t server_sent = pair.server->stats().datagrams_sent;
  ASSERT_TRUE(pair.run_until([&] {
    return pair.client->state() == ConnectionState::closed &&
           pair.server->state() == ConnectionState::closed;
  }));
  EXPECT_EQ(pair.server->stats().datagrams_sent, server_sent);
  EXPECT_EQ(shutdown_bits(*pair.client), 3);
  EXPECT_EQ(shutdown_bits(*pair.server), 3);
  EXPECT_EQ(pair.client->write_state(0), StreamPartState::none);
  EXPECT_EQ(pair.next_timer(), kNever);
  // close() again is a no-op.
  pair.client->close(1, "again");
  EXPECT_EQ(pair.client->close_info()->error_code, 42u);
}

TEST(QuicConnectionClose, ServerCloseLastsThreePtosOnTheCloser) {
  QuicPair pair;
  pair.start();
  ASSERT_TRUE(pair.handshake());
  pair.run_for(1s);
  const Instant closed_at = pair.now;
  pair.server->close(7, "done");
  ASSERT_TRUE(pair.run_until([&] { return pair.server->state() == ConnectionState::closed; }));
  // Three PTOs of a ~20 ms path (RFC 9000 section 10.2): well under a second.
  EXPECT_GT(pair.now - closed_at, 20ms);
  EXPECT_LT(pair.now - closed_at, 2s);
  EXPECT_EQ(pair.client->close_info()->cause, CloseInfo::Cause::peer);
  EXPECT_EQ(pair.client->close_info()->error_code, 7u);
  EXPECT_EQ(pair.client->close_info()->reason, "done");
  pair.run_for(2s);
  EXPECT_EQ(pair.client->state(), ConnectionState::closed);
}

TEST(QuicConnectionClose, OpenStreamsReadConnectionClosedAfterTheEnd) {
  QuicPair pair;
  pair.start();
  ASSERT_TRUE(pair.handshake());
  const std::optional<uint64_t> id = pair.client->open_stream(true);
  ASSERT_TRUE(id);
  pair.client->write(*id, pattern(10, 1));
  EXPECT_EQ(pair.client->write_state(*id), StreamPartState::ok);
  pair.client->close(0, "");
  EXPECT_EQ(pair.client->write_state(*id), StreamPartState::connection_closed);
  EXPECT_EQ(pair.client->read_state(*id), StreamPartState::connection_closed);
  EXPECT_EQ(pair.client->write(*id, pattern(10, 1)), 0u);
  EXPECT_FALSE(pair.client->open_stream(true).has_value());
}

TEST(QuicConnectionClose, ConnectionCloseIsRepeatedWhileThePeerKeepsSending) {
  QuicPair pair;
  pair.start();
  ASSERT_TRUE(pair.handshake());
  pair.run_for(1s);
  // The client's first CONNECTION_CLOSE is lost; the server goes on sending
  // stream data and probes, and is answered with CONNECTION_CLOSE again.
  uint64_t closes_dropped = 0;
  pair.rule = [&](Side from, uint64_t, std::vector<uint8_t>&) {
    Fate f;
    if (from == Side::client && pair.client->state() == ConnectionState::closing &&
        closes_dropped == 0) {
      f.drop = true;
      ++closes_dropped;
    }
    return f;
  };
  const std::optional<uint64_t> id = pair.server->open_stream(false);
  ASSERT_TRUE(id);
  pair.server->write(*id, pattern(30000, 2));
  pair.client->close(3, "stop");
  const uint64_t before = pair.client->stats().datagrams_sent;
  ASSERT_TRUE(pair.run_until([&] { return pair.server->state() == ConnectionState::draining; }));
  EXPECT_EQ(closes_dropped, 1u);
  EXPECT_GE(pair.client->stats().datagrams_sent, before + 2);
  // At a bounded rate: far fewer answers than datagrams received.
  EXPECT_LT(pair.client->stats().datagrams_sent - before, pair.client->stats().datagrams_received);
  EXPECT_EQ(pair.server->close_info()->error_code, 3u);
  EXPECT_EQ(pair.client->state(), ConnectionState::closing);
}

TEST(QuicConnectionClose, CloseDuringTheHandshakeIsATransportApplicationError) {
  QuicPair pair;
  pair.start();
  ASSERT_TRUE(pair.run_until([&] { return pair.server != nullptr; }));
  EXPECT_FALSE(pair.client->handshake_complete());
  pair.client->close(99, "secret reason");
  ASSERT_TRUE(pair.run_until([&] { return pair.server->close_info().has_value(); }));
  const CloseInfo& s = *pair.server->close_info();
  EXPECT_EQ(s.cause, CloseInfo::Cause::peer);
  // RFC 9000 section 10.2.3: 0x1c with APPLICATION_ERROR and no reason.
  EXPECT_TRUE(s.transport);
  EXPECT_EQ(s.error_code, 0x0cu);
  EXPECT_EQ(s.reason, "");
  EXPECT_EQ(pair.server->state(), ConnectionState::draining);
}

TEST(QuicConnectionClose, IdleTimeoutEndsBothSidesWithoutAPacket) {
  QuicPair pair;
  pair.client_settings.max_idle_timeout = 5s;
  pair.server_settings.max_idle_timeout = 3s;
  pair.start();
  ASSERT_TRUE(pair.handshake());
  pair.run_for(200ms);  // the last acknowledgments
  const Instant quiet = pair.now;
  const uint64_t client_sent = pair.client->stats().datagrams_sent;
  ASSERT_TRUE(pair.run_until([&] {
    return pair.client->state() == ConnectionState::closed &&
           pair.server->state() == ConnectionState::closed;
  }));
  // The smaller of the two values (RFC 9000 section 10.1).
  EXPECT_GE(pair.now - quiet, 2500ms);
  EXPECT_LE(pair.now - quiet, 3000ms);
  for (Connection* c : {pair.client.get(), pair.server.get()}) {
    ASSERT_TRUE(c->close_info());
    EXPECT_EQ(c->close_info()->cause, CloseInfo::Cause::idle_timeout);
    EXPECT_EQ(c->close_info()->error_code, 0u);
    EXPECT_TRUE(c->terminated());
    EXPECT_FALSE(c->close_sent());
    EXPECT_EQ(shutdown_bits(*c), 3);
  }
  EXPECT_EQ(pair.client->stats().datagrams_sent, client_sent);
}

TEST(QuicConnectionClose, StatelessResetEndsTheClient) {
  QuicPair pair;
  pair.start();
  ASSERT_TRUE(pair.handshake());
  // A datagram that looks like a short header packet and ends with the
  // server's token (RFC 9000 section 10.3).
  std::vector<uint8_t> reset(43, 0x33);
  reset[0] = 0x4b;
  std::copy(pair.accepted.stateless_reset_token.begin(), pair.accepted.stateless_reset_token.end(),
            reset.end() - 16);
  std::vector<uint8_t> wrong = reset;
  wrong.back() ^= 1;
  pair.inject(Side::client, wrong);
  EXPECT_EQ(pair.client->state(), ConnectionState::established);
  EXPECT_EQ(pair.client->stats().packets_dropped, 1u);
  pair.inject(Side::client, reset);
  EXPECT_EQ(pair.client->state(), ConnectionState::closed);
  ASSERT_TRUE(pair.client->close_info());
  EXPECT_EQ(pair.client->close_info()->cause, CloseInfo::Cause::stateless_reset);
  EXPECT_TRUE(pair.client->terminated());
  EXPECT_FALSE(pair.client->close_sent());
  std::vector<uint8_t> out;
  EXPECT_FALSE(pair.client->send(pair.now, out));
}

TEST(QuicConnectionClose, ClientFollowsAValidRetry) {
  QuicPair pair;
  std::vector<uint8_t> odcid;
  const std::vector<uint8_t> retry_scid = {0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02, 0x03, 0x04};
  const std::vector<uint8_t> token = {1, 2, 3, 4, 5};
  size_t initials = 0;
  pair.before_server = [&](std::vector<uint8_t>& d) {
    PacketHeader h;
    EXPECT_EQ(parse_packet_header(d, 8, h), HeaderStatus::ok);
    if (++initials == 1) {
      odcid.assign(h.dcid.begin(), h.dcid.end());
      std::vector<uint8_t> retry;
      wire::Writer w(retry);
      write_retry(w, 0, h.scid, retry_scid, token, h.dcid);
      EXPECT_TRUE(w.ok());
      pair.inject(Side::client, retry);
      return false;
    }
    // The second Initial goes to the Retry's ID with its token.
    EXPECT_TRUE(std::ranges::equal(h.dcid, retry_scid));
    EXPECT_TRUE(std::ranges::equal(h.token, token));
    pair.accepted.original_destination_cid = odcid;
    pair.accepted.retry_source_cid = retry_scid;
    pair.accepted.local_cid = {0x5e, 0x77, 9, 9, 9, 9, 9, 9};
    pair.accepted.address_validated = true;
    return true;
  };
  pair.start();
  ASSERT_TRUE(pair.handshake());
  EXPECT_EQ(initials, 2u);
}

TEST(QuicConnectionClose, RetrySourceConnectionIdMissingIsATransportParameterError) {
  QuicPair pair;
  const std::vector<uint8_t> retry_scid = {0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x02, 0x03, 0x04};
  std::vector<uint8_t> odcid;
  size_t initials = 0;
  pair.before_server = [&](std::vector<uint8_t>& d) {
    PacketHeader h;
    parse_packet_header(d, 8, h);
    if (++initials == 1) {
      odcid.assign(h.dcid.begin(), h.dcid.end());
      std::vector<uint8_t> retry;
      wire::Writer w(retry);
      const std::vector<uint8_t> token = {7};
      write_retry(w, 0, h.scid, retry_scid, token, h.dcid);
      pair.inject(Side::client, retry);
      // A second Retry is ignored (one at most, RFC 9000 section 17.2.5.2).
      std::vector<uint8_t> again;
      wire::Writer w2(again);
      const std::vector<uint8_t> other = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
      write_retry(w2, 0, h.scid, other, token, retry_scid);
      pair.inject(Side::client, again);
      return false;
    }
    pair.accepted.original_destination_cid = odcid;
    pair.accepted.local_cid = {0x5e, 0x77, 9, 9, 9, 9, 9, 9};
    return true;
  };
  pair.start();
  pair.run_until([&] { return pair.client->close_info().has_value(); });
  ASSERT_TRUE(pair.client->close_info());
  EXPECT_EQ(pair.client->close_info()->error_code, 0x08u);
  EXPECT_EQ(pair.client->close_info()->reason, "retry_source_connection_id does not match");
}

TEST(QuicConnectionClose, VersionNegotiationWithoutVersionOneEndsTheClient) {
  for (bool lists_v1 : {false, true}) {
    SCOPED_TRACE(lists_v1);
    QuicPair pair;
    pair.before_server = [&](std::vector<uint8_t>& d) {
      PacketHeader h;
      parse_packet_header(d, 8, h);
      std::vector<uint8_t> vn;
      wire::Writer w(vn);
      std::vector<uint32_t> versions = {0xff00001d, 0x6b3343cf};
      if (lists_v1) versions.push_back(1);
      write_version_negotiation(w, 0x15, h.scid, h.dcid, versions);
      pair.inject(Side::client, vn);
      return lists_v1;  // listed: the server goes on with the handshake
    };
    pair.start();
    if (!lists_v1) {
      pair.run_until([&] { return pair.client->state() == ConnectionState::closed; }, 5s);
      EXPECT_EQ(pair.client->state(), ConnectionState::closed);
      ASSERT_TRUE(pair.client->close_info());
      EXPECT_EQ(pair.client->close_info()->cause, CloseInfo::Cause::version_negotiation);
      EXPECT_FALSE(pair.client->close_sent());
    } else {
      EXPECT_TRUE(pair.handshake());
    }
  }
}

}  // namespace
}  // namespace adieu::quic::test
