// fuzz-link: adieu_quic
// A CRYPTO stream (crypto_stream.h) fed arbitrary CRYPTO frames, its
// handshake messages checked against a model of the in-order bytes:
//   - every message taken is the model's next run of bytes: a 4-byte header
//     and exactly the length it announces;
//   - what stays buffered is exactly the in-order bytes not taken;
//   - data past kMaxCryptoBuffer beyond the in-order bytes is refused with
//     CRYPTO_BUFFER_EXCEEDED and changes nothing.
//
// Input: frames, each a u8 flags byte, a u8 length and that many bytes.
//   flags bit 0: send the frame twice (a retransmission);
//   flags bit 1: hold the frame back and send it after the next one;
//   flags bit 2: send it at an offset kMaxCryptoBuffer further (refused).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "engine/quic/crypto_stream.h"

namespace {

using adieu::quic::CryptoStream;
using adieu::quic::kMaxCryptoBuffer;
using adieu::quic::TransportError;

struct Frame {
  uint64_t offset;
  std::vector<uint8_t> data;
};

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CryptoStream stream;
  std::vector<uint8_t> model;  // every byte of the stream, in order
  uint64_t taken = 0;          // bytes handed out as messages
  uint64_t in_order = 0;       // bytes delivered contiguously from 0
  std::optional<Frame> held;

  auto deliver = [&](const Frame& f) {
    check(stream.on_crypto_frame(f.offset, f.data) == TransportError::no_error);
    if (f.offset <= in_order) in_order = std::max<uint64_t>(in_order, f.offset + f.data.size());
  };
  auto drain = [&]() {
    for (;;) {
      const std::span<const uint8_t> msg = stream.messages().front_message();
      if (msg.empty()) break;
      check(msg.size() >= 4);
      const size_t length = (size_t{msg[1]} << 16) | (size_t{msg[2]} << 8) | msg[3];
      check(msg.size() == 4 + length);
      check(taken + msg.size() <= model.size());
      for (size_t i = 0; i < msg.size(); ++i) check(msg[i] == model[taken + i]);
      taken += msg.size();
      stream.messages().pop_front();
    }
  };

  size_t pos = 0;
  while (pos + 2 <= size) {
    const uint8_t flags = data[pos];
    const size_t length = std::min<size_t>(data[pos + 1], size - pos - 2);
    Frame frame{model.size(), std::vector<uint8_t>(data + pos + 2, data + pos + 2 + length)};
    pos += 2 + length;
    if (flags & 4) {
      const uint8_t byte = 0;
      check(stream.on_crypto_frame(frame.offset + kMaxCryptoBuffer + 1, {&byte, 1}) ==
            TransportError::crypto_buffer_exceeded);
    }
    model.insert(model.end(), frame.data.begin(), frame.data.end());
    if (flags & 2) {
      if (held) deliver(*held);
      held = std::move(frame);
      continue;
    }
    deliver(frame);
    if (flags & 1) deliver(frame);
    if (held) {
      deliver(*held);
      held.reset();
    }
    // A held frame behind a later one: the in-order run may jump forward.
    in_order = held ? in_order : model.size();
    drain();
    check(stream.messages().buffered() == in_order - taken);
  }
  if (held) deliver(*held);
  drain();
  check(stream.messages().buffered() == model.size() - taken);
  return 0;
}
