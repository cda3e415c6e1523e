#include "wire/reader.h"

namespace adieu::wire {

Bytes Reader::bytes(size_t n) {
  if (!ok_ || n > data_.size() - pos_) {
    ok_ = false;
    return {};
  }
  Bytes out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

uint8_t Reader::u8() {
  Bytes b = bytes(1);
  return b.empty() ? 0 : b[0];
}

uint16_t Reader::u16() {
  Bytes b = bytes(2);
  return b.empty() ? 0 : static_cast<uint16_t>((b[0] << 8) | b[1]);
}

uint32_t Reader::u24() {
  Bytes b = bytes(3);
  return b.empty() ? 0 : (uint32_t{b[0]} << 16) | (uint32_t{b[1]} << 8) | b[2];
}

uint32_t Reader::u32() {
  Bytes b = bytes(4);
  return b.empty() ? 0
                   : (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

uint64_t Reader::u64() {
  uint64_t hi = u32();
  return (hi << 32) | u32();
}

uint64_t Reader::varint() {
  if (!ok_ || pos_ == data_.size()) {
    ok_ = false;
    return 0;
  }
  const size_t length = size_t{1} << (data_[pos_] >> 6);
  Bytes b = bytes(length);
  if (b.empty()) return 0;
  uint64_t v = b[0] & 0x3f;
  for (size_t i = 1; i < length; ++i) v = (v << 8) | b[i];
  return v;
}

}  // namespace adieu::wire
