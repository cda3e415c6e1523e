// Growable byte writer with length prefixes filled in afterwards (BoringSSL's
// CBB): open_vec16() reserves the prefix, close_vec() writes the body length
// and fails the writer if it does not fit the prefix.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace adieu::wire {

// The largest QUIC variable-length integer, 2^62-1 (RFC 9000 section 16).
constexpr uint64_t kMaxVarint = (uint64_t{1} << 62) - 1;
// Bytes of the shortest encoding of `v` (1, 2, 4 or 8); 0 past kMaxVarint.
constexpr size_t varint_size(uint64_t v) {
  return v < (1u << 6)             ? 1
         : v < (1u << 14)          ? 2
         : v < (uint64_t{1} << 30) ? 4
         : v <= kMaxVarint         ? 8
                                   : 0;
}

class Writer {
 public:
  Writer() = default;
  // Appends to `out` (which is not cleared). Reserves room for a typical
  // handshake message up front, so that building one costs one allocation
  // rather than one per doubling.
  explicit Writer(std::vector<uint8_t>& out) : out_(&out) {
    if (out.capacity() < kInitialCapacity) out.reserve(kInitialCapacity);
  }

  bool ok() const { return ok_; }
  // Marks the writer as failed (e.g. a value it was given is out of range).
  void fail() { ok_ = false; }
  std::vector<uint8_t>& buffer() { return *out_; }
  size_t size() const { return out_->size(); }

  void u8(uint8_t v) { out_->push_back(v); }
  void u16(uint16_t v);
  void u24(uint32_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  // A QUIC variable-length integer in its shortest encoding (RFC 9000
  // section 16); fails the writer past kMaxVarint.
  void varint(uint64_t v) { varint(v, varint_size(v)); }
  // The same in exactly `size` bytes (1, 2, 4 or 8), e.g. a Length field
  // reserved before its value is known; fails the writer if `v` does not fit.
  void varint(uint64_t v, size_t size);
  void bytes(std::span<const uint8_t> b) { out_->insert(out_->end(), b.begin(), b.end()); }
  // Length-prefixed vectors in one call.
  void vec8(std::span<const uint8_t> b);
  void vec16(std::span<const uint8_t> b);
  void vec24(std::span<const uint8_t> b);

  // Opens a vector whose `prefix_bytes`-wide length is written by close_vec().
  // Returns a handle for close_vec(); vectors must be closed innermost first.
  // At most kMaxDepth vectors may be open at once (deeper fails the writer).
  size_t open_vec(int prefix_bytes);
  size_t open_vec8() { return open_vec(1); }
  size_t open_vec16() { return open_vec(2); }
  size_t open_vec24() { return open_vec(3); }
  void close_vec(size_t handle);

  static constexpr size_t kInitialCapacity = 512;
  // TLS nests length prefixes at most five deep (handshake message,
  // extensions, extension, list, entry).
  static constexpr size_t kMaxDepth = 8;

 private:
  struct OpenVec {
    size_t at;  // where the prefix starts
    int width;  // prefix bytes
  };
  std::vector<uint8_t> own_;
  std::vector<uint8_t>* out_ = &own_;
  std::array<OpenVec, kMaxDepth> open_{};  // in open order, for close_vec
  size_t depth_ = 0;
  bool ok_ = true;
};

}  // namespace adieu::wire
