// Helpers shared by the Recovery tests: times as milliseconds from an epoch
// and packets as one-liners.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "engine/quic/recovery.h"

namespace adieu::quic::testing {

inline Instant at_ms(std::int64_t ms) {
  return Instant{} + std::chrono::milliseconds(1000) + std::chrono::milliseconds(ms);
}
inline Instant at_us(std::int64_t us) {
  return Instant{} + std::chrono::milliseconds(1000) + std::chrono::microseconds(us);
}

inline SentPacket packet(std::uint64_t pn, Instant sent, std::uint64_t size = 1200,
                         bool ack_eliciting = true) {
  SentPacket p;
  p.packet_number = pn;
  p.time_sent = sent;
  p.size = size;
  p.ack_eliciting = ack_eliciting;
  p.in_flight = ack_eliciting;
  p.content = 1000 + pn;
  return p;
}

inline std::vector<std::uint64_t> numbers(const std::vector<SentPacket>& packets) {
  std::vector<std::uint64_t> out;
  for (const SentPacket& p : packets) out.push_back(p.packet_number);
  return out;
}

}  // namespace adieu::quic::testing
