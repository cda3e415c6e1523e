// TLS 1.2 NewSessionTicket (RFC 5077 section 3.3).
#include "messages/extensions.h"
#include "messages/tls12_messages.h"

namespace adieu::messages {

Error Tls12NewSessionTicket::parse(Bytes body) {
  *this = Tls12NewSessionTicket{};
  wire::Reader r(body);
  ticket_lifetime_hint = r.u32();
  // opaque ticket<0..2^16-1>, the rest of the body.
  if (!detail::read_vec(r, 2, 0, ticket) || !r.done()) return Error::decode_error;
  return Error::none;
}

void Tls12NewSessionTicket::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::new_session_ticket);
  out.u32(ticket_lifetime_hint);
  out.vec16(ticket);
  out.close_vec(msg);
}

}  // namespace adieu::messages
