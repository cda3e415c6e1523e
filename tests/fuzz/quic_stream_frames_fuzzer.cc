// fuzz-link: adieu_quic
// A QUIC connection's stream layer (StreamFrames, server side) fed arbitrary
// peer frames, application calls, packets to fill and acknowledgments or
// losses of what it sent. Checked:
//   - write_frames never writes more than its budget, returns the bytes it
//     wrote, and records something exactly when it wrote something;
//   - what it writes parses back into frames of the stream layer, and no
//     STREAM frame is empty unless it carries FIN;
//   - wants_to_send() is true exactly when a large packet gets something;
//   - a peer frame refused with an error leaves a layer that goes on
//     working (later calls neither crash nor break the checks above);
//   - the bookkeeping stays bounded: incoming streams never exceed the
//     streams our limits let the peer open.
//
// Input: a sequence of operations, each an opcode byte and its operands
// (missing operands read as 0). Stream IDs are one byte (so 0-255).
//   0 STREAM: id, u16 offset, u8 length, u8 flags (bit 0 FIN)
//   1 RESET_STREAM: id, u8 code, u16 final size
//   2 STOP_SENDING: id, u8 code
//   3 MAX_DATA: u16
//   4 MAX_STREAM_DATA: id, u16
//   5 MAX_STREAMS: u8 flags (bit 0 uni, bit 1 past 2^60), u8 count
//   6 DATA_BLOCKED / STREAM_DATA_BLOCKED / STREAMS_BLOCKED: u8 kind, id
//   7 open: u8 direction
//   8 write: id, u16 length
//   9 conclude / reset / stop_sending: u8 which, id, u8 code
//  10 read: id, u16 count
//  11 write_frames: u16 budget (below 4096)
//  12 on_acked: u8 index among the packets not yet resolved
//  13 on_lost: u8 index
//  14 take_incoming
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <optional>
#include <vector>

#include "engine/quic/frame.h"
#include "engine/quic/stream_frames.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace {

using namespace adieu::quic;  // NOLINT(build/namespaces)

void check(bool ok) {
  if (!ok) std::abort();
}

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() {
    const uint16_t hi = u8();
    return static_cast<uint16_t>(hi << 8 | u8());
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

constexpr StreamParameters kLocal = {.initial_max_data = 3000,
                                     .initial_max_stream_data_bidi_local = 700,
                                     .initial_max_stream_data_bidi_remote = 900,
                                     .initial_max_stream_data_uni = 500,
                                     .initial_max_streams_bidi = 6,
                                     .initial_max_streams_uni = 4};
constexpr StreamParameters kPeer = {.initial_max_data = 2000,
                                    .initial_max_stream_data_bidi_local = 600,
                                    .initial_max_stream_data_bidi_remote = 800,
                                    .initial_max_stream_data_uni = 400,
                                    .initial_max_streams_bidi = 3,
                                    .initial_max_streams_uni = 2};

// Parses a packet the layer wrote: every frame one of the stream frames.
void check_packet(const std::vector<uint8_t>& bytes) {
  adieu::wire::Reader r(bytes);
  while (r.remaining() > 0) {
    FrameError error;
    std::optional<Frame> frame = parse_frame(r, error);
    check(frame.has_value());
    if (const auto* s = std::get_if<StreamFrame>(&*frame)) {
      check(!s->data.empty() || s->fin);
      continue;
    }
    check(std::holds_alternative<ResetStreamFrame>(*frame) ||
          std::holds_alternative<StopSendingFrame>(*frame) ||
          std::holds_alternative<MaxDataFrame>(*frame) ||
          std::holds_alternative<MaxStreamDataFrame>(*frame) ||
          std::holds_alternative<MaxStreamsFrame>(*frame) ||
          std::holds_alternative<DataBlockedFrame>(*frame) ||
          std::holds_alternative<StreamDataBlockedFrame>(*frame) ||
          std::holds_alternative<StreamsBlockedFrame>(*frame));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  StreamFrames layer(adieu::Role::server, kLocal);
  layer.set_peer_parameters(kPeer);
  std::deque<StreamFramesSent> unresolved;
  std::vector<uint8_t> payload(256);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 13);
  std::vector<uint8_t> sink(1 << 16);

  for (int ops = 0; ops < 4000 && !in.done(); ++ops) {
    const uint8_t op = in.u8() % 15;
    switch (op) {
      case 0: {
        const uint64_t id = in.u8();
        const uint64_t offset = in.u16();
        const size_t length = in.u8();
        const bool fin = in.u8() & 1;
        (void)layer.on_frame(
            StreamFrame{id, offset, Bytes(payload).first(length), fin, offset != 0, true});
        break;
      }
      case 1: {
        const uint64_t id = in.u8();
        const uint64_t code = in.u8();
        (void)layer.on_frame(ResetStreamFrame{id, code, in.u16()});
        break;
      }
      case 2: {
        const uint64_t id = in.u8();
        (void)layer.on_frame(StopSendingFrame{id, in.u8()});
        break;
      }
      case 3:
        (void)layer.on_frame(MaxDataFrame{in.u16()});
        break;
      case 4: {
        const uint64_t id = in.u8();
        (void)layer.on_frame(MaxStreamDataFrame{id, in.u16()});
        break;
      }
      case 5: {
        const uint8_t flags = in.u8();
        const uint64_t count = in.u8() + ((flags & 2) ? kMaxStreamCount : 0);
        (void)layer.on_frame(MaxStreamsFrame{!(flags & 1), count});
        break;
      }
      case 6: {
        const uint8_t kind = in.u8() % 3;
        const uint64_t id = in.u8();
        if (kind == 0) (void)layer.on_frame(DataBlockedFrame{id});
        if (kind == 1) (void)layer.on_frame(StreamDataBlockedFrame{id, 0});
        if (kind == 2) (void)layer.on_frame(StreamsBlockedFrame{(id & 1) == 0, id});
        break;
      }
      case 7:
        (void)layer.open(in.u8() & 1 ? StreamDirection::unidirectional
                                     : StreamDirection::bidirectional);
        break;
      case 8: {
        const StreamId id{in.u8()};
        const size_t length = in.u16() % 4096;
        // The application bounds what it queues (send_buffered), as the
        // interface asks.
        if (layer.send_buffered(id) > 1 << 16) break;
        std::vector<uint8_t> bytes(length, static_cast<uint8_t>(id.value));
        const size_t taken = layer.write(id, bytes);
        check(taken == 0 || taken == length);
        break;
      }
      case 9: {
        const uint8_t which = in.u8() % 3;
        const StreamId id{in.u8()};
        const uint64_t code = in.u8();
        if (which == 0) (void)layer.conclude(id);
        if (which == 1) (void)layer.reset(id, code);
        if (which == 2) (void)layer.stop_sending(id, code);
        break;
      }
      case 10: {
        const StreamId id{in.u8()};
        const size_t count = in.u16();
        const size_t readable = layer.readable(id);
        const size_t n = layer.read(id, std::span<uint8_t>(sink).first(count));
        check(n <= count && n <= readable);
        check(n == std::min(count, readable));
        (void)layer.read_state(id);
        (void)layer.write_state(id);
        break;
      }
      case 11: {
        const size_t budget = in.u16() % 4096;
        std::vector<uint8_t> bytes;
        adieu::wire::Writer w(bytes);
        StreamFramesSent sent;
        const size_t n = layer.write_frames(w, budget, sent);
        check(w.ok());
        check(n <= budget && n == bytes.size());
        check((n == 0) == sent.empty());
        check_packet(bytes);
        if (!sent.empty()) {
          unresolved.push_back(std::move(sent));
          if (unresolved.size() > 64) {
            layer.on_lost(unresolved.front());
            unresolved.pop_front();
          }
        }
        break;
      }
      case 12:
      case 13: {
        const uint8_t index = in.u8();
        if (unresolved.empty()) break;
        const size_t k = index % unresolved.size();
        if (op == 12) {
          layer.on_acked(unresolved[k]);
        } else {
          layer.on_lost(unresolved[k]);
        }
        unresolved.erase(unresolved.begin() + static_cast<std::ptrdiff_t>(k));
        break;
      }
      case 14:
        (void)layer.take_incoming();
        break;
    }
    // Streams waiting to be taken are open streams: at most our windows.
    check(layer.incoming_count() <=
          kLocal.initial_max_streams_bidi + kLocal.initial_max_streams_uni);
  }

  // wants_to_send() agrees with what a large packet gets.
  for (int i = 0; i < 64; ++i) {
    const bool wants = layer.wants_to_send();
    std::vector<uint8_t> bytes;
    adieu::wire::Writer w(bytes);
    StreamFramesSent sent;
    const size_t n = layer.write_frames(w, 1 << 20, sent);
    check(wants == (n > 0));
    check_packet(bytes);
    if (n == 0) break;
    layer.on_acked(sent);
  }
  return 0;
}
