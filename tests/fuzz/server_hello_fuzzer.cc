// fuzz-link: adieu_messages
// ServerHello::parse on arbitrary bytes; round trip of whatever parses.
#include "message_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<adieu::messages::ServerHello>(
      data, size, adieu::messages::HandshakeType::server_hello);
}
