// Session fixtures shared by the session tests.
#pragma once

#include <adieu/session.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/session/session_data.h"

namespace adieu::testing {

inline std::vector<uint8_t> key_of(const std::string& s) {
  return {s.begin(), s.end()};
}

// A resumable session issued at `issued_at_ms` for `lifetime_seconds`.
inline std::shared_ptr<Session> make_session(const std::string& id, uint64_t issued_at_ms = 0,
                                             uint32_t lifetime_seconds = 7200) {
  auto d = std::make_unique<Session::Data>();
  d->cipher_suite = 0x1301;
  const std::vector<uint8_t> psk(32, 0x5a);
  d->psk = crypto::Secret(psk);
  d->id = key_of(id);
  d->server_name = "example.com";
  d->alpn = "h2";
  d->issued_at_ms = issued_at_ms;
  d->lifetime_seconds = lifetime_seconds;
  d->age_add = 0x01020304;
  return std::make_shared<Session>(std::move(d));
}

}  // namespace adieu::testing
