#include "engine/quic/retry.h"

#include <array>
#include <vector>

#include "crypto/aead.h"
#include "crypto/secret.h"
#include "engine/quic/connection_id.h"

namespace adieu::quic {

namespace {

// RFC 9001 section 5.8, QUIC version 1.
constexpr std::array<uint8_t, 16> kRetryKeyV1 = {0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
                                                 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e};
constexpr std::array<uint8_t, 12> kRetryNonceV1 = {0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63,
                                                   0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb};

// This thread's AEAD keyed with the fixed key once; the nonce is the fixed
// nonce with sequence number 0 (iv XOR 0).
crypto::Aead* retry_aead() {
  thread_local crypto::Aead aead;
  if (!aead.ready() && !aead.init(crypto::AeadAlg::aes_128_gcm, kRetryKeyV1, kRetryNonceV1)) {
    return nullptr;
  }
  return &aead;
}

}  // namespace

bool retry_integrity_tag(Bytes original_dcid, Bytes retry_without_tag,
                         std::span<uint8_t, kRetryIntegrityTagSize> tag) {
  crypto::Aead* aead = retry_aead();
  if (aead == nullptr || original_dcid.size() > kMaxConnectionIdSize) return false;
  // Retry Pseudo-Packet: ODCID Length (8), Original Destination Connection
  // ID, then the Retry packet's header and token.
  std::vector<uint8_t> pseudo;
  pseudo.reserve(1 + original_dcid.size() + retry_without_tag.size());
  pseudo.push_back(static_cast<uint8_t>(original_dcid.size()));
  pseudo.insert(pseudo.end(), original_dcid.begin(), original_dcid.end());
  pseudo.insert(pseudo.end(), retry_without_tag.begin(), retry_without_tag.end());
  return aead->seal(0, pseudo, std::span<uint8_t>{}, tag);
}

bool verify_retry(const PacketHeader& header, Bytes original_dcid) {
  if (header.type != PacketType::retry || header.token.empty() ||
      header.integrity_tag.size() != kRetryIntegrityTagSize ||
      header.packet.size() < kRetryIntegrityTagSize) {
    return false;
  }
  std::array<uint8_t, kRetryIntegrityTagSize> expected;
  return retry_integrity_tag(original_dcid,
                             header.packet.first(header.packet.size() - kRetryIntegrityTagSize),
                             expected) &&
         crypto::constant_time_equal(expected, header.integrity_tag);
}

void write_retry(wire::Writer& w, uint8_t unused, Bytes dcid, Bytes scid, Bytes token,
                 Bytes original_dcid) {
  if (token.empty() || dcid.size() > kMaxConnectionIdSize || scid.size() > kMaxConnectionIdSize) {
    w.fail();
    return;
  }
  const size_t start = w.size();
  w.u8(static_cast<uint8_t>(0xf0 | (unused & 0x0f)));  // long header, fixed bit, type 3
  w.u32(kQuicVersion1);
  w.vec8(dcid);
  w.vec8(scid);
  w.bytes(token);
  std::array<uint8_t, kRetryIntegrityTagSize> tag;
  const Bytes packet(w.buffer().data() + start, w.size() - start);
  if (!retry_integrity_tag(original_dcid, packet, tag)) {
    w.fail();
    return;
  }
  w.bytes(tag);
}

}  // namespace adieu::quic
