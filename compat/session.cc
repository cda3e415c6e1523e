// SSL_SESSION objects and the per-context session cache, with OpenSSL's
// rules for "bad" sessions (R38-R41): a connection that ends without our
// close_notify having been sent removes its session from the cache and marks
// it not resumable. Sessions carry the engine's session (what resumption
// needs, TLS 1.3 tickets and TLS 1.2 session ids or tickets) beside
// OpenSSL's fields.
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>

#include "compat/internal.h"
#include "engine/session/session_data.h"

namespace adieu::compat {
namespace {

SSL_SESSION* session_dup(const SSL_SESSION* src) {
  SSL_SESSION* d = session_new();
  if (d == nullptr) return nullptr;
  // SSL_SESSION_free undoes it all, should a copy below throw.
  std::unique_ptr<SSL_SESSION, void (*)(SSL_SESSION*)> holder(d, SSL_SESSION_free);
  d->version = src->version;
  d->cipher = src->cipher;
  d->id = src->id;
  d->sid_ctx = src->sid_ctx;
  d->ticket = src->ticket;
  d->ticket_lifetime_hint = src->ticket_lifetime_hint;
  d->ticket_age_add = src->ticket_age_add;
  d->ticket_nonce = src->ticket_nonce;
  d->hostname = src->hostname;
  d->alpn = src->alpn;
  if (src->peer != nullptr) {
    X509_up_ref(src->peer);
    d->peer = src->peer;
  }
  if (src->peer_chain != nullptr) d->peer_chain = X509_chain_up_ref(src->peer_chain);
  d->verify_result = src->verify_result;
  d->time = src->time;
  d->timeout = src->timeout;
  d->not_resumable = src->not_resumable;
  d->master_key = src->master_key;
  d->engine = src->engine;
  d->max_early_data = src->max_early_data;
  CRYPTO_dup_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, &d->ex_data, &src->ex_data);
  return holder.release();
}

void replace_session(SSL* s, SSL_SESSION* fresh) {
  SSL_SESSION_free(s->session);
  s->session = fresh;
}

bool add_to_cache(SSL_CTX* ctx, SSL_SESSION* sess) {
  if (sess->id.empty()) return false;
  std::lock_guard<std::recursive_mutex> guard(ctx->lock);
  auto it = ctx->sessions.find(sess->id);
  if (it != ctx->sessions.end()) {
    if (it->second == sess) return false;
    it->second->in_cache = false;
    SSL_SESSION_free(it->second);
    ctx->sessions.erase(it);
  }
  if (ctx->session_cache_size > 0 &&
      static_cast<long>(ctx->sessions.size()) >= ctx->session_cache_size) {
    // Full: the oldest goes (OpenSSL evicts from the tail of its time list).
    auto oldest = ctx->sessions.begin();
    for (auto i = ctx->sessions.begin(); i != ctx->sessions.end(); ++i) {
      if (i->second->time < oldest->second->time) oldest = i;
    }
    SSL_SESSION* victim = oldest->second;
    ctx->sessions.erase(oldest);
    victim->in_cache = false;
    ++ctx->stats.cache_full;
    if (ctx->remove_session_cb != nullptr) ctx->remove_session_cb(ctx, victim);
    SSL_SESSION_free(victim);
  }
  SSL_SESSION_up_ref(sess);
  sess->in_cache = true;
  ctx->sessions[sess->id] = sess;
  return true;
}

}  // namespace

SSL_SESSION* session_new() {
  SSL_SESSION* sess = new (std::nothrow) SSL_SESSION;
  if (sess == nullptr) return nullptr;
  sess->time = static_cast<long>(::time(nullptr));
  CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, sess, &sess->ex_data);
  return sess;
}

// remove_session_lock: R40's side effects, whether or not it was cached.
void ctx_remove_session(SSL_CTX* ctx, SSL_SESSION* c) {
  if (ctx == nullptr || c == nullptr || c->id.empty()) return;
  SSL_SESSION* removed = nullptr;
  {
    std::lock_guard<std::recursive_mutex> guard(ctx->lock);
    auto it = ctx->sessions.find(c->id);
    if (it != ctx->sessions.end() && it->second == c) {
      removed = it->second;
      removed->in_cache = false;
      ctx->sessions.erase(it);
    }
    c->not_resumable = true;
  }
  if (c->engine != nullptr) {
    // The engine will not offer it again, nor (stateful server) accept it.
    c->engine->set_not_resumable();
    ctx->engine_sessions->remove(c->engine->id());
  }
  if (ctx->remove_session_cb != nullptr) ctx->remove_session_cb(ctx, c);
  SSL_SESSION_free(removed);
}

bool clear_bad_session(SSL* s) {
  if (s->session != nullptr && (s->shutdown & SSL_SENT_SHUTDOWN) == 0 && !in_init(s) &&
      !in_before(s)) {
    ctx_remove_session(s->session_ctx, s->session);
    return true;
  }
  return false;
}

// ssl_update_cache.
void update_cache(SSL* s, long mode) {
  SSL_SESSION* sess = s->session;
  if (sess == nullptr || sess->id.empty()) return;
  SSL_CTX* ctx = s->session_ctx;
  if (s->server && sess->sid_ctx.empty() && (s->verify_mode & SSL_VERIFY_PEER) != 0) return;
  long cache_mode = ctx->session_cache_mode;
  if ((cache_mode & mode) == 0) return;  // TLS 1.3 always goes on (!hit || TLS1.3)
  // A TLS 1.3 server keeps its stateless tickets' sessions only when
  // someone needs them (stateful tickets, a remove callback); a TLS 1.2 one, always.
  if ((cache_mode & SSL_SESS_CACHE_NO_INTERNAL_STORE) == 0 &&
      (!s->server || sess->version != TLS1_3_VERSION || ctx->remove_session_cb != nullptr ||
       stateful_tickets(s))) {
    add_to_cache(ctx, sess);
  }
  if (ctx->new_session_cb != nullptr) {
    SSL_SESSION_up_ref(sess);
    if (ctx->new_session_cb(s, sess) == 0) SSL_SESSION_free(sess);
  }
}

// tls_finish_handshake for a resumed TLS 1.3 client: tickets are for one use,
// so the session leaves the client cache.
static void session_resumed(SSL* s) {
  if ((s->session_ctx->session_cache_mode & SSL_SESS_CACHE_CLIENT) != 0) {
    ctx_remove_session(s->session_ctx, s->session);
  }
}

// The session's fields from the handshake just completed.
static void fill_session(SSL* s, SSL_SESSION* sess, int version) {
  adieu::Connection& c = *s->conn;
  sess->version = version;
  sess->cipher = cipher_by_id(c.cipher_suite());
  sess->sid_ctx = s->sid_ctx;
  sess->alpn = c.alpn();
  // Only a server keeps the name in the session (final_server_name).
  sess->hostname = s->server ? c.server_name() : std::string();
  sess->timeout = s->session_ctx->session_timeout;
  sess->time = static_cast<long>(::time(nullptr));
  // TLS 1.2: the master secret. TLS 1.3: a client's session has none until
  // a ticket gives it a PSK; a server's, the resumption secret.
  std::span<const uint8_t> key = c.master_secret();
  OPENSSL_cleanse(sess->master_key.data(), sess->master_key.size());
  sess->master_key.clear();
  if (version == TLS1_2_VERSION || s->server) sess->master_key.assign(key.begin(), key.end());
  fill_session_peer(s, sess);
}

void fill_session_peer(SSL* s, SSL_SESSION* sess) {
  adieu::Connection& c = *s->conn;
  X509_free(sess->peer);
  sess->peer = nullptr;
  sk_X509_pop_free(sess->peer_chain, X509_free);
  sess->peer_chain = nullptr;
  sess->verify_result = s->verify_result;
  const std::vector<std::vector<uint8_t>>& certs = c.peer_certificates();
  if (certs.empty()) return;
  sess->peer_chain = sk_X509_new_null();
  for (const std::vector<uint8_t>& der : certs) {
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (x == nullptr) continue;
    if (sess->peer == nullptr) {
      X509_up_ref(x);
      sess->peer = x;
      // OpenSSL: a server's peer_chain does not hold the client's certificate.
      if (s->server) {
        X509_free(x);
        continue;
      }
    }
    if (sess->peer_chain == nullptr || sk_X509_push(sess->peer_chain, x) <= 0) X509_free(x);
  }
}

// A server's TLS 1.2 session resumed: the one its context holds under the
// engine's session id (stateful), or a fresh one for a ticket's session.
static void tls12_server_resumed(SSL* s) {
  std::shared_ptr<adieu::Session> es = s->conn->session();
  SSL_SESSION* found = nullptr;
  if (es != nullptr) {
    std::lock_guard<std::recursive_mutex> guard(s->session_ctx->lock);
    const std::span<const uint8_t> id = es->id();
    auto it = s->session_ctx->sessions.find(std::vector<uint8_t>(id.begin(), id.end()));
    if (it != s->session_ctx->sessions.end()) found = it->second;
  }
  if (found != nullptr) {
    SSL_SESSION_up_ref(found);
    replace_session(s, found);
    return;
  }
  // From a ticket (tls_decrypt_ticket): a session of its own, not cached,
  // whose id is the one the client sent.
  if (s->session == nullptr) return;
  fill_session(s, s->session, TLS1_2_VERSION);
  s->session->id = s->client_hello_session_id;
}

// A TLS 1.2 session, made with the handshake (ssl_get_new_session,
// tls_finish_handshake's ssl_update_cache). A server's has a session id (the
// engine's when it keeps the session; a random one when the client takes no
// tickets, as OpenSSL makes one), or none when it went into a ticket; a
// client's is the server's session id, or the SHA-256 of the ticket the
// server sent.
static void tls12_session_established(SSL* s, SSL_SESSION* sess) {
  std::shared_ptr<adieu::Session> es = s->conn->session();
  sess->engine = es;
  sess->id.clear();
  sess->ticket.clear();
  sess->ticket_lifetime_hint = 0;
  if (s->server) {
    if (es != nullptr && !es->id().empty()) {
      sess->id.assign(es->id().begin(), es->id().end());
    } else if (!s->client_hello_ticket_ext || (s->options & SSL_OP_NO_TICKET) != 0) {
      sess->id.resize(SSL3_SSL_SESSION_ID_LENGTH);
      if (RAND_bytes(sess->id.data(), static_cast<int>(sess->id.size())) != 1) sess->id.clear();
    }
    // A session sealed into a ticket has no id, and no place in the cache.
    update_cache(s, SSL_SESS_CACHE_SERVER);
    return;
  }
  if (es != nullptr) {
    const std::span<const uint8_t> id = es->id();
    if (es->data().tls12_ticket) {
      sess->ticket.assign(id.begin(), id.end());
      sess->ticket_lifetime_hint = es->lifetime_seconds();
      sess->id.resize(SHA256_DIGEST_LENGTH);
      SHA256(id.data(), id.size(), sess->id.data());
    } else {
      sess->id.assign(id.begin(), id.end());
    }
  }
  update_cache(s, SSL_SESS_CACHE_CLIENT);
}

void session_established(SSL* s) {
  const int version = current_version(s);
  if (s->hit && s->session != nullptr && !s->server) {
    // Resumed: the client goes on with the session it offered (R42, E18);
    // a TLS 1.3 ticket is used up.
    if (version == TLS1_3_VERSION) session_resumed(s);
    return;
  }
  if (s->hit && s->server && version == TLS1_2_VERSION) {
    tls12_server_resumed(s);
    return;
  }
  if (s->session == nullptr || !s->session->ticket.empty() || s->session->in_cache ||
      !s->session->id.empty()) {
    // An offered session that was not resumed is replaced.
    if (s->session != nullptr) ++s->session_ctx->stats.misses;
    replace_session(s, session_new());
  }
  SSL_SESSION* sess = s->session;
  if (sess == nullptr) return;
  fill_session(s, sess, version);
  if (version == TLS1_2_VERSION) {
    tls12_session_established(s, sess);
    return;
  }
  // tls_finish_handshake: a TLS 1.3 client drops the session it used from its cache.
  if (!s->server && (s->session_ctx->session_cache_mode & SSL_SESS_CACHE_CLIENT) != 0) {
    ctx_remove_session(s->session_ctx, sess);
  }
}

void session_client_authenticated(SSL* s) {
  if (s->session == nullptr) return;
  SSL_SESSION* fresh = session_dup(s->session);
  if (fresh == nullptr) return;
  replace_session(s, fresh);
  fill_session_peer(s, fresh);
}

// tls_process_new_session_ticket (TLS 1.3): a new session per ticket, its id
// the SHA-256 of the ticket.
void session_ticket_received(SSL* s, const adieu::ReceivedTicket& t) {
  if (s->session == nullptr) return;
  SSL_SESSION* fresh = session_dup(s->session);
  if (fresh == nullptr) return;
  replace_session(s, fresh);
  fresh->time = static_cast<long>(::time(nullptr));
  fresh->ticket = t.ticket;
  fresh->ticket_lifetime_hint = t.lifetime_seconds;
  fresh->ticket_age_add = t.age_add;
  fresh->ticket_nonce = t.nonce;
  if (t.lifetime_seconds != 0 && t.lifetime_seconds < static_cast<uint32_t>(fresh->timeout)) {
    fresh->timeout = static_cast<long>(t.lifetime_seconds);
  }
  fresh->id.resize(SHA256_DIGEST_LENGTH);
  SHA256(t.ticket.data(), t.ticket.size(), fresh->id.data());
  fresh->not_resumable = false;
  fresh->engine = s->conn->session();
  update_cache(s, SSL_SESS_CACHE_CLIENT);
}

void drop_used_stateful_sessions(SSL_CTX* ctx) {
  uint64_t now_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count());
  std::vector<SSL_SESSION*> used;
  {
    std::lock_guard<std::recursive_mutex> guard(ctx->lock);
    for (auto it = ctx->sessions.begin(); it != ctx->sessions.end();) {
      SSL_SESSION* sess = it->second;
      if (sess->engine != nullptr &&
          ctx->engine_sessions->get(sess->engine->id(), now_ms) == nullptr) {
        sess->in_cache = false;
        used.push_back(sess);
        it = ctx->sessions.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (SSL_SESSION* sess : used) SSL_SESSION_free(sess);
}

// tls_construct_new_session_ticket (TLS 1.3 server): each ticket after the
// first gets a copy of the session; each gets a fresh id.
void session_ticket_sent(SSL* s) {
  if (s->session == nullptr) return;
  const size_t index = s->tickets_sent_count++;
  if (index != 0 || s->hit) {
    SSL_SESSION* fresh = session_dup(s->session);
    if (fresh == nullptr) return;
    replace_session(s, fresh);
  }
  // Stateful: the ticket is the session id (as OpenSSL's SSL_OP_NO_TICKET
  // tickets), so the callbacks see the key a client presents.
  const std::vector<std::shared_ptr<adieu::Session>> made = s->conn->sessions_made();
  if (stateful_tickets(s) && index < made.size() && !made[index]->id().empty() &&
      made[index]->id().size() <= SSL_MAX_SSL_SESSION_ID_LENGTH) {
    s->session->id.assign(made[index]->id().begin(), made[index]->id().end());
    s->session->engine = made[index];
    update_cache(s, SSL_SESS_CACHE_SERVER);
    return;
  }
  s->session->id.resize(SSL3_SSL_SESSION_ID_LENGTH);
  if (RAND_bytes(s->session->id.data(), static_cast<int>(s->session->id.size())) != 1) {
    s->session->id.clear();
    return;
  }
  update_cache(s, SSL_SESS_CACHE_SERVER);
}

}  // namespace adieu::compat

using namespace adieu::compat;

extern "C" {

SSL_SESSION* SSL_SESSION_new(void) {
  return session_new();
}

int SSL_SESSION_up_ref(SSL_SESSION* sess) {
  if (sess == nullptr) return 0;
  sess->references.fetch_add(1);
  return 1;
}

void SSL_SESSION_free(SSL_SESSION* sess) {
  if (sess == nullptr || sess->references.fetch_sub(1) != 1) return;
  CRYPTO_free_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, sess, &sess->ex_data);
  X509_free(sess->peer);
  sk_X509_pop_free(sess->peer_chain, X509_free);
  OPENSSL_cleanse(sess->ticket.data(), sess->ticket.size());
  OPENSSL_cleanse(sess->master_key.data(), sess->master_key.size());
  delete sess;
}

int SSL_SESSION_is_resumable(const SSL_SESSION* sess) {
  if (sess == nullptr) return 0;
  return !sess->not_resumable && (!sess->id.empty() || !sess->ticket.empty()) ? 1 : 0;
}

SSL_SESSION* SSL_get_session(const SSL* s) {
  return s != nullptr ? s->session : nullptr;
}

SSL_SESSION* SSL_get1_session(SSL* s) {
  if (s == nullptr || s->session == nullptr) return nullptr;
  SSL_SESSION_up_ref(s->session);
  return s->session;
}

// R39: a live connection that was not shut down loses its current session.
static int SSL_set_session_body(SSL* s, SSL_SESSION* session) {
  if (s == nullptr) return 0;
  clear_bad_session(s);
  if (session != nullptr) SSL_SESSION_up_ref(session);
  SSL_SESSION_free(s->session);
  s->session = session;
  return 1;
}
int SSL_set_session(SSL* s, SSL_SESSION* session) {
  return guard<int>(nullptr, 0, [&] { return SSL_set_session_body(s, session); });
}

// OpenSSL's s->hit is set once the handshake decided to resume (a server's
// ClientHello, a client's ServerHello), before the handshake completes.
int SSL_session_reused(const SSL* s) {
  if (s == nullptr) return 0;
  return s->hit || (s->conn != nullptr && s->conn->resumed()) ? 1 : 0;
}

const unsigned char* SSL_SESSION_get_id(const SSL_SESSION* s, unsigned int* len) {
  if (len != nullptr) *len = s != nullptr ? static_cast<unsigned>(s->id.size()) : 0;
  return s != nullptr ? s->id.data() : nullptr;
}

static int SSL_SESSION_set1_id_body(SSL_SESSION* s, const unsigned char* sid, unsigned int len) {
  if (s == nullptr || len > SSL_MAX_SSL_SESSION_ID_LENGTH) {
    COMPAT_RAISE(nullptr, SSL_R_SSL_SESSION_ID_TOO_LONG);
    return 0;
  }
  if (sid == nullptr && len > 0) return 0;
  s->id.assign(sid, sid + len);
  return 1;
}
int SSL_SESSION_set1_id(SSL_SESSION* s, const unsigned char* sid, unsigned int len) {
  return guard<int>(nullptr, 0, [&] { return SSL_SESSION_set1_id_body(s, sid, len); });
}

const unsigned char* SSL_SESSION_get0_id_context(const SSL_SESSION* s, unsigned int* len) {
  if (len != nullptr) *len = s != nullptr ? static_cast<unsigned>(s->sid_ctx.size()) : 0;
  return s != nullptr ? s->sid_ctx.data() : nullptr;
}

static int SSL_SESSION_set1_id_context_body(SSL_SESSION* s, const unsigned char* sid_ctx,
                                            unsigned int len) {
  if (s == nullptr || len > SSL_MAX_SID_CTX_LENGTH) {
    COMPAT_RAISE(nullptr, SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
    return 0;
  }
  if (sid_ctx == nullptr && len > 0) return 0;
  s->sid_ctx.assign(sid_ctx, sid_ctx + len);
  return 1;
}
int SSL_SESSION_set1_id_context(SSL_SESSION* s, const unsigned char* sid_ctx, unsigned int len) {
  return guard<int>(nullptr, 0, [&] { return SSL_SESSION_set1_id_context_body(s, sid_ctx, len); });
}

long SSL_SESSION_get_time(const SSL_SESSION* s) {
  return s != nullptr ? s->time : 0;
}
long SSL_SESSION_set_time(SSL_SESSION* s, long t) {
  if (s == nullptr) return 0;
  s->time = t;
  return t;
}
long SSL_SESSION_get_timeout(const SSL_SESSION* s) {
  return s != nullptr ? s->timeout : 0;
}
long SSL_SESSION_set_timeout(SSL_SESSION* s, long t) {
  if (s == nullptr || t < 0) return 0;
  s->timeout = t;
  return 1;
}
int SSL_SESSION_get_protocol_version(const SSL_SESSION* s) {
  return s != nullptr ? s->version : 0;
}
int SSL_SESSION_set_protocol_version(SSL_SESSION* s, int version) {
  if (s == nullptr) return 0;
  s->version = version;
  return 1;
}
const SSL_CIPHER* SSL_SESSION_get0_cipher(const SSL_SESSION* s) {
  return s != nullptr ? s->cipher : nullptr;
}
X509* SSL_SESSION_get0_peer(SSL_SESSION* s) {
  return s != nullptr ? s->peer : nullptr;
}
const char* SSL_SESSION_get0_hostname(const SSL_SESSION* s) {
  return s != nullptr && !s->hostname.empty() ? s->hostname.c_str() : nullptr;
}
void SSL_SESSION_get0_alpn_selected(const SSL_SESSION* s, const unsigned char** alpn, size_t* len) {
  if (alpn != nullptr) {
    *alpn = s != nullptr && !s->alpn.empty()
                ? reinterpret_cast<const unsigned char*>(s->alpn.data())
                : nullptr;
  }
  if (len != nullptr) *len = s != nullptr ? s->alpn.size() : 0;
}
// TLS 1.2: the master secret. TLS 1.3: a ticket's PSK (none for a client's
// session before its tickets; a server's, the resumption secret).
size_t SSL_SESSION_get_master_key(const SSL_SESSION* s, unsigned char* out, size_t outlen) {
  if (s == nullptr) return 0;
  std::span<const uint8_t> key = s->master_key;
  if (s->engine != nullptr && (s->version == TLS1_2_VERSION || !s->ticket.empty())) {
    key = s->engine->data().psk.span();
  }
  if (outlen == 0) return key.size();
  outlen = std::min(outlen, key.size());
  if (out != nullptr && outlen > 0) memcpy(out, key.data(), outlen);
  return outlen;
}

int SSL_SESSION_has_ticket(const SSL_SESSION* s) {
  return s != nullptr && !s->ticket.empty() ? 1 : 0;
}
unsigned long SSL_SESSION_get_ticket_lifetime_hint(const SSL_SESSION* s) {
  return s != nullptr ? s->ticket_lifetime_hint : 0;
}
int SSL_SESSION_set_ex_data(SSL_SESSION* s, int idx, void* arg) {
  return s != nullptr ? CRYPTO_set_ex_data(&s->ex_data, idx, arg) : 0;
}
void* SSL_SESSION_get_ex_data(const SSL_SESSION* s, int idx) {
  return s != nullptr ? CRYPTO_get_ex_data(&s->ex_data, idx) : nullptr;
}

static int SSL_CTX_add_session_body(SSL_CTX* ctx, SSL_SESSION* s) {
  if (ctx == nullptr || s == nullptr) return 0;
  return add_to_cache(ctx, s) ? 1 : 0;
}
int SSL_CTX_add_session(SSL_CTX* ctx, SSL_SESSION* s) {
  return guard<int>(nullptr, 0, [&] { return SSL_CTX_add_session_body(ctx, s); });
}

static int SSL_CTX_remove_session_body(SSL_CTX* ctx, SSL_SESSION* s) {
  if (ctx == nullptr || s == nullptr || s->id.empty()) return 0;
  bool cached = false;
  {
    std::lock_guard<std::recursive_mutex> guard(ctx->lock);
    auto it = ctx->sessions.find(s->id);
    cached = it != ctx->sessions.end() && it->second == s;
  }
  ctx_remove_session(ctx, s);
  return cached ? 1 : 0;
}
int SSL_CTX_remove_session(SSL_CTX* ctx, SSL_SESSION* s) {
  return guard<int>(nullptr, 0, [&] { return SSL_CTX_remove_session_body(ctx, s); });
}

void SSL_CTX_flush_sessions(SSL_CTX* ctx, long tm) {
  if (ctx == nullptr) return;
  std::vector<SSL_SESSION*> expired;
  {
    std::lock_guard<std::recursive_mutex> guard(ctx->lock);
    for (auto it = ctx->sessions.begin(); it != ctx->sessions.end();) {
      SSL_SESSION* sess = it->second;
      if (tm == 0 || sess->time + sess->timeout < tm) {
        sess->in_cache = false;
        sess->not_resumable = true;
        if (sess->engine != nullptr) sess->engine->set_not_resumable();
        expired.push_back(sess);
        it = ctx->sessions.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (SSL_SESSION* sess : expired) {
    if (ctx->remove_session_cb != nullptr) ctx->remove_session_cb(ctx, sess);
    SSL_SESSION_free(sess);
  }
}

void SSL_CTX_sess_set_new_cb(SSL_CTX* ctx, int (*cb)(SSL*, SSL_SESSION*)) {
  if (ctx != nullptr) ctx->new_session_cb = cb;
}
int (*SSL_CTX_sess_get_new_cb(SSL_CTX* ctx))(SSL*, SSL_SESSION*) {
  return ctx != nullptr ? ctx->new_session_cb : nullptr;
}
void SSL_CTX_sess_set_remove_cb(SSL_CTX* ctx, void (*cb)(SSL_CTX*, SSL_SESSION*)) {
  if (ctx != nullptr) ctx->remove_session_cb = cb;
}
void (*SSL_CTX_sess_get_remove_cb(SSL_CTX* ctx))(SSL_CTX*, SSL_SESSION*) {
  return ctx != nullptr ? ctx->remove_session_cb : nullptr;
}
void SSL_CTX_sess_set_get_cb(SSL_CTX* ctx,
                             SSL_SESSION* (*cb)(SSL*, const unsigned char*, int, int*)) {
  if (ctx == nullptr) return;
  ctx->get_session_cb = cb;
  // lookup_sess_in_cache: a session id or stateful ticket that the server's
  // cache does not hold is asked of the callback, during the handshake of
  // the SSL that received it.
  adieu::SessionStoreHooks hooks;
  if (cb != nullptr) {
    hooks.on_get = [ctx](std::span<const uint8_t> key) -> std::shared_ptr<adieu::Session> {
      SSL* s = engine_caller();
      SSL_SESSION* (*get)(SSL*, const unsigned char*, int, int*) = ctx->get_session_cb;
      if (s == nullptr || get == nullptr || key.size() > SSL_MAX_SSL_SESSION_ID_LENGTH) {
        return nullptr;
      }
      int copy = 1;
      SSL_SESSION* found = get(s, key.data(), static_cast<int>(key.size()), &copy);
      if (found == nullptr) return nullptr;
      std::shared_ptr<adieu::Session> engine = found->engine;
      // *copy == 0: the callback handed its reference over.
      if (copy == 0) SSL_SESSION_free(found);
      return engine;
    };
  }
  ctx->engine_sessions->set_hooks(std::move(hooks));
}
SSL_SESSION* (*SSL_CTX_sess_get_get_cb(SSL_CTX* ctx))(SSL*, const unsigned char*, int, int*) {
  return ctx != nullptr ? ctx->get_session_cb : nullptr;
}

long SSL_CTX_set_timeout(SSL_CTX* ctx, long t) {
  if (ctx == nullptr) return 0;
  long old = ctx->session_timeout;
  ctx->session_timeout = t;
  return old;
}
long SSL_CTX_get_timeout(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->session_timeout : 0;
}

static int SSL_CTX_set_session_id_context_body(SSL_CTX* ctx, const unsigned char* sid_ctx,
                                               unsigned int len) {
  if (ctx == nullptr) return 0;
  if (len > SSL_MAX_SID_CTX_LENGTH) {
    COMPAT_RAISE(nullptr, SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG);
    return 0;
  }
  if (sid_ctx == nullptr && len > 0) return 0;
  ctx->sid_ctx.assign(sid_ctx, sid_ctx + len);
  return 1;
}
int SSL_CTX_set_session_id_context(SSL_CTX* ctx, const unsigned char* sid_ctx, unsigned int len) {
  return guard<int>(nullptr, 0,
                    [&] { return SSL_CTX_set_session_id_context_body(ctx, sid_ctx, len); });
}

int SSL_CTX_set_num_tickets(SSL_CTX* ctx, size_t n) {
  if (ctx == nullptr) return 0;
  ctx->num_tickets = n;
  ctx_changed(ctx);
  return 1;
}
size_t SSL_CTX_get_num_tickets(const SSL_CTX* ctx) {
  return ctx != nullptr ? ctx->num_tickets : 0;
}

}  // extern "C"
