// fuzz-link: adieu_engine
// A TLS 1.2-only client engine (Config::set_versions(0x0303, 0x0303)) fed
// arbitrary bytes as the server's side of the connection.
//
// Input: byte 0 is the mode, the rest the server's bytes.
//   bit 0     the client has a certificate (client-fullchain.pem)
//   bits 1-2  the session offered: 0 and 3 none, 1 one resumable by an RFC
//             5077 ticket, 2 one resumable by session id (tls12_flights.h's
//             primed sessions)
//   bit 3     Tls12CloseNotify::half_close instead of answer
//   bits 4-7  the bytes arrive all at once (0) or in chunks of 2^(n-1)
// Checked: nothing crashes or leaks; a completed handshake is TLS 1.2, a full
// one with the server's verified certificate, a resumed one with the offered
// session's suite.
//
// Seeds are real TLS 1.2 server flights recorded against this very client
// (see tls12_flights.h; ADIEU_FUZZ_WRITE_SEEDS=dir writes them).
#include <cstdlib>
#include <utility>

#include "tls12_flights.h"

namespace {

using namespace adieu;
namespace t12 = adieu::fuzz::tls12;

std::shared_ptr<Session> session_for(unsigned kind) {
  if (kind == 1) return Session::from_bytes(t12::primed().ticket_session);
  if (kind == 2) return Session::from_bytes(t12::primed().id_session);
  return nullptr;
}

// {handshake done, resumed}
std::pair<bool, bool> run(const uint8_t* data, size_t size) {
  if (size == 0) return {false, false};
  const uint8_t mode = data[0];
  const std::shared_ptr<Config> config = t12::client_config(mode & 1, mode & 8);
  const std::shared_ptr<Session> offer = session_for((mode >> 1) & 3);
  t12::client_random().reset();
  t12::on(t12::client_random());
  std::unique_ptr<Connection> client = Connection::client(config, "localhost", offer);
  client->consume_output(client->pending_output().size());
  t12::feed(*client, std::span<const uint8_t>(data + 1, size - 1), mode >> 4);

  const bool done = client->handshake_done();
  const bool resumed = client->resumed();
  if (done) {
    if (client->version() != 0x0303) std::abort();
    if (resumed) {
      if (!offer || client->cipher_suite() != offer->cipher_suite()) std::abort();
    } else if (client->peer_certificates().empty() || client->verify_result() != 0) {
      std::abort();
    }
    static const uint8_t data_out[] = {'f', 'u', 'z', 'z'};
    client->write(data_out);
    client->close();
    fuzz::drain(*client);
  }
  client->receive_eof();
  fuzz::drain(*client);
  client.reset();
  fuzz::libcrypto_stream() = nullptr;
  return {done, resumed};
}

// The seeds: one recorded server flight per case.
[[noreturn]] void write_seeds(const char* dir) {
  std::vector<t12::Seed> seeds;
  struct Case {
    const char* name;
    uint8_t mode;
    t12::ServerOptions server;
    bool cache;
    bool resumed;
  };
  const Case cases[] = {
      {"full_ecdsa_ticket", 0x00, {}, false, false},
      {"full_ecdsa_session_id", 0x00, {}, true, false},
      {"full_rsa", 0x00, {"rsa", VerifyMode::none, "", ""}, false, false},
      {"full_p384_certificate", 0x00, {"p384", VerifyMode::none, "", ""}, false, false},
      {"full_chacha20",
       0x00,
       {"ecdsa", VerifyMode::none, "ECDHE-ECDSA-CHACHA20-POLY1305", ""},
       false,
       false},
      {"full_aes256_p384",
       0x00,
       {"ecdsa", VerifyMode::none, "ECDHE-ECDSA-AES256-GCM-SHA384", "P-384"},
       false,
       false},
      {"full_rsa_chacha20_p256",
       0x00,
       {"rsa", VerifyMode::none, "ECDHE-RSA-CHACHA20-POLY1305", "P-256"},
       true,
       false},
      {"full_certificate_requested", 0x01, {"ecdsa", VerifyMode::optional, "", ""}, false, false},
      {"full_certificate_requested_none",
       0x00,
       {"ecdsa", VerifyMode::optional, "", ""},
       true,
       false},
      {"full_rsa_certificate_requested", 0x01, {"rsa", VerifyMode::required, "", ""}, false, false},
      {"full_half_close", 0x08, {}, false, false},
      {"resumed_ticket", 0x02, {}, false, true},
      {"resumed_session_id", 0x04, {}, true, true},
      {"full_chunks_of_16", 0x50, {}, false, false},
      {"resumed_ticket_chunks_of_1", 0x12, {}, false, true},
  };
  for (const Case& c : cases) {
    const std::shared_ptr<Config> server = t12::make_server_config(c.server);
    t12::prepare_server(*server, c.cache, true);
    const std::shared_ptr<Session> offer = session_for((c.mode >> 1) & 3);
    const t12::Recording rec =
        t12::record(t12::client_config(c.mode & 1, c.mode & 8), server, offer);
    t12::check_recording(c.name, rec, c.resumed);
    seeds.push_back(t12::make_seed(c.name, c.mode, rec.server_bytes, c.resumed));
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
