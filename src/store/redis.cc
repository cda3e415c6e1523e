// RedisClient on hiredis's blocking API: redisConnectWithTimeout bounds the
// connect, redisSetTimeout (SO_RCVTIMEO/SO_SNDTIMEO) each read and write.
// A connection that failed in any way is freed, never reused: hiredis leaves
// it in an error state, possibly mid-reply.
#include "store/redis.h"

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdlib>

namespace adieu::store {

namespace {

uint64_t steady_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

timeval to_timeval(int ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

RedisReply convert(const redisReply& r) {
  RedisReply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
      out.kind = RedisReply::Kind::string;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_STATUS:
      out.kind = RedisReply::Kind::status;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_ERROR:
      out.kind = RedisReply::Kind::error;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = RedisReply::Kind::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::array;
      for (size_t i = 0; i < r.elements; ++i) out.elements.push_back(convert(*r.element[i]));
      break;
    default:
      out.kind = RedisReply::Kind::nil;
  }
  return out;
}

}  // namespace

struct RedisClient::Connection {
  struct Deleter {
    void operator()(redisContext* c) const { redisFree(c); }
  };
  std::unique_ptr<redisContext, Deleter> context;
};

std::optional<RedisOptions> parse_redis_url(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  RedisOptions options;
  const size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    char* end = nullptr;
    const long value = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || value < 1 || value > 65535) return std::nullopt;
    options.port = static_cast<int>(value);
    rest.resize(colon);
  }
  if (rest.empty() || rest.find('/') != std::string::npos) return std::nullopt;
  options.host = rest;
  return options;
}

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {}

RedisClient::~RedisClient() = default;

std::unique_ptr<RedisClient::Connection> RedisClient::acquire() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Connection> c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<Connection>();
  c->context.reset(redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                           to_timeval(options_.connect_timeout_ms)));
  if (!c->context || c->context->err != 0) return nullptr;
  if (redisSetTimeout(c->context.get(), to_timeval(options_.command_timeout_ms)) != REDIS_OK) {
    return nullptr;
  }
  return c;
}

void RedisClient::release(std::unique_ptr<Connection> c) {
  std::lock_guard<std::mutex> lock(mutex_);
  idle_.push_back(std::move(c));
}

std::optional<std::vector<RedisReply>> RedisClient::run(const std::vector<Command>& commands) {
  ++calls_;
  if (steady_ms() < down_until_ms_.load()) {
    ++skipped_;
    return std::nullopt;
  }
  auto fail = [this]() -> std::optional<std::vector<RedisReply>> {
    ++failures_;
    down_until_ms_.store(steady_ms() + static_cast<uint64_t>(options_.retry_ms));
    return std::nullopt;
  };
  std::unique_ptr<Connection> c = acquire();
  if (!c) return fail();
  redisContext* ctx = c->context.get();
  for (const Command& command : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : command) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(ctx, static_cast<int>(argv.size()), argv.data(), lengths.data()) !=
        REDIS_OK) {
      return fail();
    }
  }
  std::vector<RedisReply> replies;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx, &raw) != REDIS_OK || raw == nullptr) return fail();
    ReplyPtr reply(static_cast<redisReply*>(raw));
    replies.push_back(convert(*reply));
  }
  for (const RedisReply& r : replies) {
    if (r.kind == RedisReply::Kind::error) {
      release(std::move(c));  // the connection itself is fine
      return fail();
    }
  }
  release(std::move(c));
  return replies;
}

RedisStats RedisClient::stats() const {
  return {calls_.load(), failures_.load(), skipped_.load()};
}

}  // namespace adieu::store
