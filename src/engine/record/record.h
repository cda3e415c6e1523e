// The record layer's framing (RFC 8446 section 5, RFC 5246 section 6.2):
// headers, fragmenting, the length limits, and each direction's keys, whose
// protection is the negotiated version's (protection.h). No I/O: the
// encoder seals records from the caller's data straight into an output
// buffer; the decoder reads records from the front of the caller's bytes and
// opens them straight into a plaintext buffer. Neither copies a record's
// content besides the AEAD's own pass over it.
#pragma once

#include <adieu/alert.h>
#include <adieu/error.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "engine/record/protection.h"
#include "engine/record/record_buffer.h"

namespace adieu::record {

// TLSCiphertext.length limit of the largest protection (TLS 1.2's
// 2^14 + 2048, RFC 5246 section 6.2.3); each protection states its own.
constexpr size_t kMaxCiphertext = kMaxPlaintext + 2048;
// Records sealed under one key before a KeyUpdate is due. RFC 8446 section
// 5.5 and the AES-GCM limit of 2^24.5 full records; we update well before.
constexpr uint64_t kKeyUpdateThreshold = uint64_t{1} << 23;

// One direction's keys: the protection of the negotiated version, once
// installed. Installing keys of the version in use re-keys its AEAD in place.
class DirectionKeys {
 public:
  // TLS 1.3 keys from a traffic secret (RFC 8446 section 7.3); resets the
  // sequence number. False on a libcrypto failure (the direction is wiped).
  bool install_tls13(crypto::CipherSuite suite, const crypto::Secret& traffic_secret);
  // TLS 1.2 keys from the key block (Tls12Protection::install).
  bool install_tls12(crypto::AeadAlg aead, std::span<const uint8_t> key,
                     std::span<const uint8_t> fixed_iv);
  // Wipes the key; the direction is plaintext again (unusable for
  // application data: encrypted() is false).
  void wipe();

  bool encrypted() const { return active_ != nullptr && active_->encrypted(); }
  uint64_t sequence() const { return active_ != nullptr ? active_->sequence() : 0; }
  // The protection in use; nullptr before keys are installed.
  RecordProtection* protection() const { return encrypted() ? active_ : nullptr; }
  // Frees the protection's libcrypto context until the next record
  // (crypto::Aead::release_context).
  void release_context() {
    if (encrypted()) active_->aead().release_context();
  }

 private:
  Tls13Protection tls13_;
  Tls12Protection tls12_;
  RecordProtection* active_ = nullptr;
};

class RecordEncoder {
 public:
  DirectionKeys& keys() { return keys_; }
  const DirectionKeys& keys() const { return keys_; }
  // legacy_record_version of plaintext records (0x0301 allowed for the first
  // ClientHello, RFC 8446 section 5.1); encrypted records always use 0x0303.
  void set_plaintext_version(uint16_t v) { plaintext_version_ = v; }

  // Appends records carrying `data` of `type` to `out`, fragmented at
  // the fragment limit (kMaxPlaintext unless set_fragment_limits()). With keys installed, each
  // record is sealed by the direction's protection from `data` directly into `out`. `data` may be
  // empty only for application_data. False (and `out` as it was) on a libcrypto failure or sequence
  // overflow.
  bool write(ContentType type, std::span<const uint8_t> data, RecordBuffer& out);
  // The same records written into `out`, which must be exactly
  // wire_size(type, data.size()) bytes (false otherwise). On failure `out`
  // holds no complete record sequence and must not be sent.
  bool write(ContentType type, std::span<const uint8_t> data, std::span<uint8_t> out);
  // Bytes on the wire for `n` bytes of `type`: every record with its header
  // and, when sealed, the protection's overhead.
  size_t wire_size(ContentType type, size_t n) const;
  // True when the current write key has sealed kKeyUpdateThreshold records.
  bool needs_key_update() const { return keys_.sequence() >= kKeyUpdateThreshold; }
  // The largest content of a sealed / an unprotected record from now on
  // (1..kMaxPlaintext; a negotiated record size, RFC 8449, RFC 6066).
  void set_fragment_limits(size_t sealed, size_t plaintext);

 private:
  // True when records of `type` are sealed (keys installed; never for
  // change_cipher_spec).
  bool seals(ContentType type) const;
  size_t fragment_limit(ContentType type) const {
    return seals(type) ? sealed_limit_ : plaintext_limit_;
  }

  DirectionKeys keys_;
  uint16_t plaintext_version_ = 0x0303;
  size_t sealed_limit_ = kMaxPlaintext;
  size_t plaintext_limit_ = kMaxPlaintext;
};

class RecordDecoder {
 public:
  enum class Status { record, skipped, need_more, error };

  DirectionKeys& keys() { return keys_; }
  const DirectionKeys& keys() const { return keys_; }

  // Parses the record at the front of `input`. A protected record is opened
  // into `plaintext`: its content is appended there (and nothing else is, on
  // any outcome; `input` must not lie inside `plaintext`, whose storage may
  // move). On `record`, `consumed` is the record's whole size and
  // `out` describes it. On `error`, `error` is set (decode_error,
  // record_overflow, bad_record_mac, unexpected_message).
  //  - Encrypted direction: the outer types the protection protects are
  //    opened; an outer change_cipher_spec is returned as is (the handshake
  //    decides whether it is allowed); so is a plaintext alert until a first
  //    record opened under keys shows the peer has them (a peer that could
  //    not process our flight alerts in plaintext); any other outer type is
  //    unexpected_message.
  //  - Plaintext direction: application_data is unexpected_message.
  //  - Length over the protection's max_ciphertext() (or kMaxPlaintext when
  //    plaintext) and opened content over kMaxPlaintext: record_overflow. A
  //    zero-length handshake or alert record: unexpected_message (RFC 8446
  //    section 5.1 forbids sending them). The protection's own errors
  //    (protection.h).
  Status decode(std::span<const uint8_t> input, RecordBuffer& plaintext, size_t& consumed,
                Record& out, Error& error);
  // The largest content accepted in a protected / an unprotected record from
  // now on (a negotiated record size); a larger record is record_overflow,
  // refused from its header.
  void set_fragment_limits(size_t protected_limit, size_t plaintext);
  // Rejected 0-RTT data (RFC 8446 section 4.2.10): up to `max_bytes` of
  // records that do not open under the read keys, or of application data
  // before there are keys, are dropped (Status::skipped); the first record
  // that opens ends it, and so does 0. Past the budget they are the errors
  // they would be otherwise.
  void skip_early_data(size_t max_bytes) { early_data_budget_ = max_bytes; }

 private:
  DirectionKeys keys_;
  size_t protected_limit_ = kMaxPlaintext;
  size_t plaintext_limit_ = kMaxPlaintext;
  size_t early_data_budget_ = 0;
  bool peer_proved_keys_ = false;  // a record was opened under keys
};

}  // namespace adieu::record
