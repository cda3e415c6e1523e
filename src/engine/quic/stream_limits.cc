#include "engine/quic/stream_limits.h"

#include <algorithm>

namespace adieu::quic {

std::optional<StreamId> LocalStreamLimit::open() {
  if (opened_ >= max_) {
    open_refused_ = true;
    return std::nullopt;
  }
  open_refused_ = false;
  return StreamId::make(self_, direction_, opened_++);
}

TransportError LocalStreamLimit::on_max_streams(std::uint64_t max) {
  if (max > kMaxStreamCount) return TransportError::frame_encoding_error;
  max_ = std::max(max_, max);
  return TransportError::no_error;
}

bool LocalStreamLimit::blocked_frame_wanted() const {
  return open_refused_ && opened_ >= max_ && blocked_reported_at_ != max_;
}

TransportError RemoteStreamLimit::on_peer_stream(StreamId id, std::uint64_t& newly_opened) {
  newly_opened = 0;
  // A stream of another type is the caller's mistake, not the peer's.
  if (id.initiator() != peer_ || id.direction() != direction_)
    return TransportError::internal_error;
  if (id.index() >= max_) return TransportError::stream_limit_error;
  if (id.index() < opened_) return TransportError::no_error;
  newly_opened = id.index() + 1 - opened_;
  opened_ = id.index() + 1;
  return TransportError::no_error;
}

void RemoteStreamLimit::on_stream_closed() {
  if (closed_ < opened_) ++closed_;
}

std::uint64_t RemoteStreamLimit::next_max() const {
  return std::min(closed_ + window_, kMaxStreamCount);
}

bool RemoteStreamLimit::update_wanted() const {
  // Streams the peer may still open, counted from the closed ones, fell to
  // half the window or less.
  return next_max() > max_ && max_ - closed_ <= window_ / 2;
}

}  // namespace adieu::quic
