// What adieu-client -quic and adieu-server -quic share: the configuration
// from the TLS tools' options, the words for a QUIC connection's parameters
// and for how it ended.
#pragma once

#include <adieu/config.h>
#include <adieu/quic.h>

#include <string>

#include "tool_common.h"

namespace adieu::tools {

// The common options (tool_common.h) applied for QUIC: TLS 1.3 only (RFC
// 9001 section 4.2), ALPN "h3" unless -alpn says otherwise. Exits with one
// line on an option QUIC cannot honour (-tls1_2, -no_tls1_3, -psk,
// -early_data, -sess_in, -sess_out).
void apply_quic_options(const char* program, const Options& options, Config& config);

// "version=TLSv1.3 suite=... group=... alpn=h3 sni=... peer_certs=N resumed=no".
std::string describe_quic_parameters(const quic::Connection& connection);

// The connection's counters: "stats: datagrams_sent=N datagrams_received=N
// packets_sent=N packets_received=N packets_lost=N packets_dropped=N
// key_updates=N smoothed_rtt_us=N".
std::string describe_quic_stats(const quic::Connection& connection);

// SSL_get_shutdown's value on a QUIC connection object (the OpenSSL rules:
// 0 while active, SENT while we are closing, SENT|RECEIVED once draining or
// terminated in any way), as "0", "SENT" or "SENT|RECEIVED".
std::string quic_shutdown_value(const quic::Connection& connection);

// How the connection ended:
//   "ended: CONNECTION_CLOSE sent|received, application|transport error
//    0x100 (H3_NO_ERROR), reason '...', shutdown=SENT|RECEIVED"
// or "ended: idle timeout, ...", "ended: stateless reset, ...",
// "ended: not closed (state ...), shutdown=0".
std::string describe_quic_end(const quic::Connection& connection);

// True when the connection ended with a CONNECTION_CLOSE (either side's)
// that reports no error: a transport NO_ERROR (0x0) or HTTP/3's H3_NO_ERROR
// (0x100), and is closed (the closing or draining period is over).
bool quic_ended_cleanly(const quic::Connection& connection);

// The two modes, called by the tools' main when -quic is given.
int run_quic_client(const char* program, const Options& options);
int run_quic_server(const char* program, const Options& options);

}  // namespace adieu::tools
