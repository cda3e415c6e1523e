#include "engine/quic/ack_tracker.h"

#include <algorithm>

namespace adieu::quic {

namespace {

// RFC 9000 §13.2.2: an ACK at least after every second ack-eliciting packet.
constexpr std::size_t kAckElicitingThreshold = 2;

}  // namespace

AckTracker::AckTracker(PacketNumberSpace space, Duration max_ack_delay)
    : space_(space), max_ack_delay_(max_ack_delay) {}

bool AckTracker::is_duplicate(std::uint64_t packet_number) const {
  return packet_number < duplicate_floor_ || received_.contains(packet_number);
}

void AckTracker::on_packet_received(std::uint64_t packet_number, bool ack_eliciting, Instant now) {
  if (is_duplicate(packet_number)) return;
  received_.insert(packet_number, packet_number + 1);
  while (received_.interval_count() > kMaxRememberedRanges) {
    // Forget the oldest run; everything below the next one is now a duplicate.
    received_.erase(received_.begin()->first, received_.begin()->second);
    duplicate_floor_ = *received_.smallest();
  }
  if (!largest_ || packet_number > *largest_) {
    largest_ = packet_number;
    largest_received_at_ = now;
  }
  if (!ack_eliciting) return;

  // RFC 9000 §13.2.1: out of order is below an ack-eliciting packet already
  // received, or above the largest one with packet numbers missing between.
  bool out_of_order = false;
  if (largest_ack_eliciting_) {
    if (packet_number < *largest_ack_eliciting_) {
      out_of_order = true;
    } else {
      out_of_order = !received_.contains_all(*largest_ack_eliciting_ + 1, packet_number);
    }
  }
  largest_ack_eliciting_ = std::max(largest_ack_eliciting_.value_or(0), packet_number);
  ++unacked_ack_eliciting_;

  const bool immediate = space_ != PacketNumberSpace::application || out_of_order ||
                         unacked_ack_eliciting_ >= kAckElicitingThreshold;
  const Instant due = immediate ? now : now + max_ack_delay_;
  deadline_ = std::min(deadline_, due);
}

bool AckTracker::has_ranges_to_send() const {
  return received_.largest().has_value() && *received_.largest() >= report_floor_;
}

std::vector<AckRange> AckTracker::ack_ranges(std::size_t max_ranges) const {
  std::vector<AckRange> ranges;
  for (auto it = received_.rbegin(); it != received_.rend() && ranges.size() < max_ranges; ++it) {
    if (it->second <= report_floor_) break;
    ranges.push_back({std::max(it->first, report_floor_), it->second - 1});
  }
  return ranges;
}

Duration AckTracker::ack_delay(Instant now) const {
  if (space_ != PacketNumberSpace::application || !largest_ || now < largest_received_at_) {
    return Duration{0};
  }
  return now - largest_received_at_;
}

std::optional<std::uint64_t> AckTracker::largest_received() const {
  return largest_;
}

void AckTracker::on_ack_sent() {
  unacked_ack_eliciting_ = 0;
  deadline_ = kNever;
}

void AckTracker::on_ack_frame_acknowledged(std::uint64_t largest) {
  report_floor_ = std::max(report_floor_, largest + 1);
}

}  // namespace adieu::quic
