#include "engine/quic/flow_control.h"

#include <algorithm>

namespace adieu::quic {

void SendCredit::consume(std::uint64_t bytes) {
  used_ += std::min(bytes, available());
}

bool SendCredit::on_limit(std::uint64_t new_limit) {
  if (new_limit <= limit_) return false;
  limit_ = new_limit;
  return true;
}

bool SendCredit::blocked_frame_wanted() const {
  return used_ == limit_ && blocked_reported_at_ != limit_;
}

TransportError ReceiveCredit::on_received(std::uint64_t total) {
  if (total > limit_) return TransportError::flow_control_error;
  received_ = std::max(received_, total);
  return TransportError::no_error;
}

TransportError ReceiveCredit::on_received_more(std::uint64_t bytes) {
  if (bytes > limit_ - received_) return TransportError::flow_control_error;
  received_ += bytes;
  return TransportError::no_error;
}

void ReceiveCredit::on_consumed(std::uint64_t bytes) {
  consumed_ = std::min(consumed_ + bytes, received_);
}

bool ReceiveCredit::update_wanted() const {
  // The credit left to the peer, counted from what the application consumed,
  // fell to half the window or less.
  return limit_ - consumed_ <= window_ / 2;
}

}  // namespace adieu::quic
