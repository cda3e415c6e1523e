#include "engine/quic/frame.h"

#include <algorithm>

#include "engine/quic/connection_id.h"

namespace adieu::quic {

namespace {

bool same_bytes(Bytes a, Bytes b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// Parsing, one function per frame. Each reads the fields after the type
// and returns nullopt, with `why` set, for a value the RFC refuses; the
// caller turns a truncation (a failed reader) into FRAME_ENCODING_ERROR.
struct Refusal {
  TransportError code = TransportError::frame_encoding_error;
  const char* reason = nullptr;  // none: the frame was cut short
};

std::optional<Frame> parse_ack(wire::Reader& r, bool ecn, Refusal& why) {
  AckFrame ack;
  const uint64_t largest = r.varint();
  ack.ack_delay = r.varint();
  const uint64_t range_count = r.varint();
  const uint64_t first_range = r.varint();
  if (!r.ok()) return std::nullopt;
  // RFC 9000 section 19.3.1: a computed packet number below 0 is a
  // FRAME_ENCODING_ERROR.
  if (first_range > largest) {
    why.reason = "ACK range below packet number 0";
    return std::nullopt;
  }
  // Every further range takes at least 2 bytes: a count beyond that cannot
  // be honest, and is not used to size anything.
  if (range_count > r.remaining() / 2) {
    why.reason = "ACK range count exceeds the frame";
    return std::nullopt;
  }
  ack.ranges.reserve(static_cast<size_t>(range_count) + 1);
  ack.ranges.push_back(AckRange{largest - first_range, largest});
  for (uint64_t i = 0; i < range_count; ++i) {
    const uint64_t gap = r.varint();
    const uint64_t length = r.varint();
    if (!r.ok()) return std::nullopt;
    const uint64_t previous_smallest = ack.ranges.back().smallest;
    // largest = previous smallest - gap - 2; smallest = largest - length.
    if (previous_smallest < 2 || gap > previous_smallest - 2 ||
        length > previous_smallest - 2 - gap) {
      why.reason = "ACK range below packet number 0";
      return std::nullopt;
    }
    const uint64_t range_largest = previous_smallest - 2 - gap;
    ack.ranges.push_back(AckRange{range_largest - length, range_largest});
  }
  if (ecn) {
    EcnCounts counts;
    counts.ect0 = r.varint();
    counts.ect1 = r.varint();
    counts.ce = r.varint();
    ack.ecn = counts;
  }
  return ack;
}

std::optional<Frame> parse_stream(wire::Reader& r, uint64_t type, Refusal& why) {
  StreamFrame f;
  f.fin = (type & 0x01) != 0;
  f.has_length = (type & 0x02) != 0;
  f.has_offset = (type & 0x04) != 0;
  f.stream_id = r.varint();
  if (f.has_offset) f.offset = r.varint();
  const uint64_t length = f.has_length ? r.varint() : r.remaining();
  if (!r.ok() || length > r.remaining()) return std::nullopt;
  f.data = r.bytes(static_cast<size_t>(length));
  if (f.offset > kMaxStreamLength - length) {
    why.reason = "STREAM data beyond offset 2^62-1";
    return std::nullopt;
  }
  return f;
}

std::optional<Frame> parse_crypto(wire::Reader& r, Refusal& why) {
  CryptoFrame f;
  f.offset = r.varint();
  const uint64_t length = r.varint();
  if (!r.ok() || length > r.remaining()) return std::nullopt;
  f.data = r.bytes(static_cast<size_t>(length));
  if (f.offset > kMaxStreamLength - length) {
    why.reason = "CRYPTO data beyond offset 2^62-1";
    return std::nullopt;
  }
  return f;
}

std::optional<Frame> parse_new_connection_id(wire::Reader& r, Refusal& why) {
  NewConnectionIdFrame f;
  f.sequence_number = r.varint();
  f.retire_prior_to = r.varint();
  f.connection_id = r.vec8();
  const Bytes token = r.bytes(kStatelessResetTokenSize);
  if (!r.ok()) return std::nullopt;
  std::copy(token.begin(), token.end(), f.stateless_reset_token.begin());
  // RFC 9000 section 19.15: a length outside 1-20, or Retire Prior To above
  // the Sequence Number, is a FRAME_ENCODING_ERROR.
  if (f.connection_id.empty() || f.connection_id.size() > kMaxConnectionIdSize) {
    why.reason = "NEW_CONNECTION_ID length outside 1-20";
    return std::nullopt;
  }
  if (f.retire_prior_to > f.sequence_number) {
    why.reason = "NEW_CONNECTION_ID retires beyond its sequence number";
    return std::nullopt;
  }
  return f;
}

std::optional<Frame> parse_connection_close(wire::Reader& r, bool application) {
  ConnectionCloseFrame f;
  f.application = application;
  f.error_code = r.varint();
  if (!application) f.frame_type = r.varint();
  const uint64_t reason_length = r.varint();
  if (!r.ok() || reason_length > r.remaining()) return std::nullopt;
  f.reason_phrase = r.bytes(static_cast<size_t>(reason_length));
  return f;
}

template <typename T>
std::optional<Frame> with_bytes8(wire::Reader& r) {
  T f;
  const Bytes b = r.bytes(f.data.size());
  if (!r.ok()) return std::nullopt;
  std::copy(b.begin(), b.end(), f.data.begin());
  return f;
}

std::optional<Frame> max_streams_like(uint64_t count, Frame frame, Refusal& why) {
  if (count > kMaxStreamCount) {
    why.reason = "stream count above 2^60";
    return std::nullopt;
  }
  return frame;
}

std::optional<Frame> parse_body(wire::Reader& r, uint64_t type, Refusal& why) {
  using namespace frame_type;
  if (type >= stream && type <= stream + 7) return parse_stream(r, type, why);
  switch (type) {
    case padding: {
      PaddingFrame f;
      // The run of PADDING bytes that follows joins this one.
      const Bytes rest = r.rest();
      const size_t more = static_cast<size_t>(
          std::find_if(rest.begin(), rest.end(), [](uint8_t b) { return b != 0; }) - rest.begin());
      r.bytes(more);
      f.length = 1 + more;
      return f;
    }
    case ping:
      return PingFrame{};
    case ack:
    case ack_ecn:
      return parse_ack(r, type == ack_ecn, why);
    case reset_stream: {
      ResetStreamFrame f;
      f.stream_id = r.varint();
      f.error_code = r.varint();
      f.final_size = r.varint();
      return f;
    }
    case stop_sending: {
      StopSendingFrame f;
      f.stream_id = r.varint();
      f.error_code = r.varint();
      return f;
    }
    case crypto:
      return parse_crypto(r, why);
    case new_token: {
      NewTokenFrame f;
      const uint64_t length = r.varint();
      if (!r.ok() || length > r.remaining()) return std::nullopt;
      f.token = r.bytes(static_cast<size_t>(length));
      if (f.token.empty()) {  // RFC 9000 section 19.7
        why.reason = "empty NEW_TOKEN";
        return std::nullopt;
      }
      return f;
    }
    case max_data:
      return MaxDataFrame{r.varint()};
    case max_stream_data: {
      MaxStreamDataFrame f;
      f.stream_id = r.varint();
      f.maximum_stream_data = r.varint();
      return f;
    }
    case max_streams_bidi:
    case max_streams_uni: {
      const MaxStreamsFrame f{type == max_streams_bidi, r.varint()};
      return max_streams_like(f.maximum_streams, f, why);
    }
    case data_blocked:
      return DataBlockedFrame{r.varint()};
    case stream_data_blocked: {
      StreamDataBlockedFrame f;
      f.stream_id = r.varint();
      f.maximum_stream_data = r.varint();
      return f;
    }
    case streams_blocked_bidi:
    case streams_blocked_uni: {
      const StreamsBlockedFrame f{type == streams_blocked_bidi, r.varint()};
      return max_streams_like(f.maximum_streams, f, why);
    }
    case new_connection_id:
      return parse_new_connection_id(r, why);
    case retire_connection_id:
      return RetireConnectionIdFrame{r.varint()};
    case path_challenge:
      return with_bytes8<PathChallengeFrame>(r);
    case path_response:
      return with_bytes8<PathResponseFrame>(r);
    case connection_close:
    case connection_close_app:
      return parse_connection_close(r, type == connection_close_app);
    case handshake_done:
      return HandshakeDoneFrame{};
    default:
      // RFC 9000 section 12.4: an unknown frame type is a FRAME_ENCODING_ERROR.
      why.reason = "unknown frame type";
      return std::nullopt;
  }
}

// Writing.
struct FrameWriter {
  wire::Writer& w;

  void operator()(const PaddingFrame& f) {
    if (f.length == 0) w.fail();
    for (size_t i = 0; i < f.length; ++i) w.u8(0);
  }
  void operator()(const PingFrame&) { w.varint(frame_type::ping); }
  void operator()(const AckFrame& f) {
    if (f.ranges.empty() || f.ranges[0].smallest > f.ranges[0].largest) {
      w.fail();
      return;
    }
    w.varint(f.ecn ? frame_type::ack_ecn : frame_type::ack);
    w.varint(f.ranges[0].largest);
    w.varint(f.ack_delay);
    w.varint(f.ranges.size() - 1);
    w.varint(f.ranges[0].largest - f.ranges[0].smallest);
    for (size_t i = 1; i < f.ranges.size(); ++i) {
      const AckRange& previous = f.ranges[i - 1];
      const AckRange& range = f.ranges[i];
      // A gap of at least one packet between ranges (Gap = 0 means one).
      if (range.smallest > range.largest || previous.smallest < 2 ||
          range.largest > previous.smallest - 2) {
        w.fail();
        return;
      }
      w.varint(previous.smallest - range.largest - 2);
      w.varint(range.largest - range.smallest);
    }
    if (f.ecn) {
      w.varint(f.ecn->ect0);
      w.varint(f.ecn->ect1);
      w.varint(f.ecn->ce);
    }
  }
  void operator()(const ResetStreamFrame& f) {
    w.varint(frame_type::reset_stream);
    w.varint(f.stream_id);
    w.varint(f.error_code);
    w.varint(f.final_size);
  }
  void operator()(const StopSendingFrame& f) {
    w.varint(frame_type::stop_sending);
    w.varint(f.stream_id);
    w.varint(f.error_code);
  }
  void operator()(const CryptoFrame& f) {
    if (f.offset > kMaxStreamLength - std::min<uint64_t>(f.data.size(), kMaxStreamLength)) w.fail();
    w.varint(frame_type::crypto);
    w.varint(f.offset);
    w.varint(f.data.size());
    w.bytes(f.data);
  }
  void operator()(const NewTokenFrame& f) {
    if (f.token.empty()) w.fail();
    w.varint(frame_type::new_token);
    w.varint(f.token.size());
    w.bytes(f.token);
  }
  void operator()(const StreamFrame& f) {
    if ((!f.has_offset && f.offset != 0) ||
        f.offset > kMaxStreamLength - std::min<uint64_t>(f.data.size(), kMaxStreamLength)) {
      w.fail();
    }
    w.varint(type_of(f));
    w.varint(f.stream_id);
    if (f.has_offset) w.varint(f.offset);
    if (f.has_length) w.varint(f.data.size());
    w.bytes(f.data);
  }
  void operator()(const MaxDataFrame& f) {
    w.varint(frame_type::max_data);
    w.varint(f.maximum_data);
  }
  void operator()(const MaxStreamDataFrame& f) {
    w.varint(frame_type::max_stream_data);
    w.varint(f.stream_id);
    w.varint(f.maximum_stream_data);
  }
  void operator()(const MaxStreamsFrame& f) {
    if (f.maximum_streams > kMaxStreamCount) w.fail();
    w.varint(f.bidirectional ? frame_type::max_streams_bidi : frame_type::max_streams_uni);
    w.varint(f.maximum_streams);
  }
  void operator()(const DataBlockedFrame& f) {
    w.varint(frame_type::data_blocked);
    w.varint(f.maximum_data);
  }
  void operator()(const StreamDataBlockedFrame& f) {
    w.varint(frame_type::stream_data_blocked);
    w.varint(f.stream_id);
    w.varint(f.maximum_stream_data);
  }
  void operator()(const StreamsBlockedFrame& f) {
    if (f.maximum_streams > kMaxStreamCount) w.fail();
    w.varint(f.bidirectional ? frame_type::streams_blocked_bidi : frame_type::streams_blocked_uni);
    w.varint(f.maximum_streams);
  }
  void operator()(const NewConnectionIdFrame& f) {
    if (f.connection_id.empty() || f.connection_id.size() > kMaxConnectionIdSize ||
        f.retire_prior_to > f.sequence_number) {
      w.fail();
    }
    w.varint(frame_type::new_connection_id);
    w.varint(f.sequence_number);
    w.varint(f.retire_prior_to);
    w.vec8(f.connection_id);
    w.bytes(f.stateless_reset_token);
  }
  void operator()(const RetireConnectionIdFrame& f) {
    w.varint(frame_type::retire_connection_id);
    w.varint(f.sequence_number);
  }
  void operator()(const PathChallengeFrame& f) {
    w.varint(frame_type::path_challenge);
    w.bytes(f.data);
  }
  void operator()(const PathResponseFrame& f) {
    w.varint(frame_type::path_response);
    w.bytes(f.data);
  }
  void operator()(const ConnectionCloseFrame& f) {
    w.varint(f.application ? frame_type::connection_close_app : frame_type::connection_close);
    w.varint(f.error_code);
    if (!f.application) w.varint(f.frame_type);
    w.varint(f.reason_phrase.size());
    w.bytes(f.reason_phrase);
  }
  void operator()(const HandshakeDoneFrame&) { w.varint(frame_type::handshake_done); }
};

}  // namespace

bool operator==(const CryptoFrame& a, const CryptoFrame& b) {
  return a.offset == b.offset && same_bytes(a.data, b.data);
}
bool operator==(const NewTokenFrame& a, const NewTokenFrame& b) {
  return same_bytes(a.token, b.token);
}
bool operator==(const StreamFrame& a, const StreamFrame& b) {
  return a.stream_id == b.stream_id && a.offset == b.offset && same_bytes(a.data, b.data) &&
         a.fin == b.fin && a.has_offset == b.has_offset && a.has_length == b.has_length;
}
bool operator==(const NewConnectionIdFrame& a, const NewConnectionIdFrame& b) {
  return a.sequence_number == b.sequence_number && a.retire_prior_to == b.retire_prior_to &&
         same_bytes(a.connection_id, b.connection_id) &&
         a.stateless_reset_token == b.stateless_reset_token;
}
bool operator==(const ConnectionCloseFrame& a, const ConnectionCloseFrame& b) {
  return a.application == b.application && a.error_code == b.error_code &&
         a.frame_type == b.frame_type && same_bytes(a.reason_phrase, b.reason_phrase);
}

uint64_t type_of(const Frame& frame) {
  struct Visitor {
    uint64_t operator()(const PaddingFrame&) { return frame_type::padding; }
    uint64_t operator()(const PingFrame&) { return frame_type::ping; }
    uint64_t operator()(const AckFrame& f) { return f.ecn ? frame_type::ack_ecn : frame_type::ack; }
    uint64_t operator()(const ResetStreamFrame&) { return frame_type::reset_stream; }
    uint64_t operator()(const StopSendingFrame&) { return frame_type::stop_sending; }
    uint64_t operator()(const CryptoFrame&) { return frame_type::crypto; }
    uint64_t operator()(const NewTokenFrame&) { return frame_type::new_token; }
    uint64_t operator()(const StreamFrame& f) {
      return frame_type::stream | (f.has_offset ? 0x04 : 0) | (f.has_length ? 0x02 : 0) |
             (f.fin ? 0x01 : 0);
    }
    uint64_t operator()(const MaxDataFrame&) { return frame_type::max_data; }
    uint64_t operator()(const MaxStreamDataFrame&) { return frame_type::max_stream_data; }
    uint64_t operator()(const MaxStreamsFrame& f) {
      return f.bidirectional ? frame_type::max_streams_bidi : frame_type::max_streams_uni;
    }
    uint64_t operator()(const DataBlockedFrame&) { return frame_type::data_blocked; }
    uint64_t operator()(const StreamDataBlockedFrame&) { return frame_type::stream_data_blocked; }
    uint64_t operator()(const StreamsBlockedFrame& f) {
      return f.bidirectional ? frame_type::streams_blocked_bidi : frame_type::streams_blocked_uni;
    }
    uint64_t operator()(const NewConnectionIdFrame&) { return frame_type::new_connection_id; }
    uint64_t operator()(const RetireConnectionIdFrame&) { return frame_type::retire_connection_id; }
    uint64_t operator()(const PathChallengeFrame&) { return frame_type::path_challenge; }
    uint64_t operator()(const PathResponseFrame&) { return frame_type::path_response; }
    uint64_t operator()(const ConnectionCloseFrame& f) {
      return f.application ? frame_type::connection_close_app : frame_type::connection_close;
    }
    uint64_t operator()(const HandshakeDoneFrame&) { return frame_type::handshake_done; }
  };
  return std::visit(Visitor{}, frame);
}

std::optional<Frame> parse_frame(wire::Reader& r, FrameError& error) {
  const size_t start = r.position();
  const uint64_t type = r.varint();
  error = FrameError{TransportError::frame_encoding_error, type, "truncated frame"};
  if (!r.ok()) {
    error.reason = "truncated frame type";
    return std::nullopt;
  }
  // RFC 9000 section 12.4: a frame type in a longer encoding than needed is
  // a PROTOCOL_VIOLATION.
  if (r.position() - start != wire::varint_size(type)) {
    error.code = TransportError::protocol_violation;
    error.reason = "frame type not in its shortest encoding";
    r.fail();
    return std::nullopt;
  }
  Refusal why;
  std::optional<Frame> frame = parse_body(r, type, why);
  if (frame && r.ok()) return frame;
  if (!frame && why.reason != nullptr) {
    error.code = why.code;
    error.reason = why.reason;
  }
  r.fail();
  return std::nullopt;
}

void write_frame(wire::Writer& w, const Frame& frame) {
  std::visit(FrameWriter{w}, frame);
}

}  // namespace adieu::quic
