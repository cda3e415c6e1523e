#include <adieu/config.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <memory>
#include <mutex>

#include "engine/config_impl.h"
#include "engine/session/session_data.h"

namespace adieu {
namespace {

uint64_t system_clock_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

// The non-empty items of `list`. (Not std::getline: a stream swallows
// std::bad_alloc into its failbit, which would read as a short list.)
std::vector<std::string> split(const std::string& list, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find(sep, start);
    if (end == std::string::npos) end = list.size();
    if (end > start) out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void set_error(std::string* error, std::string text) {
  if (error) *error = std::move(text);
}

// An NSS key log file shared by every connection of a config.
std::function<void(std::string_view)> file_keylog(const std::string& path, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "a");
  if (!f) {
    set_error(error, "cannot open key log file " + path);
    return {};
  }
  std::shared_ptr<std::FILE> file(f, [](std::FILE* p) { std::fclose(p); });
  auto lock = std::make_shared<std::mutex>();
  return [file, lock](std::string_view line) {
    std::lock_guard<std::mutex> guard(*lock);
    std::fwrite(line.data(), 1, line.size(), file.get());
    std::fputc('\n', file.get());
    std::fflush(file.get());
  };
}

// The TLS name (crypto::group_name) or, for the curves, OpenSSL's other
// names for it.
std::optional<crypto::Group> group_by_name(const std::string& name) {
  if (name == "X25519") return crypto::Group::x25519;
  if (name == "P-256" || name == "prime256v1") return crypto::Group::secp256r1;
  if (name == "P-384") return crypto::Group::secp384r1;
  if (name == "P-521") return crypto::Group::secp521r1;
  if (name == "X448") return crypto::Group::x448;
  for (crypto::Group group : crypto::implemented_groups()) {
    if (name == crypto::group_name(static_cast<uint16_t>(group))) return group;
  }
  return std::nullopt;
}

std::optional<crypto::CipherSuite> suite_by_name(const std::string& name) {
  for (crypto::CipherSuite s : crypto::all_cipher_suites()) {
    if (name == crypto::suite_info(s).name) return s;
  }
  return std::nullopt;
}

}  // namespace

Config::Impl::Impl(Role r)
    : role(r),
      verify(r == Role::client ? VerifyMode::required : VerifyMode::none),
      suites(crypto::all_cipher_suites().begin(), crypto::all_cipher_suites().end()),
      tls12_suites(crypto::all_tls12_cipher_suites().begin(),
                   crypto::all_tls12_cipher_suites().end()),
      groups{crypto::Group::x25519, crypto::Group::secp256r1, crypto::Group::secp384r1},
      clock_ms(system_clock_ms) {
  if (role == Role::server) {
    ticket_keys = std::make_shared<TicketKeys>();
    // A server takes every group it implements, its fastest first (the
    // finite-field groups last, slowest, as OpenSSL orders them); a client's
    // hello stays short (one x25519 share, three groups).
    groups.insert(groups.end(),
                  {crypto::Group::secp521r1, crypto::Group::x448, crypto::Group::ffdhe2048,
                   crypto::Group::ffdhe3072, crypto::Group::ffdhe4096, crypto::Group::ffdhe6144,
                   crypto::Group::ffdhe8192});
  }
}

std::vector<const CertifiedKey*> Config::Impl::certificates_for(const std::string& server_name,
                                                                bool* name_matched) const {
  std::vector<const CertifiedKey*> out;
  if (!server_name.empty()) {
    for (const CertifiedKey& ck : certificates) {
      if (ck.chain.front().matches_host(server_name)) out.push_back(&ck);
    }
  }
  *name_matched = !out.empty();
  if (out.empty()) {
    for (const CertifiedKey& ck : certificates) out.push_back(&ck);
  }
  return out;
}

const CertifiedKey* Config::Impl::certificate_for(const std::string& server_name,
                                                  bool* name_matched) const {
  const std::vector<const CertifiedKey*> candidates = certificates_for(server_name, name_matched);
  return candidates.empty() ? nullptr : candidates.front();
}

std::vector<uint16_t> Config::Impl::allowed_schemes(
    std::span<const crypto::SignatureScheme> defaults) const {
  std::vector<uint16_t> out;
  const auto in_defaults = [&](crypto::SignatureScheme s) {
    return std::find(defaults.begin(), defaults.end(), s) != defaults.end();
  };
  for (crypto::SignatureScheme s : signature_schemes.empty() ? defaults : signature_schemes) {
    if (in_defaults(s)) out.push_back(static_cast<uint16_t>(s));
  }
  return out;
}

bool Config::Impl::scheme_allowed(uint16_t scheme) const {
  return signature_schemes.empty() ||
         std::find(signature_schemes.begin(), signature_schemes.end(),
                   static_cast<crypto::SignatureScheme>(scheme)) != signature_schemes.end();
}

Config::Config(Role role) : impl_(std::make_unique<Impl>(role)) {}
Config::~Config() = default;

Role Config::role() const {
  return impl_->role;
}

namespace {

bool add_certified_key(Config::Impl& impl, std::vector<crypto::Certificate> chain,
                       crypto::PrivateKey key, const std::string& where, std::string* error) {
  if (chain.empty()) {
    set_error(error, "no certificate found in " + where);
    return false;
  }
  if (!chain.front().matches(key)) {
    set_error(error, "private key does not match the certificate in " + where);
    return false;
  }
  CertifiedKey ck{std::move(chain), {}, std::move(key), {}};
  for (const crypto::Certificate& c : ck.chain) {
    ck.chain_der.emplace_back(c.der().begin(), c.der().end());
  }
  ck.schemes = ck.key.schemes();
  if (ck.schemes.empty()) {
    set_error(error, "unsupported private key type in " + where);
    return false;
  }
  impl.certificates.push_back(std::move(ck));
  return true;
}

}  // namespace

bool Config::add_certificate(const std::string& cert_file, const std::string& key_file,
                             const std::string& chain_file, std::string* error) {
  std::string err;
  std::vector<crypto::Certificate> chain = crypto::Certificate::from_pem_file(cert_file, err);
  if (chain.empty()) {
    set_error(error, err.empty() ? "no certificate found in " + cert_file : err);
    return false;
  }
  if (!chain_file.empty()) {
    std::vector<crypto::Certificate> extra = crypto::Certificate::from_pem_file(chain_file, err);
    if (extra.empty()) {
      set_error(error, err.empty() ? "no certificate found in " + chain_file : err);
      return false;
    }
    chain.insert(chain.end(), extra.begin(), extra.end());
  }
  std::optional<crypto::PrivateKey> key = crypto::PrivateKey::from_pem_file(key_file, err);
  if (!key) {
    set_error(error, err);
    return false;
  }
  return add_certified_key(*impl_, std::move(chain), std::move(*key), cert_file, error);
}

bool Config::add_certificate_pem(std::string_view cert_pem, std::string_view key_pem,
                                 std::string* error) {
  std::string err;
  auto bytes = [](std::string_view s) {
    return std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  std::vector<crypto::Certificate> chain = crypto::Certificate::from_pem(bytes(cert_pem), err);
  if (chain.empty()) {
    set_error(error, err.empty() ? "no certificate found in PEM text" : err);
    return false;
  }
  std::optional<crypto::PrivateKey> key = crypto::PrivateKey::from_pem(bytes(key_pem), err);
  if (!key) {
    set_error(error, err);
    return false;
  }
  return add_certified_key(*impl_, std::move(chain), std::move(*key), "PEM text", error);
}

bool Config::load_ca_file(const std::string& path, std::string* error) {
  std::string err;
  if (!impl_->trust.load_file(path, err)) {
    set_error(error, err);
    return false;
  }
  return true;
}

bool Config::load_ca_dir(const std::string& path, std::string* error) {
  std::string err;
  if (!impl_->trust.load_dir(path, err)) {
    set_error(error, err);
    return false;
  }
  return true;
}

bool Config::load_system_trust(std::string* error) {
  std::string err;
  if (!impl_->trust.load_system_defaults(err)) {
    set_error(error, err);
    return false;
  }
  return true;
}

void Config::set_verify(VerifyMode mode) {
  impl_->verify = mode;
}

void Config::set_post_handshake_auth(bool offer) {
  impl_->post_handshake_auth = offer;
}

void Config::set_verify_post_handshake_only(bool only) {
  impl_->verify_post_handshake_only = only;
}

bool Config::set_cipher_suites(const std::string& list, std::string* error) {
  std::vector<crypto::CipherSuite> suites;
  for (const std::string& name : split(list, ':')) {
    std::optional<crypto::CipherSuite> s = suite_by_name(name);
    if (!s) {
      set_error(error, "unknown TLS 1.3 cipher suite: " + name);
      return false;
    }
    suites.push_back(*s);
  }
  if (suites.empty()) {
    set_error(error, "empty cipher suite list");
    return false;
  }
  impl_->suites = std::move(suites);
  return true;
}

bool Config::set_groups(const std::string& list, std::string* error) {
  std::vector<crypto::Group> groups;
  for (const std::string& name : split(list, ':')) {
    std::optional<crypto::Group> g = group_by_name(name);
    if (!g) {
      set_error(error, "unknown group: " + name);
      return false;
    }
    groups.push_back(*g);
  }
  if (groups.empty()) {
    set_error(error, "empty group list");
    return false;
  }
  impl_->groups = std::move(groups);
  return true;
}

bool Config::set_versions(uint16_t min_version, uint16_t max_version, std::string* error) {
  // SSL 3.0, TLS 1.0 and TLS 1.1 are not implemented (RFC 8996 deprecates
  // the last two); a range reaching below TLS 1.2 keeps its TLS 1.2 part.
  min_version = std::max<uint16_t>(min_version, 0x0303);
  max_version = std::min<uint16_t>(max_version, 0x0304);
  if (min_version > max_version) {
    set_error(error, "no protocols available: adieu implements TLS 1.2 and TLS 1.3");
    return false;
  }
  impl_->min_version = min_version;
  impl_->max_version = max_version;
  return true;
}

bool Config::set_tls12_cipher_suites(const std::string& list, std::string* error) {
  std::vector<crypto::Tls12CipherSuite> suites;
  for (const std::string& name : split(list, ':')) {
    std::optional<crypto::Tls12CipherSuite> s = crypto::tls12_suite_by_name(name);
    if (!s) {
      set_error(error, "unknown TLS 1.2 cipher suite: " + name);
      return false;
    }
    suites.push_back(*s);
  }
  impl_->tls12_suites = std::move(suites);
  return true;
}

void Config::set_require_extended_master_secret(bool required) {
  impl_->require_extended_master_secret = required;
}

bool Config::set_alpn(const std::vector<std::string>& protocols, std::string* error) {
  for (const std::string& p : protocols) {
    if (p.empty() || p.size() > 255) {
      set_error(error, "ALPN protocol names must be 1 to 255 bytes");
      return false;
    }
  }
  impl_->alpn = protocols;
  return true;
}

void Config::set_alpn_selector(AlpnSelector selector) {
  impl_->alpn_selector = std::move(selector);
}

bool Config::set_record_size_limit(uint16_t limit, std::string* error) {
  // RFC 8449 section 4: at least 64; at most TLS 1.3's 2^14 + 1.
  if (limit != 0 && (limit < 64 || limit > (1 << 14) + 1)) {
    set_error(error, "record_size_limit must be 64 to 16385 (0: not offered)");
    return false;
  }
  impl_->record_size_limit = limit;
  return true;
}

bool Config::set_max_fragment_length(uint16_t bytes, std::string* error) {
  uint8_t code = 0;
  switch (bytes) {
    case 0:
      break;
    case 512:
      code = 1;
      break;
    case 1024:
      code = 2;
      break;
    case 2048:
      code = 3;
      break;
    case 4096:
      code = 4;
      break;
    default:
      set_error(error, "max_fragment_length must be 512, 1024, 2048 or 4096 (0: not asked)");
      return false;
  }
  impl_->max_fragment_length = code;
  return true;
}

bool Config::add_external_psk(const std::string& identity, std::span<const uint8_t> key,
                              const std::string& hash, std::string* error) {
  crypto::CipherSuite suite;
  if (hash == "SHA256") {
    suite = crypto::CipherSuite::aes_128_gcm_sha256;
  } else if (hash == "SHA384") {
    suite = crypto::CipherSuite::aes_256_gcm_sha384;
  } else {
    set_error(error, "external PSK hash must be SHA256 or SHA384");
    return false;
  }
  if (identity.empty() || identity.size() > 0xffff) {
    set_error(error, "external PSK identity must be 1 to 65535 bytes");
    return false;
  }
  if (key.size() < 16 || key.size() > crypto::Secret::kCapacity) {
    set_error(error,
              "external PSK must be 16 to " + std::to_string(crypto::Secret::kCapacity) + " bytes");
    return false;
  }
  auto d = std::make_unique<Session::Data>();
  d->cipher_suite = static_cast<uint16_t>(suite);  // names the hash
  d->psk = crypto::Secret(key);
  d->id.assign(identity.begin(), identity.end());
  d->external = true;
  d->lifetime_seconds = std::numeric_limits<uint32_t>::max();
  impl_->external_psks.push_back(std::make_shared<Session>(std::move(d)));
  return true;
}

void Config::set_ticket_count(unsigned count) {
  impl_->ticket_count = count;
}

void Config::set_unclean_session_policy(UncleanSessionPolicy policy) {
  impl_->unclean_session_policy = policy;
}

void Config::set_tls12_close_notify(Tls12CloseNotify behaviour) {
  impl_->tls12_close_notify = behaviour;
}

void Config::set_session_cache(std::shared_ptr<SessionCache> cache) {
  impl_->session_cache = std::move(cache);
}
std::shared_ptr<SessionCache> Config::session_cache() const {
  return impl_->session_cache;
}
void Config::set_ticket_keys(std::shared_ptr<TicketKeys> keys) {
  impl_->ticket_keys = std::move(keys);
}
void Config::set_psk_ke(bool allowed) {
  impl_->psk_ke = allowed;
}
bool Config::set_signature_algorithms(const std::string& list, std::string* error) {
  std::vector<crypto::SignatureScheme> schemes;
  for (const std::string& name : split(list, ':')) {
    std::optional<crypto::SignatureScheme> scheme = crypto::signature_scheme_by_name(name);
    if (!scheme) {
      set_error(error, "unknown signature algorithm '" + name + "'");
      return false;
    }
    schemes.push_back(*scheme);
  }
  if (schemes.empty()) {
    set_error(error, "empty signature algorithm list");
    return false;
  }
  impl_->signature_schemes = std::move(schemes);
  return true;
}

void Config::set_early_data(bool enabled) {
  impl_->early_data = enabled;
}
void Config::set_max_early_data(uint32_t bytes) {
  impl_->max_early_data = bytes;
  if (bytes != 0 && !impl_->early_data_replay) {
    impl_->early_data_replay = std::make_shared<EarlyDataReplayGuard>();
  }
}
std::shared_ptr<EarlyDataReplayGuard> Config::early_data_replay_guard() const {
  return impl_->early_data_replay;
}
void Config::set_early_data_replay_guard(std::shared_ptr<EarlyDataReplayGuard> guard) {
  impl_->early_data_replay = guard ? std::move(guard) : std::make_shared<EarlyDataReplayGuard>();
}
void Config::set_resumption(bool enabled) {
  impl_->resumption = enabled;
}

void Config::set_keylog(std::function<void(std::string_view)> sink) {
  impl_->keylog = std::move(sink);
}

void Config::set_client_hello_hook(
    std::function<ClientHelloDecision(const ClientHelloInfo&)> hook) {
  impl_->client_hello_hook = std::move(hook);
}

void Config::set_message_observer(std::function<void(const ProtocolMessage&)> observer) {
  impl_->message_observer = std::move(observer);
}

bool Config::set_keylog_file(const std::string& path, std::string* error) {
  auto sink = file_keylog(path, error);
  if (!sink) return false;
  impl_->keylog = std::move(sink);
  return true;
}

bool Config::set_keylog_from_environment(std::string* error) {
  const char* path = std::getenv("SSLKEYLOGFILE");
  if (path == nullptr || *path == '\0') return false;
  return set_keylog_file(path, error);
}

}  // namespace adieu
