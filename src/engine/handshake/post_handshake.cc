// Messages after the handshake (RFC 8446 section 4.6): NewSessionTicket and
// KeyUpdate. They are processed whenever the read side is open, including
// while we wait for the peer's close_notify after our own.
#include "engine/connection_impl.h"
#include "engine/session/session_data.h"

namespace adieu {

using messages::HandshakeType;

namespace {
constexpr uint32_t kTicketLifetimeSeconds = 7200;
}

Error Connection::Impl::post_handshake(HandshakeType type, std::span<const uint8_t> msg) {
  std::span<const uint8_t> body = msg.subspan(messages::kHandshakeHeaderSize);
  switch (type) {
    case HandshakeType::new_session_ticket: {
      if (role != Role::client) return Error::unexpected_message;
      messages::NewSessionTicket nst;
      if (Error err = nst.parse(body); err != Error::none) return err;
      // RFC 8446 section 4.6.1: at most seven days.
      if (nst.ticket_lifetime > 604800) return Error::illegal_parameter;
      ++tickets_received;
      if (config.resumption) {
        std::shared_ptr<Session> session = make_session(nst);
        if (config.session_cache && !server_name.empty()) {
          config.session_cache->put(
              {reinterpret_cast<const uint8_t*>(server_name.data()), server_name.size()}, session,
              config.clock_ms());
        }
        new_sessions.push_back(std::move(session));
      }
      tickets.push_back({nst.ticket_lifetime, nst.ticket_age_add, std::move(nst.ticket_nonce),
                         std::move(nst.ticket), config.clock_ms()});
      return Error::none;
    }
    case HandshakeType::key_update: {
      messages::KeyUpdate ku;
      if (Error err = ku.parse(body); err != Error::none) return err;
      ++read_key_epoch;
      if (!decoder.keys().update()) return Error::internal_error;
      ++key_updates_received;
      // Answer a request unless our write side is closed: after close_notify
      // nothing more may be sent (RFC 8446 section 6.1).
      if (ku.update_requested && write_state == WriteState::open) return send_key_update(false);
      return Error::none;
    }
    default:
      // We offer no post-handshake authentication, so CertificateRequest is
      // unexpected too.
      return Error::unexpected_message;
  }
}

Error Connection::Impl::send_key_update(bool request_peer) {
  messages::KeyUpdate ku;
  ku.update_requested = request_peer;
  std::vector<uint8_t> msg;
  wire::Writer w(msg);
  ku.serialize(w);
  if (!send_record(record::ContentType::handshake, msg)) return error;
  if (!encoder.keys().update()) return fail(Error::internal_error);
  ++key_updates_sent;
  return Error::none;
}

Error Connection::Impl::send_new_session_tickets() {
  if (!config.resumption) return Error::none;
  for (unsigned i = 0; i < config.ticket_count; ++i) {
    messages::NewSessionTicket nst;
    nst.ticket_lifetime = kTicketLifetimeSeconds;
    uint8_t age_add[4];
    if (!random.fill(age_add)) return fail(Error::internal_error);
    nst.ticket_age_add = (uint32_t{age_add[0]} << 24) | (uint32_t{age_add[1]} << 16) |
                         (uint32_t{age_add[2]} << 8) | age_add[3];
    nst.ticket_nonce = {static_cast<uint8_t>(i)};
    if (config.session_cache) {
      // Stateful: the ticket is a random id into our cache.
      nst.ticket.resize(32);
      if (!random.fill(nst.ticket)) return fail(Error::internal_error);
      std::shared_ptr<Session> session = make_session(nst);
      config.session_cache->put(nst.ticket, session, session->issued_at_ms());
      new_sessions.push_back(std::move(session));
    } else if (config.ticket_keys) {
      // Stateless: the session itself, sealed under the ticket key.
      std::shared_ptr<Session> session = make_session(nst);
      nst.ticket = config.ticket_keys->seal(session->to_bytes(), session->issued_at_ms());
    }
    if (nst.ticket.empty()) return Error::none;
    std::vector<uint8_t> msg;
    wire::Writer w(msg);
    nst.serialize(w);
    flight.insert(flight.end(), msg.begin(), msg.end());
  }
  flush_flight();
  return error;
}

}  // namespace adieu
