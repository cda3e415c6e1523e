#include "store/async_session_store.h"

#include <utility>

#include "crypto/secret.h"

namespace adieu::store {

AsyncSessionStore::AsyncSessionStore(std::shared_ptr<SessionStore> inner, size_t max_queue)
    : inner_(std::move(inner)), max_queue_(max_queue), worker_([this] { run(); }) {}

AsyncSessionStore::~AsyncSessionStore() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  worker_.join();
  for (auto& [key, value] : prefetched_) crypto::wipe_bytes(value);
}

bool AsyncSessionStore::enqueue(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || jobs_.size() >= max_queue_) {
      ++stats_.dropped;
      return false;
    }
    jobs_.push_back(std::move(job));
    ++stats_.queued;
  }
  wake_.notify_one();
  return true;
}

void AsyncSessionStore::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void AsyncSessionStore::put(std::span<const uint8_t> key, std::span<const uint8_t> value,
                            uint64_t ttl_ms, bool single_use) {
  // The value is a session's byte form: its copy is wiped once sent.
  auto k = std::make_shared<std::vector<uint8_t>>(key.begin(), key.end());
  auto v = std::make_shared<std::vector<uint8_t>>(value.begin(), value.end());
  if (!enqueue([this, k, v, ttl_ms, single_use] {
        inner_->put(*k, *v, ttl_ms, single_use);
        crypto::wipe_bytes(*v);
      })) {
    crypto::wipe_bytes(*v);
  }
}

void AsyncSessionStore::remove(std::span<const uint8_t> key) {
  auto k = std::make_shared<std::vector<uint8_t>>(key.begin(), key.end());
  enqueue([this, k] { inner_->remove(*k); });
}

std::optional<std::vector<uint8_t>> AsyncSessionStore::get(std::span<const uint8_t> key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = prefetched_.find(std::vector<uint8_t>(key.begin(), key.end()));
  if (it == prefetched_.end()) return std::nullopt;
  std::vector<uint8_t> value = std::move(it->second);
  prefetched_.erase(it);
  return value;
}

void AsyncSessionStore::prefetch(std::vector<std::vector<uint8_t>> keys,
                                 std::function<void()> done) {
  auto shared_done = std::make_shared<std::function<void()>>(std::move(done));
  auto shared_keys = std::make_shared<std::vector<std::vector<uint8_t>>>(std::move(keys));
  const bool queued = enqueue([this, shared_keys, shared_done] {
    for (const std::vector<uint8_t>& key : *shared_keys) {
      std::optional<std::vector<uint8_t>> value = inner_->get(key);
      if (!value) continue;
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.prefetched;
      auto [it, fresh] = prefetched_.insert_or_assign(key, std::move(*value));
      if (fresh) prefetched_order_.push_back(key);
      while (prefetched_order_.size() > kPrefetchedLimit) {
        auto old = prefetched_.find(prefetched_order_.front());
        if (old != prefetched_.end()) {
          crypto::wipe_bytes(old->second);
          prefetched_.erase(old);
        }
        prefetched_order_.pop_front();
      }
    }
    (*shared_done)();
  });
  if (!queued) (*shared_done)();
}

void AsyncSessionStore::forget(const std::vector<std::vector<uint8_t>>& keys) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::vector<uint8_t>& key : keys) {
    auto it = prefetched_.find(key);
    if (it == prefetched_.end()) continue;
    crypto::wipe_bytes(it->second);
    prefetched_.erase(it);
  }
}

AsyncStoreStats AsyncSessionStore::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

}  // namespace adieu::store
