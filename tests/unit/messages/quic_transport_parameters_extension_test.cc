// The quic_transport_parameters extension (RFC 9001 section 8.2, codepoint
// 0x39) in ClientHello and EncryptedExtensions: carried as opaque bytes.
#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::serialize;

constexpr uint16_t kQuicTransportParameters = 0x39;

TEST(QuicTransportParametersExtension, ClientHelloRoundTrip) {
  ClientHello ch;
  ch.cipher_suites = {0x1301};
  ch.supported_versions = std::vector<uint16_t>{kTls13};
  ch.quic_transport_parameters = hex("0104 80007530 0e01 04");
  ClientHello parsed = test::round_trip(ch, HandshakeType::client_hello);
  EXPECT_EQ(parsed, ch);
  ASSERT_TRUE(parsed.quic_transport_parameters.has_value());
  EXPECT_EQ(*parsed.quic_transport_parameters, hex("0104 80007530 0e01 04"));
  EXPECT_TRUE(parsed.unknown.empty());
}

TEST(QuicTransportParametersExtension, ClientHelloWiresCodepoint0x39) {
  ClientHello ch;
  ch.cipher_suites = {0x1301};
  ch.quic_transport_parameters = hex("0e0104");
  const ByteVec body = body_of(serialize(ch), HandshakeType::client_hello);
  // legacy_version, random, empty session id, one suite, one compression method.
  const size_t offset = 2 + 32 + 1 + 2 + 2 + 2;
  EXPECT_EQ(test::extension_types(body, offset), std::vector<uint16_t>{kQuicTransportParameters});
  // The extension's bytes are the parameters themselves, with no inner length.
  EXPECT_EQ(ByteVec(body.end() - 7, body.end()), hex("0039 0003 0e0104"));
}

TEST(QuicTransportParametersExtension, EmptyValueIsKept) {
  ClientHello ch;
  ch.cipher_suites = {0x1301};
  ch.quic_transport_parameters = ByteVec{};
  ClientHello parsed = test::round_trip(ch, HandshakeType::client_hello);
  ASSERT_TRUE(parsed.quic_transport_parameters.has_value());
  EXPECT_TRUE(parsed.quic_transport_parameters->empty());
}

TEST(QuicTransportParametersExtension, AbsentStaysAbsent) {
  ClientHello ch;
  ch.cipher_suites = {0x1301};
  EXPECT_FALSE(test::round_trip(ch, HandshakeType::client_hello).quic_transport_parameters);
  EncryptedExtensions ee;
  EXPECT_FALSE(test::round_trip(ee, HandshakeType::encrypted_extensions).quic_transport_parameters);
}

TEST(QuicTransportParametersExtension, EncryptedExtensionsRoundTrip) {
  EncryptedExtensions ee;
  ee.alpn = "h3";
  ee.quic_transport_parameters = hex("0008 0102030405060708");
  EncryptedExtensions parsed = test::round_trip(ee, HandshakeType::encrypted_extensions);
  EXPECT_EQ(parsed, ee);
  EXPECT_TRUE(parsed.unknown.empty());
  EXPECT_EQ(serialize(ee), hex("08000019 0017 0010000500030268 33 0039000a 0008 0102030405060708"));
}

TEST(QuicTransportParametersExtension, TwiceIsRefused) {
  // RFC 8446 section 4.2: no extension type twice in one message.
  const ByteVec ext = hex("0039 0001 00");
  EncryptedExtensions ee;
  EXPECT_NE(ee.parse(hex("000a") + ext + ext), Error::none);
}

}  // namespace
}  // namespace adieu::messages
