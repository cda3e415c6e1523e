#include "store/redis_session_store.h"

#include <string>

#include "crypto/secret.h"

namespace adieu::store {

namespace {

std::string redis_key(bool single_use, std::span<const uint8_t> key) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = single_use ? "adieu:s:1:" : "adieu:s:0:";
  for (uint8_t b : key) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// Wipes a reply's copy of a session (the resumption secret).
void wipe(std::string& s) {
  if (!s.empty()) crypto::wipe_bytes(s.data(), s.size());
}

}  // namespace

RedisSessionStore::RedisSessionStore(std::shared_ptr<RedisClient> client)
    : client_(std::move(client)) {}

void RedisSessionStore::put(std::span<const uint8_t> key, std::span<const uint8_t> value,
                            uint64_t ttl_ms, bool single_use) {
  std::string bytes(reinterpret_cast<const char*>(value.data()), value.size());
  // A failed put loses the session for the fleet: its client will get a full
  // handshake, nothing worse.
  client_->run({{"SET", redis_key(single_use, key), bytes, "PX", std::to_string(ttl_ms)}});
  wipe(bytes);
}

std::optional<std::vector<uint8_t>> RedisSessionStore::get(std::span<const uint8_t> key) {
  std::optional<std::vector<RedisReply>> replies =
      client_->run({{"GETDEL", redis_key(true, key)}, {"GET", redis_key(false, key)}});
  if (!replies || replies->size() != 2) return std::nullopt;
  std::optional<std::vector<uint8_t>> found;
  for (RedisReply& r : *replies) {
    if (r.kind == RedisReply::Kind::string && !found) found.emplace(r.str.begin(), r.str.end());
    wipe(r.str);
  }
  return found;
}

void RedisSessionStore::remove(std::span<const uint8_t> key) {
  client_->run({{"DEL", redis_key(true, key), redis_key(false, key)}});
}

}  // namespace adieu::store
