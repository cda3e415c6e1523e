// The source of randomness. The default draws from libcrypto's CSPRNG
// (RAND_bytes); tests inject a fixed pool to reproduce RFC 8448 traces.
#pragma once

#include <cstdint>
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
