// The TLS 1.2 server handshake (RFC 5246 section 7.3, ECDHE per RFC 8422):
//   ClientHello -> ServerHello, Certificate, ServerKeyExchange,
//   CertificateRequest?, ServerHelloDone -> client Certificate?,
//   ClientKeyExchange, CertificateVerify?, [ChangeCipherSpec], Finished ->
//   [ChangeCipherSpec], Finished.
#pragma once

#include "engine/handshake/tls12_handshake.h"
#include "messages/tls12_messages.h"

namespace adieu {

class Tls12Server final : public Tls12Handshake {
 public:
  using Tls12Handshake::Tls12Handshake;

  // Answers the ClientHello (`msg`, parsed as `ch`), once version
  // negotiation chose TLS 1.2.
  Error start(const messages::ClientHello& ch, std::span<const uint8_t> msg);
  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) override;
  Error handle_change_cipher_spec(std::span<const uint8_t> body) override;

 private:
  enum class State : uint8_t {
    wait_client_certificate,
    wait_client_key_exchange,
    wait_certificate_verify,
    wait_change_cipher_spec,
    wait_finished,
  };

  // What the ClientHello allows: suite, certificate, signature scheme, group.
  Error choose_parameters(const messages::ClientHello& ch);
  Error choose_group(const messages::ClientHello& ch);
  // The TLS 1.2 session the client asks to resume (ticket or session id),
  // if we may: nullptr for a full handshake.
  std::shared_ptr<Session> find_session(const messages::ClientHello& ch) const;
  // The abbreviated handshake (RFC 5246 section 7.3): ServerHello,
  // [ChangeCipherSpec], Finished at once.
  Error resume(const messages::ClientHello& ch, std::shared_ptr<Session> session);
  // Puts the answer to the client's record size extensions in `sh` and
  // applies the limits agreed.
  void answer_record_limits(const messages::ClientHello& ch, messages::ServerHello& sh);
  // After the client's Finished of a full handshake: a ticket (RFC 5077)
  // or a session in our cache under the session id we sent.
  Error issue_session();
  Error send_flight(const messages::ClientHello& ch);
  Error on_client_certificate(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_client_key_exchange(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_certificate_verify(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_finished(std::span<const uint8_t> msg, std::span<const uint8_t> body);

  State state_ = State::wait_client_key_exchange;
  const CertifiedKey* our_certificate_ = nullptr;
  crypto::SignatureScheme our_scheme_{};
  crypto::Group group_{};
  bool server_name_matched_ = false;
  bool secure_renegotiation_ = false;
  bool certificate_requested_ = false;
  bool issue_ticket_ = false;        // we said session_ticket in ServerHello
  std::vector<uint8_t> session_id_;  // the one we sent for a stateful session
};

}  // namespace adieu
