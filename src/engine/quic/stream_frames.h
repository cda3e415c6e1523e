// StreamFrames: the stream layer of a QUIC connection as the packet layer
// sees it (RFC 9000 sections 2-4, 13.3, 19.4-19.14).
//
// It owns the connection's StreamMap and turns it into frames both ways:
// the frames a peer sends about streams and flow control come in through
// on_frame(); the frames we owe (STREAM data, new or lost; RESET_STREAM,
// STOP_SENDING; MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS when a window moved;
// DATA_BLOCKED, STREAM_DATA_BLOCKED, STREAMS_BLOCKED when a limit stops us)
// go out through write_frames(), which records in a StreamFramesSent what
// one packet carried. The connection keeps that record with the packet and
// hands it back once the packet is acknowledged (on_acked: acknowledged
// data is freed, a stream whose FIN or reset was acknowledged may end) or
// declared lost (on_lost: its content is sent again, RFC 9000 section 13.3,
// except what is no longer needed: data of a reset stream, a window update
// superseded by a larger one).
//
// The application side (open, write, conclude, reset, stop_sending, read)
// is here too, so that the connection's public API is a thin layer over it.
// Nothing here knows about packets, keys, time or the handshake.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "engine/quic/frame.h"
#include "engine/quic/stream_id.h"
#include "engine/quic/stream_map.h"
#include "engine/quic/stream_state.h"
#include "engine/quic/transport_error.h"
#include "wire/writer.h"

namespace adieu::quic {

// What the stream layer put in one packet: enough to free it when the packet
// is acknowledged and to send it again when it is lost. Opaque to the
// connection, which only stores it with the packet.
struct StreamFramesSent {
  struct StreamData {
    std::uint64_t stream_id = 0;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    bool fin = false;
  };
  std::vector<StreamData> data;
  std::vector<std::uint64_t> resets;           // stream ids whose RESET_STREAM went out
  std::vector<std::uint64_t> stop_sendings;    // stream ids whose STOP_SENDING went out
  std::vector<std::uint64_t> max_stream_data;  // stream ids whose MAX_STREAM_DATA went out
  bool max_data = false;
  bool max_streams_bidi = false;
  bool max_streams_uni = false;
  bool blocked = false;  // a *_BLOCKED frame (never retransmitted as such)

  // The values the window updates carried, so that on_acked / on_lost can
  // tell whether a newer one superseded them. max_stream_data_values is
  // parallel to max_stream_data.
  std::vector<std::uint64_t> max_stream_data_values;
  std::uint64_t max_data_value = 0;
  std::uint64_t max_streams_bidi_value = 0;
  std::uint64_t max_streams_uni_value = 0;
  // The limits the blocked frames reported: a lost one is owed again only
  // if we are still blocked at that limit (RFC 9000 §13.3).
  std::optional<std::uint64_t> data_blocked_at;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> stream_data_blocked_at;  // stream id, limit
  std::optional<std::uint64_t> streams_blocked_bidi_at;
  std::optional<std::uint64_t> streams_blocked_uni_at;

  bool empty() const {
    return data.empty() && resets.empty() && stop_sendings.empty() && max_stream_data.empty() &&
           !max_data && !max_streams_bidi && !max_streams_uni && !blocked;
  }
  // Counts toward ack-eliciting: every frame recorded here is.
};

class StreamFrames {
 public:
  // `local`: our stream parameters (what the peer may do).
  StreamFrames(Role self, const StreamParameters& local);
  // The peer's stream parameters, once its transport parameters are known.
  void set_peer_parameters(const StreamParameters& peer);

  // --- frames from the peer (1-RTT and 0-RTT packets). `frame` is one of
  // STREAM, RESET_STREAM, STOP_SENDING, MAX_DATA, MAX_STREAM_DATA,
  // MAX_STREAMS, DATA_BLOCKED, STREAM_DATA_BLOCKED, STREAMS_BLOCKED; any other
  // frame is ignored (no_error). Errors are the RFC's (STREAM_STATE_ERROR,
  // STREAM_LIMIT_ERROR, FLOW_CONTROL_ERROR, FINAL_SIZE_ERROR) and leave the
  // state unchanged; the connection closes with them. A STOP_SENDING makes
  // us reset that stream's send part with the code it carried (section 3.5).
  TransportError on_frame(const Frame& frame);

  // --- the application
  // Opens our next stream; nullopt when the peer's MAX_STREAMS stops it (a
  // STREAMS_BLOCKED frame is then owed).
  std::optional<StreamId> open(StreamDirection direction);
  // Queues bytes on a stream we may send on; returns how many were taken
  // (all of them, or 0 when the stream cannot take data: not ours to send
  // on, concluded, reset, released). Flow control limits what is *sent*,
  // not what is queued; the caller bounds queued bytes with
  // send_buffered(id).
  std::size_t write(StreamId id, std::span<const std::uint8_t> data);
  std::size_t send_buffered(StreamId id) const;  // queued and not yet acknowledged
  // Concludes the send part (FIN after the queued data). False if it cannot.
  bool conclude(StreamId id);
  // RESET_STREAM with `app_error_code` (section 3.1); queued data is dropped.
  bool reset(StreamId id, std::uint64_t app_error_code);
  // STOP_SENDING with `app_error_code` (section 3.5).
  bool stop_sending(StreamId id, std::uint64_t app_error_code);
  // Reads in-order data; returns the byte count (0: nothing available now,
  // or the end: see read_state). Credit is returned at both levels, so
  // window updates become owed.
  std::size_t read(StreamId id, std::span<std::uint8_t> out);
  // Bytes readable now, in order.
  std::size_t readable(StreamId id) const;
  // The stream's parts as OpenSSL's SSL_get_stream_read_state /
  // SSL_get_stream_write_state report them (stream_state.h), and the
  // application error codes of a reset or STOP_SENDING received.
  StreamIoState read_state(StreamId id) const;
  StreamIoState write_state(StreamId id) const;
  std::optional<std::uint64_t> read_error_code(StreamId id) const;   // RESET_STREAM received
  std::optional<std::uint64_t> write_error_code(StreamId id) const;  // STOP_SENDING received
  // Streams the peer opened that the application has not taken yet, in
  // stream ID order (lower-numbered streams a frame opened implicitly
  // included); take_incoming() removes and returns the first. A stream the
  // application ended (read to its end, or to its reset) before taking it
  // is no longer offered, so the list holds only open streams.
  std::optional<StreamId> take_incoming();
  std::size_t incoming_count() const;

  // --- the packet builder
  // Something is owed: data within credit, data lost, a control frame.
  bool wants_to_send() const;
  // Writes owed frames into `writer`, using at most `budget` bytes, control
  // frames first, then lost data, then new data (round-robin over streams).
  // Records what was written in `sent` (appended to). Returns bytes written.
  std::size_t write_frames(wire::Writer& writer, std::size_t budget, StreamFramesSent& sent);
  void on_acked(const StreamFramesSent& sent);
  void on_lost(const StreamFramesSent& sent);

  StreamMap& streams() { return streams_; }
  const StreamMap& streams() const { return streams_; }

  // How many released streams keep their final read/write states and error
  // codes for read_state() and friends; older ones then read as NONE.
  static constexpr std::size_t kEndedStreamsKept = 256;

 private:
  // What the application can still learn of a released stream.
  struct EndedStream {
    StreamIoState read = StreamIoState::none;
    StreamIoState write = StreamIoState::none;
    std::optional<std::uint64_t> read_error_code;
    std::optional<std::uint64_t> write_error_code;
  };

  // Owed frames, each a function of the state at the time it is written.
  bool window_update_owed(const Stream& stream) const;
  bool max_data_owed() const;
  bool max_streams_owed(StreamDirection d) const;
  bool data_blocked_owed() const;
  bool stream_data_blocked_owed(const Stream& stream) const;
  bool stream_data_waiting(const Stream& stream) const;
  bool can_emit(const Stream& stream) const;

  // write_frames' phases; each writes what fits in `room` bytes.
  void write_control_frames(wire::Writer& w, std::size_t& room, StreamFramesSent& sent);
  void write_blocked_frames(wire::Writer& w, std::size_t& room, StreamFramesSent& sent);
  // One STREAM frame for `stream` in at most `room` bytes; false if it
  // had nothing to send that fits.
  bool write_stream_frame(wire::Writer& w, std::size_t& room, Stream& stream,
                          StreamFramesSent& sent);
  StreamIoState read_state_of(const Stream& stream) const;
  StreamIoState write_state_of(const Stream& stream) const;

  // Bookkeeping after the peer's frames opened streams or ended some.
  void note_incoming(std::uint64_t bidi_before, std::uint64_t uni_before);
  void after_receive(StreamId id);
  void release_ended();

  Role self_;
  StreamMap streams_;
  // Streams with RESET_STREAM / STOP_SENDING owed, and the candidates for a
  // MAX_STREAM_DATA (streams whose window moved or whose update was lost).
  // All keyed by stream ID and pruned when the stream is released, so they
  // hold at most one entry per open stream whatever the peer does.
  std::set<std::uint64_t> reset_owed_;
  std::set<std::uint64_t> stop_sending_owed_;
  std::set<std::uint64_t> window_candidates_;
  std::set<std::uint64_t> window_resend_;
  std::map<std::uint64_t, std::uint64_t> window_acked_;  // largest MAX_STREAM_DATA acknowledged
  std::map<std::uint64_t, std::uint64_t> stop_sending_codes_;  // ours, by stream
  // Send parts we reset in answer to the peer's STOP_SENDING: their write
  // state is RESET_REMOTE (the peer asked), not RESET_LOCAL.
  std::set<std::uint64_t> reset_by_peer_;
  // Streams with data to send (new, lost or a FIN), and with lost data.
  std::set<std::uint64_t> sendable_;
  std::set<std::uint64_t> retransmit_;
  std::optional<std::uint64_t> round_robin_after_;  // the last stream that sent new data
  bool max_data_resend_ = false;
  std::uint64_t max_data_acked_ = 0;
  bool max_streams_resend_[2] = {false, false};
  std::uint64_t max_streams_acked_[2] = {0, 0};
  std::set<std::uint64_t> incoming_;  // by stream ID
  std::map<std::uint64_t, EndedStream> ended_;
};

}  // namespace adieu::quic
