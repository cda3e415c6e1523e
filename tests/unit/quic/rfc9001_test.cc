// Known answers: the sample packets of RFC 9001 Appendix A, byte for byte.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "../crypto/hex.h"
#include "crypto/header_protection.h"
#include "crypto/hkdf.h"
#include "engine/quic/initial_secrets.h"
#include "engine/quic/packet_header.h"
#include "engine/quic/packet_protection.h"
#include "engine/quic/retry.h"
#include "rfc9001_vectors.h"

namespace adieu::quic {
namespace {

using adieu::test::from_hex;
using adieu::test::to_hex;
using Bytes = std::vector<uint8_t>;

std::string expand(std::span<const uint8_t> secret, const char* label, size_t n) {
  const crypto::Secret s = crypto::hkdf_expand_label(crypto::HashAlg::sha256, secret, label, {}, n);
  return to_hex(s.span());
}

std::string mask_hex(crypto::AeadAlg alg, const char* hp, const char* sample) {
  crypto::HeaderProtection header;
  EXPECT_TRUE(header.init(alg, from_hex(hp)));
  const Bytes s = from_hex(sample);
  std::array<uint8_t, crypto::kHeaderProtectionMaskSize> mask{};
  EXPECT_TRUE(header.mask(std::span<const uint8_t, 16>(s.data(), 16), mask));
  return to_hex(mask);
}

// The client's Initial packet of A.2, unprotected: header then payload
// (CRYPTO frame and PADDING), plus room for the tag.
Bytes client_initial_plaintext() {
  Bytes packet = from_hex(test::kClientUnprotectedHeader);
  Bytes payload = from_hex(test::kClientCryptoFrame);
  payload.resize(test::kClientPayloadSize, 0);  // PADDING frames
  packet.insert(packet.end(), payload.begin(), payload.end());
  packet.resize(packet.size() + crypto::kAeadTagSize);
  return packet;
}

TEST(Rfc9001, InitialSecretsAndKeys) {
  // A.1
  const InitialSecrets secrets = derive_initial_secrets(from_hex(test::kClientDcid));
  EXPECT_EQ(to_hex(secrets.client.span()), to_hex(from_hex(test::kClientInitialSecret)));
  EXPECT_EQ(to_hex(secrets.server.span()), to_hex(from_hex(test::kServerInitialSecret)));
  EXPECT_EQ(expand(secrets.client.span(), "quic key", 16), test::kClientKey);
  EXPECT_EQ(expand(secrets.client.span(), "quic iv", 12), test::kClientIv);
  EXPECT_EQ(expand(secrets.client.span(), "quic hp", 16), test::kClientHp);
  EXPECT_EQ(expand(secrets.server.span(), "quic key", 16), test::kServerKey);
  EXPECT_EQ(expand(secrets.server.span(), "quic iv", 12), test::kServerIv);
  EXPECT_EQ(expand(secrets.server.span(), "quic hp", 16), test::kServerHp);
}

TEST(Rfc9001, HeaderProtectionMasks) {
  EXPECT_EQ(mask_hex(crypto::AeadAlg::aes_128_gcm, test::kClientHp, test::kClientSample),
            test::kClientMask);
  EXPECT_EQ(mask_hex(crypto::AeadAlg::aes_128_gcm, test::kServerHp, test::kServerSample),
            test::kServerMask);
  EXPECT_EQ(mask_hex(crypto::AeadAlg::chacha20_poly1305, test::kChachaHp, test::kChachaSample),
            test::kChachaMask);
}

TEST(Rfc9001, HeaderProtectionRefusesWrongKeysAndWorksOnlyWhenKeyed) {
  crypto::HeaderProtection header;
  const Bytes sample(16, 0);
  std::array<uint8_t, crypto::kHeaderProtectionMaskSize> mask{};
  EXPECT_FALSE(header.mask(std::span<const uint8_t, 16>(sample.data(), 16), mask));
  EXPECT_FALSE(header.init(crypto::AeadAlg::aes_128_gcm, Bytes(32, 1)));
  EXPECT_FALSE(header.init(crypto::AeadAlg::chacha20_poly1305, Bytes(16, 1)));
  EXPECT_FALSE(header.ready());
  ASSERT_TRUE(header.init(crypto::AeadAlg::aes_256_gcm, Bytes(32, 1)));
  EXPECT_TRUE(header.mask(std::span<const uint8_t, 16>(sample.data(), 16), mask));
  header.clear();
  EXPECT_FALSE(header.mask(std::span<const uint8_t, 16>(sample.data(), 16), mask));
}

TEST(Rfc9001, ClientInitialIsProtectedByteForByte) {
  // A.2
  const InitialSecrets secrets = derive_initial_secrets(from_hex(test::kClientDcid));
  PacketProtection client;
  ASSERT_TRUE(client.install(kInitialSuite, secrets.client.span()));
  Bytes packet = client_initial_plaintext();
  const size_t pn_offset = from_hex(test::kClientUnprotectedHeader).size() - 4;
  ASSERT_TRUE(client.protect(packet, pn_offset, 2));
  EXPECT_EQ(to_hex(packet), to_hex(from_hex(test::kClientProtectedPacket)));
}

TEST(Rfc9001, ClientInitialIsUnprotectedBack) {
  const InitialSecrets secrets = derive_initial_secrets(from_hex(test::kClientDcid));
  PacketProtection server_side;  // the server reads with the client's keys
  ASSERT_TRUE(server_side.install(kInitialSuite, secrets.client.span()));
  Bytes datagram = from_hex(test::kClientProtectedPacket);

  PacketHeader header;
  ASSERT_EQ(parse_packet_header(datagram, 8, header), HeaderStatus::ok);
  EXPECT_EQ(header.type, PacketType::initial);
  EXPECT_EQ(to_hex(header.dcid), test::kClientDcid);
  EXPECT_TRUE(header.scid.empty());
  EXPECT_TRUE(header.token.empty());
  EXPECT_EQ(header.packet.size(), datagram.size());

  UnprotectedPacket opened;
  ASSERT_EQ(server_side.unprotect(datagram, header.pn_offset, std::nullopt, opened),
            UnprotectStatus::ok);
  EXPECT_EQ(opened.packet_number, 2u);
  EXPECT_EQ(opened.pn_length, 4u);
  EXPECT_EQ(opened.first_byte, 0xc3);
  const Bytes expected = client_initial_plaintext();
  EXPECT_EQ(to_hex(Bytes(datagram.begin(), datagram.begin() + 22)), test::kClientUnprotectedHeader);
  ASSERT_EQ(opened.payload.size(), test::kClientPayloadSize);
  EXPECT_TRUE(std::equal(opened.payload.begin(), opened.payload.end(), expected.begin() + 22));
}

TEST(Rfc9001, ServerInitialIsProtectedAndUnprotected) {
  // A.3
  const InitialSecrets secrets = derive_initial_secrets(from_hex(test::kClientDcid));
  PacketProtection server;
  ASSERT_TRUE(server.install(kInitialSuite, secrets.server.span()));
  Bytes packet = from_hex(test::kServerUnprotectedHeader);
  const size_t pn_offset = packet.size() - 2;
  const Bytes payload = from_hex(test::kServerPayload);
  packet.insert(packet.end(), payload.begin(), payload.end());
  packet.resize(packet.size() + crypto::kAeadTagSize);
  ASSERT_TRUE(server.protect(packet, pn_offset, 1));
  EXPECT_EQ(to_hex(packet), to_hex(from_hex(test::kServerProtectedPacket)));

  PacketProtection client_side;
  ASSERT_TRUE(client_side.install(kInitialSuite, secrets.server.span()));
  PacketHeader header;
  ASSERT_EQ(parse_packet_header(packet, 0, header), HeaderStatus::ok);
  EXPECT_EQ(to_hex(header.scid), "f067a5502a4262b5");
  UnprotectedPacket opened;
  ASSERT_EQ(client_side.unprotect(packet, header.pn_offset, 0, opened), UnprotectStatus::ok);
  EXPECT_EQ(opened.packet_number, 1u);
  EXPECT_EQ(to_hex(opened.payload), to_hex(payload));
}

TEST(Rfc9001, HeaderWriterReproducesTheSampleHeaders) {
  const Bytes dcid = from_hex(test::kClientDcid);
  Bytes out;
  wire::Writer w(out);
  const size_t pn_offset =
      write_long_header(w, LongHeader{PacketType::initial, kQuicVersion1, dcid, {}, {}}, 2, 4,
                        test::kClientPayloadSize);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(to_hex(out), test::kClientUnprotectedHeader);
  EXPECT_EQ(pn_offset, 18u);

  Bytes server_out;
  wire::Writer sw(server_out);
  const Bytes scid = from_hex("f067a5502a4262b5");
  write_long_header(sw, LongHeader{PacketType::initial, kQuicVersion1, {}, scid, {}}, 1, 2,
                    from_hex(test::kServerPayload).size());
  EXPECT_EQ(to_hex(server_out), test::kServerUnprotectedHeader);
}

TEST(Rfc9001, RetryIntegrityTag) {
  // A.4
  const Bytes retry = from_hex(test::kRetryPacket);
  PacketHeader header;
  ASSERT_EQ(parse_packet_header(retry, 0, header), HeaderStatus::ok);
  ASSERT_EQ(header.type, PacketType::retry);
  EXPECT_EQ(std::string(header.token.begin(), header.token.end()), "token");
  EXPECT_TRUE(verify_retry(header, from_hex(test::kClientDcid)));
  EXPECT_FALSE(verify_retry(header, from_hex("8394c8f03e515709")));

  Bytes written;
  wire::Writer w(written);
  write_retry(w, retry[0] & 0x0f, header.dcid, header.scid, header.token,
              from_hex(test::kClientDcid));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(to_hex(written), to_hex(retry));

  for (size_t i = 0; i < retry.size(); ++i) {  // any flipped bit breaks the tag
    Bytes bad = retry;
    bad[i] ^= 0x01;
    PacketHeader h;
    if (parse_packet_header(bad, 0, h) != HeaderStatus::ok || h.type != PacketType::retry) {
      continue;
    }
    EXPECT_FALSE(verify_retry(h, from_hex(test::kClientDcid))) << i;
  }
}

TEST(Rfc9001, RetryWithAnEmptyTokenIsRefused) {
  Bytes out;
  wire::Writer w(out);
  write_retry(w, 0, from_hex("01"), from_hex("02"), {}, from_hex(test::kClientDcid));
  EXPECT_FALSE(w.ok());
  // Forge one with a valid tag over an empty token: still refused.
  Bytes packet = from_hex("f00000000101010102");
  std::array<uint8_t, kRetryIntegrityTagSize> tag;
  ASSERT_TRUE(retry_integrity_tag(from_hex(test::kClientDcid), packet, tag));
  packet.insert(packet.end(), tag.begin(), tag.end());
  PacketHeader header;
  ASSERT_EQ(parse_packet_header(packet, 0, header), HeaderStatus::ok);
  EXPECT_FALSE(verify_retry(header, from_hex(test::kClientDcid)));
}

TEST(Rfc9001, ChaCha20ShortHeaderPacket) {
  // A.5
  const Bytes secret = from_hex(test::kChachaSecret);
  const crypto::HashAlg sha256 = crypto::HashAlg::sha256;
  EXPECT_EQ(to_hex(crypto::hkdf_expand_label(sha256, secret, "quic key", {}, 32).span()),
            to_hex(from_hex(test::kChachaKey)));
  EXPECT_EQ(to_hex(crypto::hkdf_expand_label(sha256, secret, "quic iv", {}, 12).span()),
            test::kChachaIv);
  EXPECT_EQ(to_hex(crypto::hkdf_expand_label(sha256, secret, "quic hp", {}, 32).span()),
            to_hex(from_hex(test::kChachaHp)));
  EXPECT_EQ(to_hex(next_traffic_secret(sha256, secret).span()), to_hex(from_hex(test::kChachaKu)));

  PacketProtection server;
  ASSERT_TRUE(server.install(crypto::CipherSuite::chacha20_poly1305_sha256, secret));
  Bytes packet;
  wire::Writer w(packet);
  const size_t pn_offset = write_short_header(w, {}, false, false, test::kChachaPacketNumber, 3);
  EXPECT_EQ(to_hex(packet), test::kChachaUnprotectedHeader);
  w.u8(0x01);  // PING
  packet.resize(packet.size() + crypto::kAeadTagSize);
  ASSERT_TRUE(server.protect(packet, pn_offset, test::kChachaPacketNumber));
  EXPECT_EQ(to_hex(packet), test::kChachaPacket);

  PacketProtection client;
  ASSERT_TRUE(client.install(crypto::CipherSuite::chacha20_poly1305_sha256, secret));
  PacketHeader header;
  ASSERT_EQ(parse_packet_header(packet, 0, header), HeaderStatus::ok);
  EXPECT_EQ(header.type, PacketType::one_rtt);
  UnprotectedPacket opened;
  ASSERT_EQ(client.unprotect(packet, header.pn_offset, test::kChachaPacketNumber - 1, opened),
            UnprotectStatus::ok);
  EXPECT_EQ(opened.packet_number, test::kChachaPacketNumber);
  EXPECT_EQ(to_hex(opened.payload), "01");
  EXPECT_FALSE(opened.key_phase);
}

TEST(Rfc9001, KeyUpdateChangesThePacketKeyOnly) {
  const Bytes secret = from_hex(test::kChachaSecret);
  const crypto::Secret next = next_traffic_secret(crypto::HashAlg::sha256, secret);
  PacketProtection sender;
  PacketProtection receiver;
  ASSERT_TRUE(sender.install(crypto::CipherSuite::chacha20_poly1305_sha256, secret));
  ASSERT_TRUE(receiver.install(crypto::CipherSuite::chacha20_poly1305_sha256, secret));
  ASSERT_TRUE(sender.update_packet_key(next.span()));

  Bytes packet;
  wire::Writer w(packet);
  const size_t pn_offset = write_short_header(w, {}, false, true, 7, 1);
  for (int i = 0; i < 4; ++i) w.u8(0x01);
  packet.resize(packet.size() + crypto::kAeadTagSize);
  ASSERT_TRUE(sender.protect(packet, pn_offset, 7));

  // The old packet key fails; the header protection key still applies.
  Bytes copy = packet;
  UnprotectedPacket opened;
  EXPECT_EQ(receiver.unprotect(copy, pn_offset, 6, opened), UnprotectStatus::decrypt_failed);
  PacketNumberField field;
  copy = packet;
  ASSERT_TRUE(receiver.remove_header_protection(copy, pn_offset, field));
  EXPECT_EQ(field.truncated, 7u);
  EXPECT_NE(field.first_byte & 0x04, 0);  // key phase 1
  ASSERT_TRUE(receiver.update_packet_key(next.span()));
  EXPECT_EQ(receiver.unprotect(packet, pn_offset, 6, opened), UnprotectStatus::ok);
  EXPECT_TRUE(opened.key_phase);
  EXPECT_EQ(opened.packet_number, 7u);
}

TEST(Rfc9001, TamperedPacketsAreRejected) {
  const InitialSecrets secrets = derive_initial_secrets(from_hex(test::kClientDcid));
  PacketProtection keys;
  ASSERT_TRUE(keys.install(kInitialSuite, secrets.server.span()));
  const Bytes original = from_hex(test::kServerProtectedPacket);
  const size_t pn_offset = 18;
  for (size_t i = 0; i < original.size(); ++i) {
    Bytes bad = original;
    bad[i] ^= 0x40;
    UnprotectedPacket opened;
    EXPECT_NE(keys.unprotect(bad, pn_offset, 0, opened), UnprotectStatus::ok) << i;
  }
  for (size_t n = 0; n < pn_offset + 20; ++n) {  // too short to sample
    Bytes cut(original.begin(), original.begin() + static_cast<ptrdiff_t>(n));
    UnprotectedPacket opened;
    EXPECT_EQ(keys.unprotect(cut, pn_offset, 0, opened), UnprotectStatus::too_short) << n;
  }
}

TEST(Rfc9001, ReservedBitsAreReportedAfterAuthentication) {
  const InitialSecrets secrets = derive_initial_secrets(from_hex(test::kClientDcid));
  PacketProtection keys;
  ASSERT_TRUE(keys.install(kInitialSuite, secrets.server.span()));
  Bytes packet = from_hex(test::kServerUnprotectedHeader);
  packet[0] |= 0x04;  // a reserved bit
  const Bytes payload = from_hex(test::kServerPayload);
  packet.insert(packet.end(), payload.begin(), payload.end());
  packet.resize(packet.size() + crypto::kAeadTagSize);
  ASSERT_TRUE(keys.protect(packet, 18, 1));
  UnprotectedPacket opened;
  EXPECT_EQ(keys.unprotect(packet, 18, 0, opened), UnprotectStatus::reserved_bits_set);
}

TEST(Rfc9001, ProtectRefusesPacketsTooShortToSample) {
  PacketProtection keys;
  ASSERT_TRUE(keys.install(crypto::CipherSuite::aes_256_gcm_sha384, Bytes(48, 7)));
  Bytes packet;
  wire::Writer w(packet);
  const size_t pn_offset = write_short_header(w, from_hex("0102"), false, false, 1, 1);
  w.u8(0x01);  // 1-byte pn + 1-byte payload: 2 < 4
  packet.resize(packet.size() + crypto::kAeadTagSize);
  EXPECT_FALSE(keys.protect(packet, pn_offset, 1));
  packet.insert(packet.begin() + static_cast<ptrdiff_t>(pn_offset + 2), {0, 0});  // PADDING
  EXPECT_TRUE(keys.protect(packet, pn_offset, 1));
}

}  // namespace
}  // namespace adieu::quic
