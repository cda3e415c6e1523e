// Bounded reader over a byte span: every read is checked against the end, and
// a failed read leaves the reader in a sticky failed state (BoringSSL's CBS,
// rustls' Reader). Parsers read everything they need and then check ok().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace adieu::wire {

using Bytes = std::span<const uint8_t>;

class Reader {
 public:
  Reader() = default;
  explicit Reader(Bytes data) : data_(data) {}

  // True while no read has run past the end.
  bool ok() const { return ok_; }
  // True when every byte was consumed and no read failed.
  bool done() const { return ok_ && pos_ == data_.size(); }
  size_t remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  // Bytes not yet consumed (empty after a failure).
  Bytes rest() const { return ok_ ? data_.subspan(pos_) : Bytes{}; }
  size_t position() const { return pos_; }

  // Fixed-width big-endian integers; return 0 and fail when too short.
  uint8_t u8();
  uint16_t u16();
  uint32_t u24();
  uint32_t u32();
  uint64_t u64();
  // A QUIC variable-length integer (RFC 9000 section 16): the two high bits
  // of the first byte give its length (1, 2, 4 or 8 bytes). Any encoding is
  // accepted, minimal or not; the value is at most 2^62-1 (kMaxVarint).
  uint64_t varint();

  // `n` raw bytes (empty span and failure when too short).
  Bytes bytes(size_t n);
  // A vector with a 1/2/3-byte length prefix: returns its body.
  Bytes vec8() { return bytes(u8()); }
  Bytes vec16() { return bytes(u16()); }
  Bytes vec24() { return bytes(u24()); }
  // A sub-reader over a length-prefixed vector.
  Reader sub8() { return Reader(vec8(), ok_); }
  Reader sub16() { return Reader(vec16(), ok_); }
  Reader sub24() { return Reader(vec24(), ok_); }
  // Marks the reader as failed (e.g. a value is out of range).
  void fail() { ok_ = false; }

 private:
  Reader(Bytes data, bool ok) : data_(data), ok_(ok) {}
  Bytes data_{};
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace adieu::wire
