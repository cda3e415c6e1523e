#include "engine/quic/new_reno.h"

#include <algorithm>

namespace adieu::quic {

NewReno::NewReno(std::uint64_t max_datagram_size)
    : max_datagram_size_(max_datagram_size), window_(initial_window(max_datagram_size)) {}

std::uint64_t NewReno::initial_window(std::uint64_t max_datagram_size) {
  return std::min(10 * max_datagram_size, std::max<std::uint64_t>(14720, 2 * max_datagram_size));
}

std::uint64_t NewReno::minimum_window(std::uint64_t max_datagram_size) {
  return 2 * max_datagram_size;
}

bool NewReno::in_recovery(Instant time_sent) const {
  return recovery_start_ && time_sent <= *recovery_start_;
}

bool NewReno::can_send(std::uint64_t bytes) const {
  return bytes_in_flight_ <= window_ && bytes <= window_ - bytes_in_flight_;
}

std::uint64_t NewReno::available() const {
  return bytes_in_flight_ < window_ ? window_ - bytes_in_flight_ : 0;
}

void NewReno::on_packet_sent(std::uint64_t bytes) {
  bytes_in_flight_ += bytes;
}

void NewReno::remove_from_flight(std::uint64_t bytes) {
  bytes_in_flight_ -= std::min(bytes, bytes_in_flight_);
}

void NewReno::on_packet_acked(std::uint64_t bytes, Instant time_sent) {
  remove_from_flight(bytes);
  if (app_limited_) return;
  // RFC 9002 §7.3.2: no growth for packets sent before recovery began.
  if (in_recovery(time_sent)) return;
  if (in_slow_start()) {
    window_ += bytes;
    return;
  }
  // Congestion avoidance: one max_datagram_size per window acknowledged.
  avoidance_acked_ += bytes;
  if (avoidance_acked_ >= window_) {
    avoidance_acked_ -= window_;
    window_ += max_datagram_size_;
  }
}

void NewReno::on_congestion_event(Instant newest_lost_sent, Instant now) {
  // One reduction per recovery period.
  if (in_recovery(newest_lost_sent)) return;
  recovery_start_ = now;
  ssthresh_ = window_ / 2;
  window_ = std::max(ssthresh_, minimum_window(max_datagram_size_));
  avoidance_acked_ = 0;
}

void NewReno::on_persistent_congestion() {
  window_ = minimum_window(max_datagram_size_);
  recovery_start_.reset();
  avoidance_acked_ = 0;
}

}  // namespace adieu::quic
