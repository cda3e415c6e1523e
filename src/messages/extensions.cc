#include "messages/extensions.h"

#include <algorithm>

namespace adieu::messages::detail {

namespace {
constexpr size_t kUsualExtensionCount = 24;
}  // namespace

Error split_extensions(Bytes block, std::vector<RawExtension>& out) {
  out.clear();
  // Room for a usual hello's extensions (each takes at least 4 bytes) in one
  // allocation; a longer block grows the vector as it goes.
  out.reserve(std::min<size_t>(block.size() / 4, kUsualExtensionCount));
  wire::Reader r(block);
  while (r.ok() && r.remaining() > 0) {
    RawExtension ext;
    ext.type = r.u16();
    ext.data = r.vec16();
    if (!r.ok()) return Error::decode_error;
    out.push_back(ext);
  }
  if (!r.done()) return Error::decode_error;

  // A usual block is checked pairwise without allocating; sorting a copy
  // keeps a block of thousands of empty extensions O(n log n).
  if (out.size() <= kUsualExtensionCount) {
    for (size_t i = 0; i < out.size(); ++i) {
      for (size_t j = i + 1; j < out.size(); ++j) {
        if (out[i].type == out[j].type) return Error::illegal_parameter;
      }
    }
    return Error::none;
  }
  std::vector<uint16_t> types;
  types.reserve(out.size());
  for (const RawExtension& ext : out) types.push_back(ext.type);
  std::sort(types.begin(), types.end());
  if (std::adjacent_find(types.begin(), types.end()) != types.end()) {
    return Error::illegal_parameter;
  }
  return Error::none;
}

bool is_recognized_extension(uint16_t type) {
  switch (static_cast<ExtensionType>(type)) {
    case ExtensionType::server_name:
    case ExtensionType::supported_groups:
    case ExtensionType::signature_algorithms:
    case ExtensionType::alpn:
    case ExtensionType::padding:
    case ExtensionType::pre_shared_key:
    case ExtensionType::early_data:
    case ExtensionType::supported_versions:
    case ExtensionType::cookie:
    case ExtensionType::psk_key_exchange_modes:
    case ExtensionType::certificate_authorities:
    case ExtensionType::post_handshake_auth:
    case ExtensionType::signature_algorithms_cert:
    case ExtensionType::key_share:
      return true;
    // The TLS 1.2 hello extensions are parsed by ClientHello and by a TLS 1.2
    // ServerHello only; elsewhere they stay unrecognized, as they were before
    // TLS 1.2 support, so that TLS 1.3 messages are judged as before.
    case ExtensionType::max_fragment_length:
    case ExtensionType::status_request:
    case ExtensionType::ec_point_formats:
    case ExtensionType::extended_master_secret:
    case ExtensionType::record_size_limit:
    case ExtensionType::session_ticket:
    case ExtensionType::renegotiation_info:
    case ExtensionType::quic_transport_parameters:
      return false;
  }
  return false;
}

bool read_vec(wire::Reader& r, int prefix_bytes, size_t min_bytes, Bytes& out) {
  size_t len = 0;
  switch (prefix_bytes) {
    case 1:
      len = r.u8();
      break;
    case 2:
      len = r.u16();
      break;
    default:
      len = r.u24();
      break;
  }
  out = r.bytes(len);
  if (r.ok() && len < min_bytes) r.fail();
  return r.ok();
}

bool read_vec(wire::Reader& r, int prefix_bytes, size_t min_bytes, ByteVec& out) {
  Bytes body;
  if (!read_vec(r, prefix_bytes, min_bytes, body)) return false;
  out.assign(body.begin(), body.end());
  return true;
}

bool read_u16_list(wire::Reader& r, int prefix_bytes, size_t min_bytes,
                   std::vector<uint16_t>& out) {
  Bytes body;
  if (!read_vec(r, prefix_bytes, min_bytes, body)) return false;
  if (body.size() % 2 != 0) {
    r.fail();
    return false;
  }
  out.clear();
  out.reserve(body.size() / 2);
  for (size_t i = 0; i < body.size(); i += 2) {
    out.push_back(static_cast<uint16_t>((body[i] << 8) | body[i + 1]));
  }
  return true;
}

void write_u16_list(wire::Writer& w, int prefix_bytes, const std::vector<uint16_t>& list) {
  size_t h = w.open_vec(prefix_bytes);
  for (uint16_t v : list) w.u16(v);
  w.close_vec(h);
}

bool read_key_share_entry(wire::Reader& r, KeyShareEntry& out) {
  out.group = r.u16();
  return read_vec(r, 2, 1, out.key_exchange);
}

void write_key_share_entry(wire::Writer& w, const KeyShareEntry& entry) {
  w.u16(entry.group);
  w.vec16(entry.key_exchange);
}

size_t open_extension(wire::Writer& w, uint16_t type) {
  w.u16(type);
  return w.open_vec16();
}

void write_empty_extension(wire::Writer& w, ExtensionType type) {
  w.u16(static_cast<uint16_t>(type));
  w.u16(0);
}

void write_unknown_extensions(wire::Writer& w, const std::vector<UnknownExtension>& list) {
  for (const UnknownExtension& ext : list) {
    w.u16(ext.type);
    w.vec16(ext.data);
  }
}

Error parse_empty_extension(Bytes data, bool& flag) {
  if (!data.empty()) return Error::decode_error;
  flag = true;
  return Error::none;
}

Error parse_u16_list_extension(Bytes data, int prefix_bytes, size_t min_bytes,
                               std::optional<std::vector<uint16_t>>& out) {
  out.emplace();
  return parse_whole(
      data, [&](wire::Reader& r) { return read_u16_list(r, prefix_bytes, min_bytes, *out); });
}

void write_u16_list_extension(wire::Writer& w, ExtensionType type, int prefix_bytes,
                              const std::vector<uint16_t>& list) {
  size_t ext = open_extension(w, type);
  write_u16_list(w, prefix_bytes, list);
  w.close_vec(ext);
}

void keep_unknown(const RawExtension& ext, std::vector<UnknownExtension>& out) {
  out.push_back(UnknownExtension{ext.type, ByteVec(ext.data.begin(), ext.data.end())});
}

Error parse_selected_alpn(Bytes data, std::optional<std::string>& out) {
  return parse_whole(data, [&](wire::Reader& x) {
    Bytes list_body;
    Bytes name;
    if (!read_vec(x, 2, 2, list_body)) return false;
    wire::Reader list(list_body);
    if (!read_vec(list, 1, 1, name) || !list.done()) return false;
    out.emplace(name.begin(), name.end());
    return true;
  });
}

void write_selected_alpn(wire::Writer& out, const std::string& protocol) {
  size_t ext = open_extension(out, ExtensionType::alpn);
  size_t list = out.open_vec16();
  out.vec8(string_bytes(protocol));
  out.close_vec(list);
  out.close_vec(ext);
}

}  // namespace adieu::messages::detail
