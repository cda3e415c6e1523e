#include "engine/session/early_data_replay.h"

namespace adieu {

bool EarlyDataReplayGuard::first_use(std::span<const uint8_t> binder, uint64_t now_ms) {
  std::string key(binder.begin(), binder.end());
  std::lock_guard<std::mutex> lock(mutex_);
  while (!by_age_.empty() && by_age_.front().expires_ms <= now_ms) {
    seen_.erase(by_age_.front().binder);
    by_age_.pop_front();
  }
  if (seen_.size() >= kCapacity || seen_.count(key) != 0) return false;
  seen_.insert(key);
  by_age_.push_back({std::move(key), now_ms + kWindowMs});
  return true;
}

}  // namespace adieu
