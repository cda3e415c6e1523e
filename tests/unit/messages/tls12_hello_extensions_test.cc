// The TLS 1.2 extensions of ClientHello and ServerHello: extended_master_secret
// (RFC 7627), renegotiation_info (RFC 5746), ec_point_formats (RFC 8422),
// session_ticket (RFC 5077), max_fragment_length (RFC 6066) and
// record_size_limit (RFC 8449). A TLS 1.3 ServerHello keeps them unknown.
#include <gtest/gtest.h>

#include <cstring>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::serialize;

// A TLS 1.2 ClientHello with every TLS 1.2 extension.
ClientHello tls12_client_hello() {
  ClientHello ch;
  for (size_t i = 0; i < ch.random.size(); ++i) ch.random[i] = static_cast<uint8_t>(i);
  ch.cipher_suites = {0xc02b, 0xc02f, 0xcca9, kEmptyRenegotiationInfoScsv};
  ch.server_name = "example.com";
  ch.supported_groups = std::vector<uint16_t>{0x001d, 0x0017};
  ch.signature_algorithms = std::vector<uint16_t>{0x0403, 0x0804};
  ch.extended_master_secret = true;
  ch.renegotiation_info = ByteVec{};
  ch.ec_point_formats = ByteVec{kPointFormatUncompressed};
  ch.session_ticket = ByteVec(40, 0x5c);
  ch.max_fragment_length = 2;
  ch.record_size_limit = 0x4001;
  ch.unknown = {{static_cast<uint16_t>(ExtensionType::status_request), hex("01 0000 0000")}};
  return ch;
}

// tls12_client_hello() by hand, from RFC 5246 section 7.4.1.2 and each
// extension's RFC.
ByteVec tls12_client_hello_bytes() {
  return hex("010000a8 0303") +
         hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f") +
         hex("00 0008 c02b c02f cca9 00ff 01 00 0077"
             "0000 0010 000e 00 000b 6578616d706c652e636f6d"  // server_name
             "000a 0006 0004 001d 0017"                       // supported_groups
             "000d 0006 0004 0403 0804"                       // signature_algorithms
             "0017 0000"                                      // extended_master_secret
             "ff01 0001 00"                                   // renegotiation_info
             "000b 0002 01 00"                                // ec_point_formats
             "0023 0028") +                                   // session_ticket
         ByteVec(40, 0x5c) +
         hex("0001 0001 02"              // max_fragment_length 2^10
             "001c 0002 4001"            // record_size_limit
             "0005 0005 01 0000 0000");  // status_request, kept as unknown
}

// A TLS 1.2 ServerHello (no supported_versions) with every TLS 1.2 extension.
ServerHello tls12_server_hello() {
  ServerHello sh;
  for (size_t i = 0; i < sh.random.size(); ++i) sh.random[i] = static_cast<uint8_t>(0x40 + i);
  sh.legacy_session_id_echo = ByteVec(32, 0x33);
  sh.cipher_suite = 0xc02b;
  sh.extended_master_secret = true;
  sh.renegotiation_info = ByteVec{};
  sh.ec_point_formats = ByteVec{kPointFormatUncompressed};
  sh.session_ticket = true;
  sh.max_fragment_length = 4;
  sh.record_size_limit = 64;
  // server_name's empty acknowledgement and ALPN's answer (RFC 6066
  // section 3, RFC 7301 section 3.1), written last.
  sh.server_name_ack = true;
  sh.alpn = "h2";
  return sh;
}

ByteVec tls12_server_hello_bytes() {
  return hex("02000073 0303") +
         hex("404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f") + hex("20") +
         ByteVec(32, 0x33) +
         hex("c02b 00 002b"
             "0017 0000"               // extended_master_secret
             "ff01 0001 00"            // renegotiation_info
             "000b 0002 01 00"         // ec_point_formats
             "0023 0000"               // session_ticket
             "0001 0001 04"            // max_fragment_length 2^12
             "001c 0002 0040"          // record_size_limit 64
             "0000 0000"               // server_name
             "0010 0005 0003 02 6832"  // ALPN
         );
}

size_t client_extensions_offset(const ClientHello& ch) {
  return 2 + 32 + 1 + ch.legacy_session_id.size() + 2 + 2 * ch.cipher_suites.size() + 1 +
         ch.legacy_compression_methods.size();
}

size_t server_extensions_offset(const ServerHello& sh) {
  return 2 + 32 + 1 + sh.legacy_session_id_echo.size() + 2 + 1;
}

template <class Hello>
ByteVec body_with_extension(Hello hello, uint16_t type, const ByteVec& data, HandshakeType t) {
  hello.unknown.push_back({type, data});
  return body_of(serialize(hello), t);
}

ByteVec client_body_with(ClientHello ch, uint16_t type, const ByteVec& data) {
  return body_with_extension(std::move(ch), type, data, HandshakeType::client_hello);
}

ByteVec server_body_with(ServerHello sh, uint16_t type, const ByteVec& data) {
  return body_with_extension(std::move(sh), type, data, HandshakeType::server_hello);
}

TEST(Tls12CodePoints, Values) {
  EXPECT_EQ(static_cast<uint8_t>(HandshakeType::hello_request), 0);
  EXPECT_EQ(static_cast<uint8_t>(HandshakeType::server_key_exchange), 12);
  EXPECT_EQ(static_cast<uint8_t>(HandshakeType::server_hello_done), 14);
  EXPECT_EQ(static_cast<uint8_t>(HandshakeType::client_key_exchange), 16);
  EXPECT_EQ(static_cast<uint8_t>(HandshakeType::certificate_status), 22);
  EXPECT_EQ(static_cast<uint16_t>(ExtensionType::max_fragment_length), 0x0001);
  EXPECT_EQ(static_cast<uint16_t>(ExtensionType::status_request), 0x0005);
  EXPECT_EQ(static_cast<uint16_t>(ExtensionType::ec_point_formats), 0x000b);
  EXPECT_EQ(static_cast<uint16_t>(ExtensionType::extended_master_secret), 0x0017);
  EXPECT_EQ(static_cast<uint16_t>(ExtensionType::record_size_limit), 0x001c);
  EXPECT_EQ(static_cast<uint16_t>(ExtensionType::session_ticket), 0x0023);
  EXPECT_EQ(static_cast<uint16_t>(ExtensionType::renegotiation_info), 0xff01);
  EXPECT_EQ(kEmptyRenegotiationInfoScsv, 0x00ff);
  EXPECT_EQ(kFallbackScsv, 0x5600);
}

TEST(Tls12ClientHello, RoundTrip) {
  ClientHello ch = tls12_client_hello();
  EXPECT_EQ(test::round_trip(ch, HandshakeType::client_hello), ch);
  // Each extension alone, and the values at the ends of their ranges.
  ClientHello one;
  one.cipher_suites = {0xc02b, kFallbackScsv};
  for (uint8_t mfl : {1, 4}) {
    one.max_fragment_length = mfl;
    EXPECT_EQ(test::round_trip(one, HandshakeType::client_hello), one);
  }
  for (uint16_t limit : {64, 0xffff}) {
    one.record_size_limit = limit;
    EXPECT_EQ(test::round_trip(one, HandshakeType::client_hello), one);
  }
  one.renegotiation_info = ByteVec(12, 0xee);  // a client's verify_data
  one.session_ticket = ByteVec{};
  one.ec_point_formats = ByteVec{0, 1, 2};
  EXPECT_EQ(test::round_trip(one, HandshakeType::client_hello), one);
  one.renegotiation_info = ByteVec(255, 0xee);
  one.session_ticket = ByteVec(0xffff - 1000, 7);  // the block holds the rest
  one.ec_point_formats = ByteVec(255, 0);
  EXPECT_EQ(test::round_trip(one, HandshakeType::client_hello), one);
}

TEST(Tls12ClientHello, KnownBytes) {
  EXPECT_EQ(serialize(tls12_client_hello()), tls12_client_hello_bytes());
  ClientHello parsed;
  ASSERT_EQ(parsed.parse(body_of(tls12_client_hello_bytes(), HandshakeType::client_hello)),
            Error::none);
  EXPECT_EQ(parsed, tls12_client_hello());
  EXPECT_TRUE(parsed.extended_master_secret);
  EXPECT_EQ(parsed.renegotiation_info, ByteVec{});
  EXPECT_EQ(parsed.ec_point_formats, ByteVec{0});
  EXPECT_EQ(parsed.session_ticket, ByteVec(40, 0x5c));
  EXPECT_EQ(parsed.max_fragment_length, 2);
  EXPECT_EQ(parsed.record_size_limit, 0x4001);
  ASSERT_EQ(parsed.unknown.size(), 1u);
  EXPECT_EQ(parsed.unknown[0].type, 5);
  EXPECT_EQ(parsed.cipher_suites.back(), kEmptyRenegotiationInfoScsv);
}

TEST(Tls12ClientHello, ExtensionsInAnyOrderAndWithTls13) {
  // The trace's order, not ours; a ClientHello offering TLS 1.3 and 1.2 has
  // its TLS 1.2 extensions parsed too.
  ByteVec body = hex("0303") + ByteVec(32, 1) +
                 hex("00 0004 1301 c02b 0100 0025"
                     "001c 0002 4000 0023 0003 aabbcc ff01 0001 00 002b 0005 04 0304 0303"
                     "000b 0002 01 00 0017 0000");
  ClientHello ch;
  ASSERT_EQ(ch.parse(body), Error::none);
  EXPECT_EQ(ch.record_size_limit, 0x4000);
  EXPECT_EQ(ch.session_ticket, hex("aabbcc"));
  EXPECT_EQ(ch.renegotiation_info, ByteVec{});
  EXPECT_EQ(ch.supported_versions, (std::vector<uint16_t>{kTls13, kTls12}));
  EXPECT_EQ(ch.ec_point_formats, ByteVec{0});
  EXPECT_TRUE(ch.extended_master_secret);
  EXPECT_FALSE(ch.max_fragment_length);
  EXPECT_TRUE(ch.unknown.empty());
}

TEST(Tls12ClientHello, AbsentExtensionsAreAbsent) {
  ClientHello ch;
  ch.cipher_suites = {0xc02b};
  ClientHello parsed = test::round_trip(ch, HandshakeType::client_hello);
  EXPECT_FALSE(parsed.extended_master_secret);
  EXPECT_FALSE(parsed.renegotiation_info || parsed.ec_point_formats || parsed.session_ticket ||
               parsed.max_fragment_length || parsed.record_size_limit);
  // Nothing is written for them: the empty extension block.
  EXPECT_EQ(body_of(serialize(ch), HandshakeType::client_hello).size(),
            client_extensions_offset(ch) + 2);
}

TEST(Tls12ClientHello, EveryTruncationFails) {
  ClientHello ch = tls12_client_hello();
  test::expect_every_prefix_fails<ClientHello>(body_of(serialize(ch), HandshakeType::client_hello),
                                               {client_extensions_offset(ch)});
}

TEST(Tls12ClientHello, DuplicatesAreIllegalParameter) {
  // A TLS 1.2 extension set as a field and once more raw (RFC 8446 section
  // 4.2; RFC 5246 section 7.4.1.4: "MUST NOT be more than one extension of
  // the same type").
  struct Case {
    uint16_t type;
    const char* data;
  };
  for (Case c : {Case{0x0017, ""}, Case{0xff01, "00"}, Case{0x000b, "0100"}, Case{0x0023, ""},
                 Case{0x0001, "01"}, Case{0x001c, "4000"}}) {
    SCOPED_TRACE(c.type);
    EXPECT_EQ(parse_error<ClientHello>(client_body_with(tls12_client_hello(), c.type, hex(c.data))),
              Error::illegal_parameter);
  }
  ClientHello twice;
  twice.cipher_suites = {0xc02b};
  twice.unknown = {{0x0017, {}}, {0x0017, {}}};
  EXPECT_EQ(parse_error<ClientHello>(body_of(serialize(twice), HandshakeType::client_hello)),
            Error::illegal_parameter);
}

TEST(Tls12ServerHello, RoundTrip) {
  ServerHello sh = tls12_server_hello();
  ServerHello parsed = test::round_trip(sh, HandshakeType::server_hello);
  EXPECT_EQ(parsed, sh);
  EXPECT_FALSE(parsed.selects_tls13());
  // A renegotiation's renegotiated_connection: client and server verify_data.
  sh.renegotiation_info = ByteVec(24, 0x21);
  sh.ec_point_formats = ByteVec{0, 1, 2};
  sh.max_fragment_length = 1;
  sh.record_size_limit = 0xffff;
  EXPECT_EQ(test::round_trip(sh, HandshakeType::server_hello), sh);
  ServerHello bare;  // only renegotiation_info, as many servers answer
  bare.cipher_suite = 0xc030;
  bare.renegotiation_info = ByteVec{};
  EXPECT_EQ(test::round_trip(bare, HandshakeType::server_hello), bare);
  EXPECT_EQ(body_of(serialize(bare), HandshakeType::server_hello),
            hex("0303") + ByteVec(32, 0) + hex("00 c030 00 0005 ff01 0001 00"));
}

TEST(Tls12ServerHello, KnownBytes) {
  EXPECT_EQ(serialize(tls12_server_hello()), tls12_server_hello_bytes());
  ServerHello parsed;
  ASSERT_EQ(parsed.parse(body_of(tls12_server_hello_bytes(), HandshakeType::server_hello)),
            Error::none);
  EXPECT_EQ(parsed, tls12_server_hello());
  EXPECT_EQ(parsed.legacy_version, kTls12);
  EXPECT_FALSE(parsed.supported_version);
  EXPECT_TRUE(parsed.extended_master_secret);
  EXPECT_TRUE(parsed.session_ticket);
  EXPECT_EQ(parsed.renegotiation_info, ByteVec{});
  EXPECT_EQ(parsed.ec_point_formats, ByteVec{0});
  EXPECT_EQ(parsed.max_fragment_length, 4);
  EXPECT_EQ(parsed.record_size_limit, 64);
  EXPECT_TRUE(parsed.server_name_ack);
  EXPECT_EQ(parsed.alpn, "h2");
  EXPECT_TRUE(parsed.unknown.empty());
}

TEST(Tls12ServerHello, ExtensionsInAnyOrder) {
  ByteVec body = hex("0303") + ByteVec(32, 2) +
                 hex("00 c02f 00 0013 ff01 0001 00 0023 0000 000b 0002 0100 0017 0000");
  ServerHello sh;
  ASSERT_EQ(sh.parse(body), Error::none);
  EXPECT_TRUE(sh.extended_master_secret && sh.session_ticket);
  EXPECT_EQ(sh.renegotiation_info, ByteVec{});
  EXPECT_EQ(sh.ec_point_formats, ByteVec{0});
  EXPECT_TRUE(sh.unknown.empty());
}

TEST(Tls12ServerHello, EveryTruncationFails) {
  ServerHello sh = tls12_server_hello();
  test::expect_every_prefix_fails<ServerHello>(body_of(serialize(sh), HandshakeType::server_hello),
                                               {server_extensions_offset(sh)});
}

TEST(Tls12ServerHello, DuplicatesAreIllegalParameter) {
  for (uint16_t type : {0x0017, 0xff01, 0x000b, 0x0023, 0x0001, 0x001c}) {
    SCOPED_TRACE(type);
    ServerHello sh = tls12_server_hello();
    ByteVec data;
    if (type == 0xff01) data = {0};
    if (type == 0x000b) data = {1, 0};
    if (type == 0x0001) data = {1};
    if (type == 0x001c) data = {0x40, 0};
    EXPECT_EQ(parse_error<ServerHello>(server_body_with(sh, type, data)), Error::illegal_parameter);
  }
}

// The TLS 1.3 ServerHello of server_hello_test.cc's server_hello().
ServerHello tls13_server_hello() {
  ServerHello sh;
  sh.legacy_session_id_echo = ByteVec(32, 0xaa);
  sh.cipher_suite = 0x1301;
  sh.supported_version = kTls13;
  sh.key_share = KeyShareEntry{0x001d, ByteVec(32, 0x42)};
  return sh;
}

TEST(Tls12ServerHello, Tls13ServerHelloKeepsThemUnknown) {
  // In a ServerHello selecting TLS 1.3, or a HelloRetryRequest, the TLS 1.2
  // extensions are not interpreted: they stay in `unknown`, even malformed,
  // and the handshake refuses them (unsupported_extension) as it did before.
  ServerHello hrr;
  std::memcpy(hrr.random.data(), kHelloRetryRequestRandom, 32);
  hrr.cipher_suite = 0x1301;
  hrr.supported_version = kTls13;
  hrr.selected_group = 0x0017;
  struct Case {
    uint16_t type;
    const char* data;
  };
  for (const ServerHello& base : {tls13_server_hello(), hrr}) {
    for (Case c :
         {Case{0x0017, ""}, Case{0x0017, "00"}, Case{0xff01, "00"}, Case{0xff01, ""},
          Case{0x000b, "0100"}, Case{0x0023, "01"}, Case{0x0001, "09"}, Case{0x001c, "0001"}}) {
      SCOPED_TRACE(c.type);
      ServerHello parsed;
      ASSERT_EQ(parsed.parse(server_body_with(base, c.type, hex(c.data))), Error::none);
      EXPECT_TRUE(parsed.selects_tls13());
      ASSERT_EQ(parsed.unknown.size(), 1u);
      EXPECT_EQ(parsed.unknown[0].type, c.type);
      EXPECT_EQ(parsed.unknown[0].data, hex(c.data));
      EXPECT_FALSE(parsed.extended_master_secret || parsed.session_ticket);
      EXPECT_FALSE(parsed.renegotiation_info || parsed.ec_point_formats ||
                   parsed.max_fragment_length || parsed.record_size_limit);
    }
  }
  // supported_versions after the extension counts as well.
  ByteVec body = hex("0303") + ByteVec(32, 3) +
                 hex("00 1301 00 0014 0017 0000 0033 0006 001d 0002 abcd 002b 0002 0304");
  ServerHello late;
  ASSERT_EQ(late.parse(body), Error::none);
  EXPECT_FALSE(late.extended_master_secret);
  ASSERT_EQ(late.unknown.size(), 1u);
  EXPECT_EQ(late.unknown[0].type, 0x0017);
}

TEST(Tls12ServerHello, SupportedVersionsOtherThanTls13IsNotTls13) {
  // RFC 8446 section 4.2.1 forbids it, the handshake refuses it; the codec
  // reads the extensions as TLS 1.2's.
  ServerHello sh = tls12_server_hello();
  sh.supported_version = kTls12;
  ServerHello parsed = test::round_trip(sh, HandshakeType::server_hello);
  EXPECT_EQ(parsed, sh);
  EXPECT_FALSE(parsed.selects_tls13());
}

TEST(Tls12ServerHello, Tls13BytesUnchanged) {
  // With the TLS 1.2 fields absent a ServerHello is written as before.
  EXPECT_EQ(body_of(serialize(tls13_server_hello()), HandshakeType::server_hello),
            hex("0303") + ByteVec(32, 0) + hex("20") + ByteVec(32, 0xaa) +
                hex("1301 00 002e 0033 0024 001d 0020") + ByteVec(32, 0x42) +
                hex("002b 0002 0304"));
}

// One raw TLS 1.2 extension added to a ClientHello and to a TLS 1.2
// ServerHello: the error of each.
struct BadExtension {
  const char* what;
  uint16_t type;
  const char* data;
  Error client_hello;
  Error server_hello;
};

class Tls12HelloBadExtension : public testing::TestWithParam<BadExtension> {};

TEST_P(Tls12HelloBadExtension, IsRejected) {
  const BadExtension& c = GetParam();
  ClientHello ch;
  ch.cipher_suites = {0xc02b};
  EXPECT_EQ(parse_error<ClientHello>(client_body_with(ch, c.type, hex(c.data))), c.client_hello)
      << c.what;
  ServerHello sh;
  sh.cipher_suite = 0xc02b;
  EXPECT_EQ(parse_error<ServerHello>(server_body_with(sh, c.type, hex(c.data))), c.server_hello)
      << c.what;
}

constexpr Error kDecode = Error::decode_error;
constexpr Error kIllegal = Error::illegal_parameter;
constexpr Error kNone = Error::none;

INSTANTIATE_TEST_SUITE_P(
    Cases, Tls12HelloBadExtension,
    testing::Values(
        // RFC 7627 section 5.1: "The "extension_data" field of this extension
        // is empty."
        BadExtension{"extended_master_secret not empty", 0x0017, "00", kDecode, kDecode},
        // RFC 5746 section 3.2: opaque renegotiated_connection<0..255>.
        BadExtension{"renegotiation_info without its length", 0xff01, "", kDecode, kDecode},
        BadExtension{"renegotiation_info overruns", 0xff01, "02 aa", kDecode, kDecode},
        BadExtension{"renegotiation_info trailing byte", 0xff01, "00 00", kDecode, kDecode},
        BadExtension{"renegotiation_info of 12 bytes", 0xff01, "0c 000102030405060708090a0b", kNone,
                     kNone},
        // RFC 8422 section 5.1.2: ec_point_format_list<1..2^8-1>.
        BadExtension{"ec_point_formats empty list", 0x000b, "00", kDecode, kDecode},
        BadExtension{"ec_point_formats no list", 0x000b, "", kDecode, kDecode},
        BadExtension{"ec_point_formats overruns", 0x000b, "02 00", kDecode, kDecode},
        BadExtension{"ec_point_formats trailing byte", 0x000b, "01 00 00", kDecode, kDecode},
        // RFC 5077 section 3.2: the client's ticket; the server's is empty.
        BadExtension{"session_ticket with a ticket", 0x0023, "aabbcc", kNone, kDecode},
        // RFC 6066 section 4: MaxFragmentLength 1..4, else illegal_parameter.
        BadExtension{"max_fragment_length 0", 0x0001, "00", kIllegal, kIllegal},
        BadExtension{"max_fragment_length 5", 0x0001, "05", kIllegal, kIllegal},
        BadExtension{"max_fragment_length 255", 0x0001, "ff", kIllegal, kIllegal},
        BadExtension{"max_fragment_length empty", 0x0001, "", kDecode, kDecode},
        BadExtension{"max_fragment_length two bytes", 0x0001, "0100", kDecode, kDecode},
        BadExtension{"max_fragment_length 3", 0x0001, "03", kNone, kNone},
        // RFC 8449 section 4: under 64 is an illegal_parameter.
        BadExtension{"record_size_limit 63", 0x001c, "003f", kIllegal, kIllegal},
        BadExtension{"record_size_limit 0", 0x001c, "0000", kIllegal, kIllegal},
        BadExtension{"record_size_limit one byte", 0x001c, "40", kDecode, kDecode},
        BadExtension{"record_size_limit three bytes", 0x001c, "400000", kDecode, kDecode},
        BadExtension{"record_size_limit 64", 0x001c, "0040", kNone, kNone},
        // status_request is not interpreted: any bytes are kept.
        BadExtension{"status_request", 0x0005, "ff", kNone, kNone}));

}  // namespace
}  // namespace adieu::messages
