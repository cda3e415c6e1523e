// A QUIC connection ID of up to 20 bytes (RFC 9000 section 5.1), held by
// value: what an endpoint keeps (its own IDs, the peer's, those of the
// transport parameters). Parsed packets and frames refer to the IDs in their
// bytes instead (spans).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace adieu::quic {

// QUIC version 1 bounds connection IDs to 20 bytes (RFC 9000 section 17.2).
constexpr size_t kMaxConnectionIdSize = 20;

class ConnectionId {
 public:
  ConnectionId() = default;

  // nullopt when `bytes` is longer than kMaxConnectionIdSize.
  static std::optional<ConnectionId> from(std::span<const uint8_t> bytes) {
    if (bytes.size() > kMaxConnectionIdSize) return std::nullopt;
    ConnectionId id;
    std::copy(bytes.begin(), bytes.end(), id.bytes_.begin());
    id.size_ = static_cast<uint8_t>(bytes.size());
    return id;
  }

  std::span<const uint8_t> span() const { return {bytes_.data(), size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  friend bool operator==(const ConnectionId& a, const ConnectionId& b) {
    return std::ranges::equal(a.span(), b.span());
  }

 private:
  std::array<uint8_t, kMaxConnectionIdSize> bytes_{};
  uint8_t size_ = 0;
};

}  // namespace adieu::quic
