// What the TLS 1.3 client and server handshakes share (RFC 8446 section 4):
// the transcript, the key schedule and its secrets, certificates,
// CertificateVerify and Finished, and the middlebox compatibility
// change_cipher_spec. Tls13Client and Tls13Server add their states.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "crypto/hash.h"
#include "crypto/secret.h"
#include "crypto/signature_scheme.h"
#include "engine/handshake/handshake.h"
#include "engine/handshake/tls13_key_schedule.h"
#include "messages/messages.h"

namespace adieu {

class Tls13Connected;

class Tls13Handshake : public Handshake {
 public:
  using Handshake::Handshake;
  ~Tls13Handshake() override;

  // RFC 8446 section 5: an unprotected change_cipher_spec of value 1 is
  // dropped during the handshake (middlebox compatibility).
  Error handle_change_cipher_spec(std::span<const uint8_t> body) override;
  bool connected() const override { return false; }

 protected:
  // The hash's size once the suite is chosen (RFC 8446 section 4.4.4).
  size_t finished_length() const override {
    return ctx_.suite ? crypto::hash_size(ctx_.suite->hash) : 0;
  }
  // The suite of this handshake (ServerHello or HelloRetryRequest).
  void choose_suite(crypto::SuiteInfo suite);
  // Adds a whole message to the transcript and sends it at write_level_.
  void send(std::span<const uint8_t> message);
  // The peer's Certificate message: its chain verified (ctx_.peer_chain).
  // Its certificate_request_context must be `request_context` (empty in
  // the handshake; the request's after it, RFC 8446 section 4.4.2); `verify`
  // replaces the config's VerifyMode when set.
  Error verify_certificate(std::span<const uint8_t> body, bool is_server_cert,
                           std::span<const uint8_t> request_context = {},
                           std::optional<VerifyMode> verify = std::nullopt);
  Error verify_certificate_verify(std::span<const uint8_t> body, bool from_server);
  Error verify_finished(std::span<const uint8_t> body, const crypto::Secret& finished_key);
  Error send_certificate(std::span<const uint8_t> context);
  Error send_certificate_verify(bool from_server);
  Error send_finished(const crypto::Secret& finished_key);
  // Server: a CertificateRequest for every scheme we verify (RFC 8446
  // section 4.3.2).
  void send_certificate_request(std::span<const uint8_t> context);
  // Client: the answer to `request` but for Finished: Certificate with our
  // first certificate (none when there is none or its key cannot sign with
  // a scheme the request lists: better no certificate than a signature the
  // server cannot check), and CertificateVerify when one was sent.
  Error send_client_certificate(const messages::CertificateRequest& request);
  // Picks our signature scheme: our key's first scheme the peer accepts.
  bool choose_scheme(const std::vector<uint16_t>& peer_schemes);
  // Early secret from `psk` (zeros when empty), handshake secret from
  // `shared` (zeros when empty, psk_ke), and both handshake traffic secrets.
  void derive_handshake_secrets(std::span<const uint8_t> psk, std::span<const uint8_t> shared);
  void derive_application_secrets();
  // Installs the peer's / our handshake traffic keys from `secret`, derives
  // that direction's finished key while the HMAC context still holds the
  // secret (saving a re-key), then wipes the secret.
  bool install_handshake_read_keys(crypto::Secret& secret, crypto::Secret& finished_key);
  bool install_handshake_write_keys(crypto::Secret& secret, crypto::Secret& finished_key);
  // The middlebox compatibility change_cipher_spec, once (RFC 8446 D.4).
  void send_change_cipher_spec_once();
  // The handshake is over: the established parameters are published and
  // Tls13Connected takes over (returned, for the server to send tickets).
  Tls13Connected& complete();

  std::optional<crypto::Hash> transcript_;
  std::optional<tls13::KeySchedule> schedule_;
  Level write_level_ = Level::initial;
  crypto::Secret client_handshake_secret_;  // until its keys are installed
  crypto::Secret server_handshake_secret_;
  crypto::Secret client_finished_key_;  // from the handshake secret, at install
  crypto::Secret server_finished_key_;
  crypto::Secret client_application_secret_;
  crypto::Secret server_application_secret_;
  crypto::Secret exporter_master_;
  crypto::Secret resumption_master_;
  crypto::Secret psk_;
  std::vector<uint8_t> session_id_;  // legacy_session_id (middlebox compatibility)
  const CertifiedKey* our_certificate_ = nullptr;
  crypto::SignatureScheme our_scheme_{};
  bool certificate_requested_ = false;
  bool middlebox_compat_ = false;
  bool sent_change_cipher_spec_ = false;
  bool received_change_cipher_spec_ = false;
};

}  // namespace adieu
