// ServerHello and HelloRetryRequest (RFC 8446 sections 4.1.3 and 4.1.4).
#include <algorithm>
#include <cstring>

#include "messages/extensions.h"
#include "messages/messages.h"

namespace adieu::messages {

bool ServerHello::is_hello_retry_request() const {
  return std::memcmp(random.data(), kHelloRetryRequestRandom, random.size()) == 0;
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
  if (hrr || supported_version == kTls13) {
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
  detail::write_unknown_extensions(out, unknown);
  out.close_vec(block);
  out.close_vec(msg);
}

}  // namespace adieu::messages
