#include "engine/quic/stream_receive_buffer.h"

#include <algorithm>
#include <cstring>
#include <iterator>

namespace adieu::quic {

TransportError StreamReceiveBuffer::check_final_size(std::uint64_t end, bool fin) const {
  // RFC 9000 §4.5.
  if (final_size_) {
    if (end > *final_size_) return TransportError::final_size_error;
    if (fin && end != *final_size_) return TransportError::final_size_error;
  } else if (fin && end < highest_received_) {
    return TransportError::final_size_error;
  }
  return TransportError::no_error;
}

TransportError StreamReceiveBuffer::on_stream_frame(std::uint64_t offset,
                                                    std::span<const std::uint8_t> data, bool fin) {
  if (offset > kMaxStreamLength || data.size() > kMaxStreamLength - offset) {
    return TransportError::frame_encoding_error;
  }
  const std::uint64_t end = offset + data.size();
  if (TransportError e = check_final_size(end, fin); e != TransportError::no_error) return e;
  highest_received_ = std::max(highest_received_, end);
  if (fin && !final_size_) {
    final_size_ = end;
    if (state_ == RecvState::recv) state_ = RecvState::size_known;
  }
  // After a reset or once everything arrived, data changes nothing.
  if (state_ != RecvState::recv && state_ != RecvState::size_known) return TransportError::no_error;
  insert(offset, data);
  update_data_recvd();
  return TransportError::no_error;
}

void StreamReceiveBuffer::insert(std::uint64_t offset, std::span<const std::uint8_t> data) {
  const std::uint64_t end = offset + data.size();
  // Bytes below the contiguous prefix are all known already.
  std::uint64_t pos = std::max(offset, contiguous_end_);
  if (pos >= end) return;
  // Skip what the piece starting at or before `pos` holds.
  auto it = pieces_.upper_bound(pos);
  if (it != pieces_.begin()) {
    auto prev = std::prev(it);
    pos = std::max(pos, prev->first + prev->second.bytes.size());
  }
  // Fill each gap between the following pieces; the first copy of a byte wins.
  while (pos < end) {
    const std::uint64_t gap_end = it == pieces_.end() ? end : std::min(it->first, end);
    if (gap_end > pos) {
      auto first = data.begin() + static_cast<std::ptrdiff_t>(pos - offset);
      auto last = data.begin() + static_cast<std::ptrdiff_t>(gap_end - offset);
      pieces_.emplace_hint(it, pos, Piece{std::vector<std::uint8_t>(first, last), 0});
      buffered_ += gap_end - pos;
    }
    if (it == pieces_.end() || it->first >= end) break;
    pos = it->first + it->second.bytes.size();
    ++it;
  }
  // Advance the contiguous prefix over pieces that now touch it.
  for (auto p = pieces_.lower_bound(contiguous_end_); p != pieces_.end(); ++p) {
    if (p->first != contiguous_end_) break;
    contiguous_end_ += p->second.bytes.size();
  }
}

void StreamReceiveBuffer::update_data_recvd() {
  if (state_ == RecvState::size_known && contiguous_end_ == *final_size_) {
    state_ = RecvState::data_recvd;
  }
  // The application may have read every byte before the final size arrived
  // (a FIN alone, after the data): nothing is left to read.
  if (state_ == RecvState::data_recvd && read_offset_ == *final_size_) {
    state_ = RecvState::data_read;
  }
}

TransportError StreamReceiveBuffer::on_reset(std::uint64_t final_size,
                                             std::uint64_t app_error_code) {
  if (final_size > kMaxStreamLength) return TransportError::frame_encoding_error;
  if (TransportError e = check_final_size(final_size, true); e != TransportError::no_error) {
    return e;
  }
  highest_received_ = std::max(highest_received_, final_size);
  final_size_ = final_size;
  // RFC 9000 §3.2: once all data arrived (or was read) the reset may be
  // ignored; the application gets its data and the FIN.
  if (state_ != RecvState::recv && state_ != RecvState::size_known) {
    return TransportError::no_error;
  }
  reset_code_ = app_error_code;
  state_ = RecvState::reset_recvd;
  pieces_.clear();
  buffered_ = 0;
  return TransportError::no_error;
}

std::size_t StreamReceiveBuffer::read(std::span<std::uint8_t> out) {
  if (state_ == RecvState::reset_recvd || state_ == RecvState::reset_read) return 0;
  std::size_t copied = 0;
  while (copied < out.size() && !pieces_.empty()) {
    auto it = pieces_.begin();
    if (it->first + it->second.consumed != read_offset_) break;  // a gap
    Piece& piece = it->second;
    const std::size_t n = std::min(out.size() - copied, piece.bytes.size() - piece.consumed);
    std::memcpy(out.data() + copied, piece.bytes.data() + piece.consumed, n);
    copied += n;
    piece.consumed += n;
    read_offset_ += n;
    buffered_ -= n;
    if (piece.consumed == piece.bytes.size()) pieces_.erase(it);
  }
  if (state_ == RecvState::data_recvd && read_offset_ == *final_size_) {
    state_ = RecvState::data_read;
  }
  return copied;
}

void StreamReceiveBuffer::on_reset_delivered() {
  if (state_ == RecvState::reset_recvd) state_ = RecvState::reset_read;
}

RecvPartView StreamReceiveBuffer::view() const {
  RecvPartView v;
  v.state = state_;
  v.stop_sending_sent = stop_sending_sent_;
  return v;
}

std::uint64_t StreamReceiveBuffer::readable() const {
  if (state_ == RecvState::reset_recvd || state_ == RecvState::reset_read) return 0;
  return contiguous_end_ - read_offset_;
}

}  // namespace adieu::quic
