// Which party of the benchmark a piece of work belongs to.
#pragma once

#include <cstddef>
#include <cstdint>

namespace adieu::bench {

// `harness` is everything that is neither connection end: the benchmark's own
// transport, bookkeeping and set-up. Its time and memory are never reported.
enum class Side : uint8_t { harness = 0, client = 1, server = 2 };

inline constexpr size_t kSideCount = 3;

inline size_t side_index(Side side) {
  return static_cast<size_t>(side);
}

const char* side_name(Side side);

}  // namespace adieu::bench
