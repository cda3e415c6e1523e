#include "crypto/aead.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <string>
#include <vector>

#include "unit/crypto/hex.h"

namespace adieu::crypto {
namespace {

using test::as_bytes;
using test::from_hex;
using test::to_hex;

using Tag = std::array<uint8_t, kAeadTagSize>;

// Seals a copy of `plaintext`; returns ciphertext || tag as hex.
std::string seal_hex(Aead& aead, uint64_t seq, std::span<const uint8_t> aad,
                     std::span<const uint8_t> plaintext) {
  std::vector<uint8_t> data(plaintext.begin(), plaintext.end());
  Tag tag{};
  if (!aead.seal(seq, aad, data, tag)) return "seal failed";
  return to_hex(data) + to_hex(tag);
}

// RFC 8439 section 2.8.2. The static IV is 07000000 00..00 and the sequence
// number supplies the rest, so the nonce is the RFC's 070000004041424344454647
// only if nonce = iv XOR seq with seq big-endian in the last 8 bytes.
TEST(Aead, ChaCha20Poly1305Rfc8439) {
  const std::vector<uint8_t> key =
      from_hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  const std::vector<uint8_t> iv = from_hex("070000000000000000000000");
  const std::vector<uint8_t> aad = from_hex("50515253c0c1c2c3c4c5c6c7");
  const std::string plaintext =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  const std::string expected =
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92"
      "728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b"
      "4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
      "1ae10b594f09e26a7e902ecbd0600691";
  Aead aead;
  ASSERT_TRUE(aead.init(AeadAlg::chacha20_poly1305, key, iv));
  EXPECT_EQ(seal_hex(aead, 0x4041424344454647, aad, as_bytes(plaintext)), expected);

  // And it opens back.
  std::vector<uint8_t> data = from_hex(expected.substr(0, plaintext.size() * 2));
  const std::vector<uint8_t> tag_bytes = from_hex(expected.substr(plaintext.size() * 2));
  Tag tag{};
  std::copy(tag_bytes.begin(), tag_bytes.end(), tag.begin());
  ASSERT_TRUE(aead.open(0x4041424344454647, aad, data, tag));
  EXPECT_EQ(std::string(data.begin(), data.end()), plaintext);
}

// The GCM specification's test cases 4 (AES-128) and 16 (AES-256); the IV
// cafebabefacedbaddecaf888 is split into static IV and sequence number.
const char* kGcmPlaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b5"
    "25b16aedf5aa0de657ba637b39";
const char* kGcmAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr uint64_t kGcmSeq = 0xfacedbaddecaf888;

TEST(Aead, Aes128GcmSpecCase4) {
  Aead aead;
  ASSERT_TRUE(aead.init(AeadAlg::aes_128_gcm, from_hex("feffe9928665731c6d6a8f9467308308"),
                        from_hex("cafebabe0000000000000000")));
  EXPECT_EQ(
      seal_hex(aead, kGcmSeq, from_hex(kGcmAad), from_hex(kGcmPlaintext)),
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5a"
      "ac84aa051ba30b396a0aac973d58e091"
      "5bc94fbc3221a5db94fae95ae7121a47");
}

TEST(Aead, Aes256GcmSpecCase16) {
  Aead aead;
  ASSERT_TRUE(
      aead.init(AeadAlg::aes_256_gcm,
                from_hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
                from_hex("cafebabe0000000000000000")));
  EXPECT_EQ(
      seal_hex(aead, kGcmSeq, from_hex(kGcmAad), from_hex(kGcmPlaintext)),
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
      "56828838c5f61e6393ba7a0abcc9f662"
      "76fc6ece0f4e1768cddf8853bb2d551b");
}

// Reference: one-shot EVP encryption with an explicit nonce.
std::string reference_seal_hex(const char* cipher_name, std::span<const uint8_t> key,
                               std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                               std::span<const uint8_t> plaintext) {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, cipher_name, nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::vector<uint8_t> out(plaintext.size() + 16);
  int len = 0;
  int final_len = 0;
  Tag tag{};
  const bool ok =
      cipher && ctx && EVP_EncryptInit_ex2(ctx, cipher, key.data(), nonce.data(), nullptr) == 1 &&
      EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx, out.data(), &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, out.data() + len, &final_len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag.data()) == 1;
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(cipher);
  if (!ok) return "reference failed";
  return to_hex({out.data(), plaintext.size()}) + to_hex(tag);
}

struct AlgCase {
  AeadAlg alg;
  const char* openssl_name;
};
const AlgCase kAlgs[] = {{AeadAlg::aes_128_gcm, "AES-128-GCM"},
                         {AeadAlg::aes_256_gcm, "AES-256-GCM"},
                         {AeadAlg::chacha20_poly1305, "ChaCha20-Poly1305"}};

TEST(Aead, NonceIsIvXorSequence) {
  const std::vector<uint8_t> iv = from_hex("a0a1a2a3a4a5a6a7a8a9aaab");
  const std::vector<uint8_t> aad = from_hex("1703030020");
  const std::vector<uint8_t> plaintext = from_hex("00112233445566778899aabbccddeeff17");
  // Nonces computed by hand: the last 8 bytes of iv XOR the sequence number.
  const struct {
    uint64_t seq;
    const char* nonce;
  } cases[] = {{0, "a0a1a2a3a4a5a6a7a8a9aaab"},
               {1, "a0a1a2a3a4a5a6a7a8a9aaaa"},
               {0x0102, "a0a1a2a3a4a5a6a7a8a9aba9"},
               {0xffffffffffffffff, "a0a1a2a35b5a595857565554"}};
  for (const AlgCase& alg : kAlgs) {
    const std::vector<uint8_t> key(aead_key_size(alg.alg), 0x42);
    Aead aead;
    ASSERT_TRUE(aead.init(alg.alg, key, iv));
    for (const auto& c : cases) {
      EXPECT_EQ(seal_hex(aead, c.seq, aad, plaintext),
                reference_seal_hex(alg.openssl_name, key, from_hex(c.nonce), aad, plaintext))
          << alg.openssl_name << " seq " << c.seq;
    }
  }
}

TEST(Aead, KeySizes) {
  EXPECT_EQ(aead_key_size(AeadAlg::aes_128_gcm), 16u);
  EXPECT_EQ(aead_key_size(AeadAlg::aes_256_gcm), 32u);
  EXPECT_EQ(aead_key_size(AeadAlg::chacha20_poly1305), 32u);
}

TEST(Aead, InitRejectsWrongSizes) {
  Aead aead;
  EXPECT_FALSE(aead.ready());
  EXPECT_FALSE(
      aead.init(AeadAlg::aes_128_gcm, std::vector<uint8_t>(32, 1), std::vector<uint8_t>(12, 0)));
  EXPECT_FALSE(
      aead.init(AeadAlg::aes_256_gcm, std::vector<uint8_t>(16, 1), std::vector<uint8_t>(12, 0)));
  EXPECT_FALSE(aead.init(AeadAlg::chacha20_poly1305, std::vector<uint8_t>(32, 1),
                         std::vector<uint8_t>(8, 0)));
  EXPECT_FALSE(aead.ready());
  std::vector<uint8_t> data(4);
  Tag tag{};
  EXPECT_FALSE(aead.seal(0, {}, data, tag));
  EXPECT_FALSE(aead.open(0, {}, data, tag));
}

TEST(Aead, ClearForgetsTheKey) {
  Aead aead;
  ASSERT_TRUE(
      aead.init(AeadAlg::aes_128_gcm, std::vector<uint8_t>(16, 1), std::vector<uint8_t>(12, 2)));
  EXPECT_TRUE(aead.ready());
  aead.clear();
  EXPECT_FALSE(aead.ready());
  std::vector<uint8_t> data(4);
  Tag tag{};
  EXPECT_FALSE(aead.seal(0, {}, data, tag));
}

TEST(Aead, ReinitWithAnotherAlgorithm) {
  Aead aead;
  const std::vector<uint8_t> iv(12, 9);
  ASSERT_TRUE(aead.init(AeadAlg::aes_128_gcm, std::vector<uint8_t>(16, 1), iv));
  const std::vector<uint8_t> key(32, 5);
  ASSERT_TRUE(aead.init(AeadAlg::chacha20_poly1305, key, iv));
  const std::vector<uint8_t> pt = {1, 2, 3};
  EXPECT_EQ(
      seal_hex(aead, 3, {}, pt),
      reference_seal_hex("ChaCha20-Poly1305", key, from_hex("09090909090909090909090a"), {}, pt));
}

// A new key for the same cipher re-keys the context in place: the new key
// and IV are used, the old key no longer opens anything, and a record that
// was being opened midway (a failed open) leaves no state behind.
TEST(Aead, RekeyWithTheSameAlgorithm) {
  for (const char* name : {"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305"}) {
    const AeadAlg alg = std::string(name) == "AES-128-GCM"   ? AeadAlg::aes_128_gcm
                        : std::string(name) == "AES-256-GCM" ? AeadAlg::aes_256_gcm
                                                             : AeadAlg::chacha20_poly1305;
    const std::vector<uint8_t> old_key(aead_key_size(alg), 1);
    const std::vector<uint8_t> new_key(aead_key_size(alg), 7);
    Aead aead;
    ASSERT_TRUE(aead.init(alg, old_key, std::vector<uint8_t>(12, 2)));
    const std::vector<uint8_t> pt = {1, 2, 3, 4};
    std::vector<uint8_t> old_record(pt);
    Tag old_tag{};
    ASSERT_TRUE(aead.seal(0, {}, old_record, old_tag));
    std::vector<uint8_t> bad(old_record);
    Tag bad_tag = old_tag;
    bad_tag[0] ^= 1;
    EXPECT_FALSE(aead.open(0, {}, bad, bad_tag));  // leaves an open unfinished

    ASSERT_TRUE(aead.init(alg, new_key, std::vector<uint8_t>(12, 9)));
    EXPECT_EQ(seal_hex(aead, 3, {}, pt),
              reference_seal_hex(name, new_key, from_hex("09090909090909090909090a"), {}, pt))
        << name;
    EXPECT_FALSE(aead.open(0, {}, old_record, old_tag)) << name;
  }
}

// release_context() frees the libcrypto context and keeps the key: the next
// seal and open build it again and give the reference's bytes; a re-key
// after a release uses the new key; clear() after a release forgets the key.
TEST(Aead, ReleaseContextKeepsTheKey) {
  for (const char* name : {"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305"}) {
    const AeadAlg alg = std::string(name) == "AES-128-GCM"   ? AeadAlg::aes_128_gcm
                        : std::string(name) == "AES-256-GCM" ? AeadAlg::aes_256_gcm
                                                             : AeadAlg::chacha20_poly1305;
    const std::vector<uint8_t> key(aead_key_size(alg), 3);
    const std::vector<uint8_t> iv(12, 9);
    const std::vector<uint8_t> aad = from_hex("1703030013");
    const std::vector<uint8_t> pt = {1, 2, 3, 4, 5};
    Aead sealer;
    Aead opener;
    EXPECT_FALSE(sealer.holds_context());
    sealer.release_context();  // before init(): nothing to release, no effect
    ASSERT_TRUE(sealer.init(alg, key, iv));
    ASSERT_TRUE(opener.init(alg, key, iv));
    EXPECT_TRUE(sealer.holds_context());
    sealer.release_context();
    opener.release_context();
    EXPECT_FALSE(sealer.holds_context());
    EXPECT_TRUE(sealer.ready());
    std::vector<uint8_t> data(pt);
    Tag tag{};
    ASSERT_TRUE(sealer.seal(5, aad, data, tag)) << name;
    EXPECT_TRUE(sealer.holds_context());
    EXPECT_EQ(to_hex(data) + to_hex(tag),
              reference_seal_hex(name, key, from_hex("09090909090909090909090c"), aad, pt))
        << name;
    ASSERT_TRUE(opener.open(5, aad, data, tag)) << name;
    EXPECT_EQ(pt, data) << name;

    const std::vector<uint8_t> new_key(aead_key_size(alg), 8);
    sealer.release_context();
    ASSERT_TRUE(sealer.init(alg, new_key, iv));
    EXPECT_EQ(seal_hex(sealer, 5, aad, pt),
              reference_seal_hex(name, new_key, from_hex("09090909090909090909090c"), aad, pt))
        << name;

    sealer.release_context();
    sealer.clear();
    EXPECT_FALSE(sealer.ready());
    EXPECT_FALSE(sealer.seal(6, aad, data, tag)) << name;
  }
}

class AeadRoundTrip : public ::testing::TestWithParam<AlgCase> {};

TEST_P(AeadRoundTrip, SealOpenAndTamper) {
  const AlgCase alg = GetParam();
  const std::vector<uint8_t> key(aead_key_size(alg.alg), 0x11);
  const std::vector<uint8_t> iv(kAeadNonceSize, 0x22);
  Aead sealer;
  Aead opener;
  ASSERT_TRUE(sealer.init(alg.alg, key, iv));
  ASSERT_TRUE(opener.init(alg.alg, key, iv));

  const std::vector<uint8_t> aad = from_hex("1703030123");
  std::vector<uint8_t> plaintext(300);
  for (size_t i = 0; i < plaintext.size(); ++i) plaintext[i] = static_cast<uint8_t>(i * 7);

  for (uint64_t seq = 0; seq < 3; ++seq) {
    std::vector<uint8_t> data = plaintext;
    Tag tag{};
    ASSERT_TRUE(sealer.seal(seq, aad, data, tag));
    EXPECT_NE(data, plaintext);

    // Each tampering fails, and leaves the opener usable for the genuine record.
    {
      std::vector<uint8_t> bad = data;
      bad[17] ^= 0x01;
      EXPECT_FALSE(opener.open(seq, aad, bad, tag)) << "ciphertext bit flip";
    }
    {
      std::vector<uint8_t> bad = data;
      Tag bad_tag = tag;
      bad_tag[15] ^= 0x80;
      EXPECT_FALSE(opener.open(seq, aad, bad, bad_tag)) << "tag bit flip";
    }
    {
      std::vector<uint8_t> bad = data;
      std::vector<uint8_t> bad_aad = aad;
      bad_aad[4] ^= 0x01;
      EXPECT_FALSE(opener.open(seq, bad_aad, bad, tag)) << "aad bit flip";
    }
    {
      std::vector<uint8_t> bad = data;
      EXPECT_FALSE(opener.open(seq + 1, aad, bad, tag)) << "wrong sequence number";
    }
    {
      std::vector<uint8_t> bad(data.begin(), data.end() - 1);
      EXPECT_FALSE(opener.open(seq, aad, bad, tag)) << "truncated ciphertext";
    }
    ASSERT_TRUE(opener.open(seq, aad, data, tag));
    EXPECT_EQ(data, plaintext);
  }
  // Failures leave nothing on libcrypto's error queue for the caller to misread.
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_P(AeadRoundTrip, EmptyPlaintext) {
  const AlgCase alg = GetParam();
  const std::vector<uint8_t> key(aead_key_size(alg.alg), 0x33);
  const std::vector<uint8_t> iv(kAeadNonceSize, 0x44);
  Aead aead;
  ASSERT_TRUE(aead.init(alg.alg, key, iv));
  const std::vector<uint8_t> aad = {1, 2, 3, 4, 5};
  Tag tag{};
  std::span<uint8_t> empty;
  ASSERT_TRUE(aead.seal(9, aad, empty, tag));
  EXPECT_EQ(to_hex(tag), reference_seal_hex(alg.openssl_name, key,
                                            from_hex("44444444444444444444444d"), aad, {}));
  EXPECT_TRUE(aead.open(9, aad, empty, tag));
  tag[0] ^= 1;
  EXPECT_FALSE(aead.open(9, aad, empty, tag));
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, AeadRoundTrip, ::testing::ValuesIn(kAlgs),
                         [](const auto& info) {
                           switch (info.param.alg) {
                             case AeadAlg::aes_128_gcm:
                               return std::string("aes_128_gcm");
                             case AeadAlg::aes_256_gcm:
                               return std::string("aes_256_gcm");
                             case AeadAlg::chacha20_poly1305:
                               return std::string("chacha20_poly1305");
                           }
                           return std::string("unknown");
                         });

}  // namespace
}  // namespace adieu::crypto
