// The three packet number spaces of RFC 9000 §12.3. 0-RTT and 1-RTT packets
// share the application space.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace adieu::quic {

enum class PacketNumberSpace : std::uint8_t { initial = 0, handshake = 1, application = 2 };

inline constexpr std::size_t kPacketNumberSpaceCount = 3;

inline constexpr std::array<PacketNumberSpace, kPacketNumberSpaceCount> kAllPacketNumberSpaces = {
    PacketNumberSpace::initial, PacketNumberSpace::handshake, PacketNumberSpace::application};

constexpr std::size_t index_of(PacketNumberSpace space) {
  return static_cast<std::size_t>(space);
}

}  // namespace adieu::quic
