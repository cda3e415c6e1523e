// RangeSet: a set of uint64_t values kept as disjoint, non-adjacent half-open
// intervals [start, end). It is the bookkeeping under received packet numbers
// (ACK ranges), acknowledged and lost stream bytes, and acknowledged packet
// numbers during loss detection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace adieu::quic {

class RangeSet {
 public:
  using Map = std::map<std::uint64_t, std::uint64_t>;  // start -> end (exclusive)

  // Adds [start, end); merges with touching or overlapping intervals.
  // Returns how many values were not in the set before.
  std::uint64_t insert(std::uint64_t start, std::uint64_t end);
  // Removes [start, end) from the set.
  void erase(std::uint64_t start, std::uint64_t end);
  // Removes every value below `value`.
  void erase_below(std::uint64_t value);
  void clear() { ranges_.clear(); }

  bool contains(std::uint64_t value) const;
  // True if every value of [start, end) is in the set (an empty interval is).
  bool contains_all(std::uint64_t start, std::uint64_t end) const;
  // True if some value of [start, end) is in the set.
  bool intersects(std::uint64_t start, std::uint64_t end) const;
  // The end of the interval that contains `value`, or `value` itself when the
  // set does not contain it: how far the set runs contiguously from `value`.
  std::uint64_t contiguous_end(std::uint64_t value) const;

  bool empty() const { return ranges_.empty(); }
  // Number of intervals (not of values).
  std::size_t interval_count() const { return ranges_.size(); }
  std::optional<std::uint64_t> smallest() const;
  std::optional<std::uint64_t> largest() const;

  // Intervals in increasing order.
  Map::const_iterator begin() const { return ranges_.begin(); }
  Map::const_iterator end() const { return ranges_.end(); }
  Map::const_reverse_iterator rbegin() const { return ranges_.rbegin(); }
  Map::const_reverse_iterator rend() const { return ranges_.rend(); }

 private:
  Map ranges_;
};

}  // namespace adieu::quic
