// Stream IDs (RFC 9000 §2.1): the low bit says who opened the stream
// (0 client, 1 server), the next bit its direction (0 bidirectional,
// 1 unidirectional); the rest is the stream's index among the streams of
// its type.
#pragma once

#include <adieu/config.h>

#include <cstdint>

namespace adieu::quic {

// adieu::Role (client, server) is the initiator bit's value: client 0, server 1.
static_assert(static_cast<int>(Role::client) == 0 && static_cast<int>(Role::server) == 1);

enum class StreamDirection : std::uint8_t { bidirectional = 0, unidirectional = 1 };

// Stream IDs are variable-length integers: at most 2^62 - 1 (RFC 9000 §16).
inline constexpr std::uint64_t kMaxStreamId = (std::uint64_t{1} << 62) - 1;
// RFC 9000 §4.6: a stream count never exceeds 2^60.
inline constexpr std::uint64_t kMaxStreamCount = std::uint64_t{1} << 60;

struct StreamId {
  std::uint64_t value = 0;

  static constexpr StreamId make(Role initiator, StreamDirection direction, std::uint64_t index) {
    return {index << 2 | static_cast<std::uint64_t>(direction) << 1 |
            static_cast<std::uint64_t>(initiator)};
  }

  constexpr Role initiator() const { return static_cast<Role>(value & 1); }
  constexpr StreamDirection direction() const {
    return static_cast<StreamDirection>(value >> 1 & 1);
  }
  constexpr bool is_unidirectional() const {
    return direction() == StreamDirection::unidirectional;
  }
  // The stream's position among the streams of its type: 0 for the first.
  constexpr std::uint64_t index() const { return value >> 2; }
  constexpr bool is_local(Role self) const { return initiator() == self; }
  // Whether `self` may send on this stream: its own streams and the peer's
  // bidirectional ones.
  constexpr bool can_send(Role self) const { return is_local(self) || !is_unidirectional(); }
  // Whether `self` may receive on this stream: the peer's streams and its own
  // bidirectional ones.
  constexpr bool can_receive(Role self) const { return !is_local(self) || !is_unidirectional(); }

  friend constexpr bool operator==(StreamId, StreamId) = default;
};

}  // namespace adieu::quic
