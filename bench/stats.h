// Small statistics over repeated rounds.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace adieu::bench {

// The median of `values` (the mean of the two middle ones for an even count);
// 0 for none. Rounds are alternated between the libraries, so a slow moment of
// the shared machine shifts one round, not the figure.
inline double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t middle = values.size() / 2;
  return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// The smallest and the largest of `values` (0 for none).
inline double smallest(const std::vector<double>& values) {
  return values.empty() ? 0 : *std::min_element(values.begin(), values.end());
}
inline double largest(const std::vector<double>& values) {
  return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}

// The best round: the largest for a rate, the smallest for a cost. A limit
// (libcrypto alone) is its best round: what libcrypto does undisturbed.
inline double best(const std::vector<double>& values, bool higher_is_better) {
  return higher_is_better ? largest(values) : smallest(values);
}

// How far the rounds spread: half their range, relative to their median
// (0.03 prints as "±3%"). 0 for one round or none.
inline double spread(const std::vector<double>& values) {
  const double middle = median(values);
  if (values.size() < 2 || middle == 0) return 0;
  const double half_range = (largest(values) - smallest(values)) / 2;
  return half_range / (middle < 0 ? -middle : middle);
}

// Round by round: `f(a[i], b[i])` for the rounds both have.
template <typename F>
std::vector<double> combine(const std::vector<double>& a, const std::vector<double>& b, F f) {
  std::vector<double> out;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) out.push_back(f(a[i], b[i]));
  return out;
}

// `f(v)` for each round.
template <typename F>
std::vector<double> each(const std::vector<double>& values, F f) {
  std::vector<double> out;
  out.reserve(values.size());
  for (double v : values) out.push_back(f(v));
  return out;
}

}  // namespace adieu::bench
