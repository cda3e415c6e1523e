// Anti-replay for 0-RTT data (RFC 8446 section 8.2, "ClientHello
// recording"): a server takes a ClientHello's early data only the first time
// it sees that ClientHello, within the freshness window that its ticket-age
// check (section 8.3) enforces. A replay after the window fails that check
// instead, so an entry is kept only for the window's length.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <unordered_set>

namespace adieu {

class EarlyDataReplayGuard {
 public:
  // How far the client's view of a ticket's age may be from ours.
  static constexpr uint64_t kWindowMs = 10'000;
  // ClientHellos remembered at once; past that, early data is refused.
  static constexpr size_t kCapacity = 65'536;

  // True the first time `binder` (the ClientHello's first PSK binder, which
  // covers the whole ClientHello) is seen within the window; false for a
  // replay or when the record is full. Thread-safe.
  bool first_use(std::span<const uint8_t> binder, uint64_t now_ms);

 private:
  struct Entry {
    std::string binder;
    uint64_t expires_ms;
  };
  std::mutex mutex_;
  std::deque<Entry> by_age_;  // oldest first
  std::unordered_set<std::string> seen_;
};

}  // namespace adieu
