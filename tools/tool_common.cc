#include "tool_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace adieu::tools {

std::string Options::get(const std::string& name, const std::string& fallback) const {
  auto found = values_.find(name);
  if (found == values_.end() || found->second.empty()) return fallback;
  return found->second.back();
}

void fail(const char* program, const std::string& message, int status) {
  std::fprintf(stderr, "%s: %s\n", program, message.c_str());
  std::exit(status);
}

namespace {

void print_help(const char* program, const char* usage, const std::vector<OptionSpec>& specs) {
  std::printf("usage: %s [options]\n%s\n\noptions:\n", program, usage);
  for (const OptionSpec& spec : specs) {
    std::string left = std::string("-") + spec.name;
    if (spec.value[0] != '\0') left += std::string(" ") + spec.value;
    std::printf("  %-24s %s\n", left.c_str(), spec.help);
  }
}

}  // namespace

Options parse_options(int argc, char** argv, const char* program, const char* usage,
                      const std::vector<OptionSpec>& specs) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string name;
    if (arg.rfind("--", 0) == 0) {
      name = arg.substr(2);
    } else if (arg.rfind("-", 0) == 0) {
      name = arg.substr(1);
    } else {
      fail(program, "unexpected argument '" + arg + "' (see -help)", kExitUsage);
    }
    if (name == "help" || name == "h") {
      print_help(program, usage, specs);
      std::exit(0);
    }
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& candidate : specs) {
      if (name == candidate.name) spec = &candidate;
    }
    if (spec == nullptr) fail(program, "unknown option '" + arg + "' (see -help)", kExitUsage);
    if (spec->value[0] == '\0') {
      options.values_[name].push_back("");
      continue;
    }
    if (i + 1 >= argc) {
      fail(program, "option '" + arg + "' needs a value (" + spec->value + ")", kExitUsage);
    }
    options.values_[name].push_back(argv[++i]);
  }
  return options;
}

long parse_number(const char* program, const std::string& option, const std::string& text, long min,
                  long max) {
  char* end = nullptr;
  errno = 0;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno != 0 || value < min || value > max) {
    fail(program,
         "-" + option + ": '" + text + "' is not a number from " + std::to_string(min) + " to " +
             std::to_string(max),
         kExitUsage);
  }
  return value;
}

bool split_host_port(const std::string& text, bool allow_port_only, std::string* host,
                     std::string* port) {
  std::string h;
  std::string p;
  if (!text.empty() && text[0] == '[') {
    size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return false;
    }
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
      if (!allow_port_only) return false;
      p = text;
    } else {
      h = text.substr(0, colon);
      p = text.substr(colon + 1);
    }
  }
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stol(p) > 65535) {
    return false;
  }
  *host = h;
  *port = p;
  return true;
}

std::vector<std::string> split_list(const std::string& text, char separator) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

namespace {

bool parse_hex(const std::string& text, std::vector<uint8_t>& out) {
  if (text.size() % 2 != 0) return false;
  auto nibble = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out.clear();
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]);
    const int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return true;
}

}  // namespace

void apply_common_options(const char* program, const Options& options, Config& config) {
  std::string error;
  const bool has_cert = options.has("cert");
  const bool has_key = options.has("key");
  if (has_cert != has_key) fail(program, "-cert and -key go together", kExitUsage);
  if (options.has("cert_chain") && !has_cert) {
    fail(program, "-cert_chain needs -cert and -key", kExitUsage);
  }
  if (has_cert && !config.add_certificate(options.get("cert"), options.get("key"),
                                          options.get("cert_chain"), &error)) {
    fail(program, error);
  }
  if (options.has("CAfile") && !config.load_ca_file(options.get("CAfile"), &error)) {
    fail(program, error);
  }
  if (options.has("ciphersuites") &&
      !config.set_cipher_suites(options.get("ciphersuites"), &error)) {
    fail(program, error);
  }
  if (options.has("cipher") && !config.set_tls12_cipher_suites(options.get("cipher"), &error)) {
    fail(program, error);
  }
  if (options.has("groups") && !config.set_groups(options.get("groups"), &error)) {
    fail(program, error);
  }
  // Versions as s_client/s_server name them: -tls1_2 / -tls1_3 pick one,
  // -no_tls1_2 / -no_tls1_3 drop one.
  uint16_t min_version = 0x0303;
  uint16_t max_version = 0x0304;
  if (options.has("tls1_2") || options.has("no_tls1_3")) max_version = 0x0303;
  if (options.has("tls1_3") || options.has("no_tls1_2")) min_version = 0x0304;
  if (!config.set_versions(min_version, max_version, &error)) fail(program, error, kExitUsage);
  if (options.has("alpn") && !config.set_alpn(split_list(options.get("alpn"), ','), &error)) {
    fail(program, error);
  }
  // The tools opt in to SSLKEYLOGFILE, as s_client and s_server do not
  // (the library never reads it); -keylogfile wins.
  if (options.has("keylogfile")) {
    if (!config.set_keylog_file(options.get("keylogfile"), &error)) fail(program, error);
  } else if (!config.set_keylog_from_environment(&error) && !error.empty()) {
    fail(program, error);
  }
  if (options.has("allow_no_dhe_kex")) config.set_psk_ke(true);
  if (options.has("sigalgs") && !config.set_signature_algorithms(options.get("sigalgs"), &error)) {
    fail(program, "-sigalgs: " + error, kExitUsage);
  }
  if (options.has("psk")) {
    // s_client / s_server's -psk: hex, SHA-256, identity "Client_identity".
    std::vector<uint8_t> key;
    if (!parse_hex(options.get("psk"), key)) fail(program, "-psk: not hex", kExitUsage);
    if (!config.add_external_psk(options.get("psk_identity", "Client_identity"), key, "SHA256",
                                 &error)) {
      fail(program, "-psk: " + error, kExitUsage);
    }
  }
  if (options.has("maxfraglen") &&
      !config.set_max_fragment_length(
          static_cast<uint16_t>(
              parse_number(program, "maxfraglen", options.get("maxfraglen"), 0, 4096)),
          &error)) {
    fail(program, error, kExitUsage);
  }
  if (options.has("record_size_limit") &&
      !config.set_record_size_limit(
          static_cast<uint16_t>(parse_number(program, "record_size_limit",
                                             options.get("record_size_limit"), 0, 65535)),
          &error)) {
    fail(program, error, kExitUsage);
  }
}

std::string keying_material(const char* program, const Options& options,
                            const Connection& connection) {
  if (!options.has("keymatexport")) return {};
  const long length =
      options.has("keymatexportlen")
          ? parse_number(program, "keymatexportlen", options.get("keymatexportlen"), 1, 16384)
          : 20;
  std::vector<uint8_t> out(static_cast<size_t>(length));
  if (!connection.export_keying_material(options.get("keymatexport"), std::nullopt, out)) {
    return "Keying material: failed";
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string line = "Keying material: ";
  for (uint8_t b : out) {
    line += kHex[b >> 4];
    line += kHex[b & 15];
  }
  return line;
}

std::string version_name(uint16_t version) {
  switch (version) {
    case 0x0304:
      return "TLSv1.3";
    case 0x0303:
      return "TLSv1.2";
    case 0:
      return "none";
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%04x", version);
  return hex;
}

std::string signature_scheme_name(uint16_t scheme) {
  switch (scheme) {
    case 0:
      return "none";
    case 0x0401:
      return "rsa_pkcs1_sha256";
    case 0x0501:
      return "rsa_pkcs1_sha384";
    case 0x0601:
      return "rsa_pkcs1_sha512";
    case 0x0403:
      return "ecdsa_secp256r1_sha256";
    case 0x0503:
      return "ecdsa_secp384r1_sha384";
    case 0x0603:
      return "ecdsa_secp521r1_sha512";
    case 0x0804:
      return "rsa_pss_rsae_sha256";
    case 0x0805:
      return "rsa_pss_rsae_sha384";
    case 0x0806:
      return "rsa_pss_rsae_sha512";
    case 0x0807:
      return "ed25519";
    case 0x0808:
      return "ed448";
    case 0x0809:
      return "rsa_pss_pss_sha256";
    case 0x080a:
      return "rsa_pss_pss_sha384";
    case 0x080b:
      return "rsa_pss_pss_sha512";
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%04x", scheme);
  return hex;
}

std::string peer_address(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "unknown";
  char host[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (address.ss_family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    port = ntohs(v4->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  if (address.ss_family == AF_INET6) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
    port = ntohs(v6->sin6_port);
    // Appended piece by piece: GCC 12's -Wrestrict misfires on "[" + std::string(...).
    std::string out = "[";
    out.append(host).append("]:").append(std::to_string(port));
    return out;
  }
  return "unknown";
}

std::string describe_parameters(const Connection& connection) {
  std::string out = "version=" + version_name(connection.version());
  out += std::string(" suite=") + connection.cipher_suite_name();
  out += std::string(" group=") + connection.group_name();
  out += " peer_sig=" + signature_scheme_name(connection.peer_signature_scheme());
  out += " alpn=" + (connection.alpn().empty() ? std::string("none") : connection.alpn());
  out += std::string(" hrr=") + (connection.hello_retry_request() ? "yes" : "no");
  out +=
      " sni=" + (connection.server_name().empty() ? std::string("none") : connection.server_name());
  out += " peer_certs=" + std::to_string(connection.peer_certificates().size());
  out += std::string(" resumed=") + (connection.resumed() ? "yes" : "no");
  static const char* const kEarlyData[] = {"none", "offered", "accepted", "rejected"};
  out += std::string(" early_data=") + kEarlyData[static_cast<int>(connection.early_data_status())];
  if (connection.early_data_bytes() != 0) {
    out += " early_data_bytes=" + std::to_string(connection.early_data_bytes());
  }
  return out;
}

bool ended_cleanly(const Connection& connection) {
  return connection.read_state() == ReadState::close_notify_received &&
         connection.write_state() == WriteState::close_notify_sent;
}

std::string describe_end(const Connection& connection, const IoResult& last) {
  std::string out = std::string("ended: read=") + read_state_name(connection.read_state()) +
                    " write=" + write_state_name(connection.write_state()) + ": ";
  const std::optional<Alert> sent = connection.alert_sent();
  const std::optional<Alert> received = connection.alert_received();
  if (sent && *sent != Alert::close_notify) {
    out += std::string("fatal alert sent: ") + alert_name(*sent);
    if (connection.error() != Error::none) {
      out += std::string(" (") + error_string(connection.error()) + ")";
    }
  } else if (received && *received != Alert::close_notify) {
    out += std::string("fatal alert received: ") + alert_name(*received);
  } else if (last.status == IoStatus::timed_out) {
    out += "timed out";
  } else if (connection.read_state() == ReadState::truncated ||
             last.status == IoStatus::truncated) {
    out += "truncated";
    if (last.os_error != 0) out += std::string(" (") + std::strerror(last.os_error) + ")";
  } else if (last.status == IoStatus::error && last.os_error != 0) {
    out += std::string("socket error: ") + std::strerror(last.os_error);
  } else if (last.status == IoStatus::error && last.error != Error::none) {
    out += std::string("error: ") + error_string(last.error);
  } else if (ended_cleanly(connection)) {
    out += "clean";
  } else {
    out += "incomplete";
  }
  return out;
}

}  // namespace adieu::tools
