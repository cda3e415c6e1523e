// SessionCache with a SessionStore (what a fleet shares), and TicketKeys with
// shared keys: two caches or two key sets standing for two servers.
#include <adieu/session.h>
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "session_helpers.h"

namespace adieu {
namespace {

using testing::key_of;

// An in-memory store that keeps the single-use flag and can be "down".
class FakeStore : public SessionStore {
 public:
  struct Value {
    std::vector<uint8_t> bytes;
    uint64_t ttl_ms;
    bool single_use;
  };

  void put(std::span<const uint8_t> key, std::span<const uint8_t> value, uint64_t ttl_ms,
           bool single_use) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++puts;
    if (down) return;
    values[std::string(key.begin(), key.end())] = {
        {value.begin(), value.end()}, ttl_ms, single_use};
  }
  std::optional<std::vector<uint8_t>> get(std::span<const uint8_t> key) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++gets;
    if (down) return std::nullopt;
    auto it = values.find(std::string(key.begin(), key.end()));
    if (it == values.end()) return std::nullopt;
    std::vector<uint8_t> bytes = it->second.bytes;
    if (it->second.single_use) values.erase(it);
    return bytes;
  }
  void remove(std::span<const uint8_t> key) override {
    std::lock_guard<std::mutex> lock(mutex);
    ++removes;
    if (!down) values.erase(std::string(key.begin(), key.end()));
  }

  std::mutex mutex;
  std::map<std::string, Value> values;
  bool down = false;
  int puts = 0, gets = 0, removes = 0;
};

// A session whose id is `id` (the key a server stores it under).
std::shared_ptr<Session> session_with_id(const std::string& id, uint16_t suite,
                                         uint64_t issued_at_ms = 0) {
  auto d = std::make_unique<Session::Data>();
  d->cipher_suite = suite;
  d->psk = crypto::Secret(std::vector<uint8_t>(32, 0x42));
  d->id = key_of(id);
  d->server_name = "localhost";
  d->issued_at_ms = issued_at_ms;
  d->lifetime_seconds = 7200;
  return std::make_shared<Session>(std::move(d));
}

constexpr uint16_t kTls13 = 0x1301;
constexpr uint16_t kTls12 = 0xc02b;

TEST(SessionStore, Tls13TicketResumesOnAnotherServerOnce) {
  auto store = std::make_shared<FakeStore>();
  SessionCache a, b;
  a.set_store(store);
  b.set_store(store);
  auto s = session_with_id("ticket", kTls13);
  a.put(key_of("ticket"), s, 1000);
  ASSERT_EQ(store->values.count("ticket"), 1u);
  EXPECT_TRUE(store->values["ticket"].single_use);
  EXPECT_EQ(store->values["ticket"].ttl_ms, 7200u * 1000 - 1000);  // the ticket's remaining life
  EXPECT_EQ(a.stats().size, 0u);                                   // single use: in the store only

  auto got = b.get(key_of("ticket"), 2000);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->to_bytes(), s->to_bytes());
  EXPECT_EQ(b.stats().store_hits, 1u);
  // The handshake's remove() after a store take costs no round trip.
  b.remove(key_of("ticket"));
  EXPECT_EQ(store->removes, 0);
  // Consumed: neither server resumes it again.
  EXPECT_EQ(a.get(key_of("ticket"), 3000), nullptr);
  EXPECT_EQ(b.get(key_of("ticket"), 3000), nullptr);
}

TEST(SessionStore, Tls12SessionIdIsReusedAcrossServers) {
  auto store = std::make_shared<FakeStore>();
  SessionCache a, b;
  a.set_store(store);
  b.set_store(store);
  a.put(key_of("sid"), session_with_id("sid", kTls12), 0);
  EXPECT_FALSE(store->values["sid"].single_use);
  EXPECT_EQ(a.stats().size, 1u);
  EXPECT_NE(b.get(key_of("sid"), 10), nullptr);
  EXPECT_NE(b.get(key_of("sid"), 20), nullptr);  // now held by b too
  EXPECT_EQ(store->gets, 1);
  EXPECT_NE(a.get(key_of("sid"), 30), nullptr);
  // The shutdown rule on one server removes it from the fleet.
  b.remove(key_of("sid"));
  EXPECT_EQ(store->values.count("sid"), 0u);
}

TEST(SessionStore, RemoveReachesTheStoreForSessionsHeldOnlyThere) {
  auto store = std::make_shared<FakeStore>();
  SessionCache a;
  a.set_store(store);
  a.put(key_of("t"), session_with_id("t", kTls13), 0);
  EXPECT_FALSE(a.remove(key_of("t")));      // not held locally...
  EXPECT_EQ(store->values.count("t"), 0u);  // ...but gone from the fleet
}

TEST(SessionStore, StoreDownCostsOnlyTheResumption) {
  auto store = std::make_shared<FakeStore>();
  SessionCache a, b;
  a.set_store(store);
  b.set_store(store);
  a.put(key_of("t"), session_with_id("t", kTls13), 0);
  store->down = true;
  EXPECT_EQ(b.get(key_of("t"), 10), nullptr);
  EXPECT_EQ(b.stats().misses, 1u);
  a.put(key_of("sid"), session_with_id("sid", kTls12), 0);  // no throw, no failure
  EXPECT_NE(a.get(key_of("sid"), 10), nullptr);             // the local copy still serves
}

TEST(SessionStore, BytesNamingAnotherKeyAreRefused) {
  auto store = std::make_shared<FakeStore>();
  SessionCache a;
  a.set_store(store);
  const std::vector<uint8_t> bytes = session_with_id("other", kTls12)->to_bytes();
  store->put(key_of("sid"), bytes, 1000, false);
  EXPECT_EQ(a.get(key_of("sid"), 0), nullptr);
  store->put(key_of("junk"), key_of("not a session"), 1000, false);
  EXPECT_EQ(a.get(key_of("junk"), 0), nullptr);
}

TEST(SessionStore, ExpiredSessionIsNotStored) {
  auto store = std::make_shared<FakeStore>();
  SessionCache a(16, 10);  // 10 s cache timeout
  a.set_store(store);
  a.put(key_of("sid"), session_with_id("sid", kTls12, 0), 4000);
  EXPECT_EQ(store->values["sid"].ttl_ms, 10000u);  // the cache's timeout is shorter
}

TicketKeys::SharedKey shared_key(uint8_t tag, uint64_t created_ms) {
  TicketKeys::SharedKey k;
  k.name.fill(tag);
  k.key.fill(static_cast<uint8_t>(tag + 1));
  k.created_ms = created_ms;
  return k;
}

TEST(SharedTicketKeys, TwoServersOpenEachOthersTickets) {
  const std::vector<uint8_t> plain = key_of("session state");
  TicketKeys a(60, 60), b(60, 60);
  const TicketKeys::SharedKey current = shared_key(1, 0);
  a.install({&current, 1});
  b.install({&current, 1});
  const std::vector<uint8_t> ta = a.seal(plain, 1000);
  const std::vector<uint8_t> tb = b.seal(plain, 1000);
  ASSERT_FALSE(ta.empty());
  EXPECT_EQ(b.open(ta, 1500), plain);
  EXPECT_EQ(a.open(tb, 1500), plain);
  // Each server has its own nonce base: the same first ticket differs.
  EXPECT_NE(ta, tb);
}

TEST(SharedTicketKeys, RotationKeepsThePreviousKeyForOpening) {
  const std::vector<uint8_t> plain = key_of("state");
  TicketKeys a(60, 60), b(60, 60);
  const std::vector<TicketKeys::SharedKey> epoch0 = {shared_key(1, 0)};
  a.install(epoch0);
  b.install(epoch0);
  const std::vector<uint8_t> old_ticket = a.seal(plain, 1000);
  const std::vector<TicketKeys::SharedKey> epoch1 = {shared_key(2, 60000), shared_key(1, 0)};
  a.install(epoch1);
  b.install(epoch1);
  const std::vector<uint8_t> new_ticket = a.seal(plain, 61000);
  EXPECT_EQ(std::vector<uint8_t>(new_ticket.begin(), new_ticket.begin() + 16),
            std::vector<uint8_t>(16, 2));  // sealed under the current key
  EXPECT_EQ(b.open(old_ticket, 62000), plain);
  EXPECT_EQ(b.open(new_ticket, 62000), plain);
  EXPECT_EQ(b.open(old_ticket, 120000), std::nullopt);  // past rotate + grace
}

TEST(SharedTicketKeys, QuietSourceFallsBackToLocalKeys) {
  const std::vector<uint8_t> plain = key_of("state");
  TicketKeys a(60, 60), b(60, 60);
  const TicketKeys::SharedKey k = shared_key(1, 0);
  a.install({&k, 1});
  b.install({&k, 1});
  // Past the shared key's rotation time with no new one: a seals under a
  // local key, which b cannot open (a full handshake there), a can.
  const std::vector<uint8_t> t = a.seal(plain, 61000);
  ASSERT_FALSE(t.empty());
  EXPECT_NE(std::vector<uint8_t>(t.begin(), t.begin() + 16), std::vector<uint8_t>(16, 1));
  EXPECT_EQ(b.open(t, 61000), std::nullopt);
  EXPECT_EQ(a.open(t, 61000), plain);
  // The source is back: the shared key seals again.
  const TicketKeys::SharedKey next = shared_key(3, 60000);
  a.install({&next, 1});
  const std::vector<uint8_t> t2 = a.seal(plain, 62000);
  EXPECT_EQ(std::vector<uint8_t>(t2.begin(), t2.begin() + 16), std::vector<uint8_t>(16, 3));
}

}  // namespace
}  // namespace adieu
