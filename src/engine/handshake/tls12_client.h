// The TLS 1.2 client handshake (RFC 5246 section 7.3, ECDHE per RFC 8422):
//   ClientHello -> ServerHello, Certificate, ServerKeyExchange,
//   CertificateRequest?, ServerHelloDone -> our Certificate?,
//   ClientKeyExchange, CertificateVerify?, [ChangeCipherSpec], Finished ->
//   [ChangeCipherSpec], Finished.
// A client that offered TLS 1.3 too hands its ClientHello over when the
// ServerHello selects TLS 1.2 (Tls13Client).
#pragma once

#include <vector>

#include "engine/handshake/tls12_handshake.h"
#include "messages/tls12_messages.h"

namespace adieu {

class Tls12Client final : public Tls12Handshake {
 public:
  // `hello` and `hello_bytes`: the ClientHello we sent (built and sent by
  // start(), or by Tls13Client).
  Tls12Client(HandshakeContext& context, HandshakeTransport& transport, messages::ClientHello hello,
              std::vector<uint8_t> hello_bytes);

  // A client offering only TLS 1.2: builds and sends the ClientHello,
  // offering `session` (or one from the config's cache) for resumption.
  Error start(std::shared_ptr<Session> session);
  // The ServerHello `msg` (parsed as `sh`) selected TLS 1.2.
  Error on_server_hello(const messages::ServerHello& sh, std::span<const uint8_t> msg);
  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) override;
  Error handle_change_cipher_spec(std::span<const uint8_t> body) override;

 private:
  enum class State : uint8_t {
    wait_server_hello,
    wait_certificate,
    wait_server_key_exchange,
    wait_certificate_request_or_done,
    wait_server_hello_done,
    wait_new_session_ticket,  // the server said it will send one (RFC 5077 section 3.3)
    wait_change_cipher_spec,
    wait_finished,
  };

  Error on_certificate(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_server_key_exchange(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_certificate_request(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_server_hello_done(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_new_session_ticket(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_finished(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  // The server resumed the session we offered: its Finished comes next.
  Error resume(const messages::ServerHello& sh);
  // Keeps the session this handshake made or resumed for the next one.
  void keep_session();
  // Our certificate for the server's CertificateRequest, and the scheme it
  // will sign with; nullptr when we have none that fits (an empty
  // Certificate is sent, RFC 5246 section 7.4.6).
  const CertifiedKey* choose_client_certificate(crypto::SignatureScheme& scheme) const;

  State state_ = State::wait_server_hello;
  messages::ClientHello hello_;
  std::vector<uint8_t> hello_bytes_;
  std::optional<messages::Tls12CertificateRequest> certificate_request_;
  std::optional<crypto::SharedSecret> pre_master_secret_;
  bool ticket_expected_ = false;  // ServerHello's session_ticket
  std::optional<messages::Tls12NewSessionTicket> new_ticket_;
  std::vector<uint8_t> session_id_;  // the server's, for a new session
};

}  // namespace adieu
