// The latency distribution of adieu-load's endings as an SVG chart
// (adieu-load -report FILE.svg): one cumulative distribution per ending on a
// logarithmic time axis, so endings that take milliseconds and slow readers
// that take seconds fit on one chart.
#pragma once

#include <string>
#include <vector>

namespace adieu::tools {

struct LatencySeries {
  std::string name;
  std::vector<double> ms;  // one connection's latency each, any order
};

// Writes the chart; false (and `error` set) if the file cannot be written.
bool write_latency_svg(const std::string& path, const std::string& title,
                       std::vector<LatencySeries> series, std::string* error);

}  // namespace adieu::tools
