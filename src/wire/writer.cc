#include "wire/writer.h"

namespace adieu::wire {

void Writer::u16(uint16_t v) {
  u8(static_cast<uint8_t>(v >> 8));
  u8(static_cast<uint8_t>(v));
}

void Writer::u24(uint32_t v) {
  if (v >= (1u << 24)) ok_ = false;
  u8(static_cast<uint8_t>(v >> 16));
  u16(static_cast<uint16_t>(v));
}

void Writer::u32(uint32_t v) {
  u16(static_cast<uint16_t>(v >> 16));
  u16(static_cast<uint16_t>(v));
}

void Writer::u64(uint64_t v) {
  u32(static_cast<uint32_t>(v >> 32));
  u32(static_cast<uint32_t>(v));
}

void Writer::varint(uint64_t v, size_t size) {
  const size_t needed = varint_size(v);
  if (needed == 0 || needed > size || (size != 1 && size != 2 && size != 4 && size != 8)) {
    ok_ = false;
    return;
  }
  // The length code (0-3) in the two high bits of the first byte.
  const uint8_t code = static_cast<uint8_t>(size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3);
  for (size_t i = size; i-- > 0;) {
    uint8_t byte = static_cast<uint8_t>(v >> (8 * i));
    if (i == size - 1) byte = static_cast<uint8_t>(byte | (code << 6));
    u8(byte);
  }
}

void Writer::vec8(std::span<const uint8_t> b) {
  size_t h = open_vec8();
  bytes(b);
  close_vec(h);
}

void Writer::vec16(std::span<const uint8_t> b) {
  size_t h = open_vec16();
  bytes(b);
  close_vec(h);
}

void Writer::vec24(std::span<const uint8_t> b) {
  size_t h = open_vec24();
  bytes(b);
  close_vec(h);
}

size_t Writer::open_vec(int prefix_bytes) {
  if (depth_ == kMaxDepth) {
    ok_ = false;
    return kMaxDepth;  // a handle close_vec() refuses
  }
  open_[depth_] = OpenVec{out_->size(), prefix_bytes};
  out_->insert(out_->end(), static_cast<size_t>(prefix_bytes), 0);
  return depth_++;
}

void Writer::close_vec(size_t handle) {
  if (depth_ == 0 || handle + 1 != depth_) {  // not the innermost open vector
    ok_ = false;
    return;
  }
  const OpenVec open = open_[--depth_];
  size_t len = out_->size() - open.at - static_cast<size_t>(open.width);
  if (len >> (8 * open.width) != 0) {
    ok_ = false;
    return;
  }
  for (int i = open.width - 1; i >= 0; --i) {
    (*out_)[open.at + static_cast<size_t>(i)] = static_cast<uint8_t>(len);
    len >>= 8;
  }
}

}  // namespace adieu::wire
