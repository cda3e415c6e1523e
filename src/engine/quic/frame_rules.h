// Which frames may appear where (RFC 9000 section 12.4, Table 3, and the
// frames only one role may send), and the walk over a packet's payload that
// enforces it.
#pragma once

#include <cstdint>
#include <optional>

#include "adieu/config.h"
#include "engine/quic/frame.h"
#include "engine/quic/packet_header.h"

namespace adieu::quic {

// True when a frame of type `type` may be received by `receiver` in a
// packet of type `packet` (Initial, 0-RTT, Handshake or 1-RTT). Otherwise
// its receipt is a PROTOCOL_VIOLATION: a frame outside the packet types of
// Table 3 (section 12.4), an application CONNECTION_CLOSE outside the
// application data space (section 12.5), or NEW_TOKEN or HANDSHAKE_DONE
// sent by a client (sections 19.7 and 19.20).
bool frame_allowed(uint64_t type, PacketType packet, Role receiver);

// The frames of one decrypted payload, in order, each parsed and checked
// against frame_allowed. Iteration stops at the first error; a payload
// without any frame is a PROTOCOL_VIOLATION too (section 12.4).
class FrameIterator {
 public:
  FrameIterator(Bytes payload, PacketType packet, Role receiver)
      : reader_(payload), packet_(packet), receiver_(receiver) {}

  // The next frame; nullopt at the end or on an error (see error()).
  std::optional<Frame> next();
  // Set when iteration stopped on an error.
  const std::optional<FrameError>& error() const { return error_; }

 private:
  wire::Reader reader_;
  PacketType packet_;
  Role receiver_;
  bool any_ = false;
  std::optional<FrameError> error_;
};

}  // namespace adieu::quic
