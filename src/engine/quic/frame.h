// QUIC frames (RFC 9000 section 19): one struct per frame, a Frame variant
// of them all, the parser and the serializer.
//
// A parsed frame refers to the payload's bytes (CRYPTO and STREAM data,
// tokens, connection IDs, reason phrases): it is valid while the payload
// is. The serializer writes what the parser reads: parsing then writing
// gives back the same bytes (frame types are written in their shortest
// encoding, which the parser requires).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "engine/quic/ack_range.h"
#include "engine/quic/flow_control.h"
#include "engine/quic/stream_id.h"
#include "engine/quic/transport_error.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::quic {

using wire::Bytes;

// Frame type codes (RFC 9000 section 12.4, Table 3).
namespace frame_type {
constexpr uint64_t padding = 0x00;
constexpr uint64_t ping = 0x01;
constexpr uint64_t ack = 0x02;
constexpr uint64_t ack_ecn = 0x03;
constexpr uint64_t reset_stream = 0x04;
constexpr uint64_t stop_sending = 0x05;
constexpr uint64_t crypto = 0x06;
constexpr uint64_t new_token = 0x07;
constexpr uint64_t stream = 0x08;  // to 0x0f: | OFF 0x04 | LEN 0x02 | FIN 0x01
constexpr uint64_t max_data = 0x10;
constexpr uint64_t max_stream_data = 0x11;
constexpr uint64_t max_streams_bidi = 0x12;
constexpr uint64_t max_streams_uni = 0x13;
constexpr uint64_t data_blocked = 0x14;
constexpr uint64_t stream_data_blocked = 0x15;
constexpr uint64_t streams_blocked_bidi = 0x16;
constexpr uint64_t streams_blocked_uni = 0x17;
constexpr uint64_t new_connection_id = 0x18;
constexpr uint64_t retire_connection_id = 0x19;
constexpr uint64_t path_challenge = 0x1a;
constexpr uint64_t path_response = 0x1b;
constexpr uint64_t connection_close = 0x1c;  // transport
constexpr uint64_t connection_close_app = 0x1d;
constexpr uint64_t handshake_done = 0x1e;
}  // namespace frame_type

// Limits checked here come from the stream modules: kMaxStreamCount (2^60,
// stream_id.h) bounds MAX_STREAMS and STREAMS_BLOCKED (RFC 9000 section
// 19.11); kMaxStreamLength (2^62-1, flow_control.h) bounds a STREAM or
// CRYPTO frame's offset plus length (sections 19.6 and 19.8).

// A run of `length` consecutive PADDING bytes (0x00): the parser gathers
// them into one frame.
struct PaddingFrame {
  size_t length = 1;
  friend bool operator==(const PaddingFrame&, const PaddingFrame&) = default;
};

struct PingFrame {
  friend bool operator==(const PingFrame&, const PingFrame&) = default;
};

struct EcnCounts {
  uint64_t ect0 = 0;
  uint64_t ect1 = 0;
  uint64_t ce = 0;
  friend bool operator==(const EcnCounts&, const EcnCounts&) = default;
};

// ACK (0x02) or, with `ecn`, ACK_ECN (0x03) (RFC 9000 section 19.3).
struct AckFrame {
  uint64_t ack_delay = 0;  // as sent: scale by 2^ack_delay_exponent for microseconds
  // Acknowledged ranges, highest first, separated by gaps of at least one
  // unacknowledged packet: ranges[0].largest is the Largest Acknowledged.
  std::vector<AckRange> ranges;
  std::optional<EcnCounts> ecn;
  friend bool operator==(const AckFrame&, const AckFrame&) = default;
};

struct ResetStreamFrame {
  uint64_t stream_id = 0;
  uint64_t error_code = 0;  // application protocol error code
  uint64_t final_size = 0;
  friend bool operator==(const ResetStreamFrame&, const ResetStreamFrame&) = default;
};

struct StopSendingFrame {
  uint64_t stream_id = 0;
  uint64_t error_code = 0;
  friend bool operator==(const StopSendingFrame&, const StopSendingFrame&) = default;
};

struct CryptoFrame {
  uint64_t offset = 0;
  Bytes data;
};

struct NewTokenFrame {
  Bytes token;  // non-empty
};

// STREAM (0x08-0x0f, RFC 9000 section 19.8). `has_offset` and `has_length`
// give the OFF and LEN bits: without LEN the data runs to the end of the
// packet, so such a frame is the packet's last.
struct StreamFrame {
  uint64_t stream_id = 0;
  uint64_t offset = 0;  // 0 when !has_offset
  Bytes data;
  bool fin = false;
  bool has_offset = false;
  bool has_length = true;
};

struct MaxDataFrame {
  uint64_t maximum_data = 0;
  friend bool operator==(const MaxDataFrame&, const MaxDataFrame&) = default;
};

struct MaxStreamDataFrame {
  uint64_t stream_id = 0;
  uint64_t maximum_stream_data = 0;
  friend bool operator==(const MaxStreamDataFrame&, const MaxStreamDataFrame&) = default;
};

struct MaxStreamsFrame {
  bool bidirectional = true;
  uint64_t maximum_streams = 0;  // at most kMaxStreamCount
  friend bool operator==(const MaxStreamsFrame&, const MaxStreamsFrame&) = default;
};

struct DataBlockedFrame {
  uint64_t maximum_data = 0;
  friend bool operator==(const DataBlockedFrame&, const DataBlockedFrame&) = default;
};

struct StreamDataBlockedFrame {
  uint64_t stream_id = 0;
  uint64_t maximum_stream_data = 0;
  friend bool operator==(const StreamDataBlockedFrame&, const StreamDataBlockedFrame&) = default;
};

struct StreamsBlockedFrame {
  bool bidirectional = true;
  uint64_t maximum_streams = 0;  // at most kMaxStreamCount
  friend bool operator==(const StreamsBlockedFrame&, const StreamsBlockedFrame&) = default;
};

constexpr size_t kStatelessResetTokenSize = 16;

struct NewConnectionIdFrame {
  uint64_t sequence_number = 0;
  uint64_t retire_prior_to = 0;  // at most sequence_number
  Bytes connection_id;           // 1 to 20 bytes
  std::array<uint8_t, kStatelessResetTokenSize> stateless_reset_token{};
};

struct RetireConnectionIdFrame {
  uint64_t sequence_number = 0;
  friend bool operator==(const RetireConnectionIdFrame&, const RetireConnectionIdFrame&) = default;
};

struct PathChallengeFrame {
  std::array<uint8_t, 8> data{};
  friend bool operator==(const PathChallengeFrame&, const PathChallengeFrame&) = default;
};

struct PathResponseFrame {
  std::array<uint8_t, 8> data{};
  friend bool operator==(const PathResponseFrame&, const PathResponseFrame&) = default;
};

// CONNECTION_CLOSE: type 0x1c (a transport error, with the type of the
// frame that caused it) or 0x1d (an application error).
struct ConnectionCloseFrame {
  bool application = false;
  uint64_t error_code = 0;
  uint64_t frame_type = 0;  // 0x1c only
  Bytes reason_phrase;
};

struct HandshakeDoneFrame {
  friend bool operator==(const HandshakeDoneFrame&, const HandshakeDoneFrame&) = default;
};

using Frame =
    std::variant<PaddingFrame, PingFrame, AckFrame, ResetStreamFrame, StopSendingFrame, CryptoFrame,
                 NewTokenFrame, StreamFrame, MaxDataFrame, MaxStreamDataFrame, MaxStreamsFrame,
                 DataBlockedFrame, StreamDataBlockedFrame, StreamsBlockedFrame,
                 NewConnectionIdFrame, RetireConnectionIdFrame, PathChallengeFrame,
                 PathResponseFrame, ConnectionCloseFrame, HandshakeDoneFrame>;

// Field by field, the bytes of spans compared.
bool operator==(const CryptoFrame& a, const CryptoFrame& b);
bool operator==(const NewTokenFrame& a, const NewTokenFrame& b);
bool operator==(const StreamFrame& a, const StreamFrame& b);
bool operator==(const NewConnectionIdFrame& a, const NewConnectionIdFrame& b);
bool operator==(const ConnectionCloseFrame& a, const ConnectionCloseFrame& b);

// The type code the frame is written with (for STREAM, with its OFF, LEN
// and FIN bits; for ACK, 0x02 or 0x03).
uint64_t type_of(const Frame& frame);

// Why a frame was refused: the error code for CONNECTION_CLOSE, the type of
// the offending frame (its Frame Type field) and a short reason.
struct FrameError {
  TransportError code = TransportError::frame_encoding_error;
  uint64_t frame_type = 0;
  const char* reason = "";
};

// Parses one frame from `r`. On failure `error` says why (RFC 9000: a
// malformed or truncated frame, or a value beyond its limit, is a
// FRAME_ENCODING_ERROR; an unknown frame type too; a frame type not in its
// shortest encoding a PROTOCOL_VIOLATION) and the reader is failed.
std::optional<Frame> parse_frame(wire::Reader& r, FrameError& error);

// Writes `frame`; fails the writer for a frame the parser would refuse (a
// value over its limit, an empty ACK range list or misordered ranges, an
// empty NEW_TOKEN, a connection ID outside 1-20 bytes...).
void write_frame(wire::Writer& w, const Frame& frame);

}  // namespace adieu::quic
