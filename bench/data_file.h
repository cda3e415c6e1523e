// adieu-bench's figures as tab-separated values, for scripts (--tsv=FILE;
// bench/plot_ratios.sh draws the ratios from it). After `#` comment lines
// describing the run, a header line, then one line per figure and contender:
//
//   group name label unit better who value min max rounds of_limit status
//
// `who` is adieu, openssl, libcrypto (a limit, the same for both libraries)
// or ratio (adieu / openssl); in a section whose peer is not libssl (QUIC
// over loopback) the peer's name (ngtcp2) and ratio (adieu / that peer); a
// section of adieu alone (QUIC in memory) has adieu's lines only. `value` is the median of the
// rounds for a library, the best round for libcrypto, and for a ratio the median of the
// round-by-round ratios (report.h: ratio()); `min` and `max` are the smallest
// and largest round (for a ratio: of the round-by-round ratios); `better` says
// whether a higher or a lower value is better; `of_limit` is the library's
// fraction of the limit (report.h: fraction_of_limit(); empty without a limit,
// nan when refused). `status` is "ok", "not measured" or
// "refused: " and why the figure cannot be true (its numbers are then "nan");
// "ok; its fraction of the limit refused: " and why, when only the fraction is.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "report.h"

namespace adieu::bench {

// `comments`: lines written first, each after "# ".
void write_tsv(const std::vector<Section>& sections, const std::vector<std::string>& comments,
               std::FILE* out);

}  // namespace adieu::bench
