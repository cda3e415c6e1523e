// Frames a peer sends in 1-RTT packets, forged with the traffic secrets the
// client's key log gives (the same secrets the server holds): PATH_CHALLENGE
// answered with PATH_RESPONSE, NEW_TOKEN kept, PING acknowledged, a stream
// frame past the stream limit closing the connection.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "engine/quic/frame_rules.h"
#include "engine/quic/packet_protection.h"
#include "quic_pair.h"

namespace adieu::quic::test {
namespace {

std::vector<uint8_t> unhex(std::string_view hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// A client whose key log lines are kept, by label.
struct LoggedPair {
  std::map<std::string, std::vector<uint8_t>> secrets;
  std::unique_ptr<QuicPair> pair;
  std::vector<std::vector<uint8_t>> from_server;
  std::vector<std::vector<uint8_t>> from_client;
  // Set while the test speaks for the client: the real client must not see
  // the server acknowledge packets it never sent.
  bool cut_server_to_client = false;

  LoggedPair() {
    auto cfg = quic_client_config();
    cfg->set_keylog([this](std::string_view line) {
      const size_t a = line.find(' ');
      const size_t b = line.find(' ', a + 1);
      secrets[std::string(line.substr(0, a))] = unhex(line.substr(b + 1));
    });
    pair = std::make_unique<QuicPair>(cfg);
    pair->rule = [this](Side from, uint64_t, std::vector<uint8_t>& d) {
      (from == Side::server ? from_server : from_client).push_back(d);
      Fate f;
      f.drop = from == Side::server && cut_server_to_client;
      return f;
    };
    pair->start();
    EXPECT_TRUE(pair->handshake());
    pair->run_for(1s);
  }

  std::unique_ptr<PacketProtection> keys(const char* label) {
    auto p = std::make_unique<PacketProtection>();
    const auto suite = crypto::suite_info(pair->client->cipher_suite());
    EXPECT_TRUE(suite.has_value());
    EXPECT_TRUE(p->install(suite->suite, secrets.at(label)));
    return p;
  }

  // A 1-RTT packet from the server to the client carrying `frames`.
  std::vector<uint8_t> server_packet(const std::vector<Frame>& frames, uint64_t pn) {
    std::vector<uint8_t> payload;
    wire::Writer fw(payload);
    for (const Frame& f : frames) write_frame(fw, f);
    while (payload.size() < 4) payload.push_back(0);
    // The client's connection ID: the DCID of the server's datagrams.
    PacketHeader h;
    EXPECT_EQ(parse_packet_header(pair->server_datagrams_log.front(), 8, h), HeaderStatus::ok);
    std::vector<uint8_t> out;
    wire::Writer w(out);
    const size_t pn_offset = write_short_header(w, h.dcid, false, false, pn, 4);
    w.bytes(payload);
    out.resize(out.size() + crypto::kAeadTagSize);
    EXPECT_TRUE(keys("SERVER_TRAFFIC_SECRET_0")->protect(out, pn_offset, pn));
    return out;
  }

  // The frames of the 1-RTT packets in `datagram` sent by `sender`.
  std::vector<Frame> frames_of(const std::vector<uint8_t>& datagram, std::vector<uint8_t>& keep,
                               Side sender = Side::client) {
    keep = datagram;
    CoalescedPackets packets(keep, 8);
    PacketHeader h;
    std::vector<Frame> out;
    while (packets.next(h)) {
      if (h.type != PacketType::one_rtt) continue;
      std::span<uint8_t> packet(const_cast<uint8_t*>(h.packet.data()), h.packet.size());
      UnprotectedPacket up;
      const char* label =
          sender == Side::client ? "CLIENT_TRAFFIC_SECRET_0" : "SERVER_TRAFFIC_SECRET_0";
      if (keys(label)->unprotect(packet, h.pn_offset, std::optional<uint64_t>(10), up) !=
          UnprotectStatus::ok) {
        continue;
      }
      FrameIterator it(std::span<const uint8_t>(up.payload), PacketType::one_rtt,
                       sender == Side::client ? Role::server : Role::client);
      while (std::optional<Frame> f = it.next()) out.push_back(*f);
    }
    return out;
  }
  std::vector<Frame> client_frames(std::vector<uint8_t>& datagram, std::vector<uint8_t>& keep) {
    return frames_of(datagram, keep, Side::client);
  }

  // A 1-RTT packet from the client to the server's connection ID `dcid`.
  std::vector<uint8_t> client_packet(const std::vector<Frame>& frames, uint64_t pn,
                                     std::span<const uint8_t> dcid) {
    std::vector<uint8_t> payload;
    wire::Writer fw(payload);
    for (const Frame& f : frames) write_frame(fw, f);
    while (payload.size() < 4) payload.push_back(0);
    std::vector<uint8_t> out;
    wire::Writer w(out);
    const size_t pn_offset = write_short_header(w, dcid, false, false, pn, 4);
    w.bytes(payload);
    out.resize(out.size() + crypto::kAeadTagSize);
    EXPECT_TRUE(keys("CLIENT_TRAFFIC_SECRET_0")->protect(out, pn_offset, pn));
    return out;
  }

  // Every NEW_CONNECTION_ID the server sent so far, by sequence number.
  std::map<uint64_t, std::pair<std::vector<uint8_t>, StatelessResetToken>> server_new_ids() {
    std::map<uint64_t, std::pair<std::vector<uint8_t>, StatelessResetToken>> ids;
    for (const std::vector<uint8_t>& d : from_server) {
      std::vector<uint8_t> keep;
      for (const Frame& f : frames_of(d, keep, Side::server)) {
        if (const auto* n = std::get_if<NewConnectionIdFrame>(&f)) {
          ids[n->sequence_number] = {
              std::vector<uint8_t>(n->connection_id.begin(), n->connection_id.end()),
              n->stateless_reset_token};
        }
      }
    }
    return ids;
  }
};

TEST(QuicConnectionFrames, PathChallengeIsAnsweredAndNewTokenKept) {
  LoggedPair lp;
  QuicPair& pair = *lp.pair;
  const std::array<uint8_t, 8> challenge = {1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<uint8_t> token = {0xaa, 0xbb, 0xcc};
  pair.inject(Side::client,
              lp.server_packet({PathChallengeFrame{challenge}, NewTokenFrame{token}}, 100));
  EXPECT_EQ(pair.client->stats().packets_dropped, 0u);
  EXPECT_EQ(pair.client->new_token(), token);
  bool answered = false;
  std::vector<uint8_t> out;
  while (pair.client->send(pair.now, out)) {
    std::vector<uint8_t> keep;
    for (const Frame& f : lp.client_frames(out, keep)) {
      if (const auto* r = std::get_if<PathResponseFrame>(&f)) answered = r->data == challenge;
    }
  }
  EXPECT_TRUE(answered);
  EXPECT_EQ(pair.client->state(), ConnectionState::established);
}

TEST(QuicConnectionFrames, PingIsAcknowledged) {
  LoggedPair lp;
  QuicPair& pair = *lp.pair;
  pair.inject(Side::client, lp.server_packet({PingFrame{}}, 200));
  bool acked = false;
  std::vector<uint8_t> out;
  // A lone ack-eliciting packet is acknowledged within max_ack_delay.
  pair.now += 30ms;
  pair.client->on_timeout(pair.now);
  while (pair.client->send(pair.now, out)) {
    std::vector<uint8_t> keep;
    for (const Frame& f : lp.client_frames(out, keep)) {
      if (const auto* a = std::get_if<AckFrame>(&f)) acked = a->ranges.front().largest == 200;
    }
  }
  EXPECT_TRUE(acked);
}

TEST(QuicConnectionFrames, StreamBeyondTheLimitIsAStreamLimitError) {
  LoggedPair lp;
  QuicPair& pair = *lp.pair;
  // Server-initiated bidirectional stream number 100 (id 401): the client
  // allows 100 (indexes 0 to 99).
  const std::vector<uint8_t> data = {1, 2, 3};
  pair.inject(Side::client, lp.server_packet({StreamFrame{401, 0, data, false, false, true}}, 300));
  ASSERT_TRUE(pair.client->close_info());
  EXPECT_EQ(pair.client->close_info()->error_code, 0x04u);  // STREAM_LIMIT_ERROR
  EXPECT_EQ(pair.client->close_info()->frame_type, 0x0au);
  EXPECT_EQ(pair.client->state(), ConnectionState::closing);
  ASSERT_TRUE(pair.run_until([&] { return pair.server->state() == ConnectionState::draining; }));
  EXPECT_EQ(pair.server->close_info()->error_code, 0x04u);
  EXPECT_EQ(pair.server->close_info()->cause, CloseInfo::Cause::peer);
}

TEST(QuicConnectionFrames, ServerIssuesConnectionIdsAndReplacesRetiredOnes) {
  LoggedPair lp;
  QuicPair& pair = *lp.pair;
  // Up to the client's active_connection_id_limit (4): sequences 1 to 3,
  // each token derived from the endpoint's key (RFC 9000 section 10.3.2).
  auto ids = lp.server_new_ids();
  ASSERT_EQ(ids.size(), 3u);
  for (const auto& [seq, id] : ids) {
    EXPECT_GE(seq, 1u);
    EXPECT_LE(seq, 3u);
    EXPECT_EQ(id.first.size(), 8u);
    EXPECT_EQ(id.second, stateless_reset_token(*pair.server_settings.stateless_reset_key,
                                               *ConnectionId::from(id.first)));
  }
  // A packet sent to a new ID reaches the connection.
  lp.cut_server_to_client = true;
  const uint64_t received = pair.server->stats().packets_received;
  pair.inject(Side::server, lp.client_packet({PingFrame{}}, 100, ids.at(2).first));
  EXPECT_EQ(pair.server->stats().packets_received, received + 1);
  // Retiring sequence 1 (in a packet sent to sequence 2) gets a new ID, 4.
  pair.inject(Side::server, lp.client_packet({RetireConnectionIdFrame{1}}, 101, ids.at(2).first));
  EXPECT_EQ(pair.server->state(), ConnectionState::established);
  pair.run_for(1s);
  ids = lp.server_new_ids();
  EXPECT_EQ(ids.count(4), 1u);
  // The retired ID no longer reaches the connection.
  const uint64_t dropped = pair.server->stats().packets_dropped;
  pair.inject(Side::server, lp.client_packet({PingFrame{}}, 102, ids.at(1).first));
  EXPECT_EQ(pair.server->stats().packets_dropped, dropped + 1);
  // Retiring the ID the packet was sent to: PROTOCOL_VIOLATION.
  pair.inject(Side::server, lp.client_packet({RetireConnectionIdFrame{2}}, 103, ids.at(2).first));
  ASSERT_TRUE(pair.server->close_info());
  EXPECT_EQ(pair.server->close_info()->error_code, 0x0au);
  EXPECT_EQ(pair.server->close_info()->frame_type, 0x19u);
}

TEST(QuicConnectionFrames, StatelessResetWithTheTokenOfAnIssuedId) {
  LoggedPair lp;
  QuicPair& pair = *lp.pair;
  const auto ids = lp.server_new_ids();
  ASSERT_EQ(ids.count(3), 1u);
  std::vector<uint8_t> reset(30, 0x47);
  std::copy(ids.at(3).second.begin(), ids.at(3).second.end(), reset.end() - 16);
  pair.inject(Side::client, reset);
  EXPECT_EQ(pair.client->state(), ConnectionState::closed);
  EXPECT_EQ(pair.client->close_info()->cause, CloseInfo::Cause::stateless_reset);
}

}  // namespace
}  // namespace adieu::quic::test
