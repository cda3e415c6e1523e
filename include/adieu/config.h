// adieu's native configuration: what a client or a server brings to its
// connections (certificates, trust, versions, algorithms, ALPN, verification,
// tickets). A Config is built once, then shared read-only by any number of
// connections on any threads (hold it in a std::shared_ptr<const Config>).
//
// Setters return false and fill `error` with one line that names the problem
// (a missing file, a key that does not match its certificate, an unknown
// algorithm name); the Config is unchanged on failure.
#pragma once

#include <adieu/alert.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace adieu {

class Config;
class SessionCache;
class TicketKeys;
class EarlyDataReplayGuard;  // opaque here

enum class Role : uint8_t { client, server };

// Peer certificate verification.
//  - On a client: `required` (default) verifies the server's chain against the
//    trust anchors and the server name; `none` accepts any certificate.
//  - On a server: `none` (default) asks for no client certificate; `optional`
//    asks for one and verifies it if sent; `required` also fails the handshake
//    (certificate_required) when the client sends none.
enum class VerifyMode : uint8_t { none, optional, required };

// What happens to a connection's session when it ends without our close_notify
// having been sent (see the session issue and SSL_set_shutdown(3)).
enum class UncleanSessionPolicy : uint8_t {
  remove,  // the man pages' rule (default): the session is removed, not resumable
  keep,    // BoringSSL's choice: keep it
};

// What a TLS 1.2 connection does when the peer's close_notify arrives.
enum class Tls12CloseNotify : uint8_t {
  // RFC 5246 section 7.2.1 (default): our close_notify is queued at once,
  // behind the records already in pending_output() (they were sealed, with
  // their sequence numbers: they go first), and no more data can be
  // written; the connection is then closed both ways.
  answer,
  // As OpenSSL does (and TLS 1.3 always): only our read side closes; we may
  // keep writing until close() (half-close).
  half_close,
};

// A protocol message as it crosses the record layer, for diagnostics
// (OpenSSL's message callback): see Config::set_message_observer.
struct ProtocolMessage {
  bool sent = false;         // we sent it (else it was received)
  uint8_t content_type = 0;  // 20 change_cipher_spec, 21 alert, 22 handshake (RFC 8446 section 5.1)
  // A whole handshake message (its 4-byte header included), the
  // ChangeCipherSpec's byte, or an alert's level and description. Valid
  // during the call only.
  std::span<const uint8_t> bytes;
};

// A ClientHello as a server received it (RFC 8446 section 4.1.2; RFC 5246
// section 7.4.1.2), for Config::set_client_hello_hook. Its spans point into
// the message and are valid during the hook's call only.
struct ClientHelloInfo {
  std::span<const uint8_t> message;  // the whole message, its 4-byte header included
  uint16_t legacy_version = 0;
  std::span<const uint8_t> random;
  std::span<const uint8_t> legacy_session_id;
  std::span<const uint8_t> cipher_suites_raw;  // the suites as on the wire, 2 bytes each
  std::span<const uint8_t> compression_methods;
  struct Extension {
    uint16_t type = 0;
    std::span<const uint8_t> data;
  };
  std::vector<Extension> extensions;  // in the ClientHello's order
  // What the handshake reads from it.
  std::vector<uint16_t> cipher_suites;
  std::string server_name;  // the SNI host name; empty when none was sent
  std::vector<std::string> alpn;
  std::vector<uint16_t> supported_versions;
  std::vector<uint16_t> supported_groups;
  std::vector<uint16_t> signature_algorithms;
  bool early_data = false;      // it offers 0-RTT data
  bool session_ticket = false;  // it has the TLS 1.2 session_ticket extension
};

// What a client hello hook decides.
struct ClientHelloDecision {
  // Another server configuration for this connection (another certificate
  // for the name, ALPN, suites, ...); null: this one.
  std::shared_ptr<const Config> config;
  // Set: the handshake ends at once with this fatal alert (sent in the
  // clear); the connection's error() is then Error::aborted.
  std::optional<Alert> refuse;
};

class Config {
 public:
  explicit Config(Role role);
  ~Config();
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;

  Role role() const;

  // --- Our certificate -----------------------------------------------------
  // Loads a PEM certificate chain (leaf first; more certificates may follow)
  // and its PEM private key; `chain_file`, if not empty, adds intermediates.
  // A server may add several: it takes those whose names match the client's
  // SNI (all of them when none does or no SNI was sent), and of those, in
  // the order added, the first that can sign with a scheme the client
  // accepts (TLS 1.3) or that the suite it chooses needs (TLS 1.2: its
  // preferred suite the client offers that one of them can serve). Fails if
  // the key does not match the leaf.
  bool add_certificate(const std::string& cert_file, const std::string& key_file,
                       const std::string& chain_file, std::string* error);
  // The same from PEM text in memory.
  bool add_certificate_pem(std::string_view cert_pem, std::string_view key_pem, std::string* error);

  // --- Trust -----------------------------------------------------------------
  bool load_ca_file(const std::string& path, std::string* error);
  bool load_ca_dir(const std::string& path, std::string* error);
  bool load_system_trust(std::string* error);
  void set_verify(VerifyMode mode);

  // --- Post-handshake client authentication (TLS 1.3, RFC 8446 section 4.6.2) --
  // Client: offers post_handshake_auth in its ClientHello, so that a TLS 1.3
  // server may ask for our certificate after the handshake; each such
  // CertificateRequest is answered at once with the first certificate added
  // (an empty Certificate when there is none, or when its key cannot sign
  // with a scheme the request lists), CertificateVerify and Finished;
  // Connection::post_handshake_auths() counts them. A request that comes
  // after our close() is checked and left unanswered (nothing may follow our
  // close_notify, RFC 8446 section 6.1); the read side goes on. Without
  // it (the default, as OpenSSL's SSL_set_post_handshake_auth) a
  // post-handshake CertificateRequest ends the connection with
  // unexpected_message. No effect on a server.
  void set_post_handshake_auth(bool offer);
  // Server: with VerifyMode optional or required, a TLS 1.3 handshake asks
  // for no certificate; the application asks after it with
  // Connection::request_client_certificate(). A TLS 1.2 handshake still
  // asks (TLS 1.2 has no post-handshake authentication), as OpenSSL's
  // SSL_VERIFY_POST_HANDSHAKE. Default false.
  void set_verify_post_handshake_only(bool only);

  // --- Algorithms and versions ------------------------------------------------
  // TLS 1.3 suites by IANA name ("TLS_AES_128_GCM_SHA256"),
  // colon-separated, in preference order.
  bool set_cipher_suites(const std::string& list, std::string* error);
  // Groups by name ("X25519", "P-256"/"prime256v1", "P-384"/"secp384r1",
  // "P-521"/"secp521r1", "X448", and the RFC 7919 groups "ffdhe2048",
  // "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"), colon-separated, in
  // preference order. A client sends a key share for the first one only (so
  // a server preferring another triggers HelloRetryRequest). The ffdhe groups
  // are used in TLS 1.3 only (adieu has no TLS 1.2 DHE suites). Defaults: a
  // client offers X25519, P-256, P-384; a server takes those, then P-521,
  // X448 and the five ffdhe groups.
  bool set_groups(const std::string& list, std::string* error);
  // Signature schemes by IANA name ("ecdsa_secp256r1_sha256",
  // "rsa_pss_rsae_sha256", "ed25519") or OpenSSL's ("ECDSA+SHA256",
  // "RSA-PSS+SHA256", "RSA+SHA256"), colon-separated, in preference order:
  // the only ones offered (signature_algorithms, a server's
  // CertificateRequest), signed with and accepted from the peer, as `-sigalgs`
  // does for s_client / s_server. rsa_pkcs1_* stays TLS 1.2's (RFC 8446
  // section 4.2.3). Default: every scheme adieu has. False (and `error` set,
  // nothing changed) for an unknown name or an empty list.
  bool set_signature_algorithms(const std::string& list, std::string* error);
  // Versions as wire values (0x0303 = TLS 1.2, 0x0304 = TLS 1.3; both by
  // default). SSL 3.0, TLS 1.0 and 1.1 are not implemented: a range is cut to
  // TLS 1.2..1.3, and one with nothing left fails with an error.
  bool set_versions(uint16_t min_version, uint16_t max_version, std::string* error);
  // TLS 1.2 suites by OpenSSL or IANA name ("ECDHE-ECDSA-AES128-GCM-SHA256"),
  // colon-separated, in preference order; an empty list turns TLS 1.2 off.
  // Only ECDHE with an AEAD exists (no CBC, static RSA, DHE, RC4, 3DES,
  // export or NULL suites, as rustls).
  bool set_tls12_cipher_suites(const std::string& list, std::string* error);
  // TLS 1.2: refuse a peer without the extended master secret (RFC 7627),
  // the default.
  void set_require_extended_master_secret(bool required);

  // --- Extensions --------------------------------------------------------------
  // ALPN protocols in preference order. A server picks its first protocol the
  // client also offered, and fails with no_application_protocol when the
  // client offered ALPN and none matches.
  bool set_alpn(const std::vector<std::string>& protocols, std::string* error);
  // Server: chooses the protocol from the client's ALPN list (in the
  // client's order) instead of set_alpn's list, as OpenSSL's
  // SSL_CTX_set_alpn_select_cb does. It returns the chosen protocol (one of
  // `offered`), an empty string for none (the handshake goes on without ALPN;
  // over QUIC that is no_application_protocol, RFC 9001 section 8.1), or
  // nullopt to refuse the handshake with no_application_protocol. Called
  // only when the client offered ALPN, on the thread running the handshake.
  using AlpnSelector =
      std::function<std::optional<std::string>(const std::vector<std::string>& offered)>;
  void set_alpn_selector(AlpnSelector selector);
  // record_size_limit (RFC 8449): the largest record plaintext we accept,
  // 64 to 16385 (in TLS 1.3 the inner content type counts: 16385 is the
  // protocol's limit; a TLS 1.2 connection takes at most 16384). A client
  // offers it; a server answers a client that offered the extension with it
  // (or, unset, with the protocol's limit). Once both sent one, each side
  // seals records no larger than the other's limit and refuses a larger one
  // with record_overflow. 0 (the default): a client does not offer it.
  // False (and `error` set) for a value outside 64..16385.
  bool set_record_size_limit(uint16_t limit, std::string* error);
  // Client: asks for max_fragment_length (RFC 6066 section 4) of 512, 1024,
  // 2048 or 4096 bytes; once the server echoes it, every record both ways
  // carries at most that much (record_overflow otherwise). A server agrees to
  // any valid request, unless the client also offered record_size_limit,
  // which then wins (RFC 8449 section 5). 0 (the default): not asked. False
  // (and `error` set) for any other value.
  bool set_max_fragment_length(uint16_t bytes, std::string* error);
  // Number of NewSessionTickets a server sends after the handshake (default 2).
  void set_ticket_count(unsigned count);
  // Session policy on unclean close (see UncleanSessionPolicy).
  void set_unclean_session_policy(UncleanSessionPolicy policy);
  // What a TLS 1.2 connection does with the peer's close_notify (see
  // Tls12CloseNotify; TLS 1.3 always half-closes, RFC 8446 section 6.1).
  void set_tls12_close_notify(Tls12CloseNotify behaviour);

  // --- Resumption (RFC 8446 section 2.2) ------------------------------------------
  // Client: where received sessions are kept, by server name; a new connection
  // to that name takes one out (tickets are single-use) and offers it.
  // Server: switches to stateful tickets: each ticket is a random id into this
  // cache. Without a cache a server seals the session into the ticket itself
  // (stateless, with TicketKeys). nullptr turns the cache off.
  void set_session_cache(std::shared_ptr<SessionCache> cache);
  std::shared_ptr<SessionCache> session_cache() const;
  // Server, stateless mode: the keys that seal tickets (one set is made per
  // Config by default; share one between Configs or servers to share tickets).
  void set_ticket_keys(std::shared_ptr<TicketKeys> keys);
  // Allows psk_ke (resumption without a fresh ECDHE, no forward secrecy for
  // the resumed connection); default off: only psk_dhe_ke.
  void set_psk_ke(bool allowed);
  // 0-RTT (RFC 8446 section 4.2.10). Client: offer early data when resuming
  // a ticket that allows it; write() then sends it before the handshake
  // completes (Connection::early_data_room()). Default off.
  void set_early_data(bool enabled);
  // Server: accept up to `bytes` of 0-RTT data per connection, and say so
  // in the tickets issued (0, the default: none is accepted; a client's is
  // skipped). Early data can be replayed by an attacker (section 8); this
  // server takes it only with the first PSK offered, for a ticket whose age
  // agrees with the client's within 10 seconds, with the ticket's suite and
  // ALPN protocol, and once per ClientHello: stateful tickets are single-use,
  // and stateless ones are remembered for that window (up to 65536 at once;
  // beyond that early data is rejected).
  void set_max_early_data(uint32_t bytes);
  // Server: the record of ClientHellos whose early data was taken (the
  // anti-replay of set_max_early_data), shared with other configurations of
  // the same server, so that a ClientHello replayed to a connection made with
  // another configuration is caught too. By default each configuration keeps
  // its own. Null: back to a record of this configuration's own.
  void set_early_data_replay_guard(std::shared_ptr<EarlyDataReplayGuard> guard);
  // The record this configuration uses (null before set_max_early_data), to
  // hand to another configuration's set_early_data_replay_guard.
  std::shared_ptr<EarlyDataReplayGuard> early_data_replay_guard() const;
  // Turns resumption off (no PSK offered or accepted, no tickets issued).
  void set_resumption(bool enabled);
  // An external PSK for TLS 1.3 (RFC 8446 section 4.2.11; RFC 9257's advice:
  // one identity per pair of peers, with (EC)DHE): `identity` (1 to 65535
  // bytes), `key` (at least 16 bytes), and the hash it goes with ("SHA256"
  // or "SHA384"; only suites of that hash can use it). A client offers the
  // first one added (instead of a resumption ticket), with psk_dhe_ke (and
  // psk_ke when set_psk_ke allows it); a server accepts any added one by
  // identity, and then needs no certificate: the PSK authenticates both
  // sides. A server with no certificate refuses clients that offer none of
  // its PSKs (handshake_failure). False (and `error` set) for a bad value.
  bool add_external_psk(const std::string& identity, std::span<const uint8_t> key,
                        const std::string& hash, std::string* error);

  // --- The client's hello (server) ----------------------------------------------
  // Called once the first ClientHello has arrived whole (it may span several
  // records) and parsed, before the server chooses anything (version, suite,
  // certificate, ALPN); the connection goes on as it decides (see
  // ClientHelloDecision): with this configuration, another one (SNI
  // switching), or a refusal. Until then the server holds the client's
  // bytes; a first message that is not a well-formed ClientHello is judged by
  // the connection as without a hook (the hook is not called). A second
  // ClientHello (after HelloRetryRequest) is not shown. It runs inside
  // receive() on its thread and must not call the connection. None by
  // default; no effect on a client.
  void set_client_hello_hook(std::function<ClientHelloDecision(const ClientHelloInfo&)> hook);

  // --- Diagnostics -------------------------------------------------------------
  // Receives one NSS key log line (no newline) per secret. No key log by
  // default: the secrets are written only where the application says.
  void set_keylog(std::function<void(std::string_view line)> sink);
  bool set_keylog_file(const std::string& path, std::string* error);
  // The application's explicit opt-in to the SSLKEYLOGFILE convention: when
  // that environment variable names a file now, key log lines are appended
  // to it (as set_keylog_file). True when it was set and the file opened;
  // false otherwise (`error` set only when it was set but could not be
  // opened). adieu never reads the variable on its own (nor does OpenSSL).
  bool set_keylog_from_environment(std::string* error);
  // Told of each handshake message, ChangeCipherSpec and alert a connection
  // sends or receives, in order: a message sent as it is queued for its
  // record, one received once it is whole (a handshake message may span
  // records) and before it is processed. It runs inside the connection's
  // call (creation, receive(), close(), ...) on its thread, and must not
  // call the connection. None by default.
  void set_message_observer(std::function<void(const ProtocolMessage&)> observer);

  // Internal state, for the engine.
  struct Impl;
  Impl& impl() { return *impl_; }
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace adieu
