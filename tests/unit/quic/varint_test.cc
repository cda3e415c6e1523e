// QUIC variable-length integers on wire::Reader / wire::Writer (RFC 9000
// section 16 and Appendix A.1).
#include <gtest/gtest.h>

#include <vector>

#include "../crypto/hex.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::wire {
namespace {

using test::from_hex;
using test::to_hex;

uint64_t read_one(const std::vector<uint8_t>& bytes, bool& done) {
  Reader r(bytes);
  const uint64_t v = r.varint();
  done = r.done();
  return v;
}

TEST(Varint, DecodesTheRfcExamples) {
  // RFC 9000 Appendix A.1.
  struct Case {
    const char* hex;
    uint64_t value;
  } cases[] = {{"c2197c5eff14e88c", 151288809941952652u},
               {"9d7f3e7d", 494878333u},
               {"7bbd", 15293u},
               {"25", 37u},
               {"4025", 37u}};
  for (const Case& c : cases) {
    bool done = false;
    EXPECT_EQ(read_one(from_hex(c.hex), done), c.value) << c.hex;
    EXPECT_TRUE(done) << c.hex;
  }
}

TEST(Varint, WritesTheShortestEncoding) {
  struct Case {
    uint64_t value;
    const char* hex;
  } cases[] = {{151288809941952652u, "c2197c5eff14e88c"},
               {494878333u, "9d7f3e7d"},
               {15293u, "7bbd"},
               {37u, "25"},
               {0, "00"},
               {63, "3f"},
               {64, "4040"},
               {16383, "7fff"},
               {16384, "80004000"},
               {(uint64_t{1} << 30) - 1, "bfffffff"},
               {uint64_t{1} << 30, "c000000040000000"},
               {kMaxVarint, "ffffffffffffffff"}};
  for (const Case& c : cases) {
    std::vector<uint8_t> out;
    Writer w(out);
    w.varint(c.value);
    EXPECT_TRUE(w.ok());
    EXPECT_EQ(to_hex(out), c.hex) << c.value;
    EXPECT_EQ(out.size(), varint_size(c.value));
  }
}

TEST(Varint, WritesAFixedSizeWhenAsked) {
  std::vector<uint8_t> out;
  Writer w(out);
  w.varint(37, 2);
  w.varint(37, 8);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(to_hex(out), "4025c000000000000025");
}

TEST(Varint, RefusesValuesThatDoNotFit) {
  std::vector<uint8_t> out;
  Writer too_big(out);
  too_big.varint(kMaxVarint + 1);
  EXPECT_FALSE(too_big.ok());
  Writer too_small(out);
  too_small.varint(64, 1);
  EXPECT_FALSE(too_small.ok());
  Writer bad_size(out);
  bad_size.varint(1, 3);
  EXPECT_FALSE(bad_size.ok());
  EXPECT_EQ(varint_size(kMaxVarint + 1), 0u);
}

TEST(Varint, TruncatedInputFailsTheReader) {
  const std::vector<uint8_t> full = from_hex("c2197c5eff14e88c");
  for (size_t n = 0; n < full.size(); ++n) {
    Reader r(std::span<const uint8_t>(full).first(n));
    EXPECT_EQ(r.varint(), 0u) << n;
    EXPECT_FALSE(r.ok()) << n;
  }
}

TEST(Varint, RoundTripsAtEveryLengthBoundary) {
  for (uint64_t v : {uint64_t{0}, uint64_t{63}, uint64_t{64}, uint64_t{16383}, uint64_t{16384},
                     (uint64_t{1} << 30) - 1, uint64_t{1} << 30, kMaxVarint}) {
    std::vector<uint8_t> out;
    Writer w(out);
    w.varint(v);
    Reader r(out);
    EXPECT_EQ(r.varint(), v);
    EXPECT_TRUE(r.done());
  }
}

}  // namespace
}  // namespace adieu::wire
