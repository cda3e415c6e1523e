// The TLS 1.3 record layer (RFC 8446 section 5). Records are sealed from the
// caller's data directly into the output buffer and opened from the caller's
// input directly into the plaintext buffer, so the bulk path makes no copy of
// its own; the buffers come from RecordBuffer's pool, so it allocates nothing
// per record.
#include "engine/record/record.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "crypto/hkdf.h"
#include "engine/record/key_schedule.h"

namespace adieu::record {

namespace {

// Every TLSCiphertext carries this legacy_record_version (RFC 8446 section 5.2).
constexpr uint16_t kCiphertextVersion = 0x0303;

void put_header(uint8_t* at, ContentType type, uint16_t version, size_t length) {
  at[0] = static_cast<uint8_t>(type);
  at[1] = static_cast<uint8_t>(version >> 8);
  at[2] = static_cast<uint8_t>(version);
  at[3] = static_cast<uint8_t>(length >> 8);
  at[4] = static_cast<uint8_t>(length);
}

bool is_known_type(uint8_t type) {
  return type == static_cast<uint8_t>(ContentType::change_cipher_spec) ||
         type == static_cast<uint8_t>(ContentType::alert) ||
         type == static_cast<uint8_t>(ContentType::handshake) ||
         type == static_cast<uint8_t>(ContentType::application_data);
}

}  // namespace

// ---------------------------------------------------------------------------
// DirectionKeys

bool DirectionKeys::install(crypto::CipherSuite suite, const crypto::Secret& traffic_secret) {
  const crypto::SuiteInfo& info = crypto::suite_info(suite);
  // RFC 8446 section 7.3: key = HKDF-Expand-Label(secret, "key", "", key_length),
  // iv = HKDF-Expand-Label(secret, "iv", "", iv_length).
  const crypto::Secret key = crypto::hkdf_expand_label(info.hash, traffic_secret.span(), "key", {},
                                                       crypto::aead_key_size(info.aead));
  const crypto::Secret iv =
      crypto::hkdf_expand_label(info.hash, traffic_secret.span(), "iv", {}, crypto::kAeadNonceSize);
  if (key.empty() || iv.empty() || !aead_.init(info.aead, key.span(), iv.span())) {
    wipe();
    return false;
  }
  suite_ = suite;
  if (&traffic_secret != &secret_) secret_ = traffic_secret;
  seq_ = 0;
  return true;
}

bool DirectionKeys::update() {
  if (!encrypted()) return false;
  const crypto::Secret next =
      KeySchedule::next_traffic_secret(crypto::suite_info(suite_).hash, secret_.span());
  if (next.empty()) {
    wipe();
    return false;
  }
  return install(suite_, next);
}

void DirectionKeys::wipe() {
  aead_.clear();
  secret_.wipe();
  seq_ = 0;
}

bool DirectionKeys::next_sequence(uint64_t& seq) {
  // RFC 8446 section 5.3: the sequence number must not wrap.
  if (seq_ == std::numeric_limits<uint64_t>::max()) return false;
  seq = seq_++;
  return true;
}

// ---------------------------------------------------------------------------
// RecordEncoder

bool RecordEncoder::seals(ContentType type) const {
  // change_cipher_spec is never protected (RFC 8446 section 5: middlebox
  // compatibility records are sent in plaintext even once keys are in use).
  return keys_.encrypted() && type != ContentType::change_cipher_spec;
}

size_t RecordEncoder::wire_size(ContentType type, size_t n) const {
  const size_t records = n == 0 ? 1 : (n + kMaxPlaintext - 1) / kMaxPlaintext;
  return n + records * (kHeaderSize + (seals(type) ? 1 + crypto::kAeadTagSize : 0));
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
  const bool encrypt = seals(type);
  // Application data is never sent in the clear: refusing it here keeps a
  // wiped or failed direction (DirectionKeys::wipe) from leaking plaintext.
  if (!encrypt && type == ContentType::application_data) return false;
  if (out.size() != wire_size(type, data.size())) return false;

  uint8_t* record = out.data();
  size_t offset = 0;
  do {
    const size_t n = std::min(data.size() - offset, kMaxPlaintext);
    const std::span<const uint8_t> fragment = data.subspan(offset, n);
    if (!encrypt) {
      put_header(record, type, plaintext_version_, n);
      if (n > 0) std::memcpy(record + kHeaderSize, fragment.data(), n);
      record += kHeaderSize + n;
    } else {
      // TLSCiphertext: opaque_type 23, legacy version 0x0303, length of
      // (content || type || tag); the header is the AAD (section 5.2).
      const size_t inner = n + 1;
      put_header(record, ContentType::application_data, kCiphertextVersion,
                 inner + crypto::kAeadTagSize);
      const uint8_t inner_type = static_cast<uint8_t>(type);
      uint64_t seq = 0;
      if (!keys_.next_sequence(seq) ||
          !keys_.aead().seal(seq, {record, kHeaderSize}, {fragment, {&inner_type, 1}},
                             record + kHeaderSize,
                             std::span<uint8_t, crypto::kAeadTagSize>(record + kHeaderSize + inner,
                                                                      crypto::kAeadTagSize))) {
        // The sequence numbers of records sealed before the failure are
        // spent, so the direction is out of step: the caller ends the
        // connection (internal_error).
        return false;
      }
      record += kHeaderSize + inner + crypto::kAeadTagSize;
    }
    offset += n;
  } while (offset < data.size());
  return true;
}

// ---------------------------------------------------------------------------
// RecordDecoder

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

  const bool protected_record = keys_.encrypted() && type == ContentType::application_data;
  if (keys_.encrypted() && !protected_record && type != ContentType::change_cipher_spec) {
    return fail(Error::unexpected_message);  // plaintext alert or handshake under keys
  }
  if (!keys_.encrypted() && type == ContentType::application_data) {
    return fail(Error::unexpected_message);  // application data before keys
  }
  if (length > (protected_record ? kMaxCiphertext : kMaxPlaintext)) {
    return fail(Error::record_overflow);
  }
  if (input.size() - kHeaderSize < length) return Status::need_more;

  const std::span<const uint8_t> body = input.subspan(kHeaderSize, length);
  if (!protected_record) {
    if (body.empty() && type != ContentType::change_cipher_spec) {
      return fail(Error::unexpected_message);  // empty handshake/alert (section 5.1)
    }
    out.type = type;
    out.fragment = body;
    out.was_encrypted = false;
    consumed = kHeaderSize + length;
    return Status::record;
  }

  // TLSCiphertext: encrypted_record = ciphertext || tag.
  if (length < crypto::kAeadTagSize) return fail(Error::bad_record_mac);
  const size_t ciphertext_size = length - crypto::kAeadTagSize;
  const std::span<const uint8_t, crypto::kAeadTagSize> tag(body.data() + ciphertext_size,
                                                           crypto::kAeadTagSize);
  uint64_t seq = 0;
  if (!keys_.next_sequence(seq)) return fail(Error::internal_error);
  const size_t start = plaintext.size();
  uint8_t* opened = plaintext.extend(ciphertext_size);
  auto refuse = [&](Error e) {
    plaintext.truncate(start);
    return fail(e);
  };
  if (!keys_.aead().open(seq, input.first(kHeaderSize), body.first(ciphertext_size), opened, tag)) {
    return refuse(Error::bad_record_mac);
  }

  // TLSInnerPlaintext = content || type || zeros; it may not exceed 2^14 + 1
  // bytes (section 5.4). Authenticated before any of it is interpreted.
  if (ciphertext_size > kMaxPlaintext + 1) return refuse(Error::record_overflow);
  size_t end = ciphertext_size;
  while (end > 0 && opened[end - 1] == 0) --end;
  if (end == 0) return refuse(Error::unexpected_message);  // no non-zero type byte
  const uint8_t inner_type = opened[end - 1];
  const size_t content_size = end - 1;
  if (inner_type != static_cast<uint8_t>(ContentType::handshake) &&
      inner_type != static_cast<uint8_t>(ContentType::alert) &&
      inner_type != static_cast<uint8_t>(ContentType::application_data)) {
    return refuse(Error::unexpected_message);  // a protected change_cipher_spec or unknown type
  }
  if (content_size == 0 && inner_type != static_cast<uint8_t>(ContentType::application_data)) {
    return refuse(Error::unexpected_message);  // empty handshake/alert (section 5.4)
  }
  plaintext.truncate(start + content_size);
  out.type = static_cast<ContentType>(inner_type);
  out.fragment = {opened, content_size};
  out.was_encrypted = true;
  consumed = kHeaderSize + length;
  return Status::record;
}

}  // namespace adieu::record
