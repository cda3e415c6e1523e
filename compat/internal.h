// The objects behind OpenSSL's opaque types, as compat/ implements them on
// adieu's engine (ARCHITECTURE.md rules 3 and 4).
//
// Every OpenSSL-specific state bit lives here: the shutdown field (a plain
// int, SSL_set_shutdown(3) assigns it), quiet_shutdown, rwstate, the
// "fatal error" state that OpenSSL reports as SSL_in_init(), the session
// rules of SSL_free/SSL_clear/SSL_set_session. The engine (adieu::Connection)
// only moves records and states facts; compat translates them.
//
// Entry points are extern "C" and never let an exception out (see guard()).
#pragma once

#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/session.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "compat/guard.h"

namespace adieu::compat::quic {
struct Object;  // compat/quic.h
struct ObjectDeleter {
  void operator()(Object* object) const;
};
}  // namespace adieu::compat::quic
namespace adieu {
class Config;
}
namespace adieu::compat::quic {
// A QUIC server's ALPN choice through its context's alpn_select_cb
// (quic_connection.cc); config.cc installs it.
void install_alpn_selector(SSL* s, adieu::Config& config);
}  // namespace adieu::compat::quic

struct ssl_method_st {
  int version;  // TLS_ANY_VERSION or the only version it speaks
  bool can_connect;
  bool can_accept;
  bool quic = false;  // OSSL_QUIC_*_method: SSL_new makes a QUIC connection (compat/quic.h)
};

// One of the nine suites adieu implements, with OpenSSL's description of it
// (the algorithm masks its cipher strings select on, its NIDs and texts).
struct ssl_cipher_st {
  uint16_t id;           // IANA value, 0x1301, 0xc02b...
  const char* name;      // OpenSSL's name (the same as the IANA one in TLS 1.3)
  const char* rfc_name;  // IANA name
  int version;           // TLS1_3_VERSION or TLS1_2_VERSION (min_tls = max_tls)
  uint32_t mkey, auth, enc, mac,
      strength;    // OpenSSL's SSL_k*, SSL_a*, SSL_enc, SSL_mac, strength masks
  int bits;        // strength_bits = alg_bits
  int aead_nid;    // NID of the AEAD
  int digest_nid;  // NID of the handshake hash (the PRF's in TLS 1.2)
  int kx_nid, auth_nid;
  const char* kx_text;
  const char* auth_text;
  const char* enc_text;
};

namespace adieu::compat {

// The suites of a context or an SSL (OpenSSL's cipher_list): the TLS 1.3 ones
// (SSL_CTX_set_ciphersuites), then the TLS 1.2 ones a cipher string selected
// (SSL_CTX_set_cipher_list), each in preference order; with the state cipher
// strings also set: the security level (@SECLEVEL) and Suite B mode. `stack`
// is the same list as OpenSSL's STACK_OF(SSL_CIPHER), for SSL_get_ciphers.
struct Ciphers {
  std::vector<const SSL_CIPHER*> tls13, tls12;
  int security_level = 2;  // Debian's OpenSSL 3.0 default (upstream: 1)
  uint32_t suiteb = 0;     // SSL_CERT_FLAG_SUITEB_* of the last cipher string
  STACK_OF(SSL_CIPHER) * stack = nullptr;

  Ciphers();  // OpenSSL's defaults
  Ciphers(const Ciphers& other);
  Ciphers& operator=(const Ciphers& other);
  ~Ciphers();
  bool same_suites(const Ciphers& other) const {
    return tls13 == other.tls13 && tls12 == other.tls12 && security_level == other.security_level;
  }
  void rebuild_stack();
};

}  // namespace adieu::compat

struct ssl_session_st {
  std::atomic<int> references{1};
  int version = TLS1_3_VERSION;
  const SSL_CIPHER* cipher = nullptr;
  std::vector<uint8_t> id;       // session id (<= 32 bytes); empty until one is assigned
  std::vector<uint8_t> sid_ctx;  // session id context
  std::vector<uint8_t> ticket;   // client: the ticket to offer
  uint32_t ticket_lifetime_hint = 0;
  uint32_t ticket_age_add = 0;
  std::vector<uint8_t> ticket_nonce;
  std::vector<uint8_t> master_key;  // wiped when freed
  std::string hostname;
  std::string alpn;
  X509* peer = nullptr;                   // owned
  STACK_OF(X509) * peer_chain = nullptr;  // owned; as OpenSSL, a server's lacks the leaf
  long verify_result = X509_V_OK;         // the full handshake's, restored on resumption
  long time = 0;                          // creation time, seconds
  long timeout = 7200;                    // seconds
  bool not_resumable = false;
  bool in_cache = false;        // held by an SSL_CTX's internal cache
  uint32_t max_early_data = 0;  // when there is no engine session (SSL_SESSION_set_max_early_data)
  // The engine's session (what resumption needs), when there is one.
  std::shared_ptr<adieu::Session> engine;
  CRYPTO_EX_DATA ex_data{};
};

namespace adieu::compat {

// OCSP stapling settings (ctrl_certificates.cc): kept, nothing is stapled.
struct CertificateExtras {
  int status_type = -1;  // TLSEXT_STATUSTYPE_*
  int (*status_cb)(SSL*, void*) = nullptr;
  void* status_arg = nullptr;
};

// One of OpenSSL's certificate slots (SSL_PKEY_RSA, SSL_PKEY_ECC, ...): a
// certificate, its chain and its key, all owned; a context keeps one per
// key type (ctx.cc).
struct CertSlot {
  X509* cert = nullptr;
  STACK_OF(X509) * chain = nullptr;
  EVP_PKEY* key = nullptr;
};

// Where an SSL is in OpenSSL's early data calls (its early_data_state).
enum class EarlyState : uint8_t {
  none,
  connect_retry,  // client: SSL_write_early_data's handshake start would block
  write_retry,    // client: early data may be written again
  write_flush,    // client: early data written, its flush would block
  accept_retry,   // server: SSL_read_early_data's handshake would block
  read_retry,     // server: early data being read
  finished_reading,
};

// What the last I/O call on an SSL pushed on the error queue, remembered so
// that SSL_get_error() never depends on stale entries (documented correction).
enum class CallError : uint8_t { none, ssl, syscall };

// Counted from many threads at once (one context, many connections).
struct SessionStats {
  std::atomic<long> connect{0}, connect_good{0}, connect_renegotiate{0};
  std::atomic<long> accept{0}, accept_good{0}, accept_renegotiate{0};
  std::atomic<long> hits{0}, cb_hits{0}, misses{0}, timeouts{0}, cache_full{0};
};

}  // namespace adieu::compat

struct ssl_ctx_st {
  std::atomic<int> references{1};
  std::recursive_mutex lock;
  const SSL_METHOD* method = nullptr;
  uint64_t options = 0;
  uint32_t mode = 0;
  int min_version = 0, max_version = 0;
  int verify_mode = SSL_VERIFY_NONE;
  SSL_verify_cb verify_callback = nullptr;
  // SSL_CTX_set_cert_verify_callback: replaces X509_verify_cert.
  int (*app_verify_cb)(X509_STORE_CTX*, void*) = nullptr;
  void* app_verify_arg = nullptr;
  X509_VERIFY_PARAM* param = nullptr;        // depth, host names, flags (SSL_CTX_get0_param)
  X509_STORE* store = nullptr;               // trust: SSL_CTX_get_cert_store
  X509_STORE* verify_store = nullptr;        // SSL_CTX_set1_verify_cert_store; store when null
  STACK_OF(X509_NAME) * ca_names = nullptr;  // SSL_CTX_set0_CA_list
  STACK_OF(X509_NAME) * client_ca_names = nullptr;  // SSL_CTX_set_client_CA_list
  adieu::compat::CertificateExtras extras;
  // Our certificate: leaf, intermediates, key: the current slot (OpenSSL's
  // c->key, the last certificate or key set), and the slots of the other key
  // types (a server chooses among all of them, by the suite: config.cc).
  X509* cert = nullptr;
  STACK_OF(X509) * chain = nullptr;
  EVP_PKEY* key = nullptr;
  std::vector<adieu::compat::CertSlot> other_slots;
  adieu::compat::Ciphers ciphers;
  std::string groups;
  std::vector<uint8_t> alpn;  // client protocols, wire format
  SSL_CTX_alpn_select_cb_func alpn_select_cb = nullptr;
  void* alpn_select_arg = nullptr;
  int (*servername_cb)(SSL*, int*, void*) = nullptr;
  void* servername_arg = nullptr;
  SSL_CTX_keylog_cb_func keylog_cb = nullptr;
  // SSL_CTX_set_msg_callback: told of each record header (io.cc).
  void (*msg_cb)(int, int, int, const void*, size_t, SSL*, void*) = nullptr;
  void* msg_cb_arg = nullptr;
  void (*info_cb)(const SSL*, int, int) = nullptr;  // SSL_CTX_set_info_callback
  SSL_client_hello_cb_fn client_hello_cb = nullptr;
  void* client_hello_arg = nullptr;
  int (*cert_cb)(SSL*, void*) = nullptr;  // SSL_CTX_set_cert_cb
  void* cert_cb_arg = nullptr;
  // SSL_CTX_set_security_callback: kept, never asked.
  int (*security_cb)(const SSL*, const SSL_CTX*, int, int, int, void*, void*) = nullptr;
  void* security_ex = nullptr;
  uint8_t max_fragment_mode = 0;         // TLSEXT_max_fragment_length_*: a client's request
  pem_password_cb* passwd_cb = nullptr;  // SSL_CTX_set_default_passwd_cb
  void* passwd_arg = nullptr;
  bool post_handshake_auth = false;  // SSL_CTX_set_post_handshake_auth: clients offer PHA
  int quiet_shutdown = 0;
  // Session cache.
  long session_cache_mode = SSL_SESS_CACHE_SERVER;
  long session_timeout = 7200;
  long session_cache_size = SSL_SESSION_CACHE_MAX_SIZE_DEFAULT;
  std::vector<uint8_t> sid_ctx;
  size_t num_tickets = 2;
  uint32_t max_early_data = 0;           // put in TLS 1.3 tickets (OpenSSL's default 0)
  uint32_t recv_max_early_data = 16384;  // the most early data taken (SSL3_RT_MAX_PLAIN_LENGTH)
  int (*new_session_cb)(SSL*, SSL_SESSION*) = nullptr;
  void (*remove_session_cb)(SSL_CTX*, SSL_SESSION*) = nullptr;
  SSL_SESSION* (*get_session_cb)(SSL*, const unsigned char*, int, int*) = nullptr;
  std::map<std::vector<uint8_t>, SSL_SESSION*> sessions;
  adieu::compat::SessionStats stats;
  CRYPTO_EX_DATA ex_data{};
  // Engine configurations built from these settings, per role,
  // SSL_OP_NO_TICKET and early data; dropped by every setter that changes them.
  std::shared_ptr<const adieu::Config> engine_config[8];
  // Shared by every engine configuration of this context: the keys that seal
  // stateless tickets, and the server's stateful ticket store (SSL_OP_NO_TICKET).
  std::shared_ptr<adieu::TicketKeys> ticket_keys;
  std::shared_ptr<adieu::SessionCache> engine_sessions;
  // The ClientHellos whose early data a server of this context took, shared
  // by all its engine configurations (anti-replay, early_data.cc).
  std::shared_ptr<adieu::EarlyDataReplayGuard> early_data_replay;
};

struct ssl_st {
  std::atomic<int> references{1};
  SSL_CTX* ctx = nullptr;          // current context (owned reference)
  SSL_CTX* session_ctx = nullptr;  // the context the session cache belongs to (owned)
  BIO* rbio = nullptr;
  BIO* wbio = nullptr;
  // Role: `server` as OpenSSL keeps it; `role_set` is OpenSSL's
  // handshake_func != NULL (set by set_*_state, SSL_connect, SSL_accept).
  bool server = false;
  bool role_set = false;
  std::unique_ptr<adieu::Connection> conn;  // made when the handshake starts
  // OpenSSL's state bits.
  int shutdown = 0;
  int quiet_shutdown = 0;
  int rwstate = SSL_NOTHING;
  bool fatal = false;               // MSG_FLOW_ERROR: SSL_in_init() is true for ever
  bool started = false;             // not SSL_in_before()
  bool handshake_finished = false;  // the handshake completed and its last flight was written
  bool key_update_pending = false;
  int key_update_type = SSL_KEY_UPDATE_NONE;
  int warn_alert = 0;              // SSL_AD_CLOSE_NOTIFY
  bool close_notify_seen = false;  // the engine's read side reached close_notify_received
  bool hit = false;
  size_t tickets_sent_count = 0;  // NewSessionTickets a server has accounted for
  adieu::compat::CallError call_error = adieu::compat::CallError::none;
  // Record input: one record at a time, as OpenSSL reads without read-ahead.
  std::vector<uint8_t> record;
  uint8_t last_record_type = 0;     // the content type of the record last given to the engine
  uint8_t last_handshake_type = 0;  // its first handshake message's type, if in the clear
  // Post-handshake messages processed but not yet reported (the engine handles
  // a whole record at once, OpenSSL one message per call without AUTO_RETRY).
  unsigned owed_messages = 0;
  uint64_t tickets_seen = 0;
  uint64_t key_updates_seen = 0;
  // SSL_write progress on the current buffer (OpenSSL's wnum).
  size_t write_done = 0;
  const void* write_buffer = nullptr;  // the buffer of the write in progress
  // Settings copied from the context at SSL_new.
  uint64_t options = 0;
  uint32_t mode = 0;
  int min_version = 0, max_version = 0;
  int verify_mode = SSL_VERIFY_NONE;
  SSL_verify_cb verify_callback = nullptr;
  X509_VERIFY_PARAM* param = nullptr;        // inherited from the context's at SSL_new
  X509_STORE* verify_store = nullptr;        // SSL_set1_verify_cert_store; the context's when null
  STACK_OF(X509_NAME) * ca_names = nullptr;  // the context's when null
  STACK_OF(X509_NAME) * client_ca_names = nullptr;  // the context's when null
  std::vector<uint8_t> alpn;
  std::vector<uint8_t> sid_ctx;
  size_t num_tickets = 2;
  uint32_t max_early_data = 0, recv_max_early_data = 16384;  // copied from the context
  adieu::compat::EarlyState early_state = adieu::compat::EarlyState::none;
  // The engine connection is made for early data: a client's offers it, a
  // server's takes it (only SSL_write_early_data / SSL_read_early_data do).
  bool early_data_engine = false;
  // SSL_write_early_data / SSL_read_early_data runs the handshake: it stops
  // where OpenSSL's does (early_data_pause()).
  bool early_data_call = false;
  // The handshake stopped there (OpenSSL's TLS_ST_EARLY_DATA, where
  // SSL_in_init() is 0) and no other handshake call ran since.
  bool early_data_paused = false;
  uint64_t early_data_read = 0;  // server: early bytes SSL_read_early_data handed out
  adieu::compat::Ciphers ciphers;
  std::string groups;
  std::string hostname;       // client: SNI to send
  std::string peer_hostname;  // server: SNI received
  // The ClientHello's legacy_version: a server's, received; a client's, set
  // when its ClientHello is made (0: none yet).
  int client_hello_version = 0;
  int version_override = 0;                      // SSL_version after a failed version negotiation
  std::vector<uint8_t> client_hello_session_id;  // server: the ClientHello's
  bool client_hello_ticket_ext = false;          // server: the ClientHello had session_ticket
  std::vector<uint16_t> client_hello_ciphers;    // server: the ClientHello's suites
  std::vector<uint16_t> client_hello_sigalgs;    // server: its signature_algorithms
  // Server: why a callback on the ClientHello refused it (SSL_R_*; 0: none)
  // and its alert, which the engine sent.
  int hello_refusal_reason = 0;
  int hello_refusal_alert = 0;
  bool own_settings = false;  // an SSL-level setter changed what the engine needs
  // Post-handshake client authentication (post_handshake_auth.cc): a
  // client's wish to offer it; a server's request waiting for the next
  // SSL_do_handshake/SSL_read/SSL_write, its CertificateRequests sent
  // (OpenSSL's certreqs_sent, for SSL_VERIFY_CLIENT_ONCE), the
  // authentications already reported.
  bool post_handshake_auth = false;
  bool pha_request_pending = false;
  unsigned certificate_requests_sent = 0;
  uint64_t post_handshake_auths_seen = 0;
  uint8_t max_fragment_mode = 0;                    // copied from the context at SSL_new
  void (*info_cb)(const SSL*, int, int) = nullptr;  // the context's when null
  int (*cert_cb)(SSL*, void*) = nullptr;            // the context's when null
  void* cert_cb_arg = nullptr;
  void (*msg_cb)(int, int, int, const void*, size_t, SSL*, void*) = nullptr;
  void* msg_cb_arg = nullptr;
  size_t out_header_at = 0;          // where the next record header is in the engine's output
  X509* cert = nullptr;              // SSL-level certificate override
  STACK_OF(X509) * chain = nullptr;  // the context's, copied at SSL_new; SSL_set0_chain
  adieu::compat::CertificateExtras extras;
  EVP_PKEY* key = nullptr;
  long verify_result = X509_V_OK;
  // The peer's chain verified this handshake (verify.cc): whether it ran,
  // whether the handshake may go on, and the chain X509_verify_cert built.
  bool verify_ran = false;
  bool verify_accepted = false;
  STACK_OF(X509) * verified_chain = nullptr;
  std::string alpn_selected;
  SSL_SESSION* session = nullptr;
  CRYPTO_EX_DATA ex_data{};
  // A QUIC connection, stream or listener (compat/quic.h); null for TLS.
  std::unique_ptr<adieu::compat::quic::Object, adieu::compat::quic::ObjectDeleter> quic;
};

namespace adieu::compat {

// Registers the SSL library's reason strings with libcrypto (once).
void load_error_strings();

// Pushes an ERR_LIB_SSL error; records it as the call's error on `s`.
// `data`: the entry's text (ERR_TXT_STRING), when OpenSSL gives one.
void raise(SSL* s, int reason, const char* file, int line, const char* func,
           const char* data = nullptr);
void raise_alert_received(SSL* s, int alert);
#define COMPAT_RAISE(s, reason) ::adieu::compat::raise((s), (reason), __FILE__, __LINE__, __func__)

// Starts an I/O call: forgets the previous call's error.
inline void begin_call(SSL* s) {
  s->call_error = CallError::none;
}

// OpenSSL's SSLfatal: raise `reason`, enter the error state, send `alert`
// (0 = none) unless SENT is set, and remove the session.
void fatal(SSL* s, int reason, int alert, const char* file, int line, const char* func,
           const char* data = nullptr);
#define COMPAT_FATAL(s, reason, alert) \
  ::adieu::compat::fatal((s), (reason), (alert), __FILE__, __LINE__, __func__)
#define COMPAT_FATAL_DATA(s, reason, alert, data) \
  ::adieu::compat::fatal((s), (reason), (alert), __FILE__, __LINE__, __func__, (data))

// State queries with OpenSSL's meaning.
bool in_init(const SSL* s);
bool in_before(const SSL* s);
bool handshake_done(const SSL* s);

// --- I/O (io.cc) ---------------------------------------------------------------
// Hands the engine's pending output to the wbio. 1 when everything was
// written; <= 0 when the BIO would block or failed (rwstate is SSL_WRITING).
int flush_output(SSL* s);
// True while our close_notify (or another alert) waits in the engine's output.
bool alert_pending(const SSL* s);
// Reads one whole record from the rbio and gives it to the engine.
// 1: a record was processed; <= 0: the BIO's result (EOF is handled here,
// as OpenSSL's ssl3_read_n does).
int read_record(SSL* s);
// The same in two steps, for a server that looks at the ClientHello before
// its engine connection exists.
int read_first_record(SSL* s);
void feed_first_record(SSL* s);
// Looks at what the engine did with the record just processed (errors,
// alerts, tickets) and applies OpenSSL's side effects. Returns false when the
// connection failed (the error is raised).
bool absorb_engine_events(SSL* s);
// R19: consumes one post-handshake message the engine processed since the
// last call. True when the caller must return -1 with SSL_ERROR_WANT_READ
// (SSL_MODE_AUTO_RETRY off: even a blocking BIO yields after each message).
bool yield_for_owed_message(SSL* s);

// --- post-handshake client authentication (post_handshake_auth.cc) ---------------
// The engine configuration's part: a client offers PHA when asked to; a
// server's TLS 1.3 handshake asks for no certificate with
// SSL_VERIFY_POST_HANDSHAKE.
void configure_post_handshake_auth(const SSL* s, adieu::Config& cfg);
// The handshake completed: what the authentications that follow need.
void post_handshake_auth_established(SSL* s);
// Sends the CertificateRequest SSL_verify_client_post_handshake queued:
// 1, or -1 with the error raised.
int send_post_handshake_request(SSL* s);
// After the engine took a record: the requests a client answered, the
// authentications a server completed (OpenSSL's side effects). False when
// the connection failed (the error is raised).
bool absorb_post_handshake_auth(SSL* s);

// --- handshake (handshake.cc) ---------------------------------------------------
int do_handshake(SSL* s);
bool start_connection(SSL* s);
void reset_connection(SSL* s);

// --- early data (early_data.cc) ---------------------------------------------------
// True when the handshake run by SSL_write_early_data / SSL_read_early_data
// has reached the point where OpenSSL's returns to the caller: a client's
// ClientHello (and its early keys) written; a server's flight after the
// ClientHello written, and its early data either refused or waiting to be read.
// Sets early_data_paused when it is so.
bool early_data_pause(SSL* s);
// The engine's early data settings for an SSL (config.cc).
void configure_early_data(const SSL* s, adieu::Config& cfg);
// A server's tickets are stateful (single use, in the context's cache):
// with SSL_OP_NO_TICKET, and, as OpenSSL's anti-replay makes them, when its
// TLS 1.3 tickets allow early data, unless SSL_OP_NO_ANTI_REPLAY.
bool stateful_tickets(const SSL* s);
// OpenSSL's SSL_read / SSL_write refuse to run while SSL_write_early_data or
// SSL_read_early_data is in the middle of its handshake (and, for writes,
// while a server reads early data): true (and the error raised) then.
bool early_data_blocks(SSL* s, bool writing);

// --- sessions (session.cc) --------------------------------------------------------
SSL_SESSION* session_new();
void ctx_remove_session(SSL_CTX* ctx, SSL_SESSION* sess);
void update_cache(SSL* s, long mode);
// ssl_clear_bad_session: true if the session was removed.
bool clear_bad_session(SSL* s);
void session_established(SSL* s);
void session_ticket_received(SSL* s, const adieu::ReceivedTicket& ticket);
void session_ticket_sent(SSL* s);
// The peer's certificate and chain (and the verification result) of the
// connection, into `sess`, where OpenSSL keeps them.
void fill_session_peer(SSL* s, SSL_SESSION* sess);
// A server's post-handshake authentication completed: as OpenSSL
// (tls_process_client_certificate), a copy of the session takes the
// client's new certificate.
void session_client_authenticated(SSL* s);
// A stateful ticket is used once: the engine dropped it from its store on
// resumption; the context's cache follows.
void drop_used_stateful_sessions(SSL_CTX* ctx);

// --- peer verification (verify.cc) -------------------------------------------------
// Makes the engine's verification of the peer's chain call verify_peer() on
// the SSL whose record the engine is processing (see EngineCallScope).
void install_verify_hook(adieu::Config& cfg);
// The SSL whose record the engine is processing on this thread (nullptr
// outside an EngineCallScope).
SSL* engine_caller();
// While alive, the engine's callbacks on this thread belong to `s`.
class EngineCallScope {
 public:
  explicit EngineCallScope(SSL* s);
  ~EngineCallScope();
  EngineCallScope(const EngineCallScope&) = delete;
  EngineCallScope& operator=(const EngineCallScope&) = delete;

 private:
  SSL* previous_;
};
// SSL_CTRL_SET_VERIFY_CERT_STORE / SSL_CTRL_GET_VERIFY_CERT_STORE on `slot`.
long verify_store_ctrl(X509_STORE** slot, int cmd, long larg, void* parg);
// After the engine took a record: false (and the connection failed) when it
// holds a peer chain that verify_peer() never saw, which must not happen.
bool peer_chain_checked(SSL* s);
// Forgets the last handshake's verification (SSL_clear, set_*_state).
void reset_verification(SSL* s);

// --- certificate ctrls (ctrl_certificates.cc) ----------------------------------------
// The chain, current certificate, DH and OCSP commands on `cert` and
// `chain` (a context's or an SSL's); *handled false for any other command.
long certificate_ctrl(X509* cert, STACK_OF(X509) * *chain, CertificateExtras* extras, int cmd,
                      long larg, void* parg, bool* handled);
// The peer's signature: its digest's NID and its key type's NID (0 when unknown).
bool peer_signature_nids(const SSL* s, int* digest_nid, int* type_nid);

// --- ClientHello and certificate callbacks (client_hello.cc) -------------------------
// False (with the alert to send) when the client hello callback refused;
// the SSL_client_hello_get* accessors describe `hello` while it runs.
bool run_client_hello_cb(SSL* s, const adieu::ClientHelloInfo& hello, int* alert);
// The server's answer to the engine's ClientHello (handshake.cc): the
// callbacks OpenSSL runs on it, then the configuration they chose.
adieu::ClientHelloDecision on_client_hello(const adieu::ClientHelloInfo& hello);
// False when the certificate callback failed.
bool run_cert_cb(SSL* s);

// --- the info callback (info_callback.cc) ---------------------------------------------
void info_event(const SSL* s, int where, int ret);
// An alert read or written: SSL_CB_READ_ALERT / SSL_CB_WRITE_ALERT.
void info_alert(const SSL* s, bool written, int level, int alert);

// --- groups (groups.cc) -------------------------------------------------------------
// What SSL_CTX_set1_groups_list / SSL_CTX_set1_groups accept (OpenSSL 3.0's
// rules), as the engine's group list; kNoEngineGroup when the list names
// none the engine implements. False (nothing changed) when OpenSSL refuses it.
inline constexpr char kNoEngineGroup[] = "-";
// OpenSSL 3.0's default list, the groups adieu implements.
inline constexpr char kDefaultGroups[] =
    "X25519:P-256:X448:P-521:P-384:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192";
bool parse_group_list(const char* list, std::string* engine_groups);
bool parse_group_nids(const int* nids, size_t count, std::string* engine_groups);
// The NID of a TLS NamedGroup the engine has (0 for another).
int group_nid(uint16_t group);
// SSL_get_peer_tmp_key: the peer's key share of the handshake as a new
// EVP_PKEY (the caller frees it), or nullptr when there is none.
EVP_PKEY* peer_tmp_key(const SSL* s);

// --- configuration (config.cc) ------------------------------------------------------
// `client_order`: a server's peer's suites, in its order (the ClientHello's).
std::shared_ptr<const adieu::Config> engine_config(SSL* s, std::string* error,
                                                   const std::vector<uint16_t>* client_order);
void ctx_changed(SSL_CTX* ctx);

// --- ciphers (cipher.cc) --------------------------------------------------------------
const SSL_CIPHER* cipher_by_id(uint16_t id);
// The security level's minimum strength in bits (SSL_SECOP_CIPHER_*).
bool cipher_allowed(const SSL_CIPHER* c, int security_level);
// The suites an SSL may use with the versions it may negotiate, in its
// preference order (what SSL_get1_supported_ciphers returns).
std::vector<const SSL_CIPHER*> usable_ciphers(const SSL* s, int min_version, int max_version);

// --- versions (method.cc) ----------------------------------------------------------------
// OpenSSL's ssl_get_min_max_version: the versions an SSL may negotiate, from
// its method, SSL_OP_NO_TLSv1_* and its version bounds, cut to what adieu
// implements (TLS 1.2 and 1.3). False when nothing is left (OpenSSL: "no
// protocols available"; a range OpenSSL finds below TLS 1.2 is empty here).
bool version_range(const SSL* s, int* min_version, int* max_version);
// The version of the connection as SSL_version reports it.
int current_version(const SSL* s);

}  // namespace adieu::compat
