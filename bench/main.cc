// adieu-bench: adieu and OpenSSL's libssl side by side. See docs/performance.md.
#include <openssl/crypto.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "alloc_counter.h"
#include "bench.h"
#include "data_file.h"
#include "figures.h"
#include "machine.h"
#include "meter.h"
#include "options.h"
#include "quic_loopback.h"
#include "report.h"
#include "tls_pair.h"

namespace adieu::bench {
namespace {

const char* build_kind() {
#ifdef NDEBUG
  return "optimized";
#else
  return "NOT OPTIMIZED (assertions on): figures are not representative";
#endif
}

// What the run was: the first lines of the tables and the comments of --tsv.
std::vector<std::string> describe_run(const Options& options, bool counting_libcrypto,
                                      const MachineLimits& machine) {
  char text[512];
  std::vector<std::string> lines;
  std::snprintf(text, sizeof text, "adieu-bench%s: %s, %s build, compiler %s",
                options.quick ? " --quick" : "", OpenSSL_version(OPENSSL_VERSION), build_kind(),
                __VERSION__);
  lines.push_back(text);
  lines.push_back("Machine: " + describe_machine());
  lines.push_back(std::string("Clock: ") + (meter::using_cpu_time()
                                                ? "the thread's CPU time (clock reads taken out)."
                                                : "CLOCK_MONOTONIC (--wall-time)."));
  std::snprintf(text, sizeof text,
                "Each figure is the median of %d round(s) and its spread (half the range of the "
                "rounds, relative to the median);",
                options.rounds);
  lines.push_back(text);
  lines.push_back(
      "limits (libcrypto alone) are their best round. A figure that cannot be true is not shown;");
  std::snprintf(text, sizeof text,
                "a note says why. Byte rates above %.0f MB/s (twice what memcpy moves within this "
                "CPU's L1 cache) cannot be true.",
                machine.max_MBps);
  lines.push_back(text);
  if (!counting_libcrypto) lines.push_back("LIBCRYPTO HOOKS FAILED: heap figures count C++ only.");
  return lines;
}

void print_preamble(const std::vector<std::string>& description) {
  for (const std::string& line : description) std::printf("%s\n", line.c_str());
  std::printf(
      "Both libraries run in one process and one thread with the same libcrypto, certificates,\n"
      "version (TLS 1.3, or TLS 1.2 where a section says so: both ends offer only that one, and\n"
      "a handshake that negotiates another fails) and x25519, over the same in-memory transport\n"
      "(a byte queue per direction).\n"
      "Client/server figures sum the time spent inside that end's own calls (creating it,\n"
      "handshake, write, read); the peer's calls and the transport count for neither. 'Both'\n"
      "times the whole exchange, both ends on one core. The libraries alternate round by round,\n"
      "and libcrypto's limit is measured after each round: 'ratio' and 'of limit' are the\n"
      "medians of the round-by-round quotients, so a slow moment of the machine weighs on both\n"
      "sides of a quotient.\n"
      "Each TLS 1.3 server sends 2 NewSessionTickets per full handshake (OpenSSL's default, and\n"
      "adieu's), a TLS 1.2 server one RFC 5077 ticket (both defaults); the client processes\n"
      "them inside the handshake figure.\n"
      "Heap: every libcrypto allocation (CRYPTO_set_mem_functions) and every C++ operator new,\n"
      "attributed to the side whose call made it.\n");
}

std::array<std::unique_ptr<Library>, 2> libraries(const Options& options) {
  std::array<std::unique_ptr<Library>, 2> libraries;
  if (options.library.empty() || options.library == "adieu") libraries[0] = make_adieu_library();
  if (options.library.empty() || options.library == "openssl") {
    libraries[1] = make_openssl_library();
  }
  return libraries;
}

int run_callgrind(const Options& options) {
  auto library = options.library == "adieu" ? make_adieu_library() : make_openssl_library();
  std::string error;
  // The handshakes' scenario of the tables (bench.cc): TLS 1.3 with its three
  // suites, or TLS 1.2 with the chain's ECDHE AES-128-GCM suite.
  const bool tls12 = !options.tls13;
  Scenario scenario{options.chain, "", false, options.resumption};
  scenario.version = tls12 ? kTls12 : kTls13;
  scenario.cipher_suites = !tls12                          ? "TLS_AES_128_GCM_SHA256:"
                                                             "TLS_AES_256_GCM_SHA384:"
                                                             "TLS_CHACHA20_POLY1305_SHA256"
                           : options.chain == Chain::ecdsa ? "ECDHE-ECDSA-AES128-GCM-SHA256"
                                                           : "ECDHE-RSA-AES128-GCM-SHA256";
  auto factory = library->factory(scenario, cert_files(options.data_dir, options.chain), &error);
  if (!factory ||
      !run_callgrind_handshakes(*factory, *options.callgrind_side, options.handshakes, &error)) {
    std::fprintf(stderr, "adieu-bench: %s: %s\n", library->name(), error.c_str());
    return 1;
  }
  std::printf("callgrind %s %s %s %s %s handshakes %d\n", library->name(),
              version_label(scenario.version), side_name(*options.callgrind_side),
              chain_name(options.chain), resumption_name(options.resumption), options.handshakes);
  return 0;
}

int run(int argc, char** argv) {
  int status = 0;
  auto options = parse_options(argc, argv, &status);
  if (!options) return status;
  if (options->quic_handshake_port != 0) {
    return quic_handshake_once(options->data_dir, options->quic_handshake_port);
  }
  // Before libcrypto allocates anything. Instruction counts are taken without
  // the counting hooks, so they measure the libraries alone.
  const bool counting = !options->callgrind_side && alloc::install_libcrypto_hooks();
  if (options->callgrind_side) return run_callgrind(*options);

  meter::select_clock(options->cpu_time);
  const MachineLimits machine = measure_machine();
  if (machine.max_MBps <= 0) {
    std::fprintf(stderr, "adieu-bench: the clock did not move over a memcpy loop\n");
    return 1;
  }
  Bench bench(*options, libraries(*options));
  std::vector<Section> sections = bench.run();
  const int refused = validate(&sections, machine);
  const std::vector<std::string> description = describe_run(*options, counting, machine);
  if (options->tsv_file != "-") {
    print_preamble(description);
    print_table(sections, stdout);
  }
  if (!options->tsv_file.empty()) {
    std::FILE* out = options->tsv_file == "-" ? stdout : std::fopen(options->tsv_file.c_str(), "w");
    if (out == nullptr) {
      std::fprintf(stderr, "adieu-bench: cannot write %s\n", options->tsv_file.c_str());
      return 1;
    }
    write_tsv(sections, description, out);
    if (out != stdout && std::fclose(out) != 0) {
      std::fprintf(stderr, "adieu-bench: cannot write %s\n", options->tsv_file.c_str());
      return 1;
    }
  }
  if (!counting) std::fprintf(stderr, "adieu-bench: libcrypto allocations were not counted\n");
  if (bench.failed()) std::fprintf(stderr, "adieu-bench: some measurements FAILED (see notes)\n");
  if (refused > 0) {
    std::fprintf(stderr, "adieu-bench: %d figure(s) REFUSED: they cannot be true (see notes)\n",
                 refused);
  }
  return bench.failed() || !counting || refused > 0 ? 1 : 0;
}

}  // namespace
}  // namespace adieu::bench

int main(int argc, char** argv) {
  return adieu::bench::run(argc, argv);
}
