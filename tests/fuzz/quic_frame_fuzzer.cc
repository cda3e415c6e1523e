// fuzz-link: adieu_quic
//
// QUIC frames on arbitrary payloads: byte 0 picks the packet type (bits
// 0-1: Initial, 0-RTT, Handshake, 1-RTT) and the receiver (bit 2), the rest
// is a decrypted payload. Every frame parse_frame accepts must serialize,
// re-parse to an equal frame, and serialize again to the same bytes; a
// refusal must carry FRAME_ENCODING_ERROR or PROTOCOL_VIOLATION. The
// FrameIterator must agree with frame-by-frame parsing plus frame_allowed.
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "engine/quic/frame.h"
#include "engine/quic/frame_rules.h"

namespace {

using adieu::quic::Frame;
using adieu::quic::FrameError;
using adieu::quic::TransportError;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

std::vector<uint8_t> serialize(const Frame& f) {
  std::vector<uint8_t> out;
  adieu::wire::Writer w(out);
  adieu::quic::write_frame(w, f);
  if (!w.ok()) fail("a parsed frame does not serialize");
  return out;
}

constexpr adieu::quic::PacketType kTypes[] = {
    adieu::quic::PacketType::initial, adieu::quic::PacketType::zero_rtt,
    adieu::quic::PacketType::handshake, adieu::quic::PacketType::one_rtt};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto packet_type = kTypes[data[0] & 3];
  const auto receiver = (data[0] & 4) ? adieu::Role::server : adieu::Role::client;
  const adieu::wire::Bytes payload(data + 1, size - 1);

  adieu::wire::Reader r(payload);
  size_t frames = 0;
  bool stopped_by_rules = false;
  std::optional<FrameError> first_error;
  while (r.remaining() > 0) {
    FrameError error;
    std::optional<Frame> frame = adieu::quic::parse_frame(r, error);
    if (!frame) {
      if (error.code != TransportError::frame_encoding_error &&
          error.code != TransportError::protocol_violation) {
        fail("refusal with an unexpected error code");
      }
      if (r.ok()) fail("refusal left the reader usable");
      if (!first_error && !stopped_by_rules) first_error = error;
      break;
    }
    const std::vector<uint8_t> bytes = serialize(*frame);
    adieu::wire::Reader again(bytes);
    FrameError error2;
    std::optional<Frame> reparsed = adieu::quic::parse_frame(again, error2);
    if (!reparsed || !again.done()) fail("a serialized frame does not parse back whole");
    if (!(*reparsed == *frame)) fail("re-parsed frame differs");
    if (serialize(*reparsed) != bytes) fail("second serialization differs");
    if (!stopped_by_rules) {
      if (!adieu::quic::frame_allowed(adieu::quic::type_of(*frame), packet_type, receiver)) {
        stopped_by_rules = true;
      } else {
        ++frames;
      }
    }
  }

  // The iterator: the same frames up to the first refusal.
  adieu::quic::FrameIterator it(payload, packet_type, receiver);
  size_t iterated = 0;
  while (it.next()) ++iterated;
  if (iterated != frames) fail("iterator and parse_frame disagree on the frame count");
  const bool expect_error = stopped_by_rules || first_error.has_value() || frames == 0;
  if (it.error().has_value() != expect_error) fail("iterator error disagrees");
  if (stopped_by_rules && it.error()->code != TransportError::protocol_violation) {
    fail("a frame in the wrong packet type is not a PROTOCOL_VIOLATION");
  }
  return 0;
}
