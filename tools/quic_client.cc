// adieu-client -quic: one HTTP/3 GET over adieu's QUIC (RFC 9000, 9114),
// the response body to stdout and nothing else.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>

#include "h3_quic_transport.h"
#include "h3_session.h"
#include "quic_common.h"
#include "quic_udp_loop.h"

namespace adieu::tools {
namespace {

bool write_all(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int run_quic_client(const char* program, const Options& options) {
  int timeout_s = 10;
  if (options.has("timeout")) {
    timeout_s =
        static_cast<int>(parse_number(program, "timeout", options.get("timeout"), 1, 86400));
  }
  auto config = std::make_shared<Config>(Role::client);
  apply_quic_options(program, options, *config);
  std::string error;
  if (options.has("noverify")) {
    config->set_verify(VerifyMode::none);
  } else {
    config->set_verify(VerifyMode::required);
    if (!options.has("CAfile") && !config->load_system_trust(&error)) fail(program, error);
  }
  const std::string target = options.get("connect", "localhost:4433");
  std::string host;
  std::string port;
  if (!split_host_port(target, false, &host, &port) || host.empty()) {
    fail(program, "-connect: '" + target + "' is not host:port", kExitUsage);
  }
  const std::string path = options.get("get", "/");
  if (path.empty() || path[0] != '/') fail(program, "-get: a path starts with '/'", kExitUsage);
  const int fd = udp_connect(host, port, &error);
  if (fd < 0) fail(program, "cannot reach " + target + ": " + error);
  const std::string server_name = options.get("servername", host);
  // RFC 9114 section 3.2: the authority is the host (and port) connected to.
  const std::string authority =
      (host.find(':') != std::string::npos ? "[" + host + "]" : server_name) +
      (port == "443" ? "" : ":" + port);

  const quic::Instant start = quic_now();
  std::unique_ptr<quic::Connection> connection =
      quic::Connection::client(config, quic::Settings{}, server_name, start);
  H3QuicTransport transport(*connection);
  H3Client h3(transport);
  bool started = false;
  const bool quiet = options.has("quiet");
  UdpLoopHooks hooks;
  hooks.deadline = start + std::chrono::seconds(timeout_s);
  hooks.step = [&] {
    quic::Connection& c = *connection;
    const quic::ConnectionState state = c.state();
    if (state != quic::ConnectionState::handshaking &&
        state != quic::ConnectionState::established) {
      // Ending (the loop runs the closing or draining period): what arrived
      // with the server's CONNECTION_CLOSE may still complete the response.
      if (started && !h3.done() && !h3.failed()) h3.pump();
      return true;
    }
    if (!c.handshake_complete()) return true;
    if (!started) {
      started = true;
      if (!quiet) {
        std::fprintf(stderr, "connected to %s: %s\n", target.c_str(),
                     describe_quic_parameters(c).c_str());
      }
      if (h3.start()) h3.submit_get(authority, path);
    } else {
      h3.pump();
    }
    if (h3.failed()) {
      std::fprintf(stderr, "HTTP/3 failed: %s\n", h3.error_text().c_str());
      c.close(h3.error_code(), h3.error_text());
    } else if (h3.done()) {
      // The response is in (or its stream ended): close the connection.
      c.close(kH3NoError, "");
    }
    return true;
  };
  ConnectionEndpoint endpoint(*connection);
  const UdpLoopResult result = run_udp_loop(fd, endpoint, hooks);
  ::close(fd);

  const H3Response& response = h3.response();
  if (response.complete && !write_all(STDOUT_FILENO, response.body)) {
    std::fprintf(stderr, "cannot write the body to stdout\n");
    return kExitFailure;
  }
  if (response.status != 0) {
    std::fprintf(stderr, "response: status=%d body=%zu bytes%s\n", response.status,
                 response.body.size(), response.complete ? "" : " (incomplete)");
  } else if (response.reset_code) {
    std::fprintf(stderr, "response: stream reset, code 0x%llx\n",
                 static_cast<unsigned long long>(*response.reset_code));
  } else {
    std::fprintf(stderr, "response: none\n");
  }
  if (result.end == UdpLoopEnd::deadline) std::fprintf(stderr, "timed out after %d s\n", timeout_s);
  if (result.end == UdpLoopEnd::socket_error) {
    std::fprintf(stderr, "socket error: %s\n", std::strerror(result.os_error));
  }
  std::fprintf(stderr, "%s\n", describe_quic_stats(*connection).c_str());
  std::fprintf(stderr, "%s\n", describe_quic_end(*connection).c_str());
  return response.complete && result.end == UdpLoopEnd::finished && quic_ended_cleanly(*connection)
             ? 0
             : kExitFailure;
}

}  // namespace adieu::tools
