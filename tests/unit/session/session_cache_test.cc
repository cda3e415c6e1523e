// SessionCache: LRU order, statistics, timeouts, single use, hooks, threads.
#include <adieu/session.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "session_helpers.h"

namespace adieu {
namespace {

using testing::key_of;
using testing::make_session;

TEST(SessionCache, PutThenGet) {
  SessionCache cache(4, 100);
  auto s = make_session("a");
  cache.put(key_of("a"), s, 0);
  EXPECT_EQ(cache.get(key_of("a"), 1), s);
  EXPECT_EQ(cache.get(key_of("b"), 1), nullptr);
  const SessionCacheStats st = cache.stats();
  EXPECT_EQ(st.stored, 1u);
  EXPECT_EQ(st.hits, 1u);
  EXPECT_EQ(st.misses, 1u);
  EXPECT_EQ(st.size, 1u);
}

TEST(SessionCache, EvictsLeastRecentlyUsed) {
  SessionCache cache(3, 100);
  for (const char* k : {"a", "b", "c"}) cache.put(key_of(k), make_session(k), 0);
  ASSERT_NE(cache.get(key_of("a"), 1), nullptr);  // order now a, c, b
  cache.put(key_of("d"), make_session("d"), 2);   // evicts b
  EXPECT_EQ(cache.get(key_of("b"), 3), nullptr);
  cache.put(key_of("e"), make_session("e"), 4);  // evicts c
  EXPECT_EQ(cache.get(key_of("c"), 5), nullptr);
  EXPECT_NE(cache.get(key_of("a"), 6), nullptr);
  EXPECT_NE(cache.get(key_of("d"), 6), nullptr);
  EXPECT_NE(cache.get(key_of("e"), 6), nullptr);

  const SessionCacheStats st = cache.stats();
  EXPECT_EQ(st.stored, 5u);
  EXPECT_EQ(st.evictions, 2u);
  EXPECT_EQ(st.size, 3u);
  EXPECT_EQ(st.hits, 4u);
  EXPECT_EQ(st.misses, 2u);
}

TEST(SessionCache, ReplacingAKeyIsNotANewEntry) {
  SessionCache cache(2, 100);
  auto first = make_session("a");
  auto second = make_session("a");
  cache.put(key_of("a"), first, 0);
  cache.put(key_of("a"), second, 0);
  EXPECT_EQ(cache.get(key_of("a"), 0), second);
  EXPECT_EQ(cache.stats().stored, 1u);
  EXPECT_EQ(cache.stats().size, 1u);
}

TEST(SessionCache, SetCapacityShrinks) {
  SessionCache cache(4, 100);
  for (const char* k : {"a", "b", "c", "d"}) cache.put(key_of(k), make_session(k), 0);
  cache.set_capacity(1);
  EXPECT_EQ(cache.stats().size, 1u);
  EXPECT_EQ(cache.stats().evictions, 3u);
  EXPECT_NE(cache.get(key_of("d"), 0), nullptr);
  cache.set_capacity(0);
  cache.put(key_of("e"), make_session("e"), 0);
  EXPECT_EQ(cache.stats().size, 0u);
}

TEST(SessionCache, CacheTimeoutExpiresEntries) {
  SessionCache cache(4, 10);  // 10 s
  cache.put(key_of("a"), make_session("a", 0, 3600), 1'000);
  EXPECT_NE(cache.get(key_of("a"), 10'999), nullptr);
  EXPECT_EQ(cache.get(key_of("a"), 11'000), nullptr);
  const SessionCacheStats st = cache.stats();
  EXPECT_EQ(st.timeouts, 1u);
  EXPECT_EQ(st.misses, 1u);
  EXPECT_EQ(st.size, 0u);
}

TEST(SessionCache, TicketLifetimeBoundsTheTimeout) {
  SessionCache cache(4, 7200);
  cache.put(key_of("a"), make_session("a", 0, 5), 0);  // lifetime 5 s
  EXPECT_NE(cache.get(key_of("a"), 4'999), nullptr);
  EXPECT_EQ(cache.get(key_of("a"), 5'000), nullptr);
  EXPECT_EQ(cache.stats().timeouts, 1u);
}

TEST(SessionCache, SetTimeoutAppliesToHeldEntries) {
  SessionCache cache(4, 7200);
  cache.put(key_of("a"), make_session("a"), 0);
  cache.set_timeout(1);
  EXPECT_EQ(cache.timeout_seconds(), 1u);
  EXPECT_EQ(cache.get(key_of("a"), 1'000), nullptr);
}

TEST(SessionCache, FlushExpiredRemovesOnlyExpired) {
  SessionCache cache(8, 10);
  cache.put(key_of("old1"), make_session("old1"), 0);
  cache.put(key_of("old2"), make_session("old2"), 0);
  cache.put(key_of("new"), make_session("new"), 5'000);
  cache.flush_expired(10'000);
  const SessionCacheStats st = cache.stats();
  EXPECT_EQ(st.timeouts, 2u);
  EXPECT_EQ(st.size, 1u);
  EXPECT_NE(cache.get(key_of("new"), 10'000), nullptr);
}

TEST(SessionCache, PutIgnoresUnresumableSessions) {
  SessionCache cache(4, 100);
  auto s = make_session("a");
  s->set_not_resumable();
  cache.put(key_of("a"), s, 0);
  cache.put(key_of("b"), nullptr, 0);
  cache.put(key_of("c"), make_session("c", 0, 1), 1'000);  // already past its lifetime
  EXPECT_EQ(cache.stats().stored, 0u);
  EXPECT_EQ(cache.stats().size, 0u);
}

TEST(SessionCache, NotResumableEntryIsDroppedOnGet) {
  SessionCache cache(4, 100);
  auto s = make_session("a");
  cache.put(key_of("a"), s, 0);
  s->set_not_resumable();
  EXPECT_EQ(cache.get(key_of("a"), 0), nullptr);
  const SessionCacheStats st = cache.stats();
  EXPECT_EQ(st.size, 0u);
  EXPECT_EQ(st.misses, 1u);
  EXPECT_EQ(st.removals, 1u);
}

TEST(SessionCache, TakeIsSingleUse) {
  SessionCache cache(4, 100);
  auto s = make_session("a");
  cache.put(key_of("a"), s, 0);
  EXPECT_EQ(cache.take(key_of("a"), 0), s);
  EXPECT_EQ(cache.take(key_of("a"), 0), nullptr);
  EXPECT_EQ(cache.get(key_of("a"), 0), nullptr);
  const SessionCacheStats st = cache.stats();
  EXPECT_EQ(st.hits, 1u);
  EXPECT_EQ(st.misses, 2u);
  EXPECT_EQ(st.removals, 0u);
  EXPECT_EQ(st.size, 0u);
}

TEST(SessionCache, RemoveMarksNothing) {
  SessionCache cache(4, 100);
  auto s = make_session("a");
  cache.put(key_of("a"), s, 0);
  EXPECT_TRUE(cache.remove(key_of("a")));
  EXPECT_FALSE(cache.remove(key_of("a")));
  EXPECT_TRUE(s->resumable(0));
  EXPECT_EQ(cache.get(key_of("a"), 0), nullptr);
  EXPECT_EQ(cache.stats().removals, 1u);
  EXPECT_EQ(cache.stats().size, 0u);
}

TEST(SessionCache, HooksHearNewRemoveAndEviction) {
  SessionCache cache(2, 10);
  std::vector<std::string> news, removes;
  SessionStoreHooks hooks;
  hooks.on_new = [&](std::span<const uint8_t> key, const Session& s) {
    news.emplace_back(key.begin(), key.end());
    EXPECT_TRUE(std::ranges::equal(key, s.id()));
  };
  hooks.on_remove = [&](std::span<const uint8_t> key) {
    removes.emplace_back(key.begin(), key.end());
  };
  cache.set_hooks(hooks);

  cache.put(key_of("a"), make_session("a"), 0);
  cache.put(key_of("b"), make_session("b"), 0);
  cache.put(key_of("c"), make_session("c"), 0);  // evicts a
  EXPECT_EQ(news, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(removes, (std::vector<std::string>{"a"}));

  cache.remove(key_of("b"));
  cache.remove(key_of("zzz"));  // not held: not reported
  EXPECT_EQ(removes, (std::vector<std::string>{"a", "b"}));

  EXPECT_EQ(cache.get(key_of("c"), 20'000), nullptr);  // expired
  EXPECT_EQ(removes, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(SessionCache, GetFillsAMissFromTheExternalStore) {
  SessionCache cache(4, 100);
  auto external = make_session("ext");
  int asked = 0;
  SessionStoreHooks hooks;
  hooks.on_get = [&](std::span<const uint8_t> key) -> std::shared_ptr<Session> {
    ++asked;
    if (std::string(key.begin(), key.end()) == "ext") return external;
    return nullptr;
  };
  cache.set_hooks(hooks);

  EXPECT_EQ(cache.get(key_of("ext"), 0), external);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(cache.get(key_of("ext"), 0), external);  // now held locally
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(cache.get(key_of("none"), 0), nullptr);
  EXPECT_EQ(asked, 2);

  const SessionCacheStats st = cache.stats();
  EXPECT_EQ(st.hits, 2u);
  EXPECT_EQ(st.misses, 1u);
  EXPECT_EQ(st.stored, 1u);
  EXPECT_EQ(st.size, 1u);
}

TEST(SessionCache, ExpiredSessionFromExternalStoreIsAMiss) {
  SessionCache cache(4, 100);
  SessionStoreHooks hooks;
  hooks.on_get = [&](std::span<const uint8_t>) { return make_session("old", 0, 1); };
  cache.set_hooks(hooks);
  EXPECT_EQ(cache.get(key_of("old"), 5'000), nullptr);
  EXPECT_EQ(cache.stats().size, 0u);
  EXPECT_EQ(cache.stats().misses, 1u);
}

TEST(SessionCache, TakeFromExternalStoreRemovesItThere) {
  SessionCache cache(4, 100);
  std::vector<std::string> removes;
  SessionStoreHooks hooks;
  hooks.on_get = [&](std::span<const uint8_t>) { return make_session("ext"); };
  hooks.on_remove = [&](std::span<const uint8_t> key) {
    removes.emplace_back(key.begin(), key.end());
  };
  cache.set_hooks(hooks);
  EXPECT_NE(cache.take(key_of("ext"), 0), nullptr);
  EXPECT_EQ(removes, (std::vector<std::string>{"ext"}));
  EXPECT_EQ(cache.stats().size, 0u);
}

TEST(SessionCache, HooksMayCallBackIntoTheCache) {
  SessionCache cache(1, 100);
  int new_calls = 0, remove_calls = 0;
  SessionStoreHooks hooks;
  hooks.on_new = [&](std::span<const uint8_t> key, const Session&) {
    ++new_calls;
    EXPECT_NE(cache.get(key, 0), nullptr);  // re-enters the cache
    (void)cache.stats();
  };
  hooks.on_remove = [&](std::span<const uint8_t> key) {
    ++remove_calls;
    EXPECT_FALSE(cache.remove(key));  // already gone; must not deadlock
  };
  hooks.on_get = [&](std::span<const uint8_t>) {
    cache.flush_expired(0);
    return std::shared_ptr<Session>();
  };
  cache.set_hooks(hooks);
  cache.put(key_of("a"), make_session("a"), 0);
  cache.put(key_of("b"), make_session("b"), 0);  // evicts a
  EXPECT_EQ(cache.get(key_of("zz"), 0), nullptr);
  EXPECT_EQ(new_calls, 2);
  EXPECT_EQ(remove_calls, 1);
}

TEST(SessionCache, ManyThreadsKeepTheAccountsStraight) {
  SessionCache cache(16, 3600);
  constexpr int kThreads = 4;
  constexpr int kOps = 10'000;
  std::atomic<uint64_t> taken{0};
  std::atomic<uint64_t> lookups{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint32_t x = 12345u + static_cast<uint32_t>(t);
      for (int i = 0; i < kOps; ++i) {
        x = x * 1103515245u + 12345u;
        const std::string k = "k" + std::to_string((x >> 8) % 40);
        const uint64_t now = static_cast<uint64_t>(i);
        switch ((x >> 20) % 4) {
          case 0:
            cache.put(key_of(k), make_session(k, 0, 3600), now);
            break;
          case 1:
            (void)cache.get(key_of(k), now);
            ++lookups;
            break;
          case 2:
            (void)cache.remove(key_of(k));
            break;
          case 3:
            if (cache.take(key_of(k), now)) ++taken;
            ++lookups;
            break;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const SessionCacheStats st = cache.stats();
  EXPECT_LE(st.size, 16u);
  EXPECT_GT(st.stored, 0u);
  EXPECT_EQ(st.stored - st.evictions - st.removals - st.timeouts - taken.load(), st.size);
  EXPECT_EQ(st.timeouts, 0u);
  EXPECT_EQ(st.hits + st.misses, lookups.load());
}

}  // namespace
}  // namespace adieu
