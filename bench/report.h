// What adieu-bench reports: sections of rows, each row one figure for both
// libraries (or one limit, libcrypto alone), every figure kept round by round.
// print_table() writes the readable tables; data_file.h the same figures as
// tab-separated values for scripts.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "validity.h"

namespace adieu::bench {

// One contender's figure: its value in each round, in the row's unit.
struct Figure {
  std::vector<double> rounds;
  // libcrypto alone: shown by its best round (what libcrypto does
  // undisturbed), where the libraries' figures are shown by their median.
  bool ceiling = false;
  // Why it cannot be true (validate()); a refused figure is never printed.
  std::optional<std::string> refused;
  bool measured() const { return !rounds.empty(); }
};

struct Row {
  std::string name;   // for scripts: [a-z0-9_]+
  std::string label;  // for the table
  std::string unit;
  Kind kind = Kind::amount;
  bool higher_is_better = true;
  // A comparison row has adieu's and OpenSSL's figures (either may be
  // unmeasured); a limit row (is_limit) has libcrypto's alone.
  Figure adieu, openssl, libcrypto;
  bool is_limit = false;
  // What the libraries' figures are shown against: libcrypto alone doing the
  // same public-key or AEAD work (same unit).
  std::optional<Figure> limit;
  // Why adieu's / OpenSSL's fraction of the limit was refused (validate()).
  std::optional<std::string> adieu_fraction_refused, openssl_fraction_refused;
};

struct Section {
  std::string title;
  std::string group;  // a short name of the section, for scripts and charts
  std::vector<Row> rows;
  std::vector<std::string> notes;
  // Who the rows' `openssl` figures belong to: OpenSSL's libssl, or another
  // peer ("ngtcp2" for QUIC over loopback). Empty: adieu alone (no peer in
  // the same process), and no peer column, ratio or peer line in --tsv.
  std::string peer = "openssl";
};

// What a figure says: the median of its rounds for a library, the best round
// for libcrypto's limits. nullopt when unmeasured or refused.
std::optional<double> shown_value(const Row& row, const Figure& figure);
// The figure as a fraction of the row's limit (figure / limit for rates, limit
// / figure for costs): the median of the round-by-round fractions when the
// limit was measured a round after each round of the figure, else the shown
// figure over the shown limit. nullopt without a limit, when either is not
// shown, or when the fraction was refused.
std::optional<double> fraction_of_limit(const Row& row, const Figure& figure,
                                        const std::optional<std::string>& fraction_refused);
// adieu / openssl: the median of the round-by-round ratios when the libraries
// alternated round by round (as many rounds each), else the ratio of the
// shown values.
std::optional<double> ratio(const Row& row);
// The smallest and largest round-by-round ratio (without rounds side by side:
// adieu's smallest over OpenSSL's largest, and adieu's largest over OpenSSL's
// smallest).
std::optional<std::pair<double, double>> ratio_range(const Row& row);

void print_table(const std::vector<Section>& sections, std::FILE* out);

}  // namespace adieu::bench
