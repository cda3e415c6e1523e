// The wire layer end to end: frames written into packets, the packets
// protected and coalesced into one datagram, then the datagram walked,
// unprotected and its frames read back.
#include <gtest/gtest.h>

#include <vector>

#include "crypto/aead.h"
#include "engine/quic/frame.h"
#include "engine/quic/frame_rules.h"
#include "engine/quic/initial_secrets.h"
#include "engine/quic/packet_header.h"
#include "engine/quic/packet_number.h"
#include "engine/quic/packet_protection.h"

namespace adieu::quic {
namespace {

using ByteVec = std::vector<uint8_t>;

const ByteVec kClientCid = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
const ByteVec kServerCid = {0xf0, 0x67, 0xa5, 0x50};
const ByteVec kHello = {1, 2, 3, 4, 5, 6, 7, 8, 9};

ByteVec frames_bytes(const std::vector<Frame>& frames) {
  ByteVec out;
  wire::Writer w(out);
  for (const Frame& f : frames) write_frame(w, f);
  EXPECT_TRUE(w.ok());
  return out;
}

// Appends one protected packet to `datagram`: the header from `write_header`
// (which returns the packet number's offset), `payload`, the tag.
template <typename WriteHeader>
void append_packet(ByteVec& datagram, PacketProtection& keys, uint64_t pn, const ByteVec& payload,
                   WriteHeader write_header) {
  const size_t start = datagram.size();
  wire::Writer w(datagram);
  const size_t pn_offset = write_header(w);
  ASSERT_TRUE(w.ok());
  w.bytes(payload);
  datagram.resize(datagram.size() + crypto::kAeadTagSize);
  ASSERT_TRUE(keys.protect(std::span<uint8_t>(datagram).subspan(start), pn_offset, pn));
}

TEST(Datagram, ProtectedPacketsCoalesceAndComeBack) {
  const InitialSecrets initial = derive_initial_secrets(kClientCid);
  const ByteVec handshake_secret(32, 0x42);
  const ByteVec app_secret(48, 0x17);
  PacketProtection initial_keys, handshake_keys, app_keys;
  ASSERT_TRUE(initial_keys.install(kInitialSuite, initial.server.span()));
  ASSERT_TRUE(
      handshake_keys.install(crypto::CipherSuite::chacha20_poly1305_sha256, handshake_secret));
  ASSERT_TRUE(app_keys.install(crypto::CipherSuite::aes_256_gcm_sha384, app_secret));

  // The server's flight: Initial (ACK + CRYPTO), Handshake (CRYPTO),
  // 1-RTT (STREAM with FIN, no length: the packet's last frame).
  const ByteVec initial_payload =
      frames_bytes({AckFrame{0, {{0, 0}}, std::nullopt}, CryptoFrame{0, kHello}});
  const ByteVec handshake_payload = frames_bytes({CryptoFrame{0, kHello}, PaddingFrame{3}});
  StreamFrame stream;
  stream.stream_id = 1;
  stream.data = kHello;
  stream.fin = true;
  stream.has_length = false;
  const ByteVec app_payload = frames_bytes({PingFrame{}, stream});

  ByteVec datagram;
  append_packet(datagram, initial_keys, 0, initial_payload, [&](wire::Writer& w) {
    return write_long_header(w, {PacketType::initial, kQuicVersion1, kClientCid, kServerCid, {}}, 0,
                             packet_number_length(0, std::nullopt), initial_payload.size());
  });
  append_packet(datagram, handshake_keys, 300, handshake_payload, [&](wire::Writer& w) {
    return write_long_header(w, {PacketType::handshake, kQuicVersion1, kClientCid, kServerCid, {}},
                             300, packet_number_length(300, 250), handshake_payload.size());
  });
  append_packet(datagram, app_keys, 70000, app_payload, [&](wire::Writer& w) {
    return write_short_header(w, kClientCid, false, false, 70000,
                              packet_number_length(70000, 69000));
  });

  // The client's side.
  CoalescedPackets packets(datagram, kClientCid.size());
  PacketHeader h;
  std::vector<uint64_t> numbers;
  std::vector<Frame> frames;
  const std::optional<uint64_t> largest[] = {std::nullopt, 299, 69999};
  PacketProtection* keys[] = {&initial_keys, &handshake_keys, &app_keys};
  size_t index = 0;
  while (packets.next(h)) {
    ASSERT_LT(index, 3u);
    ByteVec copy(h.packet.begin(), h.packet.end());
    UnprotectedPacket opened;
    ASSERT_EQ(keys[index]->unprotect(copy, h.pn_offset, largest[index], opened),
              UnprotectStatus::ok);
    numbers.push_back(opened.packet_number);
    FrameIterator it(opened.payload, h.type, Role::client);
    while (std::optional<Frame> f = it.next()) {
      // Spans into `copy` die with it: keep only what is compared below.
      if (const auto* c = std::get_if<CryptoFrame>(&*f)) {
        EXPECT_EQ(ByteVec(c->data.begin(), c->data.end()), kHello);
      }
      if (const auto* s = std::get_if<StreamFrame>(&*f)) {
        EXPECT_EQ(ByteVec(s->data.begin(), s->data.end()), kHello);
        EXPECT_TRUE(s->fin);
      }
      frames.push_back(PingFrame{});
    }
    EXPECT_FALSE(it.error().has_value());
    ++index;
  }
  EXPECT_EQ(packets.status(), HeaderStatus::ok);
  EXPECT_EQ(numbers, (std::vector<uint64_t>{0, 300, 70000}));
  EXPECT_EQ(frames.size(), 6u);  // ACK, CRYPTO | CRYPTO, PADDING | PING, STREAM
}

}  // namespace
}  // namespace adieu::quic
