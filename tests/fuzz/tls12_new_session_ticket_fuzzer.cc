// fuzz-link: adieu_messages
// Tls12NewSessionTicket::parse (TLS 1.2, RFC 5077 section 3.3) on arbitrary bytes; round trip of
// whatever parses.
#include "message_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<adieu::messages::Tls12NewSessionTicket>(
      data, size, adieu::messages::HandshakeType::new_session_ticket);
}
