// CertificateVerify (RFC 8446 section 4.4.3).
#include "messages/extensions.h"
#include "messages/messages.h"

namespace adieu::messages {

Error CertificateVerify::parse(Bytes body) {
  *this = CertificateVerify{};
  wire::Reader r(body);
  scheme = r.u16();
  if (!detail::read_vec(r, 2, 0, signature) || !r.done()) return Error::decode_error;
  return Error::none;
}

void CertificateVerify::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::certificate_verify);
  out.u16(scheme);
  out.vec16(signature);
  out.close_vec(msg);
}

}  // namespace adieu::messages
