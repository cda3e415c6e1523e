// One direction of the in-memory transport between the two ends: the bytes
// one side has handed over and the other has not taken yet.
//
// Growing the queue is the transport's cost, not a library's: the allocation
// is attributed to the harness even when it happens inside a side's call.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "alloc_counter.h"

namespace adieu::bench {

class ByteQueue {
 public:
  void append(std::span<const uint8_t> bytes) {
    if (bytes.empty()) return;
    std::memcpy(prepare(bytes.size()).data(), bytes.data(), bytes.size());
    commit(bytes.size());
  }
  // Room for `n` more bytes at the end, for a writer that fills it in place;
  // commit() then adds the bytes it wrote.
  std::span<uint8_t> prepare(size_t n) {
    if (bytes_.size() - end_ < n) grow(n);
    return std::span<uint8_t>(bytes_.data() + end_, n);
  }
  void commit(size_t n) { end_ += std::min(n, bytes_.size() - end_); }
  // Copies out up to out.size() bytes; returns how many.
  size_t take(std::span<uint8_t> out) {
    size_t n = std::min(out.size(), end_ - begin_);
    if (n > 0) std::memcpy(out.data(), bytes_.data() + begin_, n);
    drop(n);
    return n;
  }
  std::span<const uint8_t> data() const {
    return std::span<const uint8_t>(bytes_.data() + begin_, end_ - begin_);
  }
  void drop(size_t n) {
    begin_ += std::min(n, end_ - begin_);
    if (begin_ == end_) begin_ = end_ = 0;
  }
  void clear() { begin_ = end_ = 0; }
  bool empty() const { return begin_ == end_; }
  size_t size() const { return end_ - begin_; }

 private:
  void grow(size_t needed) {
    alloc::Attribution harness(Side::harness);
    // Slide the unread bytes to the front first.
    if (begin_ > 0) {
      std::memmove(bytes_.data(), bytes_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (bytes_.size() - end_ < needed) bytes_.resize(std::max(2 * bytes_.size(), end_ + needed));
  }

  std::vector<uint8_t> bytes_;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace adieu::bench
