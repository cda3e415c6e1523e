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

namespace adieu::crypto {
namespace {

TEST(BatchedRandom, HandsOutTheSourceBytesInOrder) {
  std::vector<uint8_t> pool(2 * BatchedRandom::kBatch);
  for (size_t i = 0; i < pool.size(); ++i) pool[i] = static_cast<uint8_t>(i * 7);
  FixedRandom source(pool);
  BatchedRandom batched(source);
  std::vector<uint8_t> got;
  for (size_t n : {32u, 32u, 4u, 100u, 30u}) {  // the last one crosses a batch
    std::vector<uint8_t> part(n);
    ASSERT_TRUE(batched.fill(part));
    got.insert(got.end(), part.begin(), part.end());
  }
  // The first batch is used up to where the next draw did not fit.
  std::vector<uint8_t> expected(pool.begin(), pool.begin() + 168);
  expected.insert(expected.end(), pool.begin() + BatchedRandom::kBatch,
                  pool.begin() + BatchedRandom::kBatch + 30);
  EXPECT_EQ(got, expected);
}

// release() drops what is left of the batch: the next fill draws a new one.
TEST(BatchedRandom, ReleaseStartsANewBatch) {
  std::vector<uint8_t> pool(2 * BatchedRandom::kBatch);
  for (size_t i = 0; i < pool.size(); ++i) pool[i] = static_cast<uint8_t>(i * 3);
  FixedRandom source(pool);
  BatchedRandom batched(source);
  batched.release();  // before any fill: nothing to drop
  std::vector<uint8_t> first(10);
  ASSERT_TRUE(batched.fill(first));
  batched.release();
  std::vector<uint8_t> second(10);
  ASSERT_TRUE(batched.fill(second));
  EXPECT_EQ(first, std::vector<uint8_t>(pool.begin(), pool.begin() + 10));
  EXPECT_EQ(second, std::vector<uint8_t>(pool.begin() + BatchedRandom::kBatch,
                                         pool.begin() + BatchedRandom::kBatch + 10));
  batched.release();
  std::vector<uint8_t> none(10);
  EXPECT_FALSE(batched.fill(none));  // the pool is used up: the release really dropped it
}

TEST(BatchedRandom, FailsWhenTheSourceFails) {
  FixedRandom source(std::vector<uint8_t>(10));
  BatchedRandom batched(source);
  uint8_t out[4];
  EXPECT_FALSE(batched.fill(out));
}

}  // namespace
}  // namespace adieu::crypto
