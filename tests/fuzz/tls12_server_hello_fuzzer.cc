// fuzz-link: adieu_messages
// ServerHello::parse on arbitrary bytes, for its TLS 1.2 extensions: round
// trip of whatever parses; a ServerHello that selects TLS 1.3 (or a
// HelloRetryRequest) has no TLS 1.2 field set, and one that does not keeps no
// TLS 1.2 extension in `unknown`.
#include "message_fuzzer.h"

namespace {

using adieu::messages::ByteVec;
using adieu::messages::ExtensionType;
using adieu::messages::ServerHello;

bool is_tls12_field_extension(uint16_t type) {
  switch (static_cast<ExtensionType>(type)) {
    case ExtensionType::extended_master_secret:
    case ExtensionType::renegotiation_info:
    case ExtensionType::ec_point_formats:
    case ExtensionType::session_ticket:
    case ExtensionType::max_fragment_length:
    case ExtensionType::record_size_limit:
      return true;
    default:
      return false;
  }
}

void check_tls12_fields(const ServerHello& sh, const ByteVec&) {
  bool any_field = sh.extended_master_secret || sh.renegotiation_info || sh.ec_point_formats ||
                   sh.session_ticket || sh.max_fragment_length || sh.record_size_limit;
  if (sh.selects_tls13() && any_field) adieu::fuzz::fail("TLS 1.2 field in a TLS 1.3 ServerHello");
  for (const auto& ext : sh.unknown) {
    if (!sh.selects_tls13() && is_tls12_field_extension(ext.type)) {
      adieu::fuzz::fail("TLS 1.2 extension left unknown in a TLS 1.2 ServerHello");
    }
  }
  if (sh.max_fragment_length && (*sh.max_fragment_length < 1 || *sh.max_fragment_length > 4)) {
    adieu::fuzz::fail("max_fragment_length out of 1..4");
  }
  if (sh.record_size_limit && *sh.record_size_limit < 64) {
    adieu::fuzz::fail("record_size_limit under 64");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<ServerHello>(
      data, size, adieu::messages::HandshakeType::server_hello, check_tls12_fields);
}
