#include "crypto/random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>

namespace adieu::crypto {

namespace {

class SystemRandom final : public Random {
 public:
  bool fill(std::span<uint8_t> out) override {
    // RAND_bytes takes an int length: draw in chunks.
    while (!out.empty()) {
      const size_t n = std::min<size_t>(out.size(), INT_MAX);
      if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) return false;
      out = out.subspan(n);
    }
    return true;
  }
};

}  // namespace

Random& system_random() {
  static SystemRandom random;
  return random;
}

BatchedRandom::~BatchedRandom() {
  release();
}

void BatchedRandom::release() {
  if (buffer_) OPENSSL_cleanse(buffer_.get(), kBatch);
  buffer_.reset();
  available_ = 0;
}

bool BatchedRandom::fill(std::span<uint8_t> out) {
  if (out.size() > kBatch) return source_.fill(out);
  if (out.size() > available_) {
    if (!buffer_) buffer_ = std::make_unique<uint8_t[]>(kBatch);
    if (!source_.fill(std::span<uint8_t>(buffer_.get(), kBatch))) return false;
    available_ = kBatch;
  }
  const uint8_t* from = buffer_.get() + (kBatch - available_);
  std::copy_n(from, out.size(), out.begin());
  OPENSSL_cleanse(const_cast<uint8_t*>(from), out.size());  // handed out: not kept
  available_ -= out.size();
  return true;
}

bool FixedRandom::fill(std::span<uint8_t> out) {
  // All or nothing: a request the pool cannot cover leaves it untouched.
  if (out.size() > pool_.size() - used_) return false;
  std::copy_n(pool_.begin() + static_cast<std::ptrdiff_t>(used_), out.size(), out.begin());
  used_ += out.size();
  return true;
}

}  // namespace adieu::crypto
