// The fleet's ticket-encryption keys (TicketKeys::install), from Redis or
// from a key file, kept current by a background thread.
//
// Time is cut into epochs of `rotate_seconds` on the wall clock (every
// server of a fleet agrees on it to within its clock skew). Each epoch has
// one key (16-byte name, 32-byte AES-256-GCM key); a server seals under the
// current epoch's key and opens under it and the previous one.
//
// - Redis: the first server to need epoch e's key makes it at random and
//   stores it with SET NX (the others then read that one), with a TTL of
//   three epochs: once Redis has forgotten a key, nobody holds it (tickets
//   sealed under it can no longer be opened by anyone, forward secrecy for
//   tickets). One round trip per epoch.
// - A key file (at least 32 bytes, e.g. `head -c 32 /dev/urandom`): epoch
//   e's key is HKDF-SHA256(file, "adieu ticket key", e). No coordination and
//   no network; but the file opens every ticket ever sealed from it, so the
//   operator replaces it (and restarts the fleet) from time to time.
#pragma once

#include <adieu/session.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/redis.h"

namespace adieu::store {

// Current then previous key for the wall-clock time `now_ms`, or nullopt.
using TicketKeySource =
    std::function<std::optional<std::vector<TicketKeys::SharedKey>>(uint64_t now_ms)>;

TicketKeySource redis_ticket_keys(std::shared_ptr<RedisClient> client, uint32_t rotate_seconds);
// nullopt (and `error` set) if the file cannot be read or is too short.
std::optional<TicketKeySource> file_ticket_keys(const std::string& path, uint32_t rotate_seconds,
                                                std::string* error);

// Installs the source's keys into `keys` now, then at each epoch's start
// (every second while the source fails), until destroyed.
class TicketKeyRefresher {
 public:
  TicketKeyRefresher(std::shared_ptr<TicketKeys> keys, TicketKeySource source,
                     uint32_t rotate_seconds);
  ~TicketKeyRefresher();
  TicketKeyRefresher(const TicketKeyRefresher&) = delete;
  TicketKeyRefresher& operator=(const TicketKeyRefresher&) = delete;

  // Whether the last refresh installed the fleet's keys.
  bool current() const;

 private:
  bool refresh();  // true if keys were installed
  void loop();

  std::shared_ptr<TicketKeys> keys_;
  TicketKeySource source_;
  uint64_t rotate_ms_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool current_ = false;
  std::thread thread_;
};

}  // namespace adieu::store
