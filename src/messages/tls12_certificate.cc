// TLS 1.2 Certificate (RFC 5246 section 7.4.2).
#include "messages/extensions.h"
#include "messages/tls12_messages.h"

namespace adieu::messages {

Error Tls12Certificate::parse(Bytes body) {
  *this = Tls12Certificate{};
  wire::Reader r(body);
  Bytes list_body;
  // ASN.1Cert certificate_list<0..2^24-1>: empty for a client without a
  // certificate (section 7.4.6).
  if (!detail::read_vec(r, 3, 0, list_body) || !r.done()) return Error::decode_error;
  wire::Reader list(list_body);
  while (list.remaining() > 0) {
    ByteVec cert;  // opaque ASN.1Cert<1..2^24-1>
    if (!detail::read_vec(list, 3, 1, cert)) return Error::decode_error;
    certificate_list.push_back(std::move(cert));
  }
  return Error::none;
}

void Tls12Certificate::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::certificate);
  size_t list = out.open_vec24();
  for (const ByteVec& cert : certificate_list) out.vec24(cert);
  out.close_vec(list);
  out.close_vec(msg);
}

}  // namespace adieu::messages
