// QUIC transport error codes, carried in CONNECTION_CLOSE frames of type
// 0x1c (RFC 9000 §20.1).
#pragma once

#include <cstdint>

namespace adieu::quic {

enum class TransportError : std::uint64_t {
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
  // CRYPTO_ERROR: 0x0100-0x01ff, the low byte is the TLS alert (RFC 9001 §4.8).
  crypto_error = 0x0100,
};

// The CRYPTO_ERROR code that carries TLS alert `alert` (RFC 9001 §4.8).
constexpr TransportError crypto_error(std::uint8_t alert) {
  return static_cast<TransportError>(static_cast<std::uint64_t>(TransportError::crypto_error) |
                                     alert);
}
// True for the CRYPTO_ERROR range, 0x0100-0x01ff.
constexpr bool is_crypto_error(TransportError e) {
  return (static_cast<std::uint64_t>(e) & ~std::uint64_t{0xff}) == 0x0100;
}
// The alert inside a CRYPTO_ERROR code (meaningful when is_crypto_error).
constexpr std::uint8_t crypto_error_alert(TransportError e) {
  return static_cast<std::uint8_t>(static_cast<std::uint64_t>(e) & 0xff);
}

// The RFC's name ("FRAME_ENCODING_ERROR", "CRYPTO_ERROR"), or "unknown".
const char* transport_error_name(TransportError e);

}  // namespace adieu::quic
