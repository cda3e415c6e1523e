// fuzz-link: adieu_messages
// ClientKeyExchange::parse (ECDHE, RFC 8422 section 5.7) on arbitrary bytes; round trip of whatever
// parses.
#include "message_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<adieu::messages::ClientKeyExchange>(
      data, size, adieu::messages::HandshakeType::client_key_exchange);
}
