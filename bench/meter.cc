#include "meter.h"

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

namespace meter::detail {

// A no-op (a few instructions) when not running under callgrind.
void toggle_callgrind_collection() {
#ifndef ADIEU_BENCH_NO_CALLGRIND
  CALLGRIND_TOGGLE_COLLECT;
#endif
}

}  // namespace meter::detail
}  // namespace adieu::bench
