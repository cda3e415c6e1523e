// Randomized property of the receive buffer: however a known byte string is
// cut into STREAM frames, reordered and duplicated, and however the reads
// are sized, the application reads exactly that string and then the FIN.
// Fixed seed: every run sees the same cases.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "engine/quic/stream_receive_buffer.h"

namespace adieu::quic {
namespace {

struct Frame {
  std::uint64_t offset;
  std::uint64_t length;
  bool fin;
};

TEST(StreamReceiveProperty, ReorderedOverlappingDuplicatedFramesDeliverTheExactBytes) {
  std::mt19937_64 rng(0xad1e0u);
  for (int round = 0; round < 300; ++round) {
    const std::size_t size = std::uniform_int_distribution<std::size_t>(0, 4000)(rng);
    std::vector<std::uint8_t> original(size);
    for (auto& byte : original) byte = static_cast<std::uint8_t>(rng());

    // A partition that covers every byte, the last piece carrying FIN...
    std::vector<Frame> frames;
    std::uint64_t pos = 0;
    do {
      std::uint64_t len = std::uniform_int_distribution<std::uint64_t>(0, 300)(rng);
      len = std::min<std::uint64_t>(len, size - pos);
      frames.push_back({pos, len, pos + len == size});
      pos += len;
    } while (pos < size);
    // ...plus overlapping pieces anywhere, some of them reaching the end
    // with FIN, and exact duplicates.
    const int extra = std::uniform_int_distribution<int>(0, 30)(rng);
    for (int i = 0; i < extra && size > 0; ++i) {
      std::uint64_t off = std::uniform_int_distribution<std::uint64_t>(0, size - 1)(rng);
      std::uint64_t len = std::uniform_int_distribution<std::uint64_t>(1, 600)(rng);
      len = std::min<std::uint64_t>(len, size - off);
      bool fin = off + len == size && (rng() & 1);
      frames.push_back({off, len, fin});
      if (rng() % 4 == 0) frames.push_back(frames[rng() % frames.size()]);
    }
    std::shuffle(frames.begin(), frames.end(), rng);

    StreamReceiveBuffer buffer;
    std::vector<std::uint8_t> received;
    std::vector<std::uint8_t> scratch(700);
    for (const Frame& f : frames) {
      std::span<const std::uint8_t> data(original.data() + f.offset, f.length);
      ASSERT_EQ(buffer.on_stream_frame(f.offset, data, f.fin), TransportError::no_error)
          << "round " << round;
      if (rng() % 3 == 0) {
        std::size_t want = std::uniform_int_distribution<std::size_t>(0, scratch.size())(rng);
        std::size_t n = buffer.read(std::span<std::uint8_t>(scratch.data(), want));
        received.insert(received.end(), scratch.begin(),
                        scratch.begin() + static_cast<std::ptrdiff_t>(n));
      }
    }
    // Every byte and the FIN arrived; the application may have read it all.
    ASSERT_TRUE(buffer.state() == RecvState::data_recvd || buffer.state() == RecvState::data_read)
        << "round " << round;
    while (buffer.readable() > 0) {
      std::size_t n = buffer.read(scratch);
      received.insert(received.end(), scratch.begin(),
                      scratch.begin() + static_cast<std::ptrdiff_t>(n));
    }
    buffer.read({});  // a read at the end observes the FIN
    EXPECT_EQ(received, original) << "round " << round;
    EXPECT_EQ(buffer.state(), RecvState::data_read) << "round " << round;
    EXPECT_EQ(buffer.buffered(), 0u);
    EXPECT_EQ(buffer.final_size(), size);
  }
}

}  // namespace
}  // namespace adieu::quic
