// CertificateVerify, Finished, NewSessionTicket, KeyUpdate and the helpers
// common to every message (begin_message, message_hash).
#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::rfc8448;
using test::serialize;

TEST(CertificateVerify, RoundTrip) {
  CertificateVerify cv{0x0804, ByteVec(256, 0x5a)};
  EXPECT_EQ(test::round_trip(cv, HandshakeType::certificate_verify), cv);
  CertificateVerify empty_signature{0x0403, {}};
  EXPECT_EQ(test::round_trip(empty_signature, HandshakeType::certificate_verify), empty_signature);
}

TEST(CertificateVerify, ParsesAndReproducesRfc8448) {
  for (const char* section : {"Simple_1RTT_Handshake", "Client_Authentication_Handshake",
                              "HelloRetryRequest_Handshake", "Middlebox_Compatibility_Mode"}) {
    SCOPED_TRACE(section);
    ByteVec msg = rfc8448(section, "Message_Server_CertificateVerify");
    CertificateVerify cv;
    ASSERT_EQ(cv.parse(body_of(msg, HandshakeType::certificate_verify)), Error::none);
    EXPECT_EQ(cv.signature, rfc8448(section, "Server_MessageSignature"));
    EXPECT_EQ(serialize(cv), msg);
  }
  CertificateVerify ecdsa;
  ASSERT_EQ(ecdsa.parse(body_of(
                rfc8448("Client_Authentication_Handshake", "Message_Server_CertificateVerify"),
                HandshakeType::certificate_verify)),
            Error::none);
  EXPECT_EQ(ecdsa.scheme, 0x0403);
}

TEST(CertificateVerify, EveryTruncationFails) {
  test::expect_every_prefix_fails<CertificateVerify>(
      body_of(rfc8448("Simple_1RTT_Handshake", "Message_Server_CertificateVerify"),
              HandshakeType::certificate_verify));
  EXPECT_EQ(parse_error<CertificateVerify>(hex("0804 0002 01 02 03")), Error::decode_error);
  EXPECT_EQ(parse_error<CertificateVerify>(hex("0804 0003 01 02")), Error::decode_error);
}

TEST(Finished, RoundTripAndRfc8448) {
  Finished fin{ByteVec(48, 0x11)};
  EXPECT_EQ(test::round_trip(fin, HandshakeType::finished), fin);
  ByteVec msg = rfc8448("Simple_1RTT_Handshake", "Message_Server_Finished");
  Finished rfc;
  ASSERT_EQ(rfc.parse(body_of(msg, HandshakeType::finished)), Error::none);
  EXPECT_EQ(rfc.verify_data,
            hex("9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718"));
  EXPECT_EQ(serialize(rfc), msg);
}

TEST(Finished, EmptyIsADecodeErrorAndPrefixesAreShorterVerifyData) {
  // verify_data is the whole body, its length the hash's: only the handshake
  // can reject a short one. The codec rejects the empty body.
  EXPECT_EQ(parse_error<Finished>(ByteVec{}), Error::decode_error);
  Finished fin;
  ASSERT_EQ(fin.parse(hex("0102")), Error::none);
  EXPECT_EQ(fin.verify_data, hex("0102"));
}

NewSessionTicket new_session_ticket() {
  NewSessionTicket nst;
  nst.ticket_lifetime = 7200;
  nst.ticket_age_add = 0xdeadbeef;
  nst.ticket_nonce = {0, 1};
  nst.ticket = ByteVec(100, 0x77);
  nst.max_early_data_size = 16384;
  nst.unknown = {{0x7a7a, {}}};
  return nst;
}

// RFC 8448 section 3's NewSessionTicket (only its encrypted record is in the
// trace file; the ticket itself is SessionTicket).
ByteVec rfc8448_new_session_ticket() {
  ByteVec ticket = rfc8448("Simple_1RTT_Handshake", "SessionTicket");
  return hex("040000c9 0000001e fad6aac5 02 0000 00b2") + ticket + hex("0008 002a 0004 00000400");
}

TEST(NewSessionTicket, RoundTrip) {
  NewSessionTicket nst = new_session_ticket();
  EXPECT_EQ(test::round_trip(nst, HandshakeType::new_session_ticket), nst);
  NewSessionTicket minimal;
  minimal.ticket = {1};
  EXPECT_EQ(test::round_trip(minimal, HandshakeType::new_session_ticket), minimal);
}

TEST(NewSessionTicket, ParsesAndReproducesRfc8448) {
  ByteVec msg = rfc8448_new_session_ticket();
  NewSessionTicket nst;
  ASSERT_EQ(nst.parse(body_of(msg, HandshakeType::new_session_ticket)), Error::none);
  EXPECT_EQ(nst.ticket_lifetime, 30u);
  EXPECT_EQ(nst.ticket_age_add, 0xfad6aac5u);
  EXPECT_EQ(nst.ticket_nonce, hex("0000"));
  EXPECT_EQ(nst.ticket.size(), 0xb2u);
  EXPECT_EQ(nst.max_early_data_size, 0x400u);
  EXPECT_TRUE(nst.unknown.empty());
  EXPECT_EQ(serialize(nst), msg);
}

TEST(NewSessionTicket, EveryTruncationFails) {
  test::expect_every_prefix_fails<NewSessionTicket>(
      body_of(serialize(new_session_ticket()), HandshakeType::new_session_ticket));
  test::expect_every_prefix_fails<NewSessionTicket>(
      body_of(rfc8448_new_session_ticket(), HandshakeType::new_session_ticket));
}

TEST(NewSessionTicket, Malformed) {
  NewSessionTicket empty_ticket = new_session_ticket();
  empty_ticket.ticket.clear();
  EXPECT_EQ(parse_error<NewSessionTicket>(
                body_of(serialize(empty_ticket), HandshakeType::new_session_ticket)),
            Error::decode_error);
  NewSessionTicket dup = new_session_ticket();
  dup.unknown.push_back({42, {0, 0, 0, 1}});
  EXPECT_EQ(
      parse_error<NewSessionTicket>(body_of(serialize(dup), HandshakeType::new_session_ticket)),
      Error::illegal_parameter);
  NewSessionTicket recognized = new_session_ticket();
  recognized.unknown.push_back({41, {0, 0}});
  EXPECT_EQ(parse_error<NewSessionTicket>(
                body_of(serialize(recognized), HandshakeType::new_session_ticket)),
            Error::illegal_parameter);
  ByteVec base = hex("00000001 00000002 00 0001 aa");
  EXPECT_EQ(parse_error<NewSessionTicket>(base + hex("0006 002a 0002 0000")), Error::decode_error)
      << "early_data of 2 bytes";
  EXPECT_EQ(parse_error<NewSessionTicket>(base + hex("0000 00")), Error::decode_error)
      << "trailing byte";
  EXPECT_EQ(parse_error<NewSessionTicket>(base + hex("0000")), Error::none);
}

TEST(KeyUpdate, RoundTripAndValues) {
  for (bool requested : {false, true}) {
    KeyUpdate ku{requested};
    EXPECT_EQ(test::round_trip(ku, HandshakeType::key_update), ku);
  }
  EXPECT_EQ(serialize(KeyUpdate{true}), hex("18000001 01"));
  EXPECT_EQ(serialize(KeyUpdate{false}), hex("18000001 00"));
  EXPECT_EQ(parse_error<KeyUpdate>(hex("02")), Error::illegal_parameter);
  EXPECT_EQ(parse_error<KeyUpdate>(hex("ff")), Error::illegal_parameter);
  EXPECT_EQ(parse_error<KeyUpdate>(hex("0100")), Error::decode_error);
  test::expect_every_prefix_fails<KeyUpdate>(hex("01"));
}

TEST(Message, BeginMessageWritesTheHeader) {
  ByteVec out{0xee};  // appends, does not clear
  wire::Writer w(out);
  size_t h = begin_message(w, HandshakeType::finished);
  w.bytes(hex("aabbcc"));
  w.close_vec(h);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(out, hex("ee 14000003 aabbcc"));
}

TEST(Message, MessageHash) {
  ByteVec hash(32, 0x42);
  EXPECT_EQ(message_hash(hash), hex("fe000020") + hash);
  ByteVec hash384(48, 0x43);
  EXPECT_EQ(message_hash(hash384), hex("fe000030") + hash384);
}

}  // namespace
}  // namespace adieu::messages
