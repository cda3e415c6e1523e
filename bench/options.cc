#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace adieu::bench {
namespace {

constexpr const char* kUsage = R"(usage: adieu-bench [options]

Runs adieu and OpenSSL's libssl side by side in one process (TLS 1.3 and
TLS 1.2, x25519, the same certificates, an in-memory transport) and prints
every figure for both (the median of the rounds and how the rounds spread),
with the ratio adieu/openssl and the fraction of libcrypto's own limit. A
figure that cannot be true (a zero or negative time, a byte rate beyond what
the machine's caches move) is refused, with the reason, and the exit status
is 1. A handshake that does not negotiate the version asked for fails.

  --quick                  a few seconds: 3 short rounds of everything (CI)
  --tsv=FILE               also write every figure, round spread included, as
                           tab-separated values to FILE (-: stdout, instead of
                           the tables); bench/plot_ratios.sh charts them
  --wall-time              time with CLOCK_MONOTONIC instead of the thread's
                           CPU time (the default, which leaves out the time a
                           busy shared machine gives to other processes; each
                           read is a system call whose cost is measured and
                           taken out)
  --only=LIST              sections among handshake,resumption,bulk,idle,quic,
                           loopback,limits
  --version=1.2|1.3|both   TLS 1.3 sections, TLS 1.2 sections (full ECDHE-ECDSA
                           and ECDHE-RSA handshakes, bulk), or both (both; idle
                           connections are measured in TLS 1.3 only)
  --lib=adieu|openssl      run one library only
  --rounds=N               rounds per figure, alternating the libraries (5)
  --handshakes=N           handshakes per round (100)
  --bulk-mib=N             MiB per bulk round (32)
  --connections=N          idle connections per round (100)
  --data-dir=DIR           certificates (the source tree's tests/data)
  --loopback-connections=N QUIC over loopback: connections per round and
                           client (20)
  --tools-dir=DIR          where adieu-client and adieu-server are, for QUIC
                           over loopback (this build's tools/)
  --loopback-mib=N         QUIC over loopback: MiB of the file downloaded (64)
  --quic-handshake=PORT    one QUIC handshake with 127.0.0.1:PORT, then exit
                           (what the loopback section runs as adieu's client)

Instruction counts (run under valgrind --tool=callgrind --collect-atstart=no):
  --callgrind-side=client|server --lib=adieu|openssl [--chain=ecdsa|rsa]
  [--resume=stateless|stateful] [--version=1.2] [--handshakes=N]
                           runs N handshakes (after 2 unmeasured; resumed
                           ones with --resume; TLS 1.2 with --version=1.2,
                           else TLS 1.3), collecting only inside that
                           side's calls
)";

bool starts_with(std::string_view text, std::string_view prefix, std::string_view* rest) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  *rest = text.substr(prefix.size());
  return true;
}

bool positive(std::string_view text, long* value) {
  std::string copy(text);
  char* end = nullptr;
  *value = std::strtol(copy.c_str(), &end, 10);
  return !copy.empty() && *end == '\0' && *value > 0 && *value < 1000000000;
}

}  // namespace

bool Options::wants(const char* section) const {
  if (only.empty()) return true;
  std::string_view list = only;
  while (!list.empty()) {
    size_t comma = list.find(',');
    if (list.substr(0, comma) == section) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

std::optional<Options> parse_options(int argc, char** argv, int* exit_status) {
  Options options;
  bool handshakes_set = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i], value;
    long number = 0;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      *exit_status = 0;
      return std::nullopt;
    } else if (starts_with(arg, "--loopback-connections=", &value) && positive(value, &number)) {
      options.loopback_connections = static_cast<int>(number);
    } else if (starts_with(arg, "--tools-dir=", &value) && !value.empty()) {
      options.tools_dir = value;
    } else if (starts_with(arg, "--loopback-mib=", &value) && positive(value, &number) &&
               number <= 4096) {
      options.loopback_bytes = static_cast<size_t>(number) << 20;
    } else if (starts_with(arg, "--quic-handshake=", &value) && positive(value, &number) &&
               number < 65536) {
      options.quic_handshake_port = static_cast<int>(number);
    } else if (arg == "--quick") {
      options.quick = true;
    } else if (arg == "--wall-time") {
      options.cpu_time = false;
    } else if (starts_with(arg, "--tsv=", &value) && !value.empty()) {
      options.tsv_file = value;
    } else if (starts_with(arg, "--only=", &value)) {
      options.only = value;
    } else if (starts_with(arg, "--version=", &value) &&
               (value == "1.2" || value == "1.3" || value == "both")) {
      options.tls12 = value != "1.3";
      options.tls13 = value != "1.2";
    } else if (starts_with(arg, "--lib=", &value) && (value == "adieu" || value == "openssl")) {
      options.library = value;
    } else if (starts_with(arg, "--rounds=", &value) && positive(value, &number)) {
      options.rounds = static_cast<int>(number);
    } else if (starts_with(arg, "--handshakes=", &value) && positive(value, &number)) {
      options.handshakes = static_cast<int>(number);
      handshakes_set = true;
    } else if (starts_with(arg, "--bulk-mib=", &value) && positive(value, &number)) {
      options.bulk_bytes = static_cast<size_t>(number) << 20;
    } else if (starts_with(arg, "--connections=", &value) && positive(value, &number)) {
      options.connections = static_cast<int>(number);
    } else if (starts_with(arg, "--data-dir=", &value)) {
      options.data_dir = value;
    } else if (starts_with(arg, "--callgrind-side=", &value) &&
               (value == "client" || value == "server")) {
      options.callgrind_side = value == "client" ? Side::client : Side::server;
    } else if (starts_with(arg, "--resume=", &value) &&
               (value == "stateless" || value == "stateful")) {
      options.resumption = value == "stateless" ? Resumption::stateless : Resumption::stateful;
    } else if (starts_with(arg, "--chain=", &value) && (value == "ecdsa" || value == "rsa")) {
      options.chain = value == "ecdsa" ? Chain::ecdsa : Chain::rsa;
    } else {
      std::fprintf(stderr, "adieu-bench: bad argument '%s'\n%s", argv[i], kUsage);
      *exit_status = 2;
      return std::nullopt;
    }
  }
  if (options.quick) {
    options.rounds = 3;
    if (!handshakes_set) options.handshakes = 20;
    options.bulk_bytes = 8u << 20;
    options.connections = 10;
    options.primitive_iterations = 20;
    options.loopback_connections = 2;
    options.loopback_bytes = 4u << 20;
  }
  if (options.callgrind_side) {
    if (options.library.empty()) {
      std::fprintf(stderr, "adieu-bench: --callgrind-side needs --lib=adieu|openssl\n");
      *exit_status = 2;
      return std::nullopt;
    }
    if (!handshakes_set) options.handshakes = 10;
  }
  return options;
}

}  // namespace adieu::bench
