// The adieu half: two adieu::Connection engines; the transport moves each
// end's pending_output() into the peer's queue (on the sender's account, as
// libssl's BIO write is) and hands the queue to the peer's receive(). With
// Scenario::zero_copy, application data goes through the zero-copy API
// instead: write_into() seals into the queue, readable() is read in place.
#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/error.h>

#include <cstdio>
#include <memory>
#include <string>

#include "byte_queue.h"
#include "meter.h"
#include "tls_pair.h"

namespace adieu::bench {
namespace {

using meter::SideScope;

// Hands everything `connection` has to send to the transport.
void flush(Connection& connection, ByteQueue& out) {
  for (auto pending = connection.pending_output(); !pending.empty();
       pending = connection.pending_output()) {
    out.append(pending);
    connection.consume_output(pending.size());
  }
}

// Seals `data` straight into the transport, behind anything pending.
bool write_into(Connection& connection, std::span<const uint8_t> data, ByteQueue& out) {
  size_t written = 0;
  const std::span<uint8_t> room = out.prepare(connection.write_into_size(data.size()));
  if (connection.write_into(data, room, written) != Error::none) return false;
  out.commit(written);
  return true;
}

// "server failed: ..." and what Connection::error() says.
std::string error_text(const char* side, const Connection& connection) {
  return std::string(side) + " failed: " + error_string(connection.error());
}

// Gives `connection` everything in flight towards it.
bool deliver(Connection& connection, ByteQueue& in) {
  if (in.empty()) return connection.error() == Error::none;
  Error error = connection.receive(in.data());
  in.clear();
  return error == Error::none;
}

class AdieuPair final : public TlsPair {
 public:
  // `carried_session` is the factory's slot for resumption (null: full
  // handshakes only): offered by this pair, refilled at its teardown.
  AdieuPair(std::shared_ptr<const Config> client_config,
            std::shared_ptr<const Config> server_config, std::shared_ptr<Session>* carried_session,
            bool zero_copy, uint16_t version)
      : client_config_(std::move(client_config)),
        server_config_(std::move(server_config)),
        carried_session_(carried_session),
        zero_copy_(zero_copy),
        version_(version) {}

  ~AdieuPair() override { teardown(); }

  bool handshake() override {
    std::shared_ptr<Session> offered;
    if (carried_session_ != nullptr) offered = std::move(*carried_session_);
    {
      SideScope scope(Side::client);
      client_ = Connection::client(client_config_, kServerName, offered);
      if (!client_) return fail("Connection::client failed");
      flush(*client_, to_server_);
    }
    {
      SideScope scope(Side::server);
      server_ = Connection::server(server_config_);
      if (!server_) return fail("Connection::server failed");
    }
    for (int flights = 0; flights < 16; ++flights) {
      if (!to_server_.empty()) {
        SideScope scope(Side::server);
        if (!deliver(*server_, to_server_)) return fail(error_text("server", *server_));
        flush(*server_, to_client_);
      }
      if (!to_client_.empty()) {
        SideScope scope(Side::client);
        if (!deliver(*client_, to_client_)) return fail(error_text("client", *client_));
        flush(*client_, to_server_);
      }
      if (to_server_.empty() && to_client_.empty()) {
        if (!client_->handshake_done() || !server_->handshake_done()) {
          return fail("nothing in flight, handshake not done");
        }
        if (client_->version() != version_ || server_->version() != version_) {
          char text[96];
          std::snprintf(text, sizeof text,
                        "negotiated 0x%04x (client) / 0x%04x (server), not 0x%04x",
                        client_->version(), server_->version(), version_);
          return fail(text);
        }
        if (client_->resumed() != (offered != nullptr)) {
          return fail(offered ? "the offered session was not resumed" : "resumed unasked");
        }
        return true;
      }
    }
    return fail("no end to the handshake after 16 flights");
  }

  bool resumed() override { return client_ && client_->resumed(); }

  bool send(Side from, std::span<const uint8_t> data, size_t times) override {
    SideScope scope(from);
    Connection& connection = end(from);
    ByteQueue& out = from == Side::client ? to_server_ : to_client_;
    for (size_t i = 0; i < times; ++i) {
      if (zero_copy_) {
        if (!write_into(connection, data, out)) return false;
        continue;
      }
      if (connection.write(data) != Error::none) return false;
      flush(connection, out);
    }
    return true;
  }

  int64_t receive_all(Side to, std::span<uint8_t> scratch, const Consumer& consume) override {
    SideScope scope(to);
    Connection& connection = end(to);
    if (!deliver(connection, to == Side::client ? to_client_ : to_server_)) return -1;
    int64_t total = 0;
    for (;;) {
      if (zero_copy_) {
        const std::span<const uint8_t> piece = connection.readable();
        if (!piece.empty()) {
          if (consume) consume(piece);
          total += static_cast<int64_t>(piece.size());
          connection.consume_readable(piece.size());
          continue;
        }
      }
      ReadResult result = connection.read(scratch);
      if (result.status == ReadStatus::data) {
        total += static_cast<int64_t>(result.bytes);
        if (consume) consume(scratch.first(result.bytes));
      } else {
        return result.status == ReadStatus::want_input ? total : -1;
      }
    }
  }

  bool close() override {
    closed_ = true;
    {
      SideScope scope(Side::client);
      if (client_->close() != Error::none) return false;
      flush(*client_, to_server_);
    }
    uint8_t byte;
    {
      SideScope scope(Side::server);
      if (!deliver(*server_, to_server_)) return false;
      if (server_->read(std::span<uint8_t>(&byte, 1)).status != ReadStatus::closed) return false;
      if (server_->close() != Error::none) return false;
      flush(*server_, to_client_);
    }
    SideScope scope(Side::client);
    if (!deliver(*client_, to_client_)) return false;
    return client_->read(std::span<uint8_t>(&byte, 1)).status == ReadStatus::closed;
  }

  void teardown() override {
    if (carried_session_ != nullptr && client_ && client_->handshake_done()) {
      if (closed_ || close()) *carried_session_ = client_->session();
    }
    if (client_) {
      SideScope scope(Side::client);
      client_.reset();
    }
    if (server_) {
      SideScope scope(Side::server);
      server_.reset();
    }
  }

  std::string describe() override {
    if (!client_) return "";
    char scheme[16];
    std::snprintf(scheme, sizeof scheme, "0x%04x", client_->peer_signature_scheme());
    return std::string(version_label(client_->version())) + " " + client_->cipher_suite_name() +
           " " + client_->group_name() + " " + scheme + ", " +
           std::to_string(client_->peer_certificates().size()) + " certs, " +
           (client_->version() == kTls12
                ? std::string(client_->session() ? "a session kept" : "no session kept")
                : std::to_string(client_->tickets_received()) + " tickets received") +
           (client_->resumed() ? ", resumed" : "");
  }

 private:
  Connection& end(Side side) { return side == Side::client ? *client_ : *server_; }

  std::shared_ptr<const Config> client_config_;
  std::shared_ptr<const Config> server_config_;
  std::shared_ptr<Session>* carried_session_;
  bool zero_copy_;
  uint16_t version_;
  bool closed_ = false;
  ByteQueue to_server_;
  ByteQueue to_client_;
  std::unique_ptr<Connection> client_;
  std::unique_ptr<Connection> server_;
};

class AdieuFactory final : public PairFactory {
 public:
  AdieuFactory(std::shared_ptr<const Config> client_config,
               std::shared_ptr<const Config> server_config, bool resuming, bool zero_copy,
               uint16_t version)
      : client_config_(std::move(client_config)),
        server_config_(std::move(server_config)),
        resuming_(resuming),
        zero_copy_(zero_copy),
        version_(version) {}
  std::unique_ptr<TlsPair> make_pair() override {
    return std::make_unique<AdieuPair>(client_config_, server_config_,
                                       resuming_ ? &carried_session_ : nullptr, zero_copy_,
                                       version_);
  }
  bool resuming() const override { return resuming_; }

 private:
  std::shared_ptr<const Config> client_config_;
  std::shared_ptr<const Config> server_config_;
  bool resuming_;
  bool zero_copy_;
  uint16_t version_;
  std::shared_ptr<Session> carried_session_;
};

// One version only, x25519 (groups()), the scenario's suites (TLS 1.2's by OpenSSL
// name through set_tls12_cipher_suites).
bool common_setup(Config& config, const Scenario& scenario, std::string* error) {
  if (!config.set_versions(scenario.version, scenario.version, error) ||
      !config.set_groups(groups(scenario.version), error)) {
    return false;
  }
  return scenario.version == kTls12 ? config.set_tls12_cipher_suites(scenario.cipher_suites, error)
                                    : config.set_cipher_suites(scenario.cipher_suites, error);
}

class AdieuLibrary final : public Library {
 public:
  const char* name() const override { return "adieu"; }

  std::unique_ptr<PairFactory> factory(const Scenario& scenario, const CertFiles& files,
                                       std::string* error) override {
    auto client = std::make_shared<Config>(Role::client);
    auto server = std::make_shared<Config>(Role::server);
    if (!common_setup(*client, scenario, error) || !common_setup(*server, scenario, error)) {
      return nullptr;
    }
    if (!client->load_ca_file(files.root, error)) return nullptr;
    client->set_verify(VerifyMode::required);
    if (!server->add_certificate(files.leaf, files.key, files.intermediate, error)) return nullptr;
    server->set_ticket_count(2);  // the default, as OpenSSL's
    // Stateless tickets are the default (per-config ticket keys); stateful
    // resumption keeps the sessions in a server cache.
    if (scenario.resumption == Resumption::stateful) {
      server->set_session_cache(std::make_shared<SessionCache>());
    }
    return std::make_unique<AdieuFactory>(std::move(client), std::move(server),
                                          scenario.resumption != Resumption::none,
                                          scenario.zero_copy, scenario.version);
  }
};

}  // namespace

std::unique_ptr<Library> make_adieu_library() {
  return std::make_unique<AdieuLibrary>();
}

}  // namespace adieu::bench
