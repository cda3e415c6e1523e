// fuzz-link: adieu_messages
// ClientHello::parse on arbitrary bytes, for its TLS 1.2 extensions: round
// trip of whatever parses; no TLS 1.2 extension with a field stays in
// `unknown`, and max_fragment_length / record_size_limit are in range.
#include "message_fuzzer.h"

namespace {

using adieu::messages::ByteVec;
using adieu::messages::ClientHello;
using adieu::messages::ExtensionType;

void check_tls12_fields(const ClientHello& ch, const ByteVec&) {
  for (const auto& ext : ch.unknown) {
    switch (static_cast<ExtensionType>(ext.type)) {
      case ExtensionType::extended_master_secret:
      case ExtensionType::renegotiation_info:
      case ExtensionType::ec_point_formats:
      case ExtensionType::session_ticket:
      case ExtensionType::max_fragment_length:
      case ExtensionType::record_size_limit:
        adieu::fuzz::fail("TLS 1.2 extension left unknown in a ClientHello");
      default:
        break;
    }
  }
  if (ch.max_fragment_length && (*ch.max_fragment_length < 1 || *ch.max_fragment_length > 4)) {
    adieu::fuzz::fail("max_fragment_length out of 1..4");
  }
  if (ch.record_size_limit && *ch.record_size_limit < 64) {
    adieu::fuzz::fail("record_size_limit under 64");
  }
  if (ch.ec_point_formats && ch.ec_point_formats->empty()) {
    adieu::fuzz::fail("empty ec_point_formats");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<ClientHello>(
      data, size, adieu::messages::HandshakeType::client_hello, check_tls12_fields);
}
