// StreamMap: a connection's streams, with the limits and flow control that
// bind them (RFC 9000 §2-§4).
//
// It opens our streams within the peer's MAX_STREAMS, opens the peer's
// streams as their frames arrive (lower-numbered ones with them, §3.2),
// checks each peer frame against the stream's direction (STREAM_STATE_ERROR,
// §19.4-§19.13), the stream count (STREAM_LIMIT_ERROR) and both levels of
// flow control (FLOW_CONTROL_ERROR), and charges or returns credit as data
// is sent and read. A stream whose parts both reached a terminal state is
// released; frames for it afterwards are ignored.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "engine/quic/flow_control.h"
#include "engine/quic/stream_id.h"
#include "engine/quic/stream_limits.h"
#include "engine/quic/stream_receive_buffer.h"
#include "engine/quic/stream_send_buffer.h"
#include "engine/quic/transport_error.h"

namespace adieu::quic {

// The stream-related transport parameters of one endpoint (RFC 9000 §18.2),
// named from that endpoint's point of view.
struct StreamParameters {
  std::uint64_t initial_max_data = 0;
  std::uint64_t initial_max_stream_data_bidi_local = 0;   // its own bidi streams
  std::uint64_t initial_max_stream_data_bidi_remote = 0;  // the other side's bidi streams
  std::uint64_t initial_max_stream_data_uni = 0;          // the other side's uni streams
  std::uint64_t initial_max_streams_bidi = 0;
  std::uint64_t initial_max_streams_uni = 0;
};

struct Stream {
  explicit Stream(StreamId stream_id) : id(stream_id) {}

  StreamId id;
  std::optional<StreamSendBuffer> send;        // absent on the peer's unidirectional streams
  std::optional<StreamReceiveBuffer> receive;  // absent on our unidirectional streams
  SendCredit send_credit;                      // the peer's MAX_STREAM_DATA
  ReceiveCredit receive_credit{0};             // ours

  // Both parts (those that exist) reached a terminal state.
  bool ended() const;
};

class StreamMap {
 public:
  // `local`: our transport parameters (what the peer may do).
  StreamMap(Role self, const StreamParameters& local);
  // The peer's transport parameters (what we may do); before any open().
  void set_peer_parameters(const StreamParameters& peer);

  // Opens our next stream of `direction`; nullptr when the peer's limit stops
  // it (STREAMS_BLOCKED is then wanted: local_limit(direction)).
  Stream* open(StreamDirection direction);
  // nullptr if the stream is not open (never opened, or released).
  Stream* find(StreamId id);
  const Stream* find(StreamId id) const;
  std::size_t size() const { return streams_.size(); }
  // The open streams by stream ID.
  const std::map<std::uint64_t, Stream>& all() const { return streams_; }

  // --- frames from the peer; an error leaves everything unchanged
  TransportError on_stream_frame(StreamId id, std::uint64_t offset,
                                 std::span<const std::uint8_t> data, bool fin);
  TransportError on_reset_stream(StreamId id, std::uint64_t app_error_code,
                                 std::uint64_t final_size);
  TransportError on_stop_sending(StreamId id, std::uint64_t app_error_code);
  TransportError on_max_stream_data(StreamId id, std::uint64_t max);
  TransportError on_stream_data_blocked(StreamId id);
  void on_max_data(std::uint64_t max) { connection_send_.on_limit(max); }
  TransportError on_max_streams(StreamDirection direction, std::uint64_t max);

  // --- the application and the packet builder
  // Reads stream data in order, giving its credit back at both levels.
  std::size_t read(StreamId id, std::span<std::uint8_t> out);
  // The next chunk of `id` for a STREAM frame within both levels of credit.
  std::optional<StreamSendBuffer::Chunk> emit(StreamId id, std::uint64_t max_bytes);
  // Releases every ended stream; the peer's count toward new MAX_STREAMS.
  void release_ended();

  SendCredit& connection_send_credit() { return connection_send_; }
  ReceiveCredit& connection_receive_credit() { return connection_receive_; }
  const SendCredit& connection_send_credit() const { return connection_send_; }
  const ReceiveCredit& connection_receive_credit() const { return connection_receive_; }
  LocalStreamLimit& local_limit(StreamDirection d) { return local_limits_[index(d)]; }
  RemoteStreamLimit& remote_limit(StreamDirection d) { return remote_limits_[index(d)]; }
  const LocalStreamLimit& local_limit(StreamDirection d) const { return local_limits_[index(d)]; }
  const RemoteStreamLimit& remote_limit(StreamDirection d) const {
    return remote_limits_[index(d)];
  }

 private:
  static std::size_t index(StreamDirection d) { return static_cast<std::size_t>(d); }
  Role peer() const { return self_ == Role::client ? Role::server : Role::client; }
  Stream& create(StreamId id);
  // The stream a peer frame names: opens the peer's streams up to it;
  // STREAM_STATE_ERROR for one of ours never opened; `stream` is null for a
  // released one.
  TransportError resolve(StreamId id, Stream*& stream);
  // Flow-control verdict for the peer using credit up to `end` on `stream`.
  TransportError check_credit(const Stream& stream, std::uint64_t end) const;
  // Charges the credit the last frame used (the stream's highest offset was
  // `previous_highest` before it).
  void charge_credit(Stream& stream, std::uint64_t previous_highest);

  Role self_;
  StreamParameters local_;
  StreamParameters peer_;
  std::map<std::uint64_t, Stream> streams_;
  SendCredit connection_send_;
  ReceiveCredit connection_receive_;
  std::array<LocalStreamLimit, 2> local_limits_;
  std::array<RemoteStreamLimit, 2> remote_limits_;
};

}  // namespace adieu::quic
