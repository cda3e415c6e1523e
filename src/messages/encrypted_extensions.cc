// EncryptedExtensions (RFC 8446 section 4.3.1).
#include "messages/extensions.h"
#include "messages/messages.h"

namespace adieu::messages {

Error EncryptedExtensions::parse(Bytes body) {
  *this = EncryptedExtensions{};
  wire::Reader r(body);
  Bytes block;
  if (!detail::read_vec(r, 2, 0, block) || !r.done()) return Error::decode_error;
  std::vector<detail::RawExtension> exts;
  if (Error e = detail::split_extensions(block, exts); e != Error::none) return e;

  for (const detail::RawExtension& ext : exts) {
    Error e = Error::none;
    switch (static_cast<ExtensionType>(ext.type)) {
      case ExtensionType::server_name:
        // The server's acknowledgement is an empty extension_data (RFC 6066
        // section 3).
        e = detail::parse_empty_extension(ext.data, server_name_ack);
        break;
      case ExtensionType::alpn:
        e = detail::parse_selected_alpn(ext.data, alpn);
        break;
      case ExtensionType::supported_groups:
        e = detail::parse_u16_list_extension(ext.data, 2, 2, supported_groups);
        break;
      case ExtensionType::early_data:
        e = detail::parse_empty_extension(ext.data, early_data);
        break;
      case ExtensionType::max_fragment_length:
        e = detail::parse_max_fragment_length(ext.data, max_fragment_length);
        break;
      case ExtensionType::record_size_limit:
        e = detail::parse_record_size_limit(ext.data, record_size_limit);
        break;
      case ExtensionType::quic_transport_parameters:  // opaque, decoded by the QUIC layer
        quic_transport_parameters.emplace(ext.data.begin(), ext.data.end());
        break;
      default:
        // RFC 8446 section 4.2: a recognized extension not specified for
        // EncryptedExtensions (key_share, padding...) is illegal_parameter.
        if (detail::is_recognized_extension(ext.type)) return Error::illegal_parameter;
        detail::keep_unknown(ext, unknown);
        break;
    }
    if (e != Error::none) return e;
  }
  return Error::none;
}

void EncryptedExtensions::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::encrypted_extensions);
  size_t block = out.open_vec16();
  if (supported_groups) {
    detail::write_u16_list_extension(out, ExtensionType::supported_groups, 2, *supported_groups);
  }
  if (server_name_ack) detail::write_empty_extension(out, ExtensionType::server_name);
  if (alpn) detail::write_selected_alpn(out, *alpn);
  if (early_data) detail::write_empty_extension(out, ExtensionType::early_data);
  if (max_fragment_length) {
    detail::write_u8_extension(out, ExtensionType::max_fragment_length, *max_fragment_length);
  }
  if (record_size_limit) {
    detail::write_u16_extension(out, ExtensionType::record_size_limit, *record_size_limit);
  }
  if (quic_transport_parameters) {
    detail::write_raw_extension(out, ExtensionType::quic_transport_parameters,
                                *quic_transport_parameters);
  }
  detail::write_unknown_extensions(out, unknown);
  out.close_vec(block);
  out.close_vec(msg);
}

}  // namespace adieu::messages
