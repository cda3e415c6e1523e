#include "figures.h"

#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "alloc_counter.h"
#include "meter.h"

namespace adieu::bench {
namespace {

constexpr int kWarmupHandshakes = 2;
constexpr size_t kBatchBytes = 64 * 1024;
constexpr size_t kScratchBytes = 16 * 1024;

// Why a handshake failed, as far as the pair knows.
std::string handshake_failure(const TlsPair& pair, const std::string& which) {
  return which + " failed" + (pair.failure().empty() ? "" : ": " + pair.failure());
}

// The first pair of a resuming factory makes the session the second offers,
// so after the warm-up every handshake must have resumed one: a client that
// kept no session would make the next pair's handshake a full one.
bool resumed_as_asked(PairFactory& factory, TlsPair& pair, std::string* error) {
  if (!factory.resuming() || pair.resumed()) return true;
  *error = "a handshake was not resumed: the previous pair left no session to offer";
  return false;
}

bool warm_up(PairFactory& factory, std::string* error) {
  for (int i = 0; i < kWarmupHandshakes; ++i) {
    auto pair = factory.make_pair();
    if (!pair->handshake()) {
      *error = handshake_failure(*pair, "warm-up handshake");
      return false;
    }
    if (i > 0 && !resumed_as_asked(factory, *pair, error)) return false;
  }
  return true;
}

// Adds the allocations made between `before` and `after` to `total`.
void add_allocations(alloc::Counts* total, const alloc::Counts& before,
                     const alloc::Counts& after) {
  total->allocations += after.allocations - before.allocations;
  total->libcrypto_allocations += after.libcrypto_allocations - before.libcrypto_allocations;
}

// Not clamped: a time of zero gives an infinite rate, a negative time a
// negative one, and the report refuses both (validity.h).
double per_second(double count, int64_t ns) {
  if (ns == 0) return std::numeric_limits<double>::infinity();
  return count * 1e9 / static_cast<double>(ns);
}

}  // namespace

std::optional<HandshakeRound> measure_handshakes(PairFactory& factory, int handshakes,
                                                 std::string* error) {
  if (!warm_up(factory, error)) return std::nullopt;
  meter::set_timing(true);
  HandshakeRound round;
  int64_t client_ns = 0, server_ns = 0, wall_ns = 0;
  alloc::Counts client_total, server_total;
  for (int i = 0; i < handshakes; ++i) {
    auto pair = factory.make_pair();
    const int64_t client_before = meter::elapsed_ns(Side::client);
    const int64_t server_before = meter::elapsed_ns(Side::server);
    const alloc::Counts client_allocs_before = alloc::counts(Side::client);
    const alloc::Counts server_allocs_before = alloc::counts(Side::server);
    const uint64_t scopes_before = meter::scopes_entered();
    const uint64_t start = meter::now_ns();
    const bool ok = pair->handshake();
    wall_ns +=
        meter::since_ns(start, meter::scope_overhead_ns(meter::scopes_entered() - scopes_before));
    client_ns += meter::elapsed_ns(Side::client) - client_before;
    server_ns += meter::elapsed_ns(Side::server) - server_before;
    add_allocations(&client_total, client_allocs_before, alloc::counts(Side::client));
    add_allocations(&server_total, server_allocs_before, alloc::counts(Side::server));
    if (!ok) {
      *error = handshake_failure(*pair, "handshake " + std::to_string(i));
      return std::nullopt;
    }
    if (!resumed_as_asked(factory, *pair, error)) return std::nullopt;
    if (i == 0) round.negotiated = pair->describe();
  }
  round.client_per_s = per_second(handshakes, client_ns);
  round.server_per_s = per_second(handshakes, server_ns);
  round.both_per_s = per_second(handshakes, wall_ns);
  round.client_allocations = static_cast<double>(client_total.allocations) / handshakes;
  round.server_allocations = static_cast<double>(server_total.allocations) / handshakes;
  round.client_libcrypto_allocations =
      static_cast<double>(client_total.libcrypto_allocations) / handshakes;
  round.server_libcrypto_allocations =
      static_cast<double>(server_total.libcrypto_allocations) / handshakes;
  return round;
}

std::optional<BulkRound> measure_bulk(PairFactory& factory, size_t write_size, size_t total_bytes,
                                      std::string* error) {
  auto pair = factory.make_pair();
  if (!pair->handshake()) {
    *error = handshake_failure(*pair, "handshake");
    return std::nullopt;
  }
  std::vector<uint8_t> data(write_size);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 131 + 7);
  std::vector<uint8_t> scratch(kScratchBytes);

  // The data path works before it is timed: one write arrives intact.
  std::vector<uint8_t> received;
  const TlsPair::Consumer keep = [&received](std::span<const uint8_t> piece) {
    received.insert(received.end(), piece.begin(), piece.end());
  };
  if (!pair->send(Side::client, data, 1) ||
      pair->receive_all(Side::server, scratch, keep) != static_cast<int64_t>(write_size) ||
      received != data) {
    *error = "bulk data did not arrive intact";
    return std::nullopt;
  }

  const size_t writes_per_batch = kBatchBytes / write_size;
  const size_t batch_bytes = writes_per_batch * write_size;
  const size_t batches = (total_bytes + batch_bytes - 1) / batch_bytes;
  meter::set_timing(true);
  meter::reset();
  const uint64_t scopes_before = meter::scopes_entered();
  const uint64_t start = meter::now_ns();
  for (size_t b = 0; b < batches; ++b) {
    if (!pair->send(Side::client, data, writes_per_batch) ||
        pair->receive_all(Side::server, scratch) != static_cast<int64_t>(batch_bytes)) {
      *error = "bulk transfer failed";
      return std::nullopt;
    }
  }
  const int64_t wall_ns =
      meter::since_ns(start, meter::scope_overhead_ns(meter::scopes_entered() - scopes_before));
  const double bytes = static_cast<double>(batches * batch_bytes);
  return BulkRound{per_second(bytes, meter::elapsed_ns(Side::client)),
                   per_second(bytes, meter::elapsed_ns(Side::server)), per_second(bytes, wall_ns)};
}

std::optional<IdleRound> measure_idle(PairFactory& factory, int connections, std::string* error) {
  if (!warm_up(factory, error)) return std::nullopt;
  std::vector<std::unique_ptr<TlsPair>> pairs;
  pairs.reserve(static_cast<size_t>(connections));
  for (int i = 0; i < connections; ++i) pairs.push_back(factory.make_pair());

  const alloc::Counts client_before = alloc::counts(Side::client);
  const alloc::Counts server_before = alloc::counts(Side::server);
  for (auto& pair : pairs) {
    if (!pair->handshake()) {
      *error = handshake_failure(*pair, "handshake");
      return std::nullopt;
    }
  }
  IdleRound round;
  const alloc::Counts client_after = alloc::counts(Side::client);
  const alloc::Counts server_after = alloc::counts(Side::server);
  const double n = connections;
  round.client_bytes = static_cast<double>(client_after.live_bytes - client_before.live_bytes) / n;
  round.server_bytes = static_cast<double>(server_after.live_bytes - server_before.live_bytes) / n;
  round.client_libcrypto_bytes =
      static_cast<double>(client_after.libcrypto_live_bytes - client_before.libcrypto_live_bytes) /
      n;
  round.server_libcrypto_bytes =
      static_cast<double>(server_after.libcrypto_live_bytes - server_before.libcrypto_live_bytes) /
      n;

  // Close and teardown are timed over the whole batch, without per-call clocks.
  meter::set_timing(false);
  uint64_t start = meter::now_ns();
  for (auto& pair : pairs) {
    if (!pair->close()) {
      meter::set_timing(true);
      *error = "bidirectional close failed";
      return std::nullopt;
    }
  }
  round.close_ns = static_cast<double>(meter::now_ns() - start) / connections;
  start = meter::now_ns();
  for (auto& pair : pairs) pair->teardown();
  round.teardown_ns = static_cast<double>(meter::now_ns() - start) / connections;
  meter::set_timing(true);

  round.leaked_bytes = (alloc::counts(Side::client).live_bytes - client_before.live_bytes) +
                       (alloc::counts(Side::server).live_bytes - server_before.live_bytes);
  return round;
}

bool run_callgrind_handshakes(PairFactory& factory, Side side, int handshakes, std::string* error) {
  if (!warm_up(factory, error)) return false;
  meter::set_timing(false);
  for (int i = 0; i < handshakes; ++i) {
    auto pair = factory.make_pair();
    meter::set_callgrind_side(side);
    const bool ok = pair->handshake();
    meter::set_callgrind_side(Side::harness);
    if (!ok) {
      *error = handshake_failure(*pair, "handshake " + std::to_string(i));
      return false;
    }
    if (!resumed_as_asked(factory, *pair, error)) return false;
  }
  return true;
}

}  // namespace adieu::bench
