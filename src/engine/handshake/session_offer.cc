#include "engine/handshake/session_offer.h"

#include "engine/session/session_data.h"

namespace adieu {

namespace {

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

std::shared_ptr<Session> session_to_offer(HandshakeContext& ctx, std::shared_ptr<Session> given) {
  const Config::Impl& config = ctx.config;
  if (!config.resumption) return nullptr;
  const uint64_t now = config.clock_ms();
  if (!given && config.session_cache && !ctx.server_name.empty()) {
    given = config.session_cache->take(as_bytes(ctx.server_name), now);
  }
  if (!given || !given->resumable(now) || given->server_name() != ctx.server_name) return nullptr;
  return given;
}

bool is_tls12_session(const Session& session) {
  return crypto::tls12_suite_info(session.cipher_suite()).has_value();
}

void offer_tls12_session(HandshakeContext& ctx, messages::ClientHello& ch,
                         std::shared_ptr<Session> session) {
  const Session::Data& d = session->data();
  if (d.tls12_ticket) {
    // RFC 5077 section 3.4: a session id of our own, which the server echoes
    // when it accepts the ticket (a client that also offers TLS 1.3 already
    // sends a random one).
    if (ch.legacy_session_id.empty()) {
      ch.legacy_session_id.resize(32);
      if (!ctx.random.fill(ch.legacy_session_id)) {
        ch.legacy_session_id.clear();
        return;
      }
    }
    ch.session_ticket = d.id;
  } else {
    if (d.id.empty() || d.id.size() > 32) return;
    ch.legacy_session_id = d.id;
  }
  ctx.offered_session = std::move(session);
}

std::shared_ptr<Session> make_tls12_session(const HandshakeContext& ctx,
                                            const crypto::Tls12SuiteInfo& suite,
                                            const crypto::Secret& master_secret,
                                            std::span<const uint8_t> id, bool ticket,
                                            uint32_t lifetime_seconds) {
  auto d = std::make_unique<Session::Data>();
  d->cipher_suite = static_cast<uint16_t>(suite.suite);
  d->psk = master_secret;
  d->id.assign(id.begin(), id.end());
  d->tls12_ticket = ticket;
  d->server_name = ctx.server_name;
  d->alpn = ctx.alpn;
  d->issued_at_ms = ctx.config.clock_ms();
  d->lifetime_seconds = lifetime_seconds;
  return std::make_shared<Session>(std::move(d));
}

void keep_client_session(HandshakeContext& ctx, std::shared_ptr<Session> session) {
  const Config::Impl& config = ctx.config;
  if (config.session_cache && !ctx.server_name.empty()) {
    config.session_cache->put(as_bytes(ctx.server_name), session, config.clock_ms());
  }
  ctx.new_sessions.push_back(std::move(session));
}

}  // namespace adieu
