// fuzz-link: adieu_messages
// Tls12CertificateRequest::parse (TLS 1.2, RFC 5246 section 7.4.4) on arbitrary bytes; round trip
// of whatever parses.
#include "message_fuzzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<adieu::messages::Tls12CertificateRequest>(
      data, size, adieu::messages::HandshakeType::certificate_request);
}
