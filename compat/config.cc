// The engine configuration an SSL's handshake runs with, built from its
// SSL_CTX and its own SSL-level settings. Contexts cache one per role until a
// setter changes them; an SSL with settings of its own gets its own.
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstring>

#include "compat/internal.h"

namespace adieu::compat {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

// Our certificate chain and key as PEM text, for Config::add_certificate_pem.
bool add_certificate(adieu::Config& cfg, X509* cert, STACK_OF(X509) * chain, EVP_PKEY* key,
                     std::string* error) {
  BioPtr certs(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!certs || !key_bio || PEM_write_bio_X509(certs.get(), cert) != 1) {
    *error = "cannot encode the certificate";
    return false;
  }
  for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
    if (PEM_write_bio_X509(certs.get(), sk_X509_value(chain, i)) != 1) {
      *error = "cannot encode the chain";
      return false;
    }
  }
  if (PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    *error = "cannot encode the private key";
    return false;
  }
  std::string cert_pem = bio_contents(certs.get());
  std::string key_pem = bio_contents(key_bio.get());
  bool ok = cfg.add_certificate_pem(cert_pem, key_pem, error);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  char* data = nullptr;
  long len = BIO_get_mem_data(key_bio.get(), &data);
  if (len > 0) OPENSSL_cleanse(data, static_cast<size_t>(len));
  return ok;
}

std::vector<std::string> alpn_list(const std::vector<uint8_t>& wire) {
  std::vector<std::string> out;
  for (size_t i = 0; i < wire.size();) {
    size_t n = wire[i];
    if (n == 0 || i + 1 + n > wire.size()) return {};
    out.emplace_back(reinterpret_cast<const char*>(wire.data() + i + 1), n);
    i += 1 + n;
  }
  return out;
}

// The same certificates, in the same order.
bool same_chain(const STACK_OF(X509) * a, const STACK_OF(X509) * b) {
  const int n = a != nullptr ? sk_X509_num(a) : 0;
  if (n != (b != nullptr ? sk_X509_num(b) : 0)) return false;
  for (int i = 0; i < n; ++i) {
    if (sk_X509_value(a, i) != sk_X509_value(b, i)) return false;
  }
  return true;
}

// What a server asks of its clients.
adieu::VerifyMode server_verify_mode(int mode) {
  if ((mode & SSL_VERIFY_PEER) == 0) return adieu::VerifyMode::none;
  return (mode & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) != 0 ? adieu::VerifyMode::required
                                                       : adieu::VerifyMode::optional;
}

// The suites the engine gets, in the order it should prefer them (the
// engine picks its own first suite the client offers). A server that has
// the ClientHello's suites chooses as ssl3_choose_cipher does: by the
// client's preference by default; by its own with
// SSL_OP_CIPHER_SERVER_PREFERENCE or in Suite B mode, its ChaCha20 suites
// first with SSL_OP_PRIORITIZE_CHACHA when the client's first suite is a
// ChaCha20 one.
std::vector<const SSL_CIPHER*> engine_suites(const SSL* s, int min_version, int max_version,
                                             const std::vector<uint16_t>* client_order) {
  std::vector<const SSL_CIPHER*> ours = usable_ciphers(s, min_version, max_version);
  std::vector<const SSL_CIPHER*> out;
  auto add = [&out](const SSL_CIPHER* c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  if (client_order != nullptr && !client_order->empty()) {
    const bool server_order =
        s->ciphers.suiteb != 0 || (s->options & SSL_OP_CIPHER_SERVER_PREFERENCE) != 0;
    if (!server_order) {
      for (uint16_t id : *client_order) {
        for (const SSL_CIPHER* c : ours) {
          if (c->id == id) add(c);
        }
      }
    } else if (s->ciphers.suiteb == 0 && (s->options & SSL_OP_PRIORITIZE_CHACHA) != 0) {
      const SSL_CIPHER* first = cipher_by_id((*client_order)[0]);
      if (first != nullptr && first->aead_nid == NID_chacha20_poly1305) {
        for (const SSL_CIPHER* c : ours) {
          if (c->aead_nid == NID_chacha20_poly1305) add(c);
        }
      }
    }
  }
  for (const SSL_CIPHER* c : ours) add(c);
  return out;
}

std::shared_ptr<const adieu::Config> build(SSL* s, std::string* error,
                                           const std::vector<uint16_t>* client_order) {
  SSL_CTX* ctx = s->ctx;
  auto cfg = std::make_shared<adieu::Config>(s->server ? adieu::Role::server : adieu::Role::client);
  X509* cert = s->cert != nullptr ? s->cert : ctx->cert;
  EVP_PKEY* key = s->key != nullptr ? s->key : ctx->key;
  if (cert != nullptr && key != nullptr && !add_certificate(*cfg, cert, s->chain, key, error)) {
    return nullptr;
  }
  // The engine's trust store stays empty: its verification asks verify.cc,
  // which verifies against the context's X509_STORE. A client always
  // verifies (OpenSSL does with SSL_VERIFY_NONE too, then goes on).
  cfg->set_verify(s->server ? server_verify_mode(s->verify_mode) : adieu::VerifyMode::required);
  configure_post_handshake_auth(s, *cfg);
  install_verify_hook(*cfg);
  if (s->groups == kNoEngineGroup) {
    *error = "none of the groups set is implemented (binary and brainpool curves are not)";
    return nullptr;
  }
  if (!cfg->set_groups(s->groups.empty() ? kDefaultGroups : s->groups, error)) return nullptr;
  int min_version = 0, max_version = 0;
  if (!version_range(s, &min_version, &max_version)) {
    *error = "no protocols available";
    return nullptr;
  }
  if (!cfg->set_versions(static_cast<uint16_t>(min_version), static_cast<uint16_t>(max_version),
                         error)) {
    return nullptr;
  }
  std::string tls13, tls12;
  for (const SSL_CIPHER* c : engine_suites(s, min_version, max_version, client_order)) {
    std::string& list = c->version == TLS1_3_VERSION ? tls13 : tls12;
    if (!list.empty()) list += ':';
    list += c->version == TLS1_3_VERSION ? c->rfc_name : c->name;
  }
  // TLS 1.3 without a suite never gets here (no suite for the highest version).
  if (!tls13.empty() && !cfg->set_cipher_suites(tls13, error)) return nullptr;
  if (!cfg->set_tls12_cipher_suites(tls12, error)) return nullptr;
  // OpenSSL answers no close_notify by itself in TLS 1.2 either (R21), and
  // takes a peer without the extended master secret.
  cfg->set_tls12_close_notify(adieu::Tls12CloseNotify::half_close);
  cfg->set_require_extended_master_secret(false);
  if (s->server) {
    if (!s->alpn_selected.empty() && !cfg->set_alpn({s->alpn_selected}, error)) return nullptr;
    // QUIC: the engine asks the callback (no ClientHello is read here first).
    if (s->quic != nullptr) quic::install_alpn_selector(s, *cfg);
    cfg->set_ticket_count(static_cast<unsigned>(s->num_tickets));
    // Tickets any configuration of this context issued open with every other.
    cfg->set_ticket_keys(ctx->ticket_keys);
    // SSL_OP_NO_TICKET (or early data): stateful tickets, as OpenSSL in TLS 1.3.
    cfg->set_session_cache(stateful_tickets(s) ? ctx->engine_sessions : nullptr);
  } else {
    // A client resumes only the session the application gives it (SSL_set_session).
    cfg->set_session_cache(nullptr);
    std::vector<std::string> protocols = alpn_list(s->alpn);
    if (!protocols.empty() && !cfg->set_alpn(protocols, error)) return nullptr;
    if (s->max_fragment_mode != TLSEXT_max_fragment_length_DISABLED &&
        !cfg->set_max_fragment_length(static_cast<uint16_t>(256u << s->max_fragment_mode), error)) {
      return nullptr;
    }
  }
  configure_early_data(s, *cfg);
  // The session rules are compat's (session.cc); the engine keeps nothing.
  cfg->set_unclean_session_policy(adieu::UncleanSessionPolicy::keep);
  if (ctx->keylog_cb != nullptr) {
    SSL_CTX_keylog_cb_func cb = ctx->keylog_cb;
    cfg->set_keylog([s, cb](std::string_view line) {
      std::string text(line);
      cb(s, text.c_str());
    });
  } else {
    cfg->set_keylog({});  // OpenSSL 3.0 has no SSLKEYLOGFILE
  }
  return cfg;
}

}  // namespace

void ctx_changed(SSL_CTX* ctx) {
  std::lock_guard<std::recursive_mutex> guard(ctx->lock);
  for (std::shared_ptr<const adieu::Config>& c : ctx->engine_config) c.reset();
}

std::shared_ptr<const adieu::Config> engine_config(SSL* s, std::string* error,
                                                   const std::vector<uint16_t>* client_order) {
  SSL_CTX* ctx = s->ctx;
  // A server needs a configuration of its own only when the client's
  // suites change the order it should prefer.
  if (client_order != nullptr) {
    int lo = 0, hi = 0;
    if (version_range(s, &lo, &hi) &&
        engine_suites(s, lo, hi, client_order) != engine_suites(s, lo, hi, nullptr)) {
      return build(s, error, client_order);
    }
  }
  // Shared only while the SSL's copies of the context's settings are current
  // (a QUIC listener's holds its own ALPN callback).
  bool shareable =
      s->quic == nullptr && !s->own_settings && ctx->keylog_cb == nullptr &&
      s->alpn_selected.empty() && s->verify_mode == ctx->verify_mode &&
      s->ciphers.same_suites(ctx->ciphers) && s->groups == ctx->groups &&
      s->num_tickets == ctx->num_tickets && s->post_handshake_auth == ctx->post_handshake_auth &&
      same_chain(s->chain, ctx->chain) && s->max_fragment_mode == ctx->max_fragment_mode &&
      s->alpn == ctx->alpn && s->min_version == ctx->min_version &&
      s->max_version == ctx->max_version && s->max_early_data == ctx->max_early_data &&
      s->recv_max_early_data == ctx->recv_max_early_data &&
      ((s->options ^ ctx->options) & SSL_OP_NO_SSL_MASK) == 0;
  if (!shareable) return build(s, error, nullptr);
  std::lock_guard<std::recursive_mutex> guard(ctx->lock);
  size_t slot =
      (s->server ? 1 : 0) + (stateful_tickets(s) ? 2 : 0) + (s->early_data_engine ? 4 : 0);
  std::shared_ptr<const adieu::Config>& cached = ctx->engine_config[slot];
  if (!cached) cached = build(s, error, nullptr);
  return cached;
}

}  // namespace adieu::compat
