// TlsHandshake: the TLS 1.3 handshake of one QUIC connection (RFC 9001
// sections 4 and 8), sans-I/O and without packets.
//
// It is the QUIC implementation of HandshakeTransport: the same handshake
// objects as TLS over records (engine/handshake/) run on it, and it carries
// their messages in one CRYPTO stream per encryption level instead of
// records. The packet layer hands it the CRYPTO frames it received
// (receive_crypto) and takes what to send per level (pending_crypto /
// consume_crypto); each secret the handshake installs becomes that level's
// packet protection keys (RFC 9001 section 5.1), held here for the packet
// layer, with the traffic secret a key update starts from (section 6).
//
// Over QUIC the handshake is TLS 1.3 only (section 4.2), sends no
// change_cipher_spec and no legacy_session_id (section 8.4), takes no 0-RTT
// (so no EndOfEarlyData, section 8.3; early data is refused for now), sends
// and accepts no KeyUpdate message (section 6: unexpected_message), needs an
// application protocol in common (section 8.1: no_application_protocol) and
// the peer's quic_transport_parameters (section 8.2: missing_extension).
// A TLS error is never sent as an alert: it becomes CRYPTO_ERROR (0x100 +
// the alert, section 4.8), which error() reports for CONNECTION_CLOSE.
#pragma once

#include <adieu/config.h>
#include <adieu/session.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "crypto/secret.h"
#include "engine/core/handshake_transport.h"
#include "engine/handshake/handshake.h"
#include "engine/quic/crypto_stream.h"
#include "engine/quic/packet_protection.h"
#include "engine/quic/transport_error.h"
#include "engine/quic/transport_parameters.h"

namespace adieu::quic {

class TlsHandshake final : public HandshakeTransport {
 public:
  // A client for `server_name` (certificate check and SNI) sending
  // `params`, offering `session` for resumption when given. The
  // ClientHello is at pending_crypto(Level::initial) at once. A config that
  // does not offer TLS 1.3 fails with CRYPTO_ERROR(protocol_version), one
  // without ALPN protocols with CRYPTO_ERROR(no_application_protocol).
  static std::unique_ptr<TlsHandshake> client(std::shared_ptr<const Config> config,
                                              const std::string& server_name,
                                              const TransportParameters& params,
                                              std::shared_ptr<Session> session = nullptr);
  // A server sending `params` (which carry its connection IDs, RFC 9000
  // section 7.3), waiting for the ClientHello.
  static std::unique_ptr<TlsHandshake> server(std::shared_ptr<const Config> config,
                                              const TransportParameters& params);
  ~TlsHandshake();

  // --- CRYPTO data in
  // The data of a CRYPTO frame received at `level` (Level::initial,
  // handshake or application). Whole messages are handed to the handshake
  // as they complete. Errors (also in error() from then on):
  // PROTOCOL_VIOLATION for data at a level whose keys we do not have, at
  // early_data, or at a previous level beyond what it already carried (RFC
  // 9001 section 4.1.3), and for a ClientHello with a legacy_session_id
  // (section 8.4: we take the SHOULD); CRYPTO_BUFFER_EXCEEDED; CRYPTO_ERROR
  // with the alert of what the handshake refused, including a message left
  // unfinished at a level when the keys change (unexpected_message).
  TransportError receive_crypto(Level level, uint64_t offset, std::span<const uint8_t> data);

  // --- CRYPTO data out
  // What the handshake sent at `level` and the packet layer has not taken;
  // its first byte is at stream offset pending_crypto_offset(level).
  std::span<const uint8_t> pending_crypto(Level level) const;
  uint64_t pending_crypto_offset(Level level) const;
  void consume_crypto(Level level, size_t n);

  // --- keys for the packet layer (nullptr until installed). Initial keys
  // come from the client's Destination Connection ID (initial_secrets.h),
  // not from here.
  PacketProtection* read_protection(Level level);
  PacketProtection* write_protection(Level level);
  // The traffic secret the keys came from: at Level::application, where key
  // updates start (RFC 9001 section 6.1, next_traffic_secret). nullptr until
  // installed.
  const crypto::Secret* read_secret(Level level) const;
  const crypto::Secret* write_secret(Level level) const;
  // The levels of the newest keys each way (Level::initial before any).
  Level read_level() const { return read_level_; }
  Level write_level() const { return write_level_; }

  // --- state
  // The handshake completed: RFC 9001 section 4.1.1 (client: Finished sent;
  // server: the client's Finished received).
  bool handshake_complete() const { return ctx_.established && error_ == TransportError::no_error; }
  // Section 4.1.2: the server's handshake is confirmed once complete; the
  // client's once HANDSHAKE_DONE arrives (on_handshake_done()).
  bool handshake_confirmed() const;
  // The connection layer received a HANDSHAKE_DONE frame (client).
  void on_handshake_done() { handshake_done_received_ = true; }
  // The error that ends the connection (no_error while all is well), for
  // CONNECTION_CLOSE (RFC 9001 section 4.8).
  TransportError error() const { return error_; }
  // The adieu::Error behind a CRYPTO_ERROR (Error::none otherwise).
  Error tls_error() const { return tls_error_; }
  // The peer's transport parameters, decoded and validated (RFC 9000
  // section 7.4) once its ClientHello / EncryptedExtensions was handled.
  const std::optional<TransportParameters>& peer_transport_parameters() const {
    return peer_params_;
  }
  // What the handshake negotiated (ALPN, suite, peer chain, tickets...).
  const HandshakeContext& context() const { return ctx_; }
  // Requests of TLS-over-records acts this transport ignored: a middlebox
  // change_cipher_spec (never made over QUIC; kept so tests can check).
  size_t change_cipher_spec_requests() const { return change_cipher_spec_requests_; }

  // --- HandshakeTransport
  void send_handshake(Level level, std::span<const uint8_t> message) override;
  void flight_complete() override {}  // the packet layer takes data as it comes
  bool install_read_secret(Level level, crypto::CipherSuite suite,
                           const crypto::Secret& secret) override;
  bool install_write_secret(Level level, crypto::CipherSuite suite,
                            const crypto::Secret& secret) override;
  // TLS 1.2 never runs over QUIC: refused.
  bool install_tls12_read_keys(crypto::AeadAlg, std::span<const uint8_t>,
                               std::span<const uint8_t>) override {
    return false;
  }
  bool install_tls12_write_keys(crypto::AeadAlg, std::span<const uint8_t>,
                                std::span<const uint8_t>) override {
    return false;
  }
  void send_change_cipher_spec() override { ++change_cipher_spec_requests_; }
  void set_record_limits(const RecordLimits&) override {}
  void skip_early_data(size_t) override {}  // 0-RTT packets are the packet layer's to drop
  void discard_early_write_keys() override { keys(Level::early_data).write.reset(); }
  void send_warning_alert(Alert) override {}  // TLS 1.2 only
  bool write_open() const override { return error_ == TransportError::no_error; }

 private:
  struct DirectionKeys {
    PacketProtection protection;
    crypto::Secret secret;
  };
  struct LevelKeys {
    std::optional<DirectionKeys> read;
    std::optional<DirectionKeys> write;
  };

  TlsHandshake(Role role, std::shared_ptr<const Config> config, const TransportParameters& params);
  // Derives `keys` from `secret` (RFC 9001 section 5.1) and keeps the secret.
  static bool install(std::optional<DirectionKeys>& keys, crypto::CipherSuite suite,
                      const crypto::Secret& secret);
  LevelKeys& keys(Level level) { return keys_[static_cast<size_t>(level)]; }
  const LevelKeys& keys(Level level) const { return keys_[static_cast<size_t>(level)]; }
  CryptoStream& stream(Level level) { return streams_[static_cast<size_t>(level)]; }
  const CryptoStream& stream(Level level) const { return streams_[static_cast<size_t>(level)]; }
  // Hands the whole messages of `level` to the handshake.
  void process_messages(Level level);
  // Decodes the peer's transport parameters once the handshake has them.
  void take_peer_transport_parameters();
  TransportError fail(TransportError err);
  TransportError fail_tls(Error err);

  HandshakeContext ctx_;
  std::unique_ptr<Handshake> handshake_;
  std::array<CryptoStream, 4> streams_;  // indexed by Level
  std::array<LevelKeys, 4> keys_;
  Level read_level_ = Level::initial;
  Level write_level_ = Level::initial;
  bool client_hello_seen_ = false;  // server: the first ClientHello was judged
  bool handshake_done_received_ = false;
  std::optional<TransportParameters> peer_params_;
  TransportError error_ = TransportError::no_error;
  Error tls_error_ = Error::none;
  size_t change_cipher_spec_requests_ = 0;
};

}  // namespace adieu::quic
