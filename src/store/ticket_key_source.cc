#include "store/ticket_key_source.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

#include "crypto/hkdf.h"
#include "crypto/random.h"
#include "crypto/secret.h"

namespace adieu::store {

namespace {

constexpr size_t kNameSize = 16;
constexpr size_t kKeySize = 32;
constexpr size_t kMaterialSize = kNameSize + kKeySize;

uint64_t wall_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

TicketKeys::SharedKey make_key(std::span<const uint8_t> material, uint64_t created_ms) {
  TicketKeys::SharedKey k;
  std::copy_n(material.begin(), kNameSize, k.name.begin());
  std::copy_n(material.begin() + kNameSize, kKeySize, k.key.begin());
  k.created_ms = created_ms;
  return k;
}

void wipe(std::vector<TicketKeys::SharedKey>& keys) {
  for (TicketKeys::SharedKey& k : keys) crypto::wipe_bytes(k.key.data(), k.key.size());
}

}  // namespace

TicketKeySource redis_ticket_keys(std::shared_ptr<RedisClient> client, uint32_t rotate_seconds) {
  const uint64_t rotate_ms = uint64_t{rotate_seconds} * 1000;
  return [client, rotate_ms,
          rotate_seconds](uint64_t now_ms) -> std::optional<std::vector<TicketKeys::SharedKey>> {
    const uint64_t epoch = now_ms / rotate_ms;
    // The interval is part of the name: fleets with different intervals
    // sharing a Redis do not mix epochs.
    auto name = [&](uint64_t e) {
      return "adieu:tk:" + std::to_string(rotate_seconds) + ":" + std::to_string(e);
    };
    std::string fresh(kMaterialSize, '\0');
    if (!crypto::system_random().fill(
            std::span<uint8_t>(reinterpret_cast<uint8_t*>(fresh.data()), fresh.size()))) {
      return std::nullopt;
    }
    std::optional<std::vector<RedisReply>> replies =
        client->run({{"SET", name(epoch), fresh, "NX", "PX", std::to_string(3 * rotate_ms)},
                     {"MGET", name(epoch), name(epoch - 1)}});
    crypto::wipe_bytes(fresh.data(), fresh.size());
    if (!replies || replies->size() != 2 || (*replies)[1].kind != RedisReply::Kind::array) {
      return std::nullopt;
    }
    std::vector<RedisReply>& values = (*replies)[1].elements;
    std::vector<TicketKeys::SharedKey> keys;
    for (size_t i = 0; i < values.size() && i < 2; ++i) {
      std::string& v = values[i].str;
      if (values[i].kind == RedisReply::Kind::string && v.size() == kMaterialSize) {
        keys.push_back(make_key({reinterpret_cast<const uint8_t*>(v.data()), v.size()},
                                (epoch - i) * rotate_ms));
      }
      if (!v.empty()) crypto::wipe_bytes(v.data(), v.size());
    }
    // Without the current key there is nothing to seal with.
    if (keys.empty() || keys.front().created_ms != epoch * rotate_ms) {
      wipe(keys);
      return std::nullopt;
    }
    return keys;
  };
}

std::optional<TicketKeySource> file_ticket_keys(const std::string& path, uint32_t rotate_seconds,
                                                std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path;
    return std::nullopt;
  }
  std::vector<uint8_t> secret((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
  if (secret.size() < 32) {
    crypto::wipe_bytes(secret.data(), secret.size());
    *error = path + " holds fewer than 32 bytes";
    return std::nullopt;
  }
  static constexpr char kSalt[] = "adieu ticket key";
  auto prk = std::make_shared<crypto::Secret>(crypto::hkdf_extract(
      crypto::HashAlg::sha256,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(kSalt), sizeof(kSalt) - 1),
      secret));
  crypto::wipe_bytes(secret.data(), secret.size());
  const uint64_t rotate_ms = uint64_t{rotate_seconds} * 1000;
  return TicketKeySource(
      [prk, rotate_ms](uint64_t now_ms) -> std::optional<std::vector<TicketKeys::SharedKey>> {
        const uint64_t epoch = now_ms / rotate_ms;
        std::vector<TicketKeys::SharedKey> keys;
        for (uint64_t e : {epoch, epoch - 1}) {
          uint8_t info[8];
          for (int i = 0; i < 8; ++i) info[i] = static_cast<uint8_t>(e >> (56 - 8 * i));
          uint8_t material[kMaterialSize];
          if (!crypto::hkdf_expand_into(crypto::HashAlg::sha256, prk->span(), info, material)) {
            wipe(keys);
            return std::nullopt;
          }
          keys.push_back(make_key(material, e * rotate_ms));
          crypto::wipe_bytes(material, sizeof(material));
        }
        return keys;
      });
}

TicketKeyRefresher::TicketKeyRefresher(std::shared_ptr<TicketKeys> keys, TicketKeySource source,
                                       uint32_t rotate_seconds)
    : keys_(std::move(keys)),
      source_(std::move(source)),
      rotate_ms_(uint64_t{rotate_seconds} * 1000) {
  refresh();  // the first handshakes already seal under the fleet's key
  thread_ = std::thread([this] { loop(); });
}

TicketKeyRefresher::~TicketKeyRefresher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool TicketKeyRefresher::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

bool TicketKeyRefresher::refresh() {
  std::optional<std::vector<TicketKeys::SharedKey>> got = source_(wall_ms());
  if (got) {
    keys_->install(*got);
    wipe(*got);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = got.has_value();
  return current_;
}

void TicketKeyRefresher::loop() {
  bool ok = current();
  for (;;) {
    // The next epoch's start (a few milliseconds after, so that the epoch
    // number has moved), or a second from now if the last try failed.
    const uint64_t now = wall_ms();
    uint64_t wait_ms = rotate_ms_ - now % rotate_ms_ + 5;
    if (!ok) wait_ms = std::min<uint64_t>(wait_ms, 1000);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] { return stopping_; })) {
        return;
      }
    }
    ok = refresh();
  }
}

}  // namespace adieu::store
