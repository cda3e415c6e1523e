// H3Transport over an adieu::quic::Connection: what the tools' HTTP/3
// sessions use on a real connection.
#pragma once

#include <adieu/quic.h>

#include "h3_transport.h"

namespace adieu::tools {

class H3QuicTransport : public H3Transport {
 public:
  // `send_buffer` bounds the bytes queued and not yet acknowledged on each
  // stream (Connection::write queues whatever it is given).
  explicit H3QuicTransport(quic::Connection& connection, size_t send_buffer = 256 * 1024)
      : connection_(connection), send_buffer_(send_buffer) {}

  std::optional<uint64_t> open_stream(bool bidirectional) override;
  std::optional<uint64_t> accept_stream() override;
  size_t write(uint64_t stream, std::span<const uint8_t> data) override;
  size_t writable(uint64_t stream) const override;
  bool conclude(uint64_t stream) override;
  H3Read read(uint64_t stream, std::span<uint8_t> out) override;
  // Nothing to do: the connection returns flow-control credit as the
  // application reads (docs/quic.md, stream_map).
  void consumed(uint64_t, size_t) override {}
  void reset_stream(uint64_t stream, uint64_t app_error_code) override;
  void stop_sending(uint64_t stream, uint64_t app_error_code) override;

 private:
  quic::Connection& connection_;
  size_t send_buffer_;
};

}  // namespace adieu::tools
