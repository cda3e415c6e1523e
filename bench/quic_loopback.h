// adieu's QUIC client against ngtcp2's (Debian's ngtcp2-client and
// ngtcp2-server: gtlsclient and gtlsserver, ngtcp2 over GnuTLS) over
// loopback, in the same run (docs/performance.md, "QUIC over loopback").
//
// One gtlsserver serves both contenders. Each connection is a child process
// whose wall time (spawn to exit) and CPU time (its rusage) are measured the
// same way for both: gtlsclient fetching a small file (it has no mode that
// ends after the handshake alone), and adieu-bench itself run as
// `--quic-handshake=PORT` (a QUIC handshake with ALPN h3, then
// CONNECTION_CLOSE with H3_NO_ERROR). Every child has a timeout; a peer that
// is missing or fails gives a note and no figure, never a hang.
#pragma once

#include <string>
#include <vector>

namespace adieu::bench {

struct LoopbackRound {
  double adieu_per_s = 0;   // connections / wall time, one child after another
  double peer_per_s = 0;    // the same for gtlsclient
  double adieu_cpu_ms = 0;  // the child's CPU time (user + system) per connection
  double peer_cpu_ms = 0;
  double adieu_in_process_per_s = 0;  // handshakes from this process, no child (a note)
};

struct LoopbackResult {
  std::vector<LoopbackRound> rounds;  // empty: not measured (the notes say why)
  std::vector<std::string> notes;
};

// `connections` per contender per round, alternating the contenders.
LoopbackResult measure_quic_loopback(const std::string& data_dir, int rounds, int connections);

// The child's side of the adieu figures: one handshake with the server on
// 127.0.0.1:`port`, then a close. 0 on success; 1 with a line on stderr.
int quic_handshake_once(const std::string& data_dir, int port);

}  // namespace adieu::bench
