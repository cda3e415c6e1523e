// The state behind adieu::Connection. The record plumbing and the shutdown
// state machine live in connection.cc; the handshake of each role in
// handshake/client.cc and handshake/server.cc; post-handshake messages in
// handshake/post_handshake.cc. All are member functions of this one struct so
// that every transition of the connection's state is in plain sight.
#pragma once

#include <adieu/connection.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/cipher_suite.h"
#include "crypto/hash.h"
#include "crypto/key_exchange.h"
#include "crypto/secret.h"
#include "engine/config_impl.h"
#include "engine/record/key_schedule.h"
#include "engine/record/record.h"
#include "messages/messages.h"

namespace adieu {

// Where the handshake is. One state per message we wait for (RFC 8446 A.1, A.2).
enum class HandshakeState : uint8_t {
  start,
  // client
  wait_server_hello,
  wait_encrypted_extensions,
  wait_certificate_or_request,
  wait_certificate,
  wait_certificate_verify,
  wait_finished,
  // server
  wait_client_hello,
  wait_client_hello_after_retry,
  wait_client_certificate,
  wait_client_certificate_verify,
  wait_client_finished,
  // both
  connected,
  abandoned,  // close() during the handshake
  failed,
};

struct Connection::Impl {
  Impl(Role role, std::shared_ptr<const Config> config);
  ~Impl();

  // --- configuration
  Role role;
  std::shared_ptr<const Config> config_owner;
  const Config::Impl& config;
  crypto::BatchedRandom batched_random;  // used when the config draws from the system
  crypto::Random& random;

  // --- transport buffers
  // The bytes of a record split across receive() calls, until it is whole.
  record::RecordBuffer in;
  // Decrypted application data not yet read: [plain_pos, plain.size()).
  record::RecordBuffer plain;
  size_t plain_pos = 0;
  record::RecordBuffer out;  // bytes to send; [out_pos, end) not yet consumed
  size_t out_pos = 0;
  uint64_t out_total_consumed = 0;  // bytes ever consumed by the transport
  uint64_t out_total_produced = 0;  // bytes ever appended to `out`
  bool eof = false;

  record::RecordEncoder encoder;
  record::RecordDecoder decoder;
  std::vector<uint8_t> handshake_buffer;  // handshake bytes not yet a whole message
  std::vector<uint8_t> flight;            // handshake messages not yet in a record
  uint64_t read_key_epoch = 0;            // bumped whenever the read keys change

  // --- the connection's end
  WriteState write_state = WriteState::open;
  ReadState read_state = ReadState::open;
  uint64_t close_notify_end = 0;  // out_total_produced just after our close_notify
  Error error = Error::none;
  std::optional<Alert> alert_sent;
  std::optional<Alert> alert_received;

  // --- handshake
  HandshakeState state = HandshakeState::start;
  bool established = false;  // the handshake completed (stays true after a later failure)
  std::optional<crypto::SuiteInfo> suite;
  std::optional<crypto::Hash> transcript;
  std::vector<uint8_t> client_hello_bytes;  // until the hash is known (client) / HRR
  std::optional<record::KeySchedule> schedule;
  std::vector<crypto::KeyShare> key_shares;  // client: the shares we offered
  std::array<uint8_t, 32> client_random{};
  std::vector<uint8_t> session_id;
  crypto::Secret client_handshake_secret;  // until its keys are installed
  crypto::Secret server_handshake_secret;
  crypto::Secret client_finished_key;  // from the handshake secret, at install
  crypto::Secret server_finished_key;
  crypto::Secret client_application_secret;
  crypto::Secret server_application_secret;
  crypto::Secret resumption_master;
  bool retried = false;         // a HelloRetryRequest happened
  std::vector<uint8_t> cookie;  // HRR cookie (sent by server / echoed by client)
  std::optional<crypto::Group> hrr_group;
  bool certificate_requested = false;  // server asked for our certificate
  messages::CertificateRequest certificate_request;
  const CertifiedKey* our_certificate = nullptr;
  bool server_name_matched = false;  // server: our certificate is for the client's SNI
  crypto::SignatureScheme our_scheme{};
  std::vector<crypto::Certificate> peer_chain;
  std::string verify_message;          // why the peer's chain was refused
  int verify_result = 0;               // its X509_V_* code
  messages::ClientHello client_hello;  // client: what we sent (for the second ClientHello)
  bool middlebox_compat = false;
  bool sent_change_cipher_spec = false;

  // --- resumption (handshake/resumption.cc)
  std::shared_ptr<Session> offered_session;            // client: the session in our ClientHello
  std::shared_ptr<Session> resumed_session;            // the session this handshake resumed
  std::vector<std::shared_ptr<Session>> new_sessions;  // received (client) / issued (server)
  bool resumed = false;
  bool psk_with_dhe = true;
  crypto::Secret psk;

  // --- negotiated
  uint16_t group = 0;
  uint16_t peer_scheme = 0;
  std::string alpn;
  std::string server_name;
  std::vector<std::vector<uint8_t>> peer_certificates;  // DER of peer_chain, made on demand
  uint64_t key_updates_received = 0;
  uint64_t key_updates_sent = 0;
  std::vector<ReceivedTicket> tickets;
  size_t tickets_received = 0;

  // --- record plumbing (connection.cc)
  // Decodes records while no plaintext is waiting to be read.
  // Input (connection.cc): see there.
  bool reading() const;  // the read side is open and nothing failed
  void receive_bytes(std::span<const uint8_t> bytes);
  // Processes the whole records at the front of `input`; returns their size.
  size_t decode_records(std::span<const uint8_t> input);
  // Releases what is no longer needed and notices a truncation.
  void settle();
  // False when the record's opened content is not application data to keep.
  bool handle_record(const record::Record& rec);
  void handle_alert(std::span<const uint8_t> body);
  // Parses whole handshake messages out of record fragments (RFC 8446
  // section 5.1: messages may span records but not key changes).
  void handle_handshake_bytes(std::span<const uint8_t> data);
  // Why application data cannot be written now (Error::none when it can).
  Error check_writable() const;
  // Appends a record to `out`; fails the connection on a libcrypto error.
  bool send_record(record::ContentType type, std::span<const uint8_t> data);
  // Adds a whole handshake message (header included) to the transcript and to
  // the flight being built; flush_flight() sends the flight in as few records
  // as possible (it is also flushed before our write keys change).
  void send_handshake(const std::vector<uint8_t>& msg);
  void flush_flight();
  // The unprotected change_cipher_spec of middlebox compatibility mode.
  void send_change_cipher_spec();
  // Ends the connection with `err`, sending its fatal alert when we still may.
  Error fail(Error err);
  void send_alert(uint8_t level, Alert alert);
  void queue_close_notify();
  void note_output_consumed();
  void release_idle_buffers();
  void keylog(const char* label, const crypto::Secret& secret) const;

  // --- handshake (client.cc / server.cc / post_handshake.cc)
  Error start_client(std::shared_ptr<Session> session);
  Error handle_message(messages::HandshakeType type, std::span<const uint8_t> msg);
  Error client_handle(messages::HandshakeType type, std::span<const uint8_t> msg);
  Error client_handle_retry(const messages::ServerHello& hrr, std::span<const uint8_t> msg);
  Error client_send_second_flight();
  Error server_handle(messages::HandshakeType type, std::span<const uint8_t> msg);
  Error server_handle_client_hello(const messages::ClientHello& ch, std::span<const uint8_t> msg);
  Error server_send_retry(crypto::Group group_wanted, std::span<const uint8_t> msg);
  Error server_send_flight(const messages::ClientHello& ch);
  Error post_handshake(messages::HandshakeType type, std::span<const uint8_t> msg);
  Error send_new_session_tickets();
  Error send_key_update(bool request_peer);

  // Helpers shared by both roles (handshake/common.cc).
  Error verify_peer_chain(std::span<const uint8_t> body, bool is_server_cert);
  Error verify_certificate_verify(std::span<const uint8_t> body, bool from_server);
  Error verify_finished(std::span<const uint8_t> body, const crypto::Secret& finished_key);
  Error send_certificate(std::span<const uint8_t> context);
  Error send_certificate_verify(bool from_server);
  Error send_finished(const crypto::Secret& finished_key);
  bool install_read_keys(const crypto::Secret& secret);
  bool install_write_keys(const crypto::Secret& secret);
  // Called right after installing a direction's handshake keys from
  // `secret`: derives that direction's finished key while the HMAC context
  // still holds the secret (saving a re-key), then wipes the secret.
  bool take_finished_key(crypto::Secret& secret, crypto::Secret& finished_key);
  bool choose_scheme(const std::vector<uint16_t>& peer_schemes);
  // Early secret from `psk` (zeros when empty), handshake secret from
  // `shared` (zeros when empty, psk_ke).
  void derive_handshake_secrets(std::span<const uint8_t> psk, std::span<const uint8_t> shared);
  // Resumption (handshake/resumption.cc).
  void client_offer_session(std::shared_ptr<Session> session);
  // Serializes client_hello into `bytes`, with its PSK binder computed.
  bool serialize_client_hello(std::vector<uint8_t>& bytes);
  Error server_choose_psk(const messages::ClientHello& ch, std::span<const uint8_t> msg,
                          std::optional<uint16_t>& selected);
  std::shared_ptr<Session> make_session(const messages::NewSessionTicket& nst) const;
  void apply_unclean_session_rule();
  void derive_application_secrets();
  void handshake_complete();
};

}  // namespace adieu
