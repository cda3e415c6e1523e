// What the TLS 1.2 client and server handshakes share (RFC 5246 section 7):
// the suite, the transcript, the (extended) master secret and key block,
// ChangeCipherSpec and Finished, the checks of the hello extensions both
// sides send, and the hand-over to Tls12Connected.
//
// adieu's TLS 1.2 is ECDHE with an AEAD only, with the extended master
// secret (RFC 7627) and the renegotiation indication (RFC 5746); it never
// renegotiates.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <vector>

#include "crypto/hash.h"
#include "crypto/key_exchange.h"
#include "crypto/secret.h"
#include "crypto/tls12_prf.h"
#include "crypto/tls12_suite.h"
#include "engine/handshake/handshake.h"
#include "messages/messages.h"

namespace adieu {

class Tls12Handshake : public Handshake {
 public:
  using Handshake::Handshake;
  ~Tls12Handshake() override;

  bool connected() const override { return false; }

 protected:
  // RFC 5246 section 7.4.9: 12 bytes for every suite here.
  size_t finished_length() const override { return 12; }
  // The suite is chosen: the transcript starts with the ClientHello.
  void start_transcript(const crypto::Tls12SuiteInfo& suite, std::span<const uint8_t> client_hello);
  // Adds a received whole message to the transcript.
  void add_to_transcript(std::span<const uint8_t> message);
  // Adds a whole message to the transcript and sends it.
  void send(std::span<const uint8_t> message);
  template <typename Message>
  void send_message(const Message& m) {
    std::vector<uint8_t> bytes;
    wire::Writer w(bytes);
    m.serialize(w);
    send(bytes);
  }
  // The peer's certificate chain (leaf first), verified into ctx_.peer_chain.
  Error verify_certificate(const std::vector<messages::ByteVec>& chain, bool is_server_cert);
  // master_secret from the ECDHE shared secret (RFC 7627 section 4 when both
  // sides use the extended master secret, RFC 5246 section 8.1 otherwise),
  // then the key block. Call right after ClientKeyExchange is in the
  // transcript.
  Error derive_keys(std::span<const uint8_t> pre_master_secret);
  // The key block from master_secret_ and both randoms (RFC 5246 section
  // 6.3); a resumed session's master secret gets a fresh one.
  Error derive_key_block();
  // ChangeCipherSpec, then our write keys (RFC 5246 section 7.1).
  Error send_change_cipher_spec_and_switch();
  // The peer's ChangeCipherSpec: its keys apply from the next record.
  Error switch_read_keys(std::span<const uint8_t> body);
  Error send_finished();
  Error verify_finished(std::span<const uint8_t> body);
  // The handshake is over: Tls12Connected takes over.
  void complete();

  const crypto::Tls12SuiteInfo* suite_ = nullptr;
  std::optional<crypto::Hash> transcript_;
  // The raw messages, kept while a CertificateVerify may have to sign or
  // check them (RFC 5246 section 7.4.8 signs the messages, not a hash).
  std::vector<uint8_t> messages_;
  bool keep_messages_ = false;
  bool extended_master_secret_ = false;
  crypto::Secret master_secret_;
  std::optional<crypto::Tls12KeyBlock> key_block_;
  std::optional<crypto::KeyShare> our_share_;  // the ECDHE key
};

// The auth a certificate's key gives a TLS 1.2 suite: ECDSA and EdDSA keys
// sign ECDHE_ECDSA suites (RFC 8422 section 5.1.3), RSA keys ECDHE_RSA
// suites. nullopt for a key of another kind.
std::optional<crypto::Tls12Auth> tls12_auth_of(const crypto::PrivateKey& key);

}  // namespace adieu
