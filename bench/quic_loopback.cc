#include "quic_loopback.h"

#include <adieu/config.h>
#include <adieu/quic.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "quic_pair.h"
#include "tls_pair.h"

extern char** environ;

namespace adieu::bench {
namespace {

using namespace std::chrono_literals;

constexpr const char* kServer = "/usr/sbin/gtlsserver";
constexpr const char* kClient = "/usr/bin/gtlsclient";
constexpr std::chrono::milliseconds kChildTimeout = 5000ms;
constexpr std::chrono::milliseconds kHandshakeTimeout = 3000ms;
constexpr uint64_t kH3NoError = 0x100;  // RFC 9114 section 8.1

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

quic::Instant engine_now() {
  return quic::Instant{std::chrono::duration_cast<quic::Duration>(
      std::chrono::steady_clock::now().time_since_epoch())};
}

// A child process with its output thrown away.
std::optional<pid_t> spawn(const std::vector<std::string>& args, std::string* error) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int status = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (status != 0) {
    *error = "cannot start " + args[0];
    return std::nullopt;
  }
  return pid;
}

// Waits for `pid` until `timeout`, then kills it. Its exit status (-1 when
// killed) and CPU time.
struct Exit {
  int status = -1;
  double cpu_s = 0;
};
Exit wait_for(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  Exit exit;
  for (;;) {
    int status = 0;
    rusage usage{};
    const pid_t done = wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) {
      if (WIFEXITED(status)) exit.status = WEXITSTATUS(status);
      exit.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                   static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
      break;
    }
    if (done < 0) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      break;
    }
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      poll(&p, 1, 10);
    } else {
      std::this_thread::sleep_for(100us);
    }
  }
  if (pidfd >= 0) close(pidfd);
  return exit;
}

// A free UDP port on 127.0.0.1 (the kernel's choice, released at once).
int free_udp_port() {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

std::shared_ptr<Config> client_config(const std::string& data_dir, std::string* error) {
  auto config = std::make_shared<Config>(Role::client);
  if (!config->load_ca_file(cert_files(data_dir, Chain::ecdsa).root, error) ||
      !config->set_alpn({kQuicAlpn}, error)) {
    return nullptr;
  }
  config->set_verify(VerifyMode::required);
  return config;
}

// One adieu QUIC connection to 127.0.0.1:`port` over UDP: the handshake
// until confirmed (HANDSHAKE_DONE received), then CONNECTION_CLOSE.
bool udp_handshake(const std::shared_ptr<const Config>& config, int port, std::string* error) {
  error->clear();
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    *error = "socket failed";
    return false;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    *error = "connect failed";
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + kHandshakeTimeout;
  auto client = quic::Connection::client(config, quic::Settings{}, kServerName, engine_now());
  std::vector<uint8_t> datagram(65536);
  bool ok = false;
  const auto flush = [&] {
    std::vector<uint8_t> out;
    while (client->send(engine_now(), out)) ::send(fd, out.data(), out.size(), 0);
  };
  while (client && std::chrono::steady_clock::now() < deadline) {
    flush();
    if (client->handshake_confirmed()) {
      if (client->alpn() != kQuicAlpn) {
        *error = "ALPN h3 not negotiated";
        break;
      }
      client->close(kH3NoError, "");
      flush();
      ok = true;
      break;
    }
    if (client->terminated() || client->close_sent()) {
      *error = client->close_info() ? "closed: " + client->close_info()->reason : "closed";
      break;
    }
    const quic::Instant now = engine_now();
    const quic::Instant next = client->next_timeout();
    int wait_ms = 50;
    if (next != quic::kNever) {
      wait_ms = static_cast<int>(std::clamp<int64_t>(
          std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count(), 0, 50));
    }
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, wait_ms);
    for (;;) {
      const ssize_t n = recv(fd, datagram.data(), datagram.size(), 0);
      if (n <= 0) break;
      client->receive(std::span<const uint8_t>(datagram.data(), static_cast<size_t>(n)),
                      engine_now());
    }
    if (client->next_timeout() <= engine_now()) client->on_timeout(engine_now());
  }
  if (!ok && error->empty()) *error = "no handshake within 3 s";
  close(fd);
  return ok;
}

// Runs `connections` children made by `args` one after the other.
struct ChildRun {
  double per_s = 0;
  double cpu_ms = 0;
};
std::optional<ChildRun> run_children(const std::vector<std::string>& args, int connections,
                                     std::string* error) {
  double cpu_s = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < connections; ++i) {
    std::optional<pid_t> pid = spawn(args, error);
    if (!pid) return std::nullopt;
    const Exit exit = wait_for(*pid, kChildTimeout);
    if (exit.status != 0) {
      *error = args[0] + (exit.status < 0 ? " timed out or was killed"
                                          : " exited with " + std::to_string(exit.status));
      return std::nullopt;
    }
    cpu_s += exit.cpu_s;
  }
  const double wall_s = seconds_since(start);
  return ChildRun{connections / wall_s, cpu_s * 1e3 / connections};
}

// gtlsserver for the run: killed when this goes out of scope.
class PeerServer {
 public:
  ~PeerServer() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    if (wait_for(pid_, 1000ms).status == -1) kill(pid_, SIGKILL);
  }
  bool start(const std::string& data_dir, const std::string& htdocs, int port, std::string* error) {
    std::optional<pid_t> pid =
        spawn({kServer, "-q", "--htdocs=" + htdocs, "127.0.0.1", std::to_string(port),
               data_dir + "/ecdsa-leaf.key", data_dir + "/ecdsa-fullchain.pem"},
              error);
    if (!pid) return false;
    pid_ = *pid;
    return true;
  }

 private:
  pid_t pid_ = 0;
};

std::string self_path() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "";
  return std::string(path, static_cast<size_t>(n));
}

}  // namespace

int quic_handshake_once(const std::string& data_dir, int port) {
  std::string error;
  auto config = client_config(data_dir, &error);
  if (config && udp_handshake(config, port, &error)) return 0;
  std::fprintf(stderr, "adieu-bench: QUIC handshake with 127.0.0.1:%d failed: %s\n", port,
               error.c_str());
  return 1;
}

LoopbackResult measure_quic_loopback(const std::string& data_dir, int rounds, int connections) {
  LoopbackResult result;
  if (access(kServer, X_OK) != 0 || access(kClient, X_OK) != 0) {
    result.notes.push_back(std::string("not measured: ") + kServer + " or " + kClient +
                           " is not installed (Debian packages ngtcp2-server, ngtcp2-client)");
    return result;
  }
  const std::string self = self_path();
  std::string error;
  auto config = client_config(data_dir, &error);
  if (self.empty() || !config) {
    result.notes.push_back("not measured: cannot set up adieu's client: " + error);
    return result;
  }
  // A small file for gtlsclient to fetch, in a directory of its own.
  char directory[] = "/tmp/adieu-bench-htdocs-XXXXXX";
  if (mkdtemp(directory) == nullptr) {
    result.notes.push_back("not measured: cannot make a directory for gtlsserver's files");
    return result;
  }
  const std::string htdocs = directory;
  std::ofstream(htdocs + "/hello.txt") << "hello\n";
  const int port = free_udp_port();
  {
    PeerServer server;
    if (port == 0 || !server.start(data_dir, htdocs, port, &error)) {
      result.notes.push_back("not measured: cannot start gtlsserver: " + error);
    } else {
      // Ready when a handshake goes through (it takes a moment to listen).
      bool ready = false;
      const auto start = std::chrono::steady_clock::now();
      while (!ready && seconds_since(start) < 10) ready = udp_handshake(config, port, &error);
      if (!ready) {
        result.notes.push_back("not measured: no handshake with gtlsserver within 10 s: " + error);
      }
      const std::vector<std::string> adieu_child{self, "--data-dir=" + data_dir,
                                                 "--quic-handshake=" + std::to_string(port)};
      const std::vector<std::string> peer_child{kClient,
                                                "-q",
                                                "--exit-on-all-streams-close",
                                                "127.0.0.1",
                                                std::to_string(port),
                                                "https://localhost/hello.txt"};
      for (int r = 0; ready && r < rounds; ++r) {
        LoopbackRound round;
        const auto in_process = std::chrono::steady_clock::now();
        for (int i = 0; i < connections; ++i) {
          if (!udp_handshake(config, port, &error)) {
            result.notes.push_back("adieu (in process) FAILED: " + error);
            result.rounds.clear();
            ready = false;
            break;
          }
        }
        if (!ready) break;
        round.adieu_in_process_per_s = connections / seconds_since(in_process);
        auto adieu = run_children(adieu_child, connections, &error);
        if (!adieu) {
          result.notes.push_back("adieu (child) FAILED: " + error);
          result.rounds.clear();
          break;
        }
        auto peer = run_children(peer_child, connections, &error);
        if (!peer) {
          result.notes.push_back("gtlsclient FAILED: " + error);
          result.rounds.clear();
          break;
        }
        round.adieu_per_s = adieu->per_s;
        round.adieu_cpu_ms = adieu->cpu_ms;
        round.peer_per_s = peer->per_s;
        round.peer_cpu_ms = peer->cpu_ms;
        result.rounds.push_back(round);
      }
    }
  }
  std::remove((htdocs + "/hello.txt").c_str());
  rmdir(directory);
  return result;
}

}  // namespace adieu::bench
