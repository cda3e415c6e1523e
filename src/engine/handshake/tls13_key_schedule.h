// The TLS 1.3 key schedule (it lives beside the record layer, whose
// traffic keys it feeds) (RFC 8446 section 7.1): early, handshake and
// master secrets, and the traffic, finished, exporter and resumption secrets
// derived from them. Secrets are wiped when replaced or destroyed.
#pragma once

#include <span>
#include <string_view>

#include "crypto/hash.h"
#include "crypto/hkdf.h"
#include "crypto/secret.h"

namespace adieu::tls13 {

using crypto::HashAlg;
using crypto::Secret;

class KeySchedule {
 public:
  explicit KeySchedule(HashAlg alg) : alg_(alg) {}
  HashAlg alg() const { return alg_; }

  // Early Secret = HKDF-Extract(0, psk); an empty psk means hash_size zeros
  // (a constant, which is then not computed: only the binder key needs it).
  void set_early(std::span<const uint8_t> psk);
  // binder_key for a resumption PSK ("res binder").
  Secret resumption_binder_key() const;
  // binder_key for an external PSK ("ext binder", RFC 8446 section 7.1).
  Secret external_binder_key() const;
  // client_early_traffic_secret ("c e traffic") over Hash(ClientHello).
  Secret client_early_traffic(std::span<const uint8_t> transcript_hash) const;
  // Handshake Secret = HKDF-Extract(Derive-Secret(early, "derived", ""), ecdhe);
  // an empty ecdhe means hash_size zeros (psk_ke).
  void set_handshake(std::span<const uint8_t> ecdhe);
  Secret client_handshake_traffic(std::span<const uint8_t> transcript_hash) const;
  Secret server_handshake_traffic(std::span<const uint8_t> transcript_hash) const;
  // Master Secret = HKDF-Extract(Derive-Secret(handshake, "derived", ""), 0).
  void set_master();
  Secret client_application_traffic(std::span<const uint8_t> transcript_hash) const;
  Secret server_application_traffic(std::span<const uint8_t> transcript_hash) const;
  Secret exporter_master(std::span<const uint8_t> transcript_hash) const;
  Secret resumption_master(std::span<const uint8_t> transcript_hash) const;

  // Derive-Secret(secret, label, messages-hash).
  static Secret derive_secret(HashAlg alg, std::span<const uint8_t> secret, std::string_view label,
                              std::span<const uint8_t> transcript_hash);
  // verify_data = HMAC(HKDF-Expand-Label(base_key, "finished", "", Hash.length), transcript_hash).
  static Secret finished_verify_data(HashAlg alg, std::span<const uint8_t> base_key,
                                     std::span<const uint8_t> transcript_hash);
  // The two halves of finished_verify_data, for a caller that derives the
  // finished key while the HMAC context still holds `base_key` (right after
  // the traffic keys) and applies it later.
  static Secret finished_key(HashAlg alg, std::span<const uint8_t> base_key);
  static Secret finished_mac(HashAlg alg, std::span<const uint8_t> finished_key,
                             std::span<const uint8_t> transcript_hash);
  // application_traffic_secret_N+1 (RFC 8446 section 7.2).
  static Secret next_traffic_secret(HashAlg alg, std::span<const uint8_t> secret);
  // PSK for a ticket = HKDF-Expand-Label(resumption_master, "resumption", nonce, Hash.length).
  static Secret ticket_psk(HashAlg alg, std::span<const uint8_t> resumption_master,
                           std::span<const uint8_t> nonce);

 private:
  HashAlg alg_;
  bool has_psk_ = false;
  Secret early_;
  Secret handshake_;
  Secret master_;
};

}  // namespace adieu::tls13
