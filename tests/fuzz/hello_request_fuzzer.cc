// fuzz-link: adieu_messages
// HelloRequest::parse (RFC 5246 section 7.4.1.1) on arbitrary bytes; round trip of whatever parses.
#include "message_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<adieu::messages::HelloRequest>(
      data, size, adieu::messages::HandshakeType::hello_request);
}
