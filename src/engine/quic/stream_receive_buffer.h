// StreamReceiveBuffer: the receive part of one stream (RFC 9000 §2.2, §3.2).
//
// STREAM frames arrive in any order, overlapping, duplicated; the buffer
// keeps each byte once (the first copy received) and hands the application
// the bytes in order. It enforces the final size rules of RFC 9000 §4.5
// (FINAL_SIZE_ERROR) and walks the states of §3.2: Recv -> Size Known (FIN
// received) -> Data Recvd (every byte received) -> Data Read (the
// application read the FIN), or Reset Recvd -> Reset Read after
// RESET_STREAM.
//
// Flow control is the caller's: before handing a frame over it checks the
// frame's end against the credit it gave (RFC 9000 §4.1); highest_received()
// says how far the peer has used it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "engine/quic/flow_control.h"
#include "engine/quic/stream_state.h"
#include "engine/quic/transport_error.h"

namespace adieu::quic {

class StreamReceiveBuffer {
 public:
  // A STREAM frame's payload at `offset`, carrying FIN or not. Errors:
  // final_size_error for bytes past a known final size, a FIN whose final
  // size differs from one known, or a final size below bytes already
  // received; frame_encoding_error past 2^62 - 1 (RFC 9000 §19.8). After an
  // error nothing was changed.
  TransportError on_stream_frame(std::uint64_t offset, std::span<const std::uint8_t> data,
                                 bool fin);
  // RESET_STREAM with `final_size` (RFC 9000 §19.4); the same final size
  // checks. Buffered data is dropped.
  TransportError on_reset(std::uint64_t final_size, std::uint64_t app_error_code);

  // Copies up to out.size() bytes, in order, into `out`; returns how many.
  // Reading the last byte of a stream whose FIN arrived (or calling with
  // nothing left once it has) moves to Data Read.
  std::size_t read(std::span<std::uint8_t> out);
  // The application was told of the reset (Reset Recvd -> Reset Read).
  void on_reset_delivered();
  // We sent STOP_SENDING (recorded for the OpenSSL-style state).
  void on_stop_sending_sent() { stop_sending_sent_ = true; }

  RecvState state() const { return state_; }
  RecvPartView view() const;
  // Bytes that read() would return now.
  std::uint64_t readable() const;
  // True once every byte was read and the FIN was seen.
  bool finished() const { return state_ == RecvState::data_read; }
  // Stream offset of the next byte read() returns.
  std::uint64_t read_offset() const { return read_offset_; }
  // The largest offset + length seen: the flow-control credit used.
  std::uint64_t highest_received() const { return highest_received_; }
  std::optional<std::uint64_t> final_size() const { return final_size_; }
  std::optional<std::uint64_t> reset_error_code() const { return reset_code_; }
  // Bytes held, received but not read.
  std::size_t buffered() const { return buffered_; }

 private:
  TransportError check_final_size(std::uint64_t end, bool fin) const;
  void insert(std::uint64_t offset, std::span<const std::uint8_t> data);
  void update_data_recvd();

  struct Piece {
    std::vector<std::uint8_t> bytes;
    std::size_t consumed = 0;  // bytes already read from the front
  };
  // Disjoint pieces keyed by the stream offset of bytes[0]; only the first
  // piece may be partly consumed.
  std::map<std::uint64_t, Piece> pieces_;
  std::size_t buffered_ = 0;
  std::uint64_t read_offset_ = 0;
  std::uint64_t highest_received_ = 0;
  // Every byte below this was received (read or buffered).
  std::uint64_t contiguous_end_ = 0;
  std::optional<std::uint64_t> final_size_;
  std::optional<std::uint64_t> reset_code_;
  RecvState state_ = RecvState::recv;
  bool stop_sending_sent_ = false;
};

}  // namespace adieu::quic
