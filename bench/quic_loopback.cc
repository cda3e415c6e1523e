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
#include <sys/stat.h>
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
constexpr std::chrono::milliseconds kDownloadTimeout = 60000ms;
constexpr uint64_t kH3NoError = 0x100;  // RFC 9114 section 8.1

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

quic::Instant engine_now() {
  return quic::Instant{std::chrono::duration_cast<quic::Duration>(
      std::chrono::steady_clock::now().time_since_epoch())};
}

// A child process: its standard output into `output` (thrown away when
// empty), its errors thrown away, run in `directory` (when set).
std::optional<pid_t> spawn(const std::vector<std::string>& args, std::string* error,
                           const std::string& output = "", const std::string& directory = "") {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output.empty() ? "/dev/null" : output.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  if (!directory.empty()) posix_spawn_file_actions_addchdir_np(&actions, directory.c_str());
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

// A server process for the run: killed when this goes out of scope.
class ServerProcess {
 public:
  ~ServerProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    wait_for(pid_, 1000ms);  // kills it if SIGTERM was not enough
  }
  bool start(const std::vector<std::string>& args, std::string* error,
             const std::string& directory = "") {
    std::optional<pid_t> pid = spawn(args, error, "", directory);
    if (!pid) return false;
    pid_ = *pid;
    return true;
  }

 private:
  pid_t pid_ = 0;
};

// Waits until a server on `port` completes a handshake (it takes a moment
// to listen), for up to 10 s.
bool wait_until_ready(const std::shared_ptr<const Config>& config, int port, std::string* error) {
  const auto start = std::chrono::steady_clock::now();
  while (seconds_since(start) < 10) {
    if (udp_handshake(config, port, error)) return true;
  }
  return false;
}

off_t file_size(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

// A download by a client process: MB/s (10^6 bytes/s) of wall time, spawn
// to exit; nullopt and `error` when it failed or `path` is not `bytes` long.
std::optional<double> timed_download(const std::vector<std::string>& args,
                                     const std::string& output, const std::string& path,
                                     off_t bytes, std::string* error) {
  std::remove(path.c_str());
  const auto start = std::chrono::steady_clock::now();
  std::optional<pid_t> pid = spawn(args, error, output);
  if (!pid) return std::nullopt;
  const Exit exit = wait_for(*pid, kDownloadTimeout);
  const double seconds = seconds_since(start);
  const off_t got = file_size(path);
  std::remove(path.c_str());
  if (exit.status != 0 || got != bytes) {
    *error = args[0] +
             (exit.status < 0 ? std::string(" timed out or was killed")
                              : " exited with " + std::to_string(exit.status)) +
             ", " + std::to_string(got) + " of " + std::to_string(bytes) + " bytes";
    return std::nullopt;
  }
  return static_cast<double>(bytes) / seconds / 1e6;
}

// A file of `bytes` bytes that do not compress.
bool write_file(const std::string& path, size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  std::vector<char> block(1 << 16);
  uint32_t x = 0x9e3779b9;
  for (size_t done = 0; done < bytes && out; done += block.size()) {
    for (char& c : block) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      c = static_cast<char>(x);
    }
    out.write(block.data(), static_cast<std::streamsize>(std::min(block.size(), bytes - done)));
  }
  return static_cast<bool>(out);
}

std::string self_path() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return "";
  return std::string(path, static_cast<size_t>(n));
}

// Connections to gtlsserver on `port`, one client process each, adieu's and
// gtlsclient alternating round by round.
void handshake_rounds(const LoopbackSetup& setup, const std::string& self,
                      const std::shared_ptr<const Config>& config, int port,
                      LoopbackResult* result) {
  std::string error;
  const std::vector<std::string> adieu_child{self, "--data-dir=" + setup.data_dir,
                                             "--quic-handshake=" + std::to_string(port)};
  const std::vector<std::string> peer_child{kClient,
                                            "-q",
                                            "--exit-on-all-streams-close",
                                            "127.0.0.1",
                                            std::to_string(port),
                                            "https://localhost/hello.txt"};
  for (int r = 0; r < setup.rounds; ++r) {
    LoopbackRound round;
    const auto in_process = std::chrono::steady_clock::now();
    for (int i = 0; i < setup.connections; ++i) {
      if (!udp_handshake(config, port, &error)) {
        result->notes.push_back("adieu (in this process) FAILED: " + error);
        result->rounds.clear();
        return;
      }
    }
    round.adieu_in_process_per_s = setup.connections / seconds_since(in_process);
    auto adieu = run_children(adieu_child, setup.connections, &error);
    if (!adieu) {
      result->notes.push_back("adieu (a process each) FAILED: " + error);
      result->rounds.clear();
      return;
    }
    auto peer = run_children(peer_child, setup.connections, &error);
    if (!peer) {
      result->notes.push_back("gtlsclient FAILED: " + error);
      result->rounds.clear();
      return;
    }
    round.adieu_per_s = adieu->per_s;
    round.adieu_cpu_ms = adieu->cpu_ms;
    round.peer_per_s = peer->per_s;
    round.peer_cpu_ms = peer->cpu_ms;
    result->rounds.push_back(round);
  }
}

// Downloads of the big file: adieu-client -quic and gtlsclient from
// gtlsserver; gtlsclient from adieu-server -quic -WWW. A contender that
// fails once is measured no further (a note says why).
void download_rounds(const LoopbackSetup& setup, const std::string& work, int port,
                     const std::shared_ptr<const Config>& config, LoopbackResult* result) {
  const std::string adieu_client = setup.tools_dir + "/adieu-client";
  const std::string adieu_server = setup.tools_dir + "/adieu-server";
  const std::string root = cert_files(setup.data_dir, Chain::ecdsa).root;
  const std::string got = work + "/download/bulk.bin";
  const off_t bytes = static_cast<off_t>(setup.bulk_bytes);
  const auto gtlsclient = [&](int to_port) {
    return std::vector<std::string>{kClient,
                                    "-q",
                                    "--exit-on-all-streams-close",
                                    "--download=" + work + "/download",
                                    "127.0.0.1",
                                    std::to_string(to_port),
                                    "https://localhost/bulk.bin"};
  };
  std::string error;
  // adieu-server -quic serving the same directory, on a port of its own.
  ServerProcess adieu_server_process;
  const int adieu_port = free_udp_port();
  bool serving = false;
  if (access(adieu_server.c_str(), X_OK) != 0) {
    result->notes.push_back("gtlsclient from adieu-server -quic: not measured: no " + adieu_server);
  } else if (adieu_port == 0 ||
             !adieu_server_process.start(
                 {adieu_server, "-quic", "-accept", "127.0.0.1:" + std::to_string(adieu_port),
                  "-cert", setup.data_dir + "/ecdsa-fullchain.pem", "-key",
                  setup.data_dir + "/ecdsa-leaf.key", "-WWW"},
                 &error, work)) {
    result->notes.push_back("gtlsclient from adieu-server -quic: not measured: " + error);
  } else if (!wait_until_ready(config, adieu_port, &error)) {
    result->notes.push_back(
        "gtlsclient from adieu-server -quic: not measured: no QUIC handshake with it within "
        "10 s (this build's adieu-server may have no -quic): " +
        error);
  } else {
    serving = true;
  }
  bool client_ok = access(adieu_client.c_str(), X_OK) == 0;
  if (!client_ok) {
    result->notes.push_back("adieu-client -quic from gtlsserver: not measured: no " + adieu_client);
  }
  bool peer_ok = true;
  std::vector<double> peer_rounds;
  for (int r = 0; r < setup.download_rounds && peer_ok; ++r) {
    DownloadRound round;
    auto peer = timed_download(gtlsclient(port), "", got, bytes, &error);
    if (!peer) {
      result->notes.push_back("gtlsclient from gtlsserver FAILED: " + error);
      peer_ok = false;
      break;
    }
    round.peer_MBps = *peer;
    peer_rounds.push_back(*peer);
    if (client_ok) {
      auto adieu =
          timed_download({adieu_client, "-quic", "-connect", "127.0.0.1:" + std::to_string(port),
                          "-servername", kServerName, "-CAfile", root, "-get", "/bulk.bin"},
                         got, got, bytes, &error);
      if (adieu) {
        round.adieu_MBps = *adieu;
        result->from_gtlsserver.push_back(round);
      } else {
        result->notes.push_back(
            "adieu-client -quic from gtlsserver FAILED (this build's adieu-client may have no "
            "-quic): " +
            error);
        result->from_gtlsserver.clear();
        client_ok = false;
      }
    }
    if (serving) {
      auto from_adieu = timed_download(gtlsclient(adieu_port), "", got, bytes, &error);
      if (from_adieu) {
        result->to_gtlsclient.push_back(DownloadRound{*from_adieu, *peer});
      } else {
        result->notes.push_back("gtlsclient from adieu-server -quic FAILED: " + error);
        result->to_gtlsclient.clear();
        serving = false;
      }
    }
  }
  if (!peer_ok) {
    result->from_gtlsserver.clear();
    result->to_gtlsclient.clear();
  }
  if (!peer_rounds.empty()) {
    std::sort(peer_rounds.begin(), peer_rounds.end());
    char text[200];
    std::snprintf(text, sizeof text,
                  "gtlsclient downloading %zu MiB from gtlsserver: %.0f MB/s (median of %zu)",
                  setup.bulk_bytes >> 20, peer_rounds[peer_rounds.size() / 2], peer_rounds.size());
    result->notes.push_back(text);
  }
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

LoopbackResult measure_quic_loopback(const LoopbackSetup& setup) {
  LoopbackResult result;
  if (access(kServer, X_OK) != 0 || access(kClient, X_OK) != 0) {
    result.notes.push_back(std::string("not measured: ") + kServer + " or " + kClient +
                           " is not installed (Debian packages ngtcp2-server, ngtcp2-client)");
    return result;
  }
  const std::string self = self_path();
  std::string error;
  auto config = client_config(setup.data_dir, &error);
  if (self.empty() || !config) {
    result.notes.push_back("not measured: cannot set up adieu's client: " + error);
    return result;
  }
  // The servers' files and the clients' downloads, in a directory of its own.
  char directory[] = "/tmp/adieu-bench-quic-XXXXXX";
  if (mkdtemp(directory) == nullptr) {
    result.notes.push_back("not measured: cannot make a directory for the servers' files");
    return result;
  }
  const std::string work = directory;
  const std::string small = work + "/hello.txt", big = work + "/bulk.bin";
  const std::string download = work + "/download";
  std::ofstream(small) << "hello\n";
  const bool have_big = mkdir(download.c_str(), 0700) == 0 && write_file(big, setup.bulk_bytes);
  const int port = free_udp_port();
  ServerProcess server;
  if (port == 0 ||
      !server.start({kServer, "-q", "--htdocs=" + work, "127.0.0.1", std::to_string(port),
                     setup.data_dir + "/ecdsa-leaf.key", setup.data_dir + "/ecdsa-fullchain.pem"},
                    &error)) {
    result.notes.push_back("not measured: cannot start gtlsserver: " + error);
  } else if (!wait_until_ready(config, port, &error)) {
    result.notes.push_back("not measured: no handshake with gtlsserver within 10 s: " + error);
  } else {
    handshake_rounds(setup, self, config, port, &result);
    if (have_big) {
      download_rounds(setup, work, port, config, &result);
    } else {
      result.notes.push_back("downloads not measured: cannot write the file to serve");
    }
  }
  std::remove(small.c_str());
  std::remove(big.c_str());
  rmdir(download.c_str());
  rmdir(directory);
  return result;
}

}  // namespace adieu::bench
