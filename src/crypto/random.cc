#include "crypto/random.h"

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

bool FixedRandom::fill(std::span<uint8_t> out) {
  // All or nothing: a request the pool cannot cover leaves it untouched.
  if (out.size() > pool_.size() - used_) return false;
  std::copy_n(pool_.begin() + static_cast<std::ptrdiff_t>(used_), out.size(), out.begin());
  used_ += out.size();
  return true;
}

}  // namespace adieu::crypto
