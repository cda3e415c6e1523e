// HelloRequest, ServerHelloDone and TLS 1.2's NewSessionTicket; TLS 1.2's
// CertificateVerify and Finished through the codecs TLS 1.3 uses.
#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::serialize;

TEST(HelloRequest, EmptyBody) {
  EXPECT_EQ(serialize(HelloRequest{}), hex("00000000"));
  EXPECT_EQ(test::round_trip(HelloRequest{}, HandshakeType::hello_request), HelloRequest{});
  EXPECT_EQ(parse_error<HelloRequest>(ByteVec{}), Error::none);
  EXPECT_EQ(parse_error<HelloRequest>(hex("00")), Error::decode_error);
  EXPECT_EQ(parse_error<HelloRequest>(hex("000000")), Error::decode_error);
}

TEST(ServerHelloDone, EmptyBody) {
  EXPECT_EQ(serialize(ServerHelloDone{}), hex("0e000000"));
  EXPECT_EQ(test::round_trip(ServerHelloDone{}, HandshakeType::server_hello_done),
            ServerHelloDone{});
  EXPECT_EQ(parse_error<ServerHelloDone>(ByteVec{}), Error::none);
  EXPECT_EQ(parse_error<ServerHelloDone>(hex("00")), Error::decode_error);
  EXPECT_EQ(parse_error<ServerHelloDone>(ByteVec(300, 0)), Error::decode_error);
}

TEST(Tls12NewSessionTicket, RoundTripAndKnownBytes) {
  Tls12NewSessionTicket nst{7200, ByteVec(100, 0x77)};
  EXPECT_EQ(test::round_trip(nst, HandshakeType::new_session_ticket), nst);
  Tls12NewSessionTicket small{7200, hex("aabbcc")};
  ByteVec msg = hex("04000009 00001c20 0003 aabbcc");
  EXPECT_EQ(serialize(small), msg);
  Tls12NewSessionTicket parsed;
  ASSERT_EQ(parsed.parse(body_of(msg, HandshakeType::new_session_ticket)), Error::none);
  EXPECT_EQ(parsed.ticket_lifetime_hint, 7200u);
  EXPECT_EQ(parsed.ticket, hex("aabbcc"));
  // An empty ticket: the server announced one and changed its mind (RFC
  // 5077 section 3.3); a lifetime hint of 0 is "unspecified".
  Tls12NewSessionTicket empty;
  EXPECT_EQ(serialize(empty), hex("04000006 00000000 0000"));
  EXPECT_EQ(test::round_trip(empty, HandshakeType::new_session_ticket), empty);
  Tls12NewSessionTicket largest{0xffffffff, ByteVec(0xffff, 1)};
  EXPECT_EQ(test::round_trip(largest, HandshakeType::new_session_ticket), largest);
}

TEST(Tls12NewSessionTicket, EveryTruncationFails) {
  test::expect_every_prefix_fails<Tls12NewSessionTicket>(hex("00001c20 0003 aabbcc"));
  test::expect_every_prefix_fails<Tls12NewSessionTicket>(hex("00001c20 0000"));
}

TEST(Tls12NewSessionTicket, Malformed) {
  EXPECT_EQ(parse_error<Tls12NewSessionTicket>(hex("00001c20 0004 aabbcc")), Error::decode_error)
      << "ticket overruns";
  EXPECT_EQ(parse_error<Tls12NewSessionTicket>(hex("00001c20 0003 aabbccdd")), Error::decode_error)
      << "trailing byte";
  EXPECT_EQ(parse_error<Tls12NewSessionTicket>(hex("00001c20")), Error::decode_error)
      << "no ticket";
}

TEST(Tls12CertificateVerify, IsTheSameDigitallySigned) {
  // RFC 5246 section 7.4.8: DigitallySigned { SignatureAndHashAlgorithm
  // algorithm; opaque signature<0..2^16-1>; } is CertificateVerify's
  // scheme + signature: ecdsa_secp256r1_sha256 is hash sha256(4) + ecdsa(3).
  ByteVec msg = hex("0f000008 0403 0004 01020304");
  CertificateVerify cv;
  ASSERT_EQ(cv.parse(body_of(msg, HandshakeType::certificate_verify)), Error::none);
  EXPECT_EQ(cv.scheme, 0x0403);
  EXPECT_EQ(cv.signature, hex("01020304"));
  EXPECT_EQ(serialize(cv), msg);
  CertificateVerify rsa{0x0401, ByteVec(256, 0x5a)};  // rsa_pkcs1_sha256, TLS 1.2 only
  EXPECT_EQ(test::round_trip(rsa, HandshakeType::certificate_verify), rsa);
}

TEST(Tls12Finished, TwelveBytesOfVerifyData) {
  // RFC 5246 section 7.4.9: verify_data[verify_data_length], 12 bytes for
  // every cipher suite adieu speaks.
  EXPECT_EQ(kTls12VerifyDataSize, 12u);
  ByteVec verify_data = hex("0102030405060708090a0b0c");
  ByteVec msg = hex("1400000c") + verify_data;
  Finished fin;
  ASSERT_EQ(fin.parse(body_of(msg, HandshakeType::finished)), Error::none);
  EXPECT_EQ(fin.verify_data, verify_data);
  EXPECT_EQ(serialize(fin), msg);
  EXPECT_EQ(test::round_trip(fin, HandshakeType::finished), fin);
}

}  // namespace
}  // namespace adieu::messages
