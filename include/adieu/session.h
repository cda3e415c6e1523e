// Sessions and session caches (RFC 8446 sections 2.2, 4.6.1).
//
// A Session is what a TLS 1.3 ticket lets a client resume: the resumption
// PSK, the suite it belongs to, and the names it was made for. Sessions are
// shared (std::shared_ptr) and immutable but for one flag: resumable(). The
// shutdown rule of SSL_set_shutdown(3) ("if the session is still open when
// the connection is freed, it is considered bad and removed") clears it and
// removes the session from every cache holding it.
//
// A SessionCache is a bounded LRU map with per-entry timeouts, safe to share
// between connections on many threads. A client keeps the sessions it
// received, keyed by server name; a server in stateful mode keeps the
// sessions its tickets name. Hooks let an application mirror a cache into an
// external store; a SessionStore (below) makes the cache one of a fleet's:
// several servers sharing their sessions through one store (Redis, with
// src/store/).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace adieu {

class Session {
 public:
  struct Data;
  explicit Session(std::unique_ptr<Data> data);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // False once the session was removed by the shutdown rule, or used (TLS 1.3
  // tickets are single-use on the client), or expired.
  bool resumable(uint64_t now_ms) const;
  // Marks the session as never to be resumed again.
  void set_not_resumable();

  uint16_t cipher_suite() const;
  const std::string& server_name() const;
  const std::string& alpn() const;
  uint64_t issued_at_ms() const;
  uint32_t lifetime_seconds() const;
  // The cache key: the ticket (client) or the session id (stateful server).
  std::span<const uint8_t> id() const;

  // A byte string that from_bytes() turns back into an equal session (for
  // files and external stores). It contains the resumption secret: keep it as
  // secret as a private key.
  std::vector<uint8_t> to_bytes() const;
  static std::shared_ptr<Session> from_bytes(std::span<const uint8_t> bytes);

  const Data& data() const { return *data_; }

 private:
  std::unique_ptr<Data> data_;
};

struct SessionCacheStats {
  uint64_t stored = 0;      // sessions added
  uint64_t hits = 0;        // lookups that found a resumable session
  uint64_t misses = 0;      // lookups that found none (or an expired one)
  uint64_t evictions = 0;   // removed to make room (least recently used first)
  uint64_t removals = 0;    // removed by remove() (the shutdown rule, or the application)
  uint64_t timeouts = 0;    // removed because they expired
  size_t size = 0;          // sessions held now
  uint64_t store_hits = 0;  // lookups the external store (set_store) answered
};

// Mirror of a cache in an external store. Each hook is optional. `get` is
// asked when the cache itself has no entry for a key.
struct SessionStoreHooks {
  std::function<void(std::span<const uint8_t> key, const Session& session)> on_new;
  std::function<std::shared_ptr<Session>(std::span<const uint8_t> key)> on_get;
  std::function<void(std::span<const uint8_t> key)> on_remove;
};

// A key-value store shared by a fleet of servers, behind a SessionCache
// (set_store). Values are sessions' byte forms. The cache calls the store
// synchronously, on the thread of the handshake that needs it: an
// implementation must answer within a short bound (a timeout), and a store
// that failed or timed out answers as if it held nothing, which costs the
// handshake its resumption and nothing else.
class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Keeps `value` under `key` for `ttl_ms`. A `single_use` value is handed out
  // by at most one get(), which removes it in the same atomic step (TLS 1.3
  // tickets: the one server of the fleet that resumes a ticket consumes it).
  virtual void put(std::span<const uint8_t> key, std::span<const uint8_t> value, uint64_t ttl_ms,
                   bool single_use) = 0;
  // The value under `key`, or nullopt: absent, expired, taken, or no answer.
  virtual std::optional<std::vector<uint8_t>> get(std::span<const uint8_t> key) = 0;
  virtual void remove(std::span<const uint8_t> key) = 0;
};

class SessionCache {
 public:
  // At most `capacity` sessions, each kept at most `timeout_seconds` (and never
  // past its own ticket lifetime).
  explicit SessionCache(size_t capacity = 1024, uint32_t timeout_seconds = 7200);
  ~SessionCache();
  SessionCache(const SessionCache&) = delete;
  SessionCache& operator=(const SessionCache&) = delete;

  void put(std::span<const uint8_t> key, std::shared_ptr<Session> session, uint64_t now_ms);
  // The session for `key` if it is there and resumable, else nullptr.
  std::shared_ptr<Session> get(std::span<const uint8_t> key, uint64_t now_ms);
  // get() that also removes the entry (single-use tickets).
  std::shared_ptr<Session> take(std::span<const uint8_t> key, uint64_t now_ms);
  // Removes `key`; true if it was there.
  bool remove(std::span<const uint8_t> key);
  // Removes every expired session.
  void flush_expired(uint64_t now_ms);

  void set_hooks(SessionStoreHooks hooks);
  // Shares the cache through `store` (nullptr: none). Every session put()
  // goes to the store too, with its remaining time as TTL; a lookup the cache
  // cannot answer asks the store. Single-use sessions (TLS 1.3) are kept in
  // the store only, so a fleet resumes each ticket at most once; reusable ones
  // (TLS 1.2 session ids) in both.
  void set_store(std::shared_ptr<SessionStore> store);
  void set_capacity(size_t capacity);
  void set_timeout(uint32_t seconds);
  uint32_t timeout_seconds() const;
  SessionCacheStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Keys that seal stateless tickets (AES-256-GCM from libcrypto). A new key is
// made every `rotate_seconds`; keys stay able to open tickets for
// `grace_seconds` more. A ticket sealed under a key we no longer hold (or
// another server's) falls back to a full handshake.
class TicketKeys {
 public:
  explicit TicketKeys(uint32_t rotate_seconds = 3600, uint32_t grace_seconds = 7200);
  ~TicketKeys();
  TicketKeys(const TicketKeys&) = delete;
  TicketKeys& operator=(const TicketKeys&) = delete;

  // key_name(16) || nonce(12) || ciphertext || tag(16); empty on failure.
  std::vector<uint8_t> seal(std::span<const uint8_t> plaintext, uint64_t now_ms);
  // The plaintext, or nullopt for an unknown key, an expired key or a bad tag.
  std::optional<std::vector<uint8_t>> open(std::span<const uint8_t> ticket, uint64_t now_ms);
  // Starts a new key now (what the schedule does by itself).
  void rotate(uint64_t now_ms);

  // A key made elsewhere and shared by a fleet (src/store/ fetches them from
  // Redis or derives them from a key file). `created_ms` starts its rotation
  // period: it seals until created + rotate and opens until created + rotate
  // + grace, as a key made here does.
  struct SharedKey {
    std::array<uint8_t, 16> name{};
    std::array<uint8_t, 32> key{};
    uint64_t created_ms = 0;
  };
  // Installs the fleet's keys, current (it seals from now on) then previous
  // ones (they still open). Keys already held are not added twice. When no
  // shared key is current (the source went quiet), the schedule makes local
  // keys again, whose tickets only this server can open. Each server seals
  // with its own random nonce base, so a fleet sharing a key never repeats a
  // nonce.
  void install(std::span<const SharedKey> keys);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace adieu
