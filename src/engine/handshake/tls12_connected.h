// A TLS 1.2 connection after its handshake. adieu never renegotiates (RFC
// 5246 section 7.4.1.1, RFC 5746): a HelloRequest (client) or ClientHello
// (server) is answered with a no_renegotiation warning, as OpenSSL does with
// SSL_OP_NO_RENEGOTIATION, and the connection goes on; nothing is answered
// once our close_notify is out. Any other handshake message is unexpected.
#pragma once

#include "crypto/secret.h"
#include "engine/handshake/handshake.h"

namespace adieu {

class Tls12Connected final : public Handshake {
 public:
  Tls12Connected(HandshakeContext& context, HandshakeTransport& transport,
                 const crypto::Secret& master_secret)
      : Handshake(context, transport), master_secret_(master_secret) {}

  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) override;
  // A ChangeCipherSpec without a handshake before it (RFC 5246 section 7.1).
  Error handle_change_cipher_spec(std::span<const uint8_t>) override {
    return Error::unexpected_message;
  }
  bool connected() const override { return true; }
  // RFC 5705 section 4, with the PRF of the suite.
  bool export_keying_material(std::string_view label,
                              std::optional<std::span<const uint8_t>> context,
                              std::span<uint8_t> out) const override;
  std::span<const uint8_t> master_secret() const override { return master_secret_.span(); }

 private:
  crypto::Secret master_secret_;  // for exported keying material (RFC 5705)
};

}  // namespace adieu
