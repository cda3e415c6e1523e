// CRYPTO streams (crypto_stream.h).
#include "engine/quic/crypto_stream.h"

#include <algorithm>

#include "messages/handshake_types.h"

namespace adieu::quic {

void HandshakeMessageSplitter::append(std::span<const uint8_t> bytes) {
  if (start_ == bytes_.size()) {
    bytes_.clear();  // everything taken: start again at the front
    start_ = 0;
  } else if (start_ > bytes_.size() / 2) {
    bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<ptrdiff_t>(start_));
    start_ = 0;
  }
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

std::optional<HandshakeMessageHeader> HandshakeMessageSplitter::front_header() const {
  if (buffered() < messages::kHandshakeHeaderSize) return std::nullopt;
  const uint8_t* p = bytes_.data() + start_;
  return HandshakeMessageHeader{p[0], (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3]};
}

std::span<const uint8_t> HandshakeMessageSplitter::front_message() const {
  const std::optional<HandshakeMessageHeader> header = front_header();
  if (!header) return {};
  const size_t total = messages::kHandshakeHeaderSize + header->length;
  if (buffered() < total) return {};
  return {bytes_.data() + start_, total};
}

void HandshakeMessageSplitter::pop_front() {
  start_ += front_message().size();
  if (start_ == bytes_.size()) {
    std::vector<uint8_t>().swap(bytes_);  // idle: hold no buffer
    start_ = 0;
  }
}

TransportError CryptoStream::on_crypto_frame(uint64_t offset, std::span<const uint8_t> data) {
  const uint64_t in_order = received_.read_offset();
  if (offset > in_order + kMaxCryptoBuffer || data.size() > in_order + kMaxCryptoBuffer - offset) {
    return TransportError::crypto_buffer_exceeded;
  }
  if (const TransportError err = received_.on_stream_frame(offset, data, false);
      err != TransportError::no_error) {
    return err;
  }
  const uint64_t readable = received_.readable();
  if (readable == 0) return TransportError::no_error;
  std::vector<uint8_t> bytes(static_cast<size_t>(readable));
  const size_t n = received_.read(bytes);
  messages_.append(std::span<const uint8_t>(bytes).first(n));
  return TransportError::no_error;
}

void CryptoStream::append_outgoing(std::span<const uint8_t> message) {
  if (out_pos_ == out_.size()) {
    out_offset_ += out_pos_;
    out_.clear();
    out_pos_ = 0;
  }
  out_.insert(out_.end(), message.begin(), message.end());
}

void CryptoStream::consume(size_t n) {
  out_pos_ += std::min(n, out_.size() - out_pos_);
  if (out_pos_ == out_.size()) {
    out_offset_ += out_pos_;
    std::vector<uint8_t>().swap(out_);
    out_pos_ = 0;
  }
}

void CryptoStream::clear_outgoing() {
  consume(out_.size());
}

}  // namespace adieu::quic
