#include "engine/handshake/tls12_connected.h"

#include "crypto/tls12_prf.h"
#include "crypto/tls12_suite.h"
#include "messages/tls12_messages.h"

namespace adieu {

bool Tls12Connected::export_keying_material(std::string_view label,
                                            std::optional<std::span<const uint8_t>> context,
                                            std::span<uint8_t> out) const {
  const std::optional<crypto::Tls12SuiteInfo> suite = crypto::tls12_suite_info(ctx_.cipher_suite);
  return suite &&
         crypto::tls12_export_keying_material(suite->prf_hash, master_secret_.span(), label,
                                              ctx_.client_random, ctx_.server_random, context, out);
}

Error Tls12Connected::handle_message(messages::HandshakeType type, std::span<const uint8_t> msg) {
  const std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  const bool client = ctx_.role == Role::client;
  if (client && type == messages::HandshakeType::hello_request) {
    messages::HelloRequest request;
    if (Error err = request.parse(body); err != Error::none) return err;
  } else if (!client && type == messages::HandshakeType::client_hello) {
    messages::ClientHello hello;
    if (Error err = hello.parse(body); err != Error::none) return err;
  } else {
    return Error::unexpected_message;
  }
  transport_.send_warning_alert(Alert::no_renegotiation);
  return Error::none;
}

}  // namespace adieu
