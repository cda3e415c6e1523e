// RedisClient: a small blocking Redis client on hiredis, with bounds on every
// wait, for the session store (redis_session_store.h) and the fleet's ticket
// keys (ticket_key_source.h).
//
// Every call is bounded: connecting by connect_timeout_ms, each command (a
// pipeline of them: one round trip) by command_timeout_ms. A call that fails
// (refused, timed out, an error reply) marks Redis down for retry_ms, during
// which every call fails at once without touching the network: a dead or
// stalled Redis costs each connection at most one bounded wait per retry_ms
// per process, then nothing. Connections are pooled (one per concurrent
// caller), so threads do not queue behind each other's round trips.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace adieu::store {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int connect_timeout_ms = 100;
  int command_timeout_ms = 50;
  int retry_ms = 1000;
};

// redis://HOST[:PORT][/]; nullopt if it is not one.
std::optional<RedisOptions> parse_redis_url(const std::string& url);

struct RedisReply {
  enum class Kind { nil, string, integer, status, error, array };
  Kind kind = Kind::nil;
  std::string str;  // string, status, error
  long long integer = 0;
  std::vector<RedisReply> elements;  // array
};

struct RedisStats {
  uint64_t calls = 0;     // run() calls
  uint64_t failures = 0;  // calls that failed on the network or timed out
  uint64_t skipped = 0;   // calls failed at once while Redis was marked down
};

class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  using Command = std::vector<std::string>;  // argv, binary-safe
  // Sends the commands in one pipeline; their replies in order, or nullopt
  // if any could not be had (Redis down, slow, or the connection broke).
  std::optional<std::vector<RedisReply>> run(const std::vector<Command>& commands);

  RedisStats stats() const;
  const RedisOptions& options() const { return options_; }

  struct Connection;

 private:
  std::unique_ptr<Connection> acquire();
  void release(std::unique_ptr<Connection> c);

  RedisOptions options_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::atomic<uint64_t> down_until_ms_{0};  // steady clock
  std::atomic<uint64_t> calls_{0}, failures_{0}, skipped_{0};
};

}  // namespace adieu::store
