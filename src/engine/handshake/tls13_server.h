// The TLS 1.3 server handshake (RFC 8446 section 2, Appendix A.2):
//   ClientHello -> [HelloRetryRequest, ClientHello] -> ServerHello,
//   {EncryptedExtensions}, {CertificateRequest}?, {Certificate},
//   {CertificateVerify}, {Finished} => client (EndOfEarlyData)?,
//   {Certificate, CertificateVerify}?, {Finished} => NewSessionTicket*.
#pragma once

#include <optional>

#include "crypto/key_exchange.h"
#include "engine/handshake/tls13_handshake.h"
#include "messages/messages.h"

namespace adieu {

class Tls13Server final : public Tls13Handshake {
 public:
  using Tls13Handshake::Tls13Handshake;

  // Answers the first ClientHello (`msg`, parsed as `ch`), once version
  // negotiation chose TLS 1.3.
  Error start(const messages::ClientHello& ch, std::span<const uint8_t> msg);
  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) override;
  Error take_early_data(size_t n) override;

 private:
  // One state per message awaited after the first ClientHello.
  enum class State : uint8_t {
    wait_client_hello_after_retry,
    wait_end_of_early_data,  // 0-RTT data accepted: it comes until EndOfEarlyData
    wait_client_certificate,
    wait_client_certificate_verify,
    wait_client_finished,
  };

  Error on_client_hello(const messages::ClientHello& ch, std::span<const uint8_t> msg, bool second);
  Error on_client_certificate(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_client_certificate_verify(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error on_client_finished(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  Error send_retry(crypto::Group group_wanted, std::span<const uint8_t> msg);
  Error send_flight(const messages::ClientHello& ch);
  // Resumption (tls13_resumption.cc): the first acceptable PSK offered, its
  // index in `selected`; none is not an error (full handshake).
  Error choose_psk(const messages::ClientHello& ch, std::span<const uint8_t> msg,
                   std::optional<uint16_t>& selected);

  // 0-RTT (tls13_early_data.cc): whether the client's early data can be
  // taken (RFC 8446 sections 4.2.10 and 8), and the end of it.
  bool early_data_acceptable(const messages::ClientHello& ch,
                             std::optional<uint16_t> selected_psk) const;
  Error on_end_of_early_data(std::span<const uint8_t> msg, std::span<const uint8_t> body);
  // The state after our flight (and after EndOfEarlyData).
  State client_flight_state() const {
    return certificate_requested_ ? State::wait_client_certificate : State::wait_client_finished;
  }

  State state_ = State::wait_client_hello_after_retry;
  std::optional<crypto::Group> hrr_group_;
  bool server_name_matched_ = false;  // our certificate is for the client's SNI
  bool psk_with_dhe_ = true;
};

}  // namespace adieu
