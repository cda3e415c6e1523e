// fuzz-link: adieu_quic
//
// QUIC transport parameters on arbitrary bytes: byte 0 bit 0 picks the
// sender (client or server), the rest is the extension body. What decodes
// must satisfy RFC 9000 section 18.2's bounds, encode, decode again to equal
// parameters and encode again to the same bytes; a refusal is always a
// TRANSPORT_PARAMETER_ERROR.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/quic/stream_id.h"
#include "engine/quic/transport_parameters.h"

namespace {

namespace quic = adieu::quic;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

std::vector<uint8_t> encode(const quic::TransportParameters& p) {
  std::vector<uint8_t> out;
  adieu::wire::Writer w(out);
  quic::encode_transport_parameters(w, p);
  if (!w.ok()) fail("decoded parameters do not encode");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const adieu::Role sender = (data[0] & 1) ? adieu::Role::server : adieu::Role::client;
  quic::TransportParameterError error;
  const auto params =
      quic::decode_transport_parameters(adieu::wire::Bytes(data + 1, size - 1), sender, error);
  if (!params) {
    if (error.code != quic::TransportError::transport_parameter_error) fail("wrong error code");
    return 0;
  }
  if (params->max_udp_payload_size < quic::kMinMaxUdpPayloadSize ||
      params->ack_delay_exponent > quic::kMaxAckDelayExponent ||
      params->max_ack_delay >= quic::kMaxMaxAckDelay ||
      params->active_connection_id_limit < quic::kMinActiveConnectionIdLimit ||
      params->initial_max_streams_bidi > quic::kMaxStreamCount ||
      params->initial_max_streams_uni > quic::kMaxStreamCount) {
    fail("a value out of section 18.2's bounds was accepted");
  }
  if (sender == adieu::Role::client &&
      (params->original_destination_connection_id || params->stateless_reset_token ||
       params->preferred_address || params->retry_source_connection_id)) {
    fail("a server-only parameter was accepted from a client");
  }
  const std::vector<uint8_t> bytes = encode(*params);
  const auto again = quic::decode_transport_parameters(bytes, sender, error);
  if (!again || !(*again == *params)) fail("re-decoded parameters differ");
  if (encode(*again) != bytes) fail("second encoding differs");
  return 0;
}
