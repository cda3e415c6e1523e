// OneRttKeys (RFC 9001 section 6): key phases both ways, the previous keys
// kept for delayed packets, the AEAD limits of section 6.6.
#include <gtest/gtest.h>

#include <vector>

#include "crypto/secret.h"
#include "engine/quic/one_rtt_keys.h"
#include "engine/quic/packet_header.h"
#include "wire/writer.h"

namespace adieu::quic {
namespace {

using namespace std::chrono_literals;

crypto::Secret secret(uint8_t fill) {
  const std::vector<uint8_t> bytes(32, fill);
  return crypto::Secret(bytes);
}

constexpr auto kSuite = crypto::CipherSuite::aes_128_gcm_sha256;
const Instant kT0 = Instant{} + 100s;

struct Ends {
  OneRttKeys client;
  OneRttKeys server;
  Ends() {
    EXPECT_TRUE(client.install(kSuite, secret(2), secret(1)));  // reads the server's
    EXPECT_TRUE(server.install(kSuite, secret(1), secret(2)));
  }
};

std::vector<uint8_t> seal(OneRttKeys& from, uint64_t pn) {
  std::vector<uint8_t> out;
  wire::Writer w(out);
  const std::vector<uint8_t> dcid = {1, 2, 3, 4};
  const size_t pn_offset = write_short_header(w, dcid, false, from.write_phase(), pn, 4);
  const std::vector<uint8_t> payload(20, 0x01);  // PING frames
  w.bytes(payload);
  out.resize(out.size() + crypto::kAeadTagSize);
  EXPECT_TRUE(from.write().protect(out, pn_offset, pn));
  from.on_packet_sent(pn);
  return out;
}

UnprotectStatus open(OneRttKeys& to, std::vector<uint8_t> packet, uint64_t largest,
                     Instant now = kT0, uint64_t* pn = nullptr) {
  UnprotectedPacket up;
  const UnprotectStatus s = to.open(packet, 5, largest, up, now, 1s);
  if (pn) *pn = up.packet_number;
  return s;
}

TEST(QuicOneRttKeys, UpdateFollowedByThePeerAndDelayedPacketsOpenWithThePreviousKeys) {
  Ends e;
  const std::vector<uint8_t> early = seal(e.client, 0);
  EXPECT_FALSE(e.client.can_initiate());  // nothing acknowledged yet
  EXPECT_FALSE(e.client.initiate());
  e.client.on_packet_acked(0);
  ASSERT_TRUE(e.client.initiate());
  EXPECT_TRUE(e.client.write_phase());
  EXPECT_FALSE(e.client.can_initiate());  // the new keys are not acknowledged
  EXPECT_EQ(e.client.generation(), 1u);
  // The server opens the new phase with its next keys and follows.
  const std::vector<uint8_t> updated = seal(e.client, 1);
  EXPECT_EQ(open(e.server, updated, 0), UnprotectStatus::ok);
  EXPECT_EQ(e.server.generation(), 1u);
  EXPECT_TRUE(e.server.write_phase());
  // A packet of the old phase, delayed, opens with the previous keys.
  uint64_t pn = 99;
  EXPECT_EQ(open(e.server, early, 1, kT0, &pn), UnprotectStatus::ok);
  EXPECT_EQ(pn, 0u);
  // The client reads the server's new phase.
  EXPECT_EQ(open(e.client, seal(e.server, 0), 0), UnprotectStatus::ok);
  // The previous keys are gone after their lifetime.
  EXPECT_EQ(open(e.server, early, 1, kT0 + 2s), UnprotectStatus::decrypt_failed);
  // Both acknowledged: a second update, by the server this time.
  e.server.on_packet_acked(0);
  e.client.on_packet_acked(1);
  ASSERT_TRUE(e.server.initiate());
  EXPECT_FALSE(e.server.write_phase());
  EXPECT_EQ(open(e.client, seal(e.server, 1), 0), UnprotectStatus::ok);
  EXPECT_EQ(e.client.generation(), 2u);
  EXPECT_FALSE(e.client.write_phase());
}

TEST(QuicOneRttKeys, ForgedPacketDoesNotMoveThePhase) {
  Ends e;
  std::vector<uint8_t> packet = seal(e.client, 0);
  packet[0] ^= 0x04;  // claims the next phase (header protection masks it)
  EXPECT_NE(open(e.server, packet, 0), UnprotectStatus::ok);
  EXPECT_EQ(e.server.generation(), 0u);
  EXPECT_EQ(open(e.server, seal(e.client, 1), 0), UnprotectStatus::ok);
}

TEST(QuicOneRttKeys, AeadLimits) {
  EXPECT_EQ(aead_limits(crypto::CipherSuite::aes_128_gcm_sha256).confidentiality,
            uint64_t{1} << 23);
  EXPECT_EQ(aead_limits(crypto::CipherSuite::chacha20_poly1305_sha256).integrity,
            uint64_t{1} << 36);
  Ends e;
  e.client.set_limits({8, 2});
  for (uint64_t pn = 0; pn < 5; ++pn) seal(e.client, pn);
  EXPECT_FALSE(e.client.update_due());
  seal(e.client, 5);
  EXPECT_TRUE(e.client.update_due());  // 6 of 8
  EXPECT_FALSE(e.client.limit_reached());
  e.client.on_packet_acked(5);
  ASSERT_TRUE(e.client.initiate());  // a new key: counting starts again
  EXPECT_FALSE(e.client.update_due());
  // Integrity: two packets that fail to open.
  std::vector<uint8_t> bad = seal(e.server, 0);
  bad.back() ^= 1;
  EXPECT_EQ(open(e.client, bad, 0), UnprotectStatus::decrypt_failed);
  EXPECT_FALSE(e.client.limit_reached());
  EXPECT_EQ(open(e.client, bad, 0), UnprotectStatus::decrypt_failed);
  EXPECT_TRUE(e.client.limit_reached());
}

}  // namespace
}  // namespace adieu::quic
