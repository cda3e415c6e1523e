// The CRYPTO stream of one encryption level (RFC 9000 section 19.6, RFC
// 9001 section 4.1.3): the handshake bytes each way, with stream offsets.
//
// Received CRYPTO frames are reassembled in order (StreamReceiveBuffer:
// overlap and duplicates keep the first copy) and cut into whole TLS
// handshake messages (HandshakeMessageSplitter). What the handshake sends is
// kept until the packet layer takes it, with the offset its CRYPTO frame
// carries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/quic/stream_receive_buffer.h"
#include "engine/quic/transport_error.h"

namespace adieu::quic {

// The header of a handshake message (RFC 8446 section 4): type and length.
struct HandshakeMessageHeader {
  uint8_t type = 0;
  size_t length = 0;  // of the body, the 4-byte header excluded
};

// Cuts an in-order byte stream into whole handshake messages. Only the bytes
// of a message not yet whole are held.
class HandshakeMessageSplitter {
 public:
  void append(std::span<const uint8_t> bytes);
  // The header of the first message, once its 4 bytes have arrived; the
  // caller judges its length before the body is gathered.
  std::optional<HandshakeMessageHeader> front_header() const;
  // The first message (header included) when it is whole, else empty.
  std::span<const uint8_t> front_message() const;
  // Drops the first message (which must be whole).
  void pop_front();
  // Bytes held: a message still incomplete, or messages not yet taken.
  size_t buffered() const { return bytes_.size() - start_; }

 private:
  std::vector<uint8_t> bytes_;
  size_t start_ = 0;  // where the first message not yet taken begins
};

// The largest span of CRYPTO data we keep beyond what was handed to the
// handshake (RFC 9000 section 7.5 asks for at least 4096 bytes): above it,
// CRYPTO_BUFFER_EXCEEDED. A whole certificate chain fits.
inline constexpr uint64_t kMaxCryptoBuffer = uint64_t{1} << 16;

class CryptoStream {
 public:
  // --- receiving
  // A CRYPTO frame's data at `offset`. Errors: crypto_buffer_exceeded past
  // kMaxCryptoBuffer beyond the in-order data, frame_encoding_error past
  // 2^62 - 1. Nothing changes on an error.
  TransportError on_crypto_frame(uint64_t offset, std::span<const uint8_t> data);
  // The in-order bytes, cut into messages.
  HandshakeMessageSplitter& messages() { return messages_; }
  const HandshakeMessageSplitter& messages() const { return messages_; }
  // One past the highest offset received.
  uint64_t received_end() const { return received_.highest_received(); }

  // --- sending
  void append_outgoing(std::span<const uint8_t> message);
  // What the packet layer has not taken yet; its first byte is at offset
  // pending_offset() of the stream.
  std::span<const uint8_t> pending() const {
    return {out_.data() + out_pos_, out_.size() - out_pos_};
  }
  uint64_t pending_offset() const { return out_offset_ + out_pos_; }
  // The packet layer took `n` bytes (at most pending().size()).
  void consume(size_t n);
  // Drops everything unsent (the connection failed).
  void clear_outgoing();

 private:
  StreamReceiveBuffer received_;
  HandshakeMessageSplitter messages_;
  std::vector<uint8_t> out_;
  size_t out_pos_ = 0;
  uint64_t out_offset_ = 0;  // stream offset of out_[0]
};

}  // namespace adieu::quic
