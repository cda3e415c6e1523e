// fuzz-link: adieu_messages
// ServerKeyExchange::parse (ECDHE, RFC 8422 section 5.4) on arbitrary bytes;
// round trip of whatever parses, and params() checked to be the body's first
// params_size() bytes: the bytes the signature covers after the randoms.
#include <algorithm>

#include "message_fuzzer.h"

namespace {

using adieu::messages::ByteVec;
using adieu::messages::ServerKeyExchange;

void check_params(const ServerKeyExchange& ske, const ByteVec& bytes) {
  ByteVec params = ske.params();
  if (params.size() != ske.params_size()) adieu::fuzz::fail("params_size() is not params()'s size");
  const size_t body = adieu::messages::kHandshakeHeaderSize;
  if (bytes.size() < body + params.size() ||
      !std::equal(params.begin(), params.end(), bytes.begin() + body)) {
    adieu::fuzz::fail("params() is not the start of the body");
  }
  std::array<uint8_t, 32> client_random{};
  std::array<uint8_t, 32> server_random{};
  client_random.fill(1);
  server_random.fill(2);
  ByteVec content = ske.signed_content(client_random, server_random);
  if (content.size() != 64 + params.size() ||
      !std::equal(params.begin(), params.end(), content.begin() + 64)) {
    adieu::fuzz::fail("signed_content() is not the randoms and params()");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return adieu::fuzz::fuzz_message<ServerKeyExchange>(
      data, size, adieu::messages::HandshakeType::server_key_exchange, check_params);
}
