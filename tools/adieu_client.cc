// adieu-client: a TLS 1.3 test client in the manner of `openssl s_client`.
// Sends stdin to the server and prints what comes back on stdout. At stdin's
// end it sends close_notify and waits (at most -timeout seconds) for the
// server's; when the server closes first it answers with its own. Prints the
// negotiated parameters (with resumed=yes|no) and how the connection ended on
// stderr; exits 0 only when both close_notify alerts crossed. -sess_out and
// -sess_in keep a session in a file between runs, as s_client's options do.
#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/socket.h>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "quic_common.h"
#include "tool_common.h"

namespace adieu::tools {
namespace {

constexpr const char* kProgram = "adieu-client";

const std::vector<OptionSpec> kOptions = {
    {"connect", "host:port", "server to connect to (default localhost:4433)"},
    {"servername", "name", "SNI and name to verify (default: the -connect host)"},
    {"CAfile", "file", "PEM trust anchors to verify the server with"},
    {"noverify", "", "do not verify the server's certificate"},
    {"cert", "file", "PEM client certificate chain, leaf first"},
    {"key", "file", "PEM private key of -cert"},
    {"cert_chain", "file", "PEM intermediates sent after -cert"},
    {"alpn", "list", "ALPN protocols, comma-separated, in preference order"},
    {"ciphersuites", "list", "TLS 1.3 cipher suites, colon-separated"},
    {"cipher", "list", "TLS 1.2 cipher suites (OpenSSL names), colon-separated"},
    {"tls1_2", "", "TLS 1.2 only"},
    {"tls1_3", "", "TLS 1.3 only"},
    {"no_tls1_2", "", "no TLS 1.2"},
    {"no_tls1_3", "", "no TLS 1.3"},
    {"groups", "list", "key exchange groups, colon-separated; a key share goes for the first"},
    {"sigalgs", "list",
     "signature schemes offered and accepted (ECDSA+SHA256, rsa_pss_rsae_sha256, ...),"
     " colon-separated"},
    {"psk", "hex", "offer an external TLS 1.3 PSK (SHA-256), as s_client -psk"},
    {"psk_identity", "id", "the -psk's identity (default Client_identity, as s_client's)"},
    {"maxfraglen", "n", "ask for max_fragment_length n (512, 1024, 2048, 4096; RFC 6066)"},
    {"record_size_limit", "n", "offer record_size_limit n (64..16385; RFC 8449)"},
    {"keyupdate", "", "send a KeyUpdate (update_requested) after the handshake"},
    {"enable_pha", "",
     "TLS 1.3: offer post-handshake client authentication and answer the server's requests"
     " with -cert/-key (an empty certificate without them), as s_client -enable_pha"},
    {"timeout", "seconds",
     "limit for connect, handshake and the wait for the server's"
     " close_notify (default 10)"},
    {"keylogfile", "file", "append NSS key log lines (SSLKEYLOGFILE format)"},
    {"keymatexport", "label", "print exported keying material for label (RFC 5705/8446 7.5)"},
    {"keymatexportlen", "n", "bytes of -keymatexport (default 20)"},
    {"sess_out", "file",
     "at the end, save the newest session (a ticket) to file; only after a clean close of"
     " our side"},
    {"sess_in", "file", "offer the session saved in file for resumption"},
    {"early_data", "file",
     "send file's contents as 0-RTT data with -sess_in's session (s_client's); sent again"
     " after the handshake if the server does not take it"},
    {"quiet", "", "do not print the handshake parameters"},
    {"quic", "",
     "QUIC (RFC 9000) and HTTP/3 instead of TLS over TCP: GET -get's path, write the"
     " response body (and nothing else) to stdout; -alpn defaults to h3"},
    {"get", "path", "with -quic: the path to GET (default /)"},
    {"help", "", "print this help"},
};

constexpr const char* kUsage =
    "A TLS 1.3 client for tests. Verifies the server with -CAfile (or the system's\n"
    "trust store) unless -noverify. Exit status: 0 when both close_notify alerts\n"
    "crossed, 1 on a failure or an unclean end (truncation, alert, timeout), 2 on\n"
    "a usage error.\n"
    "\n"
    "With -quic: one HTTP/3 GET over QUIC (-connect, -servername, -CAfile, -alpn,\n"
    "-get PATH); the body goes to stdout, the parameters, the status and how the\n"
    "connection ended (who sent CONNECTION_CLOSE, its code and reason, the\n"
    "SSL_get_shutdown value) to stderr. Exit status 0 only for a complete response\n"
    "and a clean close (CONNECTION_CLOSE with no error).";

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

// Connects to host:port within `timeout_ms`, trying every address.
int connect_to(const std::string& target, int timeout_ms, std::string* host_out) {
  std::string host;
  std::string port;
  if (!split_host_port(target, false, &host, &port) || host.empty()) {
    fail(kProgram, "-connect: '" + target + "' is not host:port", kExitUsage);
  }
  *host_out = host;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) fail(kProgram, "cannot connect to " + target + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string problem = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      problem = std::strerror(errno);
      continue;
    }
    int err = 0;
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        pollfd entry{fd, POLLOUT, 0};
        int ready;
        do {
          ready = poll(&entry, 1, remaining_ms(deadline));
        } while (ready < 0 && errno == EINTR);
        socklen_t length = sizeof err;
        if (ready == 0) {
          err = ETIMEDOUT;
        } else if (ready < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) {
          err = errno;
        }
      }
    }
    if (err == 0) {
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      return fd;
    }
    problem = std::strerror(err);
    ::close(fd);
  }
  fail(kProgram, "cannot connect to " + target + ": " + problem);
}

bool write_all(int fd, const uint8_t* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

uint64_t now_ms() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

// The whole of a file an option names; exits with one line when it is
// unreadable.
std::vector<uint8_t> read_file(const char* option, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail(kProgram,
         std::string("-") + option + ": cannot read " + path + ": " + std::strerror(errno));
  }
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

// Reads a session saved by -sess_out; exits with one line when the file is
// unreadable or does not hold a session.
std::shared_ptr<Session> load_session(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file("sess_in", path);
  std::shared_ptr<Session> session = Session::from_bytes(bytes);
  if (!session) fail(kProgram, "-sess_in: " + path + " does not hold an adieu session");
  return session;
}

// -sess_out: the man pages' rule decides whether there is a session to keep:
// only a connection whose close_notify we sent leaves a resumable session.
void save_session(const Connection& c, const std::string& path) {
  std::shared_ptr<Session> session = c.session();
  if (c.write_state() != WriteState::close_notify_sent || !session ||
      !session->resumable(now_ms())) {
    std::fprintf(stderr, "session not saved: %s\n",
                 c.write_state() != WriteState::close_notify_sent
                     ? "our close_notify was not sent"
                     : "no resumable session (no ticket received)");
    return;
  }
  const std::vector<uint8_t> bytes = session->to_bytes();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "session not saved: cannot write %s\n", path.c_str());
    return;
  }
  std::fprintf(stderr, "session saved to %s\n", path.c_str());
}

// Prints the end (and saves the session for -sess_out), returns the exit
// status.
int finish(Socket& socket, const std::string& session_out, const IoResult& last) {
  const Connection& c = socket.connection();
  if (c.handshake_done()) {
    std::fprintf(stderr, "key_updates_sent=%llu key_updates_received=%llu tickets=%zu\n",
                 static_cast<unsigned long long>(c.key_updates_sent()),
                 static_cast<unsigned long long>(c.key_updates_received()), c.tickets_received());
    if (c.post_handshake_auth_offered()) {
      std::fprintf(stderr, "post_handshake_auths=%llu\n",
                   static_cast<unsigned long long>(c.post_handshake_auths()));
    }
  }
  std::fprintf(stderr, "%s\n", describe_end(c, last).c_str());
  if (!session_out.empty()) save_session(c, session_out);
  return ended_cleanly(c) ? 0 : kExitFailure;
}

// Moves data both ways until the connection ends; returns the exit status.
int exchange(Socket& socket, const std::string& session_out, int timeout_ms) {
  std::array<uint8_t, 16384> buffer;
  bool stdin_open = true;
  Clock::time_point close_deadline{};
  for (;;) {
    pollfd fds[2] = {{socket.fd(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    if (socket.wants_write()) fds[0].events |= POLLOUT;
    const nfds_t count = stdin_open ? 2 : 1;
    const int wait = stdin_open ? -1 : remaining_ms(close_deadline);
    int ready = poll(fds, count, wait);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      IoResult failed;
      failed.status = IoStatus::error;
      failed.os_error = errno;
      return finish(socket, session_out, failed);
    }
    if (ready == 0) {
      IoResult timed_out;
      timed_out.status = IoStatus::timed_out;
      return finish(socket, session_out, timed_out);
    }
    if (fds[0].revents & POLLOUT) {
      socket.set_mode(Socket::Mode::non_blocking);
      IoResult sent = socket.flush();
      if (sent.status == IoStatus::error) return finish(socket, session_out, sent);
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      socket.set_mode(Socket::Mode::non_blocking);
      for (;;) {
        IoResult got = socket.read(buffer);
        if (got.status == IoStatus::done) {
          if (!write_all(STDOUT_FILENO, buffer.data(), got.bytes)) {
            // Nowhere to put the server's data: end our side cleanly.
            socket.set_mode(Socket::Mode::blocking);
            return finish(socket, session_out, socket.close());
          }
          continue;
        }
        if (got.would_block()) break;
        if (got.status == IoStatus::closed) {
          // The server closed first: answer with our close_notify.
          socket.set_mode(Socket::Mode::blocking);
          return finish(socket, session_out, socket.close());
        }
        return finish(socket, session_out, got);
      }
    }
    if (count == 2 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      socket.set_mode(Socket::Mode::blocking);
      if (n > 0) {
        IoResult put =
            socket.write(std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n)));
        if (!put.ok()) return finish(socket, session_out, put);
      } else {
        // stdin ended: close our side, then wait for the server's close_notify.
        stdin_open = false;
        IoResult closed = socket.close();
        if (!closed.ok()) return finish(socket, session_out, closed);
        close_deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
      }
    }
  }
}

int run(int argc, char** argv) {
  Options options = parse_options(argc, argv, kProgram, kUsage, kOptions);
  if (options.has("quic")) {
    return run_quic_client(kProgram, options);
  }
  if (options.has("get")) fail(kProgram, "-get needs -quic", kExitUsage);
  int timeout_ms = 10000;
  if (options.has("timeout")) {
    timeout_ms =
        static_cast<int>(parse_number(kProgram, "timeout", options.get("timeout"), 1, 86400)) *
        1000;
  }
  auto config = std::make_shared<Config>(Role::client);
  apply_common_options(kProgram, options, *config);
  config->set_post_handshake_auth(options.has("enable_pha"));
  std::string error;
  if (options.has("noverify")) {
    config->set_verify(VerifyMode::none);
  } else {
    config->set_verify(VerifyMode::required);
    if (!options.has("CAfile") && !config->load_system_trust(&error)) fail(kProgram, error);
  }

  std::shared_ptr<Session> offered;
  if (options.has("sess_in")) offered = load_session(options.get("sess_in"));
  std::vector<uint8_t> early_data;
  if (options.has("early_data")) {
    early_data = read_file("early_data", options.get("early_data"));
    config->set_early_data(true);
  }
  const std::string session_out = options.get("sess_out");

  std::string host;
  const int fd = connect_to(options.get("connect", "localhost:4433"), timeout_ms, &host);
  const std::string server_name = options.get("servername", host);
  Socket socket(Connection::client(config, server_name, offered), fd, Socket::Mode::blocking,
                Socket::FdOwnership::owned);
  socket.set_timeout_ms(timeout_ms);
  Connection& connection = socket.connection();
  if (!early_data.empty()) {
    if (connection.early_data_room() < early_data.size()) {
      std::fprintf(stderr, "early data: %zu bytes do not fit the session's %zu\n",
                   early_data.size(), connection.early_data_room());
    } else if (connection.write(early_data) != Error::none) {
      fail(kProgram, "early data: " + std::string(error_string(connection.error())));
    }
  }
  IoResult shaken = socket.handshake();
  if (!shaken.ok()) {
    std::fprintf(stderr, "handshake failed\n");
    return finish(socket, session_out, shaken);
  }
  if (!options.has("quiet")) {
    std::fprintf(stderr, "connected to %s: %s\n", peer_address(fd).c_str(),
                 describe_parameters(socket.connection()).c_str());
  }
  if (const std::string keymat = keying_material(kProgram, options, socket.connection());
      !keymat.empty()) {
    std::fprintf(stderr, "%s\n", keymat.c_str());
  }
  // 0-RTT data the server did not take (or that did not fit) goes now.
  if (!early_data.empty() && connection.early_data_status() != EarlyDataStatus::accepted) {
    IoResult put = socket.write(early_data);
    if (!put.ok()) return finish(socket, session_out, put);
  }
  if (options.has("keyupdate")) {
    IoResult updated = socket.key_update(true);
    if (!updated.ok()) return finish(socket, session_out, updated);
  }
  return exchange(socket, session_out, timeout_ms);
}

}  // namespace
}  // namespace adieu::tools

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  return adieu::tools::run(argc, argv);
}
