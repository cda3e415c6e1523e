// The output: a readable table, then one line per figure for scripts:
//   name adieu openssl ratio
// where ratio = adieu / openssl. A figure with a limit also gets a line
// `name_of_limit adieu openssl ratio` holding each library's figure as a
// fraction of that limit. Limits themselves (libcrypto alone, the same for both
// libraries) are printed with the same value in both columns.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace adieu::bench {

struct Row {
  std::string name;   // for the lines: [a-z0-9_]+
  std::string label;  // for the table
  std::string unit;
  std::optional<double> adieu;
  std::optional<double> openssl;
  // The best the figure can be (same unit); a fraction = figure / limit for
  // rates, limit / figure for costs.
  std::optional<double> limit;
  bool higher_is_better = true;
  bool shared = false;  // a limit: one value for both libraries
};

struct Section {
  std::string title;
  std::vector<Row> rows;
  std::vector<std::string> notes;
};

void print_table(const std::vector<Section>& sections, std::FILE* out);
void print_lines(const std::vector<Section>& sections, std::FILE* out);

}  // namespace adieu::bench
