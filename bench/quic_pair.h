// adieu's QUIC client and server (adieu::quic::Connection and quic::Server)
// as a TlsPair, so that the TLS sections' measurements (figures.h) time them
// the same way: datagrams move through an in-memory queue per direction, in
// one thread, on a simulated clock (docs/performance.md, "QUIC").
#pragma once

#include <memory>
#include <string>

#include "tls_pair.h"

namespace adieu::bench {

// The ALPN both ends offer: what the loopback peers (ngtcp2's tools) speak.
inline constexpr const char* kQuicAlpn = "h3";

// Pairs of one adieu QUIC client and a connection of one quic::Server shared
// by the factory's pairs (each client has its own address), TLS 1.3 with
// `files`' chain, x25519 and the suites `cipher_suites`. A pair's handshake is
// done when both ends have confirmed it (the client received HANDSHAKE_DONE),
// the client holds a session from the server's tickets, and a pass of the
// transport moves no datagram either way. Its stream data goes on one
// bidirectional stream the client opens. Null and `error` when the
// configurations cannot be made.
std::unique_ptr<PairFactory> make_quic_factory(const CertFiles& files,
                                               const std::string& cipher_suites,
                                               std::string* error);

}  // namespace adieu::bench
