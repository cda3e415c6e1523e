#include "crypto/random.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace adieu::crypto {
namespace {

TEST(FixedRandom, ReturnsThePoolInOrderThenFails) {
  FixedRandom random({1, 2, 3, 4, 5});
  std::array<uint8_t, 2> a{};
  std::array<uint8_t, 2> b{};
  ASSERT_TRUE(random.fill(a));
  ASSERT_TRUE(random.fill(b));
  EXPECT_EQ(a, (std::array<uint8_t, 2>{1, 2}));
  EXPECT_EQ(b, (std::array<uint8_t, 2>{3, 4}));
  std::array<uint8_t, 2> c{9, 9};
  EXPECT_FALSE(random.fill(c));  // one byte left: not enough
  std::array<uint8_t, 1> d{};
  ASSERT_TRUE(random.fill(d));  // the failed request consumed nothing
  EXPECT_EQ(d[0], 5);
  EXPECT_FALSE(random.fill(d));
  EXPECT_TRUE(random.fill(std::span<uint8_t>()));
}

TEST(SystemRandom, FillsWithFreshBytes) {
  std::array<uint8_t, 32> a{};
  std::array<uint8_t, 32> b{};
  ASSERT_TRUE(system_random().fill(a));
  ASSERT_TRUE(system_random().fill(b));
  EXPECT_NE(a, b);
  EXPECT_NE(a, (std::array<uint8_t, 32>{}));
  EXPECT_EQ(&system_random(), &system_random());
}

}  // namespace
}  // namespace adieu::crypto
