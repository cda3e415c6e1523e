// TLS 1.3 0-RTT data (RFC 8446 sections 2.3, 4.2.10, 4.5 and 8): the client
// offers it with the ticket it resumes and writes it under the early keys
// right behind its ClientHello; a server that takes it reads it until the
// client's EndOfEarlyData.
#include "engine/handshake/tls13_client.h"
#include "engine/handshake/tls13_server.h"
#include "engine/session/session_data.h"

namespace adieu {

namespace {

// The most a client's view of a ticket's age may differ from ours (RFC 8446
// section 8.3).
constexpr uint64_t kTicketAgeToleranceMs = EarlyDataReplayGuard::kWindowMs;

bool alpn_offered(const Config::Impl& config, const std::string& alpn) {
  if (alpn.empty()) return true;
  for (const std::string& p : config.alpn) {
    if (p == alpn) return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------
// Client

void Tls13Client::offer_early_data() {
  const Config::Impl& config = ctx_.config;
  const std::shared_ptr<Session>& session = ctx_.offered_session;
  // Only with a ticket that allows it, whose suite and ALPN protocol we can
  // use again (section 4.2.10: the early data is sent under them).
  if (!config.early_data || !hello_.pre_shared_key || !session) return;
  const Session::Data& d = session->data();
  if (d.external || d.max_early_data == 0 || !alpn_offered(config, d.alpn)) return;
  bool suite_offered = false;
  for (crypto::CipherSuite s : config.suites) {
    suite_offered = suite_offered || static_cast<uint16_t>(s) == d.cipher_suite;
  }
  if (!suite_offered) return;
  hello_.early_data = true;
}

Error Tls13Client::start_early_data() {
  const Session::Data& d = ctx_.offered_session->data();
  const std::optional<crypto::SuiteInfo> info = crypto::suite_info(d.cipher_suite);
  if (!info) return Error::internal_error;
  tls13::KeySchedule schedule(info->hash);
  schedule.set_early(d.psk.span());
  const crypto::Secret secret =
      schedule.client_early_traffic(crypto::hash(info->hash, hello_bytes_).span());
  ctx_.keylog("CLIENT_EARLY_TRAFFIC_SECRET", secret);
  // Appendix D.4: the compatibility change_cipher_spec goes before our first
  // protected record.
  send_change_cipher_spec_once();
  if (!transport_.install_write_secret(Level::early_data, info->suite, secret)) {
    return Error::internal_error;
  }
  ctx_.early_data = EarlyDataStatus::offered;
  early_data_room_ = d.max_early_data;
  return Error::none;
}

void Tls13Client::note_early_data_written(size_t n) {
  early_data_room_ -= std::min(n, early_data_room_);
  ctx_.early_data_bytes += n;
}

Error Tls13Client::on_early_data_answer(bool accepted) {
  if (ctx_.early_data != EarlyDataStatus::offered) return Error::none;
  early_data_room_ = 0;
  if (!accepted) {
    ctx_.early_data = EarlyDataStatus::rejected;
    hello_.early_data = false;
    if (state_ == State::wait_encrypted_extensions) {
      // Our handshake keys were held back for the EndOfEarlyData.
      return install_handshake_write_keys(client_handshake_secret_, client_finished_key_)
                 ? Error::none
                 : Error::internal_error;
    }
    transport_.discard_early_write_keys();  // HelloRetryRequest or TLS 1.2
    return Error::none;
  }
  // Section 4.2.10: the early data went under the first PSK, its suite and
  // its ALPN protocol; a server that takes it must have chosen all three.
  const Session::Data& d = ctx_.offered_session->data();
  if (!ctx_.resumed || static_cast<uint16_t>(ctx_.suite->suite) != d.cipher_suite ||
      ctx_.alpn != d.alpn) {
    return Error::illegal_parameter;
  }
  ctx_.early_data = EarlyDataStatus::accepted;
  return Error::none;
}

// ---------------------------------------------------------------------------
// Server

bool Tls13Server::early_data_acceptable(const messages::ClientHello& ch,
                                        std::optional<uint16_t> selected_psk) const {
  const Config::Impl& config = ctx_.config;
  // Never over QUIC for now (see Tls13Client::start).
  if (ctx_.quic || !ch.early_data || config.max_early_data == 0 || ctx_.retried ||
      selected_psk != 0 || !ctx_.resumed_session || !config.early_data_replay) {
    return false;
  }
  const Session::Data& d = ctx_.resumed_session->data();
  if (d.external || d.max_early_data == 0 ||
      d.cipher_suite != static_cast<uint16_t>(ctx_.suite->suite) || d.alpn != ctx_.alpn) {
    return false;
  }
  // Section 8.3: the client's view of the ticket's age must agree with ours.
  const uint64_t now = config.clock_ms();
  const uint32_t client_age = ch.pre_shared_key->identities[0].obfuscated_ticket_age - d.age_add;
  const uint64_t server_age = now - std::min(now, d.issued_at_ms);
  const uint64_t skew = client_age > server_age ? client_age - server_age : server_age - client_age;
  if (skew > kTicketAgeToleranceMs) return false;
  // Section 8.2: once per ClientHello (its binder covers all of it).
  return config.early_data_replay->first_use(ch.pre_shared_key->binders[0], now);
}

Error Tls13Server::take_early_data(size_t n) {
  if (state_ != State::wait_end_of_early_data) return Error::unexpected_message;
  // Section 4.2.10: more than max_early_data_size is unexpected_message.
  if (ctx_.early_data_bytes + n > ctx_.config.max_early_data) return Error::unexpected_message;
  ctx_.early_data_bytes += n;
  return Error::none;
}

Error Tls13Server::on_end_of_early_data(std::span<const uint8_t> msg,
                                        std::span<const uint8_t> body) {
  if (!body.empty()) return Error::decode_error;
  transcript_->update(msg);
  if (!install_handshake_read_keys(client_handshake_secret_, client_finished_key_)) {
    return Error::internal_error;
  }
  state_ = client_flight_state();
  return Error::none;
}

}  // namespace adieu
