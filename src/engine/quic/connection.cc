// adieu::quic::Connection's public methods: creation of a client or server
// connection, the accessors, the stream API (a thin layer over
// StreamFrames) and the timers.
#include <algorithm>

#include "crypto/random.h"
#include "engine/config_impl.h"
#include "engine/quic/connection_impl.h"
#include "engine/quic/initial_secrets.h"
#include "engine/quic/stream_state.h"

namespace adieu::quic {

namespace {

// The length of the client's first Destination Connection ID (RFC 9000
// section 7.2: at least 8 bytes, unpredictable).
constexpr size_t kInitialDcidLength = 8;

uint64_t to_milliseconds(Duration d) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

StreamParameters stream_parameters(const Settings& s) {
  StreamParameters p;
  p.initial_max_data = s.initial_max_data;
  p.initial_max_stream_data_bidi_local = s.initial_max_stream_data;
  p.initial_max_stream_data_bidi_remote = s.initial_max_stream_data;
  p.initial_max_stream_data_uni = s.initial_max_stream_data;
  p.initial_max_streams_bidi = s.initial_max_streams_bidi;
  p.initial_max_streams_uni = s.initial_max_streams_uni;
  return p;
}

// The config's randomness (the system's, unless a test injected a source).
crypto::Random& random_of(const Config& config) {
  return *config.impl().random;
}

std::optional<ConnectionId> random_cid(crypto::Random& random, size_t length) {
  std::array<uint8_t, kMaxConnectionIdSize> bytes{};
  length = std::min(length, kMaxConnectionIdSize);
  if (!random.fill(std::span<uint8_t>(bytes.data(), length))) return std::nullopt;
  return ConnectionId::from(std::span<const uint8_t>(bytes.data(), length));
}

// The endpoint's key when it has one, else one for this connection alone.
StatelessResetKey reset_key_of(const Settings& settings, crypto::Random& random) {
  if (settings.stateless_reset_key) return StatelessResetKey(*settings.stateless_reset_key);
  StatelessResetKey key;
  StatelessResetKey::generate(random, key);
  return key;
}

bool install_initial_keys(Connection::Impl& c, std::span<const uint8_t> dcid) {
  const InitialSecrets secrets = derive_initial_secrets(dcid);
  const bool client = c.role == Role::client;
  return c.initial_read.install(kInitialSuite, (client ? secrets.server : secrets.client).span()) &&
         c.initial_write.install(kInitialSuite, (client ? secrets.client : secrets.server).span());
}

StreamPartState part_state(StreamIoState s, bool connection_ended) {
  if (s == StreamIoState::none || s == StreamIoState::wrong_dir) {
    return static_cast<StreamPartState>(s);
  }
  // OpenSSL's precedence: the connection's end comes right after the
  // direction (stream_state.h).
  if (connection_ended) return StreamPartState::connection_closed;
  return static_cast<StreamPartState>(s);
}

}  // namespace

Connection::Impl::Impl(Role r, std::shared_ptr<const Config> cfg, const Settings& s,
                       const ConnectionId& local_cid_, const StatelessResetKey& key, Instant now)
    : role(r),
      config(std::move(cfg)),
      settings(s),
      reset_key(key),
      last_now(now),
      cids(local_cid_, key),
      local_cid(local_cid_),
      recovery(RecoveryConfig{r == Role::server, RttEstimator::kDefaultInitialRtt,
                              std::max<uint64_t>(s.max_datagram_size, 1200)}),
      spaces{PacketSpace(PacketNumberSpace::initial, s.max_ack_delay),
             PacketSpace(PacketNumberSpace::handshake, s.max_ack_delay),
             PacketSpace(PacketNumberSpace::application, s.max_ack_delay)},
      streams(r, stream_parameters(s)) {
  settings.max_datagram_size = std::max<size_t>(settings.max_datagram_size, 1200);
  settings.connection_id_length = std::min(settings.connection_id_length, kMaxConnectionIdSize);
  restart_idle_timer(now);
}

TransportParameters Connection::Impl::local_transport_parameters() const {
  TransportParameters p;
  p.max_idle_timeout = to_milliseconds(settings.max_idle_timeout);
  p.initial_max_data = settings.initial_max_data;
  p.initial_max_stream_data_bidi_local = settings.initial_max_stream_data;
  p.initial_max_stream_data_bidi_remote = settings.initial_max_stream_data;
  p.initial_max_stream_data_uni = settings.initial_max_stream_data;
  p.initial_max_streams_bidi = settings.initial_max_streams_bidi;
  p.initial_max_streams_uni = settings.initial_max_streams_uni;
  p.max_ack_delay = to_milliseconds(settings.max_ack_delay);
  p.active_connection_id_limit = ConnectionIds::kActiveConnectionIdLimit;
  return p;
}

PacketProtection* Connection::Impl::write_keys(PacketNumberSpace s) {
  if (space(s).discarded) return nullptr;
  switch (s) {
    case PacketNumberSpace::initial:
      return initial_write.ready() ? &initial_write : nullptr;
    case PacketNumberSpace::handshake: {
      PacketProtection* p = tls ? tls->write_protection(Level::handshake) : nullptr;
      return p && p->ready() ? p : nullptr;
    }
    case PacketNumberSpace::application:
      return one_rtt.ready() ? &one_rtt.write() : nullptr;
  }
  return nullptr;
}

Instant Connection::Impl::next_timeout() const {
  if (state == ConnectionState::closed) return kNever;
  if (state == ConnectionState::closing || state == ConnectionState::draining) {
    return close_deadline;
  }
  Instant t = std::min(idle_deadline, recovery.timer());
  for (const PacketSpace& sp : spaces) {
    if (!sp.discarded) t = std::min(t, sp.acks.ack_deadline());
  }
  return t;
}

void Connection::Impl::on_timeout(Instant now) {
  if (state == ConnectionState::closed) return;
  if (state == ConnectionState::closing || state == ConnectionState::draining) {
    if (now >= close_deadline) state = ConnectionState::closed;
    return;
  }
  if (now >= idle_deadline) {
    terminate(CloseInfo::Cause::idle_timeout, now);
    return;
  }
  if (recovery.timer() > now) return;
  TimeoutOutcome outcome = recovery.on_timeout(now);
  if (outcome.kind == TimeoutOutcome::Kind::loss) {
    on_packets_lost(outcome.lost);
  } else if (outcome.kind == TimeoutOutcome::Kind::probe) {
    PacketSpace& sp = space(outcome.space);
    if (sp.discarded) return;
    sp.probes = std::max(sp.probes, outcome.probes);
    // RFC 9002 section 6.2.4: a probe carries data that may have been lost
    // if there is some: the CRYPTO data and HANDSHAKE_DONE in flight are
    // sent again.
    for (const auto& [id, content] : sent) {
      if (content.space != outcome.space) continue;
      for (const SentContent::CryptoRange& r : content.crypto) {
        sp.crypto.on_lost(r.offset, r.length, false);
      }
      if (content.handshake_done && !handshake_done_acked) handshake_done_owed = true;
    }
  }
}

Duration Connection::Impl::pto() const {
  return recovery.rtt().pto_base() + std::chrono::duration_cast<Duration>(settings.max_ack_delay);
}

void Connection::Impl::restart_idle_timer(Instant now) {
  // RFC 9000 section 10.1: the smaller of both sides' non-zero values, at
  // least three PTOs.
  Duration idle = settings.max_idle_timeout;
  if (peer_parameters && peer_parameters->max_idle_timeout != 0) {
    const Duration peer = std::chrono::milliseconds(peer_parameters->max_idle_timeout);
    idle = idle.count() == 0 ? peer : std::min(idle, peer);
  }
  if (idle.count() == 0) {
    idle_deadline = kNever;
    return;
  }
  idle_deadline = now + std::max(idle, 3 * pto());
}

// --- Connection

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Connection::~Connection() = default;

std::unique_ptr<Connection> Connection::client(std::shared_ptr<const Config> config,
                                               const Settings& settings,
                                               const std::string& server_name, Instant now,
                                               std::shared_ptr<Session> session) {
  crypto::Random& random = random_of(*config);
  const std::optional<ConnectionId> scid = random_cid(random, settings.connection_id_length);
  const std::optional<ConnectionId> dcid = random_cid(random, kInitialDcidLength);
  auto impl = std::make_unique<Impl>(Role::client, config, settings, scid.value_or(ConnectionId{}),
                                     reset_key_of(settings, random), now);
  Impl& c = *impl;
  std::unique_ptr<Connection> conn(new Connection(std::move(impl)));
  if (!scid || !dcid || !install_initial_keys(c, dcid->span())) {
    c.terminate(CloseInfo::Cause::local, now);
    c.close_info->transport = true;
    c.close_info->error_code = static_cast<uint64_t>(TransportError::internal_error);
    return conn;
  }
  c.original_dcid = *dcid;
  c.initial_dcid = *dcid;
  c.cids.set_initial_peer(*dcid);
  TransportParameters params = c.local_transport_parameters();
  params.initial_source_connection_id = *scid;
  c.tls = TlsHandshake::client(std::move(config), server_name, params, std::move(session));
  if (c.tls->error() != TransportError::no_error) {
    // Nothing was sent: the connection is over before it began.
    c.terminate(CloseInfo::Cause::local, now);
    c.close_info->transport = true;
    c.close_info->error_code = static_cast<uint64_t>(c.tls->error());
    c.close_info->tls_error = c.tls->tls_error();
    return conn;
  }
  c.pull_crypto();
  return conn;
}

std::unique_ptr<Connection> Connection::server(std::shared_ptr<const Config> config,
                                               const Settings& settings,
                                               const AcceptedInitial& accepted,
                                               std::span<const std::uint8_t> datagram,
                                               Instant now) {
  const std::optional<ConnectionId> local = ConnectionId::from(accepted.local_cid);
  const std::optional<ConnectionId> odcid = ConnectionId::from(accepted.original_destination_cid);
  auto impl = std::make_unique<Impl>(Role::server, config, settings, local.value_or(ConnectionId{}),
                                     reset_key_of(settings, random_of(*config)), now);
  Impl& c = *impl;
  std::unique_ptr<Connection> conn(new Connection(std::move(impl)));
  PacketHeader first;
  if (!local || !odcid ||
      parse_packet_header(datagram, settings.connection_id_length, first) != HeaderStatus::ok ||
      first.type != PacketType::initial) {
    c.terminate(CloseInfo::Cause::local, now);
    c.close_info->transport = true;
    c.close_info->error_code = static_cast<uint64_t>(TransportError::protocol_violation);
    return conn;
  }
  c.original_dcid = *odcid;
  c.initial_dcid = *ConnectionId::from(first.dcid);
  c.cids.set_initial_peer(*ConnectionId::from(first.scid));
  c.cids.set_initial_peer_token({});  // a client sends no token in its parameters
  c.address_validated = accepted.address_validated;
  if (!install_initial_keys(c, first.dcid)) {
    c.terminate(CloseInfo::Cause::local, now);
    return conn;
  }
  TransportParameters params = c.local_transport_parameters();
  params.original_destination_connection_id = *odcid;
  params.initial_source_connection_id = *local;
  if (accepted.retry_source_cid) {
    params.retry_source_connection_id = ConnectionId::from(*accepted.retry_source_cid);
  }
  params.stateless_reset_token = accepted.stateless_reset_token;
  c.tls = TlsHandshake::server(std::move(config), params);
  c.recovery.set_amplification_limited(!c.address_validated, now);
  c.receive(datagram, now);
  return conn;
}

void Connection::receive(std::span<const std::uint8_t> datagram, Instant now) {
  impl_->last_now = std::max(impl_->last_now, now);
  impl_->receive(datagram, now);
}
bool Connection::send(Instant now, std::vector<std::uint8_t>& out) {
  impl_->last_now = std::max(impl_->last_now, now);
  out.clear();
  return impl_->build_datagram(now, out);
}
Instant Connection::next_timeout() const {
  return impl_->next_timeout();
}
void Connection::on_timeout(Instant now) {
  impl_->last_now = std::max(impl_->last_now, now);
  impl_->on_timeout(now);
}

ConnectionState Connection::state() const {
  return impl_->state;
}
bool Connection::handshake_complete() const {
  return impl_->tls && impl_->tls->handshake_complete();
}
bool Connection::handshake_confirmed() const {
  return impl_->handshake_confirmed;
}
bool Connection::close_sent() const {
  return impl_->close_sent;
}
bool Connection::terminated() const {
  return impl_->state == ConnectionState::draining || impl_->state == ConnectionState::closed;
}
const std::optional<CloseInfo>& Connection::close_info() const {
  return impl_->close_info;
}
Role Connection::role() const {
  return impl_->role;
}

namespace {
const HandshakeContext* context_of(const Connection::Impl& c) {
  return c.tls ? &c.tls->context() : nullptr;
}
const std::string kEmpty;
}  // namespace

const std::string& Connection::alpn() const {
  const HandshakeContext* ctx = context_of(*impl_);
  return ctx ? ctx->alpn : kEmpty;
}
const std::string& Connection::server_name() const {
  const HandshakeContext* ctx = context_of(*impl_);
  return ctx ? ctx->server_name : kEmpty;
}
std::uint16_t Connection::cipher_suite() const {
  const HandshakeContext* ctx = context_of(*impl_);
  return ctx ? ctx->cipher_suite : 0;
}
const char* Connection::cipher_suite_name() const {
  const HandshakeContext* ctx = context_of(*impl_);
  return ctx ? ctx->cipher_suite_name : "none";
}
std::uint16_t Connection::group() const {
  const HandshakeContext* ctx = context_of(*impl_);
  return ctx ? ctx->group : 0;
}
bool Connection::resumed() const {
  const HandshakeContext* ctx = context_of(*impl_);
  return ctx && ctx->resumed;
}
int Connection::verify_result() const {
  const HandshakeContext* ctx = context_of(*impl_);
  return ctx ? ctx->verify_result : 0;
}
const std::vector<std::vector<std::uint8_t>>& Connection::peer_certificates() const {
  // Built on first use from the parsed chain, which holds each DER.
  const HandshakeContext* ctx = context_of(*impl_);
  std::vector<std::vector<uint8_t>>& ders = impl_->peer_certificates;
  if (ctx && ders.size() != ctx->peer_chain.size()) {
    ders.clear();
    for (const crypto::Certificate& cert : ctx->peer_chain) {
      ders.emplace_back(cert.der().begin(), cert.der().end());
    }
  }
  return ders;
}
std::shared_ptr<Session> Connection::session() const {
  const HandshakeContext* ctx = context_of(*impl_);
  if (!ctx) return nullptr;
  const uint64_t now = ctx->config.clock_ms();
  for (auto it = ctx->new_sessions.rbegin(); it != ctx->new_sessions.rend(); ++it) {
    if ((*it)->resumable(now)) return *it;
  }
  return ctx->resumed_session;
}
const std::vector<std::uint8_t>& Connection::new_token() const {
  return impl_->new_token;
}
ConnectionStats Connection::stats() const {
  ConnectionStats s = impl_->stats;
  s.smoothed_rtt = impl_->recovery.rtt().smoothed_rtt();
  s.min_rtt = impl_->recovery.rtt().min_rtt();
  s.key_updates = impl_->one_rtt.generation();
  return s;
}

// --- streams

std::optional<std::uint64_t> Connection::open_stream(bool bidirectional) {
  Impl& c = *impl_;
  if (!c.active() || !handshake_complete()) return std::nullopt;
  const std::optional<StreamId> id = c.streams.open(
      bidirectional ? StreamDirection::bidirectional : StreamDirection::unidirectional);
  if (!id) return std::nullopt;
  return id->value;
}
std::optional<std::uint64_t> Connection::accept_stream() {
  const std::optional<StreamId> id = impl_->streams.take_incoming();
  if (!id) return std::nullopt;
  return id->value;
}
std::size_t Connection::write(std::uint64_t stream, std::span<const std::uint8_t> data) {
  Impl& c = *impl_;
  if (!c.active()) return 0;
  const size_t n = c.streams.write(StreamId{stream}, data);
  if (n > 0 && std::find(c.written_streams.begin(), c.written_streams.end(), stream) ==
                   c.written_streams.end()) {
    c.written_streams.push_back(stream);
  }
  return n;
}
std::size_t Connection::send_buffered(std::uint64_t stream) const {
  return impl_->streams.send_buffered(StreamId{stream});
}
bool Connection::conclude(std::uint64_t stream) {
  Impl& c = *impl_;
  if (!c.active()) return false;
  if (!c.streams.conclude(StreamId{stream})) return false;
  if (std::find(c.written_streams.begin(), c.written_streams.end(), stream) ==
      c.written_streams.end()) {
    c.written_streams.push_back(stream);
  }
  return true;
}
bool Connection::reset_stream(std::uint64_t stream, std::uint64_t app_error_code) {
  return impl_->active() && impl_->streams.reset(StreamId{stream}, app_error_code);
}
bool Connection::stop_sending(std::uint64_t stream, std::uint64_t app_error_code) {
  return impl_->active() && impl_->streams.stop_sending(StreamId{stream}, app_error_code);
}
std::size_t Connection::read(std::uint64_t stream, std::span<std::uint8_t> out) {
  return impl_->streams.read(StreamId{stream}, out);
}
std::size_t Connection::readable(std::uint64_t stream) const {
  return impl_->streams.readable(StreamId{stream});
}
StreamPartState Connection::read_state(std::uint64_t stream) const {
  return part_state(impl_->streams.read_state(StreamId{stream}), !impl_->active());
}
std::uint64_t Connection::streams_available(bool bidirectional, bool local) const {
  const StreamDirection d =
      bidirectional ? StreamDirection::bidirectional : StreamDirection::unidirectional;
  const StreamMap& map = impl_->streams.streams();
  if (local) {
    const LocalStreamLimit& limit = map.local_limit(d);
    return limit.max() > limit.opened() ? limit.max() - limit.opened() : 0;
  }
  const RemoteStreamLimit& limit = map.remote_limit(d);
  return limit.max() > limit.opened() ? limit.max() - limit.opened() : 0;
}
bool Connection::read_finished(std::uint64_t stream) const {
  return impl_->streams.read_state(StreamId{stream}) == StreamIoState::finished;
}
StreamPartState Connection::write_state(std::uint64_t stream) const {
  return part_state(impl_->streams.write_state(StreamId{stream}), !impl_->active());
}
std::optional<std::uint64_t> Connection::read_error_code(std::uint64_t stream) const {
  return impl_->streams.read_error_code(StreamId{stream});
}
std::optional<std::uint64_t> Connection::write_error_code(std::uint64_t stream) const {
  return impl_->streams.write_error_code(StreamId{stream});
}

bool Connection::streams_flushed() const {
  // RFC 9000 section 3.1: the send part reached Data Recvd (or was reset,
  // whose data need not arrive); a released stream ended.
  const StreamMap& map = impl_->streams.streams();
  for (uint64_t id : impl_->written_streams) {
    const Stream* s = map.find(StreamId{id});
    if (!s || !s->send) continue;
    const SendState st = s->send->state();
    if (st == SendState::data_recvd || st == SendState::reset_sent ||
        st == SendState::reset_recvd) {
      continue;
    }
    if (s->send->buffered() == 0 && !s->send->fin_queued()) continue;
    return false;
  }
  return true;
}

// --- ending

void Connection::close(std::uint64_t app_error_code, std::string_view reason) {
  Impl& c = *impl_;
  if (!c.active()) return;
  CloseInfo info;
  info.cause = CloseInfo::Cause::local;
  info.transport = false;
  info.error_code = app_error_code;
  info.reason = std::string(reason);
  // The closing period runs from the last time the engine was told.
  c.close_with(std::move(info), c.last_now);
}

bool Connection::update_keys() {
  Impl& c = *impl_;
  if (!c.active() || !c.handshake_confirmed) return false;
  return c.one_rtt.initiate();
}

}  // namespace adieu::quic
