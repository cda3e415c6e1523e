// adieu-server: a TLS 1.3 test server in the manner of `openssl s_server`.
// Serves one connection after another: echoes the client's data back until
// its close_notify, then sends ours (or, with -www, answers one GET with a
// small HTTP/1.0 page and closes first). Prints one line per connection,
// saying among other things whether the client resumed a session. All
// connections share one configuration, so one ticket key set (stateless
// tickets) or one session cache (-no_ticket). SIGTERM or SIGINT makes it
// exit 0 once the connection in progress (if any) has ended.
#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/socket.h>

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "tool_common.h"

namespace adieu::tools {
namespace {

constexpr const char* kProgram = "adieu-server";

volatile sig_atomic_t g_stop_requested = 0;
void request_stop(int) {
  g_stop_requested = 1;
}

// SIGTERM and SIGINT are blocked except while waiting for the next
// connection (ppoll unblocks them atomically, so none is lost between the
// flag's check and the wait): a connection in progress always ends normally,
// and the process returns from main, where the sanitizers' leak check runs.
sigset_t block_stop_signals() {
  struct sigaction action {};
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  sigset_t stop_signals, previous;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, &previous);
  return previous;
}

// Waits until `listener` has a connection to accept (true) or a stop was
// requested (false).
bool wait_for_connection(int listener, const sigset_t& unblocked) {
  pollfd waiting{listener, POLLIN, 0};
  while (!g_stop_requested) {
    if (ppoll(&waiting, 1, nullptr, &unblocked) > 0) return true;
    if (errno != EINTR) fail(kProgram, std::string("poll failed: ") + std::strerror(errno));
  }
  return false;
}

const std::vector<OptionSpec> kOptions = {
    {"accept", "[host:]port", "address to listen on (default 4433; port 0 picks a free one)"},
    {"cert", "file", "PEM certificate chain, leaf first (required)"},
    {"key", "file", "PEM private key of -cert (required)"},
    {"cert_chain", "file", "PEM intermediates sent after -cert"},
    {"cert2", "file", "a second certificate, chosen when the client's SNI matches it"},
    {"key2", "file", "PEM private key of -cert2"},
    {"cert_chain2", "file", "PEM intermediates sent after -cert2"},
    {"CAfile", "file", "PEM trust anchors for client certificates"},
    {"verify", "depth", "ask for a client certificate; verify it if sent"},
    {"Verify", "depth", "require a client certificate (certificate_required if none)"},
    {"www", "", "answer a GET with a small HTTP/1.0 page, then close first"},
    {"alpn", "list", "ALPN protocols, comma-separated, in preference order"},
    {"naccept", "n", "serve n connections, then exit (default: forever)"},
    {"ciphersuites", "list", "TLS 1.3 cipher suites, colon-separated"},
    {"cipher", "list", "TLS 1.2 cipher suites (OpenSSL names), colon-separated"},
    {"tls1_2", "", "TLS 1.2 only"},
    {"tls1_3", "", "TLS 1.3 only"},
    {"no_tls1_2", "", "no TLS 1.2"},
    {"no_tls1_3", "", "no TLS 1.3"},
    {"groups", "list", "key exchange groups, colon-separated (X25519:P-256)"},
    {"num_tickets", "n", "NewSessionTickets sent after each handshake (default 2)"},
    {"no_ticket", "",
     "stateful resumption: each ticket is an id into this server's session cache (as"
     " s_server -no_ticket does in TLS 1.3); default: stateless tickets sealed under"
     " rotating keys"},
    {"timeout", "seconds", "drop a connection idle this long (default 30; 0: never)"},
    {"keylogfile", "file", "append NSS key log lines (SSLKEYLOGFILE format)"},
    {"keymatexport", "label", "print exported keying material for label (RFC 5705/8446 7.5)"},
    {"keymatexportlen", "n", "bytes of -keymatexport (default 20)"},
    {"quiet", "", "print nothing but errors"},
    {"help", "", "print this help"},
};

constexpr const char* kUsage =
    "A TLS 1.3 server for tests. Echoes what each client sends until the client's\n"
    "close_notify, then sends its own. Prints one line per connection (stdout)\n"
    "with the negotiated parameters and how the connection ended.";

struct ServerSettings {
  std::shared_ptr<const Config> config;
  bool www = false;
  bool quiet = false;
  int timeout_ms = 30000;
  const Options* options = nullptr;  // for -keymatexport
};

int listen_on(const std::string& accept) {
  std::string host;
  std::string port;
  if (!split_host_port(accept, true, &host, &port)) {
    fail(kProgram, "-accept: '" + accept + "' is not [host:]port", kExitUsage);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) fail(kProgram, "cannot listen on " + accept + ": " + gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, freeaddrinfo);
  int last_errno = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) == 0 && listen(fd, 16) == 0) return fd;
    last_errno = errno;
    ::close(fd);
  }
  fail(kProgram, "cannot listen on " + accept + ": " + std::strerror(last_errno));
}

std::string local_address(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  char host[NI_MAXHOST] = "?";
  char port[NI_MAXSERV] = "?";
  getnameinfo(reinterpret_cast<sockaddr*>(&address), length, host, sizeof host, port, sizeof port,
              NI_NUMERICHOST | NI_NUMERICSERV);
  std::string out;
  if (address.ss_family == AF_INET6) {
    out.append("[").append(host).append("]:").append(port);
  } else {
    out.append(host).append(":").append(port);
  }
  return out;
}

// Echo mode: every byte read is written back; the client's close_notify is
// answered with ours. Returns the result of the call that ended it.
IoResult serve_echo(Socket& socket) {
  std::array<uint8_t, 16384> buffer;
  for (;;) {
    IoResult got = socket.read(buffer);
    if (got.status == IoStatus::closed) return socket.close();
    if (got.status != IoStatus::done) return got;
    IoResult put = socket.write(std::span<const uint8_t>(buffer.data(), got.bytes));
    if (!put.ok()) return put;
  }
}

// -www: reads one request, answers a GET with a page naming the connection's
// parameters, then closes first and waits for the client's close_notify.
IoResult serve_www(Socket& socket) {
  std::string request;
  std::array<uint8_t, 4096> buffer;
  while (request.find("\r\n\r\n") == std::string::npos &&
         request.find("\n\n") == std::string::npos && request.size() < 16384) {
    IoResult got = socket.read(buffer);
    if (got.status == IoStatus::closed) break;  // answer what we have, then close
    if (got.status != IoStatus::done) return got;
    request.append(reinterpret_cast<const char*>(buffer.data()), got.bytes);
  }
  std::string response;
  if (request.rfind("GET ", 0) == 0) {
    const std::string body = "<html><body><pre>\nadieu-server\n" +
                             describe_parameters(socket.connection()) + "\n</pre></body></html>\n";
    response = "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
  } else {
    response = "HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  }
  IoResult put = socket.write(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(response.data()), response.size()));
  if (!put.ok()) return put;
  return socket.close_and_wait();
}

// Runs one connection and prints its line.
void serve(int fd, const ServerSettings& settings) {
  const std::string peer = peer_address(fd);
  Socket socket(Connection::server(settings.config), fd, Socket::Mode::blocking,
                Socket::FdOwnership::owned);
  if (settings.timeout_ms > 0) socket.set_timeout_ms(settings.timeout_ms);
  IoResult last = socket.handshake();
  std::string line = "peer=" + peer + " ";
  if (last.ok()) {
    line += describe_parameters(socket.connection()) + " ";
    if (const std::string keymat =
            keying_material(kProgram, *settings.options, socket.connection());
        !keymat.empty() && !settings.quiet) {
      std::printf("%s\n", keymat.c_str());
    }
    last = settings.www ? serve_www(socket) : serve_echo(socket);
    const Connection& c = socket.connection();
    line += "key_updates_sent=" + std::to_string(c.key_updates_sent()) +
            " key_updates_received=" + std::to_string(c.key_updates_received()) + " ";
  } else {
    line += "handshake failed ";
  }
  line += describe_end(socket.connection(), last);
  if (!settings.quiet) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
}

int run(int argc, char** argv) {
  Options options = parse_options(argc, argv, kProgram, kUsage, kOptions);
  if (!options.has("cert") || !options.has("key")) {
    fail(kProgram, "-cert and -key are required (see -help)", kExitUsage);
  }
  if (options.has("cert2") != options.has("key2")) {
    fail(kProgram, "-cert2 and -key2 go together", kExitUsage);
  }
  if (options.has("cert_chain2") && !options.has("cert2")) {
    fail(kProgram, "-cert_chain2 needs -cert2 and -key2", kExitUsage);
  }
  if ((options.has("verify") || options.has("Verify")) && !options.has("CAfile")) {
    fail(kProgram, "-verify/-Verify need -CAfile (the trust anchors for client certificates)",
         kExitUsage);
  }
  auto config = std::make_shared<Config>(Role::server);
  apply_common_options(kProgram, options, *config);
  std::string error;
  if (options.has("cert2") && !config->add_certificate(options.get("cert2"), options.get("key2"),
                                                       options.get("cert_chain2"), &error)) {
    fail(kProgram, error);
  }
  if (options.has("Verify")) {
    parse_number(kProgram, "Verify", options.get("Verify"), 0, 100);
    config->set_verify(VerifyMode::required);
  } else if (options.has("verify")) {
    parse_number(kProgram, "verify", options.get("verify"), 0, 100);
    config->set_verify(VerifyMode::optional);
  }
  if (options.has("num_tickets")) {
    config->set_ticket_count(static_cast<unsigned>(
        parse_number(kProgram, "num_tickets", options.get("num_tickets"), 0, 100)));
  }
  if (options.has("no_ticket")) config->set_session_cache(std::make_shared<SessionCache>());
  ServerSettings settings;
  settings.config = config;
  settings.www = options.has("www");
  settings.quiet = options.has("quiet");
  settings.options = &options;
  if (options.has("timeout")) {
    settings.timeout_ms =
        static_cast<int>(parse_number(kProgram, "timeout", options.get("timeout"), 0, 86400)) *
        1000;
  }
  long remaining = -1;
  if (options.has("naccept")) {
    remaining = parse_number(kProgram, "naccept", options.get("naccept"), 1, 1L << 30);
  }

  const sigset_t unblocked = block_stop_signals();
  const int listener = listen_on(options.get("accept", "4433"));
  if (!settings.quiet) {
    std::fprintf(stderr, "%s: listening on %s\n", kProgram, local_address(listener).c_str());
  }
  while (remaining != 0 && wait_for_connection(listener, unblocked)) {
    int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      fail(kProgram, std::string("accept failed: ") + std::strerror(errno));
    }
    serve(fd, settings);
    if (remaining > 0) --remaining;
  }
  ::close(listener);
  return 0;
}

}  // namespace
}  // namespace adieu::tools

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  return adieu::tools::run(argc, argv);
}
