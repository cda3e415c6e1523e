// ServerKeyExchange for ECDHE (RFC 8422 section 5.4, RFC 5246 section 7.4.3).
#include "messages/extensions.h"
#include "messages/tls12_messages.h"

namespace adieu::messages {

Error ServerKeyExchange::parse(Bytes body) {
  *this = ServerKeyExchange{};
  wire::Reader r(body);
  uint8_t curve_type = r.u8();
  if (!r.ok()) return Error::decode_error;
  // Only named_curve has a defined body here: explicit_prime(1) and
  // explicit_char2(2) are deprecated (RFC 8422 section 5.4), and other values
  // undefined. OpenSSL and adieu answer illegal_parameter.
  if (curve_type != kNamedCurve) return Error::illegal_parameter;
  named_curve = r.u16();
  // ECPoint: opaque point<1..2^8-1>; signature<0..2^16-1>.
  if (!detail::read_vec(r, 1, 1, point)) return Error::decode_error;
  scheme = r.u16();
  if (!detail::read_vec(r, 2, 0, signature) || !r.done()) return Error::decode_error;
  return Error::none;
}

void ServerKeyExchange::write_params(wire::Writer& out) const {
  out.u8(kNamedCurve);
  out.u16(named_curve);
  out.vec8(point);
}

ByteVec ServerKeyExchange::params() const {
  ByteVec out;
  wire::Writer w(out);
  write_params(w);
  return out;
}

ByteVec ServerKeyExchange::signed_content(const std::array<uint8_t, 32>& client_random,
                                          const std::array<uint8_t, 32>& server_random) const {
  ByteVec out;
  wire::Writer w(out);
  w.bytes(client_random);
  w.bytes(server_random);
  write_params(w);
  return out;
}

void ServerKeyExchange::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::server_key_exchange);
  write_params(out);
  out.u16(scheme);
  out.vec16(signature);
  out.close_vec(msg);
}

}  // namespace adieu::messages
