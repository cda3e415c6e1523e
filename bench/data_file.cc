#include "data_file.h"

#include "stats.h"

namespace adieu::bench {
namespace {

std::string number(const std::optional<double>& value) {
  if (!value) return "nan";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", *value);
  return text;
}

std::string status(const Figure& figure) {
  if (figure.refused) return "refused: " + *figure.refused;
  return figure.measured() ? "ok" : "not measured";
}

struct Line {
  const char* who;
  std::optional<double> value, min, max;
  size_t rounds;
  std::optional<double> of_limit;
  std::string status;
};

void write_line(std::FILE* out, const Section& section, const Row& row, const Line& line) {
  const bool ok = line.status.compare(0, 2, "ok") == 0;
  std::fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%zu\t%s\t%s\n", section.group.c_str(),
               row.name.c_str(), row.label.c_str(), row.unit.c_str(),
               row.higher_is_better ? "higher" : "lower", line.who,
               number(ok ? line.value : std::nullopt).c_str(),
               number(ok ? line.min : std::nullopt).c_str(),
               number(ok ? line.max : std::nullopt).c_str(), line.rounds,
               row.limit && std::string(line.who) != "ratio" ? number(line.of_limit).c_str() : "",
               line.status.c_str());
}

Line figure_line(const char* who, const Row& row, const Figure& figure,
                 const std::optional<std::string>& fraction_refused) {
  Line line{who,
            shown_value(row, figure),
            smallest(figure.rounds),
            largest(figure.rounds),
            figure.rounds.size(),
            fraction_of_limit(row, figure, fraction_refused),
            status(figure)};
  // The figure stands; only its fraction of the limit is refused.
  if (line.status == "ok" && fraction_refused) {
    line.status = "ok; its fraction of the limit refused: " + *fraction_refused;
  }
  return line;
}

Line ratio_line(const Row& row) {
  Line line{"ratio", ratio(row), std::nullopt, std::nullopt, 0, std::nullopt, "ok"};
  line.rounds = std::min(row.adieu.rounds.size(), row.openssl.rounds.size());
  if (auto range = ratio_range(row)) {
    line.min = range->first;
    line.max = range->second;
  }
  if (row.adieu.refused || row.openssl.refused) {
    line.status = "refused: a figure it divides was refused";
  } else if (!line.value) {
    line.status = "not measured";
  }
  return line;
}

}  // namespace

void write_tsv(const std::vector<Section>& sections, const std::vector<std::string>& comments,
               std::FILE* out) {
  for (const std::string& comment : comments) std::fprintf(out, "# %s\n", comment.c_str());
  std::fprintf(
      out, "group\tname\tlabel\tunit\tbetter\twho\tvalue\tmin\tmax\trounds\tof_limit\tstatus\n");
  for (const Section& section : sections) {
    for (const Row& row : section.rows) {
      if (row.is_limit) {
        write_line(out, section, row, figure_line("libcrypto", row, row.libcrypto, std::nullopt));
        continue;
      }
      write_line(out, section, row,
                 figure_line("adieu", row, row.adieu, row.adieu_fraction_refused));
      if (section.peer.empty()) continue;  // adieu alone
      write_line(out, section, row,
                 figure_line(section.peer.c_str(), row, row.openssl, row.openssl_fraction_refused));
      write_line(out, section, row, ratio_line(row));
    }
  }
}

}  // namespace adieu::bench
