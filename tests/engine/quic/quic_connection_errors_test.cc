// Protocol errors found in the peer's packets end the connection with
// CONNECTION_CLOSE and the RFC's code: forged server Initials (whose keys
// anyone can derive from the client's first Destination Connection ID,
// RFC 9001 section 5.2) carrying what a server must not send.
#include <gtest/gtest.h>

#include "engine/quic/frame.h"
#include "engine/quic/initial_secrets.h"
#include "engine/quic/packet_protection.h"
#include "quic_pair.h"

namespace adieu::quic::test {
namespace {

struct ForgedServer {
  std::vector<uint8_t> odcid;
  std::vector<uint8_t> client_scid;
  PacketProtection keys;

  explicit ForgedServer(const std::vector<uint8_t>& client_initial) {
    PacketHeader h;
    EXPECT_EQ(parse_packet_header(client_initial, 8, h), HeaderStatus::ok);
    odcid.assign(h.dcid.begin(), h.dcid.end());
    client_scid.assign(h.scid.begin(), h.scid.end());
    EXPECT_TRUE(keys.install(kInitialSuite, derive_initial_secrets(odcid).server.span()));
  }

  // A protected Initial with `payload` (frames) as packet number `pn`.
  std::vector<uint8_t> initial(const std::vector<uint8_t>& payload, uint64_t pn = 0,
                               uint8_t reserved_bits = 0) {
    std::vector<uint8_t> out;
    wire::Writer w(out);
    const std::vector<uint8_t> scid = {0x5e, 1, 2, 3, 4, 5, 6, 7};
    LongHeader lh;
    lh.dcid = client_scid;
    lh.scid = scid;
    std::vector<uint8_t> body = payload;
    if (body.size() < 4) body.resize(4, 0);  // PADDING for the sample
    const size_t pn_offset = write_long_header(w, lh, pn, 1, body.size());
    w.bytes(body);
    out.resize(out.size() + crypto::kAeadTagSize);
    out[0] |= reserved_bits;
    EXPECT_TRUE(keys.protect(out, pn_offset, pn));
    return out;
  }
};

std::vector<uint8_t> frames(std::initializer_list<Frame> list) {
  std::vector<uint8_t> out;
  wire::Writer w(out);
  for (const Frame& f : list) write_frame(w, f);
  return out;
}

struct Case {
  const char* name;
  std::vector<uint8_t> payload;
  uint8_t reserved_bits;
  uint64_t code;
  uint64_t frame_type;
};

TEST(QuicConnectionErrors, ForgedServerInitialsCloseTheClientWithTheRightCode) {
  AckFrame ack_unsent;
  ack_unsent.ranges = {{5, 5}};
  const std::vector<uint8_t> bad_hello = {0x02, 0x00, 0x00, 0x04, 0x03, 0x03, 0x00, 0x00};
  const std::vector<Case> cases = {
      {"HANDSHAKE_DONE in an Initial", frames({HandshakeDoneFrame{}}), 0, 0x0a, 0x1e},
      {"STREAM in an Initial", frames({StreamFrame{0, 0, {}, false, false, true}}), 0, 0x0a, 0x0a},
      {"ACK of a packet never sent", frames({ack_unsent}), 0, 0x0a, 0x02},
      {"truncated ACK", {0x02, 0x05}, 0, 0x07, 0x02},
      {"unknown frame type", {0x21, 0x00, 0x00, 0x00}, 0, 0x07, 0x21},
      {"reserved bits set", frames({PingFrame{}}), 0x0c, 0x0a, 0},
      {"a malformed ServerHello", frames({CryptoFrame{0, bad_hello}}), 0, 0x132, 0x06},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    QuicPair pair;
    pair.start();
    std::vector<uint8_t> first;
    ASSERT_TRUE(pair.client->send(pair.now, first));
    ForgedServer forged(first);
    pair.inject(Side::client, forged.initial(c.payload, 0, c.reserved_bits));
    ASSERT_TRUE(pair.client->close_info()) << pair.client->stats().packets_dropped;
    const CloseInfo& info = *pair.client->close_info();
    EXPECT_EQ(info.cause, CloseInfo::Cause::local);
    EXPECT_TRUE(info.transport);
    EXPECT_EQ(info.error_code, c.code);
    EXPECT_EQ(info.frame_type, c.frame_type);
    EXPECT_EQ(pair.client->state(), ConnectionState::closing);
    // The CONNECTION_CLOSE goes in a full-size Initial.
    std::vector<uint8_t> out;
    ASSERT_TRUE(pair.client->send(pair.now, out));
    EXPECT_EQ(out.size(), 1200u);
    EXPECT_EQ(out[0] & 0xf0, 0xc0);
    EXPECT_TRUE(pair.client->close_sent());
    EXPECT_FALSE(pair.client->send(pair.now, out));
  }
}

TEST(QuicConnectionErrors, ForgedInitialWithTheWrongKeysIsDropped) {
  QuicPair pair;
  pair.start();
  std::vector<uint8_t> first;
  ASSERT_TRUE(pair.client->send(pair.now, first));
  ForgedServer forged(first);
  std::vector<uint8_t> packet = forged.initial(frames({PingFrame{}}));
  packet[packet.size() - 1] ^= 1;  // the tag no longer verifies
  pair.inject(Side::client, packet);
  EXPECT_EQ(pair.client->state(), ConnectionState::handshaking);
  EXPECT_EQ(pair.client->stats().packets_dropped, 1u);
  EXPECT_FALSE(pair.client->close_info());
  // A duplicate of a valid packet is dropped the second time.
  const std::vector<uint8_t> ping = forged.initial(frames({PingFrame{}}), 3);
  pair.inject(Side::client, ping);
  pair.inject(Side::client, ping);
  EXPECT_EQ(pair.client->stats().packets_received, 1u);
  EXPECT_EQ(pair.client->stats().packets_dropped, 2u);
}

}  // namespace
}  // namespace adieu::quic::test
