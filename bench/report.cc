#include "report.h"

namespace adieu::bench {
namespace {

std::optional<double> fraction_of_limit(const Row& row, const std::optional<double>& value) {
  if (!value || !row.limit || *row.limit <= 0 || *value <= 0) return std::nullopt;
  return row.higher_is_better ? *value / *row.limit : *row.limit / *value;
}

std::optional<double> ratio(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b || *b == 0) return std::nullopt;
  return *a / *b;
}

std::string number(const std::optional<double>& value) {
  if (!value) return "-";
  char text[32];
  double v = *value;
  double magnitude = v < 0 ? -v : v;
  std::snprintf(text, sizeof text,
                magnitude >= 100  ? "%.0f"
                : magnitude >= 10 ? "%.1f"
                                  : "%.2f",
                v);
  return text;
}

std::string percent(const std::optional<double>& fraction) {
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

void line(std::FILE* out, const std::string& name, const std::optional<double>& adieu,
          const std::optional<double>& openssl) {
  auto value = [](const std::optional<double>& v) {
    char text[32];
    if (!v) return std::string("nan");
    std::snprintf(text, sizeof text, "%.3f", *v);
    return std::string(text);
  };
  std::fprintf(out, "%s %s %s %s\n", name.c_str(), value(adieu).c_str(), value(openssl).c_str(),
               value(ratio(adieu, openssl)).c_str());
}

}  // namespace

void print_table(const std::vector<Section>& sections, std::FILE* out) {
  for (const Section& section : sections) {
    std::fprintf(out, "\n%s\n", section.title.c_str());
    std::fprintf(out, "  %-54s %-7s %10s %10s %10s %8s %8s\n", "", "unit", "adieu", "openssl",
                 "ratio", "adieu", "openssl");
    std::fprintf(out, "  %-54s %-7s %10s %10s %10s %8s %8s\n", "", "", "", "", "a/o", "of limit",
                 "of limit");
    for (const Row& row : section.rows) {
      if (row.shared) {
        std::fprintf(out, "  %-54s %-7s %21s\n", row.label.c_str(), row.unit.c_str(),
                     number(row.adieu).c_str());
        continue;
      }
      std::fprintf(out, "  %-54s %-7s %10s %10s %10s %8s %8s\n", row.label.c_str(),
                   row.unit.c_str(), number(row.adieu).c_str(), number(row.openssl).c_str(),
                   times(ratio(row.adieu, row.openssl)).c_str(),
                   percent(fraction_of_limit(row, row.adieu)).c_str(),
                   percent(fraction_of_limit(row, row.openssl)).c_str());
    }
    for (const std::string& note : section.notes) std::fprintf(out, "  * %s\n", note.c_str());
  }
}

void print_lines(const std::vector<Section>& sections, std::FILE* out) {
  std::fprintf(out, "# name adieu openssl ratio(adieu/openssl)\n");
  for (const Section& section : sections) {
    for (const Row& row : section.rows) {
      line(out, row.name, row.adieu, row.openssl);
      if (row.limit && !row.shared) {
        line(out, row.name + "_of_limit", fraction_of_limit(row, row.adieu),
             fraction_of_limit(row, row.openssl));
      }
    }
  }
}

}  // namespace adieu::bench
