// Command line of adieu-bench.
#pragma once

#include <optional>
#include <string>

#include "side.h"
#include "tls_pair.h"

namespace adieu::bench {

struct Options {
  bool quick = false;
  // --tsv=FILE: every figure as tab-separated values (data_file.h) into FILE;
  // "-": to stdout, instead of the tables.
  std::string tsv_file;
  bool cpu_time = true;  // CLOCK_THREAD_CPUTIME_ID; false: CLOCK_MONOTONIC (--wall-time)
  int rounds = 5;
  int handshakes = 100;           // per round, per library, per chain
  size_t bulk_bytes = 32u << 20;  // per round, per suite and write size
  int connections = 100;          // idle connections per round
  int primitive_iterations = 200;
  int loopback_connections = 20;      // QUIC over loopback: per round and client
  size_t loopback_bytes = 64u << 20;  // QUIC over loopback: the file downloaded
  // --quic-handshake=PORT: the child of the loopback section (quic_loopback.h).
  int quic_handshake_port = 0;
  std::string data_dir = ADIEU_BENCH_DATA_DIR;
  // adieu-client and adieu-server, for QUIC over loopback (this build's).
  std::string tools_dir = ADIEU_BENCH_TOOLS_DIR;
  std::string only;  // comma-separated sections; empty: all
  // --version=1.2|1.3|both (both): which versions' sections run. In callgrind
  // mode, TLS 1.2 when only 1.2 is asked for, else TLS 1.3.
  bool tls13 = true;
  bool tls12 = true;
  std::string library;  // "adieu" or "openssl"; empty: both
  // Callgrind mode: handshakes only, collection around this side's calls only.
  std::optional<Side> callgrind_side;
  Chain chain = Chain::ecdsa;
  Resumption resumption = Resumption::none;  // callgrind mode: --resume=

  bool wants(const char* section) const;
};

// Returns nullopt after printing the usage (for --help, status 0) or an error
// (status 2) to stderr; `exit_status` says which.
std::optional<Options> parse_options(int argc, char** argv, int* exit_status);

}  // namespace adieu::bench
