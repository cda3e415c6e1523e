// fuzz-link: adieu_engine
// A TLS 1.2-only server engine (Config::set_versions(0x0303, 0x0303)) fed
// arbitrary bytes as the client's side of the connection.
//
// Input: byte 0 is the mode, the rest the client's bytes.
//   bit 0     stateful: a SessionCache (session ids), holding the session of
//             tls12_flights.h's primed handshake; else stateless RFC 5077
//             tickets under deterministic TicketKeys
//   bits 1-2  client certificates: 0 not requested, 1 optional, 2 required,
//             3 optional
//   bit 3     an RSA certificate instead of the ECDSA one
//   bits 4-7  the bytes arrive all at once (0) or in chunks of 2^(n-1)
// Checked: nothing crashes or leaks; a completed handshake is TLS 1.2; a
// full one has the client's certificate when it was required and none when
// none was asked for.
//
// Seeds are real TLS 1.2 client flights recorded against this very server
// (see tls12_flights.h; ADIEU_FUZZ_WRITE_SEEDS=dir writes them): full
// handshakes in both modes, resumed ones by ticket and by session id, with
// and without a client certificate, and other suites and groups.
#include <cstdlib>
#include <utility>

#include "tls12_flights.h"

namespace {

using namespace adieu;
namespace t12 = adieu::fuzz::tls12;

VerifyMode verify_mode(uint8_t mode) {
  switch ((mode >> 1) & 3) {
    case 0:
      return VerifyMode::none;
    case 2:
      return VerifyMode::required;
    default:
      return VerifyMode::optional;
  }
}

// {handshake done, resumed}
std::pair<bool, bool> run(const uint8_t* data, size_t size) {
  if (size == 0) return {false, false};
  const uint8_t mode = data[0];
  const VerifyMode verify = verify_mode(mode);
  const std::shared_ptr<Config> config = t12::server_config(mode & 8, verify);
  t12::prepare_server(*config, mode & 1, true);
  t12::server_random().reset();
  t12::on(t12::server_random());
  std::unique_ptr<Connection> server = Connection::server(config);
  t12::feed(*server, std::span<const uint8_t>(data + 1, size - 1), mode >> 4);

  const bool done = server->handshake_done();
  const bool resumed = server->resumed();
  if (done) {
    if (server->version() != 0x0303) std::abort();
    if (!resumed) {
      if (verify == VerifyMode::required && server->peer_certificates().empty()) std::abort();
      if (verify == VerifyMode::none && !server->peer_certificates().empty()) std::abort();
    }
    static const uint8_t data_out[] = {'f', 'u', 'z', 'z'};
    server->write(data_out);
    server->close();
    fuzz::drain(*server);
  }
  server->receive_eof();
  fuzz::drain(*server);
  server.reset();
  fuzz::libcrypto_stream() = nullptr;
  return {done, resumed};
}

std::shared_ptr<Session> session_for(unsigned kind) {
  if (kind == 1) return Session::from_bytes(t12::primed().ticket_session);
  if (kind == 2) return Session::from_bytes(t12::primed().id_session);
  return nullptr;
}

// The seeds: one recorded client flight per case.
[[noreturn]] void write_seeds(const char* dir) {
  std::vector<t12::Seed> seeds;
  struct Case {
    const char* name;
    uint8_t mode;
    t12::ClientOptions client;
    unsigned offer;  // 1: the primed ticket session, 2: the primed session-id one
    bool resumed;
  };
  const Case cases[] = {
      {"full_ticket", 0x00, {}, 0, false},
      {"full_session_id", 0x01, {}, 0, false},
      {"resumed_ticket", 0x00, {}, 1, true},
      {"resumed_session_id", 0x01, {}, 2, true},
      // Offered where the server cannot resume: a full handshake.
      {"ticket_offered_to_cache", 0x01, {}, 1, false},
      {"client_certificate_optional", 0x02, {true, false, "", ""}, 0, false},
      {"client_certificate_required", 0x05, {true, false, "", ""}, 0, false},
      {"client_certificate_optional_none", 0x02, {}, 0, false},
      {"rsa", 0x08, {}, 0, false},
      {"rsa_client_certificate",
       0x0c,
       {true, false, "ECDHE-RSA-AES128-GCM-SHA256", "P-256"},
       0,
       false},
      {"chacha20", 0x00, {false, false, "ECDHE-ECDSA-CHACHA20-POLY1305", ""}, 0, false},
      {"aes256", 0x01, {false, false, "ECDHE-ECDSA-AES256-GCM-SHA384", ""}, 0, false},
      {"rsa_aes256_p384", 0x08, {false, false, "ECDHE-RSA-AES256-GCM-SHA384", "P-384"}, 0, false},
      {"p256", 0x00, {false, false, "", "P-256"}, 0, false},
      {"full_chunks_of_8", 0x40, {}, 0, false},
      {"resumed_session_id_chunks_of_1", 0x11, {}, 2, true},
  };
  for (const Case& c : cases) {
    const VerifyMode verify = verify_mode(c.mode);
    const std::shared_ptr<Config> server = t12::server_config(c.mode & 8, verify);
    t12::prepare_server(*server, c.mode & 1, true);
    const std::shared_ptr<Session> offer = session_for(c.offer);
    const t12::Recording rec = t12::record(t12::make_client_config(c.client), server, offer);
    t12::check_recording(c.name, rec, c.resumed);
    seeds.push_back(t12::make_seed(c.name, c.mode, rec.client_bytes, c.resumed));
  }
  t12::write_seeds(dir, seeds, run);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("ADIEU_FUZZ_WRITE_SEEDS")) write_seeds(dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size);
  return 0;
}
