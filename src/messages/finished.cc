// Finished (RFC 8446 section 4.4.4).
#include "messages/messages.h"

namespace adieu::messages {

Error Finished::parse(Bytes body) {
  // verify_data is Hash.length bytes, the whole body. Only the handshake
  // knows the hash; an empty body is malformed for every hash.
  if (body.empty()) return Error::decode_error;
  verify_data.assign(body.begin(), body.end());
  return Error::none;
}

void Finished::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::finished);
  out.bytes(verify_data);
  out.close_vec(msg);
}

}  // namespace adieu::messages
