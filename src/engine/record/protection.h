// Record protection: how one direction seals and opens records once it has
// keys. The framing around it (headers, fragmenting, length limits that do
// not depend on the version) is record.h's; what differs between protocol
// versions is here, one implementation per version:
//  - Tls13Protection (RFC 8446 section 5.2): every protected record is an
//    opaque application_data record; the real content type is the last
//    non-zero byte of the inner plaintext; the nonce is the static IV XOR the
//    sequence number; the additional data is the record header.
//  - Tls12Protection (RFC 5246 section 6.2.3.3): the record keeps its type;
//    the additional data is seq_num || type || version || length; AES-GCM
//    sends an 8-byte explicit nonce (RFC 5288), ChaCha20-Poly1305 builds the
//    nonce as TLS 1.3 does (RFC 7905).
#pragma once

#include <adieu/error.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/aead.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "engine/record/record_buffer.h"

namespace adieu::record {

enum class ContentType : uint8_t {
  invalid = 0,
  change_cipher_spec = 20,
  alert = 21,
  handshake = 22,
  application_data = 23,
};

constexpr size_t kHeaderSize = 5;
constexpr size_t kMaxPlaintext = 1 << 14;

// Writes a record header: type, version, length.
void put_header(uint8_t* at, ContentType type, uint16_t version, size_t length);

// One record as the decoder hands it over.
struct Record {
  ContentType type = ContentType::invalid;  // the inner type when protected
  // Unprotected: points into the decoder's input. Protected: the content
  // opened at the end of the plaintext buffer.
  std::span<const uint8_t> fragment;
  bool was_encrypted = false;
};

// A direction's protection: an AEAD keyed for it and its sequence number.
class RecordProtection {
 public:
  virtual ~RecordProtection() = default;

  // True once keys are installed (and until wipe()).
  bool encrypted() const { return aead_.ready(); }
  uint64_t sequence() const { return seq_; }
  crypto::Aead& aead() { return aead_; }
  // Returns the sequence number to use and advances it. Never wraps: false
  // when it would (RFC 8446 section 5.3, RFC 5246 section 6.1: the
  // connection must end).
  bool next_sequence(uint64_t& seq);
  // Wipes the key; the direction is unusable for application data again.
  void wipe();

  // True when a record whose header says `outer_type` is protected.
  virtual bool protects(ContentType outer_type) const = 0;
  // Bytes a protected record adds to its content, besides the header.
  virtual size_t overhead() const = 0;
  // The largest length a protected record's header may give.
  virtual size_t max_ciphertext() const = 0;
  // Seals `content` of `type` into `record`, which is exactly
  // kHeaderSize + content.size() + overhead() bytes: header included. False
  // on a libcrypto failure or sequence overflow (the direction is then out
  // of step and the connection must end).
  virtual bool seal(ContentType type, std::span<const uint8_t> content,
                    std::span<uint8_t> record) = 0;
  // Opens the protected record `record` (header and body) into `plaintext`
  // (appended; nothing is left there on failure). On success `out` points to
  // the content. The errors: bad_record_mac, record_overflow,
  // unexpected_message, internal_error (sequence overflow). In TLS 1.3 a
  // record that does not authenticate spends no sequence number (rejected
  // 0-RTT is skipped, RFC 8446 section 4.2.10).
  virtual Error open(std::span<const uint8_t> record, RecordBuffer& plaintext, Record& out) = 0;

 protected:
  crypto::Aead aead_;
  uint64_t seq_ = 0;
};

// TLS 1.3 record protection (RFC 8446 section 5.2-5.4), keyed from a traffic
// secret.
class Tls13Protection final : public RecordProtection {
 public:
  // Derives key and iv (RFC 8446 section 7.3) from `traffic_secret` and
  // resets the sequence number; a key for the same cipher re-keys the AEAD
  // in place. False on a libcrypto failure (the direction is then wiped).
  bool install(crypto::CipherSuite suite, const crypto::Secret& traffic_secret);

  bool protects(ContentType outer_type) const override {
    return encrypted() && outer_type == ContentType::application_data;
  }
  // The inner content type byte and the tag; no padding is sent.
  size_t overhead() const override { return 1 + crypto::kAeadTagSize; }
  // TLSCiphertext.length limit: 2^14 + 256 (section 5.2).
  size_t max_ciphertext() const override { return kMaxPlaintext + 256; }
  bool seal(ContentType type, std::span<const uint8_t> content, std::span<uint8_t> record) override;
  Error open(std::span<const uint8_t> record, RecordBuffer& plaintext, Record& out) override;
};

// TLS 1.2 AEAD record protection, keyed from the key block.
class Tls12Protection final : public RecordProtection {
 public:
  // `fixed_iv` is the key block's write IV: the 4-byte salt of AES-GCM, whose
  // records carry an explicit nonce (RFC 5288 section 3), or the 12-byte IV
  // of ChaCha20-Poly1305 (RFC 7905 section 2). Resets the sequence number.
  // False on a wrong size or a libcrypto failure (the direction is then
  // wiped).
  bool install(crypto::AeadAlg aead, std::span<const uint8_t> key,
               std::span<const uint8_t> fixed_iv);

  // After ChangeCipherSpec every record is protected.
  bool protects(ContentType) const override { return encrypted(); }
  size_t overhead() const override {
    return (explicit_nonce_ ? kExplicitNonceSize : 0) + crypto::kAeadTagSize;
  }
  // TLSCiphertext.length limit: 2^14 + 2048 (RFC 5246 section 6.2.3).
  size_t max_ciphertext() const override { return kMaxPlaintext + 2048; }
  bool seal(ContentType type, std::span<const uint8_t> content, std::span<uint8_t> record) override;
  Error open(std::span<const uint8_t> record, RecordBuffer& plaintext, Record& out) override;

 private:
  static constexpr size_t kExplicitNonceSize = 8;
  bool explicit_nonce_ = false;
};

}  // namespace adieu::record
