#include "engine/quic/range_set.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace adieu::quic {
namespace {

using Intervals = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

Intervals intervals(const RangeSet& set) {
  return Intervals(set.begin(), set.end());
}

TEST(RangeSet, InsertMergesOverlappingAndTouching) {
  RangeSet s;
  EXPECT_EQ(s.insert(10, 20), 10u);
  EXPECT_EQ(s.insert(30, 40), 10u);
  EXPECT_EQ(s.insert(20, 25), 5u);  // touches [10, 20)
  EXPECT_EQ(intervals(s), (Intervals{{10, 25}, {30, 40}}));
  EXPECT_EQ(s.insert(5, 35), 10u);  // covers [5,10) and [25,30) anew
  EXPECT_EQ(intervals(s), (Intervals{{5, 40}}));
  EXPECT_EQ(s.insert(7, 9), 0u);
  EXPECT_EQ(s.insert(3, 3), 0u);
  EXPECT_EQ(s.smallest(), 5u);
  EXPECT_EQ(s.largest(), 39u);
}

TEST(RangeSet, EraseSplits) {
  RangeSet s;
  s.insert(0, 100);
  s.erase(10, 20);
  s.erase(50, 60);
  EXPECT_EQ(intervals(s), (Intervals{{0, 10}, {20, 50}, {60, 100}}));
  s.erase(5, 65);
  EXPECT_EQ(intervals(s), (Intervals{{0, 5}, {65, 100}}));
  s.erase_below(70);
  EXPECT_EQ(intervals(s), (Intervals{{70, 100}}));
  s.erase(0, 1000);
  EXPECT_TRUE(s.empty());
}

TEST(RangeSet, Queries) {
  RangeSet s;
  s.insert(10, 20);
  s.insert(30, 40);
  EXPECT_FALSE(s.contains(9));
  EXPECT_TRUE(s.contains(10));
  EXPECT_TRUE(s.contains(19));
  EXPECT_FALSE(s.contains(20));
  EXPECT_TRUE(s.contains_all(12, 20));
  EXPECT_FALSE(s.contains_all(12, 21));
  EXPECT_TRUE(s.contains_all(25, 25));
  EXPECT_TRUE(s.intersects(19, 31));
  EXPECT_FALSE(s.intersects(20, 30));
  EXPECT_TRUE(s.intersects(35, 36));
  EXPECT_EQ(s.contiguous_end(15), 20u);
  EXPECT_EQ(s.contiguous_end(25), 25u);
  EXPECT_EQ(s.interval_count(), 2u);
}

}  // namespace
}  // namespace adieu::quic
