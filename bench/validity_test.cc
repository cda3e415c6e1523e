// The bench refuses figures that cannot be true (validity.h): these cases are
// the ones it once printed, a clamped copy time shown as 1,024,000,000 MB/s,
// and times of zero or below.
#include "validity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "data_file.h"
#include "machine.h"
#include "report.h"

namespace adieu::bench {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
const MachineLimits kMachine{200000};  // MB/s

TEST(Refusal, ZeroOrNegativeTimeIsRefusedWithAReason) {
  for (double ns : {0.0, -1.0, -250.0}) {
    auto reason = refusal(Kind::duration, ns, kMachine);
    ASSERT_TRUE(reason) << ns;
    EXPECT_NE(reason->find("time"), std::string::npos) << *reason;
  }
}

TEST(Refusal, RatesFromZeroOrNegativeTimesAreRefused) {
  for (Kind kind : {Kind::event_rate, Kind::byte_rate}) {
    EXPECT_TRUE(refusal(kind, 0.0, kMachine));
    EXPECT_TRUE(refusal(kind, -12.5, kMachine));
    auto reason = refusal(kind, kInfinity, kMachine);
    ASSERT_TRUE(reason);
    EXPECT_NE(reason->find("zero"), std::string::npos) << *reason;
  }
}

TEST(Refusal, NotANumberIsRefused) {
  for (Kind kind : {Kind::duration, Kind::event_rate, Kind::byte_rate, Kind::amount}) {
    EXPECT_TRUE(refusal(kind, std::nan(""), kMachine));
  }
}

TEST(Refusal, ByteRateBeyondTheCachesIsRefused) {
  // 1 KiB per 1e-3 ns: what the clamp of the old copy figure printed.
  auto reason = refusal(Kind::byte_rate, 1024 * 1e3 / 1e-3, kMachine);
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("caches"), std::string::npos) << *reason;
  EXPECT_TRUE(refusal(Kind::byte_rate, 200001, kMachine));
  EXPECT_FALSE(refusal(Kind::byte_rate, 200000, kMachine));
}

TEST(Refusal, PossibleValuesPass) {
  EXPECT_FALSE(refusal(Kind::duration, 0.001, kMachine));
  EXPECT_FALSE(refusal(Kind::event_rate, 1e6, kMachine));
  EXPECT_FALSE(refusal(Kind::byte_rate, 4500, kMachine));
  EXPECT_FALSE(refusal(Kind::amount, 0, kMachine));
  EXPECT_FALSE(refusal(Kind::amount, 54971, kMachine));
  EXPECT_TRUE(refusal(Kind::amount, -1, kMachine));
}

TEST(Refusal, OneImpossibleRoundRefusesTheFigureAndIsNamed) {
  auto reason = refusal(Kind::duration, std::vector<double>{5.1, 0, 4.9}, kMachine);
  ASSERT_TRUE(reason);
  EXPECT_EQ(reason->rfind("round 2 of 3: ", 0), 0u) << *reason;
  EXPECT_FALSE(refusal(Kind::duration, std::vector<double>{5.1, 5.0, 4.9}, kMachine));
  EXPECT_FALSE(refusal(Kind::duration, std::vector<double>{}, kMachine));
}

TEST(LimitRefusal, BeatingTheLimitInEveryRoundIsRefused) {
  // Rates, round i against round i: a figure can reach its limit, not pass it
  // in every round by more than the noise of the two loops.
  EXPECT_TRUE(limit_refusal({115, 120, 118}, {100, 98, 101}, true));
  EXPECT_FALSE(limit_refusal({95, 120, 118}, {100, 98, 101}, true));
  EXPECT_FALSE(limit_refusal({105, 107, 108}, {100, 98, 101}, true));
  // 1,000,000 times the limit: the kind of figure a clamp makes.
  EXPECT_TRUE(limit_refusal({1e9, 1e9}, {1000, 1000}, true));
  // A slow moment of the machine shared by both loops is not a refusal.
  EXPECT_FALSE(limit_refusal({50, 95}, {52, 100}, true));
  // Costs: the figure cannot be cheaper than libcrypto alone in every round.
  EXPECT_TRUE(limit_refusal({8, 10}, {10, 12}, false));
  EXPECT_FALSE(limit_refusal({8, 11.5}, {10, 12}, false));
}

TEST(LimitRefusal, WithoutPairedRoundsTheWorstRoundMeetsTheBest) {
  EXPECT_TRUE(limit_refusal({115, 120}, {100, 98, 101}, true));
  EXPECT_FALSE(limit_refusal({105, 120}, {100, 98, 101}, true));
}

TEST(MachineLimits, TheOldClampIsBeyondThisMachine) {
  const double copy = measure_l1_copy_MBps();
  ASSERT_GT(copy, 0);
  // More than any record layer: 16 KiB records sealed at one per microsecond.
  EXPECT_GT(copy, 16384 * 1e-3);
  EXPECT_TRUE(refusal(Kind::byte_rate, 1024 * 1e3 / 1e-3, measure_machine()));
}

// A section as the bench once printed it: the 1e-3 ns clamp as a copy rate, a
// close time of zero, a handshake rate from a negative time, a fraction of the
// limit that every round passes.
std::vector<Section> broken_sections() {
  Section section;
  section.title = "Broken";
  section.group = "broken";
  Row copy;
  copy.name = "limit_aead_copy_MBps";
  copy.label = "copy to the transport";
  copy.unit = "MB/s";
  copy.kind = Kind::byte_rate;
  copy.is_limit = true;
  copy.libcrypto.rounds = {1024 * 1e3 / 1e-3, 1024 * 1e3 / 1e-3};
  copy.libcrypto.ceiling = true;
  section.rows.push_back(copy);

  Row close;
  close.name = "close_us";
  close.label = "bidirectional close_notify";
  close.unit = "us";
  close.kind = Kind::duration;
  close.higher_is_better = false;
  close.adieu.rounds = {2.5, 0, 2.4};
  close.openssl.rounds = {5.5, 5.6, 5.4};
  section.rows.push_back(close);

  Row handshake;
  handshake.name = "hs_client_per_s";
  handshake.label = "client side";
  handshake.unit = "hs/s";
  handshake.kind = Kind::event_rate;
  handshake.adieu.rounds = {1500, 1510, 1490};
  handshake.openssl.rounds = {-900, 1200, 1210};
  handshake.limit = Figure{{1200, 1250, 1220}, true, std::nullopt};
  section.rows.push_back(handshake);
  return {section};
}

std::string captured(void (*write)(const std::vector<Section>&, std::FILE*),
                     const std::vector<Section>& sections) {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  write(sections, out);
  std::fclose(out);
  std::string result(text, size);
  std::free(text);
  return result;
}

TEST(Validate, RefusedFiguresAreNeitherPrintedNorWritten) {
  std::vector<Section> sections = broken_sections();
  // The copy rate, adieu's close, OpenSSL's handshakes and adieu's fraction.
  EXPECT_EQ(validate(&sections, kMachine), 4);
  const Row& handshake = sections[0].rows[2];
  EXPECT_TRUE(handshake.adieu_fraction_refused);
  EXPECT_FALSE(handshake.adieu.refused);
  EXPECT_FALSE(ratio(handshake));

  const std::string table = captured(print_table, sections);
  // The row says "refused" where its value would be; only the note names it.
  const size_t row = table.find("\n  copy to the transport ");
  ASSERT_NE(row, std::string::npos) << table;
  const std::string row_text = table.substr(row + 1, table.find('\n', row + 1) - row - 1);
  EXPECT_NE(row_text.find("refused"), std::string::npos) << row_text;
  EXPECT_EQ(row_text.find("1024000000"), std::string::npos) << row_text;
  EXPECT_NE(table.find("REFUSED: libcrypto, copy to the transport: round 1 of 2: "),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("REFUSED: adieu, bidirectional close_notify: round 2 of 3: a time of 0"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("REFUSED: openssl, client side: round 1 of 3"), std::string::npos) << table;
  EXPECT_NE(table.find("REFUSED: adieu, client side, fraction of the limit"), std::string::npos)
      << table;

  const std::string tsv = captured(
      [](const std::vector<Section>& s, std::FILE* out) { write_tsv(s, {"test"}, out); }, sections);
  EXPECT_EQ(tsv.find("1.024e+09"), std::string::npos) << tsv;
  EXPECT_NE(tsv.find("libcrypto\tnan\tnan\tnan\t2\t\trefused: round 1 of 2: "), std::string::npos)
      << tsv;
  EXPECT_NE(tsv.find("ratio\tnan\tnan\tnan\t3\t\trefused: "), std::string::npos) << tsv;
}

TEST(Validate, TrueFiguresPass) {
  std::vector<Section> sections = broken_sections();
  sections[0].rows.erase(sections[0].rows.begin());
  sections[0].rows[0].adieu.rounds = {2.5, 2.6, 2.4};
  sections[0].rows[1].openssl.rounds = {900, 1200, 1210};
  sections[0].rows[1].adieu.rounds = {1300, 1510, 1490};
  sections[0].rows[1].limit->rounds = {1400, 1450, 1420};
  EXPECT_EQ(validate(&sections, kMachine), 0);
  // Round by round: 1300/900, 1510/1200, 1490/1210.
  ASSERT_TRUE(ratio(sections[0].rows[1]));
  EXPECT_DOUBLE_EQ(*ratio(sections[0].rows[1]), 1510.0 / 1200.0);
  auto range = ratio_range(sections[0].rows[1]);
  ASSERT_TRUE(range);
  EXPECT_DOUBLE_EQ(range->first, 1490.0 / 1210.0);
  EXPECT_DOUBLE_EQ(range->second, 1300.0 / 900.0);
  // Against the limit measured beside each round: 1300/1400, 1510/1450, 1490/1420.
  auto fraction = fraction_of_limit(sections[0].rows[1], sections[0].rows[1].adieu, std::nullopt);
  ASSERT_TRUE(fraction);
  EXPECT_DOUBLE_EQ(*fraction, 1510.0 / 1450.0);
}

// A section that only holds the place of figures not measured (TLS 1.2
// resumption before the engine resumes TLS 1.2 sessions): its title and why,
// no table header, no figure, nothing in the --tsv output.
TEST(Validate, APlaceWithoutFiguresSaysWhyAndWritesNothing) {
  Section place;
  place.title = "TLS 1.2 resumed handshakes: not measured";
  place.group = "TLS 1.2 resumed, stateless";
  place.notes.push_back("not implemented yet");
  std::vector<Section> sections{place};
  EXPECT_EQ(validate(&sections, kMachine), 0);
  const std::string table = captured(print_table, sections);
  EXPECT_EQ(table, "\nTLS 1.2 resumed handshakes: not measured\n  * not implemented yet\n");
  const std::string tsv = captured(
      [](const std::vector<Section>& s, std::FILE* out) { write_tsv(s, {"test"}, out); }, sections);
  EXPECT_EQ(tsv.find("TLS 1.2 resumed"), std::string::npos) << tsv;
}

// A section of adieu alone (QUIC in memory: no QUIC in OpenSSL 3.0's libssl)
// has no peer column, ratio or peer line; its impossible figures are still
// refused. A section whose peer is another program (ngtcp2 over loopback)
// names it in the table, the refusal notes and the --tsv `who` column.
TEST(Validate, SectionsNameTheirPeerOrHaveNone) {
  std::vector<Section> sections = broken_sections();
  sections[0].rows.erase(sections[0].rows.begin());  // close_us, hs_client_per_s
  sections[0].rows[1].limit.reset();
  Section alone = sections[0];
  alone.peer = "";
  alone.title = "Alone";
  alone.rows[0].openssl = Figure{};
  alone.rows[1].openssl = Figure{};
  Section against = sections[0];
  against.peer = "ngtcp2";
  against.title = "Against";
  against.group = "against";
  std::vector<Section> both{alone, against};
  // adieu's close in each (round 2 is 0), ngtcp2's handshakes (round 1 < 0).
  EXPECT_EQ(validate(&both, kMachine), 3);
  const std::string table = captured(print_table, both);
  const std::string alone_text = table.substr(0, table.find("\nAgainst"));
  EXPECT_EQ(alone_text.find("openssl"), std::string::npos) << alone_text;
  EXPECT_EQ(alone_text.find("ratio"), std::string::npos) << alone_text;
  EXPECT_NE(alone_text.find("REFUSED: adieu, bidirectional close_notify: round 2 of 3"),
            std::string::npos)
      << alone_text;
  const std::string against_text = table.substr(table.find("\nAgainst"));
  EXPECT_NE(against_text.find("ngtcp2"), std::string::npos) << against_text;
  EXPECT_EQ(against_text.find("openssl"), std::string::npos) << against_text;
  EXPECT_NE(against_text.find("REFUSED: ngtcp2, client side: round 1 of 3"), std::string::npos)
      << against_text;

  const std::string tsv = captured(
      [](const std::vector<Section>& s, std::FILE* out) { write_tsv(s, {"test"}, out); }, both);
  // Alone: one adieu line per row. Against: adieu, ngtcp2 and ratio lines.
  size_t lines = 0, alone_lines = 0;
  for (size_t at = tsv.find('\n'); at != std::string::npos; at = tsv.find('\n', at + 1)) {
    const std::string line = tsv.substr(at + 1, tsv.find('\n', at + 1) - at - 1);
    if (line.empty() || line[0] == '#' || line.compare(0, 5, "group") == 0) continue;
    ++lines;
    if (line.compare(0, 7, "broken\t") == 0) {
      ++alone_lines;
      EXPECT_NE(line.find("\tadieu\t"), std::string::npos) << line;
    }
  }
  EXPECT_EQ(alone_lines, 2u) << tsv;
  EXPECT_EQ(lines, 2u + 6u) << tsv;
  EXPECT_EQ(tsv.find("\topenssl\t"), std::string::npos) << tsv;
  EXPECT_NE(tsv.find("\tngtcp2\tnan\tnan\tnan\t3\t\trefused: round 1 of 3"), std::string::npos)
      << tsv;
}

}  // namespace
}  // namespace adieu::bench
