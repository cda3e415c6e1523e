// The state behind adieu::Config, as the engine reads it.
#pragma once

#include <adieu/config.h>
#include <adieu/session.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/cipher_suite.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "crypto/tls12_suite.h"
#include "crypto/trust_store.h"
#include "engine/session/early_data_replay.h"

namespace adieu {

// A certificate chain (leaf first, parsed once) with its private key.
struct CertifiedKey {
  std::vector<crypto::Certificate> chain;
  std::vector<std::vector<uint8_t>> chain_der;  // what goes into Certificate messages
  crypto::PrivateKey key;
  std::vector<crypto::SignatureScheme> schemes;  // key.schemes(), computed once
};

struct Config::Impl {
  explicit Impl(Role r);

  Role role;
  std::vector<CertifiedKey> certificates;
  crypto::TrustStore trust;
  VerifyMode verify;
  bool post_handshake_auth = false;         // client: offer it (RFC 8446 section 4.2.6)
  bool verify_post_handshake_only = false;  // server: none in a TLS 1.3 handshake
  std::vector<crypto::CipherSuite> suites;  // TLS 1.3
  std::vector<crypto::Tls12CipherSuite> tls12_suites;
  uint16_t min_version = 0x0303;  // TLS 1.2
  uint16_t max_version = 0x0304;  // TLS 1.3
  // RFC 7627: refuse a TLS 1.2 handshake without the extended master secret.
  bool require_extended_master_secret = true;
  std::vector<crypto::Group> groups;
  // set_signature_algorithms; empty: every scheme adieu has.
  std::vector<crypto::SignatureScheme> signature_schemes;
  std::vector<std::string> alpn;
  Config::AlpnSelector alpn_selector;  // when set, chooses instead of `alpn`
  unsigned ticket_count = 2;
  UncleanSessionPolicy unclean_session_policy = UncleanSessionPolicy::remove;
  Tls12CloseNotify tls12_close_notify = Tls12CloseNotify::answer;
  std::function<void(std::string_view)> keylog;
  std::function<void(const ProtocolMessage&)> message_observer;
  std::function<ClientHelloDecision(const ClientHelloInfo&)> client_hello_hook;
  std::shared_ptr<SessionCache> session_cache;
  std::shared_ptr<TicketKeys> ticket_keys;
  bool psk_ke = false;
  bool resumption = true;
  bool early_data = false;      // client: offer 0-RTT
  uint32_t max_early_data = 0;  // server: accept this much 0-RTT (0: none)
  // Server: the ClientHellos whose early data was taken (anti-replay).
  std::shared_ptr<EarlyDataReplayGuard> early_data_replay;
  // External PSKs (RFC 8446 section 4.2.11): a client offers the first; a
  // server takes any by identity. Each is a Session with `external` set.
  std::vector<std::shared_ptr<Session>> external_psks;
  uint16_t record_size_limit = 0;   // RFC 8449; 0: a client does not offer it
  uint8_t max_fragment_length = 0;  // RFC 6066 section 4 code 1..4; 0: not asked

  // Test hooks: the randomness and the clock every connection of this config uses.
  crypto::Random* random = &crypto::system_random();
  std::function<uint64_t()> clock_ms;

  // Server: a CertificateRequest goes into a TLS 1.3 handshake.
  bool tls13_handshake_requests_certificate() const {
    return verify != VerifyMode::none && !verify_post_handshake_only;
  }

  bool offers(uint16_t version) const { return min_version <= version && version <= max_version; }

  // The schemes of `defaults` the config allows, in the config's order when
  // it set a list (else in `defaults`' order); and whether one is allowed.
  std::vector<uint16_t> allowed_schemes(std::span<const crypto::SignatureScheme> defaults) const;
  bool scheme_allowed(uint16_t scheme) const;
  // The certificates for a client's SNI, in the order added: those whose
  // names match, else all of them. `name_matched` says which it was.
  std::vector<const CertifiedKey*> certificates_for(const std::string& server_name,
                                                    bool* name_matched) const;
  // The first of certificates_for (nullptr when there is none).
  const CertifiedKey* certificate_for(const std::string& server_name, bool* name_matched) const;
};

}  // namespace adieu
