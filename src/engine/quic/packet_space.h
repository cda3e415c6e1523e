// PacketSpace: what a connection keeps per packet number space (RFC 9000
// section 12.3) besides loss recovery: the packets received (AckTracker),
// the next packet number, the CRYPTO data sent and not yet acknowledged
// (kept to be sent again, RFC 9000 section 13.3), the probes a PTO asked
// for, and whether the space's keys were discarded (RFC 9001 section 4.9).
#pragma once

#include <cstdint>
#include <optional>

#include "engine/core/handshake_transport.h"
#include "engine/quic/ack_tracker.h"
#include "engine/quic/packet_header.h"
#include "engine/quic/packet_number_space.h"
#include "engine/quic/stream_send_buffer.h"
#include "engine/quic/time.h"

namespace adieu::quic {

struct PacketSpace {
  PacketSpace(PacketNumberSpace space, Duration max_ack_delay)
      : id(space), acks(space, max_ack_delay) {}

  PacketNumberSpace id;
  AckTracker acks;
  uint64_t next_packet_number = 0;
  // CRYPTO data as a stream: written as the handshake hands it out, emitted
  // into CRYPTO frames (lost ranges first), freed as it is acknowledged.
  StreamSendBuffer crypto;
  // Ack-eliciting packets owed to a PTO (RFC 9002 section 6.2.4).
  int probes = 0;
  // CONNECTION_CLOSE owed in this space (closing, RFC 9000 section 10.2.1).
  bool close_owed = false;
  bool discarded = false;
};

// The TLS level whose CRYPTO data and keys a space's packets carry.
constexpr Level level_of(PacketNumberSpace space) {
  return space == PacketNumberSpace::initial     ? Level::initial
         : space == PacketNumberSpace::handshake ? Level::handshake
                                                 : Level::application;
}

// The space of a packet type (0-RTT and 1-RTT share the application space).
constexpr std::optional<PacketNumberSpace> space_of(PacketType type) {
  switch (type) {
    case PacketType::initial:
      return PacketNumberSpace::initial;
    case PacketType::handshake:
      return PacketNumberSpace::handshake;
    case PacketType::zero_rtt:
    case PacketType::one_rtt:
      return PacketNumberSpace::application;
    default:
      return std::nullopt;
  }
}

constexpr PacketType packet_type_of(PacketNumberSpace space) {
  return space == PacketNumberSpace::initial     ? PacketType::initial
         : space == PacketNumberSpace::handshake ? PacketType::handshake
                                                 : PacketType::one_rtt;
}

}  // namespace adieu::quic
