// Which session a client offers, and how a TLS 1.2 session goes into the
// ClientHello and comes out of a handshake (RFC 5246 section 7.4.1.2 for
// session ids, RFC 5077 for tickets). TLS 1.3's PSK offer is Tls13Client's.
#pragma once

#include <memory>
#include <span>

#include "crypto/tls12_suite.h"
#include "engine/handshake/handshake.h"
#include "messages/messages.h"

namespace adieu {

// Client: `given` if it is resumable for our server name, else one taken
// from the config's cache (taken: a TLS 1.3 ticket is single-use; a TLS 1.2
// session is put back once it resumed). nullptr when resumption is off or
// there is none.
std::shared_ptr<Session> session_to_offer(HandshakeContext& ctx, std::shared_ptr<Session> given);

// True when `session` is a TLS 1.2 one (its suite is a TLS 1.2 suite).
bool is_tls12_session(const Session& session);

// Client: offers a TLS 1.2 session in `ch`: its session id as
// legacy_session_id, or its ticket in session_ticket (RFC 5077 section 3.4;
// the random legacy_session_id the client already sends tells it whether the
// server accepted). Records it as ctx.offered_session.
void offer_tls12_session(HandshakeContext& ctx, messages::ClientHello& ch,
                         std::shared_ptr<Session> session);

// A TLS 1.2 session from a completed handshake.
std::shared_ptr<Session> make_tls12_session(const HandshakeContext& ctx,
                                            const crypto::Tls12SuiteInfo& suite,
                                            const crypto::Secret& master_secret,
                                            std::span<const uint8_t> id, bool ticket,
                                            uint32_t lifetime_seconds);

// Client: keeps `session` in the config's cache under our server name.
void keep_client_session(HandshakeContext& ctx, std::shared_ptr<Session> session);

}  // namespace adieu
