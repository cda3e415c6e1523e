// fuzz-link: adieu_engine
// TicketKeys::open on arbitrary bytes (under a key that exists, and with the
// input's first 16 bytes replaced by that key's name so the AEAD path runs),
// then a seal/open round trip of the input.
#include <adieu/session.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static adieu::TicketKeys keys(3600, 7200);
  const std::span<const uint8_t> input(data, size);
  const uint64_t now_ms = 1'000;

  // Arbitrary bytes never open (2^-128 forgery odds aside).
  if (keys.open(input, now_ms).has_value()) abort();

  const std::vector<uint8_t> sealed = keys.seal(input, now_ms);
  if (sealed.size() < 16) abort();
  std::vector<uint8_t> named(input.begin(), input.end());
  if (named.size() >= 16) {
    std::copy(sealed.begin(), sealed.begin() + 16, named.begin());
    if (keys.open(named, now_ms).has_value()) abort();
  }

  auto opened = keys.open(sealed, now_ms);
  if (!opened || !std::equal(opened->begin(), opened->end(), input.begin(), input.end())) abort();
  return 0;
}
