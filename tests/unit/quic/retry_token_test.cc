#include "engine/quic/retry_token.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace adieu::quic {
namespace {

using std::chrono::seconds;

const std::vector<uint8_t> kAddress{127, 0, 0, 1, 0x30, 0x39};
const std::vector<uint8_t> kOtherAddress{127, 0, 0, 2, 0x30, 0x39};

RetryTokenContents contents_at(Instant issued) {
  const std::vector<uint8_t> odcid{0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};
  const std::vector<uint8_t> scid{1, 2, 3, 4, 5, 6, 7, 8};
  return {issued, *ConnectionId::from(odcid), *ConnectionId::from(scid)};
}

class RetryTokenTest : public ::testing::Test {
 protected:
  std::unique_ptr<RetryTokenKey> key = RetryTokenKey::generate(crypto::system_random());
  Instant now = Instant(seconds(1000));
};

TEST_F(RetryTokenTest, OpensWhatItSealedForTheSameAddress) {
  ASSERT_NE(key, nullptr);
  const std::vector<uint8_t> token = key->seal(contents_at(now), kAddress);
  ASSERT_FALSE(token.empty());
  const auto opened = key->open(token, kAddress, now + seconds(3), seconds(10));
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->issued_at, now);
  EXPECT_EQ(opened->original_dcid, contents_at(now).original_dcid);
  EXPECT_EQ(opened->retry_scid, contents_at(now).retry_scid);
}

TEST_F(RetryTokenTest, RefusesAnotherAddress) {
  const std::vector<uint8_t> token = key->seal(contents_at(now), kAddress);
  EXPECT_FALSE(key->open(token, kOtherAddress, now, seconds(10)).has_value());
}

TEST_F(RetryTokenTest, RefusesEveryAlteredByte) {
  const std::vector<uint8_t> token = key->seal(contents_at(now), kAddress);
  for (size_t i = 0; i < token.size(); ++i) {
    std::vector<uint8_t> altered = token;
    altered[i] ^= 0x01;
    EXPECT_FALSE(key->open(altered, kAddress, now, seconds(10)).has_value()) << "byte " << i;
  }
}

TEST_F(RetryTokenTest, RefusesEveryTruncation) {
  const std::vector<uint8_t> token = key->seal(contents_at(now), kAddress);
  for (size_t n = 0; n < token.size(); ++n) {
    const std::span<const uint8_t> cut(token.data(), n);
    EXPECT_FALSE(key->open(cut, kAddress, now, seconds(10)).has_value()) << n << " bytes";
  }
}

TEST_F(RetryTokenTest, RefusesAnotherKeysToken) {
  auto other = RetryTokenKey::generate(crypto::system_random());
  const std::vector<uint8_t> token = other->seal(contents_at(now), kAddress);
  EXPECT_FALSE(key->open(token, kAddress, now, seconds(10)).has_value());
}

TEST_F(RetryTokenTest, ExpiresAfterItsLifetimeAndIsNotFromTheFuture) {
  const std::vector<uint8_t> token = key->seal(contents_at(now), kAddress);
  EXPECT_TRUE(key->open(token, kAddress, now + seconds(10), seconds(10)).has_value());
  EXPECT_FALSE(key->open(token, kAddress, now + seconds(11), seconds(10)).has_value());
  EXPECT_FALSE(key->open(token, kAddress, now - seconds(1), seconds(10)).has_value());
}

TEST_F(RetryTokenTest, TwoTokensForTheSameContentsDiffer) {
  // A fresh nonce per token: equal contents never give equal ciphertexts.
  EXPECT_NE(key->seal(contents_at(now), kAddress), key->seal(contents_at(now), kAddress));
}

}  // namespace
}  // namespace adieu::quic
