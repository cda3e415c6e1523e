// The TLS 1.3 client handshake (RFC 8446 section 2, Appendix A.1):
//   ClientHello -> [HelloRetryRequest -> ClientHello] -> ServerHello ->
//   {EncryptedExtensions} -> {CertificateRequest}? -> {Certificate} ->
//   {CertificateVerify} -> {Finished} => our {Certificate, CertificateVerify}?,
//   {Finished}.
#pragma once

#include <memory>
#include <vector>

#include "crypto/key_exchange.h"
#include "engine/handshake/tls13_handshake.h"
#include "messages/messages.h"

namespace adieu {

class Tls13Client final : public Tls13Handshake {
 public:
  using Tls13Handshake::Tls13Handshake;

  // Sends the ClientHello, offering `session` (or one from the config's
  // cache) for resumption.
  Error start(std::shared_ptr<Session> session);
  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) override;
  size_t early_data_room() const override { return early_data_room_; }
  void note_early_data_written(size_t n) override;

 private:
  // One state per message awaited; each has its function below.
  enum class State : uint8_t {
    wait_server_hello,
    wait_encrypted_extensions,
    wait_certificate_or_request,
    wait_certificate,
    wait_certificate_verify,
    wait_finished,
  };

  Error on_server_hello(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_hello_retry_request(const messages::ServerHello& hrr, std::span<const uint8_t> msg);
  Error on_encrypted_extensions(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_certificate_request(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_certificate(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_certificate_verify(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_finished(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error send_second_flight();

  // Resumption (tls13_resumption.cc).
  void offer_session(std::shared_ptr<Session> session);
  // Serializes hello_ into `bytes`, with its PSK binder computed.
  bool serialize_client_hello(std::vector<uint8_t>& bytes);

  // 0-RTT (tls13_early_data.cc): offers early data with the session offered,
  // when the config and the ticket allow it; then, once the ClientHello is
  // sent, installs the early write keys.
  void offer_early_data();
  Error start_early_data();
  // The server's answer: EncryptedExtensions' early_data, or none (HRR,
  // TLS 1.2, no early_data extension).
  Error on_early_data_answer(bool accepted);

  State state_ = State::wait_server_hello;
  messages::ClientHello hello_;               // what we sent (for the second ClientHello)
  std::vector<uint8_t> hello_bytes_;          // until the hash is known
  std::vector<crypto::KeyShare> key_shares_;  // the shares we offered
  messages::CertificateRequest certificate_request_;
  size_t early_data_room_ = 0;  // 0-RTT bytes the application may still write
};

}  // namespace adieu
