// ClientHello (RFC 8446 section 4.1.2) and the extensions only it carries.
#include <algorithm>

#include "messages/extensions.h"
#include "messages/messages.h"

namespace adieu::messages {
namespace {

using detail::RawExtension;

// server_name (RFC 6066 section 3): a ServerNameList<1..2^16-1> holding one
// host_name entry. Other name types have no defined body, so a list that holds
// anything but one host_name cannot be parsed.
Error parse_server_name(Bytes data, std::string& out) {
  return detail::parse_whole(data, [&](wire::Reader& r) {
    Bytes list_body;
    if (!detail::read_vec(r, 2, 1, list_body)) return false;
    wire::Reader list(list_body);
    uint8_t name_type = list.u8();
    Bytes host;
    if (!detail::read_vec(list, 2, 1, host) || !list.done() || name_type != 0) return false;
    out.assign(host.begin(), host.end());
    return true;
  });
}

// ALPN (RFC 7301 section 3.1): ProtocolName protocol_name_list<2..2^16-1>,
// ProtocolName opaque<1..2^8-1>.
Error parse_alpn_list(Bytes data, std::vector<std::string>& out) {
  return detail::parse_whole(data, [&](wire::Reader& r) {
    Bytes list_body;
    if (!detail::read_vec(r, 2, 2, list_body)) return false;
    wire::Reader list(list_body);
    while (list.remaining() > 0) {
      Bytes name;
      if (!detail::read_vec(list, 1, 1, name)) return false;
      out.emplace_back(name.begin(), name.end());
    }
    return list.done();
  });
}

// KeyShareClientHello: KeyShareEntry client_shares<0..2^16-1>. Two shares for
// one group are an illegal_parameter (RFC 8446 section 4.2.8).
Error parse_client_shares(Bytes data, std::vector<KeyShareEntry>& out) {
  Error e = detail::parse_whole(data, [&](wire::Reader& r) {
    Bytes list_body;
    if (!detail::read_vec(r, 2, 0, list_body)) return false;
    wire::Reader list(list_body);
    while (list.remaining() > 0) {
      KeyShareEntry entry;
      if (!detail::read_key_share_entry(list, entry)) return false;
      out.push_back(std::move(entry));
    }
    return list.done();
  });
  if (e != Error::none) return e;
  std::vector<uint16_t> groups;
  for (const KeyShareEntry& entry : out) groups.push_back(entry.group);
  std::sort(groups.begin(), groups.end());
  if (std::adjacent_find(groups.begin(), groups.end()) != groups.end()) {
    return Error::illegal_parameter;
  }
  return Error::none;
}

// OfferedPsks (RFC 8446 section 4.2.11): PskIdentity identities<7..2^16-1>,
// PskBinderEntry binders<33..2^16-1>, PskBinderEntry opaque<32..255>. As many
// binders as identities, else illegal_parameter.
Error parse_offered_psks(Bytes data, OfferedPsks& out) {
  Error e = detail::parse_whole(data, [&](wire::Reader& r) {
    Bytes identities_body;
    Bytes binders_body;
    if (!detail::read_vec(r, 2, 7, identities_body) || !detail::read_vec(r, 2, 33, binders_body)) {
      return false;
    }
    wire::Reader identities(identities_body);
    while (identities.remaining() > 0) {
      PskIdentity id;
      if (!detail::read_vec(identities, 2, 1, id.identity)) return false;
      id.obfuscated_ticket_age = identities.u32();
      if (!identities.ok()) return false;
      out.identities.push_back(std::move(id));
    }
    wire::Reader binders(binders_body);
    while (binders.remaining() > 0) {
      ByteVec binder;
      if (!detail::read_vec(binders, 1, 32, binder)) return false;
      out.binders.push_back(std::move(binder));
    }
    return identities.done() && binders.done();
  });
  if (e != Error::none) return e;
  if (out.identities.size() != out.binders.size()) return Error::illegal_parameter;
  return Error::none;
}

}  // namespace

Error ClientHello::parse(Bytes body) {
  *this = ClientHello{};
  wire::Reader r(body);
  legacy_version = r.u16();
  Bytes random_bytes = r.bytes(random.size());
  if (!r.ok()) return Error::decode_error;
  std::copy(random_bytes.begin(), random_bytes.end(), random.begin());
  // legacy_session_id<0..32>, cipher_suites<2..2^16-2>,
  // legacy_compression_methods<1..2^8-1>.
  if (!detail::read_vec(r, 1, 0, legacy_session_id) || legacy_session_id.size() > 32 ||
      !detail::read_u16_list(r, 2, 2, cipher_suites) ||
      !detail::read_vec(r, 1, 1, legacy_compression_methods)) {
    return Error::decode_error;
  }
  // A ClientHello from a version before TLS 1.3 may end here (RFC 8446
  // section 4.1.2); the handshake then finds no supported_versions.
  if (r.remaining() == 0) return Error::none;

  Bytes block;
  if (!detail::read_vec(r, 2, 0, block) || !r.done()) return Error::decode_error;
  std::vector<RawExtension> exts;
  if (Error e = detail::split_extensions(block, exts); e != Error::none) return e;

  for (size_t i = 0; i < exts.size(); ++i) {
    const RawExtension& ext = exts[i];
    Error e = Error::none;
    switch (static_cast<ExtensionType>(ext.type)) {
      case ExtensionType::server_name:
        server_name.emplace();
        e = parse_server_name(ext.data, *server_name);
        break;
      case ExtensionType::supported_groups:  // NamedGroupList<2..2^16-1>
        e = detail::parse_u16_list_extension(ext.data, 2, 2, supported_groups);
        break;
      case ExtensionType::signature_algorithms:  // <2..2^16-2>
        e = detail::parse_u16_list_extension(ext.data, 2, 2, signature_algorithms);
        break;
      case ExtensionType::signature_algorithms_cert:
        e = detail::parse_u16_list_extension(ext.data, 2, 2, signature_algorithms_cert);
        break;
      case ExtensionType::alpn:
        alpn.emplace();
        e = parse_alpn_list(ext.data, *alpn);
        break;
      case ExtensionType::key_share:
        key_shares.emplace();
        e = parse_client_shares(ext.data, *key_shares);
        break;
      case ExtensionType::supported_versions:  // ProtocolVersion versions<2..254>
        e = detail::parse_u16_list_extension(ext.data, 1, 2, supported_versions);
        break;
      case ExtensionType::cookie:  // opaque cookie<1..2^16-1>
        cookie.emplace();
        e = detail::parse_whole(
            ext.data, [&](wire::Reader& body) { return detail::read_vec(body, 2, 1, *cookie); });
        break;
      case ExtensionType::psk_key_exchange_modes:  // ke_modes<1..255>
        psk_key_exchange_modes.emplace();
        e = detail::parse_whole(ext.data, [&](wire::Reader& body) {
          return detail::read_vec(body, 1, 1, *psk_key_exchange_modes);
        });
        break;
      case ExtensionType::early_data:
        e = detail::parse_empty_extension(ext.data, early_data);
        break;
      case ExtensionType::post_handshake_auth:
        e = detail::parse_empty_extension(ext.data, post_handshake_auth);
        break;
      // TLS 1.2 extensions: a ClientHello may offer TLS 1.2 and 1.3 at once.
      case ExtensionType::extended_master_secret:  // empty (RFC 7627 section 5.1)
        e = detail::parse_empty_extension(ext.data, extended_master_secret);
        break;
      case ExtensionType::renegotiation_info:
        e = detail::parse_renegotiation_info(ext.data, renegotiation_info);
        break;
      case ExtensionType::ec_point_formats:
        e = detail::parse_ec_point_formats(ext.data, ec_point_formats);
        break;
      case ExtensionType::session_ticket:
        // extension_data is the ticket itself, empty when the client has none
        // (RFC 5077 section 3.2).
        session_ticket.emplace(ext.data.begin(), ext.data.end());
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
      case ExtensionType::pre_shared_key:
        // RFC 8446 section 4.2.11: it MUST be the last extension.
        if (i + 1 != exts.size()) return Error::illegal_parameter;
        pre_shared_key.emplace();
        e = parse_offered_psks(ext.data, *pre_shared_key);
        break;
      default:  // padding, certificate_authorities, status_request, unrecognized types
        detail::keep_unknown(ext, unknown);
        break;
    }
    if (e != Error::none) return e;
  }
  return Error::none;
}

void ClientHello::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::client_hello);
  out.u16(legacy_version);
  out.bytes(random);
  out.vec8(legacy_session_id);
  detail::write_u16_list(out, 2, cipher_suites);
  out.vec8(legacy_compression_methods);

  size_t block = out.open_vec16();
  if (server_name) {
    size_t ext = detail::open_extension(out, ExtensionType::server_name);
    size_t list = out.open_vec16();
    out.u8(0);  // host_name
    out.vec16(detail::string_bytes(*server_name));
    out.close_vec(list);
    out.close_vec(ext);
  }
  auto u16_list_ext = [&](ExtensionType type, const std::optional<std::vector<uint16_t>>& list,
                          int prefix_bytes) {
    if (list) detail::write_u16_list_extension(out, type, prefix_bytes, *list);
  };
  u16_list_ext(ExtensionType::supported_groups, supported_groups, 2);
  u16_list_ext(ExtensionType::signature_algorithms, signature_algorithms, 2);
  u16_list_ext(ExtensionType::signature_algorithms_cert, signature_algorithms_cert, 2);
  if (alpn) {
    size_t ext = detail::open_extension(out, ExtensionType::alpn);
    size_t list = out.open_vec16();
    for (const std::string& name : *alpn) {
      out.vec8(detail::string_bytes(name));
    }
    out.close_vec(list);
    out.close_vec(ext);
  }
  if (key_shares) {
    size_t ext = detail::open_extension(out, ExtensionType::key_share);
    size_t list = out.open_vec16();
    for (const KeyShareEntry& entry : *key_shares) detail::write_key_share_entry(out, entry);
    out.close_vec(list);
    out.close_vec(ext);
  }
  u16_list_ext(ExtensionType::supported_versions, supported_versions, 1);
  if (cookie) {
    size_t ext = detail::open_extension(out, ExtensionType::cookie);
    out.vec16(*cookie);
    out.close_vec(ext);
  }
  if (psk_key_exchange_modes) {
    size_t ext = detail::open_extension(out, ExtensionType::psk_key_exchange_modes);
    out.vec8(*psk_key_exchange_modes);
    out.close_vec(ext);
  }
  if (early_data) detail::write_empty_extension(out, ExtensionType::early_data);
  if (post_handshake_auth) detail::write_empty_extension(out, ExtensionType::post_handshake_auth);
  if (extended_master_secret) {
    detail::write_empty_extension(out, ExtensionType::extended_master_secret);
  }
  if (renegotiation_info) {
    detail::write_vec8_extension(out, ExtensionType::renegotiation_info, *renegotiation_info);
  }
  if (ec_point_formats) {
    detail::write_vec8_extension(out, ExtensionType::ec_point_formats, *ec_point_formats);
  }
  if (session_ticket) {
    detail::write_raw_extension(out, ExtensionType::session_ticket, *session_ticket);
  }
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
  if (pre_shared_key) {
    size_t ext = detail::open_extension(out, ExtensionType::pre_shared_key);
    size_t identities = out.open_vec16();
    for (const PskIdentity& id : pre_shared_key->identities) {
      out.vec16(id.identity);
      out.u32(id.obfuscated_ticket_age);
    }
    out.close_vec(identities);
    size_t binders = out.open_vec16();
    for (const ByteVec& binder : pre_shared_key->binders) out.vec8(binder);
    out.close_vec(binders);
    out.close_vec(ext);
  }
  out.close_vec(block);
  out.close_vec(msg);
}

size_t ClientHello::binders_size() const {
  if (!pre_shared_key) return 0;
  size_t size = 2;
  for (const ByteVec& binder : pre_shared_key->binders) size += 1 + binder.size();
  return size;
}

}  // namespace adieu::messages
