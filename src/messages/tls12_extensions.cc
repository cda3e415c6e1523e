// The extensions of TLS 1.2 hellos that ClientHello and ServerHello parse into
// fields: renegotiation_info, ec_point_formats, max_fragment_length and
// record_size_limit (extended_master_secret and session_ticket need no
// helper of their own).
#include "messages/extensions.h"

namespace adieu::messages::detail {

namespace {
// MaxFragmentLength: 2^9(1), 2^10(2), 2^11(3), 2^12(4) (RFC 6066 section 4).
constexpr uint8_t kMaxFragmentLengthMin = 1;
constexpr uint8_t kMaxFragmentLengthMax = 4;
// RFC 8449 section 4: "Endpoints MUST NOT send a "record_size_limit"
// extension with a value smaller than 64."
constexpr uint16_t kRecordSizeLimitMin = 64;
}  // namespace

Error parse_renegotiation_info(Bytes data, std::optional<ByteVec>& out) {
  out.emplace();
  return parse_whole(data, [&](wire::Reader& r) { return read_vec(r, 1, 0, *out); });
}

Error parse_ec_point_formats(Bytes data, std::optional<ByteVec>& out) {
  out.emplace();
  return parse_whole(data, [&](wire::Reader& r) { return read_vec(r, 1, 1, *out); });
}

Error parse_max_fragment_length(Bytes data, std::optional<uint8_t>& out) {
  uint8_t value = 0;
  Error e = parse_whole(data, [&](wire::Reader& r) {
    value = r.u8();
    return r.ok();
  });
  if (e != Error::none) return e;
  // "If a server receives a maximum fragment length negotiation request for a
  // value other than the allowed values, it MUST abort the handshake with an
  // "illegal_parameter" alert." (RFC 6066 section 4; the same for a client.)
  if (value < kMaxFragmentLengthMin || value > kMaxFragmentLengthMax) {
    return Error::illegal_parameter;
  }
  out = value;
  return Error::none;
}

Error parse_record_size_limit(Bytes data, std::optional<uint16_t>& out) {
  uint16_t value = 0;
  Error e = parse_whole(data, [&](wire::Reader& r) {
    value = r.u16();
    return r.ok();
  });
  if (e != Error::none) return e;
  // "An endpoint MUST treat receipt of a smaller value as a fatal error and
  // generate an "illegal_parameter" alert." (RFC 8449 section 4)
  if (value < kRecordSizeLimitMin) return Error::illegal_parameter;
  out = value;
  return Error::none;
}

void write_raw_extension(wire::Writer& w, ExtensionType type, Bytes data) {
  w.u16(static_cast<uint16_t>(type));
  w.vec16(data);
}

void write_vec8_extension(wire::Writer& w, ExtensionType type, Bytes body) {
  size_t ext = open_extension(w, type);
  w.vec8(body);
  w.close_vec(ext);
}

void write_u8_extension(wire::Writer& w, ExtensionType type, uint8_t value) {
  size_t ext = open_extension(w, type);
  w.u8(value);
  w.close_vec(ext);
}

void write_u16_extension(wire::Writer& w, ExtensionType type, uint16_t value) {
  size_t ext = open_extension(w, type);
  w.u16(value);
  w.close_vec(ext);
}

}  // namespace adieu::messages::detail
