// The measurements, one round at a time. Each function measures one library;
// Bench (bench.h) alternates the libraries round by round and keeps every round.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "tls_pair.h"

namespace adieu::bench {

// Full handshakes: creation of both ends and the handshake until nothing is in
// flight (the server's two tickets processed by the client); freeing is the
// teardown figure, not this one.
struct HandshakeRound {
  double client_per_s = 0;        // handshakes / time inside the client's calls
  double server_per_s = 0;        // handshakes / time inside the server's calls
  double both_per_s = 0;          // handshakes / wall time of both ends on one core
  double client_allocations = 0;  // per handshake
  double server_allocations = 0;
  double client_libcrypto_allocations = 0;  // the part made through libcrypto
  double server_libcrypto_allocations = 0;
  std::string negotiated;  // what the first handshake negotiated
};
std::optional<HandshakeRound> measure_handshakes(PairFactory& factory, int handshakes,
                                                 std::string* error);

// Bulk data from client to server, `write_size` bytes per write, in batches of
// 64 KiB: the client writes a batch, then the server reads all of it.
struct BulkRound {
  double encrypt_bytes_per_s = 0;  // plaintext bytes / time inside the client's calls
  double decrypt_bytes_per_s = 0;  // plaintext bytes / time inside the server's calls
  double both_bytes_per_s = 0;     // plaintext bytes / wall time
};
std::optional<BulkRound> measure_bulk(PairFactory& factory, size_t write_size, size_t total_bytes,
                                      std::string* error);

// `connections` pairs established and idle (handshake done, everything
// drained), then closed, then freed.
struct IdleRound {
  double client_bytes = 0;  // heap held per idle connection
  double server_bytes = 0;
  double client_libcrypto_bytes = 0;  // the part allocated through libcrypto
  double server_libcrypto_bytes = 0;
  double close_ns = 0;     // bidirectional close_notify, per connection, both ends
  double teardown_ns = 0;  // freeing both ends, per connection
  // Bytes still held by either side after every connection was freed (leak check).
  long long leaked_bytes = 0;
};
std::optional<IdleRound> measure_idle(PairFactory& factory, int connections, std::string* error);

// Instruction counting: `handshakes` handshakes with callgrind collecting
// inside `side`'s calls only.
bool run_callgrind_handshakes(PairFactory& factory, Side side, int handshakes, std::string* error);

}  // namespace adieu::bench
