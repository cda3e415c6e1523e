// StreamSendBuffer: the send part of one stream (RFC 9000 §2.2, §3.1).
//
// The application writes bytes and concludes the stream (FIN); the
// connection takes chunks for STREAM frames with emit(), lost chunks first,
// then new bytes; acknowledged ranges are freed, lost ranges queued again.
// The part walks the states of RFC 9000 §3.1: Ready -> Send (first frame) ->
// Data Sent (FIN sent) -> Data Recvd (everything acknowledged), or Reset Sent
// -> Reset Recvd after reset().
//
// Flow control is the caller's: emit() takes the highest offset the peer's
// credit allows and reports how many bytes were new, to be charged to the
// connection-level credit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/quic/flow_control.h"
#include "engine/quic/range_set.h"
#include "engine/quic/stream_state.h"

namespace adieu::quic {

class StreamSendBuffer {
 public:
  // One STREAM frame's worth: bytes at `offset`, and whether the frame
  // carries FIN (a FIN-only frame has no bytes). `data` stays valid until
  // the next call that changes the buffer.
  struct Chunk {
    std::uint64_t offset = 0;
    std::span<const std::uint8_t> data;
    bool fin = false;
    // Bytes beyond anything sent before (what flow control charges).
    std::uint64_t new_bytes = 0;
  };

  // Appends application data. False (nothing written) once the stream was
  // concluded or reset, or if the stream would pass 2^62 - 1 bytes.
  bool write(std::span<const std::uint8_t> data);
  // Concludes the stream: the final size is what was written. False if reset.
  bool finish();
  // Abandons the stream (RESET_STREAM): unsent and unacknowledged data is
  // dropped. Returns the final size to put in RESET_STREAM: the bytes sent
  // so far (RFC 9000 §4.5). False-y (nullopt) if already reset or if every
  // byte and the FIN were acknowledged (Data Recvd is terminal).
  std::optional<std::uint64_t> reset(std::uint64_t app_error_code);

  // The next chunk to send: lost data first, then new data up to
  // `flow_limit` (the peer's MAX_STREAM_DATA); at most `max_bytes` bytes.
  // nullopt when there is nothing to send. The chunk counts as in flight.
  std::optional<Chunk> emit(std::uint64_t max_bytes, std::uint64_t flow_limit);

  // A frame carrying [offset, offset + length) (+FIN) was acknowledged.
  void on_acked(std::uint64_t offset, std::uint64_t length, bool fin);
  // A frame carrying [offset, offset + length) (+FIN) was lost; whatever of it
  // is not acknowledged will be emitted again.
  void on_lost(std::uint64_t offset, std::uint64_t length, bool fin);
  // The RESET_STREAM frame was acknowledged: Reset Recvd.
  void on_reset_acked();
  // The peer sent STOP_SENDING: the caller is to reset() the stream (RFC 9000
  // §3.5); recorded for the OpenSSL-style state.
  void on_stop_sending(std::uint64_t app_error_code);

  SendState state() const { return state_; }
  SendPartView view() const;
  // Whether emit() has something (lost data, new data or a FIN) regardless of
  // flow control.
  bool has_pending() const;
  // Whether lost bytes or a lost FIN wait to be emitted again.
  bool has_lost() const { return !reset_code_ && (!lost_.empty() || fin_lost_); }
  // The stream offset the next emit() starts at (for sizing its frame).
  std::uint64_t next_offset() const { return lost_.empty() ? sent_end_ : lost_.begin()->first; }
  // New data is waiting but the flow limit stops it: a STREAM_DATA_BLOCKED
  // frame is wanted (RFC 9000 §4.1).
  bool blocked(std::uint64_t flow_limit) const;
  std::uint64_t bytes_written() const { return write_end_; }
  // The highest offset handed to emit() so far.
  std::uint64_t bytes_sent() const { return sent_end_; }
  // Bytes held: written and not yet acknowledged.
  std::size_t buffered() const { return data_.size() - head_; }
  bool fin_queued() const { return fin_; }
  std::optional<std::uint64_t> reset_error_code() const { return reset_code_; }
  std::optional<std::uint64_t> stop_sending_error_code() const { return stop_sending_code_; }

 private:
  void free_acked_prefix();
  void check_all_acked();

  // data_[head_] is the byte at stream offset base_; bytes below base_ were
  // acknowledged and freed.
  std::vector<std::uint8_t> data_;
  std::size_t head_ = 0;
  std::uint64_t base_ = 0;
  std::uint64_t write_end_ = 0;
  std::uint64_t sent_end_ = 0;
  RangeSet acked_;
  RangeSet lost_;
  bool fin_ = false;
  bool fin_sent_ = false;  // a FIN is in flight or acknowledged
  bool fin_lost_ = false;
  bool fin_acked_ = false;
  SendState state_ = SendState::ready;
  std::optional<std::uint64_t> reset_code_;
  std::optional<std::uint64_t> stop_sending_code_;
};

}  // namespace adieu::quic
