// AckRange: one run of consecutive acknowledged packet numbers, inclusive at
// both ends, as an ACK frame carries them (RFC 9000 §19.3.1).
#pragma once

#include <cstdint>

namespace adieu::quic {

struct AckRange {
  std::uint64_t smallest = 0;
  std::uint64_t largest = 0;

  friend bool operator==(const AckRange&, const AckRange&) = default;
};

}  // namespace adieu::quic
