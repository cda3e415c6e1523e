// quic::Server: routing, accepting, and the endpoint's own answers (Version
// Negotiation, Retry, stateless reset). See adieu/quic_server.h.
#include <adieu/quic_server.h>

#include <algorithm>
#include <deque>
#include <string>
#include <unordered_map>

#include "crypto/random.h"
#include "engine/quic/packet_header.h"
#include "engine/quic/retry.h"
#include "engine/quic/retry_token.h"
#include "engine/quic/stateless_reset.h"

namespace adieu::quic {
namespace {

// RFC 9000 section 14.1: a server discards a client Initial in a datagram
// smaller than this, and sends Version Negotiation only for datagrams at
// least this large (section 6.1).
constexpr size_t kMinInitialDatagramSize = 1200;
// Section 7.2: a client's first Destination Connection ID is at least 8
// bytes.
constexpr size_t kMinClientInitialDcidSize = 8;
// The size of the stateless resets we send when the trigger allows it: as
// large as a short header packet with a small payload, so a reset is not
// told apart by its size (section 10.3).
constexpr size_t kStatelessResetSize = 43;
// The endpoint's own answers wait here at most; beyond, new ones are dropped
// (a flood of packets for no connection must not grow memory).
constexpr size_t kMaxPendingAnswers = 1024;

using CidKey = std::string;

CidKey key_of(std::span<const uint8_t> cid) {
  return CidKey(cid.begin(), cid.end());
}

}  // namespace

PeerAddress PeerAddress::from(std::span<const uint8_t> raw) {
  PeerAddress address;
  address.size = static_cast<uint8_t>(std::min(raw.size(), address.bytes.size()));
  std::copy_n(raw.begin(), address.size, address.bytes.begin());
  return address;
}

bool operator==(const PeerAddress& a, const PeerAddress& b) {
  return std::ranges::equal(a.span(), b.span());
}

struct Server::Impl {
  struct Entry {
    std::shared_ptr<Connection> connection;
    PeerAddress peer;
    std::vector<CidKey> cids;  // every connection ID routed to it
  };

  std::shared_ptr<const Config> config;
  Settings settings;
  // `settings` with the endpoint's reset key: the connection IDs its
  // connections issue get tokens this endpoint can compute again.
  Settings connection_settings;
  ServerOptions options;
  std::unique_ptr<RetryTokenKey> retry_key;
  StatelessResetKey reset_key;
  std::vector<std::unique_ptr<Entry>> entries;
  std::unordered_map<CidKey, Entry*> routes;
  std::deque<std::shared_ptr<Connection>> accept_queue;
  std::deque<OutgoingDatagram> answers;
  size_t next_sender = 0;  // round-robin position in `entries`
  ServerStats stats;

  void queue_answer(const PeerAddress& to, std::vector<uint8_t> bytes) {
    if (bytes.empty() || answers.size() >= kMaxPendingAnswers) {
      ++stats.datagrams_dropped;
      return;
    }
    answers.push_back(OutgoingDatagram{to, std::move(bytes)});
  }

  std::vector<uint8_t> random_cid() {
    std::vector<uint8_t> cid(settings.connection_id_length);
    if (!crypto::system_random().fill(cid)) cid.clear();
    return cid;
  }

  void send_version_negotiation(const PacketHeader& header, const PeerAddress& from) {
    std::vector<uint8_t> bytes;
    wire::Writer w(bytes);
    uint8_t unused = 0;
    if (!crypto::system_random().fill(std::span<uint8_t>(&unused, 1))) return;
    // Section 6.1 and 17.2.1: the client's connection IDs swapped.
    const uint32_t versions[] = {kQuicVersion1};
    write_version_negotiation(w, unused, header.scid, header.dcid, versions);
    if (!w.ok()) return;
    ++stats.version_negotiations_sent;
    queue_answer(from, std::move(bytes));
  }

  void send_retry(const PacketHeader& header, const PeerAddress& from, Instant now) {
    const auto odcid = ConnectionId::from(header.dcid);
    const std::vector<uint8_t> scid = random_cid();
    const auto retry_scid = ConnectionId::from(scid);
    if (!odcid || !retry_scid || scid.empty()) return;
    const std::vector<uint8_t> token =
        retry_key->seal(RetryTokenContents{now, *odcid, *retry_scid}, from.span());
    if (token.empty()) return;
    std::vector<uint8_t> bytes;
    wire::Writer w(bytes);
    uint8_t unused = 0;
    if (!crypto::system_random().fill(std::span<uint8_t>(&unused, 1))) return;
    write_retry(w, unused, header.scid, scid, token, header.dcid);
    if (!w.ok()) return;
    ++stats.retries_sent;
    queue_answer(from, std::move(bytes));
  }

  // Section 10.3: a packet for a connection we do not know gets a reset
  // smaller than itself (so that two endpoints cannot answer each other's
  // resets forever, section 10.3.3), if that can still be a valid reset.
  void send_stateless_reset(const PacketHeader& header, size_t datagram_size,
                            const PeerAddress& from) {
    if (datagram_size <= kMinStatelessResetSize) {
      ++stats.datagrams_dropped;
      return;
    }
    const size_t size = std::min(datagram_size - 1, kStatelessResetSize);
    std::vector<uint8_t> bytes(size);
    if (!write_stateless_reset(reset_key.token(header.dcid), size, crypto::system_random(),
                               bytes)) {
      return;
    }
    ++stats.stateless_resets_sent;
    queue_answer(from, std::move(bytes));
  }

  void accept_initial(const PacketHeader& header, std::span<const uint8_t> datagram,
                      const PeerAddress& from, Instant now) {
    if (datagram.size() < kMinInitialDatagramSize || entries.size() >= options.max_connections) {
      ++stats.datagrams_dropped;
      return;
    }
    AcceptedInitial accepted;
    if (options.retry) {
      if (header.token.empty()) {
        send_retry(header, from, now);
        return;
      }
      const auto contents =
          retry_key->open(header.token, from.span(), now, options.retry_token_lifetime);
      // The client must come back to the Retry's connection ID (section 7.2).
      if (!contents || !std::ranges::equal(contents->retry_scid.span(), header.dcid)) {
        ++stats.invalid_tokens;
        ++stats.datagrams_dropped;
        return;
      }
      const auto odcid = contents->original_dcid.span();
      accepted.original_destination_cid.assign(odcid.begin(), odcid.end());
      accepted.retry_source_cid.emplace(header.dcid.begin(), header.dcid.end());
      accepted.address_validated = true;
    } else {
      if (header.dcid.size() < kMinClientInitialDcidSize) {
        ++stats.datagrams_dropped;
        return;
      }
      accepted.original_destination_cid.assign(header.dcid.begin(), header.dcid.end());
    }
    accepted.local_cid = random_cid();
    if (accepted.local_cid.empty()) return;
    accepted.stateless_reset_token = reset_key.token(accepted.local_cid);

    std::shared_ptr<Connection> connection =
        Connection::server(config, connection_settings, accepted, datagram, now);
    if (!connection) return;
    auto entry = std::make_unique<Entry>();
    entry->connection = connection;
    entry->peer = from;
    entry->cids = {key_of(accepted.local_cid), key_of(header.dcid)};
    for (const CidKey& cid : entry->cids) routes[cid] = entry.get();
    entries.push_back(std::move(entry));
    accept_queue.push_back(std::move(connection));
    ++stats.accepted;
  }

  void forget_closed() {
    const auto closed = [](const std::unique_ptr<Entry>& e) {
      return e->connection->state() == ConnectionState::closed;
    };
    for (const auto& entry : entries) {
      if (!closed(entry)) continue;
      for (const CidKey& cid : entry->cids) {
        const auto it = routes.find(cid);
        if (it != routes.end() && it->second == entry.get()) routes.erase(it);
      }
    }
    std::erase_if(entries, closed);
    if (next_sender >= entries.size()) next_sender = 0;
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

std::unique_ptr<Server> Server::create(std::shared_ptr<const Config> config,
                                       const Settings& settings, const ServerOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config);
  impl->settings = settings;
  // Routing needs connection IDs of a fixed, non-zero length.
  impl->settings.connection_id_length =
      std::clamp<size_t>(settings.connection_id_length, 8, kMaxConnectionIdSize);
  impl->options = options;
  impl->retry_key = RetryTokenKey::generate(crypto::system_random());
  if (impl->retry_key == nullptr) return nullptr;
  if (options.stateless_reset_key) {
    impl->reset_key = StatelessResetKey(*options.stateless_reset_key);
  } else if (!StatelessResetKey::generate(crypto::system_random(), impl->reset_key)) {
    return nullptr;
  }
  impl->connection_settings = impl->settings;
  impl->connection_settings.stateless_reset_key.emplace();
  std::ranges::copy(impl->reset_key.bytes(),
                    impl->connection_settings.stateless_reset_key->begin());
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

void Server::receive(std::span<const uint8_t> datagram, const PeerAddress& from, Instant now) {
  Impl& s = *impl_;
  PacketHeader header;
  const HeaderStatus status =
      parse_packet_header(datagram, s.settings.connection_id_length, header);
  if (status == HeaderStatus::malformed) {
    ++s.stats.datagrams_dropped;
    return;
  }
  if (status == HeaderStatus::unsupported_version) {
    if (datagram.size() >= kMinInitialDatagramSize) {
      s.send_version_negotiation(header, from);
    } else {
      ++s.stats.datagrams_dropped;
    }
    return;
  }
  if (const auto route = s.routes.find(key_of(header.dcid)); route != s.routes.end()) {
    route->second->connection->receive(datagram, now);
    return;
  }
  switch (header.type) {
    case PacketType::initial:
      s.accept_initial(header, datagram, from, now);
      return;
    case PacketType::one_rtt:
      s.send_stateless_reset(header, datagram.size(), from);
      return;
    default:  // 0-RTT or Handshake for no connection, Retry, Version Negotiation
      ++s.stats.datagrams_dropped;
      return;
  }
}

std::shared_ptr<Connection> Server::accept() {
  if (impl_->accept_queue.empty()) return nullptr;
  std::shared_ptr<Connection> connection = std::move(impl_->accept_queue.front());
  impl_->accept_queue.pop_front();
  return connection;
}

bool Server::send(Instant now, OutgoingDatagram& out) {
  Impl& s = *impl_;
  if (!s.answers.empty()) {
    out = std::move(s.answers.front());
    s.answers.pop_front();
    return true;
  }
  const size_t count = s.entries.size();
  for (size_t i = 0; i < count; ++i) {
    const size_t index = (s.next_sender + i) % count;
    Impl::Entry& entry = *s.entries[index];
    if (entry.connection->send(now, out.bytes)) {
      out.to = entry.peer;
      s.next_sender = (index + 1) % count;
      return true;
    }
  }
  return false;
}

Instant Server::next_timeout() const {
  Instant earliest = kNever;
  for (const auto& entry : impl_->entries) {
    earliest = std::min(earliest, entry->connection->next_timeout());
  }
  return earliest;
}

void Server::on_timeout(Instant now) {
  for (const auto& entry : impl_->entries) {
    if (entry->connection->next_timeout() <= now) entry->connection->on_timeout(now);
  }
  impl_->forget_closed();
}

size_t Server::connection_count() const {
  return impl_->entries.size();
}

ServerStats Server::stats() const {
  return impl_->stats;
}

}  // namespace adieu::quic
