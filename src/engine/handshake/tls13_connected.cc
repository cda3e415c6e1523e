// Messages after the TLS 1.3 handshake (RFC 8446 section 4.6):
// NewSessionTicket, KeyUpdate, and the post-handshake authentication's.
#include "engine/handshake/tls13_connected.h"

#include "crypto/hkdf.h"
#include "engine/handshake/tls13_key_schedule.h"
#include "engine/session/session_data.h"

namespace adieu {

using messages::HandshakeType;

namespace {
constexpr uint32_t kTicketLifetimeSeconds = 7200;
}

Tls13Connected::Tls13Connected(HandshakeContext& context, HandshakeTransport& transport,
                               crypto::SuiteInfo suite, const crypto::Secret& read_secret,
                               const crypto::Secret& write_secret,
                               const crypto::Secret& exporter_master,
                               const crypto::Secret& resumption_master)
    : Handshake(context, transport),
      suite_(suite),
      read_secret_(read_secret),
      write_secret_(write_secret),
      exporter_master_(exporter_master),
      resumption_master_(resumption_master) {}

bool Tls13Connected::export_keying_material(std::string_view label,
                                            std::optional<std::span<const uint8_t>> context,
                                            std::span<uint8_t> out) const {
  // TLS-Exporter(label, context_value, key_length) =
  //   HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter",
  //                     Hash(context_value), key_length)
  const crypto::Secret empty_hash = crypto::hash(suite_.hash, {});
  const crypto::Secret secret = tls13::KeySchedule::derive_secret(
      suite_.hash, exporter_master_.span(), label, empty_hash.span());
  const crypto::Secret context_hash =
      crypto::hash(suite_.hash, context.value_or(std::span<const uint8_t>()));
  return !secret.empty() && crypto::hkdf_expand_label_into(suite_.hash, secret.span(), "exporter",
                                                           context_hash.span(), out);
}

Error Tls13Connected::handle_message(HandshakeType type, std::span<const uint8_t> msg) {
  std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  switch (type) {
    case HandshakeType::new_session_ticket: {
      if (ctx_.role != Role::client) return Error::unexpected_message;
      messages::NewSessionTicket nst;
      if (Error err = nst.parse(body); err != Error::none) return err;
      // RFC 8446 section 4.6.1: at most seven days.
      if (nst.ticket_lifetime > 604800) return Error::illegal_parameter;
      ++ctx_.tickets_received;
      const HandshakeContext& c = ctx_;
      // Not kept from a handshake we abandoned (it never became established).
      if (c.config.resumption && c.established) {
        std::shared_ptr<Session> session = make_session(nst);
        if (c.config.session_cache && !c.server_name.empty()) {
          c.config.session_cache->put(
              {reinterpret_cast<const uint8_t*>(c.server_name.data()), c.server_name.size()},
              session, c.config.clock_ms());
        }
        ctx_.new_sessions.push_back(std::move(session));
      }
      ctx_.tickets.push_back({nst.ticket_lifetime, nst.ticket_age_add, std::move(nst.ticket_nonce),
                              std::move(nst.ticket), c.config.clock_ms()});
      return Error::none;
    }
    case HandshakeType::key_update: {
      // RFC 9001 section 6: QUIC updates keys with the Key Phase bit; a
      // KeyUpdate message is unexpected_message (CRYPTO_ERROR 0x10a).
      if (ctx_.quic) return Error::unexpected_message;
      // Not inside an answer to a post-handshake CertificateRequest (RFC
      // 8446 section 4.6.2).
      if (post_handshake_auth_ && post_handshake_auth_->answer_in_progress()) {
        return Error::unexpected_message;
      }
      messages::KeyUpdate ku;
      if (Error err = ku.parse(body); err != Error::none) return err;
      read_secret_ = tls13::KeySchedule::next_traffic_secret(suite_.hash, read_secret_.span());
      if (read_secret_.empty() ||
          !transport_.install_read_secret(Level::application, suite_.suite, read_secret_)) {
        return Error::internal_error;
      }
      ++ctx_.key_updates_received;
      // Answer a request unless our write side is closed: after close_notify
      // nothing more may be sent (RFC 8446 section 6.1).
      if (ku.update_requested && transport_.write_open()) return send_key_update(false);
      return Error::none;
    }
    case HandshakeType::certificate_request:
    case HandshakeType::certificate:
    case HandshakeType::certificate_verify:
    case HandshakeType::finished:
      // RFC 8446 section 4.6.2: a client that did not offer
      // post_handshake_auth gets no CertificateRequest (unexpected_message).
      if (!post_handshake_auth_) return Error::unexpected_message;
      return post_handshake_auth_->handle_message(
          type, msg, ctx_.role == Role::client ? write_secret_ : read_secret_);
    default:
      return Error::unexpected_message;
  }
}

void Tls13Connected::allow_post_handshake_auth(crypto::Hash handshake_transcript) {
  post_handshake_auth_ =
      std::make_unique<Tls13PostHandshakeAuth>(ctx_, transport_, std::move(handshake_transcript));
}

Error Tls13Connected::request_client_certificate() {
  if (ctx_.role != Role::server) return Error::wrong_role;
  if (!post_handshake_auth_) return Error::not_offered;
  return post_handshake_auth_->request();
}

size_t Tls13Connected::finished_length() const {
  return post_handshake_auth_ && post_handshake_auth_->awaiting_finished()
             ? crypto::hash_size(suite_.hash)
             : 0;
}

Error Tls13Connected::send_key_update(bool request_peer) {
  if (ctx_.quic) return Error::not_connected;  // RFC 9001 section 6: no KeyUpdate
  messages::KeyUpdate ku;
  ku.update_requested = request_peer;
  std::vector<uint8_t> msg;
  wire::Writer w(msg);
  ku.serialize(w);
  transport_.send_handshake(Level::application, msg);
  // The message goes under the current key; everything after it under the next.
  write_secret_ = tls13::KeySchedule::next_traffic_secret(suite_.hash, write_secret_.span());
  if (write_secret_.empty() ||
      !transport_.install_write_secret(Level::application, suite_.suite, write_secret_)) {
    return Error::internal_error;
  }
  ++ctx_.key_updates_sent;
  return Error::none;
}

Error Tls13Connected::send_new_session_tickets() {
  const Config::Impl& config = ctx_.config;
  if (!config.resumption || !ctx_.established) return Error::none;  // abandoned: none
  for (unsigned i = 0; i < config.ticket_count; ++i) {
    messages::NewSessionTicket nst;
    nst.ticket_lifetime = kTicketLifetimeSeconds;
    uint8_t age_add[4];
    if (!ctx_.random.fill(age_add)) return Error::internal_error;
    nst.ticket_age_add = (uint32_t{age_add[0]} << 24) | (uint32_t{age_add[1]} << 16) |
                         (uint32_t{age_add[2]} << 8) | age_add[3];
    nst.ticket_nonce = {static_cast<uint8_t>(i)};
    // RFC 8446 section 4.2.10: the 0-RTT data this ticket may carry.
    // Over QUIC only 0xffffffff could be sent (RFC 9001 section 4.6.1), and
    // we take no 0-RTT there.
    if (config.max_early_data != 0 && !ctx_.quic) {
      nst.max_early_data_size = config.max_early_data;
    }
    if (config.session_cache) {
      // Stateful: the ticket is a random id into our cache.
      nst.ticket.resize(32);
      if (!ctx_.random.fill(nst.ticket)) return Error::internal_error;
      std::shared_ptr<Session> session = make_session(nst);
      config.session_cache->put(nst.ticket, session, session->issued_at_ms());
      ctx_.new_sessions.push_back(std::move(session));
    } else if (config.ticket_keys) {
      // Stateless: the session itself, sealed under the ticket key.
      std::shared_ptr<Session> session = make_session(nst);
      nst.ticket = config.ticket_keys->seal(session->to_bytes(), session->issued_at_ms());
    }
    if (nst.ticket.empty()) break;
    std::vector<uint8_t> msg;
    wire::Writer w(msg);
    nst.serialize(w);
    transport_.send_handshake(Level::application, msg);
  }
  transport_.flight_complete();
  return Error::none;
}

std::shared_ptr<Session> Tls13Connected::make_session(const messages::NewSessionTicket& nst) const {
  auto d = std::make_unique<Session::Data>();
  d->cipher_suite = static_cast<uint16_t>(suite_.suite);
  d->psk = tls13::KeySchedule::ticket_psk(suite_.hash, resumption_master_.span(), nst.ticket_nonce);
  d->id = nst.ticket;
  d->server_name = ctx_.server_name;
  d->alpn = ctx_.alpn;
  d->issued_at_ms = ctx_.config.clock_ms();
  d->lifetime_seconds = nst.ticket_lifetime;
  d->age_add = nst.ticket_age_add;
  d->max_early_data = nst.max_early_data_size.value_or(0);
  return std::make_shared<Session>(std::move(d));
}

}  // namespace adieu
