// TLS 1.3 PSK resumption (RFC 8446 sections 2.2, 4.2.11): offering a session
// with its binder, and choosing one on the server.
#include <algorithm>

#include "engine/handshake/contains.h"
#include "engine/handshake/session_offer.h"
#include "engine/handshake/tls13_client.h"
#include "engine/handshake/tls13_server.h"
#include "engine/session/session_data.h"

namespace adieu {

namespace {

// binder = HMAC(finished_key(binder_key), Transcript-Hash(prefix || truncated hello)).
crypto::Secret compute_binder(crypto::HashAlg alg, const Session::Data& psk,
                              const std::optional<crypto::Hash>& prefix,
                              std::span<const uint8_t> truncated_hello) {
  crypto::Hash h = prefix ? *prefix : crypto::Hash(alg);
  h.update(truncated_hello);
  tls13::KeySchedule ks(alg);
  ks.set_early(psk.psk.span());
  crypto::Secret binder_key = psk.external ? ks.external_binder_key() : ks.resumption_binder_key();
  return tls13::KeySchedule::finished_verify_data(alg, binder_key.span(), h.current().span());
}

// The external PSK with this identity, if the config has one.
std::shared_ptr<Session> external_psk(const Config::Impl& config,
                                      std::span<const uint8_t> identity) {
  for (const std::shared_ptr<Session>& psk : config.external_psks) {
    const std::vector<uint8_t>& id = psk->data().id;
    if (std::equal(id.begin(), id.end(), identity.begin(), identity.end())) return psk;
  }
  return nullptr;
}

}  // namespace

void Tls13Client::offer_session(std::shared_ptr<Session> session) {
  const Config::Impl& config = ctx_.config;
  // An external PSK goes instead of any ticket (RFC 9257: one PSK per peer).
  session = !config.external_psks.empty() ? config.external_psks.front()
                                          : session_to_offer(ctx_, std::move(session));
  if (!session) return;
  if (is_tls12_session(*session)) {
    if (config.offers(messages::kTls12)) offer_tls12_session(ctx_, hello_, std::move(session));
    return;
  }
  std::optional<crypto::SuiteInfo> info = crypto::suite_info(session->cipher_suite());
  if (!info) return;
  const uint64_t now = config.clock_ms();
  const Session::Data& d = session->data();
  // obfuscated_ticket_age, mod 2^32; 0 for an external PSK (section 4.2.11).
  const uint32_t age_ms = d.external ? 0 : static_cast<uint32_t>(now - d.issued_at_ms);
  messages::OfferedPsks offer;
  offer.identities.push_back({d.id, d.external ? 0 : age_ms + d.age_add});
  offer.binders.emplace_back(crypto::hash_size(info->hash), 0);
  hello_.pre_shared_key = std::move(offer);
  hello_.psk_key_exchange_modes = std::vector<uint8_t>{messages::kPskDheKe};
  if (config.psk_ke) hello_.psk_key_exchange_modes->push_back(messages::kPskKe);
  ctx_.offered_session = std::move(session);
}

bool Tls13Client::serialize_client_hello(std::vector<uint8_t>& bytes) {
  bytes.clear();
  wire::Writer w(bytes);
  hello_.serialize(w);
  if (!w.ok()) return false;
  if (!hello_.pre_shared_key) return true;
  crypto::HashAlg alg = crypto::suite_info(ctx_.offered_session->cipher_suite())->hash;
  size_t binders = hello_.binders_size();
  crypto::Secret binder =
      compute_binder(alg, ctx_.offered_session->data(), transcript_,
                     std::span<const uint8_t>(bytes.data(), bytes.size() - binders));
  // One PSK: its binder is the message's last bytes.
  std::copy(binder.span().begin(), binder.span().end(), bytes.end() - binder.size());
  hello_.pre_shared_key->binders[0].assign(binder.span().begin(), binder.span().end());
  return true;
}

Error Tls13Server::choose_psk(const messages::ClientHello& ch, std::span<const uint8_t> msg,
                              std::optional<uint16_t>& selected) {
  const Config::Impl& config = ctx_.config;
  // RFC 8446 section 4.2.9: a PSK offered without modes is fatal.
  if (ch.pre_shared_key && !ch.psk_key_exchange_modes) return Error::missing_extension;
  if (!ch.pre_shared_key || (!config.resumption && config.external_psks.empty())) {
    return Error::none;
  }
  const std::vector<uint8_t>& modes = *ch.psk_key_exchange_modes;
  bool dhe = contains(modes, messages::kPskDheKe);
  bool ke = config.psk_ke && contains(modes, messages::kPskKe);
  if (!dhe && !ke) return Error::none;
  const messages::OfferedPsks& offer = *ch.pre_shared_key;
  if (offer.binders.size() != offer.identities.size()) return Error::illegal_parameter;
  uint64_t now = config.clock_ms();
  for (size_t i = 0; i < offer.identities.size(); ++i) {
    const messages::PskIdentity& identity = offer.identities[i];
    std::shared_ptr<Session> session = external_psk(config, identity.identity);
    const bool external = session != nullptr;
    if (external || !config.resumption) {
      // an external PSK, or no tickets to look for
    } else if (config.session_cache) {
      session = config.session_cache->get(identity.identity, now);
    } else if (config.ticket_keys) {
      std::optional<std::vector<uint8_t>> state = config.ticket_keys->open(identity.identity, now);
      if (state) session = Session::from_bytes(*state);
    }
    // An unknown, expired or foreign ticket is not an error: full handshake.
    if (!session || !session->resumable(now)) continue;
    const Session::Data& d = session->data();
    std::optional<crypto::SuiteInfo> info = crypto::suite_info(d.cipher_suite);
    if (!info || info->hash != ctx_.suite->hash) continue;
    if (!external) {
      // A ticket is for the name it was issued under, within its lifetime.
      if (d.server_name != ctx_.server_name) continue;
      uint32_t age_ms = identity.obfuscated_ticket_age - d.age_add;
      if (uint64_t{age_ms} > uint64_t{d.lifetime_seconds} * 1000) continue;
    }
    // RFC 8446 section 4.2.11: the binder must verify, or the handshake ends.
    crypto::Secret expected =
        compute_binder(ctx_.suite->hash, d, transcript_, msg.first(msg.size() - ch.binders_size()));
    if (!crypto::constant_time_equal(expected.span(), offer.binders[i])) {
      return Error::decrypt_error;
    }
    if (!external && config.session_cache)
      config.session_cache->remove(identity.identity);  // single use
    psk_ = d.psk;
    ctx_.resumed_session = std::move(session);
    ctx_.resumed = true;
    psk_with_dhe_ = dhe;
    selected = static_cast<uint16_t>(i);
    return Error::none;
  }
  return Error::none;
}

}  // namespace adieu
