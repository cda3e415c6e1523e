// ClientKeyExchange for ECDHE (RFC 8422 section 5.7).
#include "messages/extensions.h"
#include "messages/tls12_messages.h"

namespace adieu::messages {

Error ClientKeyExchange::parse(Bytes body) {
  *this = ClientKeyExchange{};
  wire::Reader r(body);
  // ECPoint ecdh_Yc: opaque point<1..2^8-1>, the whole body.
  if (!detail::read_vec(r, 1, 1, point) || !r.done()) return Error::decode_error;
  return Error::none;
}

void ClientKeyExchange::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::client_key_exchange);
  out.vec8(point);
  out.close_vec(msg);
}

}  // namespace adieu::messages
