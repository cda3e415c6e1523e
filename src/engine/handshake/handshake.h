// Handshake objects: one per protocol version and role, each with its own
// declared states and one function per state (BoringSSL's do_* style): the
// state says which message is awaited, and a message is checked against it
// before it is parsed. A handshake talks to what carries it only through
// HandshakeTransport (engine/core/handshake_transport.h).
//
// A connection runs a succession of them: a server's ServerStart reads the
// ClientHello and hands over to the handshake of the version it negotiates
// (version_negotiation.h); a TLS 1.3 handshake hands over, once complete, to
// Tls13Connected, which handles the post-handshake messages and holds only
// what they need (so an idle connection keeps no handshake state).
#pragma once

#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/error.h>
#include <adieu/session.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/cipher_suite.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "crypto/signature.h"
#include "engine/config_impl.h"
#include "engine/core/handshake_transport.h"
#include "messages/handshake_types.h"

namespace adieu {

// What every handshake object of a connection reads and fills in: the
// configuration, the randomness, and the negotiated facts the public API
// reports. It outlives each handshake object.
struct HandshakeContext {
  HandshakeContext(Role role, std::shared_ptr<const Config> config);

  Role role;
  std::shared_ptr<const Config> config_owner;
  const Config::Impl& config;
  crypto::BatchedRandom batched_random;  // used when the config draws from the system
  crypto::Random& random;

  // --- negotiated (valid once `established`)
  bool established = false;  // the handshake completed (stays true after a later failure)
  uint16_t version = 0;      // wire value, set when the version is chosen
  std::optional<crypto::SuiteInfo> suite;  // TLS 1.3's
  uint16_t cipher_suite = 0;               // the negotiated suite, either version
  const char* cipher_suite_name = "none";  // its IANA name
  uint16_t group = 0;
  std::vector<uint8_t> peer_key_share;  // the peer's public (EC)DHE share for `group`
  uint16_t peer_scheme = 0;
  std::string alpn;
  std::string server_name;  // sent (client) or received (server)
  bool retried = false;     // a HelloRetryRequest happened
  bool resumed = false;
  std::array<uint8_t, 32> client_random{};  // also names the key log's lines
  std::array<uint8_t, 32> server_random{};
  // The verify_data of the last Finished we sent / received (RFC 5246
  // section 7.4.9, RFC 8446 section 4.4.4), for tls-unique (RFC 5929).
  std::vector<uint8_t> finished_sent;
  std::vector<uint8_t> finished_received;
  std::vector<crypto::Certificate> peer_chain;
  std::vector<std::vector<uint8_t>> peer_certificates;  // DER of peer_chain, made on demand
  std::string verify_message;                           // why the peer's chain was refused
  int verify_result = 0;                                // its X509_V_* code
  uint64_t key_updates_received = 0;
  uint64_t key_updates_sent = 0;
  EarlyDataStatus early_data = EarlyDataStatus::not_sent;
  uint64_t early_data_bytes = 0;  // 0-RTT data written (client) / received (server)

  // --- post-handshake client authentication (TLS 1.3, RFC 8446 section 4.6.2)
  bool post_handshake_auth = false;         // the ClientHello offered it (sent or received)
  uint64_t post_handshake_auths = 0;        // answered (client) / verified (server)
  size_t post_handshake_auths_pending = 0;  // server: requests sent, answer not verified

  // --- sessions (resumption)
  std::shared_ptr<Session> offered_session;            // client: the session in our ClientHello
  std::shared_ptr<Session> resumed_session;            // the session this handshake resumed
  std::vector<std::shared_ptr<Session>> new_sessions;  // received (client) / issued (server)
  std::vector<ReceivedTicket> tickets;                 // client: NewSessionTickets received
  size_t tickets_received = 0;

  // --- QUIC (RFC 9001): set by quic::TlsSession, never by the TLS API. When
  // set, the handshake is TLS 1.3 only, with no middlebox compatibility
  // (section 8.4), no 0-RTT, no EndOfEarlyData and no KeyUpdate (sections
  // 8.3, 6), ALPN mandatory (section 8.1) and transport parameters both ways
  // (section 8.2).
  struct Quic {
    std::vector<uint8_t> transport_parameters;  // ours, encoded (RFC 9000 section 18)
    std::optional<std::vector<uint8_t>> peer_transport_parameters;  // as received
  };
  std::optional<Quic> quic;

  // Writes "LABEL client_random secret" to the config's key log, if any.
  void keylog(const char* label, const crypto::Secret& secret) const;
  // Parses the peer's chain (leaf first, DER) into peer_chain and verifies it
  // as `mode` says (none: not at all); the client checks the server's name.
  // An empty chain is the caller's to judge. The error is the alert's (RFC
  // 8446 section 6.2): bad_certificate, certificate_expired, unknown_ca, ...
  Error verify_peer_chain(std::span<const std::span<const uint8_t>> ders, bool is_server_cert,
                          VerifyMode mode);
  // A connection that did not end with our close_notify (`clean` false)
  // makes every session it resumed, offered or received not resumable and
  // removes it from the cache, unless the config keeps them (SSL_set_shutdown(3):
  // "considered bad").
  void apply_unclean_session_rule(bool clean);
};

class Handshake {
 public:
  Handshake(HandshakeContext& context, HandshakeTransport& transport)
      : ctx_(context), transport_(transport) {}
  virtual ~Handshake() = default;
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  // A whole handshake message (4-byte header included) received under the
  // current read keys. Returns the error that ends the connection, or none.
  virtual Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) = 0;
  // An unprotected change_cipher_spec record with this body.
  virtual Error handle_change_cipher_spec(std::span<const uint8_t> body) = 0;
  // True when application data may flow both ways.
  virtual bool connected() const = 0;
  // Sends a KeyUpdate (RFC 8446 section 4.6.3) and moves our write side to
  // the next key. Error::not_connected where the state or version has none.
  virtual Error send_key_update(bool /*request_peer*/) { return Error::not_connected; }
  // The size of the KeyUpdate message send_key_update() sends (0: none).
  virtual size_t key_update_size() const { return 0; }
  // 0-RTT (RFC 8446 section 4.2.10). Client: the bytes the application may
  // still write as early data now (write() before the handshake completes),
  // and the bytes it just wrote within that room.
  virtual size_t early_data_room() const { return 0; }
  virtual void note_early_data_written(size_t /*n*/) {}
  // `n` bytes of application data arrived before the handshake completed:
  // Error::none only for 0-RTT data a server accepted, within its limit
  // (beyond it, unexpected_message).
  virtual Error take_early_data(size_t /*n*/) { return Error::unexpected_message; }
  // Server: sends a post-handshake CertificateRequest (RFC 8446 section
  // 4.6.2). Error::wrong_version where the version has none.
  virtual Error request_client_certificate() { return Error::wrong_version; }
  // Exported keying material (RFC 5705; RFC 8446 section 7.5) for `label`
  // and `context` (nullopt: none) into `out`. False before the handshake
  // completed, for a label or size the version refuses, or on a libcrypto
  // failure.
  virtual bool export_keying_material(std::string_view /*label*/,
                                      std::optional<std::span<const uint8_t>> /*context*/,
                                      std::span<uint8_t> /*out*/) const {
    return false;
  }
  // The session's master secret: TLS 1.2's, or TLS 1.3's resumption master
  // secret (as OpenSSL's SSL_SESSION_get_master_key). Empty before the
  // handshake completed.
  virtual std::span<const uint8_t> master_secret() const { return {}; }

  // The handshake that takes over once the last message was handled, if any.
  std::unique_ptr<Handshake> take_successor() { return std::move(successor_); }

  // Judges a message from its header alone, before its body is gathered: a
  // Finished whose length is not the verify_data's is decode_error (RFC 8446
  // section 4.4.4, RFC 5246 section 7.4.9), anything over
  // messages::kMaxHandshakeMessage illegal_parameter (as OpenSSL).
  Error check_message_length(messages::HandshakeType type, size_t length) const {
    const size_t finished = finished_length();
    if (type == messages::HandshakeType::finished && finished != 0 && length != finished) {
      return Error::decode_error;
    }
    return length > messages::kMaxHandshakeMessage ? Error::illegal_parameter : Error::none;
  }

 protected:
  // The length of the peer's Finished body once known (0: not yet).
  virtual size_t finished_length() const { return 0; }

  HandshakeContext& ctx_;
  HandshakeTransport& transport_;
  std::unique_ptr<Handshake> successor_;
};

}  // namespace adieu
