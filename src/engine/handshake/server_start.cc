#include "engine/handshake/server_start.h"

#include "engine/handshake/contains.h"
#include "engine/handshake/tls12_server.h"
#include "engine/handshake/tls13_server.h"

namespace adieu {

uint16_t negotiate_version(const messages::ClientHello& ch, const Config::Impl& config) {
  // RFC 8446 section 4.2.1: with supported_versions, only its list counts;
  // without it, legacy_version is the client's highest (TLS 1.2 at most).
  if (ch.supported_versions) {
    if (config.offers(messages::kTls13) && contains(*ch.supported_versions, messages::kTls13)) {
      return messages::kTls13;
    }
    if (config.offers(messages::kTls12) && contains(*ch.supported_versions, messages::kTls12)) {
      return messages::kTls12;
    }
    return 0;
  }
  if (config.offers(messages::kTls12) && ch.legacy_version >= messages::kTls12) {
    return messages::kTls12;
  }
  return 0;
}

Error choose_alpn(HandshakeContext& ctx, const messages::ClientHello& ch) {
  ctx.alpn.clear();
  if (!ch.alpn) return Error::none;
  if (ctx.config.alpn_selector) {
    const std::optional<std::string> chosen = ctx.config.alpn_selector(*ch.alpn);
    if (!chosen) return Error::no_application_protocol;
    if (!chosen->empty() && !contains(*ch.alpn, *chosen)) return Error::internal_error;
    ctx.alpn = *chosen;
    return Error::none;
  }
  if (ctx.config.alpn.empty()) return Error::none;
  for (const std::string& p : ctx.config.alpn) {
    if (contains(*ch.alpn, p)) {
      ctx.alpn = p;
      return Error::none;
    }
  }
  return Error::no_application_protocol;
}

Error ServerStart::handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) {
  if (type != messages::HandshakeType::client_hello) return Error::unexpected_message;
  messages::ClientHello ch;
  if (Error err = ch.parse(msg.subspan(messages::kHandshakeHeaderSize)); err != Error::none) {
    return err;
  }
  // RFC 8446 Appendix D.5: a legacy_version below TLS 1.0 is not a TLS
  // ClientHello we answer.
  if (ch.legacy_version < 0x0301) return Error::protocol_version;
  const uint16_t version = negotiate_version(ch, ctx_.config);
  // QUIC carries TLS 1.3 only (RFC 9001 section 4.2).
  if (ctx_.quic && version != messages::kTls13) return Error::protocol_version;
  if (version == messages::kTls12) {
    auto server = std::make_unique<Tls12Server>(ctx_, transport_);
    const Error err = server->start(ch, msg);
    successor_ = std::move(server);
    return err;
  }
  if (version != messages::kTls13) return Error::protocol_version;
  auto server = std::make_unique<Tls13Server>(ctx_, transport_);
  const Error err = server->start(ch, msg);
  // A server that completed within start() has a successor of its own.
  std::unique_ptr<Handshake> next = server->take_successor();
  successor_ = next ? std::move(next) : std::move(server);
  return err;
}

}  // namespace adieu
