// ServerKeyExchange and ClientKeyExchange for ECDHE (RFC 8422 sections 5.4 and
// 5.7, RFC 5246 sections 7.4.3 and 7.4.7).
#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::serialize;

// x25519 and an RSA-PSS signature of 2048 bits.
ServerKeyExchange x25519_server_key_exchange() {
  ServerKeyExchange ske;
  ske.named_curve = 0x001d;
  ske.point = ByteVec(32, 0x9f);
  ske.scheme = 0x0804;
  ske.signature = ByteVec(256, 0xab);
  return ske;
}

// secp256r1 (an uncompressed point) and an ECDSA signature.
ServerKeyExchange p256_server_key_exchange() {
  ServerKeyExchange ske;
  ske.named_curve = 0x0017;
  ske.point = hex("04") + ByteVec(64, 0x61);
  ske.scheme = 0x0403;
  ske.signature = hex("3045 0220") + ByteVec(32, 0x11) + hex("0221 00") + ByteVec(32, 0x22);
  return ske;
}

// x25519_server_key_exchange() by hand: ServerECDHParams then DigitallySigned.
ByteVec x25519_server_key_exchange_bytes() {
  return hex("0c000128 03 001d 20") + ByteVec(32, 0x9f) + hex("0804 0100") + ByteVec(256, 0xab);
}

TEST(ServerKeyExchange, RoundTrip) {
  for (const ServerKeyExchange& ske : {x25519_server_key_exchange(), p256_server_key_exchange()}) {
    EXPECT_EQ(test::round_trip(ske, HandshakeType::server_key_exchange), ske);
  }
  ServerKeyExchange edges = p256_server_key_exchange();
  edges.point = ByteVec{4};  // one byte, the minimum
  edges.signature.clear();   // signature<0..2^16-1>
  EXPECT_EQ(test::round_trip(edges, HandshakeType::server_key_exchange), edges);
  edges.point = ByteVec(255, 4);
  edges.signature = ByteVec(0xffff, 1);
  EXPECT_EQ(test::round_trip(edges, HandshakeType::server_key_exchange), edges);
}

TEST(ServerKeyExchange, KnownBytes) {
  ByteVec msg = x25519_server_key_exchange_bytes();
  EXPECT_EQ(serialize(x25519_server_key_exchange()), msg);
  ServerKeyExchange ske;
  ASSERT_EQ(ske.parse(body_of(msg, HandshakeType::server_key_exchange)), Error::none);
  EXPECT_EQ(ske, x25519_server_key_exchange());

  ByteVec p256 = hex("0c000090 03 0017 41 04") + ByteVec(64, 0x61) + hex("0403 0047 3045 0220") +
                 ByteVec(32, 0x11) + hex("0221 00") + ByteVec(32, 0x22);
  EXPECT_EQ(serialize(p256_server_key_exchange()), p256);
  ASSERT_EQ(ske.parse(body_of(p256, HandshakeType::server_key_exchange)), Error::none);
  EXPECT_EQ(ske, p256_server_key_exchange());
}

TEST(ServerKeyExchange, ParamsAreTheSignedBytesAsParsed) {
  ByteVec body = body_of(x25519_server_key_exchange_bytes(), HandshakeType::server_key_exchange);
  ServerKeyExchange ske;
  ASSERT_EQ(ske.parse(body), Error::none);
  ByteVec params = hex("03 001d 20") + ByteVec(32, 0x9f);
  EXPECT_EQ(ske.params(), params);
  ASSERT_EQ(ske.params_size(), params.size());
  EXPECT_EQ(ByteVec(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(ske.params_size())),
            params);
  // write_params appends.
  ByteVec out{0xee};
  wire::Writer w(out);
  ske.write_params(w);
  EXPECT_EQ(out, hex("ee") + params);

  // client_random + server_random + ServerECDHParams (RFC 8422 section 5.4).
  std::array<uint8_t, 32> client_random{};
  std::array<uint8_t, 32> server_random{};
  for (size_t i = 0; i < 32; ++i) {
    client_random[i] = static_cast<uint8_t>(i);
    server_random[i] = static_cast<uint8_t>(0x80 + i);
  }
  EXPECT_EQ(ske.signed_content(client_random, server_random),
            ByteVec(client_random.begin(), client_random.end()) +
                ByteVec(server_random.begin(), server_random.end()) + params);
}

TEST(ServerKeyExchange, EveryTruncationFails) {
  test::expect_every_prefix_fails<ServerKeyExchange>(
      body_of(x25519_server_key_exchange_bytes(), HandshakeType::server_key_exchange));
  test::expect_every_prefix_fails<ServerKeyExchange>(
      body_of(serialize(p256_server_key_exchange()), HandshakeType::server_key_exchange));
}

TEST(ServerKeyExchange, Malformed) {
  // Only named_curve(3): explicit_prime(1) and explicit_char2(2) are
  // deprecated (RFC 8422 section 5.4), other values undefined.
  for (const char* curve_type : {"00", "01", "02", "04", "ff"}) {
    SCOPED_TRACE(curve_type);
    EXPECT_EQ(parse_error<ServerKeyExchange>(hex(curve_type) + hex("001d 01 09 0804 0000")),
              Error::illegal_parameter);
  }
  EXPECT_EQ(parse_error<ServerKeyExchange>(ByteVec{}), Error::decode_error);
  EXPECT_EQ(parse_error<ServerKeyExchange>(hex("03 001d 00 0804 0000")), Error::decode_error)
      << "empty point";
  EXPECT_EQ(parse_error<ServerKeyExchange>(hex("03 001d 05 0102")), Error::decode_error)
      << "point overruns";
  EXPECT_EQ(parse_error<ServerKeyExchange>(hex("03 001d 01 09")), Error::decode_error)
      << "no DigitallySigned";
  EXPECT_EQ(parse_error<ServerKeyExchange>(hex("03 001d 01 09 0804")), Error::decode_error)
      << "no signature length";
  EXPECT_EQ(parse_error<ServerKeyExchange>(hex("03 001d 01 09 0804 0003 0102")),
            Error::decode_error)
      << "signature overruns";
  EXPECT_EQ(parse_error<ServerKeyExchange>(hex("03 001d 01 09 0804 0001 01 00")),
            Error::decode_error)
      << "trailing byte";
  EXPECT_EQ(parse_error<ServerKeyExchange>(hex("03 001d 01 09 0804 0000")), Error::none);
}

TEST(ClientKeyExchange, RoundTripAndKnownBytes) {
  ClientKeyExchange x25519{ByteVec(32, 0x35)};
  EXPECT_EQ(test::round_trip(x25519, HandshakeType::client_key_exchange), x25519);
  EXPECT_EQ(serialize(x25519), hex("10000021 20") + ByteVec(32, 0x35));
  ClientKeyExchange p256{hex("04") + ByteVec(64, 0x77)};
  ByteVec p256_bytes = hex("10000042 41 04") + ByteVec(64, 0x77);
  EXPECT_EQ(serialize(p256), p256_bytes);
  ClientKeyExchange parsed;
  ASSERT_EQ(parsed.parse(body_of(p256_bytes, HandshakeType::client_key_exchange)), Error::none);
  EXPECT_EQ(parsed, p256);
  for (size_t size : {size_t{1}, size_t{255}}) {
    ClientKeyExchange edge{ByteVec(size, 4)};
    EXPECT_EQ(test::round_trip(edge, HandshakeType::client_key_exchange), edge);
  }
}

TEST(ClientKeyExchange, EveryTruncationFails) {
  test::expect_every_prefix_fails<ClientKeyExchange>(
      body_of(serialize(ClientKeyExchange{hex("04") + ByteVec(64, 0x77)}),
              HandshakeType::client_key_exchange));
}

TEST(ClientKeyExchange, Malformed) {
  // ecdh_Yc: opaque point<1..2^8-1>, and nothing after it.
  EXPECT_EQ(parse_error<ClientKeyExchange>(ByteVec{}), Error::decode_error);
  EXPECT_EQ(parse_error<ClientKeyExchange>(hex("00")), Error::decode_error) << "empty point";
  EXPECT_EQ(parse_error<ClientKeyExchange>(hex("05 0102")), Error::decode_error) << "overruns";
  EXPECT_EQ(parse_error<ClientKeyExchange>(hex("01 aa bb")), Error::decode_error) << "trailing";
  // A TLS 1.3-style u16 length is not this message.
  EXPECT_EQ(parse_error<ClientKeyExchange>(hex("0002 aabb")), Error::decode_error);
}

}  // namespace
}  // namespace adieu::messages
