#include "crypto/key_exchange.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/crypto/hex.h"

namespace adieu::crypto {
namespace {

using test::from_hex;
using test::to_hex;

// RFC 7748 section 6.1.
const char kAlicePrivate[] = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
const char kAlicePublic[] = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
const char kBobPrivate[] = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
const char kBobPublic[] = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
const char kSharedSecret[] = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

// The base points (SEC 2): the public key of the private scalar 1.
const char kP256Generator[] =
    "04"
    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
    "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
const char kP384Generator[] =
    "04"
    "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760a"
    "b7"
    "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e"
    "5f";

// RFC 7748 section 6.2.
const char kX448AlicePrivate[] =
    "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab"
    "1d9ac2d8c0a598726b";
const char kX448AlicePublic[] =
    "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d"
    "53177f80e532c41fa0";
const char kX448BobPrivate[] =
    "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1"
    "b0366f10b65173992d";
const char kX448BobPublic[] =
    "3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b43027d8b972fc3e34fb4232a13ca706dcb57aec3d"
    "ae07bdc1c67bf33609";
const char kX448SharedSecret[] =
    "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d5"
    "9a449a5037514a879d";

// SEC 2 (version 2) section 2.6.1: the secp521r1 base point, uncompressed.
const char kP521Generator[] =
    "04"
    "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2"
    "ffa8de3348b3c1856a429bf97e7e31c2e5bd66"
    "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013f"
    "ad0761353c7086a272c24088be94769fd16650";

const char* group_name(Group group) {
  switch (group) {
    case Group::x25519:
      return "x25519";
    case Group::x448:
      return "x448";
    case Group::secp256r1:
      return "secp256r1";
    case Group::secp384r1:
      return "secp384r1";
    case Group::secp521r1:
      return "secp521r1";
    case Group::ffdhe2048:
      return "ffdhe2048";
    case Group::ffdhe3072:
      return "ffdhe3072";
    case Group::ffdhe4096:
      return "ffdhe4096";
    case Group::ffdhe6144:
      return "ffdhe6144";
    case Group::ffdhe8192:
      return "ffdhe8192";
  }
  return "unknown";
}

// Shared secret size: the field size (RFC 8422 section 5.10, RFC 7748), p's
// size for FFDHE (RFC 8446 section 7.4.1, leading zeros kept).
size_t secret_size(Group group) {
  switch (group) {
    case Group::x25519:
    case Group::secp256r1:
      return 32;
    case Group::secp384r1:
      return 48;
    case Group::secp521r1:
      return 66;
    case Group::x448:
      return 56;
    case Group::ffdhe2048:
      return 256;
    case Group::ffdhe3072:
      return 384;
    case Group::ffdhe4096:
      return 512;
    case Group::ffdhe6144:
      return 768;
    case Group::ffdhe8192:
      return 1024;
  }
  return 0;
}

std::vector<uint8_t> scalar_one(size_t size) {
  std::vector<uint8_t> scalar(size, 0);
  scalar.back() = 1;
  return scalar;
}

class KeyExchangeRoundTrip : public ::testing::TestWithParam<Group> {};

TEST_P(KeyExchangeRoundTrip, BothSidesDeriveTheSameSecret) {
  std::optional<KeyShare> client = KeyShare::generate(GetParam(), system_random());
  std::optional<KeyShare> server = KeyShare::generate(GetParam(), system_random());
  ASSERT_TRUE(client && server);
  EXPECT_EQ(client->group(), GetParam());
  EXPECT_NE(to_hex(client->public_key()), to_hex(server->public_key()));

  std::optional<SharedSecret> client_secret = client->derive(server->public_key());
  std::optional<SharedSecret> server_secret = server->derive(client->public_key());
  ASSERT_TRUE(client_secret && server_secret);
  EXPECT_EQ(client_secret->size(), secret_size(GetParam()));
  EXPECT_EQ(to_hex(client_secret->span()), to_hex(server_secret->span()));

  // A third party's key gives another secret.
  std::optional<KeyShare> other = KeyShare::generate(GetParam(), system_random());
  ASSERT_TRUE(other);
  std::optional<SharedSecret> other_secret = client->derive(other->public_key());
  ASSERT_TRUE(other_secret);
  EXPECT_NE(to_hex(other_secret->span()), to_hex(client_secret->span()));
}

TEST_P(KeyExchangeRoundTrip, PublicValueHasTheTlsEncoding) {
  std::optional<KeyShare> share = KeyShare::generate(GetParam(), system_random());
  ASSERT_TRUE(share);
  switch (GetParam()) {
    case Group::x25519:
      EXPECT_EQ(share->public_key().size(), 32u);
      break;
    case Group::secp256r1:
      ASSERT_EQ(share->public_key().size(), 65u);
      EXPECT_EQ(share->public_key()[0], 0x04);
      break;
    case Group::secp384r1:
      ASSERT_EQ(share->public_key().size(), 97u);
      EXPECT_EQ(share->public_key()[0], 0x04);
      break;
    case Group::x448:
      EXPECT_EQ(share->public_key().size(), 56u);
      break;
    case Group::secp521r1:
      ASSERT_EQ(share->public_key().size(), 133u);
      EXPECT_EQ(share->public_key()[0], 0x04);
      break;
    default:  // FFDHE: p's size, zero-padded on the left (RFC 8446 4.2.8.1)
      EXPECT_EQ(share->public_key().size(), secret_size(GetParam()));
      break;
  }
}

TEST_P(KeyExchangeRoundTrip, RejectsPeerValuesOfTheWrongLength) {
  std::optional<KeyShare> share = KeyShare::generate(GetParam(), system_random());
  std::optional<KeyShare> peer = KeyShare::generate(GetParam(), system_random());
  ASSERT_TRUE(share && peer);
  std::vector<uint8_t> value(peer->public_key().begin(), peer->public_key().end());
  std::vector<uint8_t> longer = value;
  longer.push_back(0);
  std::vector<uint8_t> shorter(value.begin(), value.end() - 1);
  EXPECT_FALSE(share->derive(longer));
  EXPECT_FALSE(share->derive(shorter));
  EXPECT_FALSE(share->derive({}));
  EXPECT_TRUE(share->derive(value));
}

TEST_P(KeyExchangeRoundTrip, FailsWhenRandomRunsDry) {
  FixedRandom empty({});
  EXPECT_FALSE(KeyShare::generate(GetParam(), empty));
}

INSTANTIATE_TEST_SUITE_P(AllGroups, KeyExchangeRoundTrip,
                         ::testing::Values(Group::x25519, Group::secp256r1, Group::secp384r1,
                                           Group::secp521r1, Group::x448, Group::ffdhe2048,
                                           Group::ffdhe3072, Group::ffdhe4096, Group::ffdhe6144,
                                           Group::ffdhe8192),
                         [](const ::testing::TestParamInfo<Group>& info) {
                           return std::string(group_name(info.param));
                         });

TEST(KeyExchange, X25519KeyFromFixedRandomMatchesRfc7748) {
  FixedRandom alice_random(from_hex(kAlicePrivate));
  FixedRandom bob_random(from_hex(kBobPrivate));
  std::optional<KeyShare> alice = KeyShare::generate(Group::x25519, alice_random);
  std::optional<KeyShare> bob = KeyShare::generate(Group::x25519, bob_random);
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(to_hex(alice->public_key()), kAlicePublic);
  EXPECT_EQ(to_hex(bob->public_key()), kBobPublic);

  std::optional<SharedSecret> secret = alice->derive(from_hex(kBobPublic));
  ASSERT_TRUE(secret);
  EXPECT_EQ(to_hex(secret->span()), kSharedSecret);
  secret = bob->derive(from_hex(kAlicePublic));
  ASSERT_TRUE(secret);
  EXPECT_EQ(to_hex(secret->span()), kSharedSecret);
}

TEST(KeyExchange, X448KeyFromFixedRandomMatchesRfc7748) {
  FixedRandom alice_random(from_hex(kX448AlicePrivate));
  FixedRandom bob_random(from_hex(kX448BobPrivate));
  std::optional<KeyShare> alice = KeyShare::generate(Group::x448, alice_random);
  std::optional<KeyShare> bob = KeyShare::generate(Group::x448, bob_random);
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(to_hex(alice->public_key()), kX448AlicePublic);
  EXPECT_EQ(to_hex(bob->public_key()), kX448BobPublic);

  std::optional<SharedSecret> secret = alice->derive(from_hex(kX448BobPublic));
  ASSERT_TRUE(secret);
  EXPECT_EQ(to_hex(secret->span()), kX448SharedSecret);
  secret = bob->derive(from_hex(kX448AlicePublic));
  ASSERT_TRUE(secret);
  EXPECT_EQ(to_hex(secret->span()), kX448SharedSecret);
}

TEST(KeyExchange, NistKeyFromFixedRandomIsThatScalar) {
  FixedRandom p256_random(scalar_one(32));
  std::optional<KeyShare> p256 = KeyShare::generate(Group::secp256r1, p256_random);
  ASSERT_TRUE(p256);
  EXPECT_EQ(to_hex(p256->public_key()), kP256Generator);

  FixedRandom p384_random(scalar_one(48));
  std::optional<KeyShare> p384 = KeyShare::generate(Group::secp384r1, p384_random);
  ASSERT_TRUE(p384);
  EXPECT_EQ(to_hex(p384->public_key()), kP384Generator);

  FixedRandom p521_random(scalar_one(66));
  std::optional<KeyShare> p521 = KeyShare::generate(Group::secp521r1, p521_random);
  ASSERT_TRUE(p521);
  EXPECT_EQ(to_hex(p521->public_key()), kP521Generator);
}

TEST(KeyExchange, P521ScalarKeepsOneBitOfItsFirstByte) {
  // 66 bytes hold 528 bits; the order has 521. 0xfe then 65 zero bytes is
  // 0 once masked (drawn again), 0x01 || 0xff... is 2^521 - 1 >= the order
  // (drawn again), and 0xfe || 0...01 is the scalar 1.
  std::vector<uint8_t> pool(66, 0x00);
  pool[0] = 0xfe;
  pool.insert(pool.end(), 66, 0xff);
  pool[66] = 0x01;
  std::vector<uint8_t> one = scalar_one(66);
  one[0] = 0xfe;
  pool.insert(pool.end(), one.begin(), one.end());
  FixedRandom random(pool);
  std::optional<KeyShare> share = KeyShare::generate(Group::secp521r1, random);
  ASSERT_TRUE(share);
  EXPECT_EQ(to_hex(share->public_key()), kP521Generator);

  FixedRandom short_pool(std::vector<uint8_t>(65, 0x01));
  EXPECT_FALSE(KeyShare::generate(Group::secp521r1, short_pool));
}

TEST(KeyExchange, NistScalarsOutOfRangeAreDrawnAgain) {
  // 0 and 2^256-1 (>= the order) are not private keys; the third draw is used.
  std::vector<uint8_t> pool(32, 0x00);
  pool.insert(pool.end(), 32, 0xff);
  std::vector<uint8_t> one = scalar_one(32);
  pool.insert(pool.end(), one.begin(), one.end());
  FixedRandom random(pool);
  std::optional<KeyShare> share = KeyShare::generate(Group::secp256r1, random);
  ASSERT_TRUE(share);
  EXPECT_EQ(to_hex(share->public_key()), kP256Generator);

  FixedRandom only_bad(std::vector<uint8_t>(32, 0xff));
  EXPECT_FALSE(KeyShare::generate(Group::secp256r1, only_bad));
}

TEST(KeyExchange, NistSecretMatchesAKnownScalarProduct) {
  // Our scalar 1 times the peer's point is the peer's point: the secret is its X.
  FixedRandom random(scalar_one(32));
  std::optional<KeyShare> share = KeyShare::generate(Group::secp256r1, random);
  std::optional<KeyShare> peer = KeyShare::generate(Group::secp256r1, system_random());
  ASSERT_TRUE(share && peer);
  std::optional<SharedSecret> secret = share->derive(peer->public_key());
  ASSERT_TRUE(secret);
  EXPECT_EQ(to_hex(secret->span()), to_hex(peer->public_key().subspan(1, 32)));
}

TEST(KeyExchange, RejectsPointsNotOnTheCurve) {
  for (Group group : {Group::secp256r1, Group::secp384r1, Group::secp521r1}) {
    SCOPED_TRACE(group_name(group));
    std::optional<KeyShare> share = KeyShare::generate(group, system_random());
    std::optional<KeyShare> peer = KeyShare::generate(group, system_random());
    ASSERT_TRUE(share && peer);
    std::vector<uint8_t> value(peer->public_key().begin(), peer->public_key().end());
    std::vector<uint8_t> off_curve = value;
    off_curve.back() ^= 0x01;  // change Y
    EXPECT_FALSE(share->derive(off_curve));

    std::vector<uint8_t> zero(value.size(), 0);
    zero[0] = 0x04;  // (0, 0): the usual stand-in for the point at infinity
    EXPECT_FALSE(share->derive(zero));

    std::vector<uint8_t> bad_form = value;
    bad_form[0] = 0x05;
    EXPECT_FALSE(share->derive(bad_form));

    // Compressed points are not allowed in TLS 1.3 (RFC 8446 section 4.2.8.2).
    std::vector<uint8_t> compressed(value.begin(), value.begin() + 1 + (value.size() - 1) / 2);
    compressed[0] = 0x02 | (value.back() & 1);
    EXPECT_FALSE(share->derive(compressed));

    // X coordinate >= p.
    std::vector<uint8_t> too_big = value;
    std::fill(too_big.begin() + 1, too_big.begin() + 1 + (value.size() - 1) / 2, 0xff);
    EXPECT_FALSE(share->derive(too_big));

    EXPECT_TRUE(share->derive(value));
  }
}

TEST(KeyExchange, RejectsX25519SmallOrderPoints) {
  std::optional<KeyShare> share = KeyShare::generate(Group::x25519, system_random());
  ASSERT_TRUE(share);
  // u = 0 and u = 1 give an all-zero shared secret (RFC 7748 section 6.1).
  std::vector<uint8_t> zero(32, 0);
  EXPECT_FALSE(share->derive(zero));
  std::vector<uint8_t> one(32, 0);
  one[0] = 1;
  EXPECT_FALSE(share->derive(one));
  // A point of order 8.
  EXPECT_FALSE(
      share->derive(from_hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")));
}

TEST(KeyExchange, RejectsX448SmallOrderPoints) {
  std::optional<KeyShare> share = KeyShare::generate(Group::x448, system_random());
  ASSERT_TRUE(share);
  // u = 0, 1 and p - 1 give an all-zero shared secret (RFC 7748 sections 5
  // and 6.2); little-endian u-coordinates.
  std::vector<uint8_t> zero(56, 0);
  EXPECT_FALSE(share->derive(zero));
  std::vector<uint8_t> one(56, 0);
  one[0] = 1;
  EXPECT_FALSE(share->derive(one));
  EXPECT_FALSE(share->derive(from_hex(
      "fefffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffffffffffffffffffffff"
      "ffffffffffffffffffffffffffff")));
  // And the lengths of the other curve are not mistaken for it.
  EXPECT_FALSE(share->derive(from_hex(kBobPublic)));
}

TEST(KeyExchange, KeySharesMove) {
  std::optional<KeyShare> share = KeyShare::generate(Group::x25519, system_random());
  std::optional<KeyShare> peer = KeyShare::generate(Group::x25519, system_random());
  ASSERT_TRUE(share && peer);
  std::string public_hex = to_hex(share->public_key());
  KeyShare moved = std::move(*share);
  EXPECT_EQ(to_hex(moved.public_key()), public_hex);
  EXPECT_TRUE(moved.derive(peer->public_key()));
}

TEST(KeyExchange, ImplementedGroups) {
  for (uint16_t code : {0x0017, 0x0018, 0x0019, 0x001d, 0x001e}) {
    EXPECT_TRUE(group_implemented(code)) << code;
    EXPECT_TRUE(group_is_elliptic(code)) << code;
  }
  for (uint16_t code = 0x0100; code <= 0x0104; ++code) {
    EXPECT_TRUE(group_implemented(code)) << code;
    EXPECT_FALSE(group_is_elliptic(code)) << code;  // TLS 1.3 only
  }
  EXPECT_FALSE(group_implemented(0x0105));
  EXPECT_FALSE(group_implemented(0x001a));  // brainpoolP256r1
  EXPECT_FALSE(group_implemented(0));
}

// RFC 7919 appendix A.1: the ffdhe2048 prime.
const char kFfdhe2048Prime[] =
    "ffffffffffffffffadf85458a2bb4a9aafdc5620273d3cf1d8b9c583ce2d3695a9e13641146433fbcc939dce249b3e"
    "f9"
    "7d2fe363630c75d8f681b202aec4617ad3df1ed5d5fd65612433f51f5f066ed0856365553ded1af3b557135e7f57c9"
    "35"
    "984f0c70e0e68b77e2a689daf3efe8721df158a136ade73530acca4f483a797abc0ab182b324fb61d108a94bb2c8e3"
    "fb"
    "b96adab760d7f4681d4f42a3de394df4ae56ede76372bb190b07a7c8ee0a6d709e02fce1cdf7e2ecc03404cd28342f"
    "61"
    "9172fe9ce98583ff8e4f1232eef28183c3fe3b1b4c6fad733bb5fcbc2ec22005c58ef1837d1683b2c6f34a26c1b2ef"
    "fa"
    "886b423861285c97ffffffffffffffff";

TEST(KeyExchange, FfdheSecretWithTheGeneratorIsOurPublicValue) {
  // g = 2, so the secret with the peer value 2 is 2^x mod p: our own public
  // value, both padded to p's size.
  std::optional<KeyShare> share = KeyShare::generate(Group::ffdhe2048, system_random());
  ASSERT_TRUE(share);
  std::vector<uint8_t> two(256, 0);
  two.back() = 2;
  std::optional<SharedSecret> secret = share->derive(two);
  ASSERT_TRUE(secret);
  EXPECT_EQ(to_hex(secret->span()), to_hex(share->public_key()));
}

TEST(KeyExchange, FfdheExponentHasTwiceTheSecurityStrength) {
  // 225 bits for ffdhe2048: 29 bytes drawn, the first cut to its low bit,
  // which is set. The same bytes give the same key, and the first byte's
  // other bits are not used.
  std::vector<uint8_t> bytes(29, 0xff);
  FixedRandom first(bytes);
  FixedRandom second(bytes);
  std::optional<KeyShare> a = KeyShare::generate(Group::ffdhe2048, first);
  std::optional<KeyShare> b = KeyShare::generate(Group::ffdhe2048, second);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(to_hex(a->public_key()), to_hex(b->public_key()));
  // Only the low bit of the first byte is used: 0x01ff.. and 0xffff.. agree.
  bytes[0] = 0x01;
  FixedRandom masked(bytes);
  std::optional<KeyShare> c = KeyShare::generate(Group::ffdhe2048, masked);
  ASSERT_TRUE(c);
  EXPECT_EQ(to_hex(c->public_key()), to_hex(a->public_key()));
}

TEST(KeyExchange, FfdheRefusesValuesOutsideOneToPMinusOne) {
  std::optional<KeyShare> share = KeyShare::generate(Group::ffdhe2048, system_random());
  ASSERT_TRUE(share);
  const std::vector<uint8_t> p = from_hex(kFfdhe2048Prime);
  ASSERT_EQ(p.size(), 256u);
  std::vector<uint8_t> zero(256, 0);
  std::vector<uint8_t> one(256, 0);
  one.back() = 1;
  std::vector<uint8_t> p_minus_1 = p;
  p_minus_1.back() -= 1;  // p ends in 0xff
  std::vector<uint8_t> p_minus_2 = p;
  p_minus_2.back() -= 2;
  // RFC 8446 section 4.2.8.1: 1 < Y < p-1.
  EXPECT_FALSE(share->derive(zero));
  EXPECT_FALSE(share->derive(one));
  EXPECT_FALSE(share->derive(p_minus_1));
  EXPECT_FALSE(share->derive(p));
  EXPECT_FALSE(share->derive(std::vector<uint8_t>(256, 0xff)));
  EXPECT_TRUE(share->derive(p_minus_2));
  // The value must have p's size exactly: a short or long encoding is refused.
  std::vector<uint8_t> two_short = {0x02};
  EXPECT_FALSE(share->derive(two_short));
  std::vector<uint8_t> two_long(257, 0);
  two_long.back() = 2;
  EXPECT_FALSE(share->derive(two_long));
  // An ffdhe3072 value is not an ffdhe2048 one.
  std::optional<KeyShare> other = KeyShare::generate(Group::ffdhe3072, system_random());
  ASSERT_TRUE(other);
  EXPECT_FALSE(share->derive(other->public_key()));
}

}  // namespace
}  // namespace adieu::crypto
