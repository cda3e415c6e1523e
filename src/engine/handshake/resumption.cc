// PSK resumption (RFC 8446 sections 2.2, 4.2.11, 4.6.1): offering a session
// with its binder, choosing one on the server, making sessions from tickets,
// and the shutdown rule that removes the sessions of a connection that did
// not end with our close_notify.
#include <algorithm>

#include "engine/connection_impl.h"
#include "engine/handshake/contains.h"
#include "engine/session/session_data.h"

namespace adieu {

namespace {

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// binder = HMAC(finished_key(binder_key), Transcript-Hash(prefix || truncated hello)).
crypto::Secret compute_binder(crypto::HashAlg alg, const crypto::Secret& psk,
                              const std::optional<crypto::Hash>& prefix,
                              std::span<const uint8_t> truncated_hello) {
  crypto::Hash h = prefix ? *prefix : crypto::Hash(alg);
  h.update(truncated_hello);
  record::KeySchedule ks(alg);
  ks.set_early(psk.span());
  crypto::Secret binder_key = ks.resumption_binder_key();
  return record::KeySchedule::finished_verify_data(alg, binder_key.span(), h.current().span());
}

}  // namespace

void Connection::Impl::client_offer_session(std::shared_ptr<Session> session) {
  if (!config.resumption) return;
  uint64_t now = config.clock_ms();
  if (!session && config.session_cache && !server_name.empty()) {
    session = config.session_cache->take(as_bytes(server_name), now);  // single use
  }
  if (!session || !session->resumable(now) || session->server_name() != server_name) return;
  std::optional<crypto::SuiteInfo> info = crypto::suite_info(session->cipher_suite());
  if (!info) return;
  const Session::Data& d = session->data();
  uint32_t age_ms = static_cast<uint32_t>(now - d.issued_at_ms);
  messages::OfferedPsks offer;
  offer.identities.push_back({d.id, age_ms + d.age_add});  // obfuscated_ticket_age, mod 2^32
  offer.binders.emplace_back(crypto::hash_size(info->hash), 0);
  client_hello.pre_shared_key = std::move(offer);
  client_hello.psk_key_exchange_modes = std::vector<uint8_t>{messages::kPskDheKe};
  if (config.psk_ke) client_hello.psk_key_exchange_modes->push_back(messages::kPskKe);
  offered_session = std::move(session);
}

bool Connection::Impl::serialize_client_hello(std::vector<uint8_t>& bytes) {
  bytes.clear();
  wire::Writer w(bytes);
  client_hello.serialize(w);
  if (!w.ok()) return false;
  if (!client_hello.pre_shared_key) return true;
  crypto::HashAlg alg = crypto::suite_info(offered_session->cipher_suite())->hash;
  size_t binders = client_hello.binders_size();
  crypto::Secret binder =
      compute_binder(alg, offered_session->data().psk, transcript,
                     std::span<const uint8_t>(bytes.data(), bytes.size() - binders));
  // One PSK: its binder is the message's last bytes.
  std::copy(binder.span().begin(), binder.span().end(), bytes.end() - binder.size());
  client_hello.pre_shared_key->binders[0].assign(binder.span().begin(), binder.span().end());
  return true;
}

Error Connection::Impl::server_choose_psk(const messages::ClientHello& ch,
                                          std::span<const uint8_t> msg,
                                          std::optional<uint16_t>& selected) {
  if (!config.resumption || !ch.pre_shared_key || !ch.psk_key_exchange_modes) return Error::none;
  const std::vector<uint8_t>& modes = *ch.psk_key_exchange_modes;
  bool dhe = contains(modes, messages::kPskDheKe);
  bool ke = config.psk_ke && contains(modes, messages::kPskKe);
  if (!dhe && !ke) return Error::none;
  const messages::OfferedPsks& offer = *ch.pre_shared_key;
  if (offer.binders.size() != offer.identities.size()) return Error::illegal_parameter;
  uint64_t now = config.clock_ms();
  for (size_t i = 0; i < offer.identities.size(); ++i) {
    const messages::PskIdentity& identity = offer.identities[i];
    std::shared_ptr<Session> session;
    if (config.session_cache) {
      session = config.session_cache->get(identity.identity, now);
    } else if (config.ticket_keys) {
      std::optional<std::vector<uint8_t>> state = config.ticket_keys->open(identity.identity, now);
      if (state) session = Session::from_bytes(*state);
    }
    // An unknown, expired or foreign ticket is not an error: full handshake.
    if (!session || !session->resumable(now)) continue;
    const Session::Data& d = session->data();
    std::optional<crypto::SuiteInfo> info = crypto::suite_info(d.cipher_suite);
    if (!info || info->hash != suite->hash || d.server_name != server_name) continue;
    uint32_t age_ms = identity.obfuscated_ticket_age - d.age_add;
    if (uint64_t{age_ms} > uint64_t{d.lifetime_seconds} * 1000) continue;
    // RFC 8446 section 4.2.11: the binder must verify, or the handshake ends.
    crypto::Secret expected =
        compute_binder(suite->hash, d.psk, transcript, msg.first(msg.size() - ch.binders_size()));
    if (!crypto::constant_time_equal(expected.span(), offer.binders[i])) {
      return Error::decrypt_error;
    }
    if (config.session_cache) config.session_cache->remove(identity.identity);  // single use
    psk = d.psk;
    resumed_session = std::move(session);
    resumed = true;
    psk_with_dhe = dhe;
    selected = static_cast<uint16_t>(i);
    return Error::none;
  }
  return Error::none;
}

std::shared_ptr<Session> Connection::Impl::make_session(
    const messages::NewSessionTicket& nst) const {
  auto d = std::make_unique<Session::Data>();
  d->cipher_suite = static_cast<uint16_t>(suite->suite);
  d->psk = record::KeySchedule::ticket_psk(suite->hash, resumption_master.span(), nst.ticket_nonce);
  d->id = nst.ticket;
  d->server_name = server_name;
  d->alpn = alpn;
  d->issued_at_ms = config.clock_ms();
  d->lifetime_seconds = nst.ticket_lifetime;
  d->age_add = nst.ticket_age_add;
  return std::make_shared<Session>(std::move(d));
}

void Connection::Impl::apply_unclean_session_rule() {
  bool clean = write_state == WriteState::close_notify_queued ||
               write_state == WriteState::close_notify_sent;
  if (clean || config.unclean_session_policy == UncleanSessionPolicy::keep) return;
  auto forget = [this](const std::shared_ptr<Session>& s) {
    if (!s) return;
    s->set_not_resumable();
    if (!config.session_cache) return;
    if (role == Role::server) {
      config.session_cache->remove(s->id());
    } else if (config.session_cache->get(as_bytes(server_name), 0) == s) {
      config.session_cache->remove(as_bytes(server_name));
    }
  };
  forget(resumed_session);
  forget(offered_session);
  for (const std::shared_ptr<Session>& s : new_sessions) forget(s);
}

}  // namespace adieu
