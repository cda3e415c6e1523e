#include "engine/record/record.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "engine/handshake/tls13_key_schedule.h"
#include "unit/crypto/hex.h"

namespace adieu::record {
using tls13::KeySchedule;
namespace {

using crypto::CipherSuite;
using test::as_bytes;
using test::from_hex;
using test::to_hex;
using Status = RecordDecoder::Status;

crypto::Secret make_secret(CipherSuite suite, uint8_t fill) {
  return crypto::Secret(
      std::vector<uint8_t>(crypto::hash_size(crypto::suite_info(suite).hash), fill));
}

// A copy of a buffer's bytes, for comparisons and for tests that alter a
// record without touching the original.
std::vector<uint8_t> copy_of(const RecordBuffer& buffer) {
  return std::vector<uint8_t>(buffer.data(), buffer.data() + buffer.size());
}

// Writes `data` as records of `type` into a fresh RecordBuffer and returns a
// copy of what was written (a failed write is a test failure).
std::vector<uint8_t> write_copy(RecordEncoder& encoder, ContentType type,
                                std::span<const uint8_t> data) {
  RecordBuffer out;
  EXPECT_TRUE(encoder.write(type, data, out));
  return copy_of(out);
}

// One decode call's results. It owns the plaintext buffer a protected record
// is opened into, so a protected record's fragment lives as long as it does.
struct Decoded {
  Status status = Status::error;
  size_t consumed = 0;
  Record record;
  Error error = Error::none;
  RecordBuffer plaintext;
  std::string fragment() const {
    return std::string(record.fragment.begin(), record.fragment.end());
  }
};

// Decodes the record at the front of `input`, opening a protected one into
// `plaintext` (empty unless the test passes a buffer in; Decoded owns it
// afterwards), and checks what every outcome must keep: the input is not
// modified; the plaintext buffer's earlier bytes are not either; a protected
// record's content is appended to it and nothing else ever is; an unprotected
// record's fragment lies inside its record in `input`.
Decoded decode(RecordDecoder& decoder, std::span<const uint8_t> input,
               RecordBuffer plaintext = {}) {
  const std::vector<uint8_t> input_before(input.begin(), input.end());
  const std::vector<uint8_t> plaintext_before = copy_of(plaintext);
  Decoded d;
  d.plaintext = std::move(plaintext);
  d.status = decoder.decode(input, d.plaintext, d.consumed, d.record, d.error);

  EXPECT_TRUE(std::equal(input.begin(), input.end(), input_before.begin(), input_before.end()))
      << "decode modified its input";
  const size_t before = plaintext_before.size();
  EXPECT_GE(d.plaintext.size(), before) << "decode shrank the plaintext buffer";
  if (d.plaintext.size() >= before) {
    EXPECT_TRUE(std::equal(plaintext_before.begin(), plaintext_before.end(), d.plaintext.data()))
        << "decode changed bytes already in the plaintext buffer";
  }
  if (d.status == Status::record && d.record.was_encrypted) {
    EXPECT_EQ(d.plaintext.size(), before + d.record.fragment.size())
        << "the plaintext buffer did not grow by exactly the fragment";
    if (!d.record.fragment.empty()) {
      EXPECT_EQ(d.record.fragment.data(), d.plaintext.data() + before)
          << "the fragment is not the content appended to the plaintext buffer";
    }
  } else {
    EXPECT_EQ(d.plaintext.size(), before) << "appended to the plaintext buffer without opening "
                                             "a protected record";
    if (d.status == Status::record && !d.record.fragment.empty()) {
      EXPECT_GE(d.record.fragment.data(), input.data() + kHeaderSize);
      EXPECT_LE(d.record.fragment.data() + d.record.fragment.size(), input.data() + d.consumed)
          << "an unprotected fragment outside its record";
    }
  }
  return d;
}

// Builds a protected record by hand from a whole TLSInnerPlaintext (content,
// type and padding as the test wants them), sealed with `keys`' AEAD under its
// next sequence number, so tests can craft what RecordEncoder never writes.
std::vector<uint8_t> seal_inner(Tls13Protection& keys, std::span<const uint8_t> inner,
                                uint8_t outer_type = 23) {
  const size_t length = inner.size() + crypto::kAeadTagSize;
  std::vector<uint8_t> record = {outer_type, 0x03, 0x03, static_cast<uint8_t>(length >> 8),
                                 static_cast<uint8_t>(length)};
  record.insert(record.end(), inner.begin(), inner.end());
  record.resize(record.size() + crypto::kAeadTagSize);
  uint64_t seq = 0;
  EXPECT_TRUE(keys.next_sequence(seq));
  EXPECT_TRUE(keys.aead().seal(
      seq, {record.data(), kHeaderSize}, {record.data() + kHeaderSize, inner.size()},
      std::span<uint8_t, crypto::kAeadTagSize>(record.data() + kHeaderSize + inner.size(),
                                               crypto::kAeadTagSize)));
  return record;
}

// An encoder and a decoder sharing one traffic secret.
struct Pair {
  RecordEncoder encoder;
  RecordDecoder decoder;
  Tls13Protection crafter;  // same keys, for seal_inner
  explicit Pair(CipherSuite suite = CipherSuite::aes_128_gcm_sha256) {
    const crypto::Secret secret = make_secret(suite, 0x5c);
    EXPECT_TRUE(encoder.keys().install_tls13(suite, secret));
    EXPECT_TRUE(decoder.keys().install_tls13(suite, secret));
    EXPECT_TRUE(crafter.install(suite, secret));
  }
};

// ---------------------------------------------------------------------------
// Plaintext records

TEST(RecordPlaintext, Framing) {
  RecordEncoder encoder;
  EXPECT_FALSE(encoder.keys().encrypted());
  EXPECT_EQ(encoder.wire_size(ContentType::handshake, 3), 5u + 3);
  RecordBuffer out;
  ASSERT_TRUE(encoder.write(ContentType::handshake, as_bytes("abc"), out));
  EXPECT_EQ(to_hex(out.span()), "1603030003616263");

  encoder.set_plaintext_version(0x0301);  // first ClientHello
  ASSERT_TRUE(encoder.write(ContentType::alert, from_hex("0232"), out));
  EXPECT_EQ(to_hex(out.span()),
            "1603030003616263"
            "15030100020232");

  RecordDecoder decoder;
  Decoded d = decode(decoder, out.span());
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.consumed, 8u);
  EXPECT_EQ(d.record.type, ContentType::handshake);
  EXPECT_FALSE(d.record.was_encrypted);
  EXPECT_EQ(d.fragment(), "abc");
  // An unprotected fragment points into the input; nothing is opened.
  EXPECT_EQ(d.record.fragment.data(), out.data() + 5);
  EXPECT_TRUE(d.plaintext.empty());
  d = decode(decoder, out.span().subspan(8));
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.consumed, 7u);
  EXPECT_EQ(d.record.type, ContentType::alert);
  EXPECT_EQ(to_hex(d.record.fragment), "0232");
  EXPECT_EQ(d.record.fragment.data(), out.data() + 8 + 5);
}

TEST(RecordPlaintext, EncoderRefusesEmptyRecordsAndApplicationData) {
  RecordEncoder encoder;
  RecordBuffer out;
  out.append(std::vector<uint8_t>{0xaa});
  EXPECT_FALSE(encoder.write(ContentType::handshake, {}, out));
  EXPECT_FALSE(encoder.write(ContentType::alert, {}, out));
  EXPECT_FALSE(encoder.write(ContentType::application_data, as_bytes("x"), out));
  EXPECT_FALSE(encoder.write(ContentType::application_data, {}, out));
  EXPECT_FALSE(encoder.write(ContentType::invalid, as_bytes("x"), out));
  EXPECT_EQ(copy_of(out), std::vector<uint8_t>{0xaa});  // nothing appended
}

TEST(RecordPlaintext, Fragmentation) {
  RecordEncoder encoder;
  std::vector<uint8_t> data(40000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i % 251);
  RecordBuffer out;
  ASSERT_TRUE(encoder.write(ContentType::handshake, data, out));
  ASSERT_EQ(out.size(), data.size() + 3 * kHeaderSize);

  RecordDecoder decoder;
  std::vector<uint8_t> joined;
  std::vector<size_t> sizes;
  std::span<const uint8_t> rest = out.span();
  while (!rest.empty()) {
    Decoded d = decode(decoder, rest);
    ASSERT_EQ(d.status, Status::record);
    sizes.push_back(d.record.fragment.size());
    joined.insert(joined.end(), d.record.fragment.begin(), d.record.fragment.end());
    rest = rest.subspan(d.consumed);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{16384, 16384, 7232}));
  EXPECT_EQ(joined, data);
}

TEST(RecordPlaintext, DecoderErrors) {
  RecordDecoder decoder;
  // Application data before keys.
  std::vector<uint8_t> app = from_hex("1703030001ff");
  Decoded d = decode(decoder, app);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::unexpected_message);
  // Empty handshake and alert records (RFC 8446 section 5.1).
  std::vector<uint8_t> empty_hs = from_hex("1603030000");
  d = decode(decoder, empty_hs);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::unexpected_message);
  std::vector<uint8_t> empty_alert = from_hex("1503030000");
  EXPECT_EQ(decode(decoder, empty_alert).error, Error::unexpected_message);
  // Unknown content type.
  std::vector<uint8_t> heartbeat = from_hex("1803030001ff");
  d = decode(decoder, heartbeat);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::unexpected_message);
  // Over 2^14 bytes of plaintext: rejected from the header alone.
  std::vector<uint8_t> big = from_hex("1603034001");
  d = decode(decoder, big);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::record_overflow);
  // Exactly 2^14 is fine (and needs its body).
  std::vector<uint8_t> max = from_hex("1603034000");
  EXPECT_EQ(decode(decoder, max).status, Status::need_more);
}

TEST(RecordPlaintext, RecordVersions) {
  RecordDecoder decoder;
  for (const char* hex : {"1603000001aa", "1603010001aa", "1603030001aa", "16030f0001aa"}) {
    std::vector<uint8_t> rec = from_hex(hex);
    EXPECT_EQ(decode(decoder, rec).status, Status::record) << hex;
  }
  for (const char* hex : {"1602000001aa", "1604030001aa", "1600000001aa", "16fe030001aa"}) {
    std::vector<uint8_t> rec = from_hex(hex);
    const Decoded d = decode(decoder, rec);
    EXPECT_EQ(d.status, Status::error) << hex;
    EXPECT_EQ(d.error, Error::decode_error) << hex;
  }
}

TEST(RecordPlaintext, ChangeCipherSpecPassesThrough) {
  RecordDecoder decoder;
  std::vector<uint8_t> ccs = from_hex("140303000101");
  const Decoded d = decode(decoder, ccs);
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.record.type, ContentType::change_cipher_spec);
  EXPECT_EQ(to_hex(d.record.fragment), "01");
}

// ---------------------------------------------------------------------------
// Protected records, for each cipher suite

class RecordProtected : public ::testing::TestWithParam<CipherSuite> {};

TEST_P(RecordProtected, RoundTripHidesTheContentType) {
  Pair p(GetParam());
  EXPECT_EQ(p.encoder.wire_size(ContentType::handshake, 5), 5u + 5 + 1 + 16);
  // One plaintext buffer for the three records, holding other bytes first.
  RecordBuffer plaintext;
  plaintext.append(as_bytes("earlier"));
  for (ContentType type :
       {ContentType::handshake, ContentType::alert, ContentType::application_data}) {
    RecordBuffer out;
    ASSERT_TRUE(p.encoder.write(type, as_bytes("hello"), out));
    // Outer: application_data, 0x0303, 5 + 1 + 16 bytes; never the plaintext.
    ASSERT_EQ(out.size(), 5u + 5 + 1 + 16);
    EXPECT_EQ(to_hex(out.span().first(5)), "1703030016");
    EXPECT_EQ(std::string(out.data() + 5, out.data() + 10).find("hello"), std::string::npos);

    const std::vector<uint8_t> sent = copy_of(out);
    const size_t before = plaintext.size();
    Decoded d = decode(p.decoder, out.span(), std::move(plaintext));
    ASSERT_EQ(d.status, Status::record);
    EXPECT_EQ(d.consumed, out.size());
    EXPECT_EQ(d.record.type, type);
    EXPECT_TRUE(d.record.was_encrypted);
    EXPECT_EQ(d.fragment(), "hello");
    // Opened out of place: the input is as it was, and the fragment is the
    // content appended at the end of the plaintext buffer, which grew by
    // exactly its size.
    EXPECT_EQ(copy_of(out), sent);
    EXPECT_EQ(d.plaintext.size(), before + d.record.fragment.size());
    EXPECT_EQ(d.record.fragment.data(), d.plaintext.data() + before);
    EXPECT_EQ(d.record.fragment.data() + d.record.fragment.size(),
              d.plaintext.data() + d.plaintext.size());
    plaintext = std::move(d.plaintext);
  }
  EXPECT_EQ(std::string(plaintext.data(), plaintext.data() + plaintext.size()),
            "earlierhellohellohello");
  EXPECT_EQ(p.encoder.keys().sequence(), 3u);
  EXPECT_EQ(p.decoder.keys().sequence(), 3u);
}

TEST_P(RecordProtected, EmptyApplicationData) {
  Pair p(GetParam());
  RecordBuffer out;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, {}, out));
  ASSERT_EQ(out.size(), 5u + 1 + 16);
  const Decoded d = decode(p.decoder, out.span());
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.record.type, ContentType::application_data);
  EXPECT_TRUE(d.record.fragment.empty());
  EXPECT_TRUE(d.plaintext.empty());  // the type byte opened with it is not kept
  const std::vector<uint8_t> written = copy_of(out);
  EXPECT_FALSE(p.encoder.write(ContentType::handshake, {}, out));
  EXPECT_EQ(copy_of(out), written);  // nothing appended
}

TEST_P(RecordProtected, FragmentsA40000ByteWriteIntoThreeRecords) {
  Pair p(GetParam());
  std::vector<uint8_t> data(40000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 31 + 7);
  RecordBuffer out;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, data, out));
  ASSERT_EQ(out.size(), data.size() + 3 * (5 + 1 + 16));
  EXPECT_EQ(p.encoder.keys().sequence(), 3u);

  std::vector<uint8_t> joined;
  std::vector<size_t> sizes;
  std::span<const uint8_t> rest = out.span();
  while (!rest.empty()) {
    const Decoded d = decode(p.decoder, rest);
    ASSERT_EQ(d.status, Status::record);
    EXPECT_EQ(d.record.type, ContentType::application_data);
    sizes.push_back(d.record.fragment.size());
    joined.insert(joined.end(), d.record.fragment.begin(), d.record.fragment.end());
    rest = rest.subspan(d.consumed);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{16384, 16384, 7232}));
  EXPECT_EQ(joined, data);
  EXPECT_EQ(p.decoder.keys().sequence(), 3u);
}

TEST_P(RecordProtected, SequenceNumbersAdvanceAndBindRecords) {
  Pair p(GetParam());
  RecordBuffer first;
  RecordBuffer second;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, as_bytes("one"), first));
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, as_bytes("two"), second));
  EXPECT_EQ(p.encoder.keys().sequence(), 2u);
  // Identical plaintext under different sequence numbers differs.
  RecordBuffer again;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, as_bytes("one"), again));
  EXPECT_EQ(first.size(), again.size());
  EXPECT_NE(copy_of(first), copy_of(again));

  // Out of order: the second record does not open as record 0. (The failed
  // open leaves `second` as it was: it opens below.)
  RecordDecoder reordered;
  ASSERT_TRUE(reordered.keys().install_tls13(GetParam(), make_secret(GetParam(), 0x5c)));
  const Decoded d = decode(reordered, second.span());
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::bad_record_mac);

  EXPECT_EQ(decode(p.decoder, first.span()).fragment(), "one");
  EXPECT_EQ(decode(p.decoder, second.span()).fragment(), "two");
  EXPECT_EQ(p.decoder.keys().sequence(), 2u);
}

TEST_P(RecordProtected, PaddingIsRemoved) {
  Pair p(GetParam());
  std::vector<uint8_t> inner = {'h', 'i', 0x00, 'x', 22};  // a zero inside the content stays
  inner.resize(inner.size() + 200, 0);
  std::vector<uint8_t> rec = seal_inner(p.crafter, inner);
  const Decoded d = decode(p.decoder, rec);
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.record.type, ContentType::handshake);
  EXPECT_EQ(to_hex(d.record.fragment),
            "6869"
            "00"
            "78");
  EXPECT_EQ(d.consumed, rec.size());
}

TEST_P(RecordProtected, FlippedBitIsBadRecordMac) {
  Pair p(GetParam());
  const std::vector<uint8_t> good =
      write_copy(p.encoder, ContentType::application_data, as_bytes("attack at dawn"));
  ASSERT_EQ(good.size(), 5u + 14 + 1 + 16);
  // Every byte after the type and version (length bytes would change the
  // framing): header length is AAD, then ciphertext, then tag.
  for (size_t i = 5; i < good.size(); ++i) {
    RecordDecoder decoder;
    ASSERT_TRUE(decoder.keys().install_tls13(GetParam(), make_secret(GetParam(), 0x5c)));
    std::vector<uint8_t> bad = good;
    bad[i] ^= 0x04;
    const Decoded d = decode(decoder, bad);
    EXPECT_EQ(d.status, Status::error) << "byte " << i;
    EXPECT_EQ(d.error, Error::bad_record_mac) << "byte " << i;
  }
  // The version byte is authenticated too (it is part of the AAD).
  std::vector<uint8_t> bad = good;
  bad[2] = 0x01;
  EXPECT_EQ(decode(p.decoder, bad).error, Error::bad_record_mac);
}

TEST_P(RecordProtected, Overflow) {
  Pair p(GetParam());
  // TLSCiphertext.length over 2^14 + 256: rejected from the header alone.
  std::vector<uint8_t> header = {0x17, 0x03, 0x03, 0x41, 0x01};
  Decoded d = decode(p.decoder, header);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::record_overflow);
  // Exactly 2^14 + 256 is acceptable framing: the decoder waits for it.
  header[4] = 0x00;
  EXPECT_EQ(decode(p.decoder, header).status, Status::need_more);

  // Inner plaintext of 2^14 bytes of content (+ type) is the maximum.
  std::vector<uint8_t> inner(kMaxPlaintext, 'a');
  inner.push_back(23);
  std::vector<uint8_t> rec = seal_inner(p.crafter, inner);
  d = decode(p.decoder, rec);
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.record.fragment.size(), kMaxPlaintext);

  // 2^14 + 1 bytes of content: record_overflow, though it authenticates.
  inner.assign(kMaxPlaintext + 1, 'a');
  inner.push_back(23);
  rec = seal_inner(p.crafter, inner);
  d = decode(p.decoder, rec);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::record_overflow);

  // 2^14 bytes of content with padding: TLSInnerPlaintext over 2^14 + 1.
  Pair q(GetParam());
  inner.assign(kMaxPlaintext, 'a');
  inner.push_back(23);
  inner.push_back(0);
  rec = seal_inner(q.crafter, inner);
  d = decode(q.decoder, rec);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::record_overflow);
}

TEST_P(RecordProtected, AllZeroInnerPlaintextIsUnexpected) {
  for (size_t zeros : {0, 1, 40}) {
    Pair p(GetParam());
    std::vector<uint8_t> rec = seal_inner(p.crafter, std::vector<uint8_t>(zeros, 0));
    const Decoded d = decode(p.decoder, rec);
    EXPECT_EQ(d.status, Status::error) << zeros;
    EXPECT_EQ(d.error, Error::unexpected_message) << zeros;
  }
}

TEST_P(RecordProtected, BadInnerTypes) {
  // A protected change_cipher_spec, an unknown type, empty handshake and alert.
  for (const char* inner : {"0114", "0118", "16", "15", "160000"}) {
    Pair p(GetParam());
    std::vector<uint8_t> rec = seal_inner(p.crafter, from_hex(inner));
    const Decoded d = decode(p.decoder, rec);
    EXPECT_EQ(d.status, Status::error) << inner;
    EXPECT_EQ(d.error, Error::unexpected_message) << inner;
  }
}

TEST_P(RecordProtected, OuterTypes) {
  Pair p(GetParam());
  // Plaintext handshake once keys are in use.
  std::vector<uint8_t> handshake = from_hex("1603030001aa");
  Decoded d = decode(p.decoder, handshake);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::unexpected_message);
  // A plaintext alert before the peer has sent under the keys is its own (a
  // peer that could not process our flight has none)...
  std::vector<uint8_t> alert = from_hex("1503030002022a");
  Pair fresh(GetParam());
  d = decode(fresh.decoder, alert);
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.record.type, ContentType::alert);
  EXPECT_FALSE(d.record.was_encrypted);
  EXPECT_EQ(d.fragment(), "\x02\x2a");
  // ...but not once a record was opened under them.
  RecordBuffer sealed;
  ASSERT_TRUE(fresh.encoder.write(ContentType::application_data, from_hex("61"), sealed));
  ASSERT_EQ(decode(fresh.decoder, sealed.span()).status, Status::record);
  d = decode(fresh.decoder, alert);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::unexpected_message);
  // An outer change_cipher_spec is returned as is, unprotected.
  std::vector<uint8_t> ccs = from_hex("140303000101");
  d = decode(p.decoder, ccs);
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.record.type, ContentType::change_cipher_spec);
  EXPECT_FALSE(d.record.was_encrypted);
  EXPECT_EQ(p.decoder.keys().sequence(), 0u);  // consumed no sequence number
  // And the encoder sends change_cipher_spec in the clear even with keys.
  RecordBuffer out;
  ASSERT_TRUE(p.encoder.write(ContentType::change_cipher_spec, from_hex("01"), out));
  EXPECT_EQ(to_hex(out.span()), "140303000101");
  EXPECT_EQ(p.encoder.keys().sequence(), 0u);
}

// A negotiated limit (RFC 8449, RFC 6066): the encoder fragments at it, the
// decoder refuses a larger record from its header (the TLS 1.3 limit counts
// the inner content type: a padded record past it is refused too).
TEST_P(RecordProtected, FragmentLimits) {
  Pair p(GetParam());
  p.encoder.set_fragment_limits(100, 50);
  p.decoder.set_fragment_limits(100, 50);
  const std::vector<uint8_t> data(250, 0x61);
  RecordBuffer sealed;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, data, sealed));
  EXPECT_EQ(sealed.size(), p.encoder.wire_size(ContentType::application_data, data.size()));
  EXPECT_EQ(sealed.size(), 250 + 3 * (5 + 17));  // 100 + 100 + 50
  std::span<const uint8_t> rest = sealed.span();
  while (!rest.empty()) {
    const Decoded d = decode(p.decoder, rest);
    ASSERT_EQ(d.status, Status::record);
    EXPECT_LE(d.record.fragment.size(), 100u);
    rest = rest.subspan(d.consumed);
  }
  // 101 bytes of content, or 100 with one byte of padding: over the limit.
  for (const size_t padding : {size_t{0}, size_t{1}}) {
    Pair q(GetParam());
    q.decoder.set_fragment_limits(100, 50);
    // TLSInnerPlaintext: content, type 23, padding.
    std::vector<uint8_t> inner(101 - padding, 0x62);
    inner.push_back(23);
    inner.resize(inner.size() + padding, 0);
    const std::vector<uint8_t> rec = seal_inner(q.crafter, inner);
    const Decoded d = decode(q.decoder, std::span(rec).first(5));
    EXPECT_EQ(d.status, Status::error) << padding;
    EXPECT_EQ(d.error, Error::record_overflow) << padding;
  }
  // Unprotected records keep to the plaintext limit.
  RecordEncoder plain;
  plain.set_fragment_limits(100, 50);
  RecordBuffer out;
  ASSERT_TRUE(plain.write(ContentType::handshake, std::vector<uint8_t>(120, 1), out));
  EXPECT_EQ(out.size(), 120 + 3 * 5u);
  // Empty application data before keys: unexpected, with no 0-RTT to skip
  // (a budget of 0 skips nothing, not even 0 bytes).
  RecordDecoder no_keys;
  std::vector<uint8_t> empty_data = from_hex("1703030000");
  EXPECT_EQ(decode(no_keys, empty_data).error, Error::unexpected_message);
  RecordDecoder plain_decoder;
  plain_decoder.set_fragment_limits(100, 50);
  std::vector<uint8_t> big = from_hex("1603030033");
  EXPECT_EQ(decode(plain_decoder, big).error, Error::record_overflow);
}

TEST_P(RecordProtected, ShorterThanATag) {
  Pair p(GetParam());
  std::vector<uint8_t> rec = from_hex("170303000f");
  rec.resize(5 + 15, 0x41);
  const Decoded d = decode(p.decoder, rec);
  EXPECT_EQ(d.status, Status::error);
  EXPECT_EQ(d.error, Error::bad_record_mac);
}

TEST_P(RecordProtected, NeedMoreForEveryTruncation) {
  Pair p(GetParam());
  const std::vector<uint8_t> full =
      write_copy(p.encoder, ContentType::handshake, as_bytes("a complete handshake"));
  ASSERT_EQ(full.size(), 5u + 20 + 1 + 16);
  for (size_t n = 0; n < full.size(); ++n) {
    // A buffer of exactly n bytes, so a sanitizer build catches any read past it.
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    const Decoded d = decode(p.decoder, prefix);
    EXPECT_EQ(d.status, Status::need_more) << n;
    EXPECT_EQ(d.consumed, 0u) << n;
    EXPECT_EQ(prefix, std::vector<uint8_t>(full.begin(), full.begin() + n)) << "modified " << n;
  }
  EXPECT_EQ(p.decoder.keys().sequence(), 0u);  // waiting consumed no sequence number
  const Decoded d = decode(p.decoder, full);
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.fragment(), "a complete handshake");
}

TEST_P(RecordProtected, KeyUpdate) {
  const CipherSuite suite = GetParam();
  Pair p(suite);
  RecordDecoder stale;
  ASSERT_TRUE(stale.keys().install_tls13(suite, make_secret(suite, 0x5c)));

  RecordBuffer before;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, as_bytes("before"), before));
  // Both open the same bytes: opening leaves its input as it was.
  ASSERT_EQ(decode(p.decoder, before.span()).fragment(), "before");
  ASSERT_EQ(decode(stale, before.span()).fragment(), "before");

  // A KeyUpdate installs the next secret of the same cipher: the AEAD is
  // re-keyed in place and the sequence number starts again.
  const crypto::Secret next = KeySchedule::next_traffic_secret(crypto::suite_info(suite).hash,
                                                               make_secret(suite, 0x5c).span());
  ASSERT_TRUE(p.encoder.keys().install_tls13(suite, next));
  EXPECT_EQ(p.encoder.keys().sequence(), 0u);  // a new key starts at 0

  RecordBuffer after;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, as_bytes("after"), after));
  const Decoded old_key = decode(stale, after.span());
  EXPECT_EQ(old_key.status, Status::error);
  EXPECT_EQ(old_key.error, Error::bad_record_mac);

  ASSERT_TRUE(p.decoder.keys().install_tls13(suite, next));
  const Decoded new_key = decode(p.decoder, after.span());
  ASSERT_EQ(new_key.status, Status::record);
  EXPECT_EQ(new_key.fragment(), "after");
}

TEST_P(RecordProtected, WipeMakesTheDirectionUnusableForApplicationData) {
  Pair p(GetParam());
  p.encoder.keys().wipe();
  EXPECT_FALSE(p.encoder.keys().encrypted());
  EXPECT_EQ(p.encoder.keys().protection(), nullptr);
  RecordBuffer out;
  EXPECT_FALSE(p.encoder.write(ContentType::application_data, as_bytes("secret"), out));
  EXPECT_TRUE(out.empty());
}

TEST_P(RecordProtected, SeveralRecordsInOneBuffer) {
  Pair p(GetParam());
  RecordBuffer out;
  ASSERT_TRUE(p.encoder.write(ContentType::handshake, as_bytes("first"), out));
  ASSERT_TRUE(p.encoder.write(ContentType::alert, from_hex("0100"), out));
  std::span<const uint8_t> rest = out.span();
  Decoded d = decode(p.decoder, rest);
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.fragment(), "first");
  rest = rest.subspan(d.consumed);
  d = decode(p.decoder, rest);
  ASSERT_EQ(d.status, Status::record);
  EXPECT_EQ(d.record.type, ContentType::alert);
  EXPECT_EQ(to_hex(d.record.fragment), "0100");
  EXPECT_EQ(d.consumed, rest.size());
}

TEST_P(RecordProtected, CorruptedTagAppendsNothingToThePlaintext) {
  Pair p(GetParam());
  RecordBuffer wire;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, as_bytes("tampered"), wire));
  ASSERT_EQ(wire.size(), 5u + 8 + 1 + 16);
  wire.data()[wire.size() - 1] ^= 0x01;  // the tag's last byte
  const std::vector<uint8_t> sent = copy_of(wire);

  RecordBuffer plaintext;
  plaintext.append(as_bytes("already here"));
  size_t consumed = 0;
  Record record;
  Error error = Error::none;
  EXPECT_EQ(p.decoder.decode(wire.span(), plaintext, consumed, record, error), Status::error);
  EXPECT_EQ(error, Error::bad_record_mac);
  EXPECT_EQ(plaintext.size(), 12u);  // nothing appended, nothing taken away
  EXPECT_EQ(std::string(plaintext.data(), plaintext.data() + plaintext.size()), "already here");
  EXPECT_EQ(copy_of(wire), sent);
  EXPECT_TRUE(record.fragment.empty());
}

TEST_P(RecordProtected, RecordsOpenContiguouslyIntoOnePlaintextBuffer) {
  Pair p(GetParam());
  RecordBuffer wire;
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, as_bytes("one"), wire));
  ASSERT_TRUE(p.encoder.write(ContentType::handshake, as_bytes("two"), wire));

  RecordBuffer plaintext;
  size_t consumed = 0;
  Record record;
  Error error = Error::none;
  ASSERT_EQ(p.decoder.decode(wire.span(), plaintext, consumed, record, error), Status::record);
  EXPECT_EQ(std::string(record.fragment.begin(), record.fragment.end()), "one");
  EXPECT_EQ(record.fragment.data(), plaintext.data());
  EXPECT_EQ(plaintext.size(), 3u);
  const size_t first_size = consumed;

  // The second record's content follows the first's (the first fragment's
  // span may be stale now: appending can move the buffer).
  ASSERT_EQ(p.decoder.decode(wire.span().subspan(first_size), plaintext, consumed, record, error),
            Status::record);
  EXPECT_EQ(first_size + consumed, wire.size());
  EXPECT_EQ(record.type, ContentType::handshake);
  EXPECT_EQ(std::string(record.fragment.begin(), record.fragment.end()), "two");
  EXPECT_EQ(record.fragment.data(), plaintext.data() + 3);
  ASSERT_EQ(plaintext.size(), 6u);
  EXPECT_EQ(std::string(plaintext.data(), plaintext.data() + plaintext.size()), "onetwo");
}

TEST_P(RecordProtected, WireSizeCountsEveryRecord) {
  Pair p(GetParam());
  constexpr size_t kSealed = 5 + 1 + 16;
  EXPECT_EQ(p.encoder.wire_size(ContentType::application_data, 0), kSealed);
  EXPECT_EQ(p.encoder.wire_size(ContentType::application_data, 16384), 16384 + kSealed);
  EXPECT_EQ(p.encoder.wire_size(ContentType::application_data, 16385), 16385 + 2 * kSealed);
  EXPECT_EQ(p.encoder.wire_size(ContentType::handshake, 40000), 40000 + 3 * kSealed);
  // change_cipher_spec is never sealed.
  EXPECT_EQ(p.encoder.wire_size(ContentType::change_cipher_spec, 1), 5u + 1);
  for (size_t n : {size_t{0}, size_t{1}, size_t{16384}, size_t{16385}, size_t{40000}}) {
    RecordBuffer out;
    ASSERT_TRUE(p.encoder.write(ContentType::application_data, std::vector<uint8_t>(n, 0x41), out));
    EXPECT_EQ(out.size(), p.encoder.wire_size(ContentType::application_data, n)) << n;
  }
}

TEST_P(RecordProtected, WriteIntoASpanOfTheWrongSizeSealsNothing) {
  Pair p(GetParam());
  const std::span<const uint8_t> data = as_bytes("span");
  const size_t size = p.encoder.wire_size(ContentType::application_data, data.size());
  for (size_t wrong : {size - 1, size + 1}) {
    std::vector<uint8_t> out(wrong, 0xee);
    EXPECT_FALSE(p.encoder.write(ContentType::application_data, data, out));
    EXPECT_EQ(out, std::vector<uint8_t>(wrong, 0xee));
  }
  EXPECT_EQ(p.encoder.keys().sequence(), 0u);  // no sequence number spent

  // The right size: the same record the buffer overload makes, and it opens.
  std::vector<uint8_t> out(size);
  ASSERT_TRUE(p.encoder.write(ContentType::application_data, data, out));
  RecordBuffer plaintext;
  size_t consumed = 0;
  Record record;
  Error error = Error::none;
  ASSERT_EQ(p.decoder.decode(out, plaintext, consumed, record, error), Status::record);
  EXPECT_EQ(consumed, size);
  EXPECT_EQ(std::string(record.fragment.begin(), record.fragment.end()), "span");
}

TEST(RecordPlaintext, WireSizeWithoutKeys) {
  RecordEncoder encoder;
  EXPECT_EQ(encoder.wire_size(ContentType::handshake, 3), 8u);
  EXPECT_EQ(encoder.wire_size(ContentType::handshake, 20000), 20000u + 2 * 5);
  std::vector<uint8_t> out(8);
  ASSERT_TRUE(encoder.write(ContentType::handshake, as_bytes("abc"), std::span<uint8_t>(out)));
  EXPECT_EQ(to_hex(out), "1603030003616263");
}

INSTANTIATE_TEST_SUITE_P(AllSuites, RecordProtected,
                         ::testing::Values(CipherSuite::aes_128_gcm_sha256,
                                           CipherSuite::aes_256_gcm_sha384,
                                           CipherSuite::chacha20_poly1305_sha256),
                         [](const auto& info) {
                           std::string name = crypto::suite_info(info.param).name;
                           return name;
                         });

TEST(Tls13Protection, InstallDerivesKeyAndIvPerRfc8446Section7_3) {
  // RFC 8448 section 3: the server handshake traffic secret gives key
  // 3fce516009c21727d0f2e4e86ee403bc and iv 5d313eb2671276ee13000b30.
  Tls13Protection keys;
  const crypto::Secret secret(
      from_hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"));
  ASSERT_TRUE(keys.install(CipherSuite::aes_128_gcm_sha256, secret));
  EXPECT_TRUE(keys.encrypted());

  crypto::Aead reference;
  ASSERT_TRUE(reference.init(crypto::AeadAlg::aes_128_gcm,
                             from_hex("3fce516009c21727d0f2e4e86ee403bc"),
                             from_hex("5d313eb2671276ee13000b30")));
  std::vector<uint8_t> a = from_hex("0102030405");
  std::vector<uint8_t> b = a;
  std::array<uint8_t, 16> tag_a{};
  std::array<uint8_t, 16> tag_b{};
  ASSERT_TRUE(keys.aead().seal(7, {}, a, tag_a));
  ASSERT_TRUE(reference.seal(7, {}, b, tag_b));
  EXPECT_EQ(a, b);
  EXPECT_EQ(tag_a, tag_b);
}

TEST(DirectionKeys, InstallRejectsAnUnusableSecret) {
  DirectionKeys keys;
  EXPECT_FALSE(keys.install_tls13(CipherSuite::aes_128_gcm_sha256, crypto::Secret()));
  EXPECT_FALSE(keys.encrypted());
  EXPECT_EQ(keys.protection(), nullptr);
}

TEST(Tls13Protection, SequenceNumbers) {
  Tls13Protection keys;
  uint64_t seq = 99;
  ASSERT_TRUE(keys.next_sequence(seq));
  EXPECT_EQ(seq, 0u);
  ASSERT_TRUE(keys.next_sequence(seq));
  EXPECT_EQ(seq, 1u);
  EXPECT_EQ(keys.sequence(), 2u);
}

}  // namespace
}  // namespace adieu::record
