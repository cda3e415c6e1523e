// fuzz-link: adieu_messages
// EncryptedExtensions::parse on arbitrary bytes; round trip of whatever parses.
#include "message_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<adieu::messages::EncryptedExtensions>(
      data, size, adieu::messages::HandshakeType::encrypted_extensions);
}
