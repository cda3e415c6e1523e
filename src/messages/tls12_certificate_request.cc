// TLS 1.2 CertificateRequest (RFC 5246 section 7.4.4).
#include "messages/extensions.h"
#include "messages/tls12_messages.h"

namespace adieu::messages {

Error Tls12CertificateRequest::parse(Bytes body) {
  *this = Tls12CertificateRequest{};
  wire::Reader r(body);
  Bytes names_body;
  // certificate_types<1..2^8-1>, supported_signature_algorithms<2..2^16-2>,
  // certificate_authorities<0..2^16-1>.
  if (!detail::read_vec(r, 1, 1, certificate_types) ||
      !detail::read_u16_list(r, 2, 2, signature_algorithms) ||
      !detail::read_vec(r, 2, 0, names_body) || !r.done()) {
    return Error::decode_error;
  }
  wire::Reader names(names_body);
  while (names.remaining() > 0) {
    ByteVec name;  // DistinguishedName<1..2^16-1>
    if (!detail::read_vec(names, 2, 1, name)) return Error::decode_error;
    certificate_authorities.push_back(std::move(name));
  }
  return Error::none;
}

void Tls12CertificateRequest::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::certificate_request);
  out.vec8(certificate_types);
  detail::write_u16_list(out, 2, signature_algorithms);
  size_t names = out.open_vec16();
  for (const ByteVec& name : certificate_authorities) out.vec16(name);
  out.close_vec(names);
  out.close_vec(msg);
}

}  // namespace adieu::messages
