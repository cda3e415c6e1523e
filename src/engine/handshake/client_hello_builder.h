// The ClientHello a client sends, for the versions its configuration offers
// (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2): built once, by one
// function, whichever handshake object then runs.
#pragma once

#include <vector>

#include "crypto/key_exchange.h"
#include "engine/handshake/handshake.h"
#include "messages/messages.h"

namespace adieu {

// Fills `ch` for the versions ctx_.config offers. TLS 1.3: supported_versions,
// one key share for the most preferred group (in `key_shares`), a 32-byte
// random legacy_session_id (middlebox compatibility, RFC 8446 D.4). TLS 1.2:
// its suites after TLS 1.3's, extended_master_secret (RFC 7627),
// renegotiation_info (RFC 5746), ec_point_formats (RFC 8422). Draws
// ctx.client_random. internal_error when randomness or key generation fails.
Error build_client_hello(HandshakeContext& ctx, messages::ClientHello& ch,
                         std::vector<crypto::KeyShare>& key_shares);

}  // namespace adieu
