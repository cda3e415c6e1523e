// fuzz-link: adieu_quic
// The QUIC stream receive buffer fed arbitrary STREAM frames, RESET_STREAM
// frames and reads, checked against a byte-by-byte model:
//   - on_stream_frame / on_reset return exactly the final-size verdict of
//     RFC 9000 §4.5 computed by the model;
//   - every byte read is the first copy the buffer was given for that offset,
//     bytes come out in order and readable() is the model's contiguous run;
//   - once every byte up to the FIN arrived (and no reset took the stream),
//     reading drains exactly final-size bytes and ends in Data Read.
//
// Input: a sequence of operations, each an opcode byte and its operands.
//   op & 3 == 0 or 1: STREAM frame: u16 offset, u16 length (& 0x0fff); bit 2
//                     FIN; bit 3 set: payload is the reference bytes XOR
//                     (op | 1) (a copy that disagrees with earlier ones).
//   op & 3 == 2:      read: u8 count * 8 bytes.
//   op & 3 == 3:      bit 2 set: RESET_STREAM with u16 final size; else drain.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "engine/quic/stream_receive_buffer.h"

namespace {

using adieu::quic::RecvState;
using adieu::quic::StreamReceiveBuffer;
using adieu::quic::TransportError;

constexpr std::size_t kSpace = 65536 + 4096;  // largest offset + length

std::uint8_t reference(std::uint64_t i) {
  return static_cast<std::uint8_t>(i * 31 + (i >> 7));
}

void check(bool ok) {
  if (!ok) std::abort();
}

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  std::uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::uint16_t u16() {
    std::uint16_t hi = u8();
    return static_cast<std::uint16_t>(hi << 8 | u8());
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

struct Model {
  std::vector<std::int16_t> bytes = std::vector<std::int16_t>(kSpace, -1);  // -1: not received
  std::optional<std::uint64_t> final_size;
  std::uint64_t highest = 0;
  std::uint64_t read_offset = 0;
  bool reset = false;

  TransportError verdict(std::uint64_t end, bool fin) const {
    if (final_size) {
      if (end > *final_size || (fin && end != *final_size)) return TransportError::final_size_error;
    } else if (fin && end < highest) {
      return TransportError::final_size_error;
    }
    return TransportError::no_error;
  }
  // Bytes only ever become known, so the contiguous run only grows.
  std::uint64_t contiguous_end() {
    while (contiguous < kSpace && bytes[contiguous] >= 0) ++contiguous;
    return contiguous;
  }
  std::uint64_t contiguous = 0;
  bool all_received() { return final_size && contiguous_end() >= *final_size; }
};

void drain(StreamReceiveBuffer& buffer, Model& model, std::size_t want) {
  std::vector<std::uint8_t> out(want);
  const std::uint64_t expected =
      model.reset ? 0 : std::min<std::uint64_t>(want, model.contiguous_end() - model.read_offset);
  const std::size_t n = buffer.read(out);
  check(n == expected);
  for (std::size_t i = 0; i < n; ++i) {
    check(out[i] == static_cast<std::uint8_t>(model.bytes[model.read_offset + i]));
  }
  model.read_offset += n;
  check(buffer.read_offset() == model.read_offset);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  StreamReceiveBuffer buffer;
  Model model;
  std::vector<std::uint8_t> payload;
  int operations = 0;
  while (!in.empty() && ++operations < 2000) {
    const std::uint8_t op = in.u8();
    switch (op & 3) {
      case 0:
      case 1: {
        const std::uint64_t offset = in.u16();
        const std::uint64_t length = in.u16() & 0x0fff;
        const bool fin = op & 4;
        const bool disagree = op & 8;
        payload.resize(length);
        for (std::uint64_t i = 0; i < length; ++i) {
          payload[i] = reference(offset + i) ^ (disagree ? (op | 1) : 0);
        }
        const TransportError expected = model.verdict(offset + length, fin);
        const bool took_data = !model.reset && !model.all_received();
        check(buffer.on_stream_frame(offset, payload, fin) == expected);
        if (expected != TransportError::no_error) break;
        model.highest = std::max(model.highest, offset + length);
        if (fin) model.final_size = offset + length;
        if (took_data) {
          for (std::uint64_t i = 0; i < length; ++i) {
            if (offset + i >= model.read_offset && model.bytes[offset + i] < 0) {
              model.bytes[offset + i] = payload[i];
            }
          }
        }
        break;
      }
      case 2:
        drain(buffer, model, std::size_t{in.u8()} * 8);
        break;
      case 3:
        if (op & 4) {
          const std::uint64_t final_size = in.u16();
          const TransportError expected = model.verdict(final_size, true);
          const bool resets = !model.reset && !model.all_received();
          check(buffer.on_reset(final_size, op) == expected);
          if (expected != TransportError::no_error) break;
          model.highest = std::max(model.highest, final_size);
          model.final_size = final_size;
          if (resets) model.reset = true;
        } else {
          drain(buffer, model, kSpace);
        }
        break;
    }
    check(buffer.highest_received() == model.highest);
    check(buffer.final_size() == model.final_size);
    check(buffer.readable() == (model.reset ? 0 : model.contiguous_end() - model.read_offset));
    check((buffer.state() == RecvState::reset_recvd) == model.reset);
  }
  if (!model.reset && model.all_received()) {
    drain(buffer, model, kSpace);
    buffer.read({});
    check(model.read_offset == *model.final_size);
    check(buffer.state() == RecvState::data_read);
    check(buffer.buffered() == 0);
  }
  return 0;
}
