// AsyncSessionStore: a SessionStore whose calls never wait for the store
// behind it (a RedisSessionStore), so that a slow or stalled Redis holds up
// only the handshakes that need an answer from it, never the other
// connections of the thread that runs them.
//
// A SessionCache calls its store synchronously, inside Connection::receive()
// (include/adieu/session.h). Here:
//  - put() and remove() are queued to one worker thread, which makes the
//    call on the inner store (with its bounded timeouts);
//  - get() answers at once, from what prefetch() fetched: the server reads
//    the keys a ClientHello will be resumed by (its session id, its PSK
//    identities) before handing it to the engine, calls prefetch(), and
//    starts the handshake when `done` runs; the worker's get() on the inner
//    store happens meanwhile, and the thread serves its other connections.
// The queue is bounded: when it is full a put or remove is dropped and a
// prefetch finds nothing (a full handshake), counted in stats(). A prefetched
// value not taken by a get() is dropped by forget() (the handshake did not
// ask for it) or after kPrefetchedLimit newer ones.
#pragma once

#include <adieu/session.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

namespace adieu::store {

struct AsyncStoreStats {
  uint64_t queued = 0;      // calls handed to the worker
  uint64_t dropped = 0;     // refused: the queue was full
  uint64_t prefetched = 0;  // prefetches that found a value
};

class AsyncSessionStore : public SessionStore {
 public:
  // Calls `inner` on a worker thread of its own; at most `max_queue` calls
  // wait for it.
  explicit AsyncSessionStore(std::shared_ptr<SessionStore> inner, size_t max_queue = 4096);
  ~AsyncSessionStore() override;  // the calls still queued are dropped
  AsyncSessionStore(const AsyncSessionStore&) = delete;
  AsyncSessionStore& operator=(const AsyncSessionStore&) = delete;

  // Queued; never waits.
  void put(std::span<const uint8_t> key, std::span<const uint8_t> value, uint64_t ttl_ms,
           bool single_use) override;
  void remove(std::span<const uint8_t> key) override;
  // The value prefetch() fetched under `key` (taken: a second get() finds
  // nothing), or nullopt. Never waits.
  std::optional<std::vector<uint8_t>> get(std::span<const uint8_t> key) override;

  // Fetches each key from the inner store on the worker, keeps what it finds
  // for get(), then calls `done` on the worker thread (post it to the
  // caller's own thread). `done` is called exactly once, also when the queue
  // is full (at once, on the caller's thread, nothing fetched), unless the
  // store is destroyed first.
  void prefetch(std::vector<std::vector<uint8_t>> keys, std::function<void()> done);
  // Drops what was prefetched under `keys` and not taken.
  void forget(const std::vector<std::vector<uint8_t>>& keys);

  AsyncStoreStats stats() const;

  static constexpr size_t kPrefetchedLimit = 1024;

 private:
  bool enqueue(std::function<void()> job);
  void run();

  std::shared_ptr<SessionStore> inner_;
  const size_t max_queue_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  // Prefetched values by key, and their keys oldest first (for the limit).
  std::map<std::vector<uint8_t>, std::vector<uint8_t>> prefetched_;
  std::deque<std::vector<uint8_t>> prefetched_order_;
  AsyncStoreStats stats_;
  std::thread worker_;  // last: started once everything above exists
};

}  // namespace adieu::store
