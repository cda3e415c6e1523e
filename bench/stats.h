// Small statistics over repeated rounds.
#pragma once

#include <algorithm>
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

}  // namespace adieu::bench
