// adieu-load: a load and fault tool for adieu-server -control (or any TLS echo
// server that understands its two control bytes), on the Asio adapter.
//
// Runs N connections to 127.0.0.1 (loopback only), CONCURRENCY at a time, in
// one thread. Each does a handshake (full, or resumed from an earlier
// connection's session), sends a pseudo-random payload (bytes 0x00-0xFC)
// and checks the echo byte for byte, then ends in one of these ways:
//
//   client_first     reads the whole echo, then async_shutdown: ours, then the server's
//   server_first     payload + 0xFF: the server closes first, we answer
//   both             payload, echo, then 0xFF and our close_notify in one write: both at once
//   half_close       payload, then our close_notify at once; the echo still flows to us
//   notify_fin       echo, our close_notify, then a TCP FIN (shutdown(SHUT_WR))
//   rst              half the payload, then SO_LINGER 0 and close: a reset mid-stream
//   drop             half the payload, then close without close_notify (a process dying)
//   slow_reader      a large payload read slowly (the server's buffers fill), then clean
//   handshake_close  the ClientHello, then close: the end during the handshake
//
// The first five and slow_reader are clean endings: every byte sent must come
// back (lost=0) and both sides must report both close_notify crossed. The
// last three are faulty: the server must report a truncation, never a clean
// end. The server's view is read from the server itself (0xFD asks
// adieu-server -control for its totals) before and after the storm. With
// -server_pid, the server's open descriptors and RSS are compared before and
// after. The last line reads
//   storm connections=N ok=N lost=BYTES misreported=N leaked_fds=N
// (-report FILE.svg also draws each ending's latency distribution, see
// latency_svg.h) and the exit status is 0 when every connection went as expected, nothing
// was lost, nothing misreported and no descriptor leaked.
#include <adieu/asio.h>
#include <adieu/config.h>
#include <adieu/connection.h>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "latency_svg.h"
#include "tool_common.h"

namespace adieu::tools {
namespace {

using tcp = ::asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = adieu::asio::stream<tcp::socket>;
constexpr auto kTuple = ::asio::experimental::as_tuple(::asio::use_awaitable);
constexpr const char* kProgram = "adieu-load";
constexpr uint8_t kCloseFirst = 0xFF;
constexpr uint8_t kTotals = 0xFD;

enum Ending : int {
  kClientFirst,
  kServerFirst,
  kBoth,
  kHalfClose,
  kNotifyFin,
  kRst,
  kDrop,
  kSlowReader,
  kHandshakeClose,
  kEndings
};
constexpr const char* kEndingNames[kEndings] = {"client_first", "server_first", "both",
                                                "half_close",   "notify_fin",   "rst",
                                                "drop",         "slow_reader",  "handshake_close"};
bool is_clean(int e) {
  return e != kRst && e != kDrop && e != kHandshakeClose;
}
// The server's totals key each ending must land in.
const char* server_kind(int e) {
  if (is_clean(e)) return "clean";
  if (e == kHandshakeClose) return "handshake_truncated";
  return "truncated";
}

const std::vector<OptionSpec> kOptions = {
    {"connect", "host:port", "the server (127.0.0.1, ::1 or localhost only)"},
    {"n", "count", "connections (default 10000)"},
    {"c", "concurrency", "connections at once (default 100)"},
    {"CAfile", "file", "PEM trust anchors (default: no verification)"},
    {"servername", "name", "SNI and certificate name (default localhost)"},
    {"endings", "list",
     "comma-separated endings (default all): client_first, server_first, both, half_close,"
     " notify_fin, rst, drop, slow_reader, handshake_close"},
    {"server_pid", "pid", "check the server's descriptors and RSS before and after"},
    {"payload", "bytes", "largest payload of an ordinary connection (default 16384)"},
    {"resume", "percent", "connections that offer an earlier session (default 30)"},
    {"seed", "n", "pseudo-random seed (default 1)"},
    {"time_limit", "seconds", "stop starting connections after this long (default 600)"},
    {"rss_bound", "KiB", "the server's RSS may grow by at most this much (default 65536)"},
    {"report", "file.svg", "also draw each ending's latency distribution into an SVG chart"},
    {"quiet", "", "no progress line"},
    {"help", "", "print this help"},
};
constexpr const char* kUsage =
    "A close-storm load tool for adieu-server -control: N connections over loopback,\n"
    "each ending in a chosen way; checks every echoed byte, how both sides reported\n"
    "each end, and the server's descriptors afterwards.";

struct Stats {
  uint64_t count = 0, resumed = 0, sent = 0, verified = 0, lost = 0, ok = 0, failed = 0;
  std::map<std::string, uint64_t> client_views;
  std::vector<double> latency_ms;
};

struct ServerTotals {
  std::map<std::string, uint64_t> values;
  bool ok = false;
  uint64_t get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? 0 : it->second;
  }
};

// Byte i of connection `seed`'s payload: never a control byte.
struct Payload {
  explicit Payload(uint64_t seed, size_t size) : data(size) {
    std::mt19937_64 rng(seed);
    for (auto& b : data) b = static_cast<uint8_t>(rng() % 0xFD);
  }
  std::vector<uint8_t> data;
};

class Load {
 public:
  Load(std::shared_ptr<const Config> config, tcp::endpoint endpoint, std::string servername)
      : config_(std::move(config)), endpoint_(endpoint), servername_(std::move(servername)) {}

  ::asio::awaitable<void> worker();
  ::asio::awaitable<ServerTotals> query_server();
  void progress(bool final);
  void report(double seconds, const ServerTotals& before, const ServerTotals& after,
              bool have_server, long fds_before, long fds_after, long rss_before, long rss_after,
              long rss_bound);
  int status() const { return status_; }
  // Each ending's connection latencies, for -report.
  std::vector<LatencySeries> latency_series() const {
    std::vector<LatencySeries> out;
    for (int e = 0; e < kEndings; ++e) out.push_back({kEndingNames[e], stats_[e].latency_ms});
    return out;
  }

  ::asio::io_context io{1};
  std::vector<int> endings;
  size_t total = 10000;
  size_t max_payload = 16384;
  int resume_percent = 30;
  uint64_t seed = 1;
  Clock::time_point deadline;
  bool show_progress = false;

 private:
  ::asio::awaitable<void> run_one(size_t index);
  ::asio::awaitable<void> handshake_close(tcp::socket socket, Stats& st);
  void view(Stats& st, const std::string& v) { st.client_views[v]++; }

  std::shared_ptr<const Config> config_;
  tcp::endpoint endpoint_;
  std::string servername_;
  size_t next_ = 0;
  size_t done_ = 0;
  size_t handshakes_ = 0;
  std::vector<double> handshake_ms_;
  std::shared_ptr<Session> session_;
  Stats stats_[kEndings];
  Clock::time_point started_ = Clock::now();
  Clock::time_point last_progress_ = Clock::now();
  int status_ = 0;
};

// A one-shot event a coroutine can wait for.
struct Event {
  explicit Event(::asio::io_context& io) : timer(io) { timer.expires_at(Clock::time_point::max()); }
  void set() {
    done = true;
    timer.cancel();
  }
  ::asio::awaitable<void> wait() {
    while (!done) co_await timer.async_wait(kTuple);
  }
  ::asio::steady_timer timer;
  bool done = false;
};

std::string end_view(const TlsStream& tls, const std::error_code& ec) {
  if (!ec && tls.read_state() == ReadState::close_notify_received &&
      tls.write_state() == WriteState::close_notify_sent) {
    return "clean";
  }
  if (tls.read_state() == ReadState::truncated || ec == Error::truncated) return "truncated";
  if (tls.read_state() == ReadState::fatal_alert_received) return "alert_received";
  if (tls.write_state() == WriteState::fatal_alert_sent) return "alert_sent";
  if (ec == ::asio::error::operation_aborted) return "timed_out";
  if (ec) return "error:" + ec.message();
  return std::string("incomplete:") + read_state_name(tls.read_state()) + "/" +
         write_state_name(tls.write_state());
}

::asio::awaitable<void> Load::worker() {
  while (next_ < total && Clock::now() < deadline) {
    co_await run_one(next_++);
    ++done_;
    progress(false);
  }
}

::asio::awaitable<void> Load::handshake_close(tcp::socket socket, Stats& st) {
  auto c = Connection::client(config_, servername_);
  const std::span<const uint8_t> hello = c->pending_output();
  auto [ec, n] =
      co_await ::asio::async_write(socket, ::asio::buffer(hello.data(), hello.size()), kTuple);
  std::error_code ignored;
  socket.close(ignored);
  view(st, ec ? "error:" + ec.message() : "abandoned_by_us");
  if (!ec)
    st.ok++;
  else
    st.failed++;
}

::asio::awaitable<void> Load::run_one(size_t index) {
  std::mt19937_64 rng(seed * 1000003 + index);
  const int ending = endings[rng() % endings.size()];
  Stats& st = stats_[ending];
  st.count++;
  const Clock::time_point t0 = Clock::now();
  size_t size = 1 + rng() % max_payload;
  if (ending == kSlowReader) size = 256 * 1024 + rng() % (256 * 1024);
  const bool offer = session_ && static_cast<int>(rng() % 100) < resume_percent;

  tcp::socket socket(io);
  auto [cec] = co_await socket.async_connect(endpoint_, kTuple);
  if (cec) {
    view(st, "connect:" + cec.message());
    st.failed++;
    co_return;
  }
  std::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (ending == kHandshakeClose) {
    co_await handshake_close(std::move(socket), st);
    st.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    co_return;
  }

  TlsStream tls(std::move(socket),
                Connection::client(config_, servername_, offer ? session_ : nullptr));
  // A connection may take 30 s at most; then its socket is closed.
  ::asio::steady_timer watchdog(io, std::chrono::seconds(30));
  bool timed_out = false;
  watchdog.async_wait([&](std::error_code ec) {
    if (!ec) {
      timed_out = true;
      tls.next_layer().close(ignored);
    }
  });
  auto [hec] = co_await tls.async_handshake(kTuple);
  if (hec) {
    view(st, "handshake:" + end_view(tls, hec));
    st.failed++;
    watchdog.cancel();
    co_return;
  }
  ++handshakes_;
  handshake_ms_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  if (tls.connection().resumed()) st.resumed++;

  const Payload payload(seed * 7919 + index, size);
  const bool faulty = !is_clean(ending);
  const size_t to_send = faulty ? size / 2 : size;
  size_t verified = 0;
  bool mismatch = false;
  std::error_code write_ec;

  // The writer runs beside the reader (the echo must be read while we send).
  Event written(io);
  std::vector<uint8_t> first;
  auto start_write = [&](size_t n, bool with_close_first) {
    first.assign(payload.data.begin(), payload.data.begin() + static_cast<std::ptrdiff_t>(n));
    if (with_close_first) first.push_back(kCloseFirst);
    ::asio::async_write(tls, ::asio::buffer(first), [&](std::error_code ec, size_t) {
      write_ec = ec;
      written.set();
    });
  };
  start_write(to_send, ending == kServerFirst);
  st.sent += to_send;
  if (ending == kHalfClose) {
    co_await written.wait();
    co_await tls.async_close_write(kTuple);
  }

  // Reads the echo (of `upto` bytes, or until the end when upto is 0).
  std::vector<uint8_t> buffer(ending == kSlowReader ? 4096 : 16384);
  std::error_code end_ec;
  auto read_echo = [&](size_t upto) -> ::asio::awaitable<std::error_code> {
    while (upto == 0 || verified < upto) {
      if (ending == kSlowReader) {
        ::asio::steady_timer pause(io, std::chrono::milliseconds(verified == 0 ? 200 : 1));
        co_await pause.async_wait(kTuple);
      }
      auto [ec, n] = co_await tls.async_read_some(::asio::buffer(buffer), kTuple);
      for (size_t i = 0; i < n; ++i) {
        if (verified + i >= payload.data.size() || buffer[i] != payload.data[verified + i]) {
          mismatch = true;
          break;
        }
      }
      verified += n;
      if (ec) co_return ec;
    }
    co_return std::error_code();
  };

  std::string result;
  switch (ending) {
    case kClientFirst:
    case kSlowReader: {
      end_ec = co_await read_echo(to_send);
      co_await written.wait();
      if (!end_ec) {
        auto [sec] = co_await tls.async_shutdown(kTuple);
        end_ec = sec;
      }
      result = end_view(tls, end_ec);
      break;
    }
    case kServerFirst: {
      end_ec = co_await read_echo(0);  // the echo, then the server's close_notify
      co_await written.wait();
      if (end_ec == ::asio::error::eof) {
        auto [sec] = co_await tls.async_close_write(kTuple);
        end_ec = sec;
      }
      result = end_view(tls, end_ec);
      break;
    }
    case kBoth: {
      end_ec = co_await read_echo(to_send);
      co_await written.wait();
      if (!end_ec) {
        // 0xFF and our close_notify in one write: the server's close_notify
        // and ours cross.
        const uint8_t close_first = kCloseFirst;
        tls.connection().write(std::span<const uint8_t>(&close_first, 1));
        auto [sec] = co_await tls.async_close_write(kTuple);
        end_ec = sec ? sec : co_await read_echo(0);
        if (end_ec == ::asio::error::eof) end_ec = {};
      }
      result = end_view(tls, end_ec);
      break;
    }
    case kHalfClose: {
      end_ec = co_await read_echo(0);  // all of the echo after our close_notify
      if (end_ec == ::asio::error::eof) end_ec = {};
      result = end_view(tls, end_ec);
      break;
    }
    case kNotifyFin: {
      end_ec = co_await read_echo(to_send);
      co_await written.wait();
      if (!end_ec) {
        auto [sec] = co_await tls.async_close_write(kTuple);
        tls.next_layer().shutdown(tcp::socket::shutdown_send, ignored);
        end_ec = sec ? sec : co_await read_echo(0);
        if (end_ec == ::asio::error::eof) end_ec = {};
      }
      result = end_view(tls, end_ec);
      break;
    }
    case kRst:
    case kDrop: {
      co_await written.wait();
      // Some of the echo first (the server is mid-stream), then the end.
      if (to_send > 0) end_ec = co_await read_echo(std::min<size_t>(to_send, 1 + rng() % to_send));
      if (ending == kRst) tls.next_layer().set_option(tcp::socket::linger(true, 0), ignored);
      tls.next_layer().close(ignored);
      result =
          end_ec ? "error:" + end_ec.message() : (ending == kRst ? "reset_by_us" : "dropped_by_us");
      break;
    }
  }
  watchdog.cancel();
  if (timed_out) result = "timed_out";
  if (mismatch) result = "mismatch";
  if (write_ec && is_clean(ending)) result = "write:" + write_ec.message();
  st.verified += std::min(verified, to_send);
  if (is_clean(ending) && verified < to_send) st.lost += to_send - verified;
  const bool expected = is_clean(ending) ? (result == "clean" && verified == to_send)
                                         : (result == "reset_by_us" || result == "dropped_by_us");
  if (expected)
    st.ok++;
  else
    st.failed++;
  view(st, result);
  if (is_clean(ending) && expected) {
    if (auto s = tls.connection().session()) session_ = s;
  }
  st.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
}

// adieu-server -control's totals: one line after 0xFD.
::asio::awaitable<ServerTotals> Load::query_server() {
  ServerTotals totals;
  tcp::socket socket(io);
  auto [cec] = co_await socket.async_connect(endpoint_, kTuple);
  if (cec) co_return totals;
  TlsStream tls(std::move(socket), Connection::client(config_, servername_));
  auto [hec] = co_await tls.async_handshake(kTuple);
  if (hec) co_return totals;
  const uint8_t ask = kTotals;
  co_await ::asio::async_write(tls, ::asio::buffer(&ask, 1), kTuple);
  std::string text;
  std::array<char, 4096> buffer;
  for (;;) {
    auto [ec, n] = co_await tls.async_read_some(::asio::buffer(buffer), kTuple);
    text.append(buffer.data(), n);
    if (ec) break;
  }
  co_await tls.async_close_write(kTuple);
  std::istringstream words(text);
  std::string word;
  words >> word;
  if (word != "totals") co_return totals;
  while (words >> word) {
    const size_t eq = word.find('=');
    if (eq == std::string::npos) continue;
    totals.values[word.substr(0, eq)] = std::stoull(word.substr(eq + 1));
  }
  totals.ok = true;
  co_return totals;
}

void Load::progress(bool final) {
  if (!show_progress) return;
  const Clock::time_point now = Clock::now();
  if (!final && now - last_progress_ < std::chrono::milliseconds(200)) return;
  last_progress_ = now;
  const double seconds = std::chrono::duration<double>(now - started_).count();
  std::string line = "\r" + std::to_string(done_) + "/" + std::to_string(total) + " " +
                     std::to_string(static_cast<long>(done_ / std::max(seconds, 0.001))) + "/s";
  for (int e = 0; e < kEndings; ++e) {
    if (stats_[e].count > 0) {
      line += std::string(" ") + kEndingNames[e] + "=" + std::to_string(stats_[e].count);
    }
  }
  line += "   ";
  std::fputs(line.c_str(), stderr);
  if (final) std::fputs("\n", stderr);
  std::fflush(stderr);
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

std::string views_text(const std::map<std::string, uint64_t>& views) {
  std::string out;
  for (const auto& [v, n] : views) {
    if (!out.empty()) out += ",";
    out += v + ":" + std::to_string(n);
  }
  return out.empty() ? "-" : out;
}

void Load::report(double seconds, const ServerTotals& before, const ServerTotals& after,
                  bool have_server, long fds_before, long fds_after, long rss_before,
                  long rss_after, long rss_bound) {
  std::printf("%-16s %6s %7s %10s %10s %8s %7s %7s %7s  %-22s %s\n", "ending", "count", "resumed",
              "sent", "verified", "lost", "p50ms", "p90ms", "p99ms", "server_expected",
              "client_view");
  uint64_t connections = 0, ok = 0, lost = 0, misreported = 0;
  std::map<std::string, uint64_t> expected_server;
  for (int e = 0; e < kEndings; ++e) {
    Stats& st = stats_[e];
    if (st.count == 0) continue;
    const uint64_t cut = st.sent - st.verified;
    std::printf("%-16s %6lu %7lu %10lu %10lu %8lu %7.1f %7.1f %7.1f  %-22s %s\n", kEndingNames[e],
                static_cast<unsigned long>(st.count), static_cast<unsigned long>(st.resumed),
                static_cast<unsigned long>(st.sent), static_cast<unsigned long>(st.verified),
                static_cast<unsigned long>(is_clean(e) ? st.lost : cut),
                percentile(st.latency_ms, 0.5), percentile(st.latency_ms, 0.9),
                percentile(st.latency_ms, 0.99), server_kind(e),
                views_text(st.client_views).c_str());
    connections += st.count;
    ok += st.ok;
    lost += st.lost;
    // A clean ending the client did not see as clean is misreported (or failed).
    for (const auto& [v, n] : st.client_views) {
      if (is_clean(e) && v != "clean") misreported += n;
    }
    expected_server[server_kind(e)] += st.count;
  }
  std::printf(
      "(lost: bytes sent and never echoed back; for rst, drop and handshake_close the\n"
      " bytes cut by the ending itself, not counted in the storm line)\n");
  std::printf(
      "handshakes=%zu in %.2f s: %.0f handshakes/s; handshake latency ms p50=%.1f p90=%.1f "
      "p99=%.1f\n",
      handshakes_, seconds, static_cast<double>(handshakes_) / std::max(seconds, 1e-3),
      percentile(handshake_ms_, 0.5), percentile(handshake_ms_, 0.9),
      percentile(handshake_ms_, 0.99));
  if (have_server) {
    std::string line = "server view:";
    uint64_t server_misreported = 0;
    const uint64_t ended = after.get("connections") - before.get("connections");
    for (const char* kind : {"clean", "truncated", "handshake_truncated"}) {
      const uint64_t got = after.get(kind) - before.get(kind);
      const uint64_t want = expected_server[kind];
      line += std::string(" ") + kind + "=" + std::to_string(got) + "/" + std::to_string(want);
      if (got > want) server_misreported += got - want;
    }
    const uint64_t others = ended - (after.get("clean") - before.get("clean")) -
                            (after.get("truncated") - before.get("truncated")) -
                            (after.get("handshake_truncated") - before.get("handshake_truncated"));
    line += " other=" + std::to_string(others) + " (got/expected)";
    server_misreported += others;
    if (ended < connections) server_misreported += connections - ended;  // never ended
    std::printf("%s\n", line.c_str());
    misreported += server_misreported;
  } else {
    std::printf("server view: not available (is the server adieu-server -control?)\n");
    misreported += connections;
  }
  long leaked_fds = 0;
  if (fds_before >= 0) {
    leaked_fds = std::max(0L, fds_after - fds_before);
    std::printf("server fds before=%ld after=%ld; rss_kb before=%ld after=%ld (bound +%ld)\n",
                fds_before, fds_after, rss_before, rss_after, rss_bound);
    if (rss_after - rss_before > rss_bound) {
      std::printf("server RSS grew by %ld KiB, over the bound\n", rss_after - rss_before);
      status_ = 1;
    }
  }
  std::printf("storm connections=%lu ok=%lu lost=%lu misreported=%lu leaked_fds=%ld\n",
              static_cast<unsigned long>(connections), static_cast<unsigned long>(ok),
              static_cast<unsigned long>(lost), static_cast<unsigned long>(misreported),
              leaked_fds);
  std::fflush(stdout);
  if (ok != connections || lost != 0 || misreported != 0 || leaked_fds != 0 ||
      connections != total) {
    status_ = 1;
  }
}

long count_fds(long pid) {
  DIR* dir = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (dir == nullptr) return -1;
  long n = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n;
}

long rss_kb(long pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int run(int argc, char** argv) {
  Options options = parse_options(argc, argv, kProgram, kUsage, kOptions);
  if (!options.has("connect")) fail(kProgram, "-connect host:port is required", kExitUsage);
  std::string host, port;
  if (!split_host_port(options.get("connect"), false, &host, &port)) {
    fail(kProgram, "-connect: '" + options.get("connect") + "' is not host:port", kExitUsage);
  }
  if (host == "localhost") host = "127.0.0.1";
  std::error_code aec;
  const ::asio::ip::address address = ::asio::ip::make_address(host, aec);
  if (aec || !address.is_loopback()) {
    fail(kProgram, "-connect: only loopback addresses (127.0.0.0/8, ::1, localhost)", kExitUsage);
  }
  auto config = std::make_shared<Config>(Role::client);
  std::string error;
  if (options.has("CAfile")) {
    if (!config->load_ca_file(options.get("CAfile"), &error)) fail(kProgram, error);
    config->set_verify(VerifyMode::required);
  } else {
    config->set_verify(VerifyMode::none);
  }
  Load load(config, tcp::endpoint(address, static_cast<unsigned short>(std::stoi(port))),
            options.get("servername", "localhost"));
  if (options.has("n")) {
    load.total = static_cast<size_t>(parse_number(kProgram, "n", options.get("n"), 1, 10000000));
  }
  const long concurrency =
      options.has("c") ? parse_number(kProgram, "c", options.get("c"), 1, 100000) : 100;
  if (options.has("payload")) {
    load.max_payload =
        static_cast<size_t>(parse_number(kProgram, "payload", options.get("payload"), 1, 1 << 24));
  }
  if (options.has("resume")) {
    load.resume_percent =
        static_cast<int>(parse_number(kProgram, "resume", options.get("resume"), 0, 100));
  }
  if (options.has("seed")) {
    load.seed = static_cast<uint64_t>(
        parse_number(kProgram, "seed", options.get("seed"), 0, std::numeric_limits<long>::max()));
  }
  const long time_limit =
      options.has("time_limit")
          ? parse_number(kProgram, "time_limit", options.get("time_limit"), 1, 86400)
          : 600;
  const long rss_bound =
      options.has("rss_bound")
          ? parse_number(kProgram, "rss_bound", options.get("rss_bound"), 0, 1L << 30)
          : 65536;
  if (options.has("endings")) {
    for (const std::string& name : split_list(options.get("endings"), ',')) {
      int found = -1;
      for (int e = 0; e < kEndings; ++e) {
        if (name == kEndingNames[e]) found = e;
      }
      if (found < 0) fail(kProgram, "-endings: unknown ending '" + name + "'", kExitUsage);
      load.endings.push_back(found);
    }
  } else {
    for (int e = 0; e < kEndings; ++e) load.endings.push_back(e);
  }
  const long server_pid =
      options.has("server_pid")
          ? parse_number(kProgram, "server_pid", options.get("server_pid"), 1, 1L << 22)
          : -1;
  load.show_progress = !options.has("quiet") && isatty(STDERR_FILENO);

  // Room for every connection's descriptor.
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }

  ServerTotals before, after;
  long fds_before = -1, fds_after = -1, rss_before = -1, rss_after = -1;
  double seconds = 0;
  ::asio::co_spawn(
      load.io,
      [&]() -> ::asio::awaitable<void> {
        before = co_await load.query_server();
        if (server_pid > 0) {
          // The query's connection must have ended on the server too.
          ::asio::steady_timer pause(load.io, std::chrono::milliseconds(100));
          co_await pause.async_wait(kTuple);
          fds_before = count_fds(server_pid);
          rss_before = rss_kb(server_pid);
        }
        const Clock::time_point start = Clock::now();
        load.deadline = start + std::chrono::seconds(time_limit);
        auto remaining = std::make_shared<long>(concurrency);
        Event all_done(load.io);
        for (long i = 0; i < concurrency; ++i) {
          ::asio::co_spawn(load.io, load.worker(), [&, remaining](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
            if (--*remaining == 0) all_done.set();
          });
        }
        co_await all_done.wait();
        seconds = std::chrono::duration<double>(Clock::now() - start).count();
        load.progress(true);
        // The server ends the faulty connections on its own time: wait (5 s
        // at most) until it has counted them all.
        const uint64_t expected = load.total;
        for (int i = 0; i < 100; ++i) {
          after = co_await load.query_server();
          if (!after.ok || !before.ok ||
              after.get("connections") - before.get("connections") >= expected) {
            break;
          }
          ::asio::steady_timer pause(load.io, std::chrono::milliseconds(50));
          co_await pause.async_wait(kTuple);
        }
        if (server_pid > 0) {
          for (int i = 0; i < 50; ++i) {
            ::asio::steady_timer pause(load.io, std::chrono::milliseconds(100));
            co_await pause.async_wait(kTuple);
            fds_after = count_fds(server_pid);
            if (fds_after <= fds_before) break;
          }
          rss_after = rss_kb(server_pid);
        }
      },
      ::asio::detached);
  load.io.run();
  load.report(seconds, before, after, before.ok && after.ok, fds_before, fds_after, rss_before,
              rss_after, rss_bound);
  if (options.has("report")) {
    const std::string title = "adieu-load -n " + std::to_string(load.total) + " -c " +
                              std::to_string(concurrency) + " against " + options.get("connect") +
                              ": latency per ending";
    if (!write_latency_svg(options.get("report"), title, load.latency_series(), &error)) {
      std::fprintf(stderr, "%s: -report: %s\n", kProgram, error.c_str());
      return 1;
    }
  }
  return load.status();
}

}  // namespace
}  // namespace adieu::tools

int main(int argc, char** argv) {
  return adieu::tools::run(argc, argv);
}
