// QUIC transport parameters (RFC 9000 section 18): round trips, truncation,
// and section 18.2's validation.
#include "engine/quic/transport_parameters.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../crypto/hex.h"

namespace adieu::quic {
namespace {

using adieu::test::from_hex;
using adieu::test::to_hex;
using ByteVec = std::vector<uint8_t>;
namespace tp = transport_parameter;

ConnectionId cid(const char* hex) {
  return *ConnectionId::from(from_hex(hex));
}

TransportParameters full_server_parameters() {
  TransportParameters p;
  p.original_destination_connection_id = cid("8394c8f03e515708");
  p.max_idle_timeout = 30000;
  std::array<uint8_t, 16> token;
  token.fill(0x5a);
  p.stateless_reset_token = token;
  p.max_udp_payload_size = 1472;
  p.initial_max_data = 1 << 20;
  p.initial_max_stream_data_bidi_local = 1 << 18;
  p.initial_max_stream_data_bidi_remote = 1 << 17;
  p.initial_max_stream_data_uni = 1 << 16;
  p.initial_max_streams_bidi = 100;
  p.initial_max_streams_uni = 3;
  p.ack_delay_exponent = 10;
  p.max_ack_delay = 100;
  p.disable_active_migration = true;
  PreferredAddress a;
  a.ipv4_address = {127, 0, 0, 1};
  a.ipv4_port = 4433;
  a.ipv6_address[15] = 1;
  a.ipv6_port = 4434;
  a.connection_id = cid("0102030405");
  a.stateless_reset_token.fill(0x77);
  p.preferred_address = a;
  p.active_connection_id_limit = 8;
  p.initial_source_connection_id = cid("f067a5502a4262b5");
  p.retry_source_connection_id = cid("aabb");
  return p;
}

ByteVec encode(const TransportParameters& p) {
  ByteVec out;
  wire::Writer w(out);
  encode_transport_parameters(w, p);
  EXPECT_TRUE(w.ok());
  return out;
}

std::optional<TransportParameters> decode(const ByteVec& bytes, Role sender,
                                          TransportParameterError& error) {
  return decode_transport_parameters(bytes, sender, error);
}

// The reason decoding `hex` from `sender` fails for (and that it does).
std::string refusal(const std::string& hex, Role sender = Role::server) {
  TransportParameterError error;
  const auto p = decode(from_hex(hex), sender, error);
  EXPECT_FALSE(p.has_value()) << hex;
  EXPECT_EQ(error.code, TransportError::transport_parameter_error);
  return error.reason;
}

TEST(TransportParameters, EveryParameterRoundTrips) {
  const TransportParameters p = full_server_parameters();
  const ByteVec bytes = encode(p);
  TransportParameterError error;
  const auto decoded = decode(bytes, Role::server, error);
  ASSERT_TRUE(decoded.has_value()) << error.reason;
  EXPECT_EQ(*decoded, p);
  EXPECT_EQ(to_hex(encode(*decoded)), to_hex(bytes));
}

TEST(TransportParameters, DefaultsAreEncodedAsNothing) {
  EXPECT_TRUE(encode(TransportParameters{}).empty());
  TransportParameterError error;
  const auto decoded = decode({}, Role::client, error);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->max_udp_payload_size, 65527u);
  EXPECT_EQ(decoded->ack_delay_exponent, 3u);
  EXPECT_EQ(decoded->max_ack_delay, 25u);
  EXPECT_EQ(decoded->active_connection_id_limit, 2u);
}

TEST(TransportParameters, KnownEncoding) {
  TransportParameters p;
  p.max_idle_timeout = 30000;  // id 01, length 4, 0x80007530
  p.initial_source_connection_id = cid("0102");
  EXPECT_EQ(to_hex(encode(p)),
            "010480007530"
            "0f020102");
}

TEST(TransportParameters, EveryTruncationIsRefused) {
  const ByteVec bytes = encode(full_server_parameters());
  for (size_t n = 1; n < bytes.size(); ++n) {
    const ByteVec cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
    TransportParameterError error;
    const auto p = decode(cut, Role::server, error);
    // A cut between two parameters leaves a valid, shorter list.
    if (p.has_value()) {
      EXPECT_NE(*p, full_server_parameters()) << n;
    } else {
      EXPECT_EQ(error.code, TransportError::transport_parameter_error) << n;
    }
  }
}

TEST(TransportParameters, UnknownParametersAreIgnored) {
  TransportParameterError error;
  // A reserved id (31 * 1 + 27 = 58 = 0x3a) and an unknown one.
  const auto p = decode(from_hex("403a03aabbcc 4fff00 0e0105"), Role::client, error);
  ASSERT_TRUE(p.has_value()) << error.reason;
  EXPECT_EQ(p->active_connection_id_limit, 5u);
}

TEST(TransportParameters, DuplicatesAreRefused) {
  EXPECT_EQ(refusal("0e0105 0e0105"), std::string("duplicate transport parameter"));
  EXPECT_EQ(refusal("4fff00 4fff00"), std::string("duplicate transport parameter"));
}

TEST(TransportParameters, Section18_2Bounds) {
  EXPECT_EQ(refusal("0302447f"), std::string("max_udp_payload_size below 1200"));  // 1151
  EXPECT_EQ(refusal("0a0115"), std::string("ack_delay_exponent above 20"));        // 21
  EXPECT_EQ(refusal("0b028000400000"), std::string("integer parameter not exactly one varint"));
  EXPECT_EQ(refusal("0b0480004000"), std::string("max_ack_delay of 2^14 or more"));
  EXPECT_EQ(refusal("0e0101"), std::string("active_connection_id_limit below 2"));
  EXPECT_EQ(refusal("0808d000000000000001"), std::string("initial_max_streams above 2^60"));
  EXPECT_EQ(refusal("0908d000000000000001"), std::string("initial_max_streams above 2^60"));
  EXPECT_EQ(refusal("020401020304"), std::string("stateless_reset_token not 16 bytes"));
  EXPECT_EQ(refusal("0c0100"), std::string("disable_active_migration not empty"));
  EXPECT_EQ(refusal("0f15" + std::string(42, '0')), std::string("connection ID over 20 bytes"));
  EXPECT_EQ(refusal("0102"), std::string("truncated transport parameter"));
  // Values at their bounds are accepted.
  TransportParameterError error;
  EXPECT_TRUE(decode(from_hex("030244b0 0a0114 0b027fff 0e0102"), Role::server, error).has_value())
      << error.reason;
}

TEST(TransportParameters, PreferredAddressNeedsAConnectionId) {
  TransportParameters p;
  p.preferred_address = full_server_parameters().preferred_address;
  ByteVec bytes = encode(p);
  // Set the connection ID length (after 4+2+16+2 bytes of addresses and the
  // 2-byte header) to 0 and drop its 5 bytes.
  ASSERT_EQ(bytes[2 + 24], 5);
  bytes[2 + 24] = 0;
  bytes.erase(bytes.begin() + 2 + 25, bytes.begin() + 2 + 30);
  bytes[1] = static_cast<uint8_t>(bytes.size() - 2);
  EXPECT_EQ(refusal(to_hex(bytes)), std::string("malformed preferred_address"));
}

TEST(TransportParameters, ServerOnlyParametersAreRefusedFromAClient) {
  const ByteVec bytes = encode(full_server_parameters());
  TransportParameterError error;
  EXPECT_FALSE(decode(bytes, Role::client, error).has_value());
  EXPECT_EQ(error.code, TransportError::transport_parameter_error);
  EXPECT_EQ(error.parameter, tp::original_destination_connection_id);
  for (uint64_t id : {tp::original_destination_connection_id, tp::stateless_reset_token,
                      tp::preferred_address, tp::retry_source_connection_id}) {
    ByteVec one = {static_cast<uint8_t>(id), 0};
    EXPECT_FALSE(decode(one, Role::client, error).has_value()) << id;
    EXPECT_EQ(error.parameter, id);
  }
  TransportParameters client;
  client.initial_source_connection_id = cid("01");
  client.initial_max_data = 1000;
  EXPECT_TRUE(decode(encode(client), Role::client, error).has_value());
}

TEST(TransportParameters, EncoderRefusesInvalidValues) {
  TransportParameters p;
  p.ack_delay_exponent = 21;
  ByteVec out;
  wire::Writer w(out);
  encode_transport_parameters(w, p);
  EXPECT_FALSE(w.ok());
}

}  // namespace
}  // namespace adieu::quic
