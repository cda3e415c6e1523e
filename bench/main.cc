// adieu-bench: adieu and OpenSSL's libssl side by side. See docs/performance.md.
#include <openssl/crypto.h>

#include <array>
#include <cstdio>
#include <memory>

#include "alloc_counter.h"
#include "bench.h"
#include "figures.h"
#include "meter.h"
#include "options.h"
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

void print_preamble(const Options& options, bool counting_libcrypto) {
  std::printf("adieu-bench%s: %s, %s build, compiler %s\n", options.quick ? " --quick" : "",
              OpenSSL_version(OPENSSL_VERSION), build_kind(), __VERSION__);
  std::printf("Clock: %s.\n", meter::using_cpu_time()
                                  ? "the thread's CPU time (clock reads taken out)"
                                  : "CLOCK_MONOTONIC (--wall-time)");
  std::printf(
      "Both libraries run in one process and one thread with the same libcrypto, certificates,\n"
      "TLS 1.3 and x25519, over the same in-memory transport (a byte queue per direction).\n"
      "Client/server figures sum the time spent inside that end's own calls (creating it,\n"
      "handshake, write, read); the peer's calls and the transport count for neither. 'Both'\n"
      "times the whole exchange, both ends on one core. Each figure is the median of %d round(s),\n"
      "the libraries alternating round by round. Each server sends 2 NewSessionTickets per\n"
      "full handshake (OpenSSL's default, and adieu's); the client processes them inside the\n"
      "handshake figure. Heap: every libcrypto allocation (CRYPTO_set_mem_functions) and\n"
      "every C++ operator new, attributed to the side whose call made it%s.\n",
      options.rounds, counting_libcrypto ? "" : " (LIBCRYPTO HOOKS FAILED: C++ only)");
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
  auto factory = library->factory(Scenario{options.chain,
                                           "TLS_AES_128_GCM_SHA256:"
                                           "TLS_AES_256_GCM_SHA384:"
                                           "TLS_CHACHA20_POLY1305_SHA256",
                                           false, options.resumption},
                                  cert_files(options.data_dir, options.chain), &error);
  if (!factory ||
      !run_callgrind_handshakes(*factory, *options.callgrind_side, options.handshakes, &error)) {
    std::fprintf(stderr, "adieu-bench: %s: %s\n", library->name(), error.c_str());
    return 1;
  }
  std::printf("callgrind %s %s %s %s handshakes %d\n", library->name(),
              side_name(*options.callgrind_side), chain_name(options.chain),
              resumption_name(options.resumption), options.handshakes);
  return 0;
}

int run(int argc, char** argv) {
  int status = 0;
  auto options = parse_options(argc, argv, &status);
  if (!options) return status;
  // Before libcrypto allocates anything. Instruction counts are taken without
  // the counting hooks, so they measure the libraries alone.
  const bool counting = !options->callgrind_side && alloc::install_libcrypto_hooks();
  if (options->callgrind_side) return run_callgrind(*options);

  meter::select_clock(options->cpu_time);
  Bench bench(*options, libraries(*options));
  std::vector<Section> sections = bench.run();
  if (!options->lines_only) {
    print_preamble(*options, counting);
    print_table(sections, stdout);
    std::printf("\n");
  }
  print_lines(sections, stdout);
  if (!counting) std::fprintf(stderr, "adieu-bench: libcrypto allocations were not counted\n");
  if (bench.failed()) std::fprintf(stderr, "adieu-bench: some measurements FAILED (see notes)\n");
  return bench.failed() || !counting ? 1 : 0;
}

}  // namespace
}  // namespace adieu::bench

int main(int argc, char** argv) {
  return adieu::bench::run(argc, argv);
}
