#include "engine/quic/transport_parameters.h"

#include <algorithm>
#include <vector>

#include "engine/quic/stream_id.h"

namespace adieu::quic {

namespace tp = transport_parameter;

namespace {

// A parameter's own validity, independent of the sender.
const char* check_integer(uint64_t id, uint64_t v) {
  switch (id) {
    case tp::max_udp_payload_size:
      return v < kMinMaxUdpPayloadSize ? "max_udp_payload_size below 1200" : nullptr;
    case tp::ack_delay_exponent:
      return v > kMaxAckDelayExponent ? "ack_delay_exponent above 20" : nullptr;
    case tp::max_ack_delay:
      return v >= kMaxMaxAckDelay ? "max_ack_delay of 2^14 or more" : nullptr;
    case tp::active_connection_id_limit:
      return v < kMinActiveConnectionIdLimit ? "active_connection_id_limit below 2" : nullptr;
    case tp::initial_max_streams_bidi:
    case tp::initial_max_streams_uni:
      return v > kMaxStreamCount ? "initial_max_streams above 2^60" : nullptr;
    default:
      return nullptr;
  }
}

bool server_only(uint64_t id) {
  return id == tp::original_destination_connection_id || id == tp::stateless_reset_token ||
         id == tp::preferred_address || id == tp::retry_source_connection_id;
}

// The field of an integer parameter (const or not, as `p` is), or null.
template <typename Params>
auto integer_field(Params& p, uint64_t id) -> decltype(&p.max_idle_timeout) {
  switch (id) {
    case tp::max_idle_timeout:
      return &p.max_idle_timeout;
    case tp::max_udp_payload_size:
      return &p.max_udp_payload_size;
    case tp::initial_max_data:
      return &p.initial_max_data;
    case tp::initial_max_stream_data_bidi_local:
      return &p.initial_max_stream_data_bidi_local;
    case tp::initial_max_stream_data_bidi_remote:
      return &p.initial_max_stream_data_bidi_remote;
    case tp::initial_max_stream_data_uni:
      return &p.initial_max_stream_data_uni;
    case tp::initial_max_streams_bidi:
      return &p.initial_max_streams_bidi;
    case tp::initial_max_streams_uni:
      return &p.initial_max_streams_uni;
    case tp::ack_delay_exponent:
      return &p.ack_delay_exponent;
    case tp::max_ack_delay:
      return &p.max_ack_delay;
    case tp::active_connection_id_limit:
      return &p.active_connection_id_limit;
    default:
      return nullptr;
  }
}

std::optional<ConnectionId>* connection_id_field(TransportParameters& p, uint64_t id) {
  switch (id) {
    case tp::original_destination_connection_id:
      return &p.original_destination_connection_id;
    case tp::initial_source_connection_id:
      return &p.initial_source_connection_id;
    case tp::retry_source_connection_id:
      return &p.retry_source_connection_id;
    default:
      return nullptr;
  }
}

std::optional<PreferredAddress> parse_preferred_address(wire::Bytes value) {
  wire::Reader r(value);
  PreferredAddress a;
  const wire::Bytes v4 = r.bytes(4);
  a.ipv4_port = r.u16();
  const wire::Bytes v6 = r.bytes(16);
  a.ipv6_port = r.u16();
  const wire::Bytes cid = r.vec8();
  const wire::Bytes token = r.bytes(16);
  // Section 18.2: a zero-length connection ID here is an error too.
  std::optional<ConnectionId> id = ConnectionId::from(cid);
  if (!r.done() || !id || id->empty()) return std::nullopt;
  std::copy(v4.begin(), v4.end(), a.ipv4_address.begin());
  std::copy(v6.begin(), v6.end(), a.ipv6_address.begin());
  std::copy(token.begin(), token.end(), a.stateless_reset_token.begin());
  a.connection_id = *id;
  return a;
}

// One parameter into `out`; a reason on failure.
const char* decode_one(uint64_t id, wire::Bytes value, TransportParameters& out) {
  if (uint64_t* field = integer_field(out, id)) {
    wire::Reader r(value);
    const uint64_t v = r.varint();
    if (!r.done()) return "integer parameter not exactly one varint";
    if (const char* why = check_integer(id, v)) return why;
    *field = v;
    return nullptr;
  }
  if (std::optional<ConnectionId>* field = connection_id_field(out, id)) {
    *field = ConnectionId::from(value);
    return *field ? nullptr : "connection ID over 20 bytes";
  }
  switch (id) {
    case tp::stateless_reset_token: {
      if (value.size() != 16) return "stateless_reset_token not 16 bytes";
      std::array<uint8_t, 16> token;
      std::copy(value.begin(), value.end(), token.begin());
      out.stateless_reset_token = token;
      return nullptr;
    }
    case tp::disable_active_migration:
      if (!value.empty()) return "disable_active_migration not empty";
      out.disable_active_migration = true;
      return nullptr;
    case tp::preferred_address:
      out.preferred_address = parse_preferred_address(value);
      return out.preferred_address ? nullptr : "malformed preferred_address";
    default:
      return nullptr;  // unknown: ignored (section 7.4.2)
  }
}

void put_integer(wire::Writer& w, uint64_t id, uint64_t v) {
  w.varint(id);
  w.varint(wire::varint_size(v));
  w.varint(v);
}

void put_bytes(wire::Writer& w, uint64_t id, wire::Bytes b) {
  w.varint(id);
  w.varint(b.size());
  w.bytes(b);
}

}  // namespace

void encode_transport_parameters(wire::Writer& w, const TransportParameters& p) {
  const TransportParameters defaults;
  if (p.original_destination_connection_id) {
    put_bytes(w, tp::original_destination_connection_id,
              p.original_destination_connection_id->span());
  }
  for (uint64_t id = tp::max_idle_timeout; id <= tp::active_connection_id_limit; ++id) {
    const uint64_t* field = integer_field(p, id);
    if (field != nullptr) {
      if (check_integer(id, *field) != nullptr) w.fail();
      if (*field != *integer_field(defaults, id)) {
        put_integer(w, id, *field);
      }
    } else if (id == tp::stateless_reset_token && p.stateless_reset_token) {
      put_bytes(w, id, *p.stateless_reset_token);
    } else if (id == tp::disable_active_migration && p.disable_active_migration) {
      put_bytes(w, id, {});
    } else if (id == tp::preferred_address && p.preferred_address) {
      const PreferredAddress& a = *p.preferred_address;
      if (a.connection_id.empty()) w.fail();
      w.varint(id);
      w.varint(4 + 2 + 16 + 2 + 1 + a.connection_id.size() + 16);
      w.bytes(a.ipv4_address);
      w.u16(a.ipv4_port);
      w.bytes(a.ipv6_address);
      w.u16(a.ipv6_port);
      w.vec8(a.connection_id.span());
      w.bytes(a.stateless_reset_token);
    }
  }
  if (p.initial_source_connection_id) {
    put_bytes(w, tp::initial_source_connection_id, p.initial_source_connection_id->span());
  }
  if (p.retry_source_connection_id) {
    put_bytes(w, tp::retry_source_connection_id, p.retry_source_connection_id->span());
  }
}

std::optional<TransportParameters> decode_transport_parameters(wire::Bytes bytes, Role sender,
                                                               TransportParameterError& error) {
  error = TransportParameterError{};
  TransportParameters out;
  std::vector<uint64_t> seen;
  wire::Reader r(bytes);
  while (r.remaining() > 0) {
    const uint64_t id = r.varint();
    const uint64_t length = r.varint();
    if (!r.ok() || length > r.remaining()) {
      error = TransportParameterError{TransportError::transport_parameter_error, id,
                                      "truncated transport parameter"};
      return std::nullopt;
    }
    const wire::Bytes value = r.bytes(static_cast<size_t>(length));
    error.parameter = id;
    // Section 18.2: a client sending a server-only parameter is an error.
    if (sender == Role::client && server_only(id)) {
      error.reason = "server-only transport parameter sent by a client";
      return std::nullopt;
    }
    if (const char* why = decode_one(id, value, out)) {
      error.reason = why;
      return std::nullopt;
    }
    seen.push_back(id);
  }
  // Section 7.4: a parameter sent more than once (known or not).
  std::sort(seen.begin(), seen.end());
  const auto dup = std::adjacent_find(seen.begin(), seen.end());
  if (dup != seen.end()) {
    error.parameter = *dup;
    error.reason = "duplicate transport parameter";
    return std::nullopt;
  }
  return out;
}

}  // namespace adieu::quic
