// Shared by adieu-server and adieu-client: option parsing, configuration
// from options, addresses, and the words both tools use to describe a
// connection and how it ended.
#pragma once

#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/socket.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace adieu::tools {

// Exit statuses: 0 clean end, 1 failure (bad configuration, connection
// failed or ended uncleanly), 2 usage error.
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// One command-line option: "-name value" (or "-name" alone when `value` is
// empty). `value` names the argument in -help ("host:port").
struct OptionSpec {
  const char* name;
  const char* value;
  const char* help;
};

// Parsed options: name (without the dash) -> values in order of appearance.
class Options {
 public:
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  // The last value given for `name`, or `fallback`.
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::map<std::string, std::vector<std::string>> values_;
};

// Parses argv against `specs` ("-opt" and "--opt" are the same). On an
// unknown option or a missing value prints one line and exits with
// kExitUsage; on -help prints `usage` and every option and exits 0.
Options parse_options(int argc, char** argv, const char* program, const char* usage,
                      const std::vector<OptionSpec>& specs);

// Prints "program: message" to stderr and exits with `status`.
[[noreturn]] void fail(const char* program, const std::string& message, int status = kExitFailure);

// Parses a decimal number in [min, max]; exits with kExitUsage otherwise.
long parse_number(const char* program, const std::string& option, const std::string& text, long min,
                  long max);

// Splits "host:port", "[v6]:port" or (when `allow_port_only`) "port".
// Returns false when there is no valid port.
bool split_host_port(const std::string& text, bool allow_port_only, std::string* host,
                     std::string* port);

// "a,b,c" -> {"a", "b", "c"} (empty items dropped).
std::vector<std::string> split_list(const std::string& text, char separator);

// The options both tools share, applied to `config`: -cert/-key/-cert_chain,
// -CAfile, -ciphersuites, -cipher, -groups, -tls1_2, -tls1_3, -no_tls1_2,
// -no_tls1_3, -alpn, -keylogfile. Exits with one line on
// a bad value or an unreadable file.
void apply_common_options(const char* program, const Options& options, Config& config);

// With -keymatexport LABEL [-keymatexportlen N]: the exported keying
// material as s_client prints it, "Keying material: HEX" (or "Keying
// material: failed"); empty without the option.
std::string keying_material(const char* program, const Options& options,
                            const Connection& connection);

// "TLSv1.3" for 0x0304.
std::string version_name(uint16_t version);
// "ecdsa_secp256r1_sha256" for 0x0403; "none" for 0; hex when unknown.
std::string signature_scheme_name(uint16_t scheme);
// "host:port" of a socket's peer.
std::string peer_address(int fd);

// The negotiated parameters, as "version=TLSv1.3 suite=... group=... ...".
std::string describe_parameters(const Connection& connection);

// How a connection ended, as
//   "ended: read=<read state> write=<write state>: <verdict>"
// where the verdict is "clean" (both close_notify crossed), "truncated",
// "fatal alert sent: <alert>", "fatal alert received: <alert>",
// "timed out", "socket error: <strerror>" or "incomplete".
// `last` is the result of the call that ended the connection.
std::string describe_end(const Connection& connection, const IoResult& last);

// True when both close_notify alerts crossed: our write side sent it and the
// peer's was received.
bool ended_cleanly(const Connection& connection);

}  // namespace adieu::tools
