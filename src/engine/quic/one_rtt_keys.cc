#include "engine/quic/one_rtt_keys.h"

#include "engine/quic/packet_number.h"

namespace adieu::quic {

namespace {
// Reserved bits of a short header's first byte (RFC 9000 section 17.3.1).
constexpr uint8_t kShortReservedBits = 0x18;
constexpr uint8_t kKeyPhaseBit = 0x04;
}  // namespace

std::unique_ptr<PacketProtection> OneRttKeys::make(const crypto::Secret& base,
                                                   const crypto::Secret& secret) const {
  auto p = std::make_unique<PacketProtection>();
  if (!p->install(suite_, base.span())) return nullptr;
  if (&base != &secret && !p->update_packet_key(secret.span())) return nullptr;
  return p;
}

bool OneRttKeys::install(crypto::CipherSuite suite, const crypto::Secret& read,
                         const crypto::Secret& write) {
  suite_ = suite;
  hash_ = crypto::suite_info(suite).hash;
  read_base_ = read;
  write_base_ = write;
  read_secret_ = read;
  write_secret_ = write;
  read_ = make(read_base_, read_base_);
  write_ = make(write_base_, write_base_);
  if (!read_ || !write_) {
    write_.reset();
    return false;
  }
  if (!derive_next_read()) {
    write_.reset();
    return false;
  }
  return true;
}

bool OneRttKeys::derive_next_read() {
  const crypto::Secret next = next_traffic_secret(hash_, read_secret_.span());
  if (next.empty()) return false;
  read_next_ = make(read_base_, next);
  return read_next_ != nullptr;
}

void OneRttKeys::on_packet_sent(uint64_t pn) {
  if (!write_phase_first_pn_) write_phase_first_pn_ = pn;
}

void OneRttKeys::on_packet_acked(uint64_t pn) {
  if (write_phase_first_pn_ && pn >= *write_phase_first_pn_) write_phase_acked_ = true;
}

bool OneRttKeys::can_initiate() const {
  return ready() && write_phase_acked_ && read_generation_ == write_generation_;
}

bool OneRttKeys::initiate() {
  if (!can_initiate()) return false;
  crypto::Secret next = next_traffic_secret(hash_, write_secret_.span());
  if (next.empty()) return false;
  std::unique_ptr<PacketProtection> keys = make(write_base_, next);
  if (!keys) return false;
  write_secret_ = next;
  write_ = std::move(keys);
  ++write_generation_;
  write_phase_first_pn_.reset();
  write_phase_acked_ = false;
  return true;
}

UnprotectStatus OneRttKeys::open(std::span<uint8_t> packet, size_t pn_offset,
                                 std::optional<uint64_t> largest_pn, UnprotectedPacket& out,
                                 Instant now, Duration previous_lifetime) {
  if (!read_) return UnprotectStatus::too_short;
  if (read_previous_ && now >= read_previous_until_) read_previous_.reset();
  PacketNumberField field;
  if (!read_->remove_header_protection(packet, pn_offset, field)) {
    return UnprotectStatus::too_short;
  }
  const uint64_t pn = decode_packet_number(largest_pn, field.truncated, field.length);
  const bool phase = (field.first_byte & kKeyPhaseBit) != 0;
  const bool current_phase = (read_generation_ & 1) != 0;
  PacketProtection* keys = read_.get();
  bool next = false;
  if (phase != current_phase) {
    if (read_previous_ && pn < read_phase_first_pn_) {
      keys = read_previous_.get();
    } else {
      keys = read_next_.get();
      next = true;
    }
  }
  if (!keys) return UnprotectStatus::decrypt_failed;
  std::span<uint8_t> payload;
  if (!keys->open_payload(packet, pn_offset, field.length, pn, payload)) {
    return UnprotectStatus::decrypt_failed;
  }
  out.first_byte = field.first_byte;
  out.pn_length = field.length;
  out.packet_number = pn;
  out.payload = payload;
  out.key_phase = phase;
  if (next) {
    // The peer's keys moved on (section 6.2): keep the old ones a while,
    // prepare the following phase, and follow with our write keys.
    crypto::Secret secret = next_traffic_secret(hash_, read_secret_.span());
    read_previous_ = std::move(read_);
    read_previous_until_ = now + previous_lifetime;
    read_ = std::move(read_next_);
    read_secret_ = secret;
    ++read_generation_;
    read_phase_first_pn_ = pn;
    derive_next_read();
    if (write_generation_ < read_generation_) {
      crypto::Secret wnext = next_traffic_secret(hash_, write_secret_.span());
      if (std::unique_ptr<PacketProtection> w = make(write_base_, wnext)) {
        write_secret_ = wnext;
        write_ = std::move(w);
        ++write_generation_;
        write_phase_first_pn_.reset();
        write_phase_acked_ = false;
      }
    }
  } else if (keys == read_.get() && pn < read_phase_first_pn_) {
    read_phase_first_pn_ = pn;
  }
  if ((field.first_byte & kShortReservedBits) != 0) return UnprotectStatus::reserved_bits_set;
  return UnprotectStatus::ok;
}

}  // namespace adieu::quic
