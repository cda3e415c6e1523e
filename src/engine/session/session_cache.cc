// SessionCache: a mutex-protected LRU map (std::list for the recency order,
// std::unordered_map from key bytes to list position) with per-entry
// timeouts.
//
// Hooks are never called with the mutex held: each operation collects what
// the hooks must hear, unlocks, then calls them, so a hook may call back into
// the cache. The hooks themselves are held in a shared_ptr copied under the
// lock, so set_hooks() during a call is safe.
//
// A SessionStore (set_store) is asked after the local map and the on_get
// hook. Single-use sessions (TLS 1.3) live in the store only: the store's get
// consumes them atomically, which a local copy on each server could not do.
// Store calls, like hooks, are made without the mutex held.
//
// Accounting: every entry that enters the map counts in `stored` (put() of a
// new key, and a session fetched from on_get); every entry that leaves it
// counts in exactly one of evictions, removals, timeouts, or is taken by
// take(). Replacing the session of a key already held counts nothing. Hence
//   stored - evictions - removals - timeouts - (sessions taken) == size.
#include <adieu/session.h>

#include <algorithm>
#include <limits>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "crypto/secret.h"

namespace adieu {

namespace {

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

std::string key_string(std::span<const uint8_t> key) {
  return std::string(reinterpret_cast<const char*>(key.data()), key.size());
}

std::span<const uint8_t> key_bytes(const std::string& key) {
  return {reinterpret_cast<const uint8_t*>(key.data()), key.size()};
}

// TLS 1.3 sessions (suites 0x13xx, RFC 8446 appendix B.4) are single-use
// tickets; TLS 1.2 session ids are reused until they expire.
bool single_use(const Session& s) {
  return (s.cipher_suite() >> 8) == 0x13;
}

// Single-use keys a lookup just consumed from the store: the handshake's
// remove() that follows needs no second round trip. Bounded, oldest first out.
constexpr size_t kConsumedMemory = 256;

}  // namespace

struct SessionCache::Impl {
  struct Entry {
    std::string key;
    std::shared_ptr<Session> session;
    uint64_t stored_at_ms = 0;
  };
  using Lru = std::list<Entry>;  // most recently used first

  // What happened to an entry that a lookup found.
  enum class Verdict { live, expired, dead };

  mutable std::mutex mutex;
  size_t capacity;
  uint32_t timeout_seconds;
  Lru lru;
  std::unordered_map<std::string, Lru::iterator> index;
  SessionCacheStats stats;
  std::shared_ptr<const SessionStoreHooks> hooks = std::make_shared<SessionStoreHooks>();
  std::shared_ptr<SessionStore> store;
  std::list<std::string> consumed;  // see kConsumedMemory

  Impl(size_t cap, uint32_t timeout) : capacity(cap), timeout_seconds(timeout) {}

  // The entry's deadline: the cache timeout from when it was stored, but
  // never past the session's own lifetime (RFC 8446 section 4.6.1: a ticket
  // must not be used past ticket_lifetime).
  uint64_t deadline_ms(const Entry& e) const {
    const uint64_t by_cache = saturating_add(e.stored_at_ms, uint64_t{timeout_seconds} * 1000);
    const uint64_t by_ticket =
        saturating_add(e.session->issued_at_ms(), uint64_t{e.session->lifetime_seconds()} * 1000);
    return std::min(by_cache, by_ticket);
  }

  Verdict judge(const Entry& e, uint64_t now_ms) const {
    if (now_ms >= deadline_ms(e)) return Verdict::expired;
    // Not expired, yet not resumable: the flag was cleared (shutdown rule or
    // single use), so it goes as a removal.
    if (!e.session->resumable(now_ms)) return Verdict::dead;
    return Verdict::live;
  }

  // Erases `it`, counting it by `verdict`, and records its key for on_remove.
  void drop(Lru::iterator it, Verdict verdict, std::vector<std::string>& removed) {
    if (verdict == Verdict::expired) {
      ++stats.timeouts;
    } else {
      ++stats.removals;
    }
    removed.push_back(std::move(it->key));
    index.erase(removed.back());
    lru.erase(it);
  }

  // Evicts from the least recently used end until the cache fits. An expired
  // entry found there counts as a timeout rather than an eviction (when the
  // time is known).
  void shrink(std::optional<uint64_t> now_ms, std::vector<std::string>& removed) {
    while (lru.size() > capacity) {
      auto last = std::prev(lru.end());
      if (now_ms && *now_ms >= deadline_ms(*last)) {
        ++stats.timeouts;
      } else {
        ++stats.evictions;
      }
      removed.push_back(std::move(last->key));
      index.erase(removed.back());
      lru.erase(last);
    }
  }

  // Inserts (or replaces) `key` as the most recently used entry.
  void insert(std::string key, std::shared_ptr<Session> session, uint64_t now_ms,
              std::vector<std::string>& removed) {
    if (capacity == 0) return;
    auto found = index.find(key);
    if (found != index.end()) {
      found->second->session = std::move(session);
      found->second->stored_at_ms = now_ms;
      lru.splice(lru.begin(), lru, found->second);
      return;
    }
    lru.push_front(Entry{key, std::move(session), now_ms});
    index.emplace(std::move(key), lru.begin());
    ++stats.stored;
    shrink(now_ms, removed);
  }

  // Looks `key` up locally. A live entry becomes the most recently used; a
  // stale one is dropped (into `removed`). If `take`, a live entry is
  // removed too. Counts nothing in hits/misses.
  std::shared_ptr<Session> find(const std::string& key, uint64_t now_ms, bool take,
                                std::vector<std::string>& removed) {
    auto found = index.find(key);
    if (found == index.end()) return nullptr;
    auto it = found->second;
    const Verdict verdict = judge(*it, now_ms);
    if (verdict != Verdict::live) {
      drop(it, verdict, removed);
      return nullptr;
    }
    std::shared_ptr<Session> session = it->session;
    if (take) {
      index.erase(found);
      lru.erase(it);
    } else {
      lru.splice(lru.begin(), lru, it);
    }
    return session;
  }

  static void notify_removed(const SessionStoreHooks& h, const std::vector<std::string>& keys) {
    if (!h.on_remove) return;
    for (const std::string& k : keys) h.on_remove(key_bytes(k));
  }

  // The remaining time of `session` put at `now_ms` (0: none left).
  uint64_t ttl_ms(const Session& session, uint64_t now_ms) const {
    const uint64_t by_cache = saturating_add(now_ms, uint64_t{timeout_seconds} * 1000);
    const uint64_t by_ticket =
        saturating_add(session.issued_at_ms(), uint64_t{session.lifetime_seconds()} * 1000);
    const uint64_t deadline = std::min(by_cache, by_ticket);
    return deadline > now_ms ? deadline - now_ms : 0;
  }

  // A session from the store, or nullptr. The store's bytes must name the
  // key they were stored under.
  static std::shared_ptr<Session> fetch(SessionStore& store, std::span<const uint8_t> key) {
    std::optional<std::vector<uint8_t>> bytes = store.get(key);
    if (!bytes) return nullptr;
    std::shared_ptr<Session> session = Session::from_bytes(*bytes);
    crypto::wipe_bytes(*bytes);
    if (!session ||
        !std::equal(key.begin(), key.end(), session->id().begin(), session->id().end())) {
      return nullptr;
    }
    return session;
  }

  std::shared_ptr<Session> lookup(std::span<const uint8_t> key_span, uint64_t now_ms, bool take);
};

std::shared_ptr<Session> SessionCache::Impl::lookup(std::span<const uint8_t> key_span,
                                                    uint64_t now_ms, bool take) {
  const std::string key = key_string(key_span);
  std::vector<std::string> removed;
  std::shared_ptr<const SessionStoreHooks> h;
  std::shared_ptr<Session> session;
  {
    std::lock_guard<std::mutex> lock(mutex);
    h = hooks;
    session = find(key, now_ms, take, removed);
    if (session) ++stats.hits;
  }
  notify_removed(*h, removed);
  if (session) {
    // A taken session is gone for good: the external store drops it too.
    if (take && h->on_remove) h->on_remove(key_span);
    return session;
  }

  // Local miss: ask the hook, then the store.
  std::shared_ptr<SessionStore> shared_store;
  {
    std::lock_guard<std::mutex> lock(mutex);
    shared_store = store;
  }
  if (h->on_get) session = h->on_get(key_span);
  bool from_store = false;
  if (!session && shared_store) {
    session = fetch(*shared_store, key_span);
    from_store = session != nullptr;
  }
  if (!session || !session->resumable(now_ms)) {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.misses;
    return nullptr;
  }
  // A single-use session the store handed out is consumed already; a
  // reusable one is kept here too (later lookups need no round trip).
  const bool consumed_now = from_store && single_use(*session);
  removed.clear();
  {
    std::lock_guard<std::mutex> lock(mutex);
    ++stats.hits;
    if (from_store) ++stats.store_hits;
    if (consumed_now) {
      consumed.push_back(key);
      if (consumed.size() > kConsumedMemory) consumed.pop_front();
    } else if (!take) {
      insert(key, session, now_ms, removed);
    }
  }
  notify_removed(*h, removed);
  if (take && h->on_remove) h->on_remove(key_span);
  if (take && from_store && !consumed_now) shared_store->remove(key_span);
  return session;
}

SessionCache::SessionCache(size_t capacity, uint32_t timeout_seconds)
    : impl_(std::make_unique<Impl>(capacity, timeout_seconds)) {}

SessionCache::~SessionCache() = default;

void SessionCache::put(std::span<const uint8_t> key, std::shared_ptr<Session> session,
                       uint64_t now_ms) {
  // A session that cannot be resumed is not worth a slot.
  if (!session || !session->resumable(now_ms)) return;
  std::vector<std::string> removed;
  std::shared_ptr<const SessionStoreHooks> h;
  std::shared_ptr<SessionStore> store;
  uint64_t ttl = 0;
  const bool once = single_use(*session);
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    h = impl_->hooks;
    store = impl_->store;
    ttl = impl_->ttl_ms(*session, now_ms);
    // With a store, a single-use session lives there only (see the top).
    if (!store || !once) impl_->insert(key_string(key), session, now_ms, removed);
  }
  if (h->on_new) h->on_new(key, *session);
  Impl::notify_removed(*h, removed);
  if (store && ttl > 0) {
    std::vector<uint8_t> bytes = session->to_bytes();
    store->put(key, bytes, ttl, once);
    crypto::wipe_bytes(bytes);
  }
}

std::shared_ptr<Session> SessionCache::get(std::span<const uint8_t> key, uint64_t now_ms) {
  return impl_->lookup(key, now_ms, /*take=*/false);
}

std::shared_ptr<Session> SessionCache::take(std::span<const uint8_t> key, uint64_t now_ms) {
  return impl_->lookup(key, now_ms, /*take=*/true);
}

bool SessionCache::remove(std::span<const uint8_t> key) {
  std::shared_ptr<const SessionStoreHooks> h;
  std::shared_ptr<SessionStore> store;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    h = impl_->hooks;
    store = impl_->store;
    const std::string k = key_string(key);
    auto consumed = std::find(impl_->consumed.begin(), impl_->consumed.end(), k);
    if (consumed != impl_->consumed.end()) {
      impl_->consumed.erase(consumed);
      store = nullptr;  // the store's get took it already
    }
    auto it = impl_->index.find(k);
    if (it != impl_->index.end()) {
      found = true;
      impl_->lru.erase(it->second);
      impl_->index.erase(it);
      ++impl_->stats.removals;
    }
  }
  // Like SSL_CTX_remove_session(3): the remove callback hears of sessions
  // the cache held.
  if (found && h->on_remove) h->on_remove(key);
  // The store may hold it without this cache (single-use sessions, or one
  // another server made): the shutdown rule must reach the whole fleet.
  if (store) store->remove(key);
  return found;
}

void SessionCache::flush_expired(uint64_t now_ms) {
  std::vector<std::string> removed;
  std::shared_ptr<const SessionStoreHooks> h;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    h = impl_->hooks;
    for (auto it = impl_->lru.begin(); it != impl_->lru.end();) {
      auto next = std::next(it);
      const Impl::Verdict verdict = impl_->judge(*it, now_ms);
      if (verdict != Impl::Verdict::live) impl_->drop(it, verdict, removed);
      it = next;
    }
  }
  Impl::notify_removed(*h, removed);
}

void SessionCache::set_hooks(SessionStoreHooks hooks) {
  auto shared = std::make_shared<const SessionStoreHooks>(std::move(hooks));
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->hooks = std::move(shared);
}

void SessionCache::set_store(std::shared_ptr<SessionStore> store) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->store = std::move(store);
}

void SessionCache::set_capacity(size_t capacity) {
  std::vector<std::string> removed;
  std::shared_ptr<const SessionStoreHooks> h;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    h = impl_->hooks;
    impl_->capacity = capacity;
    // No clock here: anything evicted counts as an eviction.
    impl_->shrink(std::nullopt, removed);
  }
  Impl::notify_removed(*h, removed);
}

void SessionCache::set_timeout(uint32_t seconds) {
  // Applies to every entry, including those already held.
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->timeout_seconds = seconds;
}

uint32_t SessionCache::timeout_seconds() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->timeout_seconds;
}

SessionCacheStats SessionCache::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  SessionCacheStats s = impl_->stats;
  s.size = impl_->lru.size();
  return s;
}

}  // namespace adieu
