// Heap accounting for both libraries, attributed to the side whose call is
// running.
//
// Every allocation made through libcrypto (OPENSSL_malloc & co., so all of
// libssl and all of adieu's libcrypto objects) and every C++ operator new in
// the process goes through counting functions that keep a 16-byte header in
// front of the block: its size, and the side that was current when it was
// allocated. A block freed later, under any side, is subtracted from the side
// that allocated it, so "live bytes of a side" is exactly what that side's
// objects still hold.
//
// install() must run before libcrypto allocates anything: first thing in
// main(). Single-threaded, like the benchmark.
#pragma once

#include <cstdint>

#include "side.h"

namespace adieu::bench::alloc {

struct Counts {
  uint64_t allocations = 0;  // malloc, realloc and operator new calls
  int64_t live_bytes = 0;    // requested bytes still held
  // The part of the above that went through libcrypto (the rest is C++).
  uint64_t libcrypto_allocations = 0;
  int64_t libcrypto_live_bytes = 0;
};

// Routes libcrypto's allocations through the counters. Returns false if
// libcrypto had already allocated (then only C++ allocations are counted).
bool install_libcrypto_hooks();

Counts counts(Side side);
Side current_side();
void set_current_side(Side side);

// Attributes the allocations made in its scope to `side`.
class Attribution {
 public:
  explicit Attribution(Side side) : previous_(current_side()) { set_current_side(side); }
  ~Attribution() { set_current_side(previous_); }
  Attribution(const Attribution&) = delete;
  Attribution& operator=(const Attribution&) = delete;

 private:
  Side previous_;
};

}  // namespace adieu::bench::alloc
