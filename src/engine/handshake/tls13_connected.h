// A TLS 1.3 connection after its handshake (RFC 8446 section 4.6): it takes
// NewSessionTicket (client) and KeyUpdate, sends KeyUpdate and the server's
// tickets, runs post-handshake client authentication when the client
// offered it (tls13_post_handshake_auth.h), and holds only what they need: the suite, the
// application traffic secrets in force and the resumption master secret.
#pragma once

#include <memory>

#include "crypto/cipher_suite.h"
#include "crypto/hash.h"
#include "crypto/secret.h"
#include "engine/handshake/handshake.h"
#include "engine/handshake/tls13_post_handshake_auth.h"
#include "messages/messages.h"

namespace adieu {

class Tls13Connected final : public Handshake {
 public:
  Tls13Connected(HandshakeContext& context, HandshakeTransport& transport, crypto::SuiteInfo suite,
                 const crypto::Secret& read_secret, const crypto::Secret& write_secret,
                 const crypto::Secret& exporter_master, const crypto::Secret& resumption_master);

  // Processed whenever the read side is open, including while we wait for
  // the peer's close_notify after our own.
  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) override;
  // After the handshake a change_cipher_spec is unexpected (RFC 8446 section 5).
  Error handle_change_cipher_spec(std::span<const uint8_t>) override {
    return Error::unexpected_message;
  }
  bool connected() const override { return true; }
  Error send_key_update(bool request_peer) override;
  size_t key_update_size() const override { return messages::KeyUpdate::kSize; }
  // TLS-Exporter (RFC 8446 section 7.5); no context is an empty one.
  bool export_keying_material(std::string_view label,
                              std::optional<std::span<const uint8_t>> context,
                              std::span<uint8_t> out) const override;
  std::span<const uint8_t> master_secret() const override { return resumption_master_.span(); }
  // Server: the configured number of tickets, stateless (sealed under the
  // ticket keys) or stateful (an id into the session cache).
  Error send_new_session_tickets();
  // The client offered post_handshake_auth: `handshake_transcript` (through
  // the client's Finished) is kept for it (tls13_post_handshake_auth.h).
  void allow_post_handshake_auth(crypto::Hash handshake_transcript);
  Error request_client_certificate() override;

 protected:
  // A post-handshake authentication's Finished is the hash's size.
  size_t finished_length() const override;

 private:
  std::shared_ptr<Session> make_session(const messages::NewSessionTicket& nst) const;

  crypto::SuiteInfo suite_;
  crypto::Secret read_secret_;  // application traffic secrets in force
  crypto::Secret write_secret_;
  crypto::Secret exporter_master_;
  crypto::Secret resumption_master_;
  std::unique_ptr<Tls13PostHandshakeAuth> post_handshake_auth_;  // when the client offered it
};

}  // namespace adieu
