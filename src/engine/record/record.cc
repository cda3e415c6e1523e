// The record layer's framing (RFC 8446 section 5, RFC 5246 section 6.2).
// Records are sealed from the caller's data directly into the output buffer
// and opened from the caller's input directly into the plaintext buffer, so
// the bulk path makes no copy of its own; the buffers come from
// RecordBuffer's pool, so it allocates nothing per record.
#include "engine/record/record.h"

#include <algorithm>
#include <cstring>

namespace adieu::record {

namespace {

bool is_known_type(uint8_t type) {
  return type == static_cast<uint8_t>(ContentType::change_cipher_spec) ||
         type == static_cast<uint8_t>(ContentType::alert) ||
         type == static_cast<uint8_t>(ContentType::handshake) ||
         type == static_cast<uint8_t>(ContentType::application_data);
}

}  // namespace

// ---------------------------------------------------------------------------
// DirectionKeys

bool DirectionKeys::install_tls13(crypto::CipherSuite suite, const crypto::Secret& traffic_secret) {
  active_ = &tls13_;
  return tls13_.install(suite, traffic_secret);
}

bool DirectionKeys::install_tls12(crypto::AeadAlg aead, std::span<const uint8_t> key,
                                  std::span<const uint8_t> fixed_iv) {
  active_ = &tls12_;
  return tls12_.install(aead, key, fixed_iv);
}

void DirectionKeys::wipe() {
  if (active_ != nullptr) active_->wipe();
}

// ---------------------------------------------------------------------------
// RecordEncoder

bool RecordEncoder::seals(ContentType type) const {
  // change_cipher_spec is never protected (RFC 8446 section 5: middlebox
  // compatibility records are sent in plaintext even once keys are in use;
  // TLS 1.2 sends its ChangeCipherSpec before the new keys apply).
  return keys_.encrypted() && type != ContentType::change_cipher_spec;
}

void RecordEncoder::set_fragment_limits(size_t sealed, size_t plaintext) {
  sealed_limit_ = std::clamp<size_t>(sealed, 1, kMaxPlaintext);
  plaintext_limit_ = std::clamp<size_t>(plaintext, 1, kMaxPlaintext);
}

size_t RecordEncoder::wire_size(ContentType type, size_t n) const {
  const size_t limit = fragment_limit(type);
  const size_t records = n == 0 ? 1 : (n + limit - 1) / limit;
  return n + records * (kHeaderSize + (seals(type) ? keys_.protection()->overhead() : 0));
}

bool RecordEncoder::write(ContentType type, std::span<const uint8_t> data, RecordBuffer& out) {
  const size_t start = out.size();
  const size_t size = wire_size(type, data.size());
  if (write(type, data, std::span<uint8_t>(out.extend(size), size))) return true;
  out.truncate(start);
  return false;
}

bool RecordEncoder::write(ContentType type, std::span<const uint8_t> data, std::span<uint8_t> out) {
  if (!is_known_type(static_cast<uint8_t>(type))) return false;
  if (data.empty() && type != ContentType::application_data) return false;
  RecordProtection* protection = seals(type) ? keys_.protection() : nullptr;
  // Application data is never sent in the clear: refusing it here keeps a
  // wiped or failed direction (DirectionKeys::wipe) from leaking plaintext.
  if (protection == nullptr && type == ContentType::application_data) return false;
  if (out.size() != wire_size(type, data.size())) return false;

  uint8_t* record = out.data();
  const size_t limit = fragment_limit(type);
  size_t offset = 0;
  do {
    const size_t n = std::min(data.size() - offset, limit);
    const std::span<const uint8_t> fragment = data.subspan(offset, n);
    if (protection == nullptr) {
      put_header(record, type, plaintext_version_, n);
      if (n > 0) std::memcpy(record + kHeaderSize, fragment.data(), n);
      record += kHeaderSize + n;
    } else {
      const size_t size = kHeaderSize + n + protection->overhead();
      // On failure the sequence numbers of records sealed before it are
      // spent, so the direction is out of step: the caller ends the
      // connection (internal_error).
      if (!protection->seal(type, fragment, {record, size})) return false;
      record += size;
    }
    offset += n;
  } while (offset < data.size());
  return true;
}

// ---------------------------------------------------------------------------
// RecordDecoder

void RecordDecoder::set_fragment_limits(size_t protected_limit, size_t plaintext) {
  protected_limit_ = std::clamp<size_t>(protected_limit, 1, kMaxPlaintext);
  plaintext_limit_ = std::clamp<size_t>(plaintext, 1, kMaxPlaintext);
}

RecordDecoder::Status RecordDecoder::decode(std::span<const uint8_t> input, RecordBuffer& plaintext,
                                            size_t& consumed, Record& out, Error& error) {
  consumed = 0;
  out = Record{};
  auto fail = [&error](Error e) {
    error = e;
    return Status::error;
  };

  if (input.size() < kHeaderSize) return Status::need_more;
  const uint8_t outer_type = input[0];
  const size_t length = static_cast<size_t>(input[3]) << 8 | input[4];

  // The header is checked before waiting for the body, so garbage is
  // rejected at once rather than after up to 64 KiB of waiting.
  // legacy_record_version is ignored but for its major byte: anything but
  // 0x03xx is not a TLS record (section 5.1).
  if (input[1] != 0x03) return fail(Error::decode_error);
  if (!is_known_type(outer_type)) return fail(Error::unexpected_message);
  const auto type = static_cast<ContentType>(outer_type);

  RecordProtection* protection = keys_.protection();
  const bool protected_record = protection != nullptr && protection->protects(type);
  if (protection != nullptr && !protected_record && type != ContentType::change_cipher_spec &&
      (type != ContentType::alert || peer_proved_keys_)) {
    // Plaintext handshake under keys, or a plaintext alert from a peer that
    // has already sent under them. A peer that could not process our flight
    // has no keys and can only alert in plaintext: that alert is its own.
    return fail(Error::unexpected_message);
  }
  // Rejected 0-RTT data before the keys: dropped while the budget lasts.
  const bool skippable = early_data_budget_ > 0 && early_data_budget_ >= length &&
                         (protected_record || type == ContentType::application_data);
  if (protection == nullptr && type == ContentType::application_data && !skippable) {
    return fail(Error::unexpected_message);  // application data before keys
  }
  // A negotiated limit counts content (RFC 8449 section 4: in TLS 1.3 with
  // the inner type, which overhead() includes; padding beyond it is refused).
  const size_t max_length =
      !protected_record ? plaintext_limit_
      : protected_limit_ < kMaxPlaintext
          ? std::min(protection->max_ciphertext(), protected_limit_ + protection->overhead())
          : protection->max_ciphertext();
  if (length > max_length) return fail(Error::record_overflow);
  if (input.size() - kHeaderSize < length) return Status::need_more;

  if (!protected_record && type == ContentType::application_data) {
    early_data_budget_ -= length;
    consumed = kHeaderSize + length;
    return Status::skipped;
  }
  if (!protected_record) {
    const std::span<const uint8_t> body = input.subspan(kHeaderSize, length);
    if (body.empty() && type != ContentType::change_cipher_spec) {
      return fail(Error::unexpected_message);  // empty handshake/alert (section 5.1)
    }
    out.type = type;
    out.fragment = body;
    out.was_encrypted = false;
    consumed = kHeaderSize + length;
    return Status::record;
  }
  if (const Error err = protection->open(input.first(kHeaderSize + length), plaintext, out);
      err != Error::none) {
    if (err != Error::bad_record_mac || !skippable) return fail(err);
    // 0-RTT under keys we do not have: it does not open (RFC 8446 4.2.10).
    // The failed open spent no sequence number: open() advances it only on
    // success.
    early_data_budget_ -= length;
    consumed = kHeaderSize + length;
    return Status::skipped;
  }
  peer_proved_keys_ = true;
  early_data_budget_ = 0;  // the client's second flight has begun
  consumed = kHeaderSize + length;
  return Status::record;
}

}  // namespace adieu::record
