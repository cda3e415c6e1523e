// Membership in the small lists the handshake negotiates over (suites,
// groups, schemes, ALPN names, PSK modes).
#pragma once

#include <algorithm>
#include <vector>

namespace adieu {

template <typename T>
bool contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace adieu
