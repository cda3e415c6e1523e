// What a figure can physically be. adieu-bench prints no figure that fails
// these checks: it prints "refused" and the reason instead, and exits with 1.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace adieu::bench {

struct Section;

// What a figure is a measurement of; it decides which values are possible.
enum class Kind : uint8_t {
  duration,    // a time per operation (any unit): above zero, finite
  event_rate,  // operations per second: above zero, finite (one over a time)
  byte_rate,   // MB/s (10^6 bytes/s): above zero, and within what the machine's caches move
  amount,      // a count (allocations) or a size (bytes held): zero or more, finite
};

// What this machine can move, measured when the bench starts (machine.h).
struct MachineLimits {
  // No byte rate can be above this, in MB/s; 0: not known (no such check).
  double max_MBps = 0;
};

// Why `value`, one round of a figure of `kind`, cannot be a measurement of
// anything real; nullopt when it can be.
std::optional<std::string> refusal(Kind kind, double value, const MachineLimits& machine);

// The same over every round of a figure: the first impossible round's reason,
// naming the round. A figure with no rounds was not measured; it is not refused.
std::optional<std::string> refusal(Kind kind, const std::vector<double>& rounds,
                                   const MachineLimits& machine);

// Why a figure's fraction of its limit (libcrypto alone doing part of the same
// work) cannot be true: the figure beat the limit by more than
// kLimitTolerance in every round. With as many rounds each, round i of the
// figure is set against round i of the limit, measured right after it;
// otherwise the figure's worst round against the limit's best. A figure that
// beats its limit in some rounds only, or by less, is within the noise of two
// loops measured a few milliseconds apart on a shared machine, and is shown.
inline constexpr double kLimitTolerance = 0.10;
std::optional<std::string> limit_refusal(const std::vector<double>& figure,
                                         const std::vector<double>& limit, bool higher_is_better);

// Checks every figure, limit and fraction of `sections` and records why any of
// them is refused. Returns how many were refused.
int validate(std::vector<Section>* sections, const MachineLimits& machine);

}  // namespace adieu::bench
