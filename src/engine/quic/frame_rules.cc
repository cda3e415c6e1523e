#include "engine/quic/frame_rules.h"

namespace adieu::quic {

namespace {

// Table 3's Pkts column as a bit set of packet types.
constexpr uint8_t kI = 1 << 0;  // Initial
constexpr uint8_t k0 = 1 << 1;  // 0-RTT
constexpr uint8_t kH = 1 << 2;  // Handshake
constexpr uint8_t k1 = 1 << 3;  // 1-RTT

uint8_t packet_bit(PacketType packet) {
  switch (packet) {
    case PacketType::initial:
      return kI;
    case PacketType::zero_rtt:
      return k0;
    case PacketType::handshake:
      return kH;
    case PacketType::one_rtt:
      return k1;
    default:
      return 0;  // Retry and Version Negotiation carry no frames
  }
}

uint8_t allowed_packets(uint64_t type) {
  using namespace frame_type;
  if (type >= stream && type <= stream + 7) return k0 | k1;
  switch (type) {
    case padding:
    case ping:
    case connection_close:
      return kI | kH | k0 | k1;
    case ack:
    case ack_ecn:
    case crypto:
      return kI | kH | k1;
    case new_token:
    case path_response:
    case handshake_done:
      return k1;
    case reset_stream:
    case stop_sending:
    case max_data:
    case max_stream_data:
    case max_streams_bidi:
    case max_streams_uni:
    case data_blocked:
    case stream_data_blocked:
    case streams_blocked_bidi:
    case streams_blocked_uni:
    case new_connection_id:
    case retire_connection_id:
    case path_challenge:
    case connection_close_app:
      return k0 | k1;
    default:
      return 0;
  }
}

}  // namespace

bool frame_allowed(uint64_t type, PacketType packet, Role receiver) {
  if ((allowed_packets(type) & packet_bit(packet)) == 0) return false;
  // Only a server sends NEW_TOKEN and HANDSHAKE_DONE; 0-RTT packets go from
  // client to server only.
  if (receiver == Role::server &&
      (type == frame_type::new_token || type == frame_type::handshake_done)) {
    return false;
  }
  return !(receiver == Role::client && packet == PacketType::zero_rtt);
}

std::optional<Frame> FrameIterator::next() {
  if (error_) return std::nullopt;
  if (reader_.remaining() == 0) {
    if (!any_) {
      error_ = FrameError{TransportError::protocol_violation, 0, "packet without frames"};
    }
    return std::nullopt;
  }
  FrameError error;
  std::optional<Frame> frame = parse_frame(reader_, error);
  if (!frame) {
    error_ = error;
    return std::nullopt;
  }
  const uint64_t type = type_of(*frame);
  if (!frame_allowed(type, packet_, receiver_)) {
    error_ = FrameError{TransportError::protocol_violation, type, "frame not allowed here"};
    return std::nullopt;
  }
  any_ = true;
  return frame;
}

}  // namespace adieu::quic
