#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::rfc8448;
using test::serialize;

CertificateMsg certificate() {
  CertificateMsg c;
  c.request_context = {7, 7};
  c.entries.push_back({ByteVec(300, 0x30), {{5, {1, 0, 0, 0, 0}}}});  // status_request
  c.entries.push_back({ByteVec(1, 0x30), {}});
  return c;
}

TEST(Certificate, RoundTrip) {
  CertificateMsg c = certificate();
  EXPECT_EQ(test::round_trip(c, HandshakeType::certificate), c);
  CertificateMsg empty;  // a client with no certificate
  EXPECT_EQ(test::round_trip(empty, HandshakeType::certificate), empty);
  EXPECT_EQ(serialize(empty), hex("0b000004 00 000000"));
}

TEST(Certificate, ParsesAndReproducesRfc8448) {
  for (const char* section : {"Simple_1RTT_Handshake", "Client_Authentication_Handshake"}) {
    SCOPED_TRACE(section);
    ByteVec msg = rfc8448(section, "Message_Server_Certificate");
    CertificateMsg c;
    ASSERT_EQ(c.parse(body_of(msg, HandshakeType::certificate)), Error::none);
    EXPECT_TRUE(c.request_context.empty());
    ASSERT_EQ(c.entries.size(), 1u);
    EXPECT_EQ(c.entries[0].cert_data[0], 0x30);  // a DER SEQUENCE
    EXPECT_TRUE(c.entries[0].extensions.empty());
    EXPECT_EQ(serialize(c), msg);
  }
  CertificateMsg simple;
  ASSERT_EQ(simple.parse(body_of(rfc8448("Simple_1RTT_Handshake", "Message_Server_Certificate"),
                                 HandshakeType::certificate)),
            Error::none);
  EXPECT_EQ(simple.entries[0].cert_data.size(), 0x1b0u);
}

TEST(Certificate, EveryTruncationFails) {
  test::expect_every_prefix_fails<CertificateMsg>(
      body_of(serialize(certificate()), HandshakeType::certificate));
  test::expect_every_prefix_fails<CertificateMsg>(body_of(
      rfc8448("Simple_1RTT_Handshake", "Message_Server_Certificate"), HandshakeType::certificate));
}

TEST(Certificate, Malformed) {
  CertificateMsg empty_cert;
  empty_cert.entries.push_back({ByteVec{}, {}});
  EXPECT_EQ(parse_error<CertificateMsg>(body_of(serialize(empty_cert), HandshakeType::certificate)),
            Error::decode_error);
  CertificateMsg dup = certificate();
  dup.entries[1].extensions = {{18, {}}, {18, {}}};
  EXPECT_EQ(parse_error<CertificateMsg>(body_of(serialize(dup), HandshakeType::certificate)),
            Error::illegal_parameter);
  CertificateMsg recognized = certificate();
  recognized.entries[0].extensions.push_back({51, {0, 0x1d}});
  EXPECT_EQ(parse_error<CertificateMsg>(body_of(serialize(recognized), HandshakeType::certificate)),
            Error::illegal_parameter);
  ByteVec body = body_of(serialize(certificate()), HandshakeType::certificate);
  body.push_back(0);
  EXPECT_EQ(parse_error<CertificateMsg>(body), Error::decode_error);
  // An entry missing its extensions field.
  EXPECT_EQ(parse_error<CertificateMsg>(hex("00 000004 000001 30")), Error::decode_error);
  // A list length that overruns the message.
  EXPECT_EQ(parse_error<CertificateMsg>(hex("00 000007 000001 30 0000")), Error::decode_error);
}

}  // namespace
}  // namespace adieu::messages
