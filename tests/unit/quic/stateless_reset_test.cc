#include "engine/quic/stateless_reset.h"

#include <gtest/gtest.h>

#include <vector>

#include "crypto/random.h"

namespace adieu::quic {
namespace {

StatelessResetKey key_of(uint8_t fill) {
  std::array<uint8_t, kStatelessResetKeyLength> bytes{};
  bytes.fill(fill);
  return StatelessResetKey(bytes);
}

TEST(StatelessReset, TokenIsHmacSha256OfTheConnectionIdTruncated) {
  // HMAC-SHA256(key = 32 x 0x0b, "abcd"), first 16 bytes, computed with
  // Python's hmac module.
  const std::vector<uint8_t> cid{'a', 'b', 'c', 'd'};
  const StatelessResetToken token = key_of(0x0b).token(cid);
  const StatelessResetToken expected{0x6a, 0x5c, 0x64, 0x94, 0x3c, 0x03, 0x52, 0xd0,
                                     0x70, 0xfe, 0x7b, 0x10, 0xa9, 0x3d, 0x72, 0x7d};
  EXPECT_EQ(token, expected);
}

TEST(StatelessReset, TokensDifferByKeyAndByConnectionId) {
  const std::vector<uint8_t> a{1, 2, 3, 4, 5, 6, 7, 8};
  const std::vector<uint8_t> b{1, 2, 3, 4, 5, 6, 7, 9};
  EXPECT_EQ(key_of(1).token(a), key_of(1).token(a));
  EXPECT_NE(key_of(1).token(a), key_of(1).token(b));
  EXPECT_NE(key_of(1).token(a), key_of(2).token(a));
}

TEST(StatelessReset, WrittenResetLooksLikeAShortHeaderAndEndsWithTheToken) {
  const StatelessResetToken token = key_of(3).token(std::vector<uint8_t>{9, 9});
  std::vector<uint8_t> out(64);
  ASSERT_TRUE(write_stateless_reset(token, 43, crypto::system_random(), out));
  EXPECT_EQ(out[0] & 0xc0, 0x40);  // form 0, fixed bit 1
  const std::span<const uint8_t> reset(out.data(), 43);
  EXPECT_TRUE(std::equal(token.begin(), token.end(), reset.end() - 16));
  EXPECT_TRUE(is_stateless_reset(reset, token));
}

TEST(StatelessReset, RefusesSizesBelowTheMinimumBothWays) {
  const StatelessResetToken token = key_of(4).token(std::vector<uint8_t>{1});
  std::vector<uint8_t> out(64);
  EXPECT_FALSE(
      write_stateless_reset(token, kMinStatelessResetSize - 1, crypto::system_random(), out));
  EXPECT_FALSE(write_stateless_reset(token, 30, crypto::system_random(),
                                     std::span<uint8_t>(out.data(), 29)));
  std::vector<uint8_t> short_datagram(20, 0);
  std::copy(token.begin(), token.end(), short_datagram.end() - 16);
  EXPECT_FALSE(is_stateless_reset(short_datagram, token));
}

TEST(StatelessReset, ADifferentTokenIsNotAReset) {
  const StatelessResetToken token = key_of(5).token(std::vector<uint8_t>{1});
  std::vector<uint8_t> out(40);
  ASSERT_TRUE(write_stateless_reset(token, 40, crypto::system_random(), out));
  out.back() ^= 1;
  EXPECT_FALSE(is_stateless_reset(out, token));
}

}  // namespace
}  // namespace adieu::quic
