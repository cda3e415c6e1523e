// The one narrow interface between a handshake and what carries it.
//
// A handshake object (engine/handshake/) never touches records or packets:
// it hands its messages, its keys and the end of each flight to a
// HandshakeTransport. TLS records implement it (ConnectionCore); QUIC will
// implement it with CRYPTO frames per encryption level (the idea of
// BoringSSL's SSL_QUIC_METHOD and rustls' quic module), without touching the
// handshake.
#pragma once

#include <cstdint>
#include <span>

#include <adieu/alert.h>

#include "crypto/aead.h"
#include "crypto/cipher_suite.h"
#include "crypto/secret.h"

namespace adieu {

// Where handshake bytes and keys belong (RFC 9001 section 4.1.3; for TLS
// over records, the keys in force when they are sent).
enum class Level : uint8_t {
  initial,      // no protection: ClientHello, ServerHello, HelloRetryRequest
  early_data,   // 0-RTT keys
  handshake,    // handshake traffic keys
  application,  // application traffic keys (post-handshake messages)
};

// The largest content of one record, per kind of record, once negotiated
// (RFC 8449 record_size_limit, RFC 6066 section 4 max_fragment_length).
// The defaults are the protocol's limit (2^14).
struct RecordLimits {
  size_t send = size_t{1} << 14;       // a protected record we seal
  size_t receive = size_t{1} << 14;    // a protected record we open
  size_t plaintext = size_t{1} << 14;  // an unprotected record, either way
};

class HandshakeTransport {
 public:
  // A whole handshake message (header included) to send at `level`; messages
  // are sent in the order given.
  virtual void send_handshake(Level level, std::span<const uint8_t> message) = 0;
  // The messages given so far form a complete flight: send them now.
  virtual void flight_complete() = 0;
  // TLS 1.3 keys for what we receive / send at `level`, from a traffic
  // secret (each transport derives its own keys from it: RFC 8446 section
  // 7.3 for records, RFC 9001 section 5.1 for packets). Messages given before
  // install_write_secret() go out under the previous keys. False on a
  // libcrypto failure.
  virtual bool install_read_secret(Level level, crypto::CipherSuite suite,
                                   const crypto::Secret& secret) = 0;
  virtual bool install_write_secret(Level level, crypto::CipherSuite suite,
                                    const crypto::Secret& secret) = 0;
  // TLS 1.2 keys from the key block (RFC 5246 section 6.3): the AEAD, the
  // write key and the fixed IV of one direction. TLS over records only.
  virtual bool install_tls12_read_keys(crypto::AeadAlg aead, std::span<const uint8_t> key,
                                       std::span<const uint8_t> fixed_iv) = 0;
  virtual bool install_tls12_write_keys(crypto::AeadAlg aead, std::span<const uint8_t> key,
                                        std::span<const uint8_t> fixed_iv) = 0;
  // TLS over records only: an unprotected change_cipher_spec (RFC 8446
  // Appendix D.4; in TLS 1.2 the ChangeCipherSpec message, RFC 5246 section
  // 7.1, after which install_tls12_write_keys applies). A transport without
  // one ignores it.
  virtual void send_change_cipher_spec() = 0;
  // TLS over records only: the record sizes negotiated; they apply to the
  // records sealed or opened from now on. A transport without records
  // ignores them.
  virtual void set_record_limits(const RecordLimits& limits) = 0;
  // The client's 0-RTT data, which we do not accept (RFC 8446 section
  // 4.2.10): up to `max_bytes` of it is dropped unread: records the read keys
  // cannot open, or application data before there are any. The first record
  // that opens ends the skipping; 0 ends it now. A transport that discards
  // 0-RTT itself (QUIC) ignores it.
  virtual void skip_early_data(size_t max_bytes) = 0;
  // Client: its 0-RTT write keys are dropped (a HelloRetryRequest rejected
  // the early data): what it sends next goes out as before them.
  virtual void discard_early_write_keys() = 0;
  // TLS 1.2 only: a warning alert (no_renegotiation, RFC 5246 section 7.2.2).
  virtual void send_warning_alert(Alert alert) = 0;
  // False once our side may send nothing more (close_notify or a fatal
  // alert sent): a handshake then answers nothing (RFC 8446 section 6.1).
  virtual bool write_open() const = 0;

 protected:
  ~HandshakeTransport() = default;
};

}  // namespace adieu
