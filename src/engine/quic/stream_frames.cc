#include "engine/quic/stream_frames.h"

#include <algorithm>
#include <array>

namespace adieu::quic {

namespace {

constexpr std::array<StreamDirection, 2> kDirections = {StreamDirection::bidirectional,
                                                        StreamDirection::unidirectional};

std::size_t dir_index(StreamDirection d) {
  return static_cast<std::size_t>(d);
}

// Whether the receive part still expects data (RFC 9000 §3.2 Recv or Size
// Known): STOP_SENDING is worth sending (and re-sending, §13.3) only then.
bool still_receiving(const StreamReceiveBuffer& r) {
  return r.state() == RecvState::recv || r.state() == RecvState::size_known;
}

// Writes `frame` if it fits in `room`, which it then reduces.
bool put(wire::Writer& w, std::size_t& room, const Frame& frame) {
  std::vector<std::uint8_t> bytes;
  wire::Writer scratch(bytes);
  write_frame(scratch, frame);
  if (!scratch.ok() || bytes.size() > room) return false;
  w.bytes(bytes);
  room -= bytes.size();
  return true;
}

// The largest payload length L whose Length field and bytes fit in `avail`
// bytes: varint_size(L) + L <= avail. Meaningful for avail >= 1.
std::uint64_t fit_length(std::size_t avail) {
  std::uint64_t best = 0;
  constexpr std::array<std::pair<std::size_t, std::uint64_t>, 4> kSizes = {
      {{1, (1u << 6) - 1},
       {2, (1u << 14) - 1},
       {4, (std::uint64_t{1} << 30) - 1},
       {8, wire::kMaxVarint}}};
  for (const auto& [size, largest] : kSizes) {
    if (avail < size) break;
    best = std::max(best, std::min<std::uint64_t>(avail - size, largest));
  }
  return best;
}

}  // namespace

StreamFrames::StreamFrames(Role self, const StreamParameters& local)
    : self_(self), streams_(self, local) {}

void StreamFrames::set_peer_parameters(const StreamParameters& peer) {
  streams_.set_peer_parameters(peer);
}

// --- frames from the peer

TransportError StreamFrames::on_frame(const Frame& frame) {
  const std::uint64_t bidi_before = streams_.remote_limit(StreamDirection::bidirectional).opened();
  const std::uint64_t uni_before = streams_.remote_limit(StreamDirection::unidirectional).opened();
  TransportError e = TransportError::no_error;
  std::optional<StreamId> touched;
  if (const auto* f = std::get_if<StreamFrame>(&frame)) {
    touched = StreamId{f->stream_id};
    e = streams_.on_stream_frame(*touched, f->offset, f->data, f->fin);
  } else if (const auto* f = std::get_if<ResetStreamFrame>(&frame)) {
    touched = StreamId{f->stream_id};
    e = streams_.on_reset_stream(*touched, f->error_code, f->final_size);
  } else if (const auto* f = std::get_if<StopSendingFrame>(&frame)) {
    const StreamId id{f->stream_id};
    e = streams_.on_stop_sending(id, f->error_code);
    Stream* s = e == TransportError::no_error ? streams_.find(id) : nullptr;
    // RFC 9000 §3.5: answer with RESET_STREAM carrying the peer's code.
    if (s && s->send && s->send->reset(f->error_code)) {
      reset_by_peer_.insert(id.value);
      reset_owed_.insert(id.value);
      sendable_.erase(id.value);
      retransmit_.erase(id.value);
    }
  } else if (const auto* f = std::get_if<MaxDataFrame>(&frame)) {
    streams_.on_max_data(f->maximum_data);
  } else if (const auto* f = std::get_if<MaxStreamDataFrame>(&frame)) {
    e = streams_.on_max_stream_data(StreamId{f->stream_id}, f->maximum_stream_data);
  } else if (const auto* f = std::get_if<MaxStreamsFrame>(&frame)) {
    e = streams_.on_max_streams(
        f->bidirectional ? StreamDirection::bidirectional : StreamDirection::unidirectional,
        f->maximum_streams);
  } else if (const auto* f = std::get_if<StreamDataBlockedFrame>(&frame)) {
    // Nothing is owed in return (our updates follow what the application
    // reads), so a peer repeating it makes nothing grow.
    e = streams_.on_stream_data_blocked(StreamId{f->stream_id});
  } else if (const auto* f = std::get_if<StreamsBlockedFrame>(&frame)) {
    // RFC 9000 §19.14; the parser refuses it too.
    if (f->maximum_streams > kMaxStreamCount) e = TransportError::frame_encoding_error;
  }
  // DATA_BLOCKED and frames that are not about streams change nothing here.
  // A refused frame may still have opened the streams it named (StreamMap
  // opens them before judging the frame): they are offered all the same.
  note_incoming(bidi_before, uni_before);
  if (e != TransportError::no_error) return e;
  if (touched) after_receive(*touched);
  return TransportError::no_error;
}

void StreamFrames::note_incoming(std::uint64_t bidi_before, std::uint64_t uni_before) {
  const Role peer = self_ == Role::client ? Role::server : Role::client;
  for (StreamDirection d : kDirections) {
    const std::uint64_t before = d == StreamDirection::bidirectional ? bidi_before : uni_before;
    const std::uint64_t now = streams_.remote_limit(d).opened();
    for (std::uint64_t i = before; i < now; ++i) {
      incoming_.insert(StreamId::make(peer, d, i).value);
    }
  }
}

void StreamFrames::after_receive(StreamId id) {
  Stream* s = streams_.find(id);
  if (!s || !s->receive) return;
  if (stop_sending_codes_.count(id.value)) {
    // The application asked for no more data: what arrives is discarded so
    // that its credit comes back and the receive part can end.
    if (s->receive->state() == RecvState::reset_recvd) {
      s->receive->on_reset_delivered();
    } else {
      std::array<std::uint8_t, 512> sink;
      while (streams_.read(id, sink) > 0) {
      }
      if (s->receive->state() == RecvState::data_recvd) (void)streams_.read(id, {});
    }
  }
  if (s->ended()) release_ended();
}

// --- the application

std::optional<StreamId> StreamFrames::open(StreamDirection direction) {
  Stream* s = streams_.open(direction);
  if (!s) return std::nullopt;
  return s->id;
}

std::size_t StreamFrames::write(StreamId id, std::span<const std::uint8_t> data) {
  Stream* s = streams_.find(id);
  if (!s || !s->send || !s->send->write(data)) return 0;
  if (!data.empty()) sendable_.insert(id.value);
  return data.size();
}

std::size_t StreamFrames::send_buffered(StreamId id) const {
  const Stream* s = streams_.find(id);
  return s && s->send ? s->send->buffered() : 0;
}

bool StreamFrames::conclude(StreamId id) {
  Stream* s = streams_.find(id);
  if (!s || !s->send || !s->send->finish()) return false;
  if (s->send->has_pending()) sendable_.insert(id.value);
  return true;
}

bool StreamFrames::reset(StreamId id, std::uint64_t app_error_code) {
  Stream* s = streams_.find(id);
  if (!s || !s->send || !s->send->reset(app_error_code)) return false;
  reset_owed_.insert(id.value);
  sendable_.erase(id.value);
  retransmit_.erase(id.value);
  return true;
}

bool StreamFrames::stop_sending(StreamId id, std::uint64_t app_error_code) {
  Stream* s = streams_.find(id);
  if (!s || !s->receive) return false;
  const RecvState state = s->receive->state();
  if (state != RecvState::recv && state != RecvState::size_known &&
      state != RecvState::data_recvd) {
    return false;  // ended, or reset by the peer
  }
  if (!stop_sending_codes_.emplace(id.value, app_error_code).second) return true;
  s->receive->on_stop_sending_sent();
  if (still_receiving(*s->receive)) stop_sending_owed_.insert(id.value);
  after_receive(id);
  return true;
}

std::size_t StreamFrames::read(StreamId id, std::span<std::uint8_t> out) {
  Stream* s = streams_.find(id);
  if (!s || !s->receive || stop_sending_codes_.count(id.value)) return 0;
  std::size_t n = 0;
  if (s->receive->state() == RecvState::reset_recvd) {
    s->receive->on_reset_delivered();
  } else {
    n = streams_.read(id, out);
    if (n > 0) window_candidates_.insert(id.value);
  }
  if (s->ended()) release_ended();
  return n;
}

std::size_t StreamFrames::readable(StreamId id) const {
  const Stream* s = streams_.find(id);
  if (!s || !s->receive || stop_sending_codes_.count(id.value)) return 0;
  return static_cast<std::size_t>(s->receive->readable());
}

StreamIoState StreamFrames::read_state_of(const Stream& s) const {
  RecvPartView view;
  if (s.receive) {
    view = s.receive->view();
    // Data we discarded after STOP_SENDING was never the application's.
    if (stop_sending_codes_.count(s.id.value)) return StreamIoState::reset_local;
  } else {
    view.exists = false;
  }
  return read_io_state(view, false);
}

StreamIoState StreamFrames::write_state_of(const Stream& s) const {
  SendPartView view;
  if (s.send) {
    view = s.send->view();
    if (reset_by_peer_.count(s.id.value)) return StreamIoState::reset_remote;
  } else {
    view.exists = false;
  }
  return write_io_state(view, false);
}

StreamIoState StreamFrames::read_state(StreamId id) const {
  if (const Stream* s = streams_.find(id)) return read_state_of(*s);
  auto it = ended_.find(id.value);
  return it == ended_.end() ? StreamIoState::none : it->second.read;
}

StreamIoState StreamFrames::write_state(StreamId id) const {
  if (const Stream* s = streams_.find(id)) return write_state_of(*s);
  auto it = ended_.find(id.value);
  return it == ended_.end() ? StreamIoState::none : it->second.write;
}

std::optional<std::uint64_t> StreamFrames::read_error_code(StreamId id) const {
  if (const Stream* s = streams_.find(id)) {
    return s->receive ? s->receive->reset_error_code() : std::nullopt;
  }
  auto it = ended_.find(id.value);
  return it == ended_.end() ? std::nullopt : it->second.read_error_code;
}

std::optional<std::uint64_t> StreamFrames::write_error_code(StreamId id) const {
  if (const Stream* s = streams_.find(id)) {
    return s->send ? s->send->stop_sending_error_code() : std::nullopt;
  }
  auto it = ended_.find(id.value);
  return it == ended_.end() ? std::nullopt : it->second.write_error_code;
}

std::optional<StreamId> StreamFrames::take_incoming() {
  if (incoming_.empty()) return std::nullopt;
  const StreamId id{*incoming_.begin()};
  incoming_.erase(incoming_.begin());
  return id;
}

std::size_t StreamFrames::incoming_count() const {
  return incoming_.size();
}

// --- what is owed

bool StreamFrames::window_update_owed(const Stream& s) const {
  // RFC 9000 §13.3: no MAX_STREAM_DATA once the final size is known.
  if (!s.receive || s.receive->state() != RecvState::recv) return false;
  if (stop_sending_codes_.count(s.id.value)) return false;
  const ReceiveCredit& c = s.receive_credit;
  if (c.update_wanted() && c.next_limit() > c.limit()) return true;
  if (!window_resend_.count(s.id.value)) return false;
  auto acked = window_acked_.find(s.id.value);
  return acked == window_acked_.end() || acked->second < c.limit();
}

bool StreamFrames::max_data_owed() const {
  const ReceiveCredit& c = streams_.connection_receive_credit();
  if (c.update_wanted() && c.next_limit() > c.limit()) return true;
  return max_data_resend_ && max_data_acked_ < c.limit();
}

bool StreamFrames::max_streams_owed(StreamDirection d) const {
  const RemoteStreamLimit& limit = streams_.remote_limit(d);
  if (limit.update_wanted()) return true;
  return max_streams_resend_[dir_index(d)] && max_streams_acked_[dir_index(d)] < limit.max();
}

bool StreamFrames::stream_data_waiting(const Stream& s) const {
  // New bytes that the stream's own credit would let through.
  return s.send && s.send->state() != SendState::reset_sent &&
         s.send->state() != SendState::reset_recvd &&
         s.send->bytes_sent() < s.send->bytes_written() &&
         s.send_credit.limit() > s.send->bytes_sent();
}

bool StreamFrames::data_blocked_owed() const {
  if (!streams_.connection_send_credit().blocked_frame_wanted()) return false;
  return std::any_of(sendable_.begin(), sendable_.end(), [&](std::uint64_t id) {
    const Stream* s = streams_.find(StreamId{id});
    return s && stream_data_waiting(*s);
  });
}

bool StreamFrames::stream_data_blocked_owed(const Stream& s) const {
  return s.send && s.send->blocked(s.send_credit.limit()) && s.send_credit.blocked_frame_wanted();
}

bool StreamFrames::can_emit(const Stream& s) const {
  if (!s.send || !s.send->has_pending()) return false;
  if (s.send->has_lost()) return true;
  const std::uint64_t sent = s.send->bytes_sent();
  if (sent == s.send->bytes_written()) return true;  // a FIN alone
  return s.send_credit.limit() > sent && streams_.connection_send_credit().available() > 0;
}

bool StreamFrames::wants_to_send() const {
  for (std::uint64_t id : reset_owed_) {
    const Stream* s = streams_.find(StreamId{id});
    if (s && s->send && s->send->state() == SendState::reset_sent) return true;
  }
  for (std::uint64_t id : stop_sending_owed_) {
    const Stream* s = streams_.find(StreamId{id});
    if (s && s->receive && still_receiving(*s->receive)) return true;
  }
  if (max_data_owed() || data_blocked_owed()) return true;
  for (StreamDirection d : kDirections) {
    if (max_streams_owed(d) || streams_.local_limit(d).blocked_frame_wanted()) return true;
  }
  for (std::uint64_t id : window_candidates_) {
    const Stream* s = streams_.find(StreamId{id});
    if (s && window_update_owed(*s)) return true;
  }
  for (std::uint64_t id : sendable_) {
    const Stream* s = streams_.find(StreamId{id});
    if (s && (can_emit(*s) || stream_data_blocked_owed(*s))) return true;
  }
  return false;
}

// --- the packet builder

std::size_t StreamFrames::write_frames(wire::Writer& writer, std::size_t budget,
                                       StreamFramesSent& sent) {
  if (!writer.ok()) return 0;
  std::size_t room = budget;
  write_control_frames(writer, room, sent);
  write_blocked_frames(writer, room, sent);

  // Lost data first (RFC 9000 §13.3), stream by stream.
  for (auto it = retransmit_.begin(); it != retransmit_.end();) {
    Stream* s = streams_.find(StreamId{*it});
    if (!s || !s->send || !s->send->has_lost()) {
      it = retransmit_.erase(it);
      continue;
    }
    if (!write_stream_frame(writer, room, *s, sent)) {
      ++it;
      continue;
    }
  }

  // New data, one frame per stream in turn, starting after the stream that
  // was served last.
  bool progress = true;
  std::vector<std::uint64_t> order;
  while (progress && room > 0 && !sendable_.empty()) {
    progress = false;
    order.clear();
    auto start =
        round_robin_after_ ? sendable_.upper_bound(*round_robin_after_) : sendable_.begin();
    order.insert(order.end(), start, sendable_.end());
    order.insert(order.end(), sendable_.begin(), start);
    for (std::uint64_t id : order) {
      Stream* s = streams_.find(StreamId{id});
      if (!s || !s->send || !s->send->has_pending()) {
        sendable_.erase(id);
        continue;
      }
      if (write_stream_frame(writer, room, *s, sent)) {
        progress = true;
        round_robin_after_ = id;
      }
    }
  }
  return budget - room;
}

bool StreamFrames::write_stream_frame(wire::Writer& w, std::size_t& room, Stream& stream,
                                      StreamFramesSent& sent) {
  const std::uint64_t id = stream.id.value;
  const std::uint64_t offset = stream.send->next_offset();
  // Type byte, Stream ID, Offset (absent at 0), then Length and the bytes.
  const std::size_t header =
      1 + wire::varint_size(id) + (offset != 0 ? wire::varint_size(offset) : 0);
  if (room < header + 1) return false;
  const std::uint64_t max_bytes = fit_length(room - header);
  std::optional<StreamSendBuffer::Chunk> chunk = streams_.emit(stream.id, max_bytes);
  if (!chunk) return false;
  StreamFrame frame;
  frame.stream_id = id;
  frame.offset = chunk->offset;
  frame.has_offset = chunk->offset != 0;
  frame.data = chunk->data;
  frame.fin = chunk->fin;
  frame.has_length = true;
  const std::size_t before = w.size();
  write_frame(w, frame);
  room -= w.size() - before;
  sent.data.push_back({id, chunk->offset, chunk->data.size(), chunk->fin});
  return true;
}

void StreamFrames::write_control_frames(wire::Writer& w, std::size_t& room,
                                        StreamFramesSent& sent) {
  for (auto it = reset_owed_.begin(); it != reset_owed_.end();) {
    const Stream* s = streams_.find(StreamId{*it});
    if (!s || !s->send || s->send->state() != SendState::reset_sent) {
      it = reset_owed_.erase(it);
      continue;
    }
    // The final size is every byte ever sent (RFC 9000 §4.5).
    const ResetStreamFrame f{*it, s->send->reset_error_code().value_or(0), s->send->bytes_sent()};
    if (!put(w, room, f)) {
      ++it;
      continue;
    }
    sent.resets.push_back(*it);
    it = reset_owed_.erase(it);
  }

  for (auto it = stop_sending_owed_.begin(); it != stop_sending_owed_.end();) {
    const Stream* s = streams_.find(StreamId{*it});
    auto code = stop_sending_codes_.find(*it);
    if (!s || !s->receive || !still_receiving(*s->receive) || code == stop_sending_codes_.end()) {
      it = stop_sending_owed_.erase(it);
      continue;
    }
    if (!put(w, room, StopSendingFrame{*it, code->second})) {
      ++it;
      continue;
    }
    sent.stop_sendings.push_back(*it);
    it = stop_sending_owed_.erase(it);
  }

  // Window updates carry the current limit, or a larger one if the window
  // moved meanwhile; a retransmission is the same (RFC 9000 §13.3).
  if (max_data_owed()) {
    ReceiveCredit& c = streams_.connection_receive_credit();
    const std::uint64_t value = std::max(c.limit(), c.next_limit());
    if (put(w, room, MaxDataFrame{value})) {
      c.on_update_sent();
      max_data_resend_ = false;
      sent.max_data = true;
      sent.max_data_value = value;
    }
  }

  for (auto it = window_candidates_.begin(); it != window_candidates_.end();) {
    Stream* s = streams_.find(StreamId{*it});
    if (!s || !window_update_owed(*s)) {
      window_resend_.erase(*it);
      it = window_candidates_.erase(it);
      continue;
    }
    ReceiveCredit& c = s->receive_credit;
    const std::uint64_t value = std::max(c.limit(), c.next_limit());
    if (!put(w, room, MaxStreamDataFrame{*it, value})) {
      ++it;
      continue;
    }
    c.on_update_sent();
    sent.max_stream_data.push_back(*it);
    sent.max_stream_data_values.push_back(value);
    window_resend_.erase(*it);
    it = window_candidates_.erase(it);
  }

  for (StreamDirection d : kDirections) {
    if (!max_streams_owed(d)) continue;
    RemoteStreamLimit& limit = streams_.remote_limit(d);
    const std::uint64_t value = std::max(limit.max(), limit.next_max());
    const bool bidi = d == StreamDirection::bidirectional;
    if (!put(w, room, MaxStreamsFrame{bidi, value})) continue;
    limit.on_update_sent();
    max_streams_resend_[dir_index(d)] = false;
    (bidi ? sent.max_streams_bidi : sent.max_streams_uni) = true;
    (bidi ? sent.max_streams_bidi_value : sent.max_streams_uni_value) = value;
  }
}

void StreamFrames::write_blocked_frames(wire::Writer& w, std::size_t& room,
                                        StreamFramesSent& sent) {
  // RFC 9000 §4.1: once per limit that stops us, again only if lost while
  // the limit still stops us.
  if (data_blocked_owed()) {
    SendCredit& c = streams_.connection_send_credit();
    if (put(w, room, DataBlockedFrame{c.limit()})) {
      c.on_blocked_frame_sent();
      sent.blocked = true;
      sent.data_blocked_at = c.limit();
    }
  }
  for (std::uint64_t id : sendable_) {
    Stream* s = streams_.find(StreamId{id});
    if (!s || !stream_data_blocked_owed(*s)) continue;
    if (!put(w, room, StreamDataBlockedFrame{id, s->send_credit.limit()})) continue;
    s->send_credit.on_blocked_frame_sent();
    sent.blocked = true;
    sent.stream_data_blocked_at.emplace_back(id, s->send_credit.limit());
  }
  for (StreamDirection d : kDirections) {
    LocalStreamLimit& limit = streams_.local_limit(d);
    if (!limit.blocked_frame_wanted()) continue;
    const bool bidi = d == StreamDirection::bidirectional;
    if (!put(w, room, StreamsBlockedFrame{bidi, limit.max()})) continue;
    limit.on_blocked_frame_sent();
    sent.blocked = true;
    (bidi ? sent.streams_blocked_bidi_at : sent.streams_blocked_uni_at) = limit.max();
  }
}

// --- acknowledgments and losses

void StreamFrames::on_acked(const StreamFramesSent& sent) {
  bool ended = false;
  for (const StreamFramesSent::StreamData& d : sent.data) {
    Stream* s = streams_.find(StreamId{d.stream_id});
    if (!s || !s->send) continue;
    s->send->on_acked(d.offset, d.length, d.fin);
    ended = ended || s->ended();
  }
  for (std::uint64_t id : sent.resets) {
    Stream* s = streams_.find(StreamId{id});
    if (!s || !s->send) continue;
    s->send->on_reset_acked();
    ended = ended || s->ended();
  }
  for (std::size_t i = 0; i < sent.max_stream_data.size(); ++i) {
    const std::uint64_t id = sent.max_stream_data[i];
    if (i >= sent.max_stream_data_values.size() || !streams_.find(StreamId{id})) continue;
    std::uint64_t& acked = window_acked_[id];
    acked = std::max(acked, sent.max_stream_data_values[i]);
  }
  if (sent.max_data) max_data_acked_ = std::max(max_data_acked_, sent.max_data_value);
  if (sent.max_streams_bidi) {
    std::uint64_t& acked = max_streams_acked_[dir_index(StreamDirection::bidirectional)];
    acked = std::max(acked, sent.max_streams_bidi_value);
  }
  if (sent.max_streams_uni) {
    std::uint64_t& acked = max_streams_acked_[dir_index(StreamDirection::unidirectional)];
    acked = std::max(acked, sent.max_streams_uni_value);
  }
  if (ended) release_ended();
}

void StreamFrames::on_lost(const StreamFramesSent& sent) {
  for (const StreamFramesSent::StreamData& d : sent.data) {
    Stream* s = streams_.find(StreamId{d.stream_id});
    if (!s || !s->send) continue;
    // A reset stream's data is not sent again: the buffer ignores it.
    s->send->on_lost(d.offset, d.length, d.fin);
    if (s->send->has_lost()) {
      retransmit_.insert(d.stream_id);
      sendable_.insert(d.stream_id);
    }
  }
  for (std::uint64_t id : sent.resets) {
    const Stream* s = streams_.find(StreamId{id});
    if (s && s->send && s->send->state() == SendState::reset_sent) reset_owed_.insert(id);
  }
  for (std::uint64_t id : sent.stop_sendings) {
    const Stream* s = streams_.find(StreamId{id});
    if (s && s->receive && still_receiving(*s->receive) && stop_sending_codes_.count(id)) {
      stop_sending_owed_.insert(id);
    }
  }
  for (std::uint64_t id : sent.max_stream_data) {
    const Stream* s = streams_.find(StreamId{id});
    if (!s || !s->receive) continue;
    window_resend_.insert(id);
    window_candidates_.insert(id);
  }
  if (sent.max_data) max_data_resend_ = true;
  if (sent.max_streams_bidi) max_streams_resend_[dir_index(StreamDirection::bidirectional)] = true;
  if (sent.max_streams_uni) max_streams_resend_[dir_index(StreamDirection::unidirectional)] = true;
  if (sent.data_blocked_at) {
    streams_.connection_send_credit().on_blocked_frame_lost(*sent.data_blocked_at);
  }
  for (const auto& [id, limit] : sent.stream_data_blocked_at) {
    if (Stream* s = streams_.find(StreamId{id})) s->send_credit.on_blocked_frame_lost(limit);
  }
  if (sent.streams_blocked_bidi_at) {
    streams_.local_limit(StreamDirection::bidirectional)
        .on_blocked_frame_lost(*sent.streams_blocked_bidi_at);
  }
  if (sent.streams_blocked_uni_at) {
    streams_.local_limit(StreamDirection::unidirectional)
        .on_blocked_frame_lost(*sent.streams_blocked_uni_at);
  }
}

void StreamFrames::release_ended() {
  for (const auto& [value, s] : streams_.all()) {
    if (!s.ended()) continue;
    EndedStream& e = ended_[value];
    e.read = read_state_of(s);
    e.write = write_state_of(s);
    e.read_error_code = s.receive ? s.receive->reset_error_code() : std::nullopt;
    e.write_error_code = s.send ? s.send->stop_sending_error_code() : std::nullopt;
    if (ended_.size() > kEndedStreamsKept) ended_.erase(ended_.begin());
    reset_owed_.erase(value);
    stop_sending_owed_.erase(value);
    window_candidates_.erase(value);
    window_resend_.erase(value);
    window_acked_.erase(value);
    stop_sending_codes_.erase(value);
    reset_by_peer_.erase(value);
    incoming_.erase(value);  // the application ended it by its ID already
    sendable_.erase(value);
    retransmit_.erase(value);
  }
  streams_.release_ended();
}

}  // namespace adieu::quic
