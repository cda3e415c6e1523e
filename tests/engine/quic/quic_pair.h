// Two adieu::quic::Connections over an in-memory datagram path the test
// controls, on a simulated clock: each datagram can be dropped, duplicated,
// delayed (so reordered), corrupted or truncated, by a rule the test gives
// and by seeded randomness. The server side is made from the client's first
// datagram that arrives, as quic::Server would.
#pragma once

#include <gtest/gtest.h>

#include <adieu/quic.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "engine/quic/connection_ids.h"
#include "engine/quic/packet_header.h"
#include "unit/quic/quic_tls_support.h"

namespace adieu::quic::test {

using namespace std::chrono_literals;

enum class Side { client = 0, server = 1 };

// What becomes of one datagram.
struct Fate {
  bool drop = false;
  int copies = 1;    // 2: duplicated
  Duration extra{};  // delivered this much later than the path's delay
};

class QuicPair {
 public:
  // The rule: sees each datagram (and may change its bytes) with its side of
  // origin and its index among that side's datagrams.
  using Rule = std::function<Fate(Side from, uint64_t index, std::vector<uint8_t>& datagram)>;

  explicit QuicPair(std::shared_ptr<const Config> client_config = quic_client_config(),
                    std::shared_ptr<const Config> server_config = quic_server_config())
      : client_config_(std::move(client_config)), server_config_(std::move(server_config)) {
    server_settings.stateless_reset_key = StatelessResetKey{7, 7, 7};
  }

  Instant now = Instant{} + std::chrono::seconds(1000);
  Settings client_settings;
  Settings server_settings;
  Duration delay = 10ms;  // one way
  double loss = 0;        // random loss rate, both ways
  std::mt19937_64 rng{12345};
  Rule rule;
  // Bytes and datagrams each side put on the path, and delivered to it.
  std::array<uint64_t, 2> sent_bytes{};
  std::array<uint64_t, 2> sent_datagrams{};
  std::array<uint64_t, 2> delivered_bytes{};
  // The server's bytes sent and the client's bytes delivered to it, checked
  // after each datagram the server sends (anti-amplification).
  // Checked only when check_amplification is set (the test knows the
  // client's address is not validated).
  bool check_amplification = false;
  uint64_t max_server_ratio_violation = 0;
  std::vector<uint8_t> first_client_datagram;
  std::vector<std::vector<uint8_t>> server_datagrams_log;  // the server's first datagrams
  AcceptedInitial accepted;
  // Before the server exists, a client datagram can be diverted (Retry test).
  std::function<bool(std::vector<uint8_t>&)> before_server;

  std::unique_ptr<Connection> client;
  std::unique_ptr<Connection> server;

  void start() { client = Connection::client(client_config_, client_settings, "localhost", now); }

  Connection* side(Side s) { return s == Side::client ? client.get() : server.get(); }

  // Sends what each side has, then moves time to the next event (a delivery
  // or a timer) and runs it.
  // Never moves time past `until`.
  void step(Instant until = kNever) {
    flush(Side::client);
    flush(Side::server);
    Instant next = until;
    if (!queue_.empty()) next = std::min(next, queue_.begin()->first);
    for (Connection* c : {client.get(), server.get()}) {
      if (c) next = std::min(next, c->next_timeout());
    }
    if (next == kNever) {
      now += 1s;
      return;
    }
    now = std::max(now, next);
    while (!queue_.empty() && queue_.begin()->first <= now) {
      auto node = queue_.extract(queue_.begin());
      deliver(node.mapped().first, node.mapped().second);
    }
    for (Connection* c : {client.get(), server.get()}) {
      if (c && c->next_timeout() <= now) c->on_timeout(now);
    }
  }

  // Steps until `done` or `limit` of simulated time passed; returns done().
  bool run_until(const std::function<bool()>& done, Duration limit = 60s) {
    const Instant end = now + limit;
    while (!done() && now < end) step(end);
    return done();
  }
  void run_for(Duration d) {
    const Instant end = now + d;
    while (now < end) step(end);
  }

  bool handshake_done() {
    return client && server && client->handshake_confirmed() && server->handshake_confirmed();
  }
  bool handshake() {
    return run_until([&] { return handshake_done(); });
  }

  // Injects a datagram to `to` now.
  void inject(Side to, std::span<const uint8_t> datagram) {
    Connection* c = side(to);
    if (c) c->receive(datagram, now);
  }

  Instant next_timer() const {
    Instant t = kNever;
    for (const Connection* c : {client.get(), server.get()}) {
      if (c) t = std::min(t, c->next_timeout());
    }
    return t;
  }

 private:
  void flush(Side from) {
    Connection* c = side(from);
    if (!c) return;
    std::vector<uint8_t> datagram;
    for (int i = 0; i < 10000 && c->send(now, datagram); ++i) {
      EXPECT_LE(datagram.size(), 1200u);
      const uint64_t index = sent_datagrams[static_cast<size_t>(from)]++;
      sent_bytes[static_cast<size_t>(from)] += datagram.size();
      if (from == Side::server) {
        if (server_datagrams_log.size() < 8) server_datagrams_log.push_back(datagram);
        const uint64_t limit = 3 * delivered_bytes[0];
        if (check_amplification && sent_bytes[1] > limit) {
          max_server_ratio_violation = std::max(max_server_ratio_violation, sent_bytes[1] - limit);
        }
      }
      Fate fate;
      if (rule) fate = rule(from, index, datagram);
      if (!fate.drop && loss > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < loss) {
        fate.drop = true;
      }
      if (fate.drop) continue;
      for (int k = 0; k < fate.copies; ++k) {
        queue_.emplace(
            now + delay + fate.extra,
            std::make_pair(from == Side::client ? Side::server : Side::client, datagram));
      }
    }
  }

  void deliver(Side to, std::vector<uint8_t>& datagram) {
    if (to == Side::server && !server) {
      if (before_server && !before_server(datagram)) return;
      PacketHeader h;
      if (parse_packet_header(datagram, 8, h) != HeaderStatus::ok ||
          h.type != PacketType::initial) {
        return;
      }
      first_client_datagram = datagram;
      if (accepted.local_cid.empty()) {
        accepted.original_destination_cid.assign(h.dcid.begin(), h.dcid.end());
        accepted.local_cid = {0x5e, 0x77, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
        accepted.stateless_reset_token = stateless_reset_token(
            *server_settings.stateless_reset_key, *ConnectionId::from(accepted.local_cid));
      }
      delivered_bytes[0] += datagram.size();
      server = Connection::server(server_config_, server_settings, accepted, datagram, now);
      return;
    }
    if (to == Side::server) delivered_bytes[0] += datagram.size();
    Connection* c = side(to);
    if (c) c->receive(datagram, now);
  }

  std::shared_ptr<const Config> client_config_;
  std::shared_ptr<const Config> server_config_;
  std::multimap<Instant, std::pair<Side, std::vector<uint8_t>>> queue_;
};

// Writes `data` on `stream` of `from` and reads everything `to` receives on
// the stream the peer sees, until the FIN; returns what was read.
inline std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 31 + (i >> 8));
  return v;
}

}  // namespace adieu::quic::test
