// Time in adieu's QUIC engine. The engine never reads a clock: every entry
// point that depends on time takes `Instant now` from its caller, so tests
// and I/O adapters decide what time it is.
#pragma once

#include <chrono>
#include <cstdint>
#include <ratio>

namespace adieu::quic {

// A clock the engine has no way to read (it has no now()): it only names the
// epoch and resolution of the Instants the caller passes in, on an epoch of
// the caller's choosing (e.g. steady_clock's). Microseconds are what ACK
// frames' ack_delay is measured in (RFC 9000 section 19.3).
struct EngineClock {
  using rep = std::int64_t;
  using period = std::micro;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<EngineClock, duration>;
  static constexpr bool is_steady = true;
};

using Duration = EngineClock::duration;
using Instant = EngineClock::time_point;

// "No deadline": a timer that is not armed.
inline constexpr Instant kNever = Instant::max();

}  // namespace adieu::quic
