// fuzz-link: adieu_store
// store::resumption_keys on arbitrary bytes (what adieu-server peeks at
// before a handshake): never reads past them; every key it returns is a
// non-empty PSK identity or a session id of at most 32 bytes, and each lies
// within the input.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "store/resumption_keys.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  for (const bool tls13 : {false, true}) {
    for (const std::vector<uint8_t>& key : adieu::store::resumption_keys(input, tls13)) {
      if (key.empty() || key.size() > size ||
          std::search(input.begin(), input.end(), key.begin(), key.end()) == input.end()) {
        std::fprintf(stderr, "resumption_keys: a key that is not in the input\n");
        std::abort();
      }
    }
  }
  return 0;
}
