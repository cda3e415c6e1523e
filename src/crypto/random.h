// The source of randomness. The default draws from libcrypto's CSPRNG
// (RAND_bytes); tests inject a fixed pool to reproduce RFC 8448 traces.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace adieu::crypto {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out`; false if no randomness could be had (a fatal internal_error).
  virtual bool fill(std::span<uint8_t> out) = 0;
};

// The process-wide RAND_bytes source.
Random& system_random();

// Draws from `source` in batches and hands the bytes out in order: a
// handshake needs a few small draws, and each RAND_bytes call costs far more
// than the bytes it makes. Unused bytes are wiped on destruction.
class BatchedRandom : public Random {
 public:
  static constexpr size_t kBatch = 192;
  explicit BatchedRandom(Random& source) : source_(source) {}
  ~BatchedRandom() override;
  bool fill(std::span<uint8_t> out) override;
  // Wipes and frees the batch (an idle connection keeps none); the next
  // fill() draws a new one.
  void release();

 private:
  Random& source_;
  std::unique_ptr<uint8_t[]> buffer_;  // kBatch bytes, made by the first fill()
  size_t available_ = 0;               // unused bytes at the end of buffer_
};

// Returns bytes from a fixed pool in order, then fails (test use).
class FixedRandom : public Random {
 public:
  explicit FixedRandom(std::vector<uint8_t> pool) : pool_(std::move(pool)) {}
  bool fill(std::span<uint8_t> out) override;

 private:
  std::vector<uint8_t> pool_;
  size_t used_ = 0;
};

}  // namespace adieu::crypto
