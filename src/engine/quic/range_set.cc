#include "engine/quic/range_set.h"

#include <algorithm>
#include <iterator>

namespace adieu::quic {

std::uint64_t RangeSet::insert(std::uint64_t start, std::uint64_t end) {
  if (start >= end) return 0;
  std::uint64_t added = end - start;
  // The first interval that could touch [start, end): the one before the
  // first interval starting after `start`, if it reaches `start`.
  auto it = ranges_.upper_bound(start);
  if (it != ranges_.begin()) {
    auto prev = std::prev(it);
    if (prev->second >= start) it = prev;
  }
  while (it != ranges_.end() && it->first <= end) {
    // Overlap of [it->first, it->second) with [start, end) was already counted.
    std::uint64_t lo = std::max(start, it->first);
    std::uint64_t hi = std::min(end, it->second);
    if (hi > lo) added -= hi - lo;
    start = std::min(start, it->first);
    end = std::max(end, it->second);
    it = ranges_.erase(it);
  }
  ranges_.emplace(start, end);
  return added;
}

void RangeSet::erase(std::uint64_t start, std::uint64_t end) {
  if (start >= end) return;
  auto it = ranges_.upper_bound(start);
  if (it != ranges_.begin()) {
    auto prev = std::prev(it);
    if (prev->second > start) it = prev;
  }
  while (it != ranges_.end() && it->first < end) {
    std::uint64_t lo = it->first;
    std::uint64_t hi = it->second;
    it = ranges_.erase(it);
    if (lo < start) ranges_.emplace(lo, start);
    if (hi > end) {
      ranges_.emplace(end, hi);
      break;
    }
  }
}

void RangeSet::erase_below(std::uint64_t value) {
  if (value == 0) return;
  erase(0, value);
}

bool RangeSet::contains(std::uint64_t value) const {
  return contiguous_end(value) > value;
}

bool RangeSet::contains_all(std::uint64_t start, std::uint64_t end) const {
  return start >= end || contiguous_end(start) >= end;
}

bool RangeSet::intersects(std::uint64_t start, std::uint64_t end) const {
  if (start >= end) return false;
  auto it = ranges_.lower_bound(start);
  if (it != ranges_.end() && it->first < end) return true;
  if (it == ranges_.begin()) return false;
  return std::prev(it)->second > start;
}

std::uint64_t RangeSet::contiguous_end(std::uint64_t value) const {
  auto it = ranges_.upper_bound(value);
  if (it == ranges_.begin()) return value;
  --it;
  return it->second > value ? it->second : value;
}

std::optional<std::uint64_t> RangeSet::smallest() const {
  if (ranges_.empty()) return std::nullopt;
  return ranges_.begin()->first;
}

std::optional<std::uint64_t> RangeSet::largest() const {
  if (ranges_.empty()) return std::nullopt;
  return ranges_.rbegin()->second - 1;
}

}  // namespace adieu::quic
