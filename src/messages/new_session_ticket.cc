// NewSessionTicket (RFC 8446 section 4.6.1).
#include "messages/extensions.h"
#include "messages/messages.h"

namespace adieu::messages {

Error NewSessionTicket::parse(Bytes body) {
  *this = NewSessionTicket{};
  wire::Reader r(body);
  ticket_lifetime = r.u32();
  ticket_age_add = r.u32();
  Bytes block;
  // ticket_nonce<0..255>, ticket<1..2^16-1>, Extension extensions<0..2^16-2>.
  if (!detail::read_vec(r, 1, 0, ticket_nonce) || !detail::read_vec(r, 2, 1, ticket) ||
      !detail::read_vec(r, 2, 0, block) || !r.done()) {
    return Error::decode_error;
  }
  std::vector<detail::RawExtension> exts;
  if (Error e = detail::split_extensions(block, exts); e != Error::none) return e;
  for (const detail::RawExtension& ext : exts) {
    if (ext.type == static_cast<uint16_t>(ExtensionType::early_data)) {
      // EarlyDataIndication: uint32 max_early_data_size (section 4.2.10).
      Error e = detail::parse_whole(ext.data, [&](wire::Reader& x) {
        max_early_data_size = x.u32();
        return x.ok();
      });
      if (e != Error::none) return e;
    } else if (detail::is_recognized_extension(ext.type)) {
      return Error::illegal_parameter;  // not allowed here (section 4.2)
    } else {
      detail::keep_unknown(ext, unknown);
    }
  }
  return Error::none;
}

void NewSessionTicket::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::new_session_ticket);
  out.u32(ticket_lifetime);
  out.u32(ticket_age_add);
  out.vec8(ticket_nonce);
  out.vec16(ticket);
  size_t block = out.open_vec16();
  if (max_early_data_size) {
    size_t ext = detail::open_extension(out, ExtensionType::early_data);
    out.u32(*max_early_data_size);
    out.close_vec(ext);
  }
  detail::write_unknown_extensions(out, unknown);
  out.close_vec(block);
  out.close_vec(msg);
}

}  // namespace adieu::messages
