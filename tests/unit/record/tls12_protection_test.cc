// TLS 1.2 AEAD record protection (RFC 5246 section 6.2.3.3, RFC 5288, RFC
// 7905): known records, the explicit nonce, what the additional data binds,
// and the limits.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/record/record.h"
#include "unit/crypto/hex.h"

namespace adieu::record {
namespace {

using crypto::AeadAlg;
using test::as_bytes;
using test::from_hex;
using test::to_hex;
using Status = RecordDecoder::Status;

// Keys of the known answers below (computed independently with pyca
// cryptography's AESGCM and ChaCha20Poly1305 from the RFCs' definitions).
const std::vector<uint8_t> kGcmKey(16, 0x11);
const std::vector<uint8_t> kGcmSalt = from_hex("22334455");
const std::vector<uint8_t> kChachaKey(32, 0x33);
const std::vector<uint8_t> kChachaIv = from_hex("000102030405060708090a0b");

struct Tls12Pair {
  RecordEncoder encoder;
  RecordDecoder decoder;
  Tls12Pair(AeadAlg aead, const std::vector<uint8_t>& key, const std::vector<uint8_t>& iv) {
    EXPECT_TRUE(encoder.keys().install_tls12(aead, key, iv));
    EXPECT_TRUE(decoder.keys().install_tls12(aead, key, iv));
  }
};

std::vector<uint8_t> seal(RecordEncoder& encoder, ContentType type, std::string_view text) {
  RecordBuffer out;
  EXPECT_TRUE(encoder.write(type, as_bytes(text), out));
  return std::vector<uint8_t>(out.data(), out.data() + out.size());
}

struct Opened {
  Status status = Status::error;
  Error error = Error::none;
  ContentType type = ContentType::invalid;
  std::string content;
};

Opened open(RecordDecoder& decoder, const std::vector<uint8_t>& record) {
  RecordBuffer plaintext;
  Record rec;
  Opened o;
  size_t consumed = 0;
  o.status = decoder.decode(record, plaintext, consumed, rec, o.error);
  if (o.status == Status::record) {
    o.type = rec.type;
    o.content.assign(rec.fragment.begin(), rec.fragment.end());
    EXPECT_EQ(consumed, record.size());
  }
  return o;
}

TEST(Tls12Protection, AesGcmKnownRecord) {
  Tls12Pair p(AeadAlg::aes_128_gcm, kGcmKey, kGcmSalt);
  seal(p.encoder, ContentType::application_data, "first");  // sequence number 0
  // Sequence number 1: explicit nonce 0000000000000001 after the header,
  // additional data 0000000000000001 17 0303 000d.
  EXPECT_EQ(to_hex(seal(p.encoder, ContentType::application_data, "hello tls 1.2")),
            "170303002500000000000000013e8d84a5510bcca9bea409a282c550ab44636230719c3211273d3e"
            "266e");
}

TEST(Tls12Protection, ChachaKnownRecord) {
  Tls12Pair p(AeadAlg::chacha20_poly1305, kChachaKey, kChachaIv);
  seal(p.encoder, ContentType::handshake, "first");
  // No explicit nonce: nonce = IV XOR sequence number 1; the record keeps
  // its type (handshake).
  EXPECT_EQ(to_hex(seal(p.encoder, ContentType::handshake, "hello tls 1.2")),
            "160303001d141af86fd573bc4cb41c65fbf3d057b9f1353d27379c9401f2cebaebf1");
}

TEST(Tls12Protection, RoundTripKeepsTheType) {
  for (AeadAlg aead : {AeadAlg::aes_128_gcm, AeadAlg::aes_256_gcm, AeadAlg::chacha20_poly1305}) {
    const std::vector<uint8_t> key(crypto::aead_key_size(aead), 0x42);
    const std::vector<uint8_t> iv(aead == AeadAlg::chacha20_poly1305 ? 12 : 4, 0x07);
    Tls12Pair p(aead, key, iv);
    for (ContentType type :
         {ContentType::handshake, ContentType::alert, ContentType::application_data}) {
      const Opened o = open(p.decoder, seal(p.encoder, type, "content"));
      ASSERT_EQ(o.status, Status::record) << error_string(o.error);
      EXPECT_EQ(o.type, type);
      EXPECT_EQ(o.content, "content");
    }
    EXPECT_EQ(p.encoder.keys().sequence(), 3u);
    EXPECT_EQ(p.decoder.keys().sequence(), 3u);
    // Empty application data is allowed (and protected).
    EXPECT_EQ(open(p.decoder, seal(p.encoder, ContentType::application_data, "")).status,
              Status::record);
  }
}

TEST(Tls12Protection, WireSizes) {
  Tls12Pair gcm(AeadAlg::aes_128_gcm, kGcmKey, kGcmSalt);
  EXPECT_EQ(gcm.encoder.wire_size(ContentType::application_data, 100), 5u + 8 + 100 + 16);
  Tls12Pair chacha(AeadAlg::chacha20_poly1305, kChachaKey, kChachaIv);
  EXPECT_EQ(chacha.encoder.wire_size(ContentType::application_data, 100), 5u + 100 + 16);
  // Two records for 2^14 + 1 bytes.
  EXPECT_EQ(gcm.encoder.wire_size(ContentType::application_data, kMaxPlaintext + 1),
            kMaxPlaintext + 1 + 2 * (5 + 8 + 16));
}

TEST(Tls12Protection, TheAdditionalDataBindsTypeSequenceAndLength) {
  Tls12Pair p(AeadAlg::aes_128_gcm, kGcmKey, kGcmSalt);
  std::vector<uint8_t> record = seal(p.encoder, ContentType::application_data, "payload");
  // Another type in the header: the tag no longer verifies.
  std::vector<uint8_t> retyped = record;
  retyped[0] = static_cast<uint8_t>(ContentType::handshake);
  RecordDecoder fresh;
  ASSERT_TRUE(fresh.keys().install_tls12(AeadAlg::aes_128_gcm, kGcmKey, kGcmSalt));
  Opened o = open(fresh, retyped);
  EXPECT_EQ(o.status, Status::error);
  EXPECT_EQ(o.error, Error::bad_record_mac);
  // Replayed as the second record: the sequence number differs.
  EXPECT_EQ(open(p.decoder, record).status, Status::record);
  o = open(p.decoder, record);
  EXPECT_EQ(o.status, Status::error);
  EXPECT_EQ(o.error, Error::bad_record_mac);
}

TEST(Tls12Protection, TheExplicitNonceIsTakenFromTheRecord) {
  // A peer may choose any explicit nonce (RFC 5288 section 3): the decoder
  // must use the one in the record, not its own sequence number.
  const std::vector<uint8_t> key(16, 0x5a);
  const std::vector<uint8_t> salt = from_hex("01020304");
  crypto::Aead aead;
  std::array<uint8_t, 12> iv{1, 2, 3, 4};
  ASSERT_TRUE(aead.init(AeadAlg::aes_128_gcm, key, iv));
  const uint64_t explicit_nonce = 0x1122334455667788;
  std::vector<uint8_t> record = from_hex(
      "170303001d"
      "1122334455667788");
  const std::string_view content_text = "nonce";
  const std::span<const uint8_t> content = as_bytes(content_text);
  const std::vector<uint8_t> aad = from_hex(
      "0000000000000000"
      "17"
      "0303"
      "0005");
  record.resize(record.size() + content.size() + 16);
  std::array<uint8_t, 16> tag{};
  ASSERT_TRUE(aead.seal(explicit_nonce, aad, {content}, record.data() + 13, tag));
  std::copy(tag.begin(), tag.end(), record.end() - 16);

  RecordDecoder decoder;
  ASSERT_TRUE(decoder.keys().install_tls12(AeadAlg::aes_128_gcm, key, salt));
  const Opened o = open(decoder, record);
  ASSERT_EQ(o.status, Status::record) << error_string(o.error);
  EXPECT_EQ(o.content, "nonce");
}

TEST(Tls12Protection, Limits) {
  Tls12Pair p(AeadAlg::chacha20_poly1305, kChachaKey, kChachaIv);
  // Shorter than the tag: bad_record_mac, no sequence number spent... the
  // record is refused either way.
  Opened o = open(p.decoder, from_hex("170303000401020304"));
  EXPECT_EQ(o.status, Status::error);
  EXPECT_EQ(o.error, Error::bad_record_mac);
  // A length over 2^14 + 2048 is refused from the header alone.
  std::vector<uint8_t> huge = {23, 3, 3, 0x48, 0x01};
  RecordDecoder fresh;
  ASSERT_TRUE(fresh.keys().install_tls12(AeadAlg::chacha20_poly1305, kChachaKey, kChachaIv));
  o = open(fresh, huge);
  EXPECT_EQ(o.status, Status::error);
  EXPECT_EQ(o.error, Error::record_overflow);
  // An empty handshake fragment, authentic but not allowed.
  Tls12Pair q(AeadAlg::chacha20_poly1305, kChachaKey, kChachaIv);
  crypto::Aead aead;
  ASSERT_TRUE(aead.init(AeadAlg::chacha20_poly1305, kChachaKey, kChachaIv));
  std::vector<uint8_t> empty = {22, 3, 3, 0, 16};
  empty.resize(5 + 16);
  std::array<uint8_t, 16> tag{};
  const std::vector<uint8_t> aad = from_hex(
      "0000000000000000"
      "16"
      "0303"
      "0000");
  ASSERT_TRUE(aead.seal(0, aad, {}, empty.data() + 5, tag));
  std::copy(tag.begin(), tag.end(), empty.begin() + 5);
  o = open(q.decoder, empty);
  EXPECT_EQ(o.status, Status::error);
  EXPECT_EQ(o.error, Error::unexpected_message);
}

TEST(Tls12Protection, InstallRefusesAWrongIvSize) {
  DirectionKeys keys;
  EXPECT_FALSE(keys.install_tls12(AeadAlg::aes_128_gcm, kGcmKey, kChachaIv));
  EXPECT_FALSE(keys.encrypted());
  EXPECT_FALSE(keys.install_tls12(AeadAlg::chacha20_poly1305, kChachaKey, kGcmSalt));
  EXPECT_FALSE(keys.encrypted());
}

}  // namespace
}  // namespace adieu::record
