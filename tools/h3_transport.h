// The QUIC side as the tools' HTTP/3 layer (h3_session.h) needs it: streams
// opened, accepted, written, read and reset. Two implementations: the
// adapter over adieu::quic::Connection (h3_quic_transport.h) and an
// in-memory stream pair for tests (tests/tools).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace adieu::tools {

// What one read of a stream gave.
struct H3Read {
  size_t bytes = 0;  // bytes copied into the buffer
  // The peer's FIN was reached: these bytes are the last of the stream.
  bool fin = false;
  // The peer reset the stream (RESET_STREAM) with this application error
  // code: no more data will come.
  std::optional<uint64_t> reset;
};

class H3Transport {
 public:
  virtual ~H3Transport() = default;

  // Opens our next stream (RFC 9000 section 2.1); nullopt when none may be
  // opened now (stream limit, handshake not complete).
  virtual std::optional<uint64_t> open_stream(bool bidirectional) = 0;
  // The next stream the peer opened that was not accepted yet, or nullopt.
  virtual std::optional<uint64_t> accept_stream() = 0;

  // Queues bytes on a stream. Returns the bytes taken: fewer than offered
  // when the stream's send buffer is full (writable() says how much fits), 0
  // when the stream cannot be written. The transport keeps its own copy: the
  // caller's buffer is free once write() returns.
  virtual size_t write(uint64_t stream, std::span<const uint8_t> data) = 0;
  // How many bytes write() would take now.
  virtual size_t writable(uint64_t stream) const = 0;
  // Ends our side of the stream (a FIN after the queued bytes); false when
  // the stream cannot be concluded (reset, connection ending).
  virtual bool conclude(uint64_t stream) = 0;

  // Reads in-order bytes of a stream (nothing when none is there yet).
  virtual H3Read read(uint64_t stream, std::span<uint8_t> out) = 0;
  // The HTTP/3 layer is done with `bytes` more bytes it read from the
  // stream: the transport may give the peer that much flow-control credit
  // (RFC 9000 section 4.1).
  virtual void consumed(uint64_t stream, size_t bytes) = 0;

  // RESET_STREAM / STOP_SENDING with an HTTP/3 error code (RFC 9114
  // section 8.1).
  virtual void reset_stream(uint64_t stream, uint64_t app_error_code) = 0;
  virtual void stop_sending(uint64_t stream, uint64_t app_error_code) = 0;
};

}  // namespace adieu::tools
