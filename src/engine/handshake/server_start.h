// A server before the first ClientHello: it parses the ClientHello once,
// negotiates the protocol version, and hands over to that version's server
// handshake.
#pragma once

#include "engine/handshake/handshake.h"
#include "messages/messages.h"

namespace adieu {

// The version a server speaks with the client that sent `ch` (wire value),
// or 0 when there is none: the highest both offer (RFC 8446 section 4.2.1;
// RFC 5246 Appendix E.1 without supported_versions).
uint16_t negotiate_version(const messages::ClientHello& ch, const Config::Impl& config);

// ALPN (RFC 7301 section 3.2), for both versions' servers: our first
// protocol the client offers, into ctx.alpn; no_application_protocol when the
// client offered ALPN and none matches.
Error choose_alpn(HandshakeContext& ctx, const messages::ClientHello& ch);

class ServerStart final : public Handshake {
 public:
  using Handshake::Handshake;

  // The first message must be a ClientHello.
  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) override;
  // Nothing may come before the ClientHello (RFC 8446 section 5).
  Error handle_change_cipher_spec(std::span<const uint8_t>) override {
    return Error::unexpected_message;
  }
  bool connected() const override { return false; }
};

}  // namespace adieu
