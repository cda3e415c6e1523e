#include "engine/record/record_buffer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <new>
#include <utility>

namespace adieu::record {

namespace {

struct Block {
  uint8_t* bytes = nullptr;
  size_t capacity = 0;
};

// This thread's spare blocks. Trivially destructible, so a buffer released
// during the thread's (or the program's) end never meets a destroyed pool:
// PoolReaper frees the blocks and closes the pool instead.
struct BlockPool {
  std::array<Block, RecordBuffer::kPoolSlots> slots;
  size_t count;
  bool closed;
};
thread_local BlockPool pool{};

struct PoolReaper {
  bool armed = false;
  ~PoolReaper() {
    for (size_t i = 0; i < pool.count; ++i) ::operator delete(pool.slots[i].bytes);
    pool.count = 0;
    pool.closed = true;
  }
};
thread_local PoolReaper reaper;

// A spare block of at least `capacity` bytes, if the pool has one.
Block take_block(size_t capacity) {
  for (size_t i = 0; i < pool.count; ++i) {
    if (pool.slots[i].capacity >= capacity) {
      Block block = pool.slots[i];
      pool.slots[i] = pool.slots[--pool.count];
      return block;
    }
  }
  return {};
}

// Keeps `block` for later or frees it.
void give_block(Block block) {
  if (pool.closed || block.capacity > RecordBuffer::kMaxPooledBlock) {
    ::operator delete(block.bytes);
    return;
  }
  reaper.armed = true;  // this thread's reaper now exists: the pool is freed at its end
  if (pool.count < pool.slots.size()) {
    pool.slots[pool.count++] = block;
    return;
  }
  // Full: keep the larger block, which serves more requests.
  Block* smallest =
      std::min_element(pool.slots.begin(), pool.slots.end(),
                       [](const Block& a, const Block& b) { return a.capacity < b.capacity; });
  if (smallest->capacity < block.capacity) std::swap(*smallest, block);
  ::operator delete(block.bytes);
}

}  // namespace

void RecordBuffer::reserve_more(size_t n) {
  if (capacity_ - size_ >= n) return;
  const size_t needed = size_ + n;
  Block block = take_block(needed);
  if (block.bytes == nullptr) {
    block.capacity = std::max({needed, 2 * capacity_, kBlockSize});
    block.bytes = static_cast<uint8_t*>(::operator new(block.capacity));
  }
  if (size_ > 0) std::memcpy(block.bytes, bytes_, size_);
  const size_t size = size_;
  release();
  bytes_ = block.bytes;
  capacity_ = block.capacity;
  size_ = size;
}

uint8_t* RecordBuffer::extend(size_t n) {
  reserve_more(n);
  uint8_t* at = bytes_ + size_;
  size_ += n;
  return at;
}

void RecordBuffer::append(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return;
  std::memcpy(extend(bytes.size()), bytes.data(), bytes.size());
}

void RecordBuffer::release() {
  if (bytes_ != nullptr) give_block({bytes_, capacity_});
  bytes_ = nullptr;
  size_ = 0;
  capacity_ = 0;
}

}  // namespace adieu::record
