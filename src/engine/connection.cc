// adieu::Connection: the public API over the core (engine/core/) and the
// handshake context (engine/handshake/handshake.h).
#include <adieu/connection.h>

#include "crypto/key_exchange.h"
#include "engine/connection_impl.h"
#include "engine/handshake/server_start.h"
#include "engine/handshake/tls12_client.h"
#include "engine/handshake/tls13_client.h"

namespace adieu {

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::client(std::shared_ptr<const Config> config,
                                               const std::string& server_name,
                                               std::shared_ptr<Session> session) {
  auto impl = std::make_unique<Impl>(Role::client, std::move(config));
  impl->ctx.server_name = server_name;
  if (impl->ctx.config.offers(0x0304)) {
    auto handshake = std::make_unique<Tls13Client>(impl->ctx, impl->core);
    const Error err = handshake->start(std::move(session));
    impl->core.start(std::move(handshake), err);
  } else {
    auto handshake = std::make_unique<Tls12Client>(impl->ctx, impl->core, messages::ClientHello(),
                                                   std::vector<uint8_t>());
    const Error err = handshake->start(std::move(session));
    impl->core.start(std::move(handshake), err);
  }
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

std::unique_ptr<Connection> Connection::server(std::shared_ptr<const Config> config) {
  auto impl = std::make_unique<Impl>(Role::server, std::move(config));
  impl->core.start(std::make_unique<ServerStart>(impl->ctx, impl->core));
  if (impl->ctx.config.client_hello_hook) impl->gate.emplace();
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

Error Connection::receive(std::span<const uint8_t> bytes) {
  if (!impl_->gate) return impl_->core.receive(bytes);
  if (impl_->gate->take(bytes) == ClientHelloGate::Status::waiting) return Error::none;
  return open_gate();
}
void Connection::receive_eof() {
  if (impl_->gate) open_gate();  // what was held goes first
  impl_->core.receive_eof();
}

// The client hello hook's decision, then the held bytes to the connection
// (Config::set_client_hello_hook).
Error Connection::open_gate() {
  std::optional<ClientHelloGate> gate = std::move(impl_->gate);
  impl_->gate.reset();
  if (gate->status() == ClientHelloGate::Status::complete) {
    ClientHelloDecision decision = impl_->ctx.config.client_hello_hook(gate->info());
    if (decision.refuse) {
      impl_->core.abort(*decision.refuse);
      return impl_->core.error();
    }
    if (decision.config && decision.config.get() != impl_->ctx.config_owner.get() &&
        decision.config->role() == Role::server) {
      // Nothing has been processed yet: the connection starts afresh with it.
      impl_ = std::make_unique<Impl>(Role::server, std::move(decision.config));
      impl_->core.start(std::make_unique<ServerStart>(impl_->ctx, impl_->core));
    }
  }
  return impl_->core.receive(gate->held());
}
std::span<const uint8_t> Connection::pending_output() const {
  return impl_->core.pending_output();
}
void Connection::consume_output(size_t n) {
  impl_->core.consume_output(n);
}
bool Connection::handshake_done() const {
  return impl_->ctx.established;
}
ReadResult Connection::read(std::span<uint8_t> out) {
  return impl_->core.read(out);
}
size_t Connection::pending_plaintext() const {
  return impl_->core.readable().size();
}
std::span<const uint8_t> Connection::readable() const {
  return impl_->core.readable();
}
void Connection::consume_readable(size_t n) {
  impl_->core.consume_readable(n);
}
Error Connection::write(std::span<const uint8_t> data) {
  return impl_->core.write(data);
}
size_t Connection::write_into_size(size_t n) const {
  return impl_->core.write_into_size(n);
}
Error Connection::write_into(std::span<const uint8_t> data, std::span<uint8_t> out,
                             size_t& written) {
  return impl_->core.write_into(data, out, written);
}
Error Connection::close() {
  return impl_->core.close();
}
void Connection::abort(Alert alert) {
  impl_->core.abort(alert);
}
Error Connection::key_update(bool request_peer) {
  return impl_->core.key_update(request_peer);
}

Role Connection::role() const {
  return impl_->ctx.role;
}
WriteState Connection::write_state() const {
  return impl_->core.write_state();
}
ReadState Connection::read_state() const {
  return impl_->core.read_state();
}
Error Connection::error() const {
  return impl_->core.error();
}
std::optional<Alert> Connection::alert_sent() const {
  return impl_->core.alert_sent();
}
std::optional<Alert> Connection::alert_received() const {
  return impl_->core.alert_received();
}
uint16_t Connection::version() const {
  return handshake_done() ? impl_->ctx.version : 0;
}
uint16_t Connection::cipher_suite() const {
  return impl_->ctx.cipher_suite;
}
const char* Connection::cipher_suite_name() const {
  return impl_->ctx.cipher_suite_name;
}
uint16_t Connection::group() const {
  return impl_->ctx.group;
}
size_t Connection::early_data_room() const {
  return impl_->core.handshake().early_data_room();
}
EarlyDataStatus Connection::early_data_status() const {
  return impl_->ctx.early_data;
}
uint64_t Connection::early_data_bytes() const {
  return impl_->ctx.early_data_bytes;
}
const char* Connection::group_name() const {
  const char* name = crypto::group_name(impl_->ctx.group);
  return name != nullptr ? name : "none";
}
std::span<const uint8_t> Connection::peer_key_share() const {
  return impl_->ctx.peer_key_share;
}
uint16_t Connection::peer_signature_scheme() const {
  return impl_->ctx.peer_scheme;
}
const std::string& Connection::alpn() const {
  return impl_->ctx.alpn;
}
std::span<const uint8_t> Connection::finished(bool local) const {
  return local ? impl_->ctx.finished_sent : impl_->ctx.finished_received;
}
const std::string& Connection::server_name() const {
  return impl_->ctx.server_name;
}
bool Connection::hello_retry_request() const {
  return impl_->ctx.retried;
}
bool Connection::resumed() const {
  return impl_->ctx.resumed;
}
std::shared_ptr<Session> Connection::session() const {
  const HandshakeContext& c = impl_->ctx;
  uint64_t now = c.config.clock_ms();
  for (auto it = c.new_sessions.rbegin(); it != c.new_sessions.rend(); ++it) {
    if ((*it)->resumable(now)) return *it;
  }
  return c.resumed_session;
}
int Connection::verify_result() const {
  return impl_->ctx.verify_result;
}
const std::string& Connection::verify_message() const {
  return impl_->ctx.verify_message;
}
const std::vector<std::vector<uint8_t>>& Connection::peer_certificates() const {
  // Built on first use: the parsed chain already holds each DER (shared by
  // every connection that saw the same certificate), so an idle connection
  // keeps no copy unless someone asks.
  std::vector<std::vector<uint8_t>>& ders = impl_->ctx.peer_certificates;
  if (ders.size() != impl_->ctx.peer_chain.size()) {
    ders.clear();
    for (const crypto::Certificate& cert : impl_->ctx.peer_chain) {
      ders.emplace_back(cert.der().begin(), cert.der().end());
    }
  }
  return ders;
}
const std::array<uint8_t, 32>& Connection::client_random() const {
  return impl_->ctx.client_random;
}
const std::array<uint8_t, 32>& Connection::server_random() const {
  return impl_->ctx.server_random;
}
bool Connection::export_keying_material(std::string_view label,
                                        std::optional<std::span<const uint8_t>> context,
                                        std::span<uint8_t> out) const {
  return impl_->core.handshake().export_keying_material(label, context, out);
}
std::span<const uint8_t> Connection::master_secret() const {
  return impl_->core.handshake().master_secret();
}
uint64_t Connection::key_updates_received() const {
  return impl_->ctx.key_updates_received;
}
uint64_t Connection::key_updates_sent() const {
  return impl_->ctx.key_updates_sent;
}
std::vector<ReceivedTicket> Connection::take_tickets() {
  return std::move(impl_->ctx.tickets);
}
size_t Connection::tickets_received() const {
  return impl_->ctx.tickets_received;
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
