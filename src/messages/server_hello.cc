// ServerHello and HelloRetryRequest (RFC 8446 sections 4.1.3 and 4.1.4).
#include <algorithm>
#include <cstring>

#include "messages/extensions.h"
#include "messages/messages.h"

namespace adieu::messages {
namespace {

// The extensions of a TLS 1.2 ServerHello that have fields (RFC 5246 section
// 7.4.1.4 and the RFCs of each). False when `ext` is not one of them.
bool parse_tls12_extension(const detail::RawExtension& ext, ServerHello& sh, Error& e) {
  switch (static_cast<ExtensionType>(ext.type)) {
    case ExtensionType::extended_master_secret:
      e = detail::parse_empty_extension(ext.data, sh.extended_master_secret);
      return true;
    case ExtensionType::renegotiation_info:
      e = detail::parse_renegotiation_info(ext.data, sh.renegotiation_info);
      return true;
    case ExtensionType::ec_point_formats:
      e = detail::parse_ec_point_formats(ext.data, sh.ec_point_formats);
      return true;
    case ExtensionType::session_ticket:
      // "The server uses a zero-length SessionTicket extension" (RFC 5077
      // section 3.2); OpenSSL too refuses another with decode_error.
      e = detail::parse_empty_extension(ext.data, sh.session_ticket);
      return true;
    case ExtensionType::max_fragment_length:
      e = detail::parse_max_fragment_length(ext.data, sh.max_fragment_length);
      return true;
    case ExtensionType::record_size_limit:
      e = detail::parse_record_size_limit(ext.data, sh.record_size_limit);
      return true;
    case ExtensionType::server_name:  // the server's acknowledgement (RFC 6066 section 3)
      e = detail::parse_empty_extension(ext.data, sh.server_name_ack);
      return true;
    case ExtensionType::alpn:  // TLS 1.2 answers in ServerHello (RFC 7301 section 3.1)
      e = detail::parse_selected_alpn(ext.data, sh.alpn);
      return true;
    default:
      return false;
  }
}

// Whether supported_versions, wherever it is in the block, selects TLS 1.3
// (as parse() will read it: exactly one u16).
bool block_selects_tls13(const std::vector<detail::RawExtension>& exts) {
  for (const detail::RawExtension& ext : exts) {
    if (ext.type == static_cast<uint16_t>(ExtensionType::supported_versions)) {
      return ext.data.size() == 2 && (ext.data[0] << 8 | ext.data[1]) == kTls13;
    }
  }
  return false;
}

}  // namespace

bool ServerHello::is_hello_retry_request() const {
  return std::memcmp(random.data(), kHelloRetryRequestRandom, random.size()) == 0;
}

bool ServerHello::selects_tls13() const {
  return is_hello_retry_request() || supported_version == kTls13;
}

Error ServerHello::parse(Bytes body) {
  *this = ServerHello{};
  wire::Reader r(body);
  legacy_version = r.u16();
  Bytes random_bytes = r.bytes(random.size());
  bool ok = detail::read_vec(r, 1, 0, legacy_session_id_echo);
  cipher_suite = r.u16();
  legacy_compression_method = r.u8();
  if (!ok || !r.ok() || legacy_session_id_echo.size() > 32) return Error::decode_error;
  std::copy(random_bytes.begin(), random_bytes.end(), random.begin());
  if (legacy_compression_method != 0) return Error::illegal_parameter;
  // A TLS 1.2 ServerHello may have no extensions at all (RFC 5246 section
  // 7.4.1.3); a TLS 1.3 one always has supported_versions.
  if (r.remaining() == 0) return Error::none;

  Bytes block;
  if (!detail::read_vec(r, 2, 0, block) || !r.done()) return Error::decode_error;
  std::vector<detail::RawExtension> exts;
  if (Error e = detail::split_extensions(block, exts); e != Error::none) return e;

  const bool hrr = is_hello_retry_request();
  // The TLS 1.2 extensions are read only when this is not TLS 1.3's
  // ServerHello or HelloRetryRequest (selects_tls13()).
  const bool tls13 = hrr || block_selects_tls13(exts);
  for (const detail::RawExtension& ext : exts) {
    Error e = Error::none;
    switch (static_cast<ExtensionType>(ext.type)) {
      case ExtensionType::supported_versions:  // selected_version
        e = detail::parse_whole(ext.data, [&](wire::Reader& x) {
          supported_version = x.u16();
          return x.ok();
        });
        break;
      case ExtensionType::key_share:
        // KeyShareHelloRetryRequest is a bare NamedGroup, KeyShareServerHello
        // one KeyShareEntry (RFC 8446 section 4.2.8).
        if (hrr) {
          e = detail::parse_whole(ext.data, [&](wire::Reader& x) {
            selected_group = x.u16();
            return x.ok();
          });
        } else {
          key_share.emplace();
          e = detail::parse_whole(ext.data, [&](wire::Reader& x) {
            return detail::read_key_share_entry(x, *key_share);
          });
        }
        break;
      case ExtensionType::pre_shared_key:  // selected_identity
        e = detail::parse_whole(ext.data, [&](wire::Reader& x) {
          selected_psk = x.u16();
          return x.ok();
        });
        break;
      case ExtensionType::cookie:  // opaque cookie<1..2^16-1>
        cookie.emplace();
        e = detail::parse_whole(
            ext.data, [&](wire::Reader& x) { return detail::read_vec(x, 2, 1, *cookie); });
        break;
      default:
        if (!tls13 && parse_tls12_extension(ext, *this, e)) break;
        detail::keep_unknown(ext, unknown);
        break;
    }
    if (e != Error::none) return e;
  }

  // In TLS 1.3 a recognized extension that RFC 8446 section 4.2 does not
  // allow in this message is an illegal_parameter: cookie only in a
  // HelloRetryRequest, pre_shared_key only in a ServerHello, nothing else but
  // key_share and supported_versions. A TLS 1.2 ServerHello carries other
  // extensions (server_name, ALPN...): they stay in `unknown`.
  if (tls13) {
    if ((cookie && !hrr) || (selected_psk && hrr)) return Error::illegal_parameter;
    for (const UnknownExtension& ext : unknown) {
      if (detail::is_recognized_extension(ext.type)) return Error::illegal_parameter;
    }
  }
  return Error::none;
}

void ServerHello::serialize(wire::Writer& out) const {
  size_t msg = begin_message(out, HandshakeType::server_hello);
  out.u16(legacy_version);
  out.bytes(random);
  out.vec8(legacy_session_id_echo);
  out.u16(cipher_suite);
  out.u8(legacy_compression_method);

  // key_share first, then supported_versions: the order of RFC 8448's traces.
  // Which key_share form is written follows the random, as parse() reads it.
  size_t block = out.open_vec16();
  if (is_hello_retry_request() && selected_group) {
    size_t ext = detail::open_extension(out, ExtensionType::key_share);
    out.u16(*selected_group);
    out.close_vec(ext);
  } else if (!is_hello_retry_request() && key_share) {
    size_t ext = detail::open_extension(out, ExtensionType::key_share);
    detail::write_key_share_entry(out, *key_share);
    out.close_vec(ext);
  }
  if (supported_version) {
    size_t ext = detail::open_extension(out, ExtensionType::supported_versions);
    out.u16(*supported_version);
    out.close_vec(ext);
  }
  if (cookie) {
    size_t ext = detail::open_extension(out, ExtensionType::cookie);
    out.vec16(*cookie);
    out.close_vec(ext);
  }
  if (selected_psk) {
    size_t ext = detail::open_extension(out, ExtensionType::pre_shared_key);
    out.u16(*selected_psk);
    out.close_vec(ext);
  }
  // TLS 1.2 extensions: none is set in a TLS 1.3 ServerHello, whose bytes
  // stay those above.
  if (extended_master_secret) {
    detail::write_empty_extension(out, ExtensionType::extended_master_secret);
  }
  if (renegotiation_info) {
    detail::write_vec8_extension(out, ExtensionType::renegotiation_info, *renegotiation_info);
  }
  if (ec_point_formats) {
    detail::write_vec8_extension(out, ExtensionType::ec_point_formats, *ec_point_formats);
  }
  if (session_ticket) detail::write_empty_extension(out, ExtensionType::session_ticket);
  if (max_fragment_length) {
    detail::write_u8_extension(out, ExtensionType::max_fragment_length, *max_fragment_length);
  }
  if (record_size_limit) {
    detail::write_u16_extension(out, ExtensionType::record_size_limit, *record_size_limit);
  }
  if (server_name_ack) detail::write_empty_extension(out, ExtensionType::server_name);
  if (alpn) detail::write_selected_alpn(out, *alpn);
  detail::write_unknown_extensions(out, unknown);
  out.close_vec(block);
  out.close_vec(msg);
}

}  // namespace adieu::messages
