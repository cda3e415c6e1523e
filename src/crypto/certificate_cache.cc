#include "crypto/certificate_cache.h"

#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace adieu::crypto {
namespace {

constexpr size_t kCapacity = 256;

struct Cache {
  std::mutex mutex;
  std::list<std::pair<std::string, Certificate>> entries;  // most recent first
  std::unordered_map<std::string_view, decltype(entries)::iterator> index;
};

Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: usable from any static destructor
  return *c;
}

}  // namespace

std::optional<Certificate> certificate_from_der_cached(std::span<const uint8_t> der) {
  std::string_view key(reinterpret_cast<const char*>(der.data()), der.size());
  Cache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.index.find(key);
    if (it != c.index.end()) {
      c.entries.splice(c.entries.begin(), c.entries, it->second);
      return it->second->second;
    }
  }
  std::optional<Certificate> parsed = Certificate::from_der(der);
  if (!parsed) return parsed;
  std::lock_guard<std::mutex> lock(c.mutex);
  if (c.index.find(key) == c.index.end()) {
    c.entries.emplace_front(std::string(key), *parsed);
    c.index.emplace(c.entries.front().first, c.entries.begin());
    if (c.entries.size() > kCapacity) {
      c.index.erase(c.entries.back().first);
      c.entries.pop_back();
    }
  }
  return parsed;
}

}  // namespace adieu::crypto
