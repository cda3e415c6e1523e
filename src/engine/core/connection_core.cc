// Record plumbing and the connection's end: how bytes in become records and
// records become plaintext, alerts and handshake messages; how each direction
// closes (RFC 8446 section 6.1, RFC 5246 section 7.2.1, as the negotiated
// version's rules say).
#include "engine/core/connection_core.h"

#include <algorithm>
#include <cstring>

#include "messages/handshake_types.h"

namespace adieu {

using record::ContentType;

namespace {
constexpr uint8_t kWarning = 1;
constexpr uint8_t kFatal = 2;
}  // namespace

ConnectionCore::ConnectionCore(HandshakeContext& context) : ctx_(context) {
  // RFC 8446 section 5.1: 0x0301 is allowed for the first ClientHello.
  if (ctx_.role == Role::client) encoder_.set_plaintext_version(0x0301);
}

void ConnectionCore::start(std::unique_ptr<Handshake> handshake, Error start_error) {
  handshake_ = std::move(handshake);
  if (start_error != Error::none) fail(start_error);
}

// ---------------------------------------------------------------------------
// Input

Error ConnectionCore::receive(std::span<const uint8_t> bytes) {
  if (read_state_ != ReadState::open || error_ != Error::none || eof_) return error_;
  receive_bytes(bytes);
  return error_;
}

void ConnectionCore::receive_eof() {
  eof_ = true;
  settle();
}

void ConnectionCore::receive_bytes(std::span<const uint8_t> bytes) {
  // Completes the record gathered in `in_`: its header first, so a bad header
  // is refused as soon as it is whole, then its body.
  while (!in_.empty() && !bytes.empty() && reading()) {
    const uint8_t* header = in_.data();
    const size_t whole = in_.size() < record::kHeaderSize
                             ? record::kHeaderSize
                             : record::kHeaderSize + (size_t{header[3]} << 8 | header[4]);
    const size_t take = std::min(whole - in_.size(), bytes.size());
    in_.append(bytes.first(take));
    bytes = bytes.subspan(take);
    if (decode_records(in_.span()) > 0) in_.release();
  }
  if (in_.empty() && reading()) bytes = bytes.subspan(decode_records(bytes));
  if (reading()) in_.append(bytes);  // the start of a record still to come
  settle();
}

size_t ConnectionCore::decode_records(std::span<const uint8_t> input) {
  // Room for all of it at once: plaintext is never longer than its records.
  if (decoder_.keys().encrypted()) plain_.reserve_more(input.size());
  size_t used = 0;
  while (reading() && used < input.size()) {
    size_t consumed = 0;
    record::Record rec;
    Error err = Error::none;
    const size_t plain_before = plain_.size();
    const record::RecordDecoder::Status status =
        decoder_.decode(input.subspan(used), plain_, consumed, rec, err);
    if (status == record::RecordDecoder::Status::need_more) break;
    if (status == record::RecordDecoder::Status::error) {
      fail(err);
      break;
    }
    used += consumed;
    if (status == record::RecordDecoder::Status::skipped) continue;  // rejected 0-RTT
    if (!handle_record(rec)) plain_.truncate(plain_before);
  }
  return used;
}

void ConnectionCore::settle() {
  // Bytes after the end of the read side are never delivered.
  if (!reading()) in_.release();
  if (plain_pos_ == plain_.size()) {
    plain_.release();  // idle connections hold no record buffer
    plain_pos_ = 0;
  }
  if (eof_ && plain_.empty() && reading()) {
    // Everything received before the end has been processed and read (a
    // record cut short can never complete), and no close_notify came: the
    // peer's data may have been truncated.
    in_.release();
    if (connected()) {
      read_state_ = ReadState::truncated;
      decoder_.keys().wipe();
    } else {
      fail(Error::truncated);
    }
  }
}

bool ConnectionCore::handle_record(const record::Record& rec) {
  // Nothing may come between the fragments of a handshake message in TLS
  // 1.3 (RFC 8446 section 5.1); TLS 1.2 allows it but for a
  // ChangeCipherSpec, which would change the keys inside a message.
  if (rec.type != ContentType::handshake && !handshake_buffer_.empty() &&
      (!rules().records_between_handshake_fragments ||
       rec.type == ContentType::change_cipher_spec)) {
    fail(Error::unexpected_message);
    return false;
  }
  if (rec.type != ContentType::alert) warning_alerts_ = 0;
  switch (rec.type) {
    case ContentType::change_cipher_spec:
      // Never protected in a version we speak: the handshake decides
      // whether an unprotected one is allowed now.
      if (rec.was_encrypted) {
        fail(Error::unexpected_message);
        return false;
      }
      observe(false, ContentType::change_cipher_spec, rec.fragment);
      if (const Error err = handshake_->handle_change_cipher_spec(rec.fragment);
          err != Error::none) {
        fail(err);
      }
      return false;
    case ContentType::alert:
      handle_alert(rec.fragment);
      return false;
    case ContentType::handshake:
      handle_handshake_bytes(rec.fragment);
      return false;
    case ContentType::application_data:
      if (abandoned_) return false;  // we are leaving: drop it
      if (!connected()) {
        // Before the handshake completes only accepted 0-RTT data may come.
        if (const Error err = handshake_->take_early_data(rec.fragment.size());
            err != Error::none) {
          fail(err);
          return false;
        }
      }
      return true;  // its content stays in `plain_` for read()
    default:
      fail(Error::unexpected_message);
      return false;
  }
}

void ConnectionCore::handle_alert(std::span<const uint8_t> body) {
  if (body.size() != 2) {
    fail(Error::decode_error);
    return;
  }
  observe(false, ContentType::alert, body);
  const Alert alert = static_cast<Alert>(body[1]);
  const VersionRules& version_rules = rules();
  switch (version_rules.alert_effect(body[0], alert)) {
    case AlertEffect::close_read:
      // The peer will send no more.
      read_state_ = ReadState::close_notify_received;
      alert_received_ = alert;
      decoder_.keys().wipe();
      // TLS 1.2's answer goes behind what is already sealed (records in
      // pending_output() have their sequence numbers, and the handshake's
      // last flight may be among them); nothing more can be written after
      // it (RFC 5246 section 7.2.1's "pending writes" are discarded).
      if (version_rules.answer_close_notify && write_state_ == WriteState::open && connected()) {
        queue_close_notify();
      }
      return;
    case AlertEffect::ignore:
      if (version_rules.max_consecutive_warnings != 0 &&
          ++warning_alerts_ >= version_rules.max_consecutive_warnings) {
        fail(Error::unexpected_message);
      }
      return;
    case AlertEffect::fatal:
      alert_received_ = alert;
      fail(Error::peer_alert);
      return;
    case AlertEffect::refuse:
      alert_received_ = alert;
      fail(Error::handshake_failure);
      return;
  }
}

void ConnectionCore::handle_handshake_bytes(std::span<const uint8_t> data) {
  if (data.empty()) {
    fail(Error::unexpected_message);
    return;
  }
  std::span<const uint8_t> pending = data;
  if (!handshake_buffer_.empty()) {
    handshake_buffer_.insert(handshake_buffer_.end(), data.begin(), data.end());
    pending = handshake_buffer_;
  }
  size_t used = 0;
  bool keys_changed = false;
  while (error_ == Error::none && pending.size() - used >= messages::kHandshakeHeaderSize) {
    if (keys_changed) {
      // A message after a key change in the same record: RFC 8446 section 5.1.
      fail(Error::unexpected_message);
      return;
    }
    const uint8_t* p = pending.data() + used;
    const size_t length = (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    if (const Error err =
            handshake_->check_message_length(static_cast<messages::HandshakeType>(p[0]), length);
        err != Error::none) {
      fail(err);
      return;
    }
    const size_t total = messages::kHandshakeHeaderSize + length;
    if (pending.size() - used < total) break;
    const uint64_t key_epoch_before = read_key_epoch_;
    if (const Error err = dispatch_message(static_cast<messages::HandshakeType>(p[0]),
                                           pending.subspan(used, total));
        err != Error::none) {
      fail(err);
      return;
    }
    used += total;
    keys_changed = read_key_epoch_ != key_epoch_before;
    if (read_state_ != ReadState::open) return;
  }
  if (keys_changed && used != pending.size()) {
    fail(Error::unexpected_message);
    return;
  }
  if (pending.data() == handshake_buffer_.data()) {
    handshake_buffer_.erase(handshake_buffer_.begin(),
                            handshake_buffer_.begin() + static_cast<ptrdiff_t>(used));
  } else {
    handshake_buffer_.assign(pending.begin() + static_cast<ptrdiff_t>(used), pending.end());
  }
  flush_flight();
}

Error ConnectionCore::dispatch_message(messages::HandshakeType type, std::span<const uint8_t> msg) {
  observe(false, ContentType::handshake, msg);
  const Error err = handshake_->handle_message(type, msg);
  if (std::unique_ptr<Handshake> next = handshake_->take_successor()) handshake_ = std::move(next);
  return err;
}

// ---------------------------------------------------------------------------
// Output

std::span<const uint8_t> ConnectionCore::pending_output() const {
  return {out_.data() + out_pos_, out_.size() - out_pos_};
}

void ConnectionCore::consume_output(size_t n) {
  n = std::min(n, out_.size() - out_pos_);
  out_pos_ += n;
  out_total_consumed_ += n;
  if (out_pos_ == out_.size()) {
    out_.release();  // idle connections hold no record buffer
    out_pos_ = 0;
  }
  note_output_consumed();
}

bool ConnectionCore::send_record(ContentType type, std::span<const uint8_t> data) {
  const size_t before = out_.size();
  if (!encoder_.write(type, data, out_)) {
    fail(Error::internal_error);
    return false;
  }
  out_total_produced_ += out_.size() - before;
  return true;
}

void ConnectionCore::send_handshake(Level /*level*/, std::span<const uint8_t> message) {
  // Over records the level is the write keys in force: install_write_secret()
  // sends what came before it under the previous keys.
  observe(true, ContentType::handshake, message);
  flight_.insert(flight_.end(), message.begin(), message.end());
}

void ConnectionCore::flight_complete() {
  flush_flight();
}

void ConnectionCore::flush_flight() {
  // After our close_notify (an abandoned handshake) nothing more is sent.
  if (flight_.empty() || error_ != Error::none || write_state_ != WriteState::open) {
    flight_.clear();
    return;
  }
  send_record(ContentType::handshake, flight_);
  encoder_.set_plaintext_version(0x0303);  // after the first ClientHello
  std::vector<uint8_t>().swap(flight_);
}

void ConnectionCore::send_change_cipher_spec() {
  flush_flight();
  if (write_state_ != WriteState::open) return;
  static constexpr uint8_t kRecord[] = {20, 3, 3, 0, 1, 1};
  observe(true, ContentType::change_cipher_spec, std::span<const uint8_t>(kRecord).subspan(5));
  out_.append(kRecord);
  out_total_produced_ += sizeof(kRecord);
}

bool ConnectionCore::install_read_secret(Level /*level*/, crypto::CipherSuite suite,
                                         const crypto::Secret& secret) {
  ++read_key_epoch_;
  return decoder_.keys().install_tls13(suite, secret);
}

bool ConnectionCore::install_write_secret(Level /*level*/, crypto::CipherSuite suite,
                                          const crypto::Secret& secret) {
  flush_flight();
  if (write_state_ != WriteState::open) return true;  // closed: it stays without keys
  return encoder_.keys().install_tls13(suite, secret);
}

bool ConnectionCore::install_tls12_read_keys(crypto::AeadAlg aead, std::span<const uint8_t> key,
                                             std::span<const uint8_t> fixed_iv) {
  ++read_key_epoch_;
  return decoder_.keys().install_tls12(aead, key, fixed_iv);
}

bool ConnectionCore::install_tls12_write_keys(crypto::AeadAlg aead, std::span<const uint8_t> key,
                                              std::span<const uint8_t> fixed_iv) {
  flush_flight();
  if (write_state_ != WriteState::open) return true;  // closed: it stays without keys
  return encoder_.keys().install_tls12(aead, key, fixed_iv);
}

void ConnectionCore::set_record_limits(const RecordLimits& limits) {
  encoder_.set_fragment_limits(limits.send, limits.plaintext);
  decoder_.set_fragment_limits(limits.receive, limits.plaintext);
}

void ConnectionCore::send_warning_alert(Alert alert) {
  if (write_state_ != WriteState::open) return;  // nothing after close_notify (R45)
  flush_flight();
  send_alert(kWarning, alert);
}

void ConnectionCore::send_alert(uint8_t level, Alert alert) {
  flight_.clear();
  const uint8_t body[2] = {level, static_cast<uint8_t>(alert)};
  observe(true, ContentType::alert, body);
  send_record(ContentType::alert, body);
}

void ConnectionCore::observe(bool sent, ContentType type, std::span<const uint8_t> bytes) const {
  if (ctx_.config.message_observer) {
    ctx_.config.message_observer({sent, static_cast<uint8_t>(type), bytes});
  }
}

Error ConnectionCore::fail(Error err) {
  if (error_ != Error::none) return error_;
  error_ = err;
  switch (err) {
    case Error::peer_alert:
      read_state_ = ReadState::fatal_alert_received;
      break;
    case Error::truncated:
      read_state_ = ReadState::truncated;
      break;
    default:
      if (read_state_ == ReadState::open) read_state_ = ReadState::error;
      // No alert after our close_notify (as OpenSSL since PR #15159).
      if (write_state_ == WriteState::open) {
        alert_sent_ = error_alert(err);
        send_alert(kFatal, *alert_sent_);
        write_state_ = WriteState::fatal_alert_sent;
      }
      break;
  }
  decoder_.keys().wipe();
  encoder_.keys().wipe();
  return err;
}

void ConnectionCore::queue_close_notify() {
  flush_flight();
  send_alert(kWarning, Alert::close_notify);  // warning level, as OpenSSL (R46)
  write_state_ = WriteState::close_notify_queued;
  close_notify_end_ = out_total_produced_;
  encoder_.keys().wipe();  // this direction is closed
  note_output_consumed();
}

void ConnectionCore::note_output_consumed() {
  if (write_state_ == WriteState::close_notify_queued && out_total_consumed_ >= close_notify_end_) {
    write_state_ = WriteState::close_notify_sent;
  }
}

// ---------------------------------------------------------------------------
// Application side

ReadResult ConnectionCore::read(std::span<uint8_t> out) {
  const std::span<const uint8_t> data = readable();
  if (!data.empty()) {
    const size_t n = std::min(out.size(), data.size());
    if (n > 0) std::memcpy(out.data(), data.data(), n);
    consume_readable(n);
    return {n, ReadStatus::data};
  }
  switch (read_state_) {
    case ReadState::open:
      return {0, error_ == Error::none ? ReadStatus::want_input : ReadStatus::error};
    case ReadState::close_notify_received:
      return {0, ReadStatus::closed};
    case ReadState::truncated:
      return {0, ReadStatus::truncated};
    default:
      return {0, ReadStatus::error};
  }
}

void ConnectionCore::consume_readable(size_t n) {
  plain_pos_ += std::min(n, plain_.size() - plain_pos_);
  settle();
}

Error ConnectionCore::check_writable() const {
  if (error_ != Error::none) return error_;
  if (write_state_ != WriteState::open) return Error::write_after_close;
  if (!connected()) return Error::not_connected;
  return Error::none;
}

Error ConnectionCore::write(std::span<const uint8_t> data) {
  if (const Error err = check_writable(); err != Error::none) {
    // Before the handshake completes, a client may send 0-RTT data.
    const size_t room = handshake_->early_data_room();
    if (err != Error::not_connected || room == 0 || data.size() > room) return err;
    if (data.empty()) return Error::none;
    handshake_->note_early_data_written(data.size());
    send_record(ContentType::application_data, data);
    return error_;
  }
  if (data.empty()) return Error::none;
  if (key_update_due()) {
    if (const Error err = handshake_->send_key_update(false); err != Error::none) return fail(err);
  }
  send_record(ContentType::application_data, data);
  return error_;
}

size_t ConnectionCore::write_into_size(size_t n) const {
  size_t size = pending_output().size();
  if (key_update_due()) {
    size += encoder_.wire_size(ContentType::handshake, handshake_->key_update_size());
  }
  return n == 0 ? size : size + encoder_.wire_size(ContentType::application_data, n);
}

Error ConnectionCore::write_into(std::span<const uint8_t> data, std::span<uint8_t> out,
                                 size_t& written) {
  written = 0;
  if (const Error err = check_writable(); err != Error::none) return err;
  if (out.size() < write_into_size(data.size())) return Error::buffer_too_small;
  if (key_update_due()) {
    if (const Error err = handshake_->send_key_update(false); err != Error::none) return fail(err);
  }

  // What was pending goes first; then the data is sealed right behind it.
  const std::span<const uint8_t> pending = pending_output();
  if (!pending.empty()) std::memcpy(out.data(), pending.data(), pending.size());
  const size_t moved = pending.size();
  if (!data.empty()) {
    const size_t sealed = encoder_.wire_size(ContentType::application_data, data.size());
    if (!encoder_.write(ContentType::application_data, data, out.subspan(moved, sealed))) {
      return fail(Error::internal_error);  // its alert waits in pending_output()
    }
    // Produced and taken by the transport at once.
    out_total_produced_ += sealed;
    out_total_consumed_ += sealed;
    written = sealed;
  }
  consume_output(moved);
  written += moved;
  return Error::none;
}

Error ConnectionCore::close() {
  if (write_state_ != WriteState::open || error_ != Error::none) return error_;
  if (!connected()) {
    // RFC 8446 section 6.1: user_canceled, then close_notify, abandons the
    // handshake. The peer's handshake messages that follow are still
    // authenticated and followed (its key changes lead to its close_notify),
    // but answered with nothing, and its application data is dropped.
    flush_flight();
    send_alert(kWarning, Alert::user_canceled);
    abandoned_ = true;
  }
  queue_close_notify();
  return error_;
}

void ConnectionCore::abort(Alert alert) {
  if (error_ != Error::none) return;
  if (write_state_ == WriteState::open) {
    write_state_ = WriteState::fatal_alert_sent;  // fail() then sends nothing more
    alert_sent_ = alert;
    send_alert(kFatal, alert);
  }
  fail(Error::aborted);
  plain_.release();  // the application ended it: nothing more is read
  plain_pos_ = 0;
}

Error ConnectionCore::key_update(bool request_peer) {
  if (error_ != Error::none) return error_;
  if (write_state_ != WriteState::open) return Error::write_after_close;
  if (!connected()) return Error::not_connected;
  const Error err = handshake_->send_key_update(request_peer);
  return error_is_fatal(err) ? fail(err) : err;
}

Error ConnectionCore::request_client_certificate() {
  if (error_ != Error::none) return error_;
  if (ctx_.role != Role::server) return Error::wrong_role;
  if (write_state_ != WriteState::open) return Error::write_after_close;
  if (!connected()) return Error::not_connected;
  if (read_state_ != ReadState::open) return Error::peer_closed;
  const Error err = handshake_->request_client_certificate();
  return error_is_fatal(err) ? fail(err) : err;
}

}  // namespace adieu
