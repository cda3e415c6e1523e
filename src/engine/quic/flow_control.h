// Flow control credit (RFC 9000 §4.1), the same at the connection level
// (MAX_DATA) and the stream level (MAX_STREAM_DATA).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>

#include "engine/quic/transport_error.h"

namespace adieu::quic {

// RFC 9000 §4.5: no stream carries more than 2^62 - 1 bytes, as no credit
// can be given for more.
inline constexpr std::uint64_t kMaxStreamLength = (std::uint64_t{1} << 62) - 1;

// The credit the peer gave us: how many bytes we may send.
class SendCredit {
 public:
  explicit SendCredit(std::uint64_t initial_limit = 0) : limit_(initial_limit) {}

  std::uint64_t limit() const { return limit_; }
  std::uint64_t used() const { return used_; }
  std::uint64_t available() const { return limit_ - used_; }
  // Charges `bytes` newly sent; they must fit in available().
  void consume(std::uint64_t bytes);
  // MAX_DATA / MAX_STREAM_DATA: a limit that does not increase is ignored
  // (RFC 9000 §4.1). Returns whether the limit grew.
  bool on_limit(std::uint64_t new_limit);

  // The credit is exhausted and no DATA_BLOCKED / STREAM_DATA_BLOCKED was
  // sent at this limit yet (RFC 9000 §4.1: "SHOULD send").
  bool blocked_frame_wanted() const;
  // A blocked frame was sent, carrying limit().
  void on_blocked_frame_sent() { blocked_reported_at_ = limit_; }
  // A blocked frame carrying `limit` was lost: wanted again if the credit is
  // still exhausted at that limit (RFC 9000 §13.3).
  void on_blocked_frame_lost(std::uint64_t limit) {
    if (blocked_reported_at_ == limit) blocked_reported_at_.reset();
  }

 private:
  std::uint64_t limit_;
  std::uint64_t used_ = 0;
  std::optional<std::uint64_t> blocked_reported_at_;
};

// The credit we give the peer: how many bytes it may send. Our limit moves
// forward by a fixed window as the application consumes data; a MAX_DATA /
// MAX_STREAM_DATA update is wanted once half the window has been consumed.
class ReceiveCredit {
 public:
  explicit ReceiveCredit(std::uint64_t window) : window_(window), limit_(window) {}

  std::uint64_t limit() const { return limit_; }
  std::uint64_t window() const { return window_; }
  // Highest byte count the peer used (the largest offset it sent).
  std::uint64_t received() const { return received_; }
  std::uint64_t consumed() const { return consumed_; }

  // The peer used credit up to `total` bytes (a stream's largest offset, or
  // the sum over streams at the connection level). flow_control_error if it
  // passes our limit (RFC 9000 §4.1); lower totals change nothing.
  TransportError on_received(std::uint64_t total);
  // Adds `bytes` to the credit used (connection level: a stream's new bytes).
  TransportError on_received_more(std::uint64_t bytes);
  // The application consumed `bytes` (read them, or they were discarded by a
  // reset): their credit can be given back.
  void on_consumed(std::uint64_t bytes);

  // Half the window or more was consumed since the last update.
  bool update_wanted() const;
  // The limit to advertise now: consumed + window.
  std::uint64_t next_limit() const { return consumed_ + window_; }
  // A MAX_DATA / MAX_STREAM_DATA frame carrying next_limit() was sent.
  void on_update_sent() { limit_ = std::max(limit_, next_limit()); }

 private:
  std::uint64_t window_;
  std::uint64_t limit_;
  std::uint64_t received_ = 0;
  std::uint64_t consumed_ = 0;
};

}  // namespace adieu::quic
