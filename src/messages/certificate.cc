// Certificate (RFC 8446 section 4.4.2).
#include "messages/extensions.h"
#include "messages/messages.h"

namespace adieu::messages {

Error CertificateMsg::parse(Bytes body) {
  *this = CertificateMsg{};
  wire::Reader r(body);
  Bytes list_body;
  if (!detail::read_vec(r, 1, 0, request_context) || !detail::read_vec(r, 3, 0, list_body) ||
      !r.done()) {
    return Error::decode_error;
  }
  wire::Reader list(list_body);
  std::vector<detail::RawExtension> exts;
  while (list.remaining() > 0) {
    CertificateEntry entry;
    Bytes block;
    // cert_data<1..2^24-1>, Extension extensions<0..2^16-1>.
    if (!detail::read_vec(list, 3, 1, entry.cert_data) || !detail::read_vec(list, 2, 0, block)) {
      return Error::decode_error;
    }
    if (Error e = detail::split_extensions(block, exts); e != Error::none) return e;
    for (const detail::RawExtension& ext : exts) {
      // Only status_request and signed_certificate_timestamp belong here
      // (RFC 8446 section 4.2); none of the types this codec recognizes.
      if (detail::is_recognized_extension(ext.type)) return Error::illegal_parameter;
      detail::keep_unknown(ext, entry.extensions);
    }
    entries.push_back(std::move(entry));
  }
  return Error::none;
}

void CertificateMsg::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::certificate);
  out.vec8(request_context);
  size_t list = out.open_vec24();
  for (const CertificateEntry& entry : entries) {
    out.vec24(entry.cert_data);
    size_t block = out.open_vec16();
    detail::write_unknown_extensions(out, entry.extensions);
    out.close_vec(block);
  }
  out.close_vec(list);
  out.close_vec(msg);
}

}  // namespace adieu::messages
