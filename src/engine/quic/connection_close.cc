// The end of a connection (RFC 9000 section 10): closing after our
// CONNECTION_CLOSE, draining after the peer's, and the ends without a packet
// (idle timeout, stateless reset, Version Negotiation).
#include "engine/quic/connection_impl.h"

namespace adieu::quic {

namespace {
// The closing and draining periods last three PTOs (RFC 9000 section 10.2).
constexpr int kClosingPtos = 3;
}  // namespace

void Connection::Impl::close_with(CloseInfo info, Instant now) {
  if (!active()) return;
  close_info = std::move(info);
  state = ConnectionState::closing;
  close_deadline = now + kClosingPtos * pto();
  // RFC 9000 section 10.2.3: in every space the peer might read.
  for (PacketSpace& sp : spaces) {
    sp.close_owed = write_keys(sp.id) != nullptr;
    sp.probes = 0;
  }
}

void Connection::Impl::close_transport(TransportError code, uint64_t frame_type, std::string reason,
                                       Instant now, Error tls_error) {
  CloseInfo info;
  info.cause = CloseInfo::Cause::local;
  info.transport = true;
  info.error_code = static_cast<uint64_t>(code);
  info.frame_type = frame_type;
  info.reason = std::move(reason);
  info.tls_error = tls_error;
  close_with(std::move(info), now);
}

void Connection::Impl::on_connection_close(const ConnectionCloseFrame& frame, Instant now) {
  if (state == ConnectionState::draining || state == ConnectionState::closed) return;
  if (!close_info) {
    CloseInfo info;
    info.cause = CloseInfo::Cause::peer;
    info.transport = !frame.application;
    info.error_code = frame.error_code;
    info.frame_type = frame.frame_type;
    info.reason.assign(frame.reason_phrase.begin(), frame.reason_phrase.end());
    close_info = std::move(info);
  }
  // Draining: nothing more is sent (section 10.2.2), not even the
  // CONNECTION_CLOSE a closing endpoint still owed.
  if (state != ConnectionState::closing) close_deadline = now + kClosingPtos * pto();
  state = ConnectionState::draining;
  for (PacketSpace& sp : spaces) sp.close_owed = false;
}

void Connection::Impl::terminate(CloseInfo::Cause cause, Instant) {
  if (state == ConnectionState::closed) return;
  if (!close_info) {
    CloseInfo info;
    info.cause = cause;
    close_info = std::move(info);
  }
  state = ConnectionState::closed;
  close_deadline = kNever;
  for (PacketSpace& sp : spaces) sp.close_owed = false;
}

ConnectionCloseFrame Connection::Impl::close_frame(PacketNumberSpace s) const {
  ConnectionCloseFrame f;
  if (!close_info) return f;
  const bool application = !close_info->transport;
  if (application && s != PacketNumberSpace::application) {
    // RFC 9000 section 10.2.3: an application close in an Initial or
    // Handshake packet becomes a transport APPLICATION_ERROR without a
    // reason phrase.
    f.application = false;
    f.error_code = static_cast<uint64_t>(TransportError::application_error);
    f.frame_type = 0;
    return f;
  }
  f.application = application;
  f.error_code = close_info->error_code;
  f.frame_type = application ? 0 : close_info->frame_type;
  f.reason_phrase = std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(close_info->reason.data()), close_info->reason.size());
  return f;
}

void Connection::Impl::on_datagram_while_closing() {
  // RFC 9000 section 10.2.1: answer packets with CONNECTION_CLOSE, at a
  // bounded rate: the 1st, 2nd, 4th, 8th... datagram received gets one.
  ++closing_datagrams;
  if ((closing_datagrams & (closing_datagrams - 1)) != 0) return;
  for (PacketSpace& sp : spaces) {
    if (write_keys(sp.id) != nullptr) sp.close_owed = true;
  }
}

}  // namespace adieu::quic
