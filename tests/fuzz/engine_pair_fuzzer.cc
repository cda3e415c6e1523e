// Two real engines talking, with the fuzzer in charge of the transport and
// the applications: it moves, cuts, flips and drops bytes, writes, closes,
// updates keys and reconnects, in any order. Randomness is deterministic
// (libcrypto's too), so the handshake itself is reproducible and mutations
// reach the encrypted states. The zero-copy calls (write_into,
// consume_readable) are mixed in.
//
// Input: byte 0 picks the configs, then (op, arg) pairs.
//   bits 0-1  versions: 0 both offer TLS 1.2 and 1.3; 1 both only TLS 1.2;
//             2 the server only TLS 1.2; 3 the client only TLS 1.2
//   bit 2     Tls12CloseNotify::half_close on both sides (else answer)
//   bit 3     the server asks for a client certificate (optional), the
//             client has one
//   bit 4     the server keeps sessions in a SessionCache (else stateless
//             tickets)
//   bits 5-7  record_size_limit, max_fragment_length, an external PSK
// In every mode the server takes 0-RTT data and the client sends it when it
// resumes: what the client writes before its handshake completes is early
// data, taken or skipped.
// The client always offers post-handshake authentication; the KeyUpdate
// op with arg bit 1 set asks for a client certificate instead
// (request_client_certificate on either side).
//
// Checked:
//  - write_into's contract: written bytes equal write_into_size() and
//    nothing stays pending; a buffer one byte short changes nothing.
//  - Each direction's plaintext read is a prefix of what was written (the
//    records are authenticated, whatever the transport did; early data the
//    server did not take is not counted as written); once everything
//    is delivered at the end, all of it when that direction's bytes were
//    never flipped or dropped, nobody failed and the reader completed its
//    handshake without a transport EOF.
//  - When both handshakes completed: the same version (the one the configs
//    allow), suite, resumption and exported keys on both sides.
//  - TLS 1.2: key_update() and request_client_certificate() are refused
//    with a non-fatal error that sends nothing (so is a client's request);
//    a server never completes more post-handshake authentications than it
//    asked for, and in a pair that failed nowhere and was never disturbed,
//    a client that never closed has answered every request; a received close_notify is answered at
//    once (answer) or never (half_close), and in TLS 1.3 never.
//  - A pair whose bytes were never flipped, dropped or cut by an EOF ends
//    without an error on either side (strict(); ADIEU_FUZZ_STRICT=0 skips it).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string_view>
#include <vector>

#include "engine_support.h"

namespace {

using adieu::Connection;
using adieu::Error;
using adieu::ReadState;
using adieu::WriteState;

constexpr uint64_t kNowMs = 1700000000000;

// ADIEU_FUZZ_TRACE=1: one line per pair on stderr when it ends.
bool trace() {
  static const bool on = std::getenv("ADIEU_FUZZ_TRACE") != nullptr;
  return on;
}

// A pair whose bytes were never flipped, dropped or cut by an EOF must also
// end without a fatal error on either side. ADIEU_FUZZ_STRICT=0 turns the
// check off (to look past one such failure for others).
bool strict() {
  static const bool on = [] {
    const char* v = std::getenv("ADIEU_FUZZ_STRICT");
    return v == nullptr || std::string_view(v) != "0";
  }();
  return on;
}

struct Mode {
  uint8_t bits;
  bool client_tls12_only() const { return (bits & 3) == 1 || (bits & 3) == 3; }
  bool server_tls12_only() const { return (bits & 3) == 1 || (bits & 3) == 2; }
  bool tls12() const { return (bits & 3) != 0; }
  bool half_close() const { return bits & 4; }
  bool client_certificate() const { return bits & 8; }
  bool session_cache() const { return bits & 16; }
  // Small records: record_size_limit (256 from the client, 300 from the
  // server) or the client's max_fragment_length of 512.
  bool record_size_limit() const { return bits & 32; }
  bool max_fragment_length() const { return bits & 64; }
  // An external PSK on both sides (TLS 1.3: it replaces tickets).
  bool external_psk() const { return bits & 128; }
};

constexpr uint32_t kMaxEarlyData = 4096;

std::shared_ptr<adieu::Config> make_config(adieu::Role role, Mode mode) {
  using namespace adieu;
  auto c = std::make_shared<Config>(role);
  bool ok = true;
  const bool server = role == Role::server;
  if (server) {
    ok = c->add_certificate(fuzz::data_file("ecdsa-fullchain.pem"),
                            fuzz::data_file("ecdsa-leaf.key"), "", nullptr);
    if (mode.client_certificate()) c->set_verify(VerifyMode::optional);
  } else if (mode.client_certificate()) {
    ok = c->add_certificate(fuzz::data_file("client-fullchain.pem"),
                            fuzz::data_file("client-leaf.key"), "", nullptr);
  }
  ok = ok && c->load_ca_file(fuzz::data_file("ca-bundle.pem"), nullptr);
  if (server ? mode.server_tls12_only() : mode.client_tls12_only()) {
    ok = ok && c->set_versions(0x0303, 0x0303, nullptr);
  }
  if (mode.half_close()) c->set_tls12_close_notify(Tls12CloseNotify::half_close);
  if (!server) c->set_post_handshake_auth(true);
  if (mode.record_size_limit()) ok = ok && c->set_record_size_limit(server ? 300 : 256, nullptr);
  if (mode.max_fragment_length() && !server) ok = ok && c->set_max_fragment_length(512, nullptr);
  if (mode.external_psk()) {
    static const uint8_t kPsk[32] = {1, 2, 3};
    ok = ok && c->add_external_psk("fuzz", kPsk, "SHA256", nullptr);
  }
  if (server) {
    c->set_max_early_data(kMaxEarlyData);
  } else {
    c->set_early_data(true);
  }
  if (!ok) std::abort();
  c->impl().random = &fuzz::fuzz_random();
  c->impl().clock_ms = [] { return kNowMs; };
  return c;
}

std::shared_ptr<adieu::Config> config(adieu::Role role, Mode mode) {
  static std::map<std::pair<adieu::Role, uint8_t>, std::shared_ptr<adieu::Config>> configs;
  std::shared_ptr<adieu::Config>& c = configs[{role, mode.bits}];
  if (!c) c = make_config(role, mode);
  return c;
}

// One direction's application data.
struct Direction {
  std::vector<uint8_t> sent;
  std::vector<uint8_t> received;
  bool clean = true;  // no byte flipped or dropped, no EOF at the reader

  void add_received(std::span<const uint8_t> bytes) {
    received.insert(received.end(), bytes.begin(), bytes.end());
    if (received.size() > sent.size() ||
        !std::equal(received.begin(), received.end(), sent.begin()))
      std::abort();
  }
};

struct Pair {
  Mode mode;
  std::unique_ptr<Connection> client;
  std::unique_ptr<Connection> server;
  Direction to_server;
  Direction to_client;
  size_t early_data_sent = 0;         // the client's 0-RTT bytes, at the front of to_server.sent
  uint64_t certificate_requests = 0;  // post-handshake requests the server sent

  Direction& from(const Connection& c) { return &c == client.get() ? to_server : to_client; }
  Direction& into(const Connection& c) { return &c == client.get() ? to_client : to_server; }

  // Delivers `bytes` to `to` and checks how its write side took a close_notify.
  void receive(Connection& to, std::span<const uint8_t> bytes) {
    const WriteState before = to.write_state();
    const bool connected = to.handshake_done() && to.error() == Error::none;
    to.receive(bytes);
    if (&to == client.get() && early_data_sent != 0 &&
        client->early_data_status() == adieu::EarlyDataStatus::rejected) {
      // Skipped by the server: it never counts as sent (nothing after it
      // can have been written before the client learnt this).
      if (!to_server.received.empty()) std::abort();
      to_server.sent.erase(to_server.sent.begin(),
                           to_server.sent.begin() + static_cast<ptrdiff_t>(early_data_sent));
      early_data_sent = 0;
    }
    if (before != WriteState::open || !connected || to.error() != Error::none) return;
    const bool answers = to.version() == 0x0303 && !mode.half_close() &&
                         to.read_state() == ReadState::close_notify_received;
    if (answers != (to.write_state() != WriteState::open)) std::abort();
  }

  void move_bytes(Connection& a, Connection& b, size_t n, int flip_at) {
    std::span<const uint8_t> out = a.pending_output();
    n = std::min(n, out.size());
    std::vector<uint8_t> chunk(out.begin(), out.begin() + static_cast<ptrdiff_t>(n));
    a.consume_output(n);
    if (flip_at >= 0 && static_cast<size_t>(flip_at) < chunk.size()) {
      chunk[flip_at] ^= 0x5a;
      from(a).clean = false;
    }
    receive(b, chunk);
  }

  // write_into() with a buffer one byte short when `short_by_one`; what it
  // writes goes to `b`.
  void write_into(Connection& a, Connection& b, std::span<const uint8_t> data, bool short_by_one) {
    const size_t pending = a.pending_output().size();
    const size_t need = a.write_into_size(data.size());
    std::vector<uint8_t> room(need > 0 && short_by_one ? need - 1 : need);
    size_t written = 0;
    const Error err = a.write_into(data, room, written);
    if (err == Error::buffer_too_small) {
      if (!short_by_one || written != 0 || a.pending_output().size() != pending) std::abort();
      return;
    }
    if (err != Error::none) {
      if (written != 0) std::abort();
      return;
    }
    if (written != need || !a.pending_output().empty()) std::abort();
    Direction& d = from(a);
    d.sent.insert(d.sent.end(), data.begin(), data.end());
    receive(b, std::span<const uint8_t>(room.data(), written));
  }

  void write(Connection& a, std::span<const uint8_t> data) {
    const bool early = !a.handshake_done();
    if (a.write(data) == Error::none) {
      Direction& d = from(a);
      d.sent.insert(d.sent.end(), data.begin(), data.end());
      if (early) early_data_sent += data.size();
    }
  }

  void key_update(Connection& a, bool request) {
    const bool tls12 = a.handshake_done() && a.version() == 0x0303 && a.error() == Error::none &&
                       a.write_state() == WriteState::open;
    const size_t pending = a.pending_output().size();
    const Error err = a.key_update(request);
    if (tls12 &&
        (err == Error::none || a.error() != Error::none || a.pending_output().size() != pending)) {
      std::abort();
    }
  }

  void request_client_certificate(Connection& a) {
    // A healthy client, or a TLS 1.2 server, refuses without harm.
    const bool refused =
        a.error() == Error::none &&
        (a.role() == adieu::Role::client ||
         (a.handshake_done() && a.version() == 0x0303 && a.write_state() == WriteState::open));
    const size_t pending = a.pending_output().size();
    const Error err = a.request_client_certificate();
    if (err == Error::none) ++certificate_requests;
    if (refused &&
        (err == Error::none || a.error() != Error::none || a.pending_output().size() != pending)) {
      std::abort();
    }
    if (server->post_handshake_auths() > certificate_requests) std::abort();
  }

  void read(Connection& a, size_t n) {
    uint8_t buf[256];
    const adieu::ReadResult r = a.read(std::span<uint8_t>(buf, std::min(n, sizeof(buf))));
    if (r.status == adieu::ReadStatus::data) into(a).add_received({buf, r.bytes});
  }

  void consume_readable(Connection& a, size_t n) {
    const std::span<const uint8_t> readable = a.readable();
    into(a).add_received(readable.first(std::min(n, readable.size())));
    a.consume_readable(n);
  }

  void drain(Connection& a) {
    uint8_t buf[1024];
    for (;;) {
      const adieu::ReadResult r = a.read(buf);
      if (r.status != adieu::ReadStatus::data) break;
      into(a).add_received({buf, r.bytes});
    }
  }

  // Everything delivered and read, then the end-of-connection checks.
  void finish() {
    for (int round = 0; round < 8; ++round) {
      if (client->pending_output().empty() && server->pending_output().empty()) break;
      move_bytes(*client, *server, SIZE_MAX, -1);
      move_bytes(*server, *client, SIZE_MAX, -1);
    }
    drain(*client);
    drain(*server);
    if (trace()) {
      std::fprintf(stderr,
                   "pair: client done %d resumed %d version %04x error %d | server done %d resumed "
                   "%d version %04x error %d | to server %zu/%zu%s | to client %zu/%zu%s | "
                   "client certificates asked %llu, verified %llu\n",
                   client->handshake_done(), client->resumed(), client->version(),
                   static_cast<int>(client->error()), server->handshake_done(), server->resumed(),
                   server->version(), static_cast<int>(server->error()), to_server.received.size(),
                   to_server.sent.size(), to_server.clean ? "" : " (unclean)",
                   to_client.received.size(), to_client.sent.size(),
                   to_client.clean ? "" : " (unclean)",
                   static_cast<unsigned long long>(certificate_requests),
                   static_cast<unsigned long long>(server->post_handshake_auths()));
    }
    check_complete(*client, *server);
    check_complete(*server, *client);
    if (strict() && to_server.clean && to_client.clean &&
        (client->error() != Error::none || server->error() != Error::none)) {
      std::fprintf(stderr, "strict: a clean pair failed: client error %d, server error %d\n",
                   static_cast<int>(client->error()), static_cast<int>(server->error()));
      std::abort();
    }
    if (client->handshake_done() && server->handshake_done()) check_agreement();
    // Everything was delivered: a client that never closed answered every
    // request, and the server took each answer.
    if (server->post_handshake_auths() + server->client_certificate_requests_pending() !=
            certificate_requests ||
        (to_server.clean && to_client.clean && client->error() == Error::none &&
         server->error() == Error::none && client->write_state() == WriteState::open &&
         server->client_certificate_requests_pending() != 0)) {
      std::abort();
    }
  }

  void check_complete(Connection& writer, Connection& reader) {
    const Direction& d = from(writer);
    if (d.clean && writer.error() == Error::none && reader.error() == Error::none &&
        reader.handshake_done() && reader.read_state() != ReadState::truncated &&
        d.received != d.sent) {
      std::abort();
    }
  }

  void check_agreement() {
    const uint16_t expected = mode.tls12() ? 0x0303 : 0x0304;
    if (client->version() != expected || server->version() != expected ||
        client->cipher_suite() != server->cipher_suite() ||
        client->resumed() != server->resumed()) {
      std::abort();
    }
    uint8_t ours[32];
    uint8_t theirs[32];
    if (client->export_keying_material("EXPERIMENTAL fuzz", std::nullopt, ours) &&
        server->export_keying_material("EXPERIMENTAL fuzz", std::nullopt, theirs) &&
        !std::equal(std::begin(ours), std::end(ours), std::begin(theirs))) {
      std::abort();
    }
  }

  void connect(std::shared_ptr<adieu::Session> session) {
    client = Connection::client(config(adieu::Role::client, mode), "localhost", std::move(session));
    server = Connection::server(config(adieu::Role::server, mode));
    to_server = Direction();
    to_client = Direction();
    early_data_sent = 0;
    certificate_requests = 0;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace adieu;
  if (size == 0) return 0;
  static fuzz::DeterministicRandom libcrypto_random(0x9a1e);
  Pair p{Mode{data[0]}, nullptr, nullptr, {}, {}};
  const std::shared_ptr<Config> server_config = config(Role::server, p.mode);
  server_config->set_session_cache(p.mode.session_cache() ? std::make_shared<SessionCache>()
                                                          : nullptr);
  server_config->set_ticket_keys(fuzz::deterministic_ticket_keys(kNowMs));
  // A fresh anti-replay record per input, so an input's outcome is its own.
  server_config->impl().early_data_replay = std::make_shared<adieu::EarlyDataReplayGuard>();
  fuzz::fuzz_random().reset();
  libcrypto_random.reset();
  fuzz::use_deterministic_libcrypto(libcrypto_random);
  p.connect(nullptr);

  for (size_t i = 1; i + 1 < size; i += 2) {
    const uint8_t op = data[i];
    const uint8_t arg = data[i + 1];
    Connection& a = (op & 1) ? *p.server : *p.client;
    Connection& b = (op & 1) ? *p.client : *p.server;
    switch ((op >> 1) % 12) {
      case 0:  // deliver everything
        p.move_bytes(a, b, SIZE_MAX, -1);
        break;
      case 1:  // deliver a prefix
        p.move_bytes(a, b, arg, -1);
        break;
      case 2:  // deliver with one byte flipped
        p.move_bytes(a, b, SIZE_MAX, arg);
        break;
      case 3: {  // drop
        const size_t n = std::min<size_t>(arg, a.pending_output().size());
        if (n > 0) p.from(a).clean = false;
        a.consume_output(n);
        break;
      }
      case 4:
        p.write(a, std::span<const uint8_t>(data, std::min<size_t>(arg, size)));
        break;
      case 5:
        a.close();
        break;
      case 6:
        if (arg & 2) {
          p.request_client_certificate(a);
        } else {
          p.key_update(a, arg & 1);
        }
        break;
      case 7:
        p.read(a, arg);
        break;
      case 8:
        if (arg == 0) {
          a.receive_eof();
          p.into(a).clean = false;
        }
        break;
      case 9:
        p.write_into(a, b, std::span<const uint8_t>(data, std::min<size_t>(arg >> 1, size)),
                     arg & 1);
        break;
      case 10:
        p.consume_readable(a, arg);
        break;
      case 11: {  // a new pair, the client offering its session (if any)
        p.finish();
        std::shared_ptr<Session> session = (arg & 1) ? p.client->session() : nullptr;
        if (arg & 2) p.client->close();  // a clean end keeps the session resumable
        p.client.reset();
        p.server.reset();
        p.connect(std::move(session));
        break;
      }
    }
  }
  p.finish();
  p.client.reset();
  p.server.reset();
  fuzz::libcrypto_stream() = nullptr;
  return 0;
}
