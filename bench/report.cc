#include "report.h"

#include "stats.h"

namespace adieu::bench {

std::optional<double> shown_value(const Row& row, const Figure& figure) {
  if (!figure.measured() || figure.refused) return std::nullopt;
  return figure.ceiling ? best(figure.rounds, row.higher_is_better) : median(figure.rounds);
}

namespace {

// The quotients of two figures' rounds, round by round, when they were
// measured side by side (one round of each, one after the other, as many
// rounds each): a moment when the shared machine was slow then weighs on both
// sides of a quotient instead of on one figure. Empty when they were not.
std::vector<double> round_quotients(const Figure& top, const Figure& bottom) {
  if (top.rounds.size() != bottom.rounds.size()) return {};
  for (double v : bottom.rounds) {
    if (v == 0) return {};
  }
  return combine(top.rounds, bottom.rounds, [](double a, double b) { return a / b; });
}

}  // namespace

std::optional<double> fraction_of_limit(const Row& row, const Figure& figure,
                                        const std::optional<std::string>& fraction_refused) {
  if (!row.limit || fraction_refused) return std::nullopt;
  const std::optional<double> value = shown_value(row, figure);
  const std::optional<double> limit = shown_value(row, *row.limit);
  if (!value || !limit || *value <= 0 || *limit <= 0) return std::nullopt;
  std::vector<double> fractions = row.higher_is_better ? round_quotients(figure, *row.limit)
                                                       : round_quotients(*row.limit, figure);
  if (!fractions.empty()) return median(fractions);
  return row.higher_is_better ? *value / *limit : *limit / *value;
}

std::optional<double> ratio(const Row& row) {
  const std::optional<double> a = shown_value(row, row.adieu);
  const std::optional<double> o = shown_value(row, row.openssl);
  if (!a || !o || *o == 0) return std::nullopt;
  std::vector<double> ratios = round_quotients(row.adieu, row.openssl);
  return ratios.empty() ? *a / *o : median(ratios);
}

std::optional<std::pair<double, double>> ratio_range(const Row& row) {
  if (!ratio(row)) return std::nullopt;
  std::vector<double> ratios = round_quotients(row.adieu, row.openssl);
  if (!ratios.empty()) return std::make_pair(smallest(ratios), largest(ratios));
  const double o_min = smallest(row.openssl.rounds), o_max = largest(row.openssl.rounds);
  if (o_min <= 0) return std::nullopt;
  return std::make_pair(smallest(row.adieu.rounds) / o_max, largest(row.adieu.rounds) / o_min);
}

namespace {

std::string number(const std::optional<double>& value) {
  if (!value) return "-";
  char text[32];
  const double v = *value;
  const double magnitude = v < 0 ? -v : v;
  std::snprintf(text, sizeof text,
                magnitude >= 100  ? "%.0f"
                : magnitude >= 10 ? "%.1f"
                                  : "%.2f",
                v);
  return text;
}

// The value of `figure` as the table shows it, or why it is not shown.
std::string value_cell(const Row& row, const Figure& figure) {
  if (figure.refused) return "refused";
  return number(shown_value(row, figure));
}

// "±3%": half the range of the rounds, relative to their median; "once" for a
// single round.
std::string spread_cell(const Figure& figure) {
  if (!figure.measured() || figure.refused) return "";
  if (figure.rounds.size() == 1) return "once";
  const double s = spread(figure.rounds) * 100;
  char text[32];
  std::snprintf(text, sizeof text, s >= 1 || s == 0 ? "±%.0f%%" : "±%.1f%%", s);
  return text;
}

std::string percent(const std::optional<double>& fraction,
                    const std::optional<std::string>& refused) {
  if (refused) return "refused";
  if (!fraction) return "";
  char text[32];
  std::snprintf(text, sizeof text, "%.0f%%", *fraction * 100);
  return text;
}

std::string times(const std::optional<double>& value) {
  if (!value) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2fx", *value);
  return text;
}

// printf pads by bytes; "±" is two bytes in UTF-8, one column on a terminal.
std::string pad_left(const std::string& text, size_t columns) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width >= columns ? text : std::string(columns - width, ' ') + text;
}

void refusal_note(std::FILE* out, const char* who, const Row& row,
                  const std::optional<std::string>& reason, const char* what) {
  if (!reason) return;
  std::fprintf(out, "  * REFUSED: %s, %s%s: %s\n", who, row.label.c_str(), what, reason->c_str());
}

}  // namespace

void print_table(const std::vector<Section>& sections, std::FILE* out) {
  for (const Section& section : sections) {
    std::fprintf(out, "\n%s\n", section.title.c_str());
    if (section.rows.empty()) {  // a place for figures not measured: why
      for (const std::string& note : section.notes) std::fprintf(out, "  * %s\n", note.c_str());
      continue;
    }
    bool limits_only = true;
    for (const Row& row : section.rows) limits_only = limits_only && row.is_limit;
    if (limits_only) {
      std::fprintf(out, "  %-62s %-6s %10s %6s\n", "", "unit", "libcrypto", "");
      std::fprintf(out, "  %-62s %-6s %10s %6s\n", "", "", "best", "spread");
    } else if (section.peer.empty()) {
      std::fprintf(out, "  %-62s %-6s %10s %6s\n", "", "unit", "adieu", "");
      std::fprintf(out, "  %-62s %-6s %10s %6s\n", "", "", "median", "spread");
    } else {
      const char* peer = section.peer.c_str();
      std::fprintf(out, "  %-62s %-6s %10s %6s %10s %6s %7s %8s %8s\n", "", "unit", "adieu", "",
                   peer, "", "ratio", "adieu", peer);
      std::fprintf(out, "  %-62s %-6s %10s %6s %10s %6s %7s %8s %8s\n", "", "", "median", "spread",
                   "median", "spread", section.peer == "openssl" ? "a/o" : "a/peer", "of limit",
                   "of limit");
    }
    for (const Row& row : section.rows) {
      if (row.is_limit) {
        std::fprintf(out, "  %-62s %-6s %10s %s\n", row.label.c_str(), row.unit.c_str(),
                     value_cell(row, row.libcrypto).c_str(),
                     pad_left(spread_cell(row.libcrypto), 6).c_str());
        continue;
      }
      if (section.peer.empty()) {
        std::fprintf(out, "  %-62s %-6s %10s %s\n", row.label.c_str(), row.unit.c_str(),
                     value_cell(row, row.adieu).c_str(),
                     pad_left(spread_cell(row.adieu), 6).c_str());
        continue;
      }
      std::fprintf(out, "  %-62s %-6s %10s %s %10s %s %7s %8s %8s\n", row.label.c_str(),
                   row.unit.c_str(), value_cell(row, row.adieu).c_str(),
                   pad_left(spread_cell(row.adieu), 6).c_str(),
                   value_cell(row, row.openssl).c_str(),
                   pad_left(spread_cell(row.openssl), 6).c_str(), times(ratio(row)).c_str(),
                   percent(fraction_of_limit(row, row.adieu, row.adieu_fraction_refused),
                           row.adieu_fraction_refused)
                       .c_str(),
                   percent(fraction_of_limit(row, row.openssl, row.openssl_fraction_refused),
                           row.openssl_fraction_refused)
                       .c_str());
    }
    for (const std::string& note : section.notes) std::fprintf(out, "  * %s\n", note.c_str());
    for (const Row& row : section.rows) {
      refusal_note(out, "adieu", row, row.adieu.refused, "");
      refusal_note(out, section.peer.c_str(), row, row.openssl.refused, "");
      refusal_note(out, "libcrypto", row, row.libcrypto.refused, "");
      if (row.limit) refusal_note(out, "libcrypto", row, row.limit->refused, " (its limit)");
      refusal_note(out, "adieu", row, row.adieu_fraction_refused, ", fraction of the limit");
      refusal_note(out, section.peer.c_str(), row, row.openssl_fraction_refused,
                   ", fraction of the limit");
    }
  }
}

}  // namespace adieu::bench
