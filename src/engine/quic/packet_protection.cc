#include "engine/quic/packet_protection.h"

#include <array>

#include "crypto/hkdf.h"
#include "engine/quic/packet_number.h"

namespace adieu::quic {

namespace {

constexpr uint8_t kHeaderForm = 0x80;
// Header protection masks 4 bits of a long header's first byte and 5 of a
// short header's (RFC 9001 section 5.4.1).
uint8_t protected_bits(uint8_t first_byte) {
  return (first_byte & kHeaderForm) != 0 ? 0x0f : 0x1f;
}
// Reserved bits (RFC 9000 sections 17.2 and 17.3.1).
uint8_t reserved_bits(uint8_t first_byte) {
  return (first_byte & kHeaderForm) != 0 ? 0x0c : 0x18;
}

// The sample starts 4 bytes after the start of the packet number, as if it
// were 4 bytes long (RFC 9001 section 5.4.2).
constexpr size_t kSampleOffset = 4;

bool sample_fits(size_t packet_size, size_t pn_offset) {
  return pn_offset < packet_size &&
         packet_size - pn_offset >= kSampleOffset + crypto::kHeaderProtectionSampleSize;
}

// Applies (or removes: XOR is its own inverse) the mask to the first byte
// and to `pn_length` packet number bytes.
void apply_mask(std::span<uint8_t> packet, size_t pn_offset, size_t pn_length,
                const std::array<uint8_t, crypto::kHeaderProtectionMaskSize>& mask) {
  packet[0] ^= static_cast<uint8_t>(mask[0] & protected_bits(packet[0]));
  for (size_t i = 0; i < pn_length; ++i) packet[pn_offset + i] ^= mask[1 + i];
}

}  // namespace

crypto::Secret next_traffic_secret(crypto::HashAlg hash, std::span<const uint8_t> secret) {
  return crypto::hkdf_expand_label(hash, secret, "quic ku", {}, crypto::hash_size(hash));
}

bool PacketProtection::install(crypto::CipherSuite suite, std::span<const uint8_t> secret) {
  clear();
  const crypto::SuiteInfo& info = crypto::suite_info(suite);
  const size_t key_size = crypto::aead_key_size(info.aead);
  const crypto::Secret key = crypto::hkdf_expand_label(info.hash, secret, "quic key", {}, key_size);
  const crypto::Secret iv =
      crypto::hkdf_expand_label(info.hash, secret, "quic iv", {}, crypto::kAeadNonceSize);
  // The header protection key has the AEAD key's length (RFC 9001 section 5.1).
  const crypto::Secret hp = crypto::hkdf_expand_label(info.hash, secret, "quic hp", {}, key_size);
  if (key.empty() || iv.empty() || hp.empty() || !aead_.init(info.aead, key.span(), iv.span()) ||
      !header_.init(info.aead, hp.span())) {
    clear();
    return false;
  }
  suite_ = suite;
  return true;
}

bool PacketProtection::update_packet_key(std::span<const uint8_t> next_secret) {
  if (!ready()) return false;
  const crypto::SuiteInfo& info = crypto::suite_info(suite_);
  const crypto::Secret key = crypto::hkdf_expand_label(info.hash, next_secret, "quic key", {},
                                                       crypto::aead_key_size(info.aead));
  const crypto::Secret iv =
      crypto::hkdf_expand_label(info.hash, next_secret, "quic iv", {}, crypto::kAeadNonceSize);
  if (key.empty() || iv.empty() || !aead_.init(info.aead, key.span(), iv.span())) {
    clear();
    return false;
  }
  return true;
}

void PacketProtection::clear() {
  aead_.clear();
  header_.clear();
}

bool PacketProtection::protect(std::span<uint8_t> packet, size_t pn_offset, uint64_t pn) {
  if (!ready() || !sample_fits(packet.size(), pn_offset)) return false;
  const size_t pn_length = (packet[0] & 0x03) + 1u;
  const size_t header_size = pn_offset + pn_length;
  if (packet.size() < header_size + crypto::kAeadTagSize) return false;
  const std::span<uint8_t> payload =
      packet.subspan(header_size, packet.size() - header_size - crypto::kAeadTagSize);
  const std::span<uint8_t, crypto::kAeadTagSize> tag = packet.last<crypto::kAeadTagSize>();
  if (!aead_.seal(pn, packet.first(header_size), payload, tag)) return false;

  std::array<uint8_t, crypto::kHeaderProtectionMaskSize> mask;
  const auto sample =
      packet.subspan(pn_offset + kSampleOffset).first<crypto::kHeaderProtectionSampleSize>();
  if (!header_.mask(sample, mask)) return false;
  apply_mask(packet, pn_offset, pn_length, mask);
  return true;
}

bool PacketProtection::remove_header_protection(std::span<uint8_t> packet, size_t pn_offset,
                                                PacketNumberField& field) {
  if (!header_.ready() || !sample_fits(packet.size(), pn_offset)) return false;
  std::array<uint8_t, crypto::kHeaderProtectionMaskSize> mask;
  const auto sample =
      packet.subspan(pn_offset + kSampleOffset).first<crypto::kHeaderProtectionSampleSize>();
  if (!header_.mask(sample, mask)) return false;
  packet[0] ^= static_cast<uint8_t>(mask[0] & protected_bits(packet[0]));
  field.first_byte = packet[0];
  field.length = (packet[0] & 0x03) + 1u;
  field.truncated = 0;
  for (size_t i = 0; i < field.length; ++i) {
    packet[pn_offset + i] ^= mask[1 + i];
    field.truncated = (field.truncated << 8) | packet[pn_offset + i];
  }
  return true;
}

bool PacketProtection::open_payload(std::span<uint8_t> packet, size_t pn_offset, size_t pn_length,
                                    uint64_t pn, std::span<uint8_t>& payload) {
  const size_t header_size = pn_offset + pn_length;
  if (!aead_.ready() || packet.size() < header_size + crypto::kAeadTagSize) return false;
  const std::span<uint8_t> ciphertext =
      packet.subspan(header_size, packet.size() - header_size - crypto::kAeadTagSize);
  const std::span<const uint8_t, crypto::kAeadTagSize> tag = packet.last<crypto::kAeadTagSize>();
  if (!aead_.open(pn, packet.first(header_size), ciphertext, tag)) return false;
  payload = ciphertext;
  return true;
}

UnprotectStatus PacketProtection::unprotect(std::span<uint8_t> packet, size_t pn_offset,
                                            std::optional<uint64_t> largest_pn,
                                            UnprotectedPacket& out) {
  PacketNumberField field;
  if (!remove_header_protection(packet, pn_offset, field)) return UnprotectStatus::too_short;
  const uint64_t pn = decode_packet_number(largest_pn, field.truncated, field.length);
  std::span<uint8_t> payload;
  if (!open_payload(packet, pn_offset, field.length, pn, payload)) {
    return UnprotectStatus::decrypt_failed;
  }
  out.first_byte = field.first_byte;
  out.pn_length = field.length;
  out.packet_number = pn;
  out.payload = payload;
  out.key_phase = (field.first_byte & kHeaderForm) == 0 && (field.first_byte & 0x04) != 0;
  if ((field.first_byte & reserved_bits(field.first_byte)) != 0) {
    return UnprotectStatus::reserved_bits_set;
  }
  return UnprotectStatus::ok;
}

}  // namespace adieu::quic
