// adieu::Connection: one TLS connection as a sans-I/O state machine.
//
// The connection never touches a socket. The application (or an adapter such
// as adieu/socket.h) moves bytes:
//
//   transport -> receive(bytes) / receive_eof()
//   pending_output() / consume_output(n) -> transport
//   read(buf) / write(data) / close()  <-> application
//
// Zero-copy variants, for transports with buffers of their own: readable() /
// consume_readable(n) hand plaintext over where it was decrypted, and
// write_into() seals records straight into the transport's buffer.
//
// Each direction of the connection has its own state (ReadState,
// WriteState), as RFC 8446 section 6.1 closes each direction on its own:
//  - close() queues close_notify and closes our write side only; we can still
//    read until the peer's close_notify (half-close).
//  - The peer's close_notify closes our read side only; it is never answered
//    automatically, and we may keep writing.
//  - A transport EOF before the peer's close_notify is a truncation
//    (ReadState::truncated), never confused with a clean end; it is reported
//    only after all plaintext decrypted before it has been read.
//  - A fatal alert, sent or received, ends both directions.
//
// Errors are values, never exceptions. The first fatal error is sticky: every
// later call reports the same error().
#pragma once

#include <adieu/alert.h>
#include <adieu/config.h>
#include <adieu/error.h>
#include <adieu/session.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace adieu {

namespace testing {
struct ConnectionProbe;  // test-only seam (src/engine/testing.h)
}

enum class WriteState : uint8_t {
  open,                 // application data may be sent
  close_notify_queued,  // close() was called; the alert waits in pending_output()
  close_notify_sent,    // the alert has been taken by the transport (consume_output)
  fatal_alert_sent,     // we ended the connection with an error alert
};

enum class ReadState : uint8_t {
  open,                   // more records may come
  close_notify_received,  // clean end of the peer's data
  fatal_alert_received,   // the peer ended the connection with an error alert
  truncated,              // transport EOF without close_notify
  error,                  // the peer's bytes were invalid (we sent a fatal alert)
};

const char* write_state_name(WriteState state);
const char* read_state_name(ReadState state);

// The outcome of read().
enum class ReadStatus : uint8_t {
  data,        // `bytes` > 0 bytes were copied
  want_input,  // nothing to read yet: feed more transport bytes
  closed,      // the peer's close_notify: no more data will come
  truncated,   // the transport ended without close_notify
  error,       // the connection failed: see error()
};

struct ReadResult {
  size_t bytes = 0;
  ReadStatus status = ReadStatus::want_input;
};

// What became of 0-RTT data on a connection (RFC 8446 section 4.2.10).
enum class EarlyDataStatus : uint8_t {
  not_sent,  // none was offered (client: none attempted; server: the client sent none)
  offered,   // client: sent, and the server has not answered yet
  accepted,  // the server took it
  rejected,  // the server did not take it: it was dropped unread, and a client
             // that wants it delivered must write it again after the handshake
};

// A NewSessionTicket received by a client, as the session layer will need it.
struct ReceivedTicket {
  uint32_t lifetime_seconds = 0;
  uint32_t age_add = 0;
  std::vector<uint8_t> nonce;
  std::vector<uint8_t> ticket;
  uint64_t received_at_ms = 0;
};

class Connection {
 public:
  // A client for `server_name` (sent as SNI unless it is an IP literal or
  // empty, and checked against the server's certificate when verifying).
  // `session`, if given and resumable for that name, is offered for
  // resumption; otherwise the config's session cache is asked for one.
  static std::unique_ptr<Connection> client(std::shared_ptr<const Config> config,
                                            const std::string& server_name,
                                            std::shared_ptr<Session> session = nullptr);
  static std::unique_ptr<Connection> server(std::shared_ptr<const Config> config);
  // Wipes every secret; sends nothing (call close() first for a clean end).
  // Unless our close_notify was queued (or the config's policy is keep), the
  // sessions this connection resumed or received are marked not resumable and
  // removed from the caches (SSL_set_shutdown(3): "considered bad").
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // --- Transport side --------------------------------------------------------
  // Takes bytes received from the peer and processes every complete record
  // at once (alerts and post-handshake messages behind unread data included);
  // a record cut short waits, copied, for its rest. Protected records are
  // decrypted straight from `bytes`. Returns error(): Error::none while the
  // connection is healthy. Bytes that arrive after the read side closed are
  // discarded.
  Error receive(std::span<const uint8_t> bytes);
  // The transport's receive direction has ended. A read side still open
  // becomes truncated once every record received before the end has been
  // processed and its plaintext read. The write side is not affected (a TCP
  // half-close still lets us send).
  void receive_eof();
  // Bytes waiting to be sent, in order; empty when there are none.
  std::span<const uint8_t> pending_output() const;
  // Marks the first `n` pending bytes as handed to the transport.
  void consume_output(size_t n);

  // --- Application side ------------------------------------------------------
  // True once the handshake has completed (it stays true if the connection
  // fails later, so the negotiated parameters below stay readable).
  bool handshake_done() const;
  // Copies up to out.size() bytes of the peer's application data. Data
  // decrypted before the peer's close_notify, a truncation or a failure is
  // returned first; only then does read() report the end (abort() drops it).
  // While data is waiting, an empty `out` gives {0, ReadStatus::data}.
  ReadResult read(std::span<uint8_t> out);
  // Plaintext bytes decrypted and not yet read.
  size_t pending_plaintext() const;
  // Zero-copy reading: the decrypted application data not yet read, where
  // receive() decrypted it (the records are opened straight from the
  // transport's bytes into this buffer, so the data is never copied). Valid
  // until the next call that is not const. Empty when read() would not
  // return data; read() then tells why (want_input or the end).
  std::span<const uint8_t> readable() const;
  // Marks the first `n` bytes of readable() as read (n is capped at its size).
  void consume_readable(size_t n);

  // Encrypts `data` into pending_output(). Error::not_connected before the
  // handshake is done (unless `data` goes as 0-RTT data: see
  // early_data_room()), Error::write_after_close after close(), the sticky
  // error after a failure; Error::none on success (all bytes were taken).
  Error write(std::span<const uint8_t> data);
  // Zero-copy sending: write(data) and taking all of pending_output() in one
  // step, with the records of `data` sealed straight into `out`, the
  // transport's own buffer, so they are never copied. Bytes already pending
  // (handshake messages, a KeyUpdate) are moved to the front of `out`, so the
  // order on the wire is kept. On Error::none, `written` bytes of `out` are to
  // be sent and pending_output() is empty. `out` must hold at least
  // write_into_size(data.size()) bytes: otherwise Error::buffer_too_small, and
  // nothing was taken or written. write()'s errors otherwise, with the same
  // effect (nothing written).
  Error write_into(std::span<const uint8_t> data, std::span<uint8_t> out, size_t& written);
  // The bytes write_into() puts in `out` for `n` bytes of data.
  size_t write_into_size(size_t n) const;
  // Queues close_notify and closes our write side. Idempotent; sends nothing
  // after a fatal alert. During the handshake it abandons the handshake and
  // queues user_canceled followed by close_notify (RFC 8446 section 6.1):
  // handshake_done() stays false and no session is kept. The peer's
  // handshake messages that follow are still verified (a bad one is an
  // error) and its key changes followed, so its close_notify can be read;
  // nothing is answered and its application data is dropped. Returns
  // error() (none normally).
  Error close();
  // Ends the connection at once with a fatal `alert` (sent unless our write
  // side is already closed). Afterwards error() is Error::aborted.
  void abort(Alert alert);
  // Sends a KeyUpdate (RFC 8446 section 4.6.3), asking the peer to update too
  // when `request_peer`. Error::not_connected before the handshake is done
  // and in TLS 1.2 (which has no KeyUpdate; nothing is sent),
  // Error::write_after_close after close().
  Error key_update(bool request_peer);

  // --- Post-handshake client authentication (TLS 1.3, RFC 8446 section 4.6.2) ---
  // Server: asks the client for its certificate on the established
  // connection, with a CertificateRequest (a fresh random
  // certificate_request_context) queued in pending_output(). The client
  // answers with Certificate, CertificateVerify and Finished, which
  // receive() verifies as they come, application data possibly in between:
  // the chain as the handshake's client authentication does (the config's
  // trust store and VerifyMode, none counting as optional: an empty
  // Certificate is accepted unless the mode is required, which refuses it
  // with certificate_required), then the
  // signature and the Finished (decrypt_error when either is wrong). Once
  // the Finished verified, post_handshake_auths() grows by one and
  // peer_certificates(), verify_result() and peer_signature_scheme()
  // describe what the client sent (peer_certificates() is empty for an
  // accepted empty Certificate); a failure ends the connection with its
  // alert. Several requests may be outstanding; their answers may come in
  // any order (RFC 8446 section 4.6.2), each told apart by its context.
  // Returns Error::none when the request was queued. Otherwise nothing is
  // sent and the connection is unchanged: Error::wrong_role on a client,
  // Error::not_connected before the handshake completed, Error::wrong_version
  // in TLS 1.2, Error::not_offered when the client did not offer
  // post_handshake_auth (Config::set_post_handshake_auth on its side),
  // Error::write_after_close after close(), Error::peer_closed after the
  // peer's close_notify (no answer could come); the sticky error after a
  // failure.
  Error request_client_certificate();
  // Server: requests sent whose answer has not been verified yet (requests
  // a client leaves unanswered, having closed, stay here).
  size_t client_certificate_requests_pending() const;
  // Post-handshake authentications completed: the client's answers verified
  // (server) / the requests answered (client; a request received after our
  // close() is not answered and not counted).
  uint64_t post_handshake_auths() const;
  // TLS 1.3: the ClientHello offered post_handshake_auth (client: we sent
  // it; server: we received it).
  bool post_handshake_auth_offered() const;

  // --- State -------------------------------------------------------------------
  Role role() const;
  WriteState write_state() const;
  ReadState read_state() const;
  // The first fatal error, or Error::none.
  Error error() const;
  // The fatal alert we sent / the alert the peer ended the connection with.
  std::optional<Alert> alert_sent() const;
  std::optional<Alert> alert_received() const;

  // --- Negotiated parameters (valid once handshake_done()) ----------------------
  uint16_t version() const;               // 0x0304 (TLS 1.3) or 0x0303 (TLS 1.2)
  uint16_t cipher_suite() const;          // 0x1301...
  const char* cipher_suite_name() const;  // "TLS_AES_128_GCM_SHA256"
  uint16_t group() const;                 // 0x001d...
  const char* group_name() const;         // "x25519", "secp256r1", "secp384r1"
  // The peer's public key share for group(), as it was on the wire (RFC
  // 8446 section 4.2.8.2: an uncompressed point for the NIST curves, the raw
  // key for X25519 and X448; section 4.2.8.1 for the ffdhe groups), as
  // OpenSSL's SSL_get_peer_tmp_key. Empty when there was none (a psk_ke
  // resumption, a TLS 1.2 resumption) or before it arrived.
  std::span<const uint8_t> peer_key_share() const;
  uint16_t peer_signature_scheme() const;  // 0 when the peer did not sign
  const std::string& alpn() const;         // empty when none
  const std::string& server_name() const;  // the SNI sent (client) or received (server)
  bool hello_retry_request() const;        // the handshake went through HRR
  // The X.509 verification result of the peer's chain (X509_V_OK = 0 when it
  // verified or was not checked; an X509_V_ERR_* code otherwise), and its text.
  int verify_result() const;
  const std::string& verify_message() const;
  // The peer's certificate chain (leaf first, DER), empty when none was sent.
  const std::vector<std::vector<uint8_t>>& peer_certificates() const;
  // The hellos' randoms (zeros until known).
  const std::array<uint8_t, 32>& client_random() const;
  const std::array<uint8_t, 32>& server_random() const;
  // Exported keying material (RFC 5705 for TLS 1.2, RFC 8446 section 7.5
  // for TLS 1.3) for `label` and `context` (nullopt: no context; in TLS 1.3
  // the same as an empty one) into `out`. False before the handshake
  // completed, for a label TLS 1.2 reserves ("client finished", ...), a
  // length the version cannot give, or a libcrypto failure.
  bool export_keying_material(std::string_view label,
                              std::optional<std::span<const uint8_t>> context,
                              std::span<uint8_t> out) const;
  // The session's master secret: TLS 1.2's (48 bytes), or TLS 1.3's
  // resumption master secret (as OpenSSL's SSL_SESSION_get_master_key).
  // Empty before the handshake completed.
  std::span<const uint8_t> master_secret() const;
  // The verify_data of the last Finished message we sent (`local`) or
  // received and verified (RFC 5246 section 7.4.9: 12 bytes; RFC 8446
  // section 4.4.4: the suite's hash length), as OpenSSL's SSL_get_finished /
  // SSL_get_peer_finished; tls-unique (RFC 5929) is the first Finished of
  // the handshake. Empty until that Finished was sent / verified. A TLS 1.3
  // post-handshake authentication's Finished replaces it.
  std::span<const uint8_t> finished(bool local) const;
  // Number of KeyUpdates received from the peer / sent by us.
  uint64_t key_updates_received() const;
  uint64_t key_updates_sent() const;

  // True when the handshake resumed a session (PSK, no certificates).
  bool resumed() const;
  // Client: the newest resumable session received on this connection, or the
  // one it resumed; nullptr when none. Server: the session it resumed.
  std::shared_ptr<Session> session() const;

  // --- 0-RTT data (RFC 8446 section 4.2.10; replayable: see section 8) ----------
  // Client: how many bytes write() may still send as early data, before the
  // handshake completes: the ticket's max_early_data_size less what was
  // written. 0 when there is no early data to send: Config::set_early_data
  // is off, the session offered allows none, or the server has answered
  // (its ServerHello arrived). Server: 0.
  size_t early_data_room() const;
  EarlyDataStatus early_data_status() const;
  // Bytes of 0-RTT data written (client) or received (server). A server's
  // early data is what read() returns before handshake_done().
  uint64_t early_data_bytes() const;

  // Client: tickets received so far (in order); take_tickets() hands them over.
  std::vector<ReceivedTicket> take_tickets();
  size_t tickets_received() const;

  struct Impl;

 private:
  friend struct testing::ConnectionProbe;
  explicit Connection(std::unique_ptr<Impl> impl);
  Error open_gate();
  std::unique_ptr<Impl> impl_;
};

}  // namespace adieu
