// What a Session holds (see include/adieu/session.h).
#pragma once

#include <adieu/session.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "crypto/secret.h"

namespace adieu {

struct Session::Data {
  uint16_t cipher_suite = 0;
  // TLS 1.3: the ticket's resumption PSK (RFC 8446 section 4.6.1); TLS 1.2
  // (a TLS 1.2 cipher_suite): the master secret.
  crypto::Secret psk;
  std::vector<uint8_t> id;  // ticket (client) / session id (stateful server)
  // TLS 1.2 client: `id` is an RFC 5077 ticket rather than a session id.
  bool tls12_ticket = false;
  std::string server_name;
  std::string alpn;
  uint64_t issued_at_ms = 0;  // when the ticket was issued (server) / received (client)
  uint32_t lifetime_seconds = 0;
  uint32_t age_add = 0;
  // An external PSK (RFC 8446 section 4.2.11): provisioned, not from a
  // ticket; its binder uses "ext binder" and it has no age.
  bool external = false;
  // TLS 1.3: the most 0-RTT data the ticket allows (its early_data
  // extension, RFC 8446 section 4.2.10); 0: none.
  uint32_t max_early_data = 0;
  std::atomic<bool> resumable{true};
};

}  // namespace adieu
