#include "crypto/secret.h"

#include <gtest/gtest.h>

#include <vector>

namespace adieu::crypto {
namespace {

TEST(Secret, HoldsACopyOfItsBytes) {
  std::vector<uint8_t> bytes = {1, 2, 3, 4};
  Secret s(bytes);
  bytes[0] = 9;
  ASSERT_EQ(s.size(), 4u);
  EXPECT_FALSE(s.empty());
  EXPECT_EQ(std::vector<uint8_t>(s.span().begin(), s.span().end()),
            (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(Secret, DefaultIsEmpty) {
  Secret s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.size(), 0u);
}

TEST(Secret, CopyAndAssignAreDeep) {
  const std::vector<uint8_t> bytes(48, 0xab);
  Secret a(bytes);
  Secret b(a);
  Secret c;
  c = a;
  a.mutable_span()[0] = 0;
  EXPECT_EQ(b.span()[0], 0xab);
  EXPECT_EQ(c.span()[0], 0xab);
  EXPECT_EQ(c.size(), 48u);
  const Secret& alias = c;
  c = alias;  // self-assignment keeps the value
  EXPECT_EQ(c.size(), 48u);
  EXPECT_EQ(c.span()[47], 0xab);
}

TEST(Secret, WipeClearsBytesAndSize) {
  Secret s(std::vector<uint8_t>(32, 0x5a));
  s.wipe();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.empty());
  // Growing again exposes the storage: it must be zero.
  s.resize(Secret::kCapacity);
  for (uint8_t b : s.span()) EXPECT_EQ(b, 0);
}

TEST(Secret, ShrinkingWipesTheTail) {
  Secret s(std::vector<uint8_t>(16, 0x77));
  s.resize(4);
  EXPECT_EQ(s.size(), 4u);
  s.resize(16);
  EXPECT_EQ(s.span()[3], 0x77);
  EXPECT_EQ(s.span()[4], 0);
  EXPECT_EQ(s.span()[15], 0);
}

TEST(Secret, ResizeThenFill) {
  Secret s;
  s.resize(3);
  s.mutable_span()[2] = 7;
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.span()[2], 7);
}

TEST(ConstantTimeEqual, ComparesContentAndSize) {
  const std::vector<uint8_t> a = {1, 2, 3};
  const std::vector<uint8_t> b = {1, 2, 3};
  const std::vector<uint8_t> c = {1, 2, 4};
  const std::vector<uint8_t> d = {1, 2};
  EXPECT_TRUE(constant_time_equal(a, b));
  EXPECT_FALSE(constant_time_equal(a, c));
  EXPECT_FALSE(constant_time_equal(a, d));
  EXPECT_FALSE(constant_time_equal(d, a));
  EXPECT_TRUE(constant_time_equal({}, {}));
  EXPECT_FALSE(constant_time_equal({}, a));
}

}  // namespace
}  // namespace adieu::crypto
