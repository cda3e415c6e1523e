// Helpers shared by the message codecs: extension blocks (RFC 8446 section
// 4.2), length-prefixed vectors with the presentation language's minimum
// lengths, and the lists of u16 code points most extensions carry.
// Internal to src/messages/.
#pragma once

#include <adieu/error.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/messages.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::messages::detail {

// One extension as found in a block: its type and extension_data, unparsed.
struct RawExtension {
  uint16_t type = 0;
  Bytes data;
};

// Splits the body of an `Extension extensions<..>` vector into its
// extensions, in order. decode_error when an extension overruns the block,
// illegal_parameter when a type appears twice (RFC 8446 section 4.2).
Error split_extensions(Bytes block, std::vector<RawExtension>& out);

// True for the types of ExtensionType: the ones this codec recognizes. RFC
// 8446 section 4.2: a recognized extension in a message it is not specified
// for is an illegal_parameter.
bool is_recognized_extension(uint16_t type);

// Reads a vector with a `prefix_bytes`-wide length and at least `min_bytes`
// bytes of body. False (and `r` failed) when the vector overruns `r` or is
// shorter than its minimum.
bool read_vec(wire::Reader& r, int prefix_bytes, size_t min_bytes, Bytes& out);
// Same, copying the body.
bool read_vec(wire::Reader& r, int prefix_bytes, size_t min_bytes, ByteVec& out);

// A vector of u16 code points (cipher suites, groups, signature schemes,
// versions): an even length of at least `min_bytes`.
bool read_u16_list(wire::Reader& r, int prefix_bytes, size_t min_bytes, std::vector<uint16_t>& out);
void write_u16_list(wire::Writer& w, int prefix_bytes, const std::vector<uint16_t>& list);

// KeyShareEntry: group, key_exchange<1..2^16-1> (RFC 8446 section 4.2.8).
bool read_key_share_entry(wire::Reader& r, KeyShareEntry& out);
void write_key_share_entry(wire::Writer& w, const KeyShareEntry& entry);

// Writes an extension's type and opens its extension_data; close it with
// w.close_vec(handle).
size_t open_extension(wire::Writer& w, uint16_t type);
inline size_t open_extension(wire::Writer& w, ExtensionType type) {
  return open_extension(w, static_cast<uint16_t>(type));
}
// An extension with empty extension_data (early_data, post_handshake_auth...).
void write_empty_extension(wire::Writer& w, ExtensionType type);
void write_unknown_extensions(wire::Writer& w, const std::vector<UnknownExtension>& list);

// Runs `parse(reader)` over an extension's whole extension_data:
// decode_error when it returns false or leaves bytes behind.
template <class Parse>
Error parse_whole(Bytes data, Parse&& parse) {
  wire::Reader r(data);
  if (!parse(r) || !r.done()) return Error::decode_error;
  return Error::none;
}
// An extension whose extension_data must be empty: sets `flag`.
Error parse_empty_extension(Bytes data, bool& flag);
// The server's ALPN answer: a ProtocolNameList holding exactly one name (RFC
// 7301 section 3.1), in EncryptedExtensions (TLS 1.3) or ServerHello (TLS 1.2).
Error parse_selected_alpn(Bytes data, std::optional<std::string>& out);
void write_selected_alpn(wire::Writer& out, const std::string& protocol);
// An extension whose extension_data is one u16 list (see read_u16_list).
Error parse_u16_list_extension(Bytes data, int prefix_bytes, size_t min_bytes,
                               std::optional<std::vector<uint16_t>>& out);
void write_u16_list_extension(wire::Writer& w, ExtensionType type, int prefix_bytes,
                              const std::vector<uint16_t>& list);

// TLS 1.2 hello extensions (tls12_extensions.cc), shared by ClientHello and
// ServerHello. Each parse sets `out` and returns decode_error for a malformed
// extension_data, illegal_parameter for a value the RFC forbids.
//
// renegotiation_info: opaque renegotiated_connection<0..255> (RFC 5746
// section 3.2).
Error parse_renegotiation_info(Bytes data, std::optional<ByteVec>& out);
// ec_point_formats: ECPointFormat ec_point_format_list<1..2^8-1> (RFC 8422
// section 5.1.2).
Error parse_ec_point_formats(Bytes data, std::optional<ByteVec>& out);
// max_fragment_length: one MaxFragmentLength byte; a value other than 1..4
// is an illegal_parameter (RFC 6066 section 4).
Error parse_max_fragment_length(Bytes data, std::optional<uint8_t>& out);
// record_size_limit: uint16 RecordSizeLimit; a value under 64 is an
// illegal_parameter (RFC 8449 section 4).
Error parse_record_size_limit(Bytes data, std::optional<uint16_t>& out);
// An extension whose extension_data is `data` as is (session_ticket).
void write_raw_extension(wire::Writer& w, ExtensionType type, Bytes data);
// An extension whose extension_data is one opaque<..2^8-1> vector.
void write_vec8_extension(wire::Writer& w, ExtensionType type, Bytes body);
void write_u8_extension(wire::Writer& w, ExtensionType type, uint8_t value);
void write_u16_extension(wire::Writer& w, ExtensionType type, uint16_t value);

// The bytes of a string (host names, ALPN protocol names).
inline Bytes string_bytes(const std::string& s) {
  return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Keeps an extension this codec does not interpret.
void keep_unknown(const RawExtension& ext, std::vector<UnknownExtension>& out);

}  // namespace adieu::messages::detail
