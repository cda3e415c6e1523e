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

#include <cstddef>
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

// One round of a download of the big file, MB/s (10^6 bytes/s) of wall time
// from spawning the client to its exit.
struct DownloadRound {
  double adieu_MBps = 0;
  double peer_MBps = 0;
};

struct LoopbackResult {
  std::vector<LoopbackRound> rounds;  // empty: not measured (the notes say why)
  // adieu-client -quic against gtlsclient, gtlsserver serving.
  std::vector<DownloadRound> from_gtlsserver;
  // gtlsclient from adieu-server -quic -WWW against from gtlsserver.
  std::vector<DownloadRound> to_gtlsclient;
  std::vector<std::string> notes;
};

struct LoopbackSetup {
  std::string data_dir;   // the certificates
  std::string tools_dir;  // where adieu-client and adieu-server are
  int rounds = 5;
  int connections = 20;  // per contender per round
  int download_rounds = 3;
  size_t bulk_bytes = 64u << 20;  // the file downloaded
};

// The contenders alternate round by round. Downloads need adieu-client
// -quic and adieu-server -quic (HTTP/3); without them, notes say so.
LoopbackResult measure_quic_loopback(const LoopbackSetup& setup);

// The child's side of the adieu figures: one handshake with the server on
// 127.0.0.1:`port`, then a close. 0 on success; 1 with a line on stderr.
int quic_handshake_once(const std::string& data_dir, int port);

}  // namespace adieu::bench
