// CertificateRequest (RFC 8446 section 4.3.2).
#include "messages/extensions.h"
#include "messages/messages.h"

namespace adieu::messages {

Error CertificateRequest::parse(Bytes body) {
  *this = CertificateRequest{};
  wire::Reader r(body);
  Bytes block;
  // certificate_request_context<0..2^8-1>, Extension extensions<2..2^16-1>.
  if (!detail::read_vec(r, 1, 0, request_context) || !detail::read_vec(r, 2, 2, block) ||
      !r.done()) {
    return Error::decode_error;
  }
  std::vector<detail::RawExtension> exts;
  if (Error e = detail::split_extensions(block, exts); e != Error::none) return e;

  std::optional<std::vector<uint16_t>> schemes;
  for (const detail::RawExtension& ext : exts) {
    Error e = Error::none;
    switch (static_cast<ExtensionType>(ext.type)) {
      case ExtensionType::signature_algorithms:
        e = detail::parse_u16_list_extension(ext.data, 2, 2, schemes);
        break;
      case ExtensionType::signature_algorithms_cert:
        e = detail::parse_u16_list_extension(ext.data, 2, 2, signature_algorithms_cert);
        break;
      case ExtensionType::certificate_authorities:
        // DistinguishedName authorities<3..2^16-1>, each opaque<1..2^16-1>
        // (RFC 8446 section 4.2.4).
        certificate_authorities.emplace();
        e = detail::parse_whole(ext.data, [&](wire::Reader& x) {
          Bytes list_body;
          if (!detail::read_vec(x, 2, 3, list_body)) return false;
          wire::Reader list(list_body);
          while (list.remaining() > 0) {
            ByteVec name;
            if (!detail::read_vec(list, 2, 1, name)) return false;
            certificate_authorities->push_back(std::move(name));
          }
          return list.done();
        });
        break;
      default:
        if (detail::is_recognized_extension(ext.type)) return Error::illegal_parameter;
        detail::keep_unknown(ext, unknown);
        break;
    }
    if (e != Error::none) return e;
  }
  // "The signature_algorithms extension MUST be specified" (section 4.3.2).
  if (!schemes) return Error::missing_extension;
  signature_algorithms = std::move(*schemes);
  return Error::none;
}

void CertificateRequest::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::certificate_request);
  out.vec8(request_context);
  size_t block = out.open_vec16();
  detail::write_u16_list_extension(out, ExtensionType::signature_algorithms, 2,
                                   signature_algorithms);
  if (signature_algorithms_cert) {
    detail::write_u16_list_extension(out, ExtensionType::signature_algorithms_cert, 2,
                                     *signature_algorithms_cert);
  }
  if (certificate_authorities) {
    size_t ext = detail::open_extension(out, ExtensionType::certificate_authorities);
    size_t list = out.open_vec16();
    for (const ByteVec& name : *certificate_authorities) out.vec16(name);
    out.close_vec(list);
    out.close_vec(ext);
  }
  detail::write_unknown_extensions(out, unknown);
  out.close_vec(block);
  out.close_vec(msg);
}

}  // namespace adieu::messages
