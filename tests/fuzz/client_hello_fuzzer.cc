// fuzz-link: adieu_messages
// ClientHello::parse on arbitrary bytes; round trip of whatever parses, and
// binders_size() checked against the serialized pre_shared_key.
#include "message_fuzzer.h"

namespace {

using adieu::messages::ByteVec;
using adieu::messages::ClientHello;

void check_binders(const ClientHello& ch, const ByteVec& bytes) {
  size_t n = ch.binders_size();
  if (!ch.pre_shared_key) {
    if (n != 0) adieu::fuzz::fail("binders_size without pre_shared_key");
    return;
  }
  // The last n bytes are the binders list: its 2-byte length is n - 2.
  if (n < 2 || n > bytes.size()) adieu::fuzz::fail("binders_size out of range");
  size_t at = bytes.size() - n;
  if ((size_t{bytes[at]} << 8 | bytes[at + 1]) != n - 2) {
    adieu::fuzz::fail("binders_size does not end the message");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<ClientHello>(
      data, size, adieu::messages::HandshakeType::client_hello, check_binders);
}
