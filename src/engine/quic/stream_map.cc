#include "engine/quic/stream_map.h"

#include <algorithm>

namespace adieu::quic {

namespace {

bool send_ended(const StreamSendBuffer& s) {
  return s.state() == SendState::data_recvd || s.state() == SendState::reset_recvd;
}

bool receive_ended(const StreamReceiveBuffer& r) {
  return r.state() == RecvState::data_read || r.state() == RecvState::reset_read;
}

}  // namespace

bool Stream::ended() const {
  return (!send || send_ended(*send)) && (!receive || receive_ended(*receive));
}

StreamMap::StreamMap(Role self, const StreamParameters& local)
    : self_(self),
      local_(local),
      connection_receive_(local.initial_max_data),
      local_limits_{LocalStreamLimit(self, StreamDirection::bidirectional),
                    LocalStreamLimit(self, StreamDirection::unidirectional)},
      remote_limits_{
          RemoteStreamLimit(peer(), StreamDirection::bidirectional, local.initial_max_streams_bidi),
          RemoteStreamLimit(peer(), StreamDirection::unidirectional,
                            local.initial_max_streams_uni)} {}

void StreamMap::set_peer_parameters(const StreamParameters& peer) {
  peer_ = peer;
  connection_send_.on_limit(peer.initial_max_data);
  (void)local_limit(StreamDirection::bidirectional).on_max_streams(peer.initial_max_streams_bidi);
  (void)local_limit(StreamDirection::unidirectional).on_max_streams(peer.initial_max_streams_uni);
}

Stream& StreamMap::create(StreamId id) {
  Stream& s = streams_.emplace(id.value, Stream(id)).first->second;
  const bool local = id.is_local(self_);
  if (id.can_send(self_)) {
    s.send.emplace();
    // The peer's credit for this stream, named from the peer's side.
    const std::uint64_t credit = id.is_unidirectional() ? peer_.initial_max_stream_data_uni
                                 : local                ? peer_.initial_max_stream_data_bidi_remote
                                                        : peer_.initial_max_stream_data_bidi_local;
    s.send_credit = SendCredit(credit);
  }
  if (id.can_receive(self_)) {
    s.receive.emplace();
    const std::uint64_t window = id.is_unidirectional() ? local_.initial_max_stream_data_uni
                                 : local                ? local_.initial_max_stream_data_bidi_local
                                         : local_.initial_max_stream_data_bidi_remote;
    s.receive_credit = ReceiveCredit(window);
  }
  return s;
}

Stream* StreamMap::open(StreamDirection direction) {
  std::optional<StreamId> id = local_limit(direction).open();
  if (!id) return nullptr;
  return &create(*id);
}

Stream* StreamMap::find(StreamId id) {
  auto it = streams_.find(id.value);
  return it == streams_.end() ? nullptr : &it->second;
}

const Stream* StreamMap::find(StreamId id) const {
  auto it = streams_.find(id.value);
  return it == streams_.end() ? nullptr : &it->second;
}

TransportError StreamMap::resolve(StreamId id, Stream*& stream) {
  stream = nullptr;
  if (id.is_local(self_)) {
    // RFC 9000 §19.8 and following: a frame for one of our streams that we
    // have not opened.
    if (!local_limit(id.direction()).was_opened(id)) return TransportError::stream_state_error;
    stream = find(id);
    return TransportError::no_error;
  }
  RemoteStreamLimit& limit = remote_limit(id.direction());
  const std::uint64_t first_new = limit.opened();
  std::uint64_t newly_opened = 0;
  if (TransportError e = limit.on_peer_stream(id, newly_opened); e != TransportError::no_error) {
    return e;
  }
  for (std::uint64_t i = first_new; i < first_new + newly_opened; ++i) {
    create(StreamId::make(peer(), id.direction(), i));
  }
  stream = find(id);
  return TransportError::no_error;
}

TransportError StreamMap::check_credit(const Stream& stream, std::uint64_t end) const {
  if (end > stream.receive_credit.limit()) return TransportError::flow_control_error;
  const std::uint64_t more =
      end > stream.receive->highest_received() ? end - stream.receive->highest_received() : 0;
  if (more > connection_receive_.limit() - connection_receive_.received()) {
    return TransportError::flow_control_error;
  }
  return TransportError::no_error;
}

void StreamMap::charge_credit(Stream& stream, std::uint64_t previous_highest) {
  const std::uint64_t highest = stream.receive->highest_received();
  (void)stream.receive_credit.on_received(highest);
  (void)connection_receive_.on_received_more(highest - previous_highest);
}

TransportError StreamMap::on_stream_frame(StreamId id, std::uint64_t offset,
                                          std::span<const std::uint8_t> data, bool fin) {
  // RFC 9000 §19.8: STREAM on a send-only stream.
  if (!id.can_receive(self_)) return TransportError::stream_state_error;
  Stream* stream = nullptr;
  if (TransportError e = resolve(id, stream); e != TransportError::no_error) return e;
  if (!stream) return TransportError::no_error;  // released: a late retransmission
  if (offset > kMaxStreamLength || data.size() > kMaxStreamLength - offset) {
    return TransportError::frame_encoding_error;
  }
  if (TransportError e = check_credit(*stream, offset + data.size());
      e != TransportError::no_error) {
    return e;
  }
  const std::uint64_t previous = stream->receive->highest_received();
  if (TransportError e = stream->receive->on_stream_frame(offset, data, fin);
      e != TransportError::no_error) {
    return e;
  }
  charge_credit(*stream, previous);
  return TransportError::no_error;
}

TransportError StreamMap::on_reset_stream(StreamId id, std::uint64_t app_error_code,
                                          std::uint64_t final_size) {
  // RFC 9000 §19.4: RESET_STREAM on a send-only stream.
  if (!id.can_receive(self_)) return TransportError::stream_state_error;
  Stream* stream = nullptr;
  if (TransportError e = resolve(id, stream); e != TransportError::no_error) return e;
  if (!stream) return TransportError::no_error;
  if (TransportError e = check_credit(*stream, final_size); e != TransportError::no_error) {
    return e;
  }
  StreamReceiveBuffer& receive = *stream->receive;
  const std::uint64_t previous = receive.highest_received();
  if (TransportError e = receive.on_reset(final_size, app_error_code);
      e != TransportError::no_error) {
    return e;
  }
  charge_credit(*stream, previous);
  if (receive.state() == RecvState::reset_recvd) {
    // RFC 9000 §4.5: the bytes up to the final size will never be read; their
    // connection-level credit comes back now.
    connection_receive_.on_consumed(final_size - receive.read_offset());
  }
  return TransportError::no_error;
}

TransportError StreamMap::on_stop_sending(StreamId id, std::uint64_t app_error_code) {
  // RFC 9000 §19.5: STOP_SENDING on a receive-only stream.
  if (!id.can_send(self_)) return TransportError::stream_state_error;
  Stream* stream = nullptr;
  if (TransportError e = resolve(id, stream); e != TransportError::no_error) return e;
  if (stream) stream->send->on_stop_sending(app_error_code);
  return TransportError::no_error;
}

TransportError StreamMap::on_max_stream_data(StreamId id, std::uint64_t max) {
  // RFC 9000 §19.10: MAX_STREAM_DATA on a receive-only stream.
  if (!id.can_send(self_)) return TransportError::stream_state_error;
  Stream* stream = nullptr;
  if (TransportError e = resolve(id, stream); e != TransportError::no_error) return e;
  if (stream) stream->send_credit.on_limit(max);
  return TransportError::no_error;
}

TransportError StreamMap::on_stream_data_blocked(StreamId id) {
  // RFC 9000 §19.13: STREAM_DATA_BLOCKED on a send-only stream.
  if (!id.can_receive(self_)) return TransportError::stream_state_error;
  Stream* stream = nullptr;
  return resolve(id, stream);
}

TransportError StreamMap::on_max_streams(StreamDirection direction, std::uint64_t max) {
  return local_limit(direction).on_max_streams(max);
}

std::size_t StreamMap::read(StreamId id, std::span<std::uint8_t> out) {
  Stream* stream = find(id);
  if (!stream || !stream->receive) return 0;
  const std::size_t n = stream->receive->read(out);
  stream->receive_credit.on_consumed(n);
  connection_receive_.on_consumed(n);
  return n;
}

std::optional<StreamSendBuffer::Chunk> StreamMap::emit(StreamId id, std::uint64_t max_bytes) {
  Stream* stream = find(id);
  if (!stream || !stream->send) return std::nullopt;
  StreamSendBuffer& send = *stream->send;
  // New bytes may go up to the stream's limit and as far as the connection's
  // remaining credit reaches.
  const std::uint64_t limit =
      std::min(stream->send_credit.limit(), send.bytes_sent() + connection_send_.available());
  std::optional<StreamSendBuffer::Chunk> chunk = send.emit(max_bytes, limit);
  if (chunk) {
    stream->send_credit.consume(chunk->new_bytes);
    connection_send_.consume(chunk->new_bytes);
  }
  return chunk;
}

void StreamMap::release_ended() {
  for (auto it = streams_.begin(); it != streams_.end();) {
    if (!it->second.ended()) {
      ++it;
      continue;
    }
    const StreamId id = it->second.id;
    if (!id.is_local(self_)) remote_limit(id.direction()).on_stream_closed();
    it = streams_.erase(it);
  }
}

}  // namespace adieu::quic
