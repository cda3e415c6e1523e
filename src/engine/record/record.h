// The TLS 1.3 record layer (RFC 8446 section 5): framing, AEAD protection
// with per-direction sequence numbers, content-type hiding and padding.
// No I/O: the encoder seals records from the caller's data straight into an
// output buffer; the decoder reads records from the front of the caller's
// bytes and opens them straight into a plaintext buffer. Neither copies a
// record's content besides the AEAD's own pass over it.
#pragma once

#include <adieu/alert.h>
#include <adieu/error.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

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
// TLSCiphertext.length limit: 2^14 + 256.
constexpr size_t kMaxCiphertext = kMaxPlaintext + 256;
// Records sealed under one key before a KeyUpdate is due. RFC 8446 section
// 5.5 and the AES-GCM limit of 2^24.5 full records; we update well before.
constexpr uint64_t kKeyUpdateThreshold = uint64_t{1} << 23;

// One direction's protection state: the AEAD keyed from a traffic secret, the
// secret itself (for KeyUpdate) and the sequence number.
class DirectionKeys {
 public:
  // Derives key and iv (RFC 8446 section 7.3) from `traffic_secret`, resets
  // the sequence number. False on a libcrypto failure.
  bool install(crypto::CipherSuite suite, const crypto::Secret& traffic_secret);
  // KeyUpdate: moves to application_traffic_secret_N+1 and reinstalls.
  bool update();
  // Wipes key, iv and secret; the direction is plaintext again (unusable for
  // application data: encrypted() is false).
  void wipe();

  bool encrypted() const { return aead_.ready(); }
  uint64_t sequence() const { return seq_; }
  const crypto::Secret& traffic_secret() const { return secret_; }
  crypto::Aead& aead() { return aead_; }
  // Returns the sequence number to use and advances it. Never wraps: false
  // when it would (the connection must end).
  bool next_sequence(uint64_t& seq);

 private:
  crypto::CipherSuite suite_{};
  crypto::Aead aead_;
  crypto::Secret secret_;
  uint64_t seq_ = 0;
};

class RecordEncoder {
 public:
  DirectionKeys& keys() { return keys_; }
  // legacy_record_version of plaintext records (0x0301 allowed for the first
  // ClientHello, RFC 8446 section 5.1); encrypted records always use 0x0303.
  void set_plaintext_version(uint16_t v) { plaintext_version_ = v; }

  // Appends records carrying `data` of `type` to `out`, fragmented at
  // kMaxPlaintext. With keys installed, each record is a TLSCiphertext whose
  // inner plaintext is data || type (no padding), sealed from `data` directly
  // into `out`. `data` may be empty only for application_data. False (and
  // `out` as it was) on a libcrypto failure or sequence overflow.
  bool write(ContentType type, std::span<const uint8_t> data, RecordBuffer& out);
  // The same records written into `out`, which must be exactly
  // wire_size(type, data.size()) bytes (false otherwise). On failure `out`
  // holds no complete record sequence and must not be sent.
  bool write(ContentType type, std::span<const uint8_t> data, std::span<uint8_t> out);
  // Bytes on the wire for `n` bytes of `type`: every record with its header
  // and, when sealed, its inner type byte and tag.
  size_t wire_size(ContentType type, size_t n) const;
  // True when the current write key has sealed kKeyUpdateThreshold records.
  bool needs_key_update() const { return keys_.sequence() >= kKeyUpdateThreshold; }

 private:
  // True when records of `type` are sealed (keys installed; never for
  // change_cipher_spec).
  bool seals(ContentType type) const;

  DirectionKeys keys_;
  uint16_t plaintext_version_ = 0x0303;
};

struct Record {
  ContentType type = ContentType::invalid;  // the inner type when encrypted
  // Unprotected: points into the decoder's input. Protected: the content
  // opened at the end of the plaintext buffer.
  std::span<const uint8_t> fragment;
  bool was_encrypted = false;
};

class RecordDecoder {
 public:
  enum class Status { record, need_more, error };

  DirectionKeys& keys() { return keys_; }

  // Parses the record at the front of `input`. A protected record is opened
  // into `plaintext`: its content is appended there (and nothing else is, on
  // any outcome; `input` must not lie inside `plaintext`, whose storage may
  // move). On `record`, `consumed` is the record's whole size and
  // `out` describes it. On `error`, `error` is set (decode_error,
  // record_overflow, bad_record_mac, unexpected_message).
  //  - Encrypted direction: outer type application_data is opened; an outer
  //    change_cipher_spec is returned as is (the handshake decides whether it
  //    is allowed); any other outer type is unexpected_message.
  //  - Plaintext direction: application_data is unexpected_message.
  //  - Length over kMaxCiphertext (or kMaxPlaintext when plaintext) and inner
  //    plaintext over kMaxPlaintext: record_overflow. All-zero inner plaintext:
  //    unexpected_message. A zero-length handshake or alert record:
  //    unexpected_message (RFC 8446 section 5.1 forbids sending them).
  Status decode(std::span<const uint8_t> input, RecordBuffer& plaintext, size_t& consumed,
                Record& out, Error& error);

 private:
  DirectionKeys keys_;
};

}  // namespace adieu::record
