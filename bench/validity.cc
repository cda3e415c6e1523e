#include "validity.h"

#include <cmath>
#include <cstdio>

#include "report.h"
#include "stats.h"

namespace adieu::bench {
namespace {

std::string format(const char* pattern, double a, double b = 0) {
  char text[200];
  std::snprintf(text, sizeof text, pattern, a, b);
  return text;
}

}  // namespace

std::optional<std::string> refusal(Kind kind, double value, const MachineLimits& machine) {
  if (std::isnan(value)) return "not a number";
  if (std::isinf(value)) {
    return kind == Kind::duration ? std::string("an infinite time")
                                  : std::string("an infinite value: the time measured was zero");
  }
  switch (kind) {
    case Kind::duration:
      if (value <= 0) return format("a time of %g: the clock did not see the work", value);
      break;
    case Kind::event_rate:
      if (value <= 0) return format("a rate of %g: the time measured was zero or negative", value);
      break;
    case Kind::byte_rate:
      if (value <= 0) return format("a rate of %g: the time measured was zero or negative", value);
      if (machine.max_MBps > 0 && value > machine.max_MBps) {
        return format("%.0f MB/s is beyond what this machine's caches move (at most %.0f MB/s)",
                      value, machine.max_MBps);
      }
      break;
    case Kind::amount:
      if (value < 0) return format("a negative amount (%g)", value);
      break;
  }
  return std::nullopt;
}

std::optional<std::string> refusal(Kind kind, const std::vector<double>& rounds,
                                   const MachineLimits& machine) {
  for (size_t i = 0; i < rounds.size(); ++i) {
    if (auto reason = refusal(kind, rounds[i], machine)) {
      return "round " + std::to_string(i + 1) + " of " + std::to_string(rounds.size()) + ": " +
             *reason;
    }
  }
  return std::nullopt;
}

std::optional<std::string> limit_refusal(const std::vector<double>& figure,
                                         const std::vector<double>& limit, bool higher_is_better) {
  if (figure.empty() || limit.empty()) return std::nullopt;
  auto beats = [higher_is_better](double value, double bound) {
    return higher_is_better ? value > bound * (1 + kLimitTolerance)
                            : value < bound / (1 + kLimitTolerance);
  };
  if (figure.size() == limit.size()) {
    for (size_t i = 0; i < figure.size(); ++i) {
      if (!beats(figure[i], limit[i])) return std::nullopt;
    }
    return format(
        "it beat libcrypto alone doing part of the same work by more than 10%% in every round "
        "(first round %.4g against %.4g): one of the two measurements is wrong",
        figure[0], limit[0]);
  }
  const double worst = best(figure, !higher_is_better);
  const double ceiling = best(limit, higher_is_better);
  if (!beats(worst, ceiling)) return std::nullopt;
  return format(
      "every round beat libcrypto alone doing part of the same work by more than 10%% (worst "
      "round %.4g, libcrypto's best %.4g): one of the two measurements is wrong",
      worst, ceiling);
}

int validate(std::vector<Section>* sections, const MachineLimits& machine) {
  int refused = 0;
  auto check = [&](const Row& row, Figure* figure) {
    figure->refused = refusal(row.kind, figure->rounds, machine);
    refused += figure->refused.has_value();
  };
  auto check_fraction = [&](const Row& row, const Figure& figure,
                            std::optional<std::string>* fraction_refused) {
    *fraction_refused = std::nullopt;
    if (!row.limit || figure.refused || row.limit->refused) return;
    *fraction_refused = limit_refusal(figure.rounds, row.limit->rounds, row.higher_is_better);
    refused += fraction_refused->has_value();
  };
  for (Section& section : *sections) {
    for (Row& row : section.rows) {
      check(row, &row.adieu);
      check(row, &row.openssl);
      check(row, &row.libcrypto);
      if (row.limit) check(row, &*row.limit);
      check_fraction(row, row.adieu, &row.adieu_fraction_refused);
      check_fraction(row, row.openssl, &row.openssl_fraction_refused);
    }
  }
  return refused;
}

}  // namespace adieu::bench
