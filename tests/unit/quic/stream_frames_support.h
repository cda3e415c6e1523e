// Two StreamFrames (a client and a server) talking through frames: packets
// built with write_frames, parsed with parse_frame and handed to on_frame,
// acknowledged or declared lost by the test.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/quic/frame.h"
#include "engine/quic/stream_frames.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::quic::test {

// The byte at `offset` of stream `id` in every test transfer.
inline std::uint8_t pattern_byte(std::uint64_t id, std::uint64_t offset) {
  return static_cast<std::uint8_t>(id * 31 + offset * 7 + offset / 251);
}

inline std::vector<std::uint8_t> pattern(std::uint64_t id, std::size_t length,
                                         std::uint64_t from = 0) {
  std::vector<std::uint8_t> out(length);
  for (std::size_t i = 0; i < length; ++i) out[i] = pattern_byte(id, from + i);
  return out;
}

struct Packet {
  std::vector<std::uint8_t> bytes;
  StreamFramesSent sent;
};

// One packet of at most `budget` bytes from `from`; nullopt if it wrote
// nothing.
inline std::optional<Packet> build_packet(StreamFrames& from, std::size_t budget) {
  Packet p;
  wire::Writer w(p.bytes);
  const std::size_t n = from.write_frames(w, budget, p.sent);
  EXPECT_TRUE(w.ok());
  EXPECT_LE(n, budget);
  EXPECT_EQ(n, p.bytes.size());
  if (n == 0) {
    EXPECT_TRUE(p.sent.empty());
    return std::nullopt;
  }
  EXPECT_FALSE(p.sent.empty());
  return p;
}

// Parses the packet's frames and hands them to `to`; every frame must parse
// and be accepted. The frames are appended to `seen` with STREAM data spans
// cleared (they refer to the packet).
inline void deliver(const Packet& p, StreamFrames& to, std::vector<Frame>* seen = nullptr) {
  wire::Reader r(p.bytes);
  while (r.remaining() > 0) {
    FrameError error;
    std::optional<Frame> frame = parse_frame(r, error);
    ASSERT_TRUE(frame) << error.reason;
    ASSERT_EQ(to.on_frame(*frame), TransportError::no_error);
    if (seen) {
      if (auto* s = std::get_if<StreamFrame>(&*frame)) s->data = {};
      seen->push_back(*frame);
    }
  }
}

// Reads everything readable now from `id`.
inline std::vector<std::uint8_t> read_all(StreamFrames& f, StreamId id) {
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> buffer(700);
  while (std::size_t n = f.read(id, buffer))
    out.insert(out.end(), buffer.begin(), buffer.begin() + n);
  return out;
}

template <typename T>
std::vector<T> frames_of(const std::vector<Frame>& frames) {
  std::vector<T> out;
  for (const Frame& f : frames) {
    if (const T* t = std::get_if<T>(&f)) out.push_back(*t);
  }
  return out;
}

inline StreamParameters roomy_parameters() {
  return {.initial_max_data = 1 << 20,
          .initial_max_stream_data_bidi_local = 1 << 16,
          .initial_max_stream_data_bidi_remote = 1 << 16,
          .initial_max_stream_data_uni = 1 << 16,
          .initial_max_streams_bidi = 10,
          .initial_max_streams_uni = 10};
}

// A client and a server over a perfect path: every packet is delivered and
// acknowledged at once.
struct Pair {
  Pair(const StreamParameters& client_local, const StreamParameters& server_local)
      : client(Role::client, client_local), server(Role::server, server_local) {
    client.set_peer_parameters(server_local);
    server.set_peer_parameters(client_local);
  }
  Pair() : Pair(roomy_parameters(), roomy_parameters()) {}

  // Sends what `from` owes, in packets of `budget` bytes, to the other side.
  void flush(StreamFrames& from, std::size_t budget = 1200) {
    StreamFrames& to = &from == &client ? server : client;
    std::vector<Frame>& seen = &from == &client ? to_server : to_client;
    for (int i = 0; i < 10000 && from.wants_to_send(); ++i) {
      std::optional<Packet> p = build_packet(from, budget);
      if (!p) break;
      deliver(*p, to, &seen);
      from.on_acked(p->sent);
    }
  }
  void settle(std::size_t budget = 1200) {
    for (int i = 0; i < 100 && (client.wants_to_send() || server.wants_to_send()); ++i) {
      flush(client, budget);
      flush(server, budget);
    }
    EXPECT_FALSE(client.wants_to_send());
    EXPECT_FALSE(server.wants_to_send());
  }

  StreamFrames client;
  StreamFrames server;
  std::vector<Frame> to_client;  // every frame the client received
  std::vector<Frame> to_server;
};

}  // namespace adieu::quic::test
