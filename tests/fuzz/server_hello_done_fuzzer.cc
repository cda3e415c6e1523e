// fuzz-link: adieu_messages
// ServerHelloDone::parse (RFC 5246 section 7.4.5) on arbitrary bytes; round trip of whatever
// parses.
#include "message_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<adieu::messages::ServerHelloDone>(
      data, size, adieu::messages::HandshakeType::server_hello_done);
}
