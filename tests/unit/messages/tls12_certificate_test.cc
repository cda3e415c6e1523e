// TLS 1.2 Certificate (RFC 5246 section 7.4.2) and CertificateRequest (RFC 5246
// section 7.4.4).
#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::serialize;

Tls12Certificate chain() {
  Tls12Certificate c;
  c.certificate_list = {ByteVec(300, 0x30), ByteVec(1, 0x30)};
  return c;
}

TEST(Tls12Certificate, RoundTrip) {
  EXPECT_EQ(test::round_trip(chain(), HandshakeType::certificate), chain());
  Tls12Certificate empty;  // a client without a certificate (section 7.4.6)
  EXPECT_EQ(test::round_trip(empty, HandshakeType::certificate), empty);
}

TEST(Tls12Certificate, KnownBytes) {
  // certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>: no request context
  // and no per-certificate extensions, unlike TLS 1.3.
  ByteVec msg = hex("0b00000e 00000b 000003 308100 000002 3000");
  Tls12Certificate c;
  ASSERT_EQ(c.parse(body_of(msg, HandshakeType::certificate)), Error::none);
  ASSERT_EQ(c.certificate_list.size(), 2u);
  EXPECT_EQ(c.certificate_list[0], hex("308100"));
  EXPECT_EQ(c.certificate_list[1], hex("3000"));
  EXPECT_EQ(serialize(c), msg);
  EXPECT_EQ(serialize(Tls12Certificate{}), hex("0b000003 000000"));
  Tls12Certificate none;
  ASSERT_EQ(none.parse(hex("000000")), Error::none);
  EXPECT_TRUE(none.certificate_list.empty());
}

TEST(Tls12Certificate, EveryTruncationFails) {
  test::expect_every_prefix_fails<Tls12Certificate>(
      body_of(serialize(chain()), HandshakeType::certificate));
  test::expect_every_prefix_fails<Tls12Certificate>(hex("000000"));
}

TEST(Tls12Certificate, Malformed) {
  EXPECT_EQ(parse_error<Tls12Certificate>(ByteVec{}), Error::decode_error);
  EXPECT_EQ(parse_error<Tls12Certificate>(hex("000003 000000")), Error::decode_error)
      << "empty ASN.1Cert";
  EXPECT_EQ(parse_error<Tls12Certificate>(hex("000004 000002 30")), Error::decode_error)
      << "certificate overruns the list";
  EXPECT_EQ(parse_error<Tls12Certificate>(hex("000005 000001 30")), Error::decode_error)
      << "list overruns the body";
  EXPECT_EQ(parse_error<Tls12Certificate>(hex("000006 000001 30 0000")), Error::decode_error)
      << "stray bytes in the list";
  EXPECT_EQ(parse_error<Tls12Certificate>(hex("000000 00")), Error::decode_error)
      << "trailing byte";
}

Tls12CertificateRequest request() {
  Tls12CertificateRequest cr;
  cr.certificate_types = {kClientCertEcdsaSign, kClientCertRsaSign};
  cr.signature_algorithms = {0x0403, 0x0804, 0x0401};
  cr.certificate_authorities = {hex("3000"), hex("3003020101")};
  return cr;
}

TEST(Tls12CertificateRequest, RoundTrip) {
  EXPECT_EQ(test::round_trip(request(), HandshakeType::certificate_request), request());
  Tls12CertificateRequest minimal;
  minimal.certificate_types = {kClientCertEcdsaSign};
  minimal.signature_algorithms = {0x0403};
  EXPECT_EQ(test::round_trip(minimal, HandshakeType::certificate_request), minimal);
}

TEST(Tls12CertificateRequest, KnownBytes) {
  ByteVec msg = hex("0d000018 02 4001 0006 0403 0804 0401 000b 0002 3000 0005 3003020101");
  EXPECT_EQ(serialize(request()), msg);
  Tls12CertificateRequest cr;
  ASSERT_EQ(cr.parse(body_of(msg, HandshakeType::certificate_request)), Error::none);
  EXPECT_EQ(cr, request());
  // No certificate_authorities: any CA (section 7.4.4).
  ASSERT_EQ(cr.parse(hex("01 40 0002 0403 0000")), Error::none);
  EXPECT_EQ(cr.certificate_types, ByteVec{kClientCertEcdsaSign});
  EXPECT_EQ(cr.signature_algorithms, std::vector<uint16_t>{0x0403});
  EXPECT_TRUE(cr.certificate_authorities.empty());
}

TEST(Tls12CertificateRequest, EveryTruncationFails) {
  test::expect_every_prefix_fails<Tls12CertificateRequest>(
      body_of(serialize(request()), HandshakeType::certificate_request));
}

TEST(Tls12CertificateRequest, Malformed) {
  using CR = Tls12CertificateRequest;
  EXPECT_EQ(parse_error<CR>(hex("00 0002 0403 0000")), Error::decode_error)
      << "certificate_types<1..2^8-1> empty";
  EXPECT_EQ(parse_error<CR>(hex("01 40 0000 0000")), Error::decode_error)
      << "supported_signature_algorithms<2..2^16-2> empty";
  EXPECT_EQ(parse_error<CR>(hex("01 40 0003 040304 0000")), Error::decode_error)
      << "odd supported_signature_algorithms";
  EXPECT_EQ(parse_error<CR>(hex("01 40 0002 0403 0002 0000")), Error::decode_error)
      << "DistinguishedName<1..2^16-1> empty";
  EXPECT_EQ(parse_error<CR>(hex("01 40 0002 0403 0003 0002 30")), Error::decode_error)
      << "DistinguishedName overruns the list";
  EXPECT_EQ(parse_error<CR>(hex("01 40 0002 0403 0004 0001 30 00")), Error::decode_error)
      << "stray byte in the list";
  EXPECT_EQ(parse_error<CR>(hex("01 40 0002 0403")), Error::decode_error)
      << "no certificate_authorities";
  EXPECT_EQ(parse_error<CR>(hex("01 40 0002 0403 0000 00")), Error::decode_error)
      << "trailing byte";
  EXPECT_EQ(parse_error<CR>(hex("02 40")), Error::decode_error) << "certificate_types overruns";
}

}  // namespace
}  // namespace adieu::messages
