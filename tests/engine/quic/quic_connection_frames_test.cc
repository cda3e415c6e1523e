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

  LoggedPair() {
    auto cfg = quic_client_config();
    cfg->set_keylog([this](std::string_view line) {
      const size_t a = line.find(' ');
      const size_t b = line.find(' ', a + 1);
      secrets[std::string(line.substr(0, a))] = unhex(line.substr(b + 1));
    });
    pair = std::make_unique<QuicPair>(cfg);
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

  // The frames of the client's 1-RTT packets in `datagram`.
  std::vector<Frame> client_frames(std::vector<uint8_t>& datagram, std::vector<uint8_t>& keep) {
    keep = datagram;
    CoalescedPackets packets(keep, 8);
    PacketHeader h;
    std::vector<Frame> out;
    while (packets.next(h)) {
      if (h.type != PacketType::one_rtt) continue;
      std::span<uint8_t> packet(const_cast<uint8_t*>(h.packet.data()), h.packet.size());
      UnprotectedPacket up;
      if (keys("CLIENT_TRAFFIC_SECRET_0")
              ->unprotect(packet, h.pn_offset, std::optional<uint64_t>(10), up) !=
          UnprotectStatus::ok) {
        continue;
      }
      FrameIterator it(std::span<const uint8_t>(up.payload), PacketType::one_rtt, Role::server);
      while (std::optional<Frame> f = it.next()) out.push_back(*f);
    }
    return out;
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

}  // namespace
}  // namespace adieu::quic::test
