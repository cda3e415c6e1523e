// The keys a server's session cache will be asked for when it processes a
// ClientHello, read before the engine sees it (store::AsyncSessionStore's
// prefetch): its PSK identities (RFC 8446 section 4.2.11: stateful tickets)
// or, when TLS 1.2 can be chosen, its session id (RFC 5246 section 7.4.1.2).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace adieu::store {

// `bytes`: what the transport has received so far (not consumed). The keys
// named by the ClientHello in the first record; empty when that record is
// not a whole ClientHello (it is split, or not one), or names nothing.
// `server_tls13`: the server may choose TLS 1.3 (then a ClientHello offering
// it is not resumed by session id).
std::vector<std::vector<uint8_t>> resumption_keys(std::span<const uint8_t> bytes,
                                                  bool server_tls13);

}  // namespace adieu::store
