// SentContent: what one sent packet carried, as far as anything of it must
// be freed when the packet is acknowledged or sent again when it is lost
// (RFC 9000 section 13.3). Recovery keeps the packet's number, size and
// time; the connection keeps this record under the packet's `content`
// handle.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/quic/packet_number_space.h"
#include "engine/quic/stream_frames.h"

namespace adieu::quic {

struct SentContent {
  struct CryptoRange {
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  PacketNumberSpace space = PacketNumberSpace::initial;
  uint64_t packet_number = 0;
  std::vector<CryptoRange> crypto;              // CRYPTO data: resent when lost
  std::optional<uint64_t> ack_largest;          // an ACK frame's Largest Acknowledged
  bool handshake_done = false;                  // resent when lost (section 13.3)
  std::vector<uint64_t> new_connection_ids;     // sequence numbers: resent when lost
  std::vector<uint64_t> retire_connection_ids;  // sequence numbers: resent when lost
  StreamFramesSent streams;                     // the stream layer's own record
};

}  // namespace adieu::quic
