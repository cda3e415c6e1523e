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

struct ChainDeleter {
  void operator()(STACK_OF(X509) * sk) const { sk_X509_pop_free(sk, X509_free); }
};
using ChainPtr = std::unique_ptr<STACK_OF(X509), ChainDeleter>;
struct StoreCtxDeleter {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};

// ssl_add_cert_chain's automatic chain: a certificate sent without a chain
// of its own goes with the chain X509_verify_cert builds for it from the
// context's store, whatever the verification concluded (the leaf left out:
// the engine sends it first), unless SSL_MODE_NO_AUTO_CHAIN. Null when there
// is nothing to add.
ChainPtr automatic_chain(const SSL* s, X509* cert) {
  if ((s->mode & SSL_MODE_NO_AUTO_CHAIN) != 0 || s->ctx->store == nullptr) return nullptr;
  std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter> vctx(X509_STORE_CTX_new());
  if (!vctx || X509_STORE_CTX_init(vctx.get(), s->ctx->store, cert, nullptr) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  (void)X509_verify_cert(vctx.get());
  ERR_clear_error();
  STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(vctx.get());
  if (built == nullptr || sk_X509_num(built) < 2) return nullptr;
  ChainPtr chain(sk_X509_new_null());
  for (int i = 1; chain && i < sk_X509_num(built); ++i) {
    X509* x = sk_X509_value(built, i);
    if (X509_up_ref(x) != 1) return nullptr;
    if (sk_X509_push(chain.get(), x) <= 0) {
      X509_free(x);
      return nullptr;
    }
  }
  return chain;
}

// The TLS 1.3 signature schemes a key signs with (RFC 8446 section 4.2.3).
std::vector<uint16_t> tls13_schemes_of(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return {0x0804, 0x0805, 0x0806};  // rsa_pss_rsae_*
    case EVP_PKEY_RSA_PSS:
      return {0x0809, 0x080a, 0x080b};  // rsa_pss_pss_*
    case EVP_PKEY_ED25519:
      return {0x0807};
    case EVP_PKEY_ED448:
      return {0x0808};
    case EVP_PKEY_EC: {
      char curve[64] = "";
      if (EVP_PKEY_get_group_name(key, curve, sizeof(curve), nullptr) != 1) return {};
      if (strcmp(curve, "prime256v1") == 0) return {0x0403};
      if (strcmp(curve, "secp384r1") == 0) return {0x0503};
      if (strcmp(curve, "secp521r1") == 0) return {0x0603};
      return {};
    }
    default:
      return {};
  }
}

// OpenSSL's default signature algorithm list (ssl/t1_lib.c tls12_sigalgs),
// the order a server with SSL_OP_CIPHER_SERVER_PREFERENCE picks by.
constexpr uint16_t kServerSigalgOrder[] = {0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x0809,
                                           0x080a, 0x080b, 0x0804, 0x0805, 0x0806};

// Where tls_choose_sigalg would rank a certificate whose key is `key` in
// TLS 1.3: the place, in the client's signature_algorithms (or the
// server's own order), of the first scheme the key signs with.
size_t sigalg_rank(const SSL* s, EVP_PKEY* key) {
  const std::vector<uint16_t> ours = tls13_schemes_of(key);
  const bool server_order = (s->options & SSL_OP_CIPHER_SERVER_PREFERENCE) != 0;
  const std::vector<uint16_t> order =
      server_order
          ? std::vector<uint16_t>(std::begin(kServerSigalgOrder), std::end(kServerSigalgOrder))
          : s->client_hello_sigalgs;
  for (size_t i = 0; i < order.size(); ++i) {
    if (std::find(ours.begin(), ours.end(), order[i]) != ours.end()) return i;
  }
  return order.size();
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
  const auto add_slot = [&](X509* cert, STACK_OF(X509) * chain, EVP_PKEY * key) {
    if (cert == nullptr || key == nullptr) return true;
    const bool own_chain = chain != nullptr && sk_X509_num(chain) > 0;
    ChainPtr automatic = own_chain ? nullptr : automatic_chain(s, cert);
    return add_certificate(*cfg, cert, own_chain ? chain : automatic.get(), key, error);
  };
  // The current certificate first, then the context's other slots (an SSL
  // with a certificate of its own has that one only). A TLS 1.2 server
  // takes the one the suite it chooses needs; a TLS 1.3 server the first
  // that can sign for the client, so a server that has the client's
  // signature algorithms orders them as tls_choose_sigalg would choose.
  std::vector<CertSlot> slots = {
      {s->cert != nullptr ? s->cert : ctx->cert, s->chain, s->key != nullptr ? s->key : ctx->key}};
  if (s->cert == nullptr)
    slots.insert(slots.end(), ctx->other_slots.begin(), ctx->other_slots.end());
  if (s->server && !s->client_hello_sigalgs.empty()) {
    std::stable_sort(slots.begin(), slots.end(), [s](const CertSlot& a, const CertSlot& b) {
      return (a.key != nullptr ? sigalg_rank(s, a.key) : SIZE_MAX) <
             (b.key != nullptr ? sigalg_rank(s, b.key) : SIZE_MAX);
    });
  }
  for (const CertSlot& slot : slots) {
    if (!add_slot(slot.cert, slot.chain, slot.key)) return nullptr;
  }
  // The engine's trust store stays empty: its verification asks verify.cc,
  // which verifies against the context's X509_STORE. A client always
  // verifies (OpenSSL does with SSL_VERIFY_NONE too, then goes on).
  cfg->set_verify(s->server ? server_verify_mode(s->verify_mode) : adieu::VerifyMode::required);
  configure_post_handshake_auth(s, *cfg);
  install_verify_hook(*cfg);
  // The callbacks OpenSSL runs on the ClientHello (handshake.cc).
  if (s->server) cfg->set_client_hello_hook(on_client_hello);
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
  // OpenSSL's message callback hears of each handshake message and alert,
  // and of the ChangeCipherSpecs sent (OpenSSL 3.0 reports none it
  // receives); the record headers: io.cc.
  if (s->msg_cb != nullptr) {
    cfg->set_message_observer([s](const adieu::ProtocolMessage& m) {
      if (s->msg_cb == nullptr || (!m.sent && m.content_type == SSL3_RT_CHANGE_CIPHER_SPEC)) return;
      s->msg_cb(m.sent ? 1 : 0, current_version(s), m.content_type, m.bytes.data(), m.bytes.size(),
                s, s->msg_cb_arg);
    });
  }
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
  // suites change the order it should prefer, or its signature algorithms
  // the order of several certificates.
  if (client_order != nullptr) {
    int lo = 0, hi = 0;
    if ((s->cert == nullptr && !ctx->other_slots.empty()) ||
        (version_range(s, &lo, &hi) &&
         engine_suites(s, lo, hi, client_order) != engine_suites(s, lo, hi, nullptr))) {
      return build(s, error, client_order);
    }
  }
  // Shared only while the SSL's copies of the context's settings are current
  // (a QUIC listener's holds its own ALPN callback).
  bool shareable =
      s->quic == nullptr && !s->own_settings && ctx->keylog_cb == nullptr && s->msg_cb == nullptr &&
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
