#include "engine/quic/stream_send_buffer.h"

#include <algorithm>

namespace adieu::quic {

bool StreamSendBuffer::write(std::span<const std::uint8_t> data) {
  if (fin_ || reset_code_) return false;
  if (data.size() > kMaxStreamLength - write_end_) return false;
  data_.insert(data_.end(), data.begin(), data.end());
  write_end_ += data.size();
  return true;
}

bool StreamSendBuffer::finish() {
  if (reset_code_) return false;
  fin_ = true;
  return true;
}

std::optional<std::uint64_t> StreamSendBuffer::reset(std::uint64_t app_error_code) {
  if (reset_code_ || state_ == SendState::data_recvd) return std::nullopt;
  reset_code_ = app_error_code;
  state_ = SendState::reset_sent;
  data_.clear();
  data_.shrink_to_fit();
  head_ = 0;
  lost_.clear();
  fin_lost_ = false;
  return sent_end_;
}

std::optional<StreamSendBuffer::Chunk> StreamSendBuffer::emit(std::uint64_t max_bytes,
                                                              std::uint64_t flow_limit) {
  if (reset_code_) return std::nullopt;
  Chunk chunk;
  if (!lost_.empty()) {
    // Retransmission: the oldest lost range first. These bytes were charged
    // to flow control when first sent.
    auto [start, end] = *lost_.begin();
    if (max_bytes == 0) return std::nullopt;
    end = std::min(end, start + max_bytes);
    lost_.erase(start, end);
    chunk.offset = start;
    chunk.data = std::span<const std::uint8_t>(data_).subspan(head_ + (start - base_), end - start);
    // A lost FIN travels with the stream's last bytes.
    if (fin_lost_ && end == write_end_) {
      chunk.fin = true;
      fin_lost_ = false;
    }
  } else {
    const std::uint64_t limit = std::min(flow_limit, write_end_);
    const std::uint64_t room = limit > sent_end_ ? limit - sent_end_ : 0;
    const std::uint64_t length = std::min(room, max_bytes);
    const bool fin_fits = fin_ && sent_end_ + length == write_end_ && (!fin_sent_ || fin_lost_);
    if (length == 0 && !fin_fits) return std::nullopt;
    chunk.offset = sent_end_;
    chunk.data = std::span<const std::uint8_t>(data_).subspan(head_ + (sent_end_ - base_), length);
    chunk.new_bytes = length;
    chunk.fin = fin_fits;
    sent_end_ += length;
    if (fin_fits) fin_lost_ = false;
  }
  if (chunk.fin) fin_sent_ = true;
  if (state_ == SendState::ready) state_ = SendState::send;
  if (chunk.fin && state_ == SendState::send) state_ = SendState::data_sent;
  return chunk;
}

void StreamSendBuffer::on_acked(std::uint64_t offset, std::uint64_t length, bool fin) {
  if (reset_code_) return;
  const std::uint64_t end = std::min(offset + length, sent_end_);
  if (offset < end) {
    acked_.insert(offset, end);
    lost_.erase(offset, end);
  }
  if (fin) {
    fin_acked_ = true;
    fin_lost_ = false;
  }
  free_acked_prefix();
  check_all_acked();
}

void StreamSendBuffer::on_lost(std::uint64_t offset, std::uint64_t length, bool fin) {
  if (reset_code_) return;
  const std::uint64_t end = std::min(offset + length, sent_end_);
  // Only what is still unacknowledged goes back in the queue. acked_ holds
  // only ranges above the freed prefix, so it stays short.
  const std::uint64_t start = std::max(offset, base_);
  if (start < end) {
    lost_.insert(start, end);
    for (const auto& [s, e] : acked_) lost_.erase(s, e);
  }
  if (fin && !fin_acked_) fin_lost_ = true;
}

void StreamSendBuffer::on_reset_acked() {
  if (state_ == SendState::reset_sent) state_ = SendState::reset_recvd;
}

void StreamSendBuffer::on_stop_sending(std::uint64_t app_error_code) {
  if (!stop_sending_code_) stop_sending_code_ = app_error_code;
}

SendPartView StreamSendBuffer::view() const {
  SendPartView v;
  v.state = state_;
  v.stop_sending_received = stop_sending_code_.has_value();
  v.fin_queued = fin_;
  return v;
}

bool StreamSendBuffer::has_pending() const {
  if (reset_code_) return false;
  return !lost_.empty() || sent_end_ < write_end_ || fin_lost_ || (fin_ && !fin_sent_);
}

bool StreamSendBuffer::blocked(std::uint64_t flow_limit) const {
  return !reset_code_ && sent_end_ < write_end_ && sent_end_ >= flow_limit;
}

void StreamSendBuffer::free_acked_prefix() {
  const std::uint64_t acked_to = acked_.contiguous_end(base_);
  if (acked_to == base_) return;
  head_ += acked_to - base_;
  base_ = acked_to;
  acked_.erase_below(base_);
  // Compact when the freed prefix is at least half the storage, so each
  // byte is moved a bounded number of times.
  if (head_ == data_.size()) {
    data_.clear();
    head_ = 0;
  } else if (head_ >= data_.size() / 2) {
    data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void StreamSendBuffer::check_all_acked() {
  if (state_ == SendState::data_sent && fin_acked_ && base_ == write_end_) {
    state_ = SendState::data_recvd;
    data_.clear();
    data_.shrink_to_fit();
    head_ = 0;
  }
}

}  // namespace adieu::quic
