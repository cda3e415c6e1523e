// RecordBuffer: the bytes of records in flight, in either direction.
//
// Unlike std::vector it grows without zero-filling (the record layer writes
// every byte it adds), and the storage it releases goes to a small per-thread
// pool that the next buffer takes from. So an idle connection holds no record
// buffer, and a busy one allocates none per record: a connection that writes
// a record, hands it to the transport and writes again gets the same block
// back.
//
// The pool holds at most kPoolSlots blocks of at most kMaxPooledBlock bytes
// per thread, whatever the number of connections. Released blocks are not
// wiped, exactly as freed heap memory is not: they hold ciphertext or
// plaintext the application has already read, and nothing reads a block
// beyond what was written into it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace adieu::record {

class RecordBuffer {
 public:
  // Enough for one record of the largest size (header and 2^14 + 256 bytes).
  static constexpr size_t kBlockSize = 17 * 1024;
  static constexpr size_t kPoolSlots = 4;
  static constexpr size_t kMaxPooledBlock = 128 * 1024;

  RecordBuffer() = default;
  ~RecordBuffer() { release(); }
  RecordBuffer(const RecordBuffer&) = delete;
  RecordBuffer& operator=(const RecordBuffer&) = delete;
  RecordBuffer(RecordBuffer&& other) noexcept { *this = std::move(other); }
  RecordBuffer& operator=(RecordBuffer&& other) noexcept {
    if (this != &other) {
      release();
      std::swap(bytes_, other.bytes_);
      std::swap(size_, other.size_);
      std::swap(capacity_, other.capacity_);
    }
    return *this;
  }

  uint8_t* data() { return bytes_; }
  const uint8_t* data() const { return bytes_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::span<uint8_t> span() { return {bytes_, size_}; }
  std::span<const uint8_t> span() const { return {bytes_, size_}; }

  // Makes room for `n` more bytes without changing size().
  void reserve_more(size_t n);
  // Adds `n` uninitialized bytes at the end; returns where they start.
  uint8_t* extend(size_t n);
  void append(std::span<const uint8_t> bytes);
  // Keeps the first `n` bytes (n <= size()).
  void truncate(size_t n) { size_ = n < size_ ? n : size_; }
  // Empties the buffer and gives its storage back to the pool (or the heap).
  void release();

 private:
  uint8_t* bytes_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace adieu::record
