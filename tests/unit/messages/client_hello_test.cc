#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::rfc8448;
using test::serialize;

ClientHello full_client_hello() {
  ClientHello ch;
  for (size_t i = 0; i < ch.random.size(); ++i) ch.random[i] = static_cast<uint8_t>(i);
  ch.legacy_session_id = ByteVec(32, 0xaa);
  ch.cipher_suites = {0x1301, 0x1302, 0x1303};
  ch.server_name = "example.com";
  ch.supported_groups = std::vector<uint16_t>{0x001d, 0x0017};
  ch.signature_algorithms = std::vector<uint16_t>{0x0804, 0x0403};
  ch.signature_algorithms_cert = std::vector<uint16_t>{0x0401};
  ch.alpn = std::vector<std::string>{"h2", "http/1.1"};
  ch.key_shares = std::vector<KeyShareEntry>{{0x001d, ByteVec(32, 0x11)}, {0x0017, ByteVec(65, 4)}};
  ch.supported_versions = std::vector<uint16_t>{kTls13, kTls12};
  ch.cookie = ByteVec{1, 2, 3};
  ch.psk_key_exchange_modes = ByteVec{kPskDheKe};
  ch.early_data = true;
  ch.post_handshake_auth = true;
  // renegotiation_info and session_ticket, unknown extensions until they had
  // fields: still written before pre_shared_key, in this order.
  ch.renegotiation_info = ByteVec{};
  ch.session_ticket = ByteVec{};
  ch.pre_shared_key = OfferedPsks{{{ByteVec(16, 0x55), 0x01020304}}, {ByteVec(32, 0x66)}};
  return ch;
}

// Offset of the extension block in a ClientHello body.
size_t extensions_offset(const ClientHello& ch) {
  return 2 + 32 + 1 + ch.legacy_session_id.size() + 2 + 2 * ch.cipher_suites.size() + 1 +
         ch.legacy_compression_methods.size();
}

// The body of `ch` with one more raw extension (placed before pre_shared_key).
ByteVec body_with_extension(ClientHello ch, uint16_t type, const ByteVec& data) {
  ch.unknown.push_back({type, data});
  return body_of(serialize(ch), HandshakeType::client_hello);
}

ByteVec rfc8448_client_hello(const std::string& section, const std::string& record) {
  ByteVec bytes = rfc8448(section, record);
  // 5-byte record header, then the handshake message.
  return body_of(ByteVec(bytes.begin() + 5, bytes.end()), HandshakeType::client_hello);
}

TEST(ClientHello, RoundTripWithEveryExtension) {
  ClientHello ch = full_client_hello();
  EXPECT_EQ(test::round_trip(ch, HandshakeType::client_hello), ch);
}

TEST(ClientHello, RoundTripWithoutExtensions) {
  ClientHello ch;
  ch.cipher_suites = {0x1301};
  ClientHello parsed = test::round_trip(ch, HandshakeType::client_hello);
  EXPECT_EQ(parsed, ch);
  EXPECT_FALSE(parsed.supported_versions.has_value());
}

TEST(ClientHello, SerializesExtensionsInDocumentedOrder) {
  ClientHello ch = full_client_hello();
  ByteVec body = body_of(serialize(ch), HandshakeType::client_hello);
  std::vector<uint16_t> expected = {0, 10, 13, 50, 16, 51, 43, 44, 45, 42, 49, 0xff01, 0x0023, 41};
  EXPECT_EQ(test::extension_types(body, extensions_offset(ch)), expected);
}

TEST(ClientHello, BindersSizeIsTheTailOfTheMessage) {
  ClientHello ch = full_client_hello();
  ch.pre_shared_key->identities.push_back({ByteVec(3, 1), 7});
  ch.pre_shared_key->binders.push_back(ByteVec(48, 0x77));
  ByteVec msg = serialize(ch);
  ASSERT_EQ(ch.binders_size(), 2u + 33u + 49u);
  // The binders list is the last binders_size() bytes: its length, then
  // the first binder's length.
  size_t at = msg.size() - ch.binders_size();
  EXPECT_EQ(msg[at], 0);
  EXPECT_EQ(msg[at + 1], 33 + 49);
  EXPECT_EQ(msg[at + 2], 32);
  ch.pre_shared_key.reset();
  EXPECT_EQ(ch.binders_size(), 0u);
}

TEST(ClientHello, ParsesRfc8448SimpleHandshake) {
  ByteVec body = rfc8448_client_hello("Simple_1RTT_Handshake", "Record_ClientHello_1");
  ClientHello ch;
  ASSERT_EQ(ch.parse(body), Error::none);
  EXPECT_EQ(ch.legacy_version, kTls12);
  EXPECT_EQ(ByteVec(ch.random.begin(), ch.random.end()),
            hex("cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"));
  EXPECT_TRUE(ch.legacy_session_id.empty());
  EXPECT_EQ(ch.cipher_suites, (std::vector<uint16_t>{0x1301, 0x1303, 0x1302}));
  EXPECT_EQ(ch.legacy_compression_methods, ByteVec{0});
  EXPECT_EQ(ch.server_name, "server");
  EXPECT_EQ(ch.supported_groups, (std::vector<uint16_t>{0x001d, 0x0017, 0x0018, 0x0019, 0x0100,
                                                        0x0101, 0x0102, 0x0103, 0x0104}));
  ASSERT_TRUE(ch.key_shares.has_value());
  ASSERT_EQ(ch.key_shares->size(), 1u);
  EXPECT_EQ((*ch.key_shares)[0].group, 0x001d);
  EXPECT_EQ((*ch.key_shares)[0].key_exchange,
            hex("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c"));
  EXPECT_EQ(ch.supported_versions, std::vector<uint16_t>{kTls13});
  EXPECT_EQ(ch.signature_algorithms->size(), 15u);
  EXPECT_EQ(ch.signature_algorithms->front(), 0x0403);
  EXPECT_EQ(ch.psk_key_exchange_modes, ByteVec{kPskDheKe});
  EXPECT_FALSE(ch.alpn || ch.cookie || ch.pre_shared_key || ch.signature_algorithms_cert);
  EXPECT_FALSE(ch.early_data || ch.post_handshake_auth);
  // renegotiation_info (an empty renegotiated_connection), session_ticket
  // (empty) and record_size_limit: TLS 1.2 extensions with fields.
  EXPECT_EQ(ch.renegotiation_info, ByteVec{});
  EXPECT_EQ(ch.session_ticket, ByteVec{});
  EXPECT_EQ(ch.record_size_limit, 0x4001);
  EXPECT_FALSE(ch.extended_master_secret || ch.ec_point_formats || ch.max_fragment_length);
  EXPECT_TRUE(ch.unknown.empty());

  // Our extension order differs from the trace's: same size, same fields.
  ByteVec again = body_of(serialize(ch), HandshakeType::client_hello);
  EXPECT_EQ(again.size(), body.size());
  ClientHello reparsed;
  ASSERT_EQ(reparsed.parse(again), Error::none);
  EXPECT_EQ(reparsed, ch);
}

TEST(ClientHello, ParsesRfc8448ResumptionWithPreSharedKey) {
  ByteVec body = rfc8448_client_hello("Resumed_0RTT_Handshake", "Record_ClientHello_1");
  ClientHello ch;
  ASSERT_EQ(ch.parse(body), Error::none);
  EXPECT_TRUE(ch.early_data);
  ASSERT_TRUE(ch.pre_shared_key.has_value());
  ASSERT_EQ(ch.pre_shared_key->identities.size(), 1u);
  EXPECT_EQ(ch.pre_shared_key->identities[0].identity,
            rfc8448("Resumed_0RTT_Handshake", "SessionTicket"));
  EXPECT_EQ(ch.pre_shared_key->identities[0].obfuscated_ticket_age, 0xfad6aacbu);
  ASSERT_EQ(ch.pre_shared_key->binders.size(), 1u);
  EXPECT_EQ(ch.pre_shared_key->binders[0],
            hex("3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d"));
  // The binders are the trace's last bytes, as binders_size() says.
  ASSERT_EQ(ch.binders_size(), 35u);
  EXPECT_EQ(body[body.size() - 35], 0x00);
  EXPECT_EQ(body[body.size() - 34], 0x21);
  // padding (21) is kept as an unknown extension.
  EXPECT_EQ(ch.unknown.back().type, 21);

  ByteVec again = body_of(serialize(ch), HandshakeType::client_hello);
  EXPECT_EQ(again.size(), body.size());
  EXPECT_TRUE(std::equal(again.end() - 35, again.end(), body.end() - 35));
  ClientHello reparsed;
  ASSERT_EQ(reparsed.parse(again), Error::none);
  EXPECT_EQ(reparsed, ch);
}

TEST(ClientHello, ParsesEveryRfc8448ClientHello) {
  struct Case {
    const char* section;
    const char* record;
  };
  for (Case c : {Case{"Simple_1RTT_Handshake", "Record_ClientHello_1"},
                 Case{"Resumed_0RTT_Handshake", "Record_ClientHello_1"},
                 Case{"HelloRetryRequest_Handshake", "Record_ClientHello_1"},
                 Case{"HelloRetryRequest_Handshake", "Record_ClientHello_2"},
                 Case{"Client_Authentication_Handshake", "Record_ClientHello_1"},
                 Case{"Middlebox_Compatibility_Mode", "Record_ClientHello_1"}}) {
    SCOPED_TRACE(std::string(c.section) + " " + c.record);
    ClientHello ch;
    ASSERT_EQ(ch.parse(rfc8448_client_hello(c.section, c.record)), Error::none);
    EXPECT_EQ(test::round_trip(ch, HandshakeType::client_hello), ch);
  }
  ClientHello second;
  ASSERT_EQ(
      second.parse(rfc8448_client_hello("HelloRetryRequest_Handshake", "Record_ClientHello_2")),
      Error::none);
  EXPECT_EQ(second.cookie, rfc8448("HelloRetryRequest_Handshake", "HelloRetryRequest_Cookie"));
  EXPECT_EQ((*second.key_shares)[0].group, 0x0017);
  ClientHello middlebox;
  ASSERT_EQ(
      middlebox.parse(rfc8448_client_hello("Middlebox_Compatibility_Mode", "Record_ClientHello_1")),
      Error::none);
  EXPECT_EQ(middlebox.legacy_session_id.size(), 32u);
}

TEST(ClientHello, EveryTruncationFails) {
  ClientHello ch = full_client_hello();
  // Ending right after the compression methods is a ClientHello without
  // extensions, which a TLS 1.2 client may send (RFC 8446 section 4.1.2).
  test::expect_every_prefix_fails<ClientHello>(body_of(serialize(ch), HandshakeType::client_hello),
                                               {extensions_offset(ch)});
}

TEST(ClientHello, EveryTruncationOfRfc8448ClientHelloFails) {
  ByteVec body = rfc8448_client_hello("Resumed_0RTT_Handshake", "Record_ClientHello_1");
  test::expect_every_prefix_fails<ClientHello>(body, {2 + 32 + 1 + 2 + 6 + 2});
}

TEST(ClientHello, TrailingBytesAreADecodeError) {
  ByteVec body = body_of(serialize(full_client_hello()), HandshakeType::client_hello);
  body.push_back(0);
  EXPECT_EQ(parse_error<ClientHello>(body), Error::decode_error);
}

TEST(ClientHello, DuplicateExtensionIsIllegalParameter) {
  ClientHello ch = full_client_hello();
  ch.pre_shared_key.reset();
  ch.unknown = {{0x1234, {}}, {0x1234, {1}}};
  EXPECT_EQ(parse_error<ClientHello>(body_of(serialize(ch), HandshakeType::client_hello)),
            Error::illegal_parameter);
  // A recognized type twice: supported_versions as a field and raw.
  ByteVec body = body_with_extension(full_client_hello(), 43, hex("020304"));
  EXPECT_EQ(parse_error<ClientHello>(body), Error::illegal_parameter);
}

TEST(ClientHello, PreSharedKeyNotLastIsIllegalParameter) {
  ClientHello ch = full_client_hello();
  ByteVec psk =
      hex("0016 0010 55555555555555555555555555555555 01020304 0021 20") + ByteVec(32, 0x66);
  ch.pre_shared_key.reset();
  ch.unknown = {{41, psk}, {0x1234, {}}};
  EXPECT_EQ(parse_error<ClientHello>(body_of(serialize(ch), HandshakeType::client_hello)),
            Error::illegal_parameter);
  // The same bytes last are accepted.
  ch.unknown = {{0x1234, {}}, {41, psk}};
  ClientHello parsed;
  ASSERT_EQ(parsed.parse(body_of(serialize(ch), HandshakeType::client_hello)), Error::none);
  EXPECT_EQ(parsed.pre_shared_key, full_client_hello().pre_shared_key);
}

TEST(ClientHello, LegacySessionIdOver32BytesIsADecodeError) {
  ClientHello ch = full_client_hello();
  ch.legacy_session_id = ByteVec(33, 1);
  EXPECT_EQ(parse_error<ClientHello>(body_of(serialize(ch), HandshakeType::client_hello)),
            Error::decode_error);
}

TEST(ClientHello, FixedPartLengthRules) {
  ClientHello no_suites = full_client_hello();
  no_suites.cipher_suites.clear();
  EXPECT_EQ(parse_error<ClientHello>(body_of(serialize(no_suites), HandshakeType::client_hello)),
            Error::decode_error);
  ClientHello no_compression = full_client_hello();
  no_compression.legacy_compression_methods.clear();
  EXPECT_EQ(
      parse_error<ClientHello>(body_of(serialize(no_compression), HandshakeType::client_hello)),
      Error::decode_error);
  // cipher_suites of odd length: 3 bytes.
  ByteVec odd = hex("0303") + ByteVec(32, 0) + hex("00 0003 130113 0100 0000");
  EXPECT_EQ(parse_error<ClientHello>(odd), Error::decode_error);
  ByteVec even = hex("0303") + ByteVec(32, 0) + hex("00 0002 1301 0100 0000");
  EXPECT_EQ(parse_error<ClientHello>(even), Error::none);
}

// Each case: one raw extension added to an otherwise valid ClientHello.
struct BadExtension {
  const char* what;
  uint16_t type;
  const char* data;
  Error expected;
};

class ClientHelloBadExtension : public testing::TestWithParam<BadExtension> {};

TEST_P(ClientHelloBadExtension, IsRejected) {
  const BadExtension& c = GetParam();
  ClientHello base;
  base.cipher_suites = {0x1301};
  EXPECT_EQ(parse_error<ClientHello>(body_with_extension(base, c.type, hex(c.data))), c.expected)
      << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClientHelloBadExtension,
    testing::Values(
        BadExtension{"server_name empty list", 0, "0000", Error::decode_error},
        BadExtension{"server_name empty host", 0, "0003 00 0000", Error::decode_error},
        BadExtension{"server_name other name_type", 0, "0004 01 0001 61", Error::decode_error},
        BadExtension{"server_name two entries", 0, "0008 00 0001 61 00 0001 62",
                     Error::decode_error},
        BadExtension{"server_name trailing byte", 0, "0004 00 0001 61 00", Error::decode_error},
        BadExtension{"supported_groups empty", 10, "0000", Error::decode_error},
        BadExtension{"supported_groups odd", 10, "0003 001d00", Error::decode_error},
        BadExtension{"signature_algorithms empty", 13, "0000", Error::decode_error},
        BadExtension{"signature_algorithms odd", 13, "0001 04", Error::decode_error},
        BadExtension{"signature_algorithms_cert empty", 50, "0000", Error::decode_error},
        BadExtension{"alpn empty list", 16, "0000", Error::decode_error},
        BadExtension{"alpn empty name", 16, "0002 00 00", Error::decode_error},
        BadExtension{"alpn name overruns", 16, "0002 05 61", Error::decode_error},
        BadExtension{"key_share empty key_exchange", 51, "0004 001d 0000", Error::decode_error},
        BadExtension{"key_share entry overruns", 51, "0005 001d 0002 01", Error::decode_error},
        BadExtension{"key_share same group twice", 51, "000a 001d 0001 01 001d 0001 02",
                     Error::illegal_parameter},
        BadExtension{"supported_versions empty", 43, "00", Error::decode_error},
        BadExtension{"supported_versions odd", 43, "03 030403", Error::decode_error},
        BadExtension{"supported_versions one byte", 43, "01 03", Error::decode_error},
        BadExtension{"cookie empty", 44, "0000", Error::decode_error},
        BadExtension{"psk_key_exchange_modes empty", 45, "00", Error::decode_error},
        BadExtension{"early_data not empty", 42, "00", Error::decode_error},
        BadExtension{"post_handshake_auth not empty", 49, "00", Error::decode_error},
        BadExtension{
            "pre_shared_key no identities", 41,
            "0000 0021 20 0000000000000000000000000000000000000000000000000000000000000000",
            Error::decode_error},
        BadExtension{"pre_shared_key empty identity", 41,
                     "0006 0000 00000000 0021 20 "
                     "0000000000000000000000000000000000000000000000000000000000000000",
                     Error::decode_error},
        BadExtension{"pre_shared_key no binders", 41, "0007 0001 61 00000000 0000",
                     Error::decode_error},
        BadExtension{"pre_shared_key binder of 31 bytes", 41,
                     "0007 0001 61 00000000 0020 1f "
                     "00000000000000000000000000000000000000000000000000000000000000",
                     Error::decode_error},
        BadExtension{"pre_shared_key two identities one binder", 41,
                     "000e 0001 61 00000000 0001 62 00000000 0021 20 "
                     "0000000000000000000000000000000000000000000000000000000000000000",
                     Error::illegal_parameter}));

TEST(ClientHello, ExtensionOverrunningItsBlockIsADecodeError) {
  ClientHello ch;
  ch.cipher_suites = {0x1301};
  ByteVec body = body_of(serialize(ch), HandshakeType::client_hello);
  // Replace the empty block by one whose only extension claims 5 bytes.
  body.resize(body.size() - 2);
  ByteVec block = hex("0006 1234 0005 00 00");
  body.insert(body.end(), block.begin(), block.end());
  EXPECT_EQ(parse_error<ClientHello>(body), Error::decode_error);
  // A block whose length says more than there is.
  body.resize(body.size() - block.size());
  ByteVec long_block = hex("0009 1234 0000");
  body.insert(body.end(), long_block.begin(), long_block.end());
  EXPECT_EQ(parse_error<ClientHello>(body), Error::decode_error);
}

}  // namespace
}  // namespace adieu::messages
