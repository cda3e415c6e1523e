#include "engine/handshake/server_start.h"

#include "engine/handshake/contains.h"
#include "engine/handshake/tls13_server.h"

namespace adieu {

uint16_t negotiate_version(const messages::ClientHello& ch, const Config::Impl& /*config*/) {
  if (ch.supported_versions && contains(*ch.supported_versions, messages::kTls13)) {
    return messages::kTls13;
  }
  return 0;
}

Error ServerStart::handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) {
  if (type != messages::HandshakeType::client_hello) return Error::unexpected_message;
  messages::ClientHello ch;
  if (Error err = ch.parse(msg.subspan(messages::kHandshakeHeaderSize)); err != Error::none) {
    return err;
  }
  if (negotiate_version(ch, ctx_.config) != messages::kTls13) return Error::protocol_version;
  auto server = std::make_unique<Tls13Server>(ctx_, transport_);
  const Error err = server->start(ch, msg);
  // A server that completed within start() has a successor of its own.
  std::unique_ptr<Handshake> next = server->take_successor();
  successor_ = next ? std::move(next) : std::move(server);
  return err;
}

}  // namespace adieu
