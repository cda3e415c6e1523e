// fuzz-link: adieu_engine
// Session::from_bytes on arbitrary bytes; whatever parses must write back to
// the very same bytes (version 2) or to them in version 2 form (version 1,
// still read: the same fields without the flags byte) and parse again to an
// equal session.
#include <adieu/session.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  auto session = adieu::Session::from_bytes(input);
  if (!session) return 0;
  const std::vector<uint8_t> bytes = session->to_bytes();
  // The byte form is canonical: a parsed session writes back what was read,
  // a version 1 one with the version changed and a zero flags byte added.
  std::vector<uint8_t> expected(input.begin(), input.end());
  if (size >= 2 && data[0] == 0 && data[1] == 1) {
    expected[1] = 2;
    expected.insert(expected.begin() + 2, 0);
  }
  if (bytes != expected) abort();
  auto again = adieu::Session::from_bytes(bytes);
  if (!again || again->to_bytes() != bytes) abort();
  (void)session->resumable(0);
  return 0;
}
