// fuzz-link: adieu_quic
// A QUIC connection's stream layer (StreamFrames). Byte 0, bit 0 picks the
// mode; the rest is a sequence of operations, each an opcode byte and its
// operands (missing operands read as 0).
//
// Mode 0: one layer (the server) fed made-up peer frames, application
// calls, packets to fill and acknowledgments or losses of what it sent.
// Checked: write_frames never writes more than its budget, returns the bytes
// it wrote and records something exactly when it wrote something; what it
// writes parses back into stream frames, no STREAM frame empty unless it
// carries FIN; reads give what readable() promised; the incoming list stays
// within our stream limits; wants_to_send() is true exactly when a large
// packet gets something; a frame refused with an error leaves a layer that
// goes on working. Stream IDs are one byte (0-255).
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
//
// Mode 1: two honest layers, a client and a server, over a path the input
// drives (opcode bit 7: which side acts; opcode % 10 below). Checked besides
// the above: neither ever refuses a frame of the other, every byte read is
// the byte written at that offset, and once the path is made perfect every
// stream concluded and neither reset nor stopped arrives whole and reads as
// finished. Streams are picked among those the side opened or took.
//   0 open: u8 direction
//   1 write: u8 stream, u8 length / 8
//   2 conclude: u8 stream
//   3 reset: u8 stream, u8 code
//   4 stop_sending: u8 stream, u8 code
//   5 read everything readable: u8 stream
//   6 write_frames: u16 budget (below 2048)
//   7 deliver: u8 (bit 0: keep a copy to deliver again; the rest: packet)
//   8 drop: u8 packet
//   9 acknowledge, or declare lost: u8 (bit 0: lost even if delivered;
//     the rest: packet)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <map>
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

// One layer, the peer's frames made up by the input.
void run_single(Input& in) {
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
}

// Two honest layers (client and server) over a path the input drives.
class PairRun {
 public:
  PairRun()
      : sides_{StreamFrames(adieu::Role::client, kPeer),
               StreamFrames(adieu::Role::server, kLocal)} {
    sides_[0].set_peer_parameters(kLocal);
    sides_[1].set_peer_parameters(kPeer);
  }

  void run(Input& in) {
    for (int ops = 0; ops < 4000 && !in.done(); ++ops) step(in);
    drain();
  }

 private:
  struct InFlight {
    std::vector<uint8_t> bytes;
    StreamFramesSent sent;
    int to = 0;
    bool delivered = false;
  };
  // What one side sent on one stream: the byte at offset k is
  // byte_of(sender, id, k).
  struct Direction {
    uint64_t written = 0;
    uint64_t read = 0;
    bool concluded = false;
    bool aborted = false;  // reset by its sender or stopped by its receiver
  };

  static uint8_t byte_of(int sender, uint64_t id, uint64_t offset) {
    return static_cast<uint8_t>(id * 7 + static_cast<uint64_t>(sender) * 101 + offset * 13 +
                                offset / 253);
  }
  Direction& direction(int sender, uint64_t id) { return directions_[sender][id]; }

  StreamId pick(int side, uint8_t index) {
    const std::vector<uint64_t>& known = known_[side];
    return known.empty() ? StreamId{0} : StreamId{known[index % known.size()]};
  }

  void deliver(InFlight& p) {
    adieu::wire::Reader r(p.bytes);
    while (r.remaining() > 0) {
      FrameError error;
      std::optional<Frame> frame = parse_frame(r, error);
      check(frame.has_value());
      // Two honest peers never give each other a reason to close.
      check(sides_[p.to].on_frame(*frame) == TransportError::no_error);
    }
    p.delivered = true;
  }

  void resolve(InFlight& p, bool spurious_loss) {
    StreamFrames& sender = sides_[1 - p.to];
    if (p.delivered && !spurious_loss) {
      sender.on_acked(p.sent);
    } else {
      sender.on_lost(p.sent);
    }
  }

  void send(int side, size_t budget) {
    InFlight p;
    adieu::wire::Writer w(p.bytes);
    const size_t n = sides_[side].write_frames(w, budget, p.sent);
    check(w.ok() && n <= budget && n == p.bytes.size());
    check((n == 0) == p.sent.empty());
    if (n == 0) return;
    check_packet(p.bytes);
    p.to = 1 - side;
    network_.push_back(std::move(p));
    if (network_.size() > 64) {
      resolve(network_.front(), false);  // dropped
      network_.pop_front();
    }
  }

  void read(int side, StreamId id) {
    std::vector<uint8_t> buffer(1500);
    Direction& d = direction(1 - side, id.value);
    while (size_t n = sides_[side].read(id, buffer)) {
      for (size_t i = 0; i < n; ++i) check(buffer[i] == byte_of(1 - side, id.value, d.read + i));
      d.read += n;
      check(d.read <= d.written);
    }
  }

  void take_incoming(int side) {
    while (std::optional<StreamId> id = sides_[side].take_incoming()) {
      known_[side].push_back(id->value);
    }
  }

  void step(Input& in) {
    const uint8_t op = in.u8();
    const int side = op >> 7;
    switch (op % 10) {
      case 0: {
        const bool uni = in.u8() & 1;
        if (auto id = sides_[side].open(uni ? StreamDirection::unidirectional
                                            : StreamDirection::bidirectional)) {
          known_[side].push_back(id->value);
        }
        break;
      }
      case 1: {
        const StreamId id = pick(side, in.u8());
        const size_t length = size_t{in.u8()} * 8;
        Direction& d = direction(side, id.value);
        std::vector<uint8_t> bytes(length);
        for (size_t i = 0; i < length; ++i) bytes[i] = byte_of(side, id.value, d.written + i);
        const size_t taken = sides_[side].write(id, bytes);
        check(taken == 0 || taken == length);
        d.written += taken;
        break;
      }
      case 2: {
        const StreamId id = pick(side, in.u8());
        if (sides_[side].conclude(id)) direction(side, id.value).concluded = true;
        break;
      }
      case 3: {
        const StreamId id = pick(side, in.u8());
        if (sides_[side].reset(id, in.u8())) direction(side, id.value).aborted = true;
        break;
      }
      case 4: {
        const StreamId id = pick(side, in.u8());
        if (sides_[side].stop_sending(id, in.u8())) direction(1 - side, id.value).aborted = true;
        break;
      }
      case 5:
        read(side, pick(side, in.u8()));
        break;
      case 6:
        send(side, in.u16() % 2048);
        break;
      case 7: {  // deliver (bit 0 of the operand: keep a copy to duplicate later)
        const uint8_t arg = in.u8();
        if (network_.empty()) break;
        const size_t k = (arg >> 1) % network_.size();
        deliver(network_[k]);
        if (!(arg & 1)) {
          unresolved_.push_back(std::move(network_[k]));
          network_.erase(network_.begin() + static_cast<std::ptrdiff_t>(k));
        }
        break;
      }
      case 8: {  // drop
        const uint8_t arg = in.u8();
        if (network_.empty()) break;
        const size_t k = arg % network_.size();
        unresolved_.push_back(std::move(network_[k]));
        network_.erase(network_.begin() + static_cast<std::ptrdiff_t>(k));
        break;
      }
      case 9: {  // acknowledge or declare lost (bit 0: even if delivered)
        const uint8_t arg = in.u8();
        if (unresolved_.empty()) break;
        const size_t k = (arg >> 1) % unresolved_.size();
        resolve(unresolved_[k], arg & 1);
        unresolved_.erase(unresolved_.begin() + static_cast<std::ptrdiff_t>(k));
        break;
      }
    }
    take_incoming(0);
    take_incoming(1);
  }

  // A perfect path from here on: every stream concluded and not aborted
  // arrives whole and reads as finished.
  void drain() {
    for (InFlight& p : network_) deliver(p);
    for (InFlight& p : network_) resolve(p, false);
    for (InFlight& p : unresolved_) resolve(p, false);
    network_.clear();
    unresolved_.clear();
    for (int round = 0; round < 1000; ++round) {
      bool quiet = true;
      for (int side = 0; side < 2; ++side) {
        take_incoming(side);
        for (uint64_t id : known_[side]) read(side, StreamId{id});
        while (sides_[side].wants_to_send()) {
          quiet = false;
          InFlight p;
          adieu::wire::Writer w(p.bytes);
          const size_t n = sides_[side].write_frames(w, 1200, p.sent);
          check(n > 0 && n <= 1200);
          p.to = 1 - side;
          deliver(p);
          resolve(p, false);
        }
      }
      if (quiet) break;
    }
    for (int sender = 0; sender < 2; ++sender) {
      for (const auto& [id, d] : directions_[sender]) {
        if (!d.concluded || d.aborted) continue;
        check(d.read == d.written);
        // (A released stream's state is kept for the last 256 only.)
        const StreamIoState state = sides_[1 - sender].read_state(StreamId{id});
        check(state == StreamIoState::finished ||
              (state == StreamIoState::none && !sides_[1 - sender].streams().find(StreamId{id})));
      }
    }
  }

  StreamFrames sides_[2];
  std::vector<uint64_t> known_[2];  // streams each side opened or took
  std::map<uint64_t, Direction> directions_[2];
  std::deque<InFlight> network_;
  std::deque<InFlight> unresolved_;
};

}  // namespace

// Byte 0, bit 0: one layer fed made-up peer frames (0) or two layers over a
// path the input drives (1).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Input in(data + 1, size - 1);
  if (data[0] & 1) {
    PairRun().run(in);
  } else {
    run_single(in);
  }
  return 0;
}
