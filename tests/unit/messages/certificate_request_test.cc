#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::rfc8448;
using test::serialize;

CertificateRequest certificate_request() {
  CertificateRequest cr;
  cr.request_context = {1, 2, 3};
  cr.signature_algorithms = {0x0403, 0x0804};
  cr.signature_algorithms_cert = std::vector<uint16_t>{0x0401};
  cr.certificate_authorities = std::vector<ByteVec>{ByteVec(20, 0x30), ByteVec(1, 0x30)};
  cr.unknown = {{48, {0, 0}}};  // oid_filters
  return cr;
}

TEST(CertificateRequest, RoundTrip) {
  CertificateRequest cr = certificate_request();
  EXPECT_EQ(test::round_trip(cr, HandshakeType::certificate_request), cr);
  CertificateRequest minimal;
  minimal.signature_algorithms = {0x0804};
  EXPECT_EQ(test::round_trip(minimal, HandshakeType::certificate_request), minimal);
}

TEST(CertificateRequest, ParsesAndReproducesRfc8448) {
  ByteVec msg = rfc8448("Client_Authentication_Handshake", "Message_CertificateRequest");
  CertificateRequest cr;
  ASSERT_EQ(cr.parse(body_of(msg, HandshakeType::certificate_request)), Error::none);
  EXPECT_TRUE(cr.request_context.empty());
  EXPECT_EQ(cr.signature_algorithms.size(), 15u);
  EXPECT_EQ(cr.signature_algorithms.front(), 0x0403);
  EXPECT_EQ(cr.signature_algorithms.back(), 0x0202);
  EXPECT_FALSE(cr.signature_algorithms_cert || cr.certificate_authorities);
  EXPECT_EQ(serialize(cr), msg);
}

TEST(CertificateRequest, EveryTruncationFails) {
  test::expect_every_prefix_fails<CertificateRequest>(
      body_of(serialize(certificate_request()), HandshakeType::certificate_request));
  test::expect_every_prefix_fails<CertificateRequest>(
      body_of(rfc8448("Client_Authentication_Handshake", "Message_CertificateRequest"),
              HandshakeType::certificate_request));
}

TEST(CertificateRequest, Malformed) {
  // No extensions at all: the block has a minimum of 2 bytes.
  EXPECT_EQ(parse_error<CertificateRequest>(hex("00 0000")), Error::decode_error);
  // Extensions without signature_algorithms.
  EXPECT_EQ(parse_error<CertificateRequest>(hex("00 0004 0030 0000")), Error::missing_extension);
  EXPECT_EQ(parse_error<CertificateRequest>(hex("00 0006 000d 0002 0000")), Error::decode_error)
      << "empty signature_algorithms";
  EXPECT_EQ(parse_error<CertificateRequest>(hex("00 0007 000d 0003 0001 04")), Error::decode_error)
      << "odd signature_algorithms";
  EXPECT_EQ(parse_error<CertificateRequest>(hex("00 0010 000d 0004 0002 0804 000d 0004 0002 0804")),
            Error::illegal_parameter)
      << "duplicate";
  EXPECT_EQ(parse_error<CertificateRequest>(hex("00 000f 000d 0004 0002 0804 0033 0003 001d00")),
            Error::illegal_parameter)
      << "key_share is not allowed here";
  EXPECT_EQ(parse_error<CertificateRequest>(hex("00 000e 000d 0004 0002 0804 002f 0002 0000")),
            Error::decode_error)
      << "empty certificate_authorities";
  EXPECT_EQ(
      parse_error<CertificateRequest>(hex("00 0011 000d 0004 0002 0804 002f 0005 0003 0000 00")),
      Error::decode_error)
      << "empty distinguished name";
  ByteVec body = body_of(serialize(certificate_request()), HandshakeType::certificate_request);
  body.push_back(0);
  EXPECT_EQ(parse_error<CertificateRequest>(body), Error::decode_error);
}

}  // namespace
}  // namespace adieu::messages
