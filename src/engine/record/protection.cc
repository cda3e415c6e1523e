// Record protection, one implementation per protocol version (protection.h).
#include "engine/record/protection.h"

#include <algorithm>
#include <array>
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
    seq_ = seq;  // a record that is not ours spends no sequence number
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

// ---------------------------------------------------------------------------
// Tls12Protection

namespace {

constexpr uint16_t kTls12Version = 0x0303;

void put_u64(uint8_t* at, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    at[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
}

uint64_t get_u64(const uint8_t* at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | at[i];
  return v;
}

// RFC 5246 section 6.2.3.3: additional_data = seq_num + TLSCompressed.type +
// TLSCompressed.version + TLSCompressed.length (of the plaintext).
std::array<uint8_t, 13> additional_data(uint64_t seq, uint8_t type, const uint8_t* version,
                                        size_t length) {
  std::array<uint8_t, 13> aad;
  put_u64(aad.data(), seq);
  aad[8] = type;
  aad[9] = version[0];
  aad[10] = version[1];
  aad[11] = static_cast<uint8_t>(length >> 8);
  aad[12] = static_cast<uint8_t>(length);
  return aad;
}

}  // namespace

bool Tls12Protection::install(crypto::AeadAlg aead, std::span<const uint8_t> key,
                              std::span<const uint8_t> fixed_iv) {
  // AES-GCM: nonce = salt || nonce_explicit. With an IV of salt || zeros,
  // the AEAD's "IV XOR n" is exactly that nonce for n = nonce_explicit.
  explicit_nonce_ = aead != crypto::AeadAlg::chacha20_poly1305;
  std::array<uint8_t, crypto::kAeadNonceSize> iv{};
  if (fixed_iv.size() != (explicit_nonce_ ? 4 : crypto::kAeadNonceSize) ||
      !(std::copy(fixed_iv.begin(), fixed_iv.end(), iv.begin()), aead_.init(aead, key, iv))) {
    wipe();
    return false;
  }
  seq_ = 0;
  return true;
}

bool Tls12Protection::seal(ContentType type, std::span<const uint8_t> content,
                           std::span<uint8_t> record) {
  uint8_t* at = record.data();
  put_header(at, type, kTls12Version, content.size() + overhead());
  uint64_t seq = 0;
  if (!next_sequence(seq)) return false;
  const std::array<uint8_t, 13> aad =
      additional_data(seq, static_cast<uint8_t>(type), at + 1, content.size());
  uint8_t* body = at + kHeaderSize;
  if (explicit_nonce_) {
    // The explicit nonce is the sequence number: unique per key, as RFC 5288
    // section 3 requires.
    put_u64(body, seq);
    body += kExplicitNonceSize;
  }
  return aead_.seal(
      seq, aad, {content}, body,
      std::span<uint8_t, crypto::kAeadTagSize>(body + content.size(), crypto::kAeadTagSize));
}

Error Tls12Protection::open(std::span<const uint8_t> record, RecordBuffer& plaintext, Record& out) {
  std::span<const uint8_t> body = record.subspan(kHeaderSize);
  if (body.size() < overhead()) return Error::bad_record_mac;
  uint64_t seq = 0;
  if (!next_sequence(seq)) return Error::internal_error;
  uint64_t nonce = seq;
  if (explicit_nonce_) {
    nonce = get_u64(body.data());
    body = body.subspan(kExplicitNonceSize);
  }
  const size_t content_size = body.size() - crypto::kAeadTagSize;
  const std::array<uint8_t, 13> aad =
      additional_data(seq, record[0], record.data() + 1, content_size);
  const size_t start = plaintext.size();
  uint8_t* opened = plaintext.extend(content_size);
  if (!aead_.open(nonce, aad, body.first(content_size), opened,
                  std::span<const uint8_t, crypto::kAeadTagSize>(body.data() + content_size,
                                                                 crypto::kAeadTagSize))) {
    plaintext.truncate(start);
    return Error::bad_record_mac;
  }
  // RFC 5246 section 6.2.3: a TLSCompressed.length over 2^14 is
  // record_overflow; empty handshake and alert fragments are not sent
  // (section 6.2.1).
  const auto type = static_cast<ContentType>(record[0]);
  if (content_size > kMaxPlaintext ||
      (content_size == 0 && type != ContentType::application_data)) {
    plaintext.truncate(start);
    return content_size > kMaxPlaintext ? Error::record_overflow : Error::unexpected_message;
  }
  out.type = type;
  out.fragment = {opened, content_size};
  out.was_encrypted = true;
  return Error::none;
}

}  // namespace adieu::record
