// fuzz-link: adieu_messages
// CertificateRequest::parse on arbitrary bytes; round trip of whatever parses.
#include "message_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<adieu::messages::CertificateRequest>(
      data, size, adieu::messages::HandshakeType::certificate_request);
}
