// QUIC frames (RFC 9000 section 19): every frame type round-trips byte for
// byte, every truncation is refused, and each limit gives the RFC's error.
#include "engine/quic/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../crypto/hex.h"
#include "engine/quic/frame_rules.h"

namespace adieu::quic {
namespace {

using adieu::test::from_hex;
using adieu::test::to_hex;
using ByteVec = std::vector<uint8_t>;

const ByteVec kData = {'h', 'e', 'l', 'l', 'o'};
const ByteVec kCid = {1, 2, 3, 4, 5, 6, 7, 8};

// One frame of every type and variant.
std::vector<Frame> every_frame() {
  std::vector<Frame> frames = {
      PaddingFrame{1},
      PaddingFrame{7},
      PingFrame{},
      AckFrame{25, {{8, 10}, {2, 5}}, std::nullopt},
      AckFrame{0, {{0, 0}}, std::nullopt},
      AckFrame{1000, {{100, 200}, {50, 60}, {0, 1}}, EcnCounts{1, 2, 3}},
      ResetStreamFrame{4, 0x101, 1234},
      StopSendingFrame{8, 77},
      CryptoFrame{0, kData},
      CryptoFrame{70000, kData},
      NewTokenFrame{kData},
      MaxDataFrame{1 << 20},
      MaxStreamDataFrame{4, 65536},
      MaxStreamsFrame{true, 100},
      MaxStreamsFrame{false, kMaxStreamCount},
      DataBlockedFrame{999},
      StreamDataBlockedFrame{2, 16384},
      StreamsBlockedFrame{true, 3},
      StreamsBlockedFrame{false, 0},
      RetireConnectionIdFrame{12},
      PathChallengeFrame{{1, 2, 3, 4, 5, 6, 7, 8}},
      PathResponseFrame{{8, 7, 6, 5, 4, 3, 2, 1}},
      ConnectionCloseFrame{false, 0x0a, 0x08, kData},
      ConnectionCloseFrame{true, 0x1234, 0, {}},
      HandshakeDoneFrame{},
  };
  NewConnectionIdFrame ncid;
  ncid.sequence_number = 5;
  ncid.retire_prior_to = 2;
  ncid.connection_id = kCid;
  ncid.stateless_reset_token.fill(0xab);
  frames.push_back(ncid);
  // The eight STREAM types: OFF, LEN and FIN bits.
  for (int bits = 0; bits < 8; ++bits) {
    StreamFrame f;
    f.stream_id = 4;
    f.has_offset = (bits & 4) != 0;
    f.has_length = (bits & 2) != 0;
    f.fin = (bits & 1) != 0;
    f.offset = f.has_offset ? 1u << 20 : 0;
    f.data = kData;
    frames.push_back(f);
  }
  return frames;
}

ByteVec write(const Frame& f) {
  ByteVec out;
  wire::Writer w(out);
  write_frame(w, f);
  EXPECT_TRUE(w.ok()) << type_of(f);
  return out;
}

std::optional<Frame> parse(const ByteVec& bytes, FrameError& error, bool& done) {
  wire::Reader r(bytes);
  std::optional<Frame> f = parse_frame(r, error);
  done = r.done();
  return f;
}

FrameError refusal(const std::string& hex) {
  const ByteVec bytes = from_hex(hex);
  FrameError error;
  bool done = false;
  EXPECT_FALSE(parse(bytes, error, done).has_value()) << hex;
  return error;
}

TEST(Frame, EveryFrameRoundTripsByteForByte) {
  for (const Frame& f : every_frame()) {
    const ByteVec bytes = write(f);
    FrameError error;
    bool done = false;
    const std::optional<Frame> parsed = parse(bytes, error, done);
    ASSERT_TRUE(parsed.has_value()) << to_hex(bytes) << ": " << error.reason;
    EXPECT_TRUE(done) << to_hex(bytes);
    EXPECT_TRUE(*parsed == f) << to_hex(bytes);
    EXPECT_EQ(type_of(*parsed), type_of(f));
    EXPECT_EQ(to_hex(write(*parsed)), to_hex(bytes));
  }
}

TEST(Frame, EveryTruncationIsAFrameEncodingError) {
  for (const Frame& f : every_frame()) {
    // A PADDING run and a STREAM frame without LEN end where the payload
    // does: a cut gives a shorter frame, not an error.
    if (std::holds_alternative<PaddingFrame>(f)) continue;
    if (const auto* s = std::get_if<StreamFrame>(&f); s != nullptr && !s->has_length) continue;
    const ByteVec bytes = write(f);
    for (size_t n = 0; n < bytes.size(); ++n) {
      const ByteVec cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(n));
      FrameError error;
      bool done = false;
      EXPECT_FALSE(parse(cut, error, done).has_value()) << to_hex(cut);
      EXPECT_EQ(error.code, TransportError::frame_encoding_error) << to_hex(cut);
    }
  }
}

TEST(Frame, AckRangesAreEncodedAsGapsAndLengths) {
  // Largest 10, first range 2 (8-10), gap 1 (6-7 missing), length 3 (2-5).
  EXPECT_EQ(to_hex(write(AckFrame{0, {{8, 10}, {2, 5}}, std::nullopt})), "020a0001020103");
  const AckFrame parsed = std::get<AckFrame>(*[] {
    FrameError e;
    bool done = false;
    return parse(from_hex("020a0001020103"), e, done);
  }());
  ASSERT_EQ(parsed.ranges.size(), 2u);
  EXPECT_EQ(parsed.ranges[1], (AckRange{2, 5}));
  EXPECT_EQ(to_hex(write(AckFrame{0, {{5, 5}}, EcnCounts{1, 0, 2}})), "0305000000010002");
}

TEST(Frame, AckBelowPacketNumberZeroIsRefused) {
  EXPECT_EQ(refusal("02050000 06").code,
            TransportError::frame_encoding_error);  // first range 6 > 5
  // 0-5 then a gap reaching below 0.
  EXPECT_EQ(refusal("020a0001 04 05 00").reason, std::string("ACK range below packet number 0"));
  EXPECT_EQ(refusal("020a0001 02 00 07").code, TransportError::frame_encoding_error);
  // A range count the frame cannot hold.
  EXPECT_EQ(refusal("020a00 3f 00 0000").reason, std::string("ACK range count exceeds the frame"));
}

TEST(Frame, AckWriterRefusesMisorderedRanges) {
  for (const AckFrame& bad : {AckFrame{0, {}, std::nullopt}, AckFrame{0, {{5, 4}}, std::nullopt},
                              AckFrame{0, {{5, 9}, {2, 4}}, std::nullopt},  // no gap
                              AckFrame{0, {{2, 9}, {5, 6}}, std::nullopt}}) {
    ByteVec out;
    wire::Writer w(out);
    write_frame(w, bad);
    EXPECT_FALSE(w.ok());
  }
}

TEST(Frame, LimitsGiveTheRfcErrors) {
  // Unknown frame type (section 12.4).
  FrameError e = refusal("1f");
  EXPECT_EQ(e.code, TransportError::frame_encoding_error);
  EXPECT_EQ(e.frame_type, 0x1fu);
  // A frame type in a longer encoding than needed: PROTOCOL_VIOLATION.
  EXPECT_EQ(refusal("4001").code, TransportError::protocol_violation);
  EXPECT_EQ(refusal("4000").code, TransportError::protocol_violation);
  // MAX_STREAMS / STREAMS_BLOCKED above 2^60 (sections 19.11, 19.14).
  EXPECT_EQ(refusal("12d000000000000001").code, TransportError::frame_encoding_error);
  EXPECT_EQ(refusal("13d000000000000001").frame_type, 0x13u);
  EXPECT_EQ(refusal("16d000000000000001").code, TransportError::frame_encoding_error);
  EXPECT_EQ(refusal("17d000000000000001").code, TransportError::frame_encoding_error);
  // STREAM and CRYPTO data past 2^62-1 (sections 19.6, 19.8).
  EXPECT_EQ(refusal("0e04ffffffffffffffff0161").reason,
            std::string("STREAM data beyond offset 2^62-1"));
  EXPECT_EQ(refusal("06ffffffffffffffff0161").reason,
            std::string("CRYPTO data beyond offset 2^62-1"));
  // NEW_TOKEN must not be empty (19.7).
  EXPECT_EQ(refusal("0700").reason, std::string("empty NEW_TOKEN"));
  // NEW_CONNECTION_ID: length 0 or 21, Retire Prior To above the sequence.
  const std::string token(32, 'a');
  EXPECT_EQ(refusal("18010000" + token).code, TransportError::frame_encoding_error);
  EXPECT_EQ(refusal("180100 15" + std::string(42, '1') + token).code,
            TransportError::frame_encoding_error);
  EXPECT_EQ(refusal("18010201 01" + token).reason,
            std::string("NEW_CONNECTION_ID retires beyond its sequence number"));
}

TEST(Frame, MaxStreamsAtTheLimitIsAccepted) {
  FrameError e;
  bool done = false;
  const auto f = parse(from_hex("12d000000000000000"), e, done);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(std::get<MaxStreamsFrame>(*f).maximum_streams, kMaxStreamCount);
}

TEST(Frame, WriterRefusesWhatTheParserRefuses) {
  StreamFrame offset_without_bit;
  offset_without_bit.offset = 5;
  offset_without_bit.has_offset = false;
  NewConnectionIdFrame empty_cid;
  for (const Frame& bad :
       {Frame{MaxStreamsFrame{true, kMaxStreamCount + 1}},
        Frame{StreamsBlockedFrame{false, kMaxStreamCount + 1}}, Frame{NewTokenFrame{}},
        Frame{offset_without_bit}, Frame{empty_cid}, Frame{PaddingFrame{0}}}) {
    ByteVec out;
    wire::Writer w(out);
    write_frame(w, bad);
    EXPECT_FALSE(w.ok()) << type_of(bad);
  }
}

TEST(Frame, PaddingBytesGatherIntoOneFrame) {
  const ByteVec bytes = from_hex("0000000001");
  wire::Reader r(bytes);
  FrameError e;
  const auto padding = parse_frame(r, e);
  ASSERT_TRUE(padding.has_value());
  EXPECT_EQ(std::get<PaddingFrame>(*padding).length, 4u);
  EXPECT_TRUE(std::holds_alternative<PingFrame>(*parse_frame(r, e)));
  EXPECT_TRUE(r.done());
}

TEST(FrameRules, FollowTable3) {
  using enum PacketType;
  struct Case {
    uint64_t type;
    bool initial, zero_rtt, handshake, one_rtt;
  } cases[] = {
      {0x00, 1, 1, 1, 1}, {0x01, 1, 1, 1, 1}, {0x02, 1, 0, 1, 1}, {0x03, 1, 0, 1, 1},
      {0x04, 0, 1, 0, 1}, {0x05, 0, 1, 0, 1}, {0x06, 1, 0, 1, 1}, {0x07, 0, 0, 0, 1},
      {0x08, 0, 1, 0, 1}, {0x0f, 0, 1, 0, 1}, {0x10, 0, 1, 0, 1}, {0x11, 0, 1, 0, 1},
      {0x12, 0, 1, 0, 1}, {0x13, 0, 1, 0, 1}, {0x14, 0, 1, 0, 1}, {0x15, 0, 1, 0, 1},
      {0x16, 0, 1, 0, 1}, {0x17, 0, 1, 0, 1}, {0x18, 0, 1, 0, 1}, {0x19, 0, 1, 0, 1},
      {0x1a, 0, 1, 0, 1}, {0x1b, 0, 0, 0, 1}, {0x1c, 1, 1, 1, 1}, {0x1d, 0, 1, 0, 1},
      {0x1e, 0, 0, 0, 1}, {0x1f, 0, 0, 0, 0},
  };
  for (const Case& c : cases) {
    // 0-RTT packets are only ever received by a server; NEW_TOKEN and
    // HANDSHAKE_DONE only by a client.
    const Role one_rtt_receiver = c.type == 0x07 || c.type == 0x1e ? Role::client : Role::server;
    EXPECT_EQ(frame_allowed(c.type, initial, Role::server), c.initial) << c.type;
    EXPECT_EQ(frame_allowed(c.type, zero_rtt, Role::server), c.zero_rtt) << c.type;
    EXPECT_EQ(frame_allowed(c.type, handshake, Role::client), c.handshake) << c.type;
    EXPECT_EQ(frame_allowed(c.type, one_rtt, one_rtt_receiver), c.one_rtt) << c.type;
  }
  EXPECT_FALSE(frame_allowed(frame_type::new_token, one_rtt, Role::server));
  EXPECT_FALSE(frame_allowed(frame_type::handshake_done, one_rtt, Role::server));
  EXPECT_FALSE(frame_allowed(frame_type::ping, zero_rtt, Role::client));
  EXPECT_FALSE(frame_allowed(frame_type::ping, retry, Role::client));
}

TEST(FrameRules, IteratorWalksAPayload) {
  const ByteVec payload = from_hex("01 0000 06000568656c6c6f");
  FrameIterator it(payload, PacketType::initial, Role::server);
  EXPECT_TRUE(std::holds_alternative<PingFrame>(*it.next()));
  EXPECT_EQ(std::get<PaddingFrame>(*it.next()).length, 2u);
  EXPECT_EQ(std::get<CryptoFrame>(*it.next()), (CryptoFrame{0, kData}));
  EXPECT_FALSE(it.next().has_value());
  EXPECT_FALSE(it.error().has_value());
}

TEST(FrameRules, IteratorReportsProtocolViolations) {
  auto error_of = [](const std::string& hex, PacketType type, Role receiver) {
    const ByteVec payload = from_hex(hex);
    FrameIterator it(payload, type, receiver);
    while (it.next()) {
    }
    return it.error();
  };
  EXPECT_EQ(error_of("", PacketType::one_rtt, Role::client)->code,
            TransportError::protocol_violation);  // no frames
  const auto stream_in_initial = error_of("01 0a0401aa", PacketType::initial, Role::server);
  ASSERT_TRUE(stream_in_initial.has_value());
  EXPECT_EQ(stream_in_initial->code, TransportError::protocol_violation);
  EXPECT_EQ(stream_in_initial->frame_type, 0x0au);
  EXPECT_EQ(error_of("1d0000", PacketType::handshake, Role::client)->code,
            TransportError::protocol_violation);
  EXPECT_EQ(error_of("1e", PacketType::one_rtt, Role::server)->code,
            TransportError::protocol_violation);
  EXPECT_EQ(error_of("01 1f", PacketType::one_rtt, Role::server)->code,
            TransportError::frame_encoding_error);
  EXPECT_FALSE(error_of("1e", PacketType::one_rtt, Role::client).has_value());
}

TEST(TransportErrorCode, CryptoErrorCarriesTheAlert) {
  EXPECT_EQ(static_cast<uint64_t>(crypto_error(40)), 0x128u);  // handshake_failure
  EXPECT_TRUE(is_crypto_error(crypto_error(0)));
  EXPECT_TRUE(is_crypto_error(crypto_error(255)));
  EXPECT_FALSE(is_crypto_error(TransportError::no_viable_path));
  EXPECT_EQ(crypto_error_alert(crypto_error(120)), 120);
  EXPECT_STREQ(transport_error_name(TransportError::frame_encoding_error), "FRAME_ENCODING_ERROR");
  EXPECT_STREQ(transport_error_name(crypto_error(80)), "CRYPTO_ERROR");
}

}  // namespace
}  // namespace adieu::quic
