// RedisSessionStore: the SessionStore (include/adieu/session.h) of a fleet
// of servers sharing one Redis.
//
// Keys: "adieu:s:1:" + hex(key) for single-use values (TLS 1.3 tickets),
// "adieu:s:0:" + hex(key) for reusable ones (TLS 1.2 session ids), each set
// with PX = its remaining lifetime, so Redis expires them. A get() is one
// round trip: GETDEL on the single-use name (Redis >= 6.2: of two servers
// asking at once, one gets the value) and GET on the reusable one,
// pipelined. Values are sessions' byte forms, resumption secrets in the
// clear: the Redis must be as private as the servers' keys (bound to
// loopback or a private network, with access control).
#pragma once

#include <adieu/session.h>

#include <memory>

#include "store/redis.h"

namespace adieu::store {

class RedisSessionStore : public SessionStore {
 public:
  explicit RedisSessionStore(std::shared_ptr<RedisClient> client);

  void put(std::span<const uint8_t> key, std::span<const uint8_t> value, uint64_t ttl_ms,
           bool single_use) override;
  std::optional<std::vector<uint8_t>> get(std::span<const uint8_t> key) override;
  void remove(std::span<const uint8_t> key) override;

  RedisClient& client() { return *client_; }

 private:
  std::shared_ptr<RedisClient> client_;
};

}  // namespace adieu::store
