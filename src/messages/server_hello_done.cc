// ServerHelloDone (RFC 5246 section 7.4.5).
#include "messages/tls12_messages.h"

namespace adieu::messages {

Error ServerHelloDone::parse(Bytes body) {
  // "struct { } ServerHelloDone;": any byte is malformed.
  return body.empty() ? Error::none : Error::decode_error;
}

void ServerHelloDone::serialize(wire::Writer& out) const {
  out.close_vec(begin_message(out, HandshakeType::server_hello_done));
}

}  // namespace adieu::messages
