#include "h3_quic_transport.h"

#include <algorithm>

namespace adieu::tools {

std::optional<uint64_t> H3QuicTransport::open_stream(bool bidirectional) {
  return connection_.open_stream(bidirectional);
}

std::optional<uint64_t> H3QuicTransport::accept_stream() {
  return connection_.accept_stream();
}

size_t H3QuicTransport::writable(uint64_t stream) const {
  if (connection_.write_state(stream) != quic::StreamPartState::ok) return 0;
  const size_t queued = connection_.send_buffered(stream);
  return queued >= send_buffer_ ? 0 : send_buffer_ - queued;
}

size_t H3QuicTransport::write(uint64_t stream, std::span<const uint8_t> data) {
  const size_t room = std::min(data.size(), writable(stream));
  if (room == 0) return 0;
  return connection_.write(stream, data.first(room));
}

bool H3QuicTransport::conclude(uint64_t stream) {
  return connection_.conclude(stream);
}

H3Read H3QuicTransport::read(uint64_t stream, std::span<uint8_t> out) {
  H3Read got;
  got.bytes = connection_.read(stream, out);
  switch (connection_.read_state(stream)) {
    case quic::StreamPartState::finished:
      // The FIN was read: these bytes (maybe none) are the stream's last.
      got.fin = true;
      break;
    case quic::StreamPartState::reset_remote:
      got.reset = connection_.read_error_code(stream).value_or(0);
      break;
    default:
      break;
  }
  return got;
}

void H3QuicTransport::reset_stream(uint64_t stream, uint64_t app_error_code) {
  connection_.reset_stream(stream, app_error_code);
}

void H3QuicTransport::stop_sending(uint64_t stream, uint64_t app_error_code) {
  connection_.stop_sending(stream, app_error_code);
}

}  // namespace adieu::tools
