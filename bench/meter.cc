#include "meter.h"

#include <cstdint>

#ifndef ADIEU_BENCH_NO_CALLGRIND
#include <valgrind/callgrind.h>
#endif

namespace adieu::bench {

const char* side_name(Side side) {
  switch (side) {
    case Side::client:
      return "client";
    case Side::server:
      return "server";
    case Side::harness:
      break;
  }
  return "harness";
}

namespace meter {

void select_clock(bool cpu_time) {
  detail::clock = cpu_time ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
  // The smallest of many back-to-back deltas: one read's cost, undisturbed.
  uint64_t best = UINT64_MAX;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t start = now_ns();
    const uint64_t delta = now_ns() - start;
    if (delta < best) best = delta;
  }
  detail::read_cost_ns = best;
}

bool using_cpu_time() {
  return detail::clock == CLOCK_THREAD_CPUTIME_ID;
}

}  // namespace meter

namespace meter::detail {

// A no-op (a few instructions) when not running under callgrind.
void toggle_callgrind_collection() {
#ifndef ADIEU_BENCH_NO_CALLGRIND
  CALLGRIND_TOGGLE_COLLECT;
#endif
}

}  // namespace meter::detail
}  // namespace adieu::bench
