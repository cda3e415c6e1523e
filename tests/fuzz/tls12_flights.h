// Shared by engine_tls12_client_fuzzer and engine_tls12_server_fuzzer: their
// TLS 1.2-only configs, and the recording of real TLS 1.2 flights between
// two engines that makes their seeds and primes their sessions.
//
// Replaying a flight recorded from a pair against one engine reaches the end
// of the handshake only if that engine draws exactly the randomness it drew
// in the pair. So each side has a stream of its own (client_random(),
// server_random()), reset at the start of a connection, which its Config
// draws from, and libcrypto's randomness (ECDSA nonces, blinding) is made
// deterministic too and drawn from the stream of the side being called
// (on()). Ticket keys are deterministic (deterministic_ticket_keys), and a
// server's session cache is primed, per run, with the session a recorded
// full handshake left in it (primed()), so recorded resumptions resume.
//
// Seeds are written by the fuzzers themselves: with ADIEU_FUZZ_WRITE_SEEDS=dir
// in the environment, a fuzzer records its flights, writes them to dir,
// replays each one and fails unless it completes the handshake (resumed when
// it should be). make_corpus.py --engine-build <build dir> runs them.
#pragma once

#include <adieu/session.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine_support.h"

namespace adieu::fuzz::tls12 {

constexpr uint64_t kNowMs = 1700000000000;

inline DeterministicRandom& client_random() {
  static DeterministicRandom random(0x1202);
  return random;
}

inline DeterministicRandom& server_random() {
  static DeterministicRandom random(0x1203);
  return random;
}

// What follows is a call into the engine whose config draws from `side`.
inline void on(DeterministicRandom& side) {
  use_deterministic_libcrypto(side);
}

// A leaf and its key in tests/data: "ecdsa", "rsa", "p384", "ed25519", "client".
inline void add_certificate(Config& config, const std::string& name, std::string& error, bool& ok) {
  ok = ok && config.add_certificate(data_file((name + "-fullchain.pem").c_str()),
                                    data_file((name + "-leaf.key").c_str()), "", &error);
}

struct ServerOptions {
  std::string certificate = "ecdsa";
  VerifyMode verify = VerifyMode::none;
  std::string suites;  // TLS 1.2 suites; empty: the default list
  std::string groups;  // empty: the default list
};

struct ClientOptions {
  bool certificate = false;  // client-fullchain.pem
  bool half_close = false;   // Tls12CloseNotify::half_close
  std::string suites;
  std::string groups;
};

inline void finish_config(Config& config, bool ok, const std::string& error,
                          DeterministicRandom& random) {
  if (!ok) {
    std::fprintf(stderr, "fuzz config: %s\n", error.c_str());
    std::abort();
  }
  config.impl().random = &random;
  config.impl().clock_ms = [] { return kNowMs; };
}

inline std::shared_ptr<Config> make_server_config(const ServerOptions& options) {
  auto config = std::make_shared<Config>(Role::server);
  std::string error;
  bool ok = config->set_versions(0x0303, 0x0303, &error);
  add_certificate(*config, options.certificate, error, ok);
  ok = ok && config->load_ca_file(data_file("ca-bundle.pem"), &error);
  if (!options.suites.empty()) ok = ok && config->set_tls12_cipher_suites(options.suites, &error);
  if (!options.groups.empty()) ok = ok && config->set_groups(options.groups, &error);
  config->set_verify(options.verify);
  finish_config(*config, ok, error, server_random());
  return config;
}

inline std::shared_ptr<Config> make_client_config(const ClientOptions& options) {
  auto config = std::make_shared<Config>(Role::client);
  std::string error;
  bool ok = config->set_versions(0x0303, 0x0303, &error) &&
            config->load_ca_file(data_file("ca-bundle.pem"), &error);
  if (options.certificate) add_certificate(*config, "client", error, ok);
  if (!options.suites.empty()) ok = ok && config->set_tls12_cipher_suites(options.suites, &error);
  if (!options.groups.empty()) ok = ok && config->set_groups(options.groups, &error);
  if (options.half_close) config->set_tls12_close_notify(Tls12CloseNotify::half_close);
  finish_config(*config, ok, error, client_random());
  return config;
}

// The server fuzzer's configs: an ECDSA or RSA certificate, each client
// certificate policy.
inline std::shared_ptr<Config> server_config(bool rsa, VerifyMode verify) {
  static std::shared_ptr<Config> configs[2][3];
  std::shared_ptr<Config>& config = configs[rsa][static_cast<int>(verify)];
  if (!config) config = make_server_config({rsa ? "rsa" : "ecdsa", verify, "", ""});
  return config;
}

// The client fuzzer's configs: with or without a certificate, either TLS 1.2
// close_notify behaviour.
inline std::shared_ptr<Config> client_config(bool certificate, bool half_close) {
  static std::shared_ptr<Config> configs[2][2];
  std::shared_ptr<Config>& config = configs[certificate][half_close];
  if (!config) config = make_client_config({certificate, half_close, "", ""});
  return config;
}

// Two engines' bytes, each side's in the order it sent them.
struct Recording {
  std::vector<uint8_t> client_bytes;
  std::vector<uint8_t> server_bytes;
  std::shared_ptr<Session> client_session;
  bool client_done = false;
  bool server_done = false;
  bool resumed = false;
};

// Moves what `from` has to send to `to`; false when there was nothing.
inline bool transfer(Connection& from, DeterministicRandom& from_side, Connection& to,
                     DeterministicRandom& to_side, std::vector<uint8_t>& log) {
  on(from_side);
  const std::span<const uint8_t> out = from.pending_output();
  if (out.empty()) return false;
  const std::vector<uint8_t> bytes(out.begin(), out.end());
  from.consume_output(bytes.size());
  log.insert(log.end(), bytes.begin(), bytes.end());
  on(to_side);
  to.receive(bytes);
  return true;
}

// A TLS 1.2 handshake between two configs (the client offering `offer`), then
// "ping" from the client, "pong" from the server, the client's close and the
// server's.
inline Recording record(const std::shared_ptr<Config>& client_config,
                        const std::shared_ptr<Config>& server_config,
                        std::shared_ptr<Session> offer) {
  Recording rec;
  client_random().reset();
  server_random().reset();
  on(client_random());
  std::unique_ptr<Connection> client = Connection::client(client_config, "localhost", offer);
  on(server_random());
  std::unique_ptr<Connection> server = Connection::server(server_config);
  auto pump = [&] {
    for (int round = 0; round < 16; ++round) {
      const bool sent =
          transfer(*client, client_random(), *server, server_random(), rec.client_bytes);
      const bool answered =
          transfer(*server, server_random(), *client, client_random(), rec.server_bytes);
      if (!sent && !answered) return;
    }
  };
  pump();
  if (client->handshake_done() && server->handshake_done()) {
    static const uint8_t ping[] = {'p', 'i', 'n', 'g'};
    static const uint8_t pong[] = {'p', 'o', 'n', 'g'};
    on(client_random());
    client->write(ping);
    pump();
    on(server_random());
    server->write(pong);
    pump();
    on(client_random());
    client->close();
    pump();
    on(server_random());
    server->close();
    pump();
  }
  rec.client_done = client->handshake_done() && client->error() == Error::none;
  rec.server_done = server->handshake_done() && server->error() == Error::none;
  rec.resumed = client->resumed() && server->resumed();
  rec.client_session = client->session();
  on(client_random());
  drain(*client);
  client.reset();
  on(server_random());
  drain(*server);
  server.reset();
  libcrypto_stream() = nullptr;
  return rec;
}

// Sessions from two recorded full handshakes of the fuzzers' own configs
// (no client certificate, an ECDSA server asking for none): one resumable by
// an RFC 5077 ticket, one by session id (and the server's side of it).
struct Primed {
  std::vector<uint8_t> ticket_session;
  std::vector<uint8_t> id_session;
  std::vector<uint8_t> id;
  std::vector<uint8_t> server_id_session;
};

inline void prepare_server(Config& config, bool cache, bool prime);

inline const Primed& primed() {
  static const Primed p = [] {
    Primed p;
    const std::shared_ptr<Config> client = client_config(false, false);
    const std::shared_ptr<Config> server = server_config(false, VerifyMode::none);
    prepare_server(*server, false, false);
    const Recording by_ticket = record(client, server, nullptr);
    prepare_server(*server, true, false);
    const Recording by_id = record(client, server, nullptr);
    if (!by_ticket.client_session || !by_id.client_session) {
      std::fprintf(stderr, "fuzz: the priming handshakes kept no session\n");
      std::abort();
    }
    p.ticket_session = by_ticket.client_session->to_bytes();
    p.id_session = by_id.client_session->to_bytes();
    p.id.assign(by_id.client_session->id().begin(), by_id.client_session->id().end());
    const std::shared_ptr<Session> on_server = server->session_cache()->get(p.id, kNowMs);
    if (!on_server) {
      std::fprintf(stderr, "fuzz: the priming handshake left no session in the cache\n");
      std::abort();
    }
    p.server_id_session = on_server->to_bytes();
    server->set_session_cache(nullptr);
    return p;
  }();
  return p;
}

// A server's resumption state for one run: deterministic ticket keys, and a
// fresh session cache (stateful mode), holding primed()'s session if `prime`.
// Call before resetting the randoms (priming records handshakes).
inline void prepare_server(Config& config, bool cache, bool prime) {
  std::shared_ptr<SessionCache> sessions;
  if (cache) {
    sessions = std::make_shared<SessionCache>();
    if (prime) {
      const Primed& p = primed();
      sessions->put(p.id, Session::from_bytes(p.server_id_session), kNowMs);
    }
  }
  config.set_session_cache(std::move(sessions));
  config.set_ticket_keys(deterministic_ticket_keys(kNowMs));
}

// Feeds `bytes` in chunks of 2^(code-1) bytes (all at once for code 0),
// reading everything after each.
inline void feed(Connection& c, std::span<const uint8_t> bytes, unsigned code) {
  const size_t chunk = code == 0 ? bytes.size() : size_t{1} << (code - 1);
  do {
    const size_t n = std::min(chunk, bytes.size());
    c.receive(bytes.first(n));
    drain(c);
    bytes = bytes.subspan(n);
  } while (!bytes.empty());
}

// Seed writing (ADIEU_FUZZ_WRITE_SEEDS).
struct Seed {
  std::string name;
  std::vector<uint8_t> bytes;
  bool resumed = false;
};

inline Seed make_seed(std::string name, uint8_t mode, const std::vector<uint8_t>& bytes,
                      bool resumed) {
  Seed seed{std::move(name), {mode}, resumed};
  seed.bytes.insert(seed.bytes.end(), bytes.begin(), bytes.end());
  return seed;
}

inline void check_recording(const std::string& name, const Recording& rec, bool resumed) {
  if (!rec.client_done || !rec.server_done || rec.resumed != resumed) {
    std::fprintf(stderr, "fuzz seed %s: the recorded handshake failed (client %d server %d)\n",
                 name.c_str(), rec.client_done, rec.server_done);
    std::exit(1);
  }
}

// Writes the seeds into `dir` and replays each through `run`, which returns
// {handshake done, resumed}; exits the process.
template <typename Run>
[[noreturn]] void write_seeds(const char* dir, const std::vector<Seed>& seeds, Run run) {
  int failures = 0;
  for (const Seed& seed : seeds) {
    const std::string path = std::string(dir) + "/" + seed.name;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(seed.bytes.data()),
              static_cast<std::streamsize>(seed.bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      std::exit(1);
    }
    const auto [done, resumed] = run(seed.bytes.data(), seed.bytes.size());
    const bool good = done && resumed == seed.resumed;
    std::fprintf(stderr, "%-32s %5zu bytes  replay: %s%s\n", seed.name.c_str(), seed.bytes.size(),
                 done ? "handshake done" : "HANDSHAKE NOT DONE", resumed ? ", resumed" : "");
    if (!good) ++failures;
  }
  std::exit(failures == 0 ? 0 : 1);
}

}  // namespace adieu::fuzz::tls12
