// Record protection, one implementation per protocol version (protection.h).
#include "engine/record/protection.h"

#include <limits>

#include "crypto/hkdf.h"

namespace adieu::record {

namespace {

// Every TLSCiphertext carries this legacy_record_version (RFC 8446 section 5.2).
constexpr uint16_t kCiphertextVersion = 0x0303;

}  // namespace

void put_header(uint8_t* at, ContentType type, uint16_t version, size_t length) {
  at[0] = static_cast<uint8_t>(type);
  at[1] = static_cast<uint8_t>(version >> 8);
  at[2] = static_cast<uint8_t>(version);
  at[3] = static_cast<uint8_t>(length >> 8);
  at[4] = static_cast<uint8_t>(length);
}

// ---------------------------------------------------------------------------
// RecordProtection

bool RecordProtection::next_sequence(uint64_t& seq) {
  if (seq_ == std::numeric_limits<uint64_t>::max()) return false;
  seq = seq_++;
  return true;
}

void RecordProtection::wipe() {
  aead_.clear();
  seq_ = 0;
}

// ---------------------------------------------------------------------------
// Tls13Protection

bool Tls13Protection::install(crypto::CipherSuite suite, const crypto::Secret& traffic_secret) {
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
  seq_ = 0;
  return true;
}

bool Tls13Protection::seal(ContentType type, std::span<const uint8_t> content,
                           std::span<uint8_t> record) {
  // TLSCiphertext: opaque_type 23, legacy version 0x0303, length of
  // (content || type || tag); the header is the AAD (section 5.2).
  const size_t inner = content.size() + 1;
  uint8_t* at = record.data();
  put_header(at, ContentType::application_data, kCiphertextVersion, inner + crypto::kAeadTagSize);
  const uint8_t inner_type = static_cast<uint8_t>(type);
  uint64_t seq = 0;
  return next_sequence(seq) &&
         aead_.seal(seq, {at, kHeaderSize}, {content, {&inner_type, 1}}, at + kHeaderSize,
                    std::span<uint8_t, crypto::kAeadTagSize>(at + kHeaderSize + inner,
                                                             crypto::kAeadTagSize));
}

Error Tls13Protection::open(std::span<const uint8_t> record, RecordBuffer& plaintext, Record& out) {
  // TLSCiphertext: encrypted_record = ciphertext || tag.
  const std::span<const uint8_t> body = record.subspan(kHeaderSize);
  if (body.size() < crypto::kAeadTagSize) return Error::bad_record_mac;
  const size_t ciphertext_size = body.size() - crypto::kAeadTagSize;
  const std::span<const uint8_t, crypto::kAeadTagSize> tag(body.data() + ciphertext_size,
                                                           crypto::kAeadTagSize);
  uint64_t seq = 0;
  if (!next_sequence(seq)) return Error::internal_error;
  const size_t start = plaintext.size();
  uint8_t* opened = plaintext.extend(ciphertext_size);
  auto refuse = [&](Error e) {
    plaintext.truncate(start);
    return e;
  };
  if (!aead_.open(seq, record.first(kHeaderSize), body.first(ciphertext_size), opened, tag)) {
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
  return Error::none;
}

}  // namespace adieu::record
