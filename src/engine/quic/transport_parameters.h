// QUIC transport parameters (RFC 9000 section 18): the body of TLS's
// quic_transport_parameters extension (RFC 9001 section 8.2), a sequence of
// (id, length, value) with varint ids and lengths.
//
// decode_transport_parameters checks what section 18.2 requires of each
// parameter (ranges, sizes, which side may send it) and refuses duplicates;
// unknown parameters (and the reserved ids 31 * N + 27) are skipped.
// Every refusal is a TRANSPORT_PARAMETER_ERROR.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "adieu/config.h"
#include "engine/quic/connection_id.h"
#include "engine/quic/transport_error.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::quic {

namespace transport_parameter {
constexpr uint64_t original_destination_connection_id = 0x00;
constexpr uint64_t max_idle_timeout = 0x01;
constexpr uint64_t stateless_reset_token = 0x02;
constexpr uint64_t max_udp_payload_size = 0x03;
constexpr uint64_t initial_max_data = 0x04;
constexpr uint64_t initial_max_stream_data_bidi_local = 0x05;
constexpr uint64_t initial_max_stream_data_bidi_remote = 0x06;
constexpr uint64_t initial_max_stream_data_uni = 0x07;
constexpr uint64_t initial_max_streams_bidi = 0x08;
constexpr uint64_t initial_max_streams_uni = 0x09;
constexpr uint64_t ack_delay_exponent = 0x0a;
constexpr uint64_t max_ack_delay = 0x0b;
constexpr uint64_t disable_active_migration = 0x0c;
constexpr uint64_t preferred_address = 0x0d;
constexpr uint64_t active_connection_id_limit = 0x0e;
constexpr uint64_t initial_source_connection_id = 0x0f;
constexpr uint64_t retry_source_connection_id = 0x10;
}  // namespace transport_parameter

// Section 18.2's bounds.
constexpr uint64_t kMinMaxUdpPayloadSize = 1200;
constexpr uint64_t kMaxAckDelayExponent = 20;
constexpr uint64_t kMaxMaxAckDelay = uint64_t{1} << 14;  // exclusive
constexpr uint64_t kMinActiveConnectionIdLimit = 2;

struct PreferredAddress {
  std::array<uint8_t, 4> ipv4_address{};
  uint16_t ipv4_port = 0;
  std::array<uint8_t, 16> ipv6_address{};
  uint16_t ipv6_port = 0;
  ConnectionId connection_id;  // 1 to 20 bytes
  std::array<uint8_t, 16> stateless_reset_token{};
  friend bool operator==(const PreferredAddress&, const PreferredAddress&) = default;
};

// Every field holds the parameter's default (section 18.2) until set; the
// optionals are absent when the parameter is. Encoding writes the
// parameters that differ from their defaults, and every optional present.
struct TransportParameters {
  std::optional<ConnectionId> original_destination_connection_id;  // server only
  uint64_t max_idle_timeout = 0;                                   // milliseconds; 0: none
  std::optional<std::array<uint8_t, 16>> stateless_reset_token;    // server only
  uint64_t max_udp_payload_size = 65527;
  uint64_t initial_max_data = 0;
  uint64_t initial_max_stream_data_bidi_local = 0;
  uint64_t initial_max_stream_data_bidi_remote = 0;
  uint64_t initial_max_stream_data_uni = 0;
  uint64_t initial_max_streams_bidi = 0;
  uint64_t initial_max_streams_uni = 0;
  uint64_t ack_delay_exponent = 3;
  uint64_t max_ack_delay = 25;  // milliseconds
  bool disable_active_migration = false;
  std::optional<PreferredAddress> preferred_address;  // server only
  uint64_t active_connection_id_limit = 2;
  std::optional<ConnectionId> initial_source_connection_id;
  std::optional<ConnectionId> retry_source_connection_id;  // server only

  friend bool operator==(const TransportParameters&, const TransportParameters&) = default;
};

// Writes the parameters (see TransportParameters) in id order; fails the
// writer when a value is one decode would refuse.
void encode_transport_parameters(wire::Writer& w, const TransportParameters& params);

// Why decoding failed (the code is always TRANSPORT_PARAMETER_ERROR).
struct TransportParameterError {
  TransportError code = TransportError::transport_parameter_error;
  uint64_t parameter = 0;  // the offending parameter's id
  const char* reason = "";
};

// Decodes the parameters `sender` sent. On failure returns nullopt and
// fills `error`.
std::optional<TransportParameters> decode_transport_parameters(wire::Bytes bytes, Role sender,
                                                               TransportParameterError& error);

}  // namespace adieu::quic
