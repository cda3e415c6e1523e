// SentPacket: what loss recovery remembers of a packet it sent (RFC 9002
// Appendix A.1.1).
#pragma once

#include <cstdint>

#include "engine/quic/time.h"

namespace adieu::quic {

struct SentPacket {
  std::uint64_t packet_number = 0;
  Instant time_sent{};
  // Bytes of the UDP payload the packet took, counted in bytes_in_flight
  // while the packet is in flight.
  std::uint64_t size = 0;
  // The packet contains a frame other than ACK, PADDING or CONNECTION_CLOSE
  // (RFC 9002 §2).
  bool ack_eliciting = false;
  // The packet counts toward bytes in flight: ack-eliciting or PADDING
  // (RFC 9002 §2).
  bool in_flight = false;
  // What the packet carried, as a handle the connection owns (an index into
  // its record of frames sent): recovery hands it back when the packet is
  // acknowledged or declared lost so the connection can free or retransmit
  // that content.
  std::uint64_t content = 0;
};

}  // namespace adieu::quic
