#include "crypto/hkdf.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "unit/crypto/hex.h"

namespace adieu::crypto {
namespace {

using test::as_bytes;
using test::from_hex;
using test::to_hex;

std::vector<uint8_t> range(uint8_t first, size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(first + i);
  return v;
}

// RFC 5869 appendix A.1.
TEST(Hkdf, Rfc5869Case1) {
  const std::vector<uint8_t> ikm(22, 0x0b);
  const Secret prk = hkdf_extract(HashAlg::sha256, range(0x00, 13), ikm);
  EXPECT_EQ(to_hex(prk.span()), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  const Secret okm = hkdf_expand(HashAlg::sha256, prk.span(), range(0xf0, 10), 42);
  EXPECT_EQ(to_hex(okm.span()),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

// RFC 5869 appendix A.2. L = 82 exceeds Secret::kCapacity; HKDF's output
// blocks do not depend on L, so the first 64 bytes are checked.
TEST(Hkdf, Rfc5869Case2First64Bytes) {
  const Secret prk = hkdf_extract(HashAlg::sha256, range(0x60, 80), range(0x00, 80));
  EXPECT_EQ(to_hex(prk.span()), "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
  const Secret okm = hkdf_expand(HashAlg::sha256, prk.span(), range(0xb0, 80), 64);
  const std::string expected =
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e59"
      "0e"
      "09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87";
  EXPECT_EQ(to_hex(okm.span()), expected.substr(0, 128));
}

// RFC 5869 appendix A.3: empty salt and info.
TEST(Hkdf, Rfc5869Case3) {
  const std::vector<uint8_t> ikm(22, 0x0b);
  const Secret prk = hkdf_extract(HashAlg::sha256, {}, ikm);
  EXPECT_EQ(to_hex(prk.span()), "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
  const Secret okm = hkdf_expand(HashAlg::sha256, prk.span(), {}, 42);
  EXPECT_EQ(to_hex(okm.span()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(Hkdf, EmptySaltEqualsZeroSalt) {
  const std::vector<uint8_t> zeros(48, 0);
  const std::vector<uint8_t> ikm = range(1, 20);
  EXPECT_EQ(to_hex(hkdf_extract(HashAlg::sha384, {}, ikm).span()),
            to_hex(hkdf_extract(HashAlg::sha384, zeros, ikm).span()));
  EXPECT_EQ(hkdf_extract(HashAlg::sha384, {}, ikm).size(), 48u);
}

TEST(Hkdf, ExpandRejectsBadLengths) {
  const std::vector<uint8_t> prk(32, 1);
  EXPECT_TRUE(hkdf_expand(HashAlg::sha256, prk, {}, Secret::kCapacity + 1).empty());
  EXPECT_EQ(hkdf_expand(HashAlg::sha256, prk, {}, Secret::kCapacity).size(), Secret::kCapacity);
  // A PRK shorter than HashLen is not a PRK (RFC 5869 section 2.3).
  EXPECT_TRUE(hkdf_expand(HashAlg::sha256, std::vector<uint8_t>(31, 1), {}, 16).empty());
}

TEST(Hkdf, ExpandPrefixesAgree) {
  const std::vector<uint8_t> prk(48, 7);
  const Secret long_okm = hkdf_expand(HashAlg::sha384, prk, as_bytes("info"), 64);
  const Secret short_okm = hkdf_expand(HashAlg::sha384, prk, as_bytes("info"), 20);
  ASSERT_EQ(long_okm.size(), 64u);
  EXPECT_EQ(to_hex(short_okm.span()), to_hex(long_okm.span().first(20)));
}

// RFC 4231 test case 2.
TEST(Hmac, Rfc4231Case2) {
  EXPECT_EQ(
      to_hex(
          hmac(HashAlg::sha256, as_bytes("Jefe"), as_bytes("what do ya want for nothing?")).span()),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(
      to_hex(
          hmac(HashAlg::sha384, as_bytes("Jefe"), as_bytes("what do ya want for nothing?")).span()),
      "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ec"
      "fab21649");
}

// RFC 4231 test case 6: a key longer than the hash's block.
TEST(Hmac, Rfc4231Case6LongKey) {
  const std::vector<uint8_t> key(131, 0xaa);
  EXPECT_EQ(to_hex(hmac(HashAlg::sha256, key,
                        as_bytes("Test Using Larger Than Block-Size Key - Hash Key First"))
                       .span()),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// Each thread reuses one HMAC context per hash and skips rekeying when the
// key repeats: interleaved keys, prefixes of keys, hashes and long keys must
// each still give their own answer.
TEST(Hmac, InterleavedKeysGiveIndependentResults) {
  const std::vector<uint8_t> a(32, 0x01);
  const std::vector<uint8_t> a_prefix(a.begin(), a.end() - 1);
  std::vector<uint8_t> b = a;
  b[31] = 0x02;
  const std::vector<uint8_t> long_key(131, 0xaa);
  const auto data = as_bytes("data");
  const std::string ha = to_hex(hmac(HashAlg::sha256, a, data).span());
  const std::string hb = to_hex(hmac(HashAlg::sha256, b, data).span());
  const std::string hp = to_hex(hmac(HashAlg::sha256, a_prefix, data).span());
  const std::string hl = to_hex(hmac(HashAlg::sha256, long_key, data).span());
  const std::string h384 = to_hex(hmac(HashAlg::sha384, a, data).span());
  EXPECT_NE(ha, hb);
  EXPECT_NE(ha, hp);
  EXPECT_NE(ha, hl);
  EXPECT_EQ(h384.size(), 96u);
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(to_hex(hmac(HashAlg::sha256, a, data).span()), ha);
    EXPECT_EQ(to_hex(hmac(HashAlg::sha256, a, data).span()), ha);  // same key twice
    EXPECT_EQ(to_hex(hmac(HashAlg::sha384, a, data).span()), h384);
    EXPECT_EQ(to_hex(hmac(HashAlg::sha256, a_prefix, data).span()), hp);
    EXPECT_EQ(to_hex(hmac(HashAlg::sha256, b, data).span()), hb);
    EXPECT_EQ(to_hex(hmac(HashAlg::sha256, long_key, data).span()), hl);
    EXPECT_EQ(to_hex(hmac(HashAlg::sha256, long_key, data).span()), hl);
  }
  // The empty key and a zero key are the same HMAC key.
  EXPECT_EQ(to_hex(hmac(HashAlg::sha256, {}, data).span()),
            to_hex(hmac(HashAlg::sha256, std::vector<uint8_t>(32, 0), data).span()));
}

// Each thread has its own HMAC contexts: concurrent use gives right answers.
TEST(Hkdf, ConcurrentThreads) {
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&wrong, t] {
      const std::vector<uint8_t> ikm(22, 0x0b);
      for (int i = 0; i < 200; ++i) {
        const Secret prk = hkdf_extract(HashAlg::sha256, {}, ikm);
        const Secret okm = hkdf_expand(HashAlg::sha256, prk.span(), {}, 42);
        const Secret other = hmac(t % 2 ? HashAlg::sha384 : HashAlg::sha256, prk.span(), ikm);
        if (to_hex(okm.span()) !=
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96"
                "c8" ||
            other.empty()) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

// Values from RFC 8448 section 3 (simple 1-RTT handshake).
TEST(HkdfExpandLabel, Rfc8448KnownValues) {
  const Secret early = hkdf_extract(HashAlg::sha256, {}, std::vector<uint8_t>(32, 0));
  EXPECT_EQ(to_hex(early.span()),
            "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
  const Secret empty_hash = hash(HashAlg::sha256, {});
  EXPECT_EQ(
      to_hex(hkdf_expand_label(HashAlg::sha256, early.span(), "derived", empty_hash.span(), 32)
                 .span()),
      "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");

  const std::vector<uint8_t> server_hs_traffic =
      from_hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
  EXPECT_EQ(to_hex(hkdf_expand_label(HashAlg::sha256, server_hs_traffic, "key", {}, 16).span()),
            "3fce516009c21727d0f2e4e86ee403bc");
  EXPECT_EQ(to_hex(hkdf_expand_label(HashAlg::sha256, server_hs_traffic, "iv", {}, 12).span()),
            "5d313eb2671276ee13000b30");
}

TEST(HkdfExpandLabel, RejectsOversizedLabelAndContext) {
  const std::vector<uint8_t> secret(32, 3);
  EXPECT_TRUE(hkdf_expand_label(HashAlg::sha256, secret, std::string(250, 'x'), {}, 32).empty());
  EXPECT_FALSE(hkdf_expand_label(HashAlg::sha256, secret, std::string(249, 'x'), {}, 32).empty());
  EXPECT_TRUE(
      hkdf_expand_label(HashAlg::sha256, secret, "key", std::vector<uint8_t>(256, 0), 32).empty());
  EXPECT_FALSE(
      hkdf_expand_label(HashAlg::sha256, secret, "key", std::vector<uint8_t>(255, 0), 32).empty());
}

}  // namespace
}  // namespace adieu::crypto
