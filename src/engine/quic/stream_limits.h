// Stream count limits (RFC 9000 §4.6) for one stream type (bidirectional or
// unidirectional): how many streams we may open (the peer's MAX_STREAMS) and
// how many the peer may open (ours).
#pragma once

#include <cstdint>
#include <optional>

#include "engine/quic/stream_id.h"
#include "engine/quic/transport_error.h"

namespace adieu::quic {

// Streams of one type that we open.
class LocalStreamLimit {
 public:
  LocalStreamLimit(Role self, StreamDirection direction, std::uint64_t initial_max = 0)
      : self_(self), direction_(direction), max_(initial_max) {}

  // The ID of the next stream, now counted as opened; nullopt when the
  // peer's limit is reached (a STREAMS_BLOCKED frame is then wanted).
  std::optional<StreamId> open();
  // MAX_STREAMS from the peer (or its initial_max_streams transport
  // parameter). frame_encoding_error above 2^60 (RFC 9000 §19.11); a lower
  // value than known is ignored. Returns no_error otherwise.
  TransportError on_max_streams(std::uint64_t max);

  std::uint64_t opened() const { return opened_; }
  std::uint64_t max() const { return max_; }
  // Whether a stream of ours with this ID was opened (RFC 9000 §19.8: a frame
  // for one that was not is a STREAM_STATE_ERROR).
  bool was_opened(StreamId id) const { return id.index() < opened_; }
  // The limit stopped an open() and no STREAMS_BLOCKED was sent at this limit.
  bool blocked_frame_wanted() const;
  // STREAMS_BLOCKED carrying max() was sent.
  void on_blocked_frame_sent() { blocked_reported_at_ = max_; }
  // A STREAMS_BLOCKED carrying `max` was lost: wanted again if the limit
  // still stops us there (RFC 9000 §13.3).
  void on_blocked_frame_lost(std::uint64_t max) {
    if (blocked_reported_at_ == max) blocked_reported_at_.reset();
  }

 private:
  Role self_;
  StreamDirection direction_;
  std::uint64_t max_;
  std::uint64_t opened_ = 0;
  bool open_refused_ = false;
  std::optional<std::uint64_t> blocked_reported_at_;
};

// Streams of one type that the peer opens. Our limit moves forward by a fixed
// window as streams close; MAX_STREAMS is wanted once half the window was
// freed.
class RemoteStreamLimit {
 public:
  RemoteStreamLimit(Role peer, StreamDirection direction, std::uint64_t window)
      : peer_(peer), direction_(direction), window_(window), max_(window) {}

  // A frame named peer stream `id` (which must be of this limit's type).
  // Opening a stream opens every lower-numbered one of its type (RFC 9000
  // §3.2); `newly_opened` receives how many streams this opened (0 for a
  // stream already open or closed). stream_limit_error past our limit;
  // internal_error if `id` is not a peer stream of this type.
  TransportError on_peer_stream(StreamId id, std::uint64_t& newly_opened);
  // One peer stream of this type ended (both parts terminal) and was freed.
  void on_stream_closed();

  std::uint64_t opened() const { return opened_; }
  std::uint64_t closed() const { return closed_; }
  std::uint64_t max() const { return max_; }
  bool update_wanted() const;
  // The MAX_STREAMS value to send now: closed + window, at most 2^60.
  std::uint64_t next_max() const;
  void on_update_sent() { max_ = next_max() > max_ ? next_max() : max_; }

 private:
  Role peer_;
  StreamDirection direction_;
  std::uint64_t window_;
  std::uint64_t max_;
  std::uint64_t opened_ = 0;
  std::uint64_t closed_ = 0;
};

}  // namespace adieu::quic
