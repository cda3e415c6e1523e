// QUIC transport error codes (RFC 9000 section 20.1), carried in
// CONNECTION_CLOSE frames of type 0x1c. A TLS alert becomes CRYPTO_ERROR,
// 0x0100 plus the alert's code (RFC 9001 section 4.8).
#pragma once

#include <cstdint>

namespace adieu::quic {

enum class TransportError : uint64_t {
  no_error = 0x00,
  internal_error = 0x01,
  connection_refused = 0x02,
  flow_control_error = 0x03,
  stream_limit_error = 0x04,
  stream_state_error = 0x05,
  final_size_error = 0x06,
  frame_encoding_error = 0x07,
  transport_parameter_error = 0x08,
  connection_id_limit_error = 0x09,
  protocol_violation = 0x0a,
  invalid_token = 0x0b,
  application_error = 0x0c,
  crypto_buffer_exceeded = 0x0d,
  key_update_error = 0x0e,
  aead_limit_reached = 0x0f,
  no_viable_path = 0x10,
  crypto_error = 0x0100,  // first of the range 0x0100-0x01ff
};

// CRYPTO_ERROR for a TLS alert (RFC 9001 section 4.8).
constexpr TransportError crypto_error(uint8_t alert) {
  return static_cast<TransportError>(0x0100 + uint64_t{alert});
}
constexpr bool is_crypto_error(TransportError e) {
  return (static_cast<uint64_t>(e) & ~uint64_t{0xff}) == 0x0100;
}
// The alert inside a CRYPTO_ERROR code (meaningful when is_crypto_error).
constexpr uint8_t crypto_error_alert(TransportError e) {
  return static_cast<uint8_t>(static_cast<uint64_t>(e) & 0xff);
}

// The RFC's name ("FRAME_ENCODING_ERROR", "CRYPTO_ERROR"), or "unknown".
const char* transport_error_name(TransportError e);

}  // namespace adieu::quic
