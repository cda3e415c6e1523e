// The TLS 1.3 handshake over QUIC (tls_handshake.h).
#include "engine/quic/tls_handshake.h"

#include "engine/handshake/server_start.h"
#include "engine/handshake/tls13_client.h"
#include "messages/handshake_types.h"
#include "wire/writer.h"

namespace adieu::quic {

namespace {

constexpr size_t index_of(Level level) {
  return static_cast<size_t>(level);
}

// legacy_session_id's length byte in a ClientHello message: after the
// handshake header, legacy_version and random (RFC 8446 section 4.1.2).
constexpr size_t kSessionIdLengthOffset = messages::kHandshakeHeaderSize + 2 + 32;

}  // namespace

TlsHandshake::TlsHandshake(Role role, std::shared_ptr<const Config> config,
                           const TransportParameters& params)
    : ctx_(role, std::move(config)) {
  ctx_.quic.emplace();
  wire::Writer w(ctx_.quic->transport_parameters);
  encode_transport_parameters(w, params);
  if (!w.ok()) fail(TransportError::internal_error);
}

TlsHandshake::~TlsHandshake() = default;

std::unique_ptr<TlsHandshake> TlsHandshake::client(std::shared_ptr<const Config> config,
                                                   const std::string& server_name,
                                                   const TransportParameters& params,
                                                   std::shared_ptr<Session> session) {
  std::unique_ptr<TlsHandshake> tls(new TlsHandshake(Role::client, std::move(config), params));
  tls->ctx_.server_name = server_name;
  auto handshake = std::make_unique<Tls13Client>(tls->ctx_, *tls);
  Tls13Client& client = *handshake;
  tls->handshake_ = std::move(handshake);
  if (tls->error_ != TransportError::no_error) return tls;
  if (!tls->ctx_.config.offers(messages::kTls13)) {
    tls->fail_tls(Error::protocol_version);
  } else if (tls->ctx_.config.alpn.empty()) {
    tls->fail_tls(Error::no_application_protocol);  // RFC 9001 section 8.1
  } else if (const Error err = client.start(std::move(session)); err != Error::none) {
    tls->fail_tls(err);
  }
  return tls;
}

std::unique_ptr<TlsHandshake> TlsHandshake::server(std::shared_ptr<const Config> config,
                                                   const TransportParameters& params) {
  std::unique_ptr<TlsHandshake> tls(new TlsHandshake(Role::server, std::move(config), params));
  tls->handshake_ = std::make_unique<ServerStart>(tls->ctx_, *tls);
  return tls;
}

// ---------------------------------------------------------------------------
// CRYPTO data in

TransportError TlsHandshake::receive_crypto(Level level, uint64_t offset,
                                            std::span<const uint8_t> data) {
  if (error_ != TransportError::no_error) return error_;
  // No CRYPTO frames in 0-RTT packets (RFC 9000 section 12.4), and none at a
  // level whose packets we could not have opened.
  if (level == Level::early_data || index_of(level) > index_of(read_level_)) {
    return fail(TransportError::protocol_violation);
  }
  CryptoStream& s = stream(level);
  if (level != read_level_) {
    // RFC 9001 section 4.1.3: a previous level may repeat what it carried
    // (a retransmission), never carry more.
    if (offset + data.size() > s.received_end()) return fail(TransportError::protocol_violation);
    return TransportError::no_error;
  }
  if (const TransportError err = s.on_crypto_frame(offset, data); err != TransportError::no_error) {
    return fail(err);
  }
  process_messages(level);
  return error_;
}

void TlsHandshake::process_messages(Level level) {
  HandshakeMessageSplitter& splitter = stream(level).messages();
  while (error_ == TransportError::no_error) {
    const std::optional<HandshakeMessageHeader> header = splitter.front_header();
    if (!header) break;
    const auto type = static_cast<messages::HandshakeType>(header->type);
    // The length is judged before the body is gathered.
    if (const Error err = handshake_->check_message_length(type, header->length);
        err != Error::none) {
      fail_tls(err);
      return;
    }
    const std::span<const uint8_t> msg = splitter.front_message();
    if (msg.empty()) break;
    if (ctx_.role == Role::server && !client_hello_seen_) {
      client_hello_seen_ = true;
      // RFC 9001 section 8.4: a client must not ask for middlebox
      // compatibility; we treat it as a PROTOCOL_VIOLATION (the SHOULD).
      if (type == messages::HandshakeType::client_hello && msg.size() > kSessionIdLengthOffset &&
          msg[kSessionIdLengthOffset] != 0) {
        fail(TransportError::protocol_violation);
        return;
      }
    }
    const Level level_before = read_level_;
    const Error err = handshake_->handle_message(type, msg);
    if (std::unique_ptr<Handshake> next = handshake_->take_successor()) {
      handshake_ = std::move(next);
    }
    splitter.pop_front();
    if (err != Error::none) {
      fail_tls(err);
      return;
    }
    take_peer_transport_parameters();
    if (read_level_ != level_before) {
      // The keys changed: this level must have ended with that message
      // (RFC 9001 section 4.1.3, as RFC 8446 section 5.1 for records).
      if (splitter.buffered() != 0) fail_tls(Error::unexpected_message);
      return;
    }
  }
}

void TlsHandshake::take_peer_transport_parameters() {
  if (peer_params_ || !ctx_.quic->peer_transport_parameters) return;
  const Role sender = ctx_.role == Role::client ? Role::server : Role::client;
  TransportParameterError error;
  peer_params_ = decode_transport_parameters(*ctx_.quic->peer_transport_parameters, sender, error);
  if (!peer_params_) fail(error.code);  // RFC 9000 section 7.4
}

// ---------------------------------------------------------------------------
// CRYPTO data out

void TlsHandshake::send_handshake(Level level, std::span<const uint8_t> message) {
  if (error_ != TransportError::no_error) return;
  stream(level).append_outgoing(message);
}

std::span<const uint8_t> TlsHandshake::pending_crypto(Level level) const {
  return stream(level).pending();
}

uint64_t TlsHandshake::pending_crypto_offset(Level level) const {
  return stream(level).pending_offset();
}

void TlsHandshake::consume_crypto(Level level, size_t n) {
  stream(level).consume(n);
}

// ---------------------------------------------------------------------------
// Keys

bool TlsHandshake::install(std::optional<DirectionKeys>& keys, crypto::CipherSuite suite,
                           const crypto::Secret& secret) {
  keys.emplace();
  keys->secret = secret;
  if (!keys->protection.install(suite, secret.span())) {
    keys.reset();
    return false;
  }
  return true;
}

bool TlsHandshake::install_read_secret(Level level, crypto::CipherSuite suite,
                                       const crypto::Secret& secret) {
  if (!install(keys(level).read, suite, secret)) return false;
  // Over QUIC the application keys are installed once; a second time would
  // be a KeyUpdate message, which the handshake refuses here.
  read_level_ = level;
  return true;
}

bool TlsHandshake::install_write_secret(Level level, crypto::CipherSuite suite,
                                        const crypto::Secret& secret) {
  if (!install(keys(level).write, suite, secret)) return false;
  write_level_ = level;
  return true;
}

PacketProtection* TlsHandshake::read_protection(Level level) {
  std::optional<DirectionKeys>& k = keys(level).read;
  return k ? &k->protection : nullptr;
}

PacketProtection* TlsHandshake::write_protection(Level level) {
  std::optional<DirectionKeys>& k = keys(level).write;
  return k ? &k->protection : nullptr;
}

const crypto::Secret* TlsHandshake::read_secret(Level level) const {
  const std::optional<DirectionKeys>& k = keys(level).read;
  return k ? &k->secret : nullptr;
}

const crypto::Secret* TlsHandshake::write_secret(Level level) const {
  const std::optional<DirectionKeys>& k = keys(level).write;
  return k ? &k->secret : nullptr;
}

// ---------------------------------------------------------------------------
// State and errors

bool TlsHandshake::handshake_confirmed() const {
  if (!handshake_complete()) return false;
  return ctx_.role == Role::server || handshake_done_received_;
}

TransportError TlsHandshake::fail(TransportError err) {
  if (error_ != TransportError::no_error) return error_;
  error_ = err;
  // Nothing more is sent but CONNECTION_CLOSE: no alert, no flight.
  for (CryptoStream& s : streams_) s.clear_outgoing();
  return error_;
}

TransportError TlsHandshake::fail_tls(Error err) {
  if (error_ == TransportError::no_error) tls_error_ = err;
  return fail(crypto_error(static_cast<uint8_t>(error_alert(err))));
}

}  // namespace adieu::quic
