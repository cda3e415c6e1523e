// A stand-in for adieu-server / adieu-client in the interop harness's own
// test (harness_test.sh): it behaves as FAKE_PEER says, so the test can show
// that lib.sh fails a script whose adieu process leaks, crashes or hangs.
// Always built with AddressSanitizer, so a leak is a real LeakSanitizer
// report in every build.
//
//   FAKE_PEER=server          prints adieu-server's "listening" line, exits 0
//                             on SIGTERM
//   FAKE_PEER=leaky-server    the same, but leaks memory before exiting
//   FAKE_PEER=crashing-server the same, but aborts on SIGTERM
//   FAKE_PEER=client          exits 0
//   FAKE_PEER=leaky-client    leaks memory, exits 0
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

volatile sig_atomic_t g_stop = 0;
void on_term(int) {
  g_stop = 1;
}

void leak() {
  // The only pointer to the block is dropped: LeakSanitizer reports it at exit.
  void* volatile block = std::malloc(4096);
  std::memset(block, 1, 4096);
  block = nullptr;
}

int serve(bool leaks, bool crashes) {
  struct sigaction action {};
  action.sa_handler = on_term;
  sigaction(SIGTERM, &action, nullptr);
  std::fprintf(stderr, "adieu-server: listening on 127.0.0.1:9\n");
  while (!g_stop) pause();
  if (crashes) std::abort();
  if (leaks) leak();
  return 0;
}

}  // namespace

int main() {
  const char* mode = std::getenv("FAKE_PEER");
  if (mode == nullptr) return 2;
  if (std::strcmp(mode, "server") == 0) return serve(false, false);
  if (std::strcmp(mode, "leaky-server") == 0) return serve(true, false);
  if (std::strcmp(mode, "crashing-server") == 0) return serve(false, true);
  if (std::strcmp(mode, "client") == 0) return 0;
  if (std::strcmp(mode, "leaky-client") == 0) {
    leak();
    return 0;
  }
  return 2;
}
