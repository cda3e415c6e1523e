// Record plumbing and the connection's end: how bytes in become records and
// records become plaintext, alerts and handshake messages; how each direction
// closes (RFC 8446 section 6.1).
#include <adieu/connection.h>

#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

#include "engine/connection_impl.h"

namespace adieu {

using record::ContentType;

namespace {
constexpr uint8_t kWarning = 1;
constexpr uint8_t kFatal = 2;
}  // namespace

Connection::Impl::Impl(Role r, std::shared_ptr<const Config> cfg)
    : role(r),
      config_owner(std::move(cfg)),
      config(config_owner->impl()),
      batched_random(*config.random),
      // Injected sources (tests, RFC 8448) are used byte for byte.
      random(config.random == &crypto::system_random() ? batched_random : *config.random) {}

Connection::Impl::~Impl() {
  apply_unclean_session_rule();
}

// ---------------------------------------------------------------------------
// Input
//
// Every whole record is processed as soon as it arrives. A protected record
// is opened straight from the caller's bytes into `plain`, so read()'s copy is
// the only one application data goes through; only a record split across
// receive() calls is gathered in `in` first.

bool Connection::Impl::reading() const {
  return read_state == ReadState::open && error == Error::none;
}

void Connection::Impl::receive_bytes(std::span<const uint8_t> bytes) {
  // Completes the record gathered in `in`: its header first, so a bad header
  // is refused as soon as it is whole, then its body.
  while (!in.empty() && !bytes.empty() && reading()) {
    const uint8_t* header = in.data();
    const size_t whole = in.size() < record::kHeaderSize
                             ? record::kHeaderSize
                             : record::kHeaderSize + (size_t{header[3]} << 8 | header[4]);
    const size_t take = std::min(whole - in.size(), bytes.size());
    in.append(bytes.first(take));
    bytes = bytes.subspan(take);
    if (decode_records(in.span()) > 0) in.release();
  }
  if (in.empty() && reading()) bytes = bytes.subspan(decode_records(bytes));
  if (reading()) in.append(bytes);  // the start of a record still to come
  settle();
}

size_t Connection::Impl::decode_records(std::span<const uint8_t> input) {
  // Room for all of it at once: plaintext is never longer than its records.
  if (decoder.keys().encrypted()) plain.reserve_more(input.size());
  size_t used = 0;
  while (reading() && used < input.size()) {
    size_t consumed = 0;
    record::Record rec;
    Error err = Error::none;
    const size_t plain_before = plain.size();
    const record::RecordDecoder::Status status =
        decoder.decode(input.subspan(used), plain, consumed, rec, err);
    if (status == record::RecordDecoder::Status::need_more) break;
    if (status == record::RecordDecoder::Status::error) {
      fail(err);
      break;
    }
    used += consumed;
    if (!handle_record(rec)) plain.truncate(plain_before);
  }
  return used;
}

void Connection::Impl::settle() {
  // Bytes after the end of the read side are never delivered.
  if (!reading()) in.release();
  if (plain_pos == plain.size()) {
    plain.release();  // idle connections hold no record buffer
    plain_pos = 0;
  }
  if (eof && plain.empty() && reading()) {
    // Everything received before the end has been processed and read (a
    // record cut short can never complete), and no close_notify came: the
    // peer's data may have been truncated.
    in.release();
    if (state == HandshakeState::connected) {
      read_state = ReadState::truncated;
      decoder.keys().wipe();
    } else {
      fail(Error::truncated);
    }
  }
}

bool Connection::Impl::handle_record(const record::Record& rec) {
  switch (rec.type) {
    case ContentType::change_cipher_spec:
      // RFC 8446 section 5: an unprotected change_cipher_spec of value 1 is
      // dropped during the handshake (middlebox compatibility), refused after.
      if (rec.was_encrypted || rec.fragment.size() != 1 || rec.fragment[0] != 1 ||
          state == HandshakeState::connected || state == HandshakeState::wait_client_hello ||
          !handshake_buffer.empty()) {
        fail(Error::unexpected_message);
      }
      return false;
    case ContentType::alert:
      handle_alert(rec.fragment);
      return false;
    case ContentType::handshake:
      handle_handshake_bytes(rec.fragment);
      return false;
    case ContentType::application_data:
      if (state == HandshakeState::abandoned) return false;  // we are leaving: drop it
      if (state != HandshakeState::connected || !handshake_buffer.empty()) {
        fail(Error::unexpected_message);
        return false;
      }
      return true;  // its content stays in `plain` for read()
    default:
      fail(Error::unexpected_message);
      return false;
  }
}

void Connection::Impl::handle_alert(std::span<const uint8_t> body) {
  if (body.size() != 2 || !handshake_buffer.empty()) {
    fail(body.size() != 2 ? Error::decode_error : Error::unexpected_message);
    return;
  }
  Alert alert = static_cast<Alert>(body[1]);
  if (alert == Alert::close_notify) {
    // RFC 8446 section 6.1: the peer will send no more; our write side stays
    // as it is (half-close) and nothing is sent in answer.
    read_state = ReadState::close_notify_received;
    alert_received = alert;
    decoder.keys().wipe();
    return;
  }
  if (alert == Alert::user_canceled) return;  // a close_notify should follow
  // Every other alert ends the connection, whatever its level (RFC 8446 section 6).
  alert_received = alert;
  fail(Error::peer_alert);
}

void Connection::Impl::handle_handshake_bytes(std::span<const uint8_t> data) {
  if (data.empty()) {
    fail(Error::unexpected_message);
    return;
  }
  if (state == HandshakeState::abandoned) return;
  std::span<const uint8_t> pending = data;
  if (!handshake_buffer.empty()) {
    handshake_buffer.insert(handshake_buffer.end(), data.begin(), data.end());
    pending = handshake_buffer;
  }
  size_t used = 0;
  bool keys_changed = false;
  while (error == Error::none && pending.size() - used >= messages::kHandshakeHeaderSize) {
    if (keys_changed) {
      // A message after a key change in the same record: RFC 8446 section 5.1.
      fail(Error::unexpected_message);
      return;
    }
    const uint8_t* p = pending.data() + used;
    size_t length = (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    if (length > messages::kMaxHandshakeMessage) {
      fail(Error::illegal_parameter);
      return;
    }
    size_t total = messages::kHandshakeHeaderSize + length;
    if (pending.size() - used < total) break;
    uint64_t key_epoch_before = read_key_epoch;
    Error err =
        handle_message(static_cast<messages::HandshakeType>(p[0]), pending.subspan(used, total));
    if (err != Error::none) {
      fail(err);
      return;
    }
    used += total;
    keys_changed = read_key_epoch != key_epoch_before;
    if (state == HandshakeState::abandoned || read_state != ReadState::open) return;
  }
  if (keys_changed && used != pending.size()) {
    fail(Error::unexpected_message);
    return;
  }
  if (pending.data() == handshake_buffer.data()) {
    handshake_buffer.erase(handshake_buffer.begin(),
                           handshake_buffer.begin() + static_cast<ptrdiff_t>(used));
  } else {
    handshake_buffer.assign(pending.begin() + static_cast<ptrdiff_t>(used), pending.end());
  }
  flush_flight();
}

// ---------------------------------------------------------------------------
// Output

bool Connection::Impl::send_record(ContentType type, std::span<const uint8_t> data) {
  size_t before = out.size();
  if (!encoder.write(type, data, out)) {
    fail(Error::internal_error);
    return false;
  }
  out_total_produced += out.size() - before;
  return true;
}

void Connection::Impl::send_handshake(const std::vector<uint8_t>& msg) {
  if (transcript) transcript->update(msg);
  flight.insert(flight.end(), msg.begin(), msg.end());
}

void Connection::Impl::flush_flight() {
  if (flight.empty() || error != Error::none) {
    flight.clear();
    return;
  }
  send_record(ContentType::handshake, flight);
  flight.clear();
  std::vector<uint8_t>().swap(flight);
}

void Connection::Impl::send_change_cipher_spec() {
  static constexpr uint8_t kRecord[] = {20, 3, 3, 0, 1, 1};
  out.append(kRecord);
  out_total_produced += sizeof(kRecord);
  sent_change_cipher_spec = true;
}

void Connection::Impl::send_alert(uint8_t level, Alert alert) {
  flight.clear();
  const uint8_t body[2] = {level, static_cast<uint8_t>(alert)};
  send_record(ContentType::alert, body);
}

Error Connection::Impl::fail(Error err) {
  if (error != Error::none) return error;
  error = err;
  state = HandshakeState::failed;
  switch (err) {
    case Error::peer_alert:
      read_state = ReadState::fatal_alert_received;
      break;
    case Error::truncated:
      read_state = ReadState::truncated;
      break;
    default:
      if (read_state == ReadState::open) read_state = ReadState::error;
      // No alert after our close_notify (as OpenSSL since PR #15159).
      if (write_state == WriteState::open) {
        alert_sent = error_alert(err);
        send_alert(kFatal, *alert_sent);
        write_state = WriteState::fatal_alert_sent;
      }
      break;
  }
  decoder.keys().wipe();
  encoder.keys().wipe();
  return err;
}

void Connection::Impl::queue_close_notify() {
  flush_flight();
  send_alert(kWarning, Alert::close_notify);  // warning level, as OpenSSL (R46)
  write_state = WriteState::close_notify_queued;
  close_notify_end = out_total_produced;
  encoder.keys().wipe();  // this direction is closed
  note_output_consumed();
}

void Connection::Impl::note_output_consumed() {
  if (write_state == WriteState::close_notify_queued && out_total_consumed >= close_notify_end) {
    write_state = WriteState::close_notify_sent;
  }
}

void Connection::Impl::keylog(const char* label, const crypto::Secret& secret) const {
  if (!config.keylog) return;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string line(label);
  line += ' ';
  for (uint8_t b : client_random) {
    line += kHex[b >> 4];
    line += kHex[b & 15];
  }
  line += ' ';
  for (uint8_t b : secret.span()) {
    line += kHex[b >> 4];
    line += kHex[b & 15];
  }
  config.keylog(line);
}

bool Connection::Impl::install_read_keys(const crypto::Secret& secret) {
  ++read_key_epoch;
  if (!decoder.keys().install(suite->suite, secret)) {
    fail(Error::internal_error);
    return false;
  }
  return true;
}

bool Connection::Impl::install_write_keys(const crypto::Secret& secret) {
  flush_flight();
  if (!encoder.keys().install(suite->suite, secret)) {
    fail(Error::internal_error);
    return false;
  }
  return true;
}

bool Connection::Impl::take_finished_key(crypto::Secret& secret, crypto::Secret& finished_key) {
  finished_key = record::KeySchedule::finished_key(suite->hash, secret.span());
  secret.wipe();
  if (!finished_key.empty()) return true;
  fail(Error::internal_error);
  return false;
}

// ---------------------------------------------------------------------------
// Public API

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::client(std::shared_ptr<const Config> config,
                                               const std::string& server_name,
                                               std::shared_ptr<Session> session) {
  auto impl = std::make_unique<Impl>(Role::client, std::move(config));
  impl->server_name = server_name;
  std::unique_ptr<Connection> conn(new Connection(std::move(impl)));
  conn->impl_->start_client(std::move(session));
  return conn;
}

std::unique_ptr<Connection> Connection::server(std::shared_ptr<const Config> config) {
  auto impl = std::make_unique<Impl>(Role::server, std::move(config));
  impl->state = HandshakeState::wait_client_hello;
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

Error Connection::receive(std::span<const uint8_t> bytes) {
  Impl& c = *impl_;
  if (c.read_state != ReadState::open || c.error != Error::none || c.eof) return c.error;
  c.receive_bytes(bytes);
  return c.error;
}

void Connection::receive_eof() {
  impl_->eof = true;
  impl_->settle();
}

std::span<const uint8_t> Connection::pending_output() const {
  return {impl_->out.data() + impl_->out_pos, impl_->out.size() - impl_->out_pos};
}

void Connection::consume_output(size_t n) {
  Impl& c = *impl_;
  n = std::min(n, c.out.size() - c.out_pos);
  c.out_pos += n;
  c.out_total_consumed += n;
  if (c.out_pos == c.out.size()) {
    c.out.release();  // idle connections hold no record buffer
    c.out_pos = 0;
  }
  c.note_output_consumed();
}

// True once the handshake completed, even if the connection failed later.
bool Connection::handshake_done() const {
  return impl_->established;
}

ReadResult Connection::read(std::span<uint8_t> out) {
  const std::span<const uint8_t> data = readable();
  if (!data.empty()) {
    const size_t n = std::min(out.size(), data.size());
    if (n > 0) std::memcpy(out.data(), data.data(), n);
    consume_readable(n);
    return {n, ReadStatus::data};
  }
  const Impl& c = *impl_;
  switch (c.read_state) {
    case ReadState::open:
      return {0, c.error == Error::none ? ReadStatus::want_input : ReadStatus::error};
    case ReadState::close_notify_received:
      return {0, ReadStatus::closed};
    case ReadState::truncated:
      return {0, ReadStatus::truncated};
    default:
      return {0, ReadStatus::error};
  }
}

size_t Connection::pending_plaintext() const {
  return impl_->plain.size() - impl_->plain_pos;
}

std::span<const uint8_t> Connection::readable() const {
  return impl_->plain.span().subspan(impl_->plain_pos);
}

void Connection::consume_readable(size_t n) {
  Impl& c = *impl_;
  c.plain_pos += std::min(n, c.plain.size() - c.plain_pos);
  c.settle();
}

Error Connection::Impl::check_writable() const {
  if (error != Error::none) return error;
  if (write_state != WriteState::open) return Error::write_after_close;
  if (state != HandshakeState::connected) return Error::not_connected;
  return Error::none;
}

Error Connection::write(std::span<const uint8_t> data) {
  Impl& c = *impl_;
  if (const Error err = c.check_writable(); err != Error::none) return err;
  if (data.empty()) return Error::none;
  if (c.encoder.needs_key_update()) c.send_key_update(false);
  c.send_record(ContentType::application_data, data);
  return c.error;
}

size_t Connection::write_into_size(size_t n) const {
  const Impl& c = *impl_;
  size_t size = pending_output().size();
  if (c.encoder.needs_key_update()) {
    size += c.encoder.wire_size(ContentType::handshake, messages::KeyUpdate::kSize);
  }
  return n == 0 ? size : size + c.encoder.wire_size(ContentType::application_data, n);
}

Error Connection::write_into(std::span<const uint8_t> data, std::span<uint8_t> out,
                             size_t& written) {
  Impl& c = *impl_;
  written = 0;
  if (const Error err = c.check_writable(); err != Error::none) return err;
  if (out.size() < write_into_size(data.size())) return Error::buffer_too_small;
  if (c.encoder.needs_key_update() && c.send_key_update(false) != Error::none) return c.error;

  // What was pending goes first; then the data is sealed right behind it.
  const std::span<const uint8_t> pending = pending_output();
  if (!pending.empty()) std::memcpy(out.data(), pending.data(), pending.size());
  const size_t moved = pending.size();
  if (!data.empty()) {
    const size_t sealed = c.encoder.wire_size(ContentType::application_data, data.size());
    if (!c.encoder.write(ContentType::application_data, data, out.subspan(moved, sealed))) {
      return c.fail(Error::internal_error);  // its alert waits in pending_output()
    }
    // Produced and taken by the transport at once.
    c.out_total_produced += sealed;
    c.out_total_consumed += sealed;
    written = sealed;
  }
  consume_output(moved);
  written += moved;
  return Error::none;
}

Error Connection::close() {
  Impl& c = *impl_;
  if (c.write_state == WriteState::fatal_alert_sent) return c.error;
  if (c.write_state != WriteState::open) return c.error;
  if (c.error != Error::none) return c.error;
  if (c.state != HandshakeState::connected) {
    // RFC 8446 section 6.1: user_canceled, then close_notify, abandons the handshake.
    c.flush_flight();
    c.send_alert(kWarning, Alert::user_canceled);
    c.state = HandshakeState::abandoned;
    c.handshake_buffer.clear();
  }
  c.queue_close_notify();
  return c.error;
}

void Connection::abort(Alert alert) {
  Impl& c = *impl_;
  if (c.error != Error::none) return;
  if (c.write_state == WriteState::open) {
    c.write_state = WriteState::fatal_alert_sent;  // fail() then sends nothing more
    c.alert_sent = alert;
    c.send_alert(kFatal, alert);
  }
  c.fail(Error::aborted);
  c.plain.release();  // the application ended it: nothing more is read
  c.plain_pos = 0;
}

Error Connection::key_update(bool request_peer) {
  Impl& c = *impl_;
  if (c.error != Error::none) return c.error;
  if (c.write_state != WriteState::open) return Error::write_after_close;
  if (c.state != HandshakeState::connected) return Error::not_connected;
  return c.send_key_update(request_peer);
}

Role Connection::role() const {
  return impl_->role;
}
WriteState Connection::write_state() const {
  return impl_->write_state;
}
ReadState Connection::read_state() const {
  return impl_->read_state;
}
Error Connection::error() const {
  return impl_->error;
}
std::optional<Alert> Connection::alert_sent() const {
  return impl_->alert_sent;
}
std::optional<Alert> Connection::alert_received() const {
  return impl_->alert_received;
}
uint16_t Connection::version() const {
  return handshake_done() ? 0x0304 : 0;
}
uint16_t Connection::cipher_suite() const {
  return impl_->suite ? static_cast<uint16_t>(impl_->suite->suite) : 0;
}
const char* Connection::cipher_suite_name() const {
  return impl_->suite ? impl_->suite->name : "none";
}
uint16_t Connection::group() const {
  return impl_->group;
}
const char* Connection::group_name() const {
  switch (impl_->group) {
    case 0x001d:
      return "x25519";
    case 0x0017:
      return "secp256r1";
    case 0x0018:
      return "secp384r1";
    default:
      return "none";
  }
}
uint16_t Connection::peer_signature_scheme() const {
  return impl_->peer_scheme;
}
const std::string& Connection::alpn() const {
  return impl_->alpn;
}
const std::string& Connection::server_name() const {
  return impl_->server_name;
}
bool Connection::hello_retry_request() const {
  return impl_->retried;
}
bool Connection::resumed() const {
  return impl_->resumed;
}
std::shared_ptr<Session> Connection::session() const {
  const Impl& c = *impl_;
  uint64_t now = c.config.clock_ms();
  for (auto it = c.new_sessions.rbegin(); it != c.new_sessions.rend(); ++it) {
    if ((*it)->resumable(now)) return *it;
  }
  return c.resumed_session;
}
int Connection::verify_result() const {
  return impl_->verify_result;
}
const std::string& Connection::verify_message() const {
  return impl_->verify_message;
}
const std::vector<std::vector<uint8_t>>& Connection::peer_certificates() const {
  // Built on first use: the parsed chain already holds each DER (shared by
  // every connection that saw the same certificate), so an idle connection
  // keeps no copy unless someone asks.
  std::vector<std::vector<uint8_t>>& ders = impl_->peer_certificates;
  if (ders.size() != impl_->peer_chain.size()) {
    ders.clear();
    for (const crypto::Certificate& cert : impl_->peer_chain) {
      ders.emplace_back(cert.der().begin(), cert.der().end());
    }
  }
  return ders;
}
uint64_t Connection::key_updates_received() const {
  return impl_->key_updates_received;
}
uint64_t Connection::key_updates_sent() const {
  return impl_->key_updates_sent;
}
std::vector<ReceivedTicket> Connection::take_tickets() {
  return std::move(impl_->tickets);
}
size_t Connection::tickets_received() const {
  return impl_->tickets_received;
}

const char* write_state_name(WriteState state) {
  switch (state) {
    case WriteState::open:
      return "open";
    case WriteState::close_notify_queued:
      return "close_notify_queued";
    case WriteState::close_notify_sent:
      return "close_notify_sent";
    case WriteState::fatal_alert_sent:
      return "fatal_alert_sent";
  }
  return "unknown";
}

const char* read_state_name(ReadState state) {
  switch (state) {
    case ReadState::open:
      return "open";
    case ReadState::close_notify_received:
      return "close_notify_received";
    case ReadState::fatal_alert_received:
      return "fatal_alert_received";
    case ReadState::truncated:
      return "truncated";
    case ReadState::error:
      return "error";
  }
  return "unknown";
}

}  // namespace adieu
