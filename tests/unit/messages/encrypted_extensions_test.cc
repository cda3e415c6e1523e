#include <gtest/gtest.h>

#include "test_util.h"

namespace adieu::messages {
namespace {

using test::body_of;
using test::hex;
using test::parse_error;
using test::rfc8448;
using test::serialize;

EncryptedExtensions encrypted_extensions() {
  EncryptedExtensions ee;
  ee.server_name_ack = true;
  ee.alpn = "h2";
  ee.supported_groups = std::vector<uint16_t>{0x001d, 0x0017};
  ee.early_data = true;
  ee.max_fragment_length = 2;
  ee.record_size_limit = 0x4001;
  ee.unknown = {{0xff00, {0x40, 0x01}}};
  return ee;
}

ByteVec body_with_extension(EncryptedExtensions ee, uint16_t type, const ByteVec& data) {
  ee.unknown.push_back({type, data});
  return body_of(serialize(ee), HandshakeType::encrypted_extensions);
}

TEST(EncryptedExtensions, RoundTrip) {
  EncryptedExtensions ee = encrypted_extensions();
  EXPECT_EQ(test::round_trip(ee, HandshakeType::encrypted_extensions), ee);
  EncryptedExtensions empty;
  EXPECT_EQ(test::round_trip(empty, HandshakeType::encrypted_extensions), empty);
  EXPECT_EQ(serialize(empty), hex("08000002 0000"));
}

TEST(EncryptedExtensions, SerializesInDocumentedOrder) {
  ByteVec body = body_of(serialize(encrypted_extensions()), HandshakeType::encrypted_extensions);
  EXPECT_EQ(test::extension_types(body, 0),
            (std::vector<uint16_t>{10, 0, 16, 42, 1, 0x001c, 0xff00}));
}

TEST(EncryptedExtensions, ParsesRfc8448) {
  ByteVec msg = rfc8448("Simple_1RTT_Handshake", "Message_EncryptedExtensions");
  EncryptedExtensions ee;
  ASSERT_EQ(ee.parse(body_of(msg, HandshakeType::encrypted_extensions)), Error::none);
  EXPECT_TRUE(ee.server_name_ack);
  EXPECT_FALSE(ee.early_data);
  EXPECT_FALSE(ee.alpn.has_value());
  EXPECT_EQ(ee.supported_groups, (std::vector<uint16_t>{0x001d, 0x0017, 0x0018, 0x0019, 0x0100,
                                                        0x0101, 0x0102, 0x0103, 0x0104}));
  EXPECT_TRUE(ee.unknown.empty());
  EXPECT_EQ(ee.record_size_limit, 0x4001);
  // The trace has server_name last; we write it second: same size, fields.
  EXPECT_EQ(serialize(ee).size(), msg.size());
  EXPECT_EQ(test::round_trip(ee, HandshakeType::encrypted_extensions), ee);

  EncryptedExtensions resumed;
  ASSERT_EQ(resumed.parse(body_of(rfc8448("Resumed_0RTT_Handshake", "Message_EncryptedExtensions"),
                                  HandshakeType::encrypted_extensions)),
            Error::none);
  EXPECT_TRUE(resumed.early_data);
  EXPECT_FALSE(resumed.server_name_ack);
  EXPECT_EQ(resumed.record_size_limit, 0x4001);
  EXPECT_EQ(test::round_trip(resumed, HandshakeType::encrypted_extensions), resumed);
}

TEST(EncryptedExtensions, EveryTruncationFails) {
  test::expect_every_prefix_fails<EncryptedExtensions>(
      body_of(serialize(encrypted_extensions()), HandshakeType::encrypted_extensions));
  test::expect_every_prefix_fails<EncryptedExtensions>(
      body_of(rfc8448("Simple_1RTT_Handshake", "Message_EncryptedExtensions"),
              HandshakeType::encrypted_extensions));
}

TEST(EncryptedExtensions, Malformed) {
  EncryptedExtensions none;
  struct Case {
    const char* what;
    uint16_t type;
    const char* data;
    Error expected;
  };
  for (Case c : {
           Case{"server_name not empty", 0, "0000", Error::decode_error},
           Case{"alpn two protocols", 16, "0006 02 6832 02 6833", Error::decode_error},
           Case{"alpn empty list", 16, "0000", Error::decode_error},
           Case{"alpn empty name", 16, "0001 00", Error::decode_error},
           Case{"supported_groups empty", 10, "0000", Error::decode_error},
           Case{"supported_groups odd", 10, "0001 00", Error::decode_error},
           Case{"early_data not empty", 42, "00000000", Error::decode_error},
           Case{"key_share not allowed", 51, "001d 0001 01", Error::illegal_parameter},
           Case{"supported_versions not allowed", 43, "0304", Error::illegal_parameter},
           Case{"padding not allowed", 21, "00", Error::illegal_parameter},
           Case{"max_fragment_length 0", 1, "00", Error::illegal_parameter},
           Case{"max_fragment_length 5", 1, "05", Error::illegal_parameter},
           Case{"max_fragment_length two bytes", 1, "0101", Error::decode_error},
           Case{"record_size_limit 63", 28, "003f", Error::illegal_parameter},
           Case{"record_size_limit one byte", 28, "40", Error::decode_error},
       }) {
    EXPECT_EQ(parse_error<EncryptedExtensions>(body_with_extension(none, c.type, hex(c.data))),
              c.expected)
        << c.what;
  }
  EXPECT_EQ(parse_error<EncryptedExtensions>(
                body_with_extension(encrypted_extensions(), 16, hex("0003 02 6832"))),
            Error::illegal_parameter)
      << "duplicate";
  ByteVec body = body_of(serialize(encrypted_extensions()), HandshakeType::encrypted_extensions);
  body.push_back(0);
  EXPECT_EQ(parse_error<EncryptedExtensions>(body), Error::decode_error) << "trailing byte";
  EXPECT_EQ(parse_error<EncryptedExtensions>(ByteVec{}), Error::decode_error) << "empty body";
}

}  // namespace
}  // namespace adieu::messages
