// ConnectionCore: the part of a connection every protocol version shares.
// It owns the transport buffers, the record layer, plaintext in and out, the
// two directions' end states, the sticky error and the alerts; it knows
// nothing of which messages a handshake has. It carries the handshake as the
// record-layer HandshakeTransport and hands it every handshake message and
// change_cipher_spec it receives.
//
// Input: every whole record is processed as soon as it arrives. A protected
// record is opened straight from the caller's bytes into `plain_`, so read()'s
// copy is the only one application data goes through; only a record split
// across receive() calls is gathered in `in_` first.
#pragma once

#include <adieu/connection.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "engine/core/handshake_transport.h"
#include "engine/core/version_rules.h"
#include "engine/handshake/handshake.h"
#include "engine/record/record.h"

namespace adieu {

class ConnectionCore final : public HandshakeTransport {
 public:
  ConnectionCore(HandshakeContext& context);

  // The handshake object in charge now (the post-handshake one once the
  // handshake completed).
  const Handshake& handshake() const { return *handshake_; }
  // The handshake that runs first; `start_error` is what its start (a
  // client's ClientHello) returned, and ends the connection if set.
  void start(std::unique_ptr<Handshake> handshake, Error start_error = Error::none);

  // --- transport side (adieu::Connection's contract)
  Error receive(std::span<const uint8_t> bytes);
  void receive_eof();
  std::span<const uint8_t> pending_output() const;
  void consume_output(size_t n);

  // --- application side
  std::span<const uint8_t> readable() const { return plain_.span().subspan(plain_pos_); }
  void consume_readable(size_t n);
  ReadResult read(std::span<uint8_t> out);
  Error write(std::span<const uint8_t> data);
  Error write_into(std::span<const uint8_t> data, std::span<uint8_t> out, size_t& written);
  size_t write_into_size(size_t n) const;
  Error close();
  void abort(Alert alert);
  Error key_update(bool request_peer);
  // Server: a post-handshake CertificateRequest (Connection's contract).
  Error request_client_certificate();

  // --- state
  WriteState write_state() const { return write_state_; }
  ReadState read_state() const { return read_state_; }
  Error error() const { return error_; }
  std::optional<Alert> alert_sent() const { return alert_sent_; }
  std::optional<Alert> alert_received() const { return alert_received_; }
  // Test seam (testing.h): each direction's protection and the buffers.
  const record::RecordEncoder& encoder() const { return encoder_; }
  const record::RecordDecoder& decoder() const { return decoder_; }
  const record::RecordBuffer& input_buffer() const { return in_; }
  const record::RecordBuffer& plaintext_buffer() const { return plain_; }
  const record::RecordBuffer& output_buffer() const { return out_; }

  // --- HandshakeTransport
  void send_handshake(Level level, std::span<const uint8_t> message) override;
  void flight_complete() override;
  bool install_read_secret(Level level, crypto::CipherSuite suite,
                           const crypto::Secret& secret) override;
  bool install_write_secret(Level level, crypto::CipherSuite suite,
                            const crypto::Secret& secret) override;
  bool install_tls12_read_keys(crypto::AeadAlg aead, std::span<const uint8_t> key,
                               std::span<const uint8_t> fixed_iv) override;
  bool install_tls12_write_keys(crypto::AeadAlg aead, std::span<const uint8_t> key,
                                std::span<const uint8_t> fixed_iv) override;
  void send_change_cipher_spec() override;
  void set_record_limits(const RecordLimits& limits) override;
  void skip_early_data(size_t max_bytes) override { decoder_.skip_early_data(max_bytes); }
  void discard_early_write_keys() override { encoder_.keys().wipe(); }
  void send_warning_alert(Alert alert) override;
  bool write_open() const override { return write_state_ == WriteState::open; }

 private:
  // The read side is open and nothing failed.
  bool reading() const { return read_state_ == ReadState::open && error_ == Error::none; }
  bool connected() const { return handshake_ && handshake_->connected(); }
  // Our write key has sealed enough records to be replaced, in a version
  // that can (TLS 1.3's KeyUpdate; TLS 1.2 has no such message).
  bool key_update_due() const {
    return encoder_.needs_key_update() && handshake_ && handshake_->key_update_size() != 0;
  }
  const VersionRules& rules() const {
    const uint16_t version = ctx_.version != 0            ? ctx_.version
                             : ctx_.config.offers(0x0303) ? 0x0303
                                                          : 0x0304;
    return rules_for_version(version, ctx_.config.tls12_close_notify);
  }
  void receive_bytes(std::span<const uint8_t> bytes);
  // Processes the whole records at the front of `input`; returns their size.
  size_t decode_records(std::span<const uint8_t> input);
  // Releases what is no longer needed and notices a truncation.
  void settle();
  // False when the record's opened content is not application data to keep.
  bool handle_record(const record::Record& rec);
  void handle_alert(std::span<const uint8_t> body);
  // Parses whole handshake messages out of record fragments (RFC 8446
  // section 5.1: messages may span records but not key changes) and hands
  // each to the handshake.
  void handle_handshake_bytes(std::span<const uint8_t> data);
  Error dispatch_message(messages::HandshakeType type, std::span<const uint8_t> msg);
  // Why application data cannot be written now (Error::none when it can).
  Error check_writable() const;
  // Appends records to `out_`; fails the connection on a libcrypto error.
  bool send_record(record::ContentType type, std::span<const uint8_t> data);
  // Sends the flight being built in as few records as possible.
  void flush_flight();
  // Ends the connection with `err`, sending its fatal alert when we still may.
  Error fail(Error err);
  void send_alert(uint8_t level, Alert alert);
  // Tells the config's message observer, if any (Config::set_message_observer).
  void observe(bool sent, record::ContentType type, std::span<const uint8_t> bytes) const;
  void queue_close_notify();
  void note_output_consumed();

  HandshakeContext& ctx_;
  std::unique_ptr<Handshake> handshake_;

  // --- transport buffers
  record::RecordBuffer in_;     // a record split across receive() calls, until whole
  record::RecordBuffer plain_;  // decrypted application data not read: [plain_pos_, end)
  size_t plain_pos_ = 0;
  record::RecordBuffer out_;  // bytes to send; [out_pos_, end) not yet consumed
  size_t out_pos_ = 0;
  uint64_t out_total_consumed_ = 0;  // bytes ever consumed by the transport
  uint64_t out_total_produced_ = 0;  // bytes ever appended to `out_`
  bool eof_ = false;

  record::RecordEncoder encoder_;
  record::RecordDecoder decoder_;
  std::vector<uint8_t> handshake_buffer_;  // handshake bytes not yet a whole message
  std::vector<uint8_t> flight_;            // handshake messages not yet in a record
  uint64_t read_key_epoch_ = 0;            // bumped whenever the read keys change

  // --- the connection's end
  WriteState write_state_ = WriteState::open;
  ReadState read_state_ = ReadState::open;
  bool abandoned_ = false;         // close() during the handshake: it never counts as done
  unsigned warning_alerts_ = 0;    // consecutive warning alerts received
  uint64_t close_notify_end_ = 0;  // out_total_produced_ just after our close_notify
  Error error_ = Error::none;
  std::optional<Alert> alert_sent_;
  std::optional<Alert> alert_received_;
};

}  // namespace adieu
