#include <gtest/gtest.h>

#include <cstring>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::rfc8448;
using test::serialize;

ServerHello server_hello() {
  ServerHello sh;
  for (size_t i = 0; i < sh.random.size(); ++i) sh.random[i] = static_cast<uint8_t>(0x80 + i);
  sh.legacy_session_id_echo = ByteVec(32, 0xaa);
  sh.cipher_suite = 0x1301;
  sh.supported_version = kTls13;
  sh.key_share = KeyShareEntry{0x001d, ByteVec(32, 0x42)};
  sh.selected_psk = 0;
  sh.unknown = {{0x1234, {9, 9}}};
  return sh;
}

ServerHello hello_retry_request() {
  ServerHello hrr;
  std::memcpy(hrr.random.data(), kHelloRetryRequestRandom, 32);
  hrr.cipher_suite = 0x1302;
  hrr.supported_version = kTls13;
  hrr.selected_group = 0x0017;
  hrr.cookie = ByteVec{1, 2, 3, 4};
  return hrr;
}

// Offset of the extension block in a ServerHello body.
size_t extensions_offset(const ServerHello& sh) {
  return 2 + 32 + 1 + sh.legacy_session_id_echo.size() + 2 + 1;
}

ByteVec body_with_extension(ServerHello sh, uint16_t type, const ByteVec& data) {
  sh.unknown.push_back({type, data});
  return body_of(serialize(sh), HandshakeType::server_hello);
}

TEST(ServerHello, HelloRetryRequestRandomIsSha256OfItsName) {
  // RFC 8446 section 4.1.3.
  EXPECT_EQ(ByteVec(kHelloRetryRequestRandom, kHelloRetryRequestRandom + 32),
            hex("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C"));
  EXPECT_EQ(ByteVec(kDowngradeTls12, kDowngradeTls12 + 8), hex("444F574E47524401"));
  EXPECT_EQ(ByteVec(kDowngradeTls11, kDowngradeTls11 + 8), hex("444F574E47524400"));
  EXPECT_TRUE(hello_retry_request().is_hello_retry_request());
  EXPECT_FALSE(server_hello().is_hello_retry_request());
}

TEST(ServerHello, RoundTrip) {
  ServerHello sh = server_hello();
  EXPECT_EQ(test::round_trip(sh, HandshakeType::server_hello), sh);
}

TEST(ServerHello, RoundTripHelloRetryRequest) {
  ServerHello hrr = hello_retry_request();
  ServerHello parsed = test::round_trip(hrr, HandshakeType::server_hello);
  EXPECT_EQ(parsed, hrr);
  EXPECT_TRUE(parsed.is_hello_retry_request());
  EXPECT_FALSE(parsed.key_share.has_value());
}

TEST(ServerHello, SerializesKeyShareThenSupportedVersions) {
  ServerHello sh = server_hello();
  ByteVec body = body_of(serialize(sh), HandshakeType::server_hello);
  EXPECT_EQ(test::extension_types(body, extensions_offset(sh)),
            (std::vector<uint16_t>{51, 43, 41, 0x1234}));
  ServerHello hrr = hello_retry_request();
  body = body_of(serialize(hrr), HandshakeType::server_hello);
  EXPECT_EQ(test::extension_types(body, extensions_offset(hrr)),
            (std::vector<uint16_t>{51, 43, 44}));
}

TEST(ServerHello, ParsesAndReproducesRfc8448ServerHellos) {
  for (const char* section : {"Simple_1RTT_Handshake", "HelloRetryRequest_Handshake",
                              "Client_Authentication_Handshake", "Middlebox_Compatibility_Mode"}) {
    SCOPED_TRACE(section);
    ByteVec msg = rfc8448(section, "Message_ServerHello");
    ServerHello sh;
    ASSERT_EQ(sh.parse(body_of(msg, HandshakeType::server_hello)), Error::none);
    EXPECT_FALSE(sh.is_hello_retry_request());
    EXPECT_EQ(sh.supported_version, kTls13);
    EXPECT_EQ(sh.cipher_suite, 0x1301);
    ASSERT_TRUE(sh.key_share.has_value());
    EXPECT_TRUE(sh.unknown.empty());
    EXPECT_EQ(serialize(sh), msg);
  }
  ServerHello simple;
  ASSERT_EQ(simple.parse(body_of(rfc8448("Simple_1RTT_Handshake", "Message_ServerHello"),
                                 HandshakeType::server_hello)),
            Error::none);
  EXPECT_EQ(simple.key_share->group, 0x001d);
  EXPECT_EQ(simple.key_share->key_exchange,
            hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f"));
  EXPECT_FALSE(simple.selected_psk.has_value());
}

TEST(ServerHello, ParsesRfc8448ResumptionServerHello) {
  ByteVec msg = rfc8448("Resumed_0RTT_Handshake", "Message_ServerHello");
  ServerHello sh;
  ASSERT_EQ(sh.parse(body_of(msg, HandshakeType::server_hello)), Error::none);
  EXPECT_EQ(sh.selected_psk, 0);
  EXPECT_EQ(sh.key_share->group, 0x001d);
  // The trace puts pre_shared_key first; we write it after supported_versions.
  ByteVec again = serialize(sh);
  EXPECT_EQ(again.size(), msg.size());
  EXPECT_EQ(test::round_trip(sh, HandshakeType::server_hello), sh);
}

TEST(ServerHello, ParsesRfc8448HelloRetryRequest) {
  ByteVec record = rfc8448("HelloRetryRequest_Handshake", "Record_HelloRetryRequest");
  ByteVec body = body_of(ByteVec(record.begin() + 5, record.end()), HandshakeType::server_hello);
  ServerHello hrr;
  ASSERT_EQ(hrr.parse(body), Error::none);
  EXPECT_TRUE(hrr.is_hello_retry_request());
  EXPECT_EQ(hrr.selected_group, 0x0017);
  EXPECT_FALSE(hrr.key_share.has_value());
  EXPECT_EQ(hrr.cookie, rfc8448("HelloRetryRequest_Handshake", "HelloRetryRequest_Cookie"));
  EXPECT_EQ(hrr.supported_version, kTls13);
  EXPECT_EQ(hrr.cipher_suite, 0x1301);
  // The trace orders key_share, cookie, supported_versions; we write
  // supported_versions before cookie: compare fields.
  EXPECT_EQ(body_of(serialize(hrr), HandshakeType::server_hello).size(), body.size());
  EXPECT_EQ(test::round_trip(hrr, HandshakeType::server_hello), hrr);
}

TEST(ServerHello, EveryTruncationFails) {
  // Ending right after the compression method is a TLS 1.2 ServerHello
  // without extensions.
  ServerHello sh = server_hello();
  test::expect_every_prefix_fails<ServerHello>(body_of(serialize(sh), HandshakeType::server_hello),
                                               {extensions_offset(sh)});
  ServerHello hrr = hello_retry_request();
  test::expect_every_prefix_fails<ServerHello>(body_of(serialize(hrr), HandshakeType::server_hello),
                                               {extensions_offset(hrr)});
  ByteVec rfc = body_of(rfc8448("Resumed_0RTT_Handshake", "Message_ServerHello"),
                        HandshakeType::server_hello);
  test::expect_every_prefix_fails<ServerHello>(rfc, {2 + 32 + 1 + 2 + 1});
}

TEST(ServerHello, MalformedFixedPart) {
  ServerHello sh = server_hello();
  sh.legacy_compression_method = 1;
  EXPECT_EQ(parse_error<ServerHello>(body_of(serialize(sh), HandshakeType::server_hello)),
            Error::illegal_parameter);
  sh = server_hello();
  sh.legacy_session_id_echo = ByteVec(33, 0);
  EXPECT_EQ(parse_error<ServerHello>(body_of(serialize(sh), HandshakeType::server_hello)),
            Error::decode_error);
  ByteVec body = body_of(serialize(server_hello()), HandshakeType::server_hello);
  body.push_back(0);
  EXPECT_EQ(parse_error<ServerHello>(body), Error::decode_error);
}

TEST(ServerHello, MalformedExtensions) {
  ServerHello plain;
  plain.supported_version = kTls13;
  plain.key_share = KeyShareEntry{0x001d, ByteVec(32, 1)};
  // Duplicate type.
  EXPECT_EQ(parse_error<ServerHello>(body_with_extension(plain, 43, hex("0304"))),
            Error::illegal_parameter);
  ServerHello bare;
  // supported_versions of 3 bytes, key_share with an empty key.
  EXPECT_EQ(parse_error<ServerHello>(body_with_extension(bare, 43, hex("030400"))),
            Error::decode_error);
  EXPECT_EQ(parse_error<ServerHello>(body_with_extension(bare, 51, hex("001d 0000"))),
            Error::decode_error);
  EXPECT_EQ(parse_error<ServerHello>(body_with_extension(bare, 41, hex("00"))),
            Error::decode_error);
  // A HelloRetryRequest's key_share is a bare NamedGroup: an entry is too long.
  ServerHello hrr = hello_retry_request();
  hrr.selected_group.reset();
  EXPECT_EQ(parse_error<ServerHello>(body_with_extension(hrr, 51, hex("001d 0001 01"))),
            Error::decode_error);
  // ... and a ServerHello's key_share must be an entry.
  EXPECT_EQ(parse_error<ServerHello>(body_with_extension(bare, 51, hex("001d"))),
            Error::decode_error);
  hrr.cookie.reset();
  EXPECT_EQ(parse_error<ServerHello>(body_with_extension(hrr, 44, hex("0000"))),
            Error::decode_error);
}

TEST(ServerHello, ExtensionsNotAllowedInTls13) {
  // RFC 8446 section 4.2: recognized extensions in the wrong message.
  ServerHello sh = server_hello();
  sh.cookie = ByteVec{1};
  EXPECT_EQ(parse_error<ServerHello>(body_of(serialize(sh), HandshakeType::server_hello)),
            Error::illegal_parameter);
  ServerHello hrr = hello_retry_request();
  hrr.selected_psk = 0;
  EXPECT_EQ(parse_error<ServerHello>(body_of(serialize(hrr), HandshakeType::server_hello)),
            Error::illegal_parameter);
  EXPECT_EQ(parse_error<ServerHello>(body_with_extension(server_hello(), 16, hex("0003 02 6832"))),
            Error::illegal_parameter);
  // Without supported_versions it is a TLS 1.2 ServerHello, whose ALPN
  // answer is in ServerHello (RFC 7301 section 3.1).
  ServerHello tls12;
  tls12.cipher_suite = 0xc02f;
  ServerHello parsed;
  ASSERT_EQ(parsed.parse(body_with_extension(tls12, 16, hex("0003 02 6832"))), Error::none);
  EXPECT_EQ(parsed.alpn, "h2");
  EXPECT_TRUE(parsed.unknown.empty());
}

}  // namespace
}  // namespace adieu::messages
