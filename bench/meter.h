// Per-side measurement of the calls the benchmark makes into a library.
//
// Every call made on one connection end is wrapped in a SideScope for that
// end's side. The scope
//  - attributes the allocations made inside it to that side (alloc_counter.h),
//  - adds the time spent inside it to that side's clock (when timing is on),
//  - and, in callgrind mode, turns instruction collection on for exactly the
//    calls of the side being profiled.
// So "client side" figures are the sum over the client's own calls in an
// interleaved run of both ends, and the transport in between counts for no one.
#pragma once

#include <cstdint>
#include <ctime>

#include "alloc_counter.h"
#include "side.h"

namespace adieu::bench::meter {

namespace detail {
inline clockid_t clock = CLOCK_MONOTONIC;
inline uint64_t read_cost_ns = 0;  // what one clock read adds to an interval
inline uint64_t scopes = 0;        // timed scopes entered so far
inline bool timing = true;
inline Side callgrind_side = Side::harness;  // harness: collect nothing
inline int64_t elapsed_ns[kSideCount] = {};
void toggle_callgrind_collection();
}  // namespace detail

// The benchmark's clock: the thread's CPU time, which leaves out the time a
// shared machine gives to other processes but costs a system call per read; or
// CLOCK_MONOTONIC (a ~25 ns vDSO read), the wall time.
inline uint64_t now_ns() {
  timespec ts;
  clock_gettime(detail::clock, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

// Chooses the clock (the thread's CPU time when `cpu_time`) and measures what
// a read costs, which is then taken out of every timed scope (one read's worth
// each).
void select_clock(bool cpu_time);
bool using_cpu_time();
// What the clock reads of the timed scopes entered in an interval added to it:
// two reads each. Subtract from an interval timed around whole scopes.
inline int64_t scope_overhead_ns(uint64_t scopes) {
  return static_cast<int64_t>(2 * scopes * detail::read_cost_ns);
}
// Nanoseconds from `start` (a now_ns() reading) to now, less `overhead_ns`:
// signed, so that an over-correction shows as a time of zero or below (which
// the report refuses) instead of wrapping around.
inline int64_t since_ns(uint64_t start, int64_t overhead_ns = 0) {
  return static_cast<int64_t>(now_ns() - start) - overhead_ns;
}
inline uint64_t scopes_entered() {
  return detail::scopes;
}

// Clears the per-side clocks.
inline void reset() {
  for (int64_t& ns : detail::elapsed_ns) ns = 0;
}
// The time inside `side`'s scopes since reset(). Each scope adds its time less
// one clock read's measured cost, unclamped: when a scope is shorter than that
// cost it adds a negative time, so the correction's errors cancel over many
// scopes instead of adding up, and a total that comes out zero or negative is
// refused by the report (validity.h) rather than hidden.
inline int64_t elapsed_ns(Side side) {
  return detail::elapsed_ns[side_index(side)];
}
// Per-call clock reads cost one clock read each (a system call for the CPU-time
// clock, ~25 ns for CLOCK_MONOTONIC); figures measured over a whole batch turn
// them off.
inline void set_timing(bool on) {
  detail::timing = on;
}
// Collect callgrind instructions inside scopes of `side` only (harness: none).
inline void set_callgrind_side(Side side) {
  detail::callgrind_side = side;
}

class SideScope {
 public:
  explicit SideScope(Side side) : attribution_(side), side_(side) {
    if (detail::callgrind_side == side_) detail::toggle_callgrind_collection();
    if (detail::timing) {
      detail::scopes++;
      start_ns_ = now_ns();
    }
  }
  ~SideScope() {
    if (detail::timing) {
      detail::elapsed_ns[side_index(side_)] +=
          since_ns(start_ns_, static_cast<int64_t>(detail::read_cost_ns));
    }
    if (detail::callgrind_side == side_) detail::toggle_callgrind_collection();
  }
  SideScope(const SideScope&) = delete;
  SideScope& operator=(const SideScope&) = delete;

 private:
  alloc::Attribution attribution_;
  Side side_;
  uint64_t start_ns_ = 0;
};

}  // namespace adieu::bench::meter
