// KeyUpdate (RFC 8446 section 4.6.3).
#include "messages/messages.h"

namespace adieu::messages {

Error KeyUpdate::parse(Bytes body) {
  wire::Reader r(body);
  uint8_t request_update = r.u8();
  if (!r.done()) return Error::decode_error;
  // KeyUpdateRequest is update_not_requested(0) or update_requested(1);
  // "If an implementation receives ... any other value, it MUST terminate the
  // connection with an illegal_parameter alert."
  if (request_update > 1) return Error::illegal_parameter;
  update_requested = request_update == 1;
  return Error::none;
}

void KeyUpdate::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::key_update);
  out.u8(update_requested ? 1 : 0);
  out.close_vec(msg);
}

}  // namespace adieu::messages
