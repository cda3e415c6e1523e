// store::AsyncSessionStore: its calls return without waiting for the store
// behind it (here a fake whose calls block until the test opens a gate), a
// prefetched value is handed out once, and a full queue drops calls instead
// of waiting.
#include "store/async_session_store.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace adieu::store {
namespace {

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

// A store whose every call waits until open() and is then recorded in order.
class GatedStore : public SessionStore {
 public:
  void open() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }
  void put(std::span<const uint8_t> key, std::span<const uint8_t> value, uint64_t, bool) override {
    wait();
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back("put " + std::string(key.begin(), key.end()));
    values_[std::string(key.begin(), key.end())] = {value.begin(), value.end()};
  }
  std::optional<std::vector<uint8_t>> get(std::span<const uint8_t> key) override {
    wait();
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back("get " + std::string(key.begin(), key.end()));
    auto it = values_.find(std::string(key.begin(), key.end()));
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  void remove(std::span<const uint8_t> key) override {
    wait();
    std::lock_guard<std::mutex> lock(mutex_);
    calls_.push_back("remove " + std::string(key.begin(), key.end()));
  }

 private:
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return open_; });
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  std::vector<std::string> calls_;
  std::map<std::string, std::vector<uint8_t>> values_;
};

TEST(AsyncSessionStore, CallsReturnWhileTheStoreIsStalled) {
  auto inner = std::make_shared<GatedStore>();
  AsyncSessionStore store(inner);
  store.put(bytes("a"), bytes("session-a"), 1000, false);
  store.remove(bytes("b"));
  EXPECT_EQ(store.get(bytes("a")), std::nullopt);  // not prefetched: no wait either
  std::promise<void> fetched;
  store.prefetch({bytes("a"), bytes("c")}, [&] { fetched.set_value(); });
  EXPECT_TRUE(inner->calls().empty());  // everything above returned before the store answered
  inner->open();
  fetched.get_future().wait();
  EXPECT_EQ(inner->calls(), (std::vector<std::string>{"put a", "remove b", "get a", "get c"}));
  EXPECT_EQ(store.get(bytes("a")), bytes("session-a"));
  EXPECT_EQ(store.get(bytes("a")), std::nullopt);  // handed out once
  EXPECT_EQ(store.get(bytes("c")), std::nullopt);  // the store had none
  EXPECT_EQ(store.stats().prefetched, 1u);
  EXPECT_EQ(store.stats().dropped, 0u);
}

TEST(AsyncSessionStore, ForgetDropsWhatWasNotTaken) {
  auto inner = std::make_shared<GatedStore>();
  inner->open();
  AsyncSessionStore store(inner);
  store.put(bytes("k"), bytes("v"), 1000, false);
  std::promise<void> fetched;
  store.prefetch({bytes("k")}, [&] { fetched.set_value(); });
  fetched.get_future().wait();
  store.forget({bytes("k")});
  EXPECT_EQ(store.get(bytes("k")), std::nullopt);
}

TEST(AsyncSessionStore, AFullQueueDropsInsteadOfWaiting) {
  auto inner = std::make_shared<GatedStore>();
  AsyncSessionStore store(inner, 2);
  store.put(bytes("1"), bytes("v"), 1000, false);  // the worker may take it at once
  store.put(bytes("2"), bytes("v"), 1000, false);
  store.put(bytes("3"), bytes("v"), 1000, false);
  store.put(bytes("4"), bytes("v"), 1000, false);
  bool done = false;
  store.prefetch({bytes("1")}, [&] { done = true; });
  // At most one call is with the store and two wait: the rest were dropped,
  // and the prefetch that found no room completed at once, empty.
  EXPECT_GE(store.stats().dropped, 2u);
  EXPECT_TRUE(done);
  inner->open();
}

}  // namespace
}  // namespace adieu::store
