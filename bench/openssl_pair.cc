// The OpenSSL half: libssl's SSL objects over a BIO that reads and writes the
// benchmark's ByteQueues, so both libraries see the same transport.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <string>

#include "byte_queue.h"
#include "meter.h"
#include "tls_pair.h"

namespace adieu::bench {
namespace {

using meter::SideScope;

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct SessionFree {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
using SessionPtr = std::unique_ptr<SSL_SESSION, SessionFree>;
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// --- A BIO over two ByteQueues ------------------------------------------------

struct QueueEnds {
  ByteQueue* in;   // what the peer sent us
  ByteQueue* out;  // what we send the peer
};

int queue_bio_write(BIO* bio, const char* data, size_t length, size_t* written) {
  BIO_clear_retry_flags(bio);
  auto* ends = static_cast<QueueEnds*>(BIO_get_data(bio));
  ends->out->append(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data), length));
  *written = length;
  return 1;
}

int queue_bio_read(BIO* bio, char* data, size_t length, size_t* read) {
  BIO_clear_retry_flags(bio);
  auto* ends = static_cast<QueueEnds*>(BIO_get_data(bio));
  if (ends->in->empty()) {
    BIO_set_retry_read(bio);
    *read = 0;
    return 0;
  }
  *read = ends->in->take(std::span<uint8_t>(reinterpret_cast<uint8_t*>(data), length));
  return 1;
}

long queue_bio_ctrl(BIO* bio, int command, long, void*) {
  auto* ends = static_cast<QueueEnds*>(BIO_get_data(bio));
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_PENDING:
      return ends == nullptr ? 0 : static_cast<long>(ends->in->size());
    default:
      return 0;
  }
}

const BIO_METHOD* queue_bio_method() {
  static BIO_METHOD* method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "bench queue");
    BIO_meth_set_write_ex(m, queue_bio_write);
    BIO_meth_set_read_ex(m, queue_bio_read);
    BIO_meth_set_ctrl(m, queue_bio_ctrl);
    return m;
  }();
  return method;
}

BioPtr new_queue_bio(QueueEnds* ends) {
  BioPtr bio(BIO_new(queue_bio_method()));
  if (bio) {
    BIO_set_data(bio.get(), ends);
    BIO_set_init(bio.get(), 1);
  }
  return bio;
}

// --- One pair ------------------------------------------------------------------

// libssl's reason for the last failure, from its error queue (cleared).
std::string ssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "no reason in the error queue";
  char reason[256];
  ERR_error_string_n(code, reason, sizeof reason);
  return reason;
}

// Runs one end's next step: the handshake while it is not done, then reads
// (which processes post-handshake messages such as NewSessionTicket).
bool step(SSL* ssl) {
  if (!SSL_is_init_finished(ssl)) {
    int rc = SSL_do_handshake(ssl);
    return rc == 1 || SSL_get_error(ssl, rc) == SSL_ERROR_WANT_READ;
  }
  unsigned char byte;
  size_t read = 0;
  if (SSL_read_ex(ssl, &byte, 1, &read) == 1) return false;  // no data is expected here
  return SSL_get_error(ssl, 0) == SSL_ERROR_WANT_READ;
}

class OpensslPair final : public TlsPair {
 public:
  // `carried_session`: see AdieuPair (null: full handshakes only).
  OpensslPair(SSL_CTX* client_ctx, SSL_CTX* server_ctx, SessionPtr* carried_session, int version)
      : client_ctx_(client_ctx),
        server_ctx_(server_ctx),
        carried_session_(carried_session),
        version_(version),
        client_ends_{&to_client_, &to_server_},
        server_ends_{&to_server_, &to_client_},
        client_bio_(new_queue_bio(&client_ends_)),
        server_bio_(new_queue_bio(&server_ends_)) {}

  ~OpensslPair() override { teardown(); }

  bool handshake() override {
    if (!client_bio_ || !server_bio_) return false;
    SessionPtr offered;
    if (carried_session_ != nullptr) offered = std::move(*carried_session_);
    {
      SideScope scope(Side::client);
      client_ = SSL_new(client_ctx_);
      if (client_ == nullptr) return false;
      SSL_set_bio(client_, client_bio_.get(), client_bio_.get());
      client_bio_.release();
      SSL_set_connect_state(client_);
      if (SSL_set_tlsext_host_name(client_, kServerName) != 1) return false;
      if (SSL_set1_host(client_, kServerName) != 1) return false;
      if (offered && SSL_set_session(client_, offered.get()) != 1) return false;
      if (!step(client_)) return false;
    }
    {
      SideScope scope(Side::server);
      server_ = SSL_new(server_ctx_);
      if (server_ == nullptr) return false;
      SSL_set_bio(server_, server_bio_.get(), server_bio_.get());
      server_bio_.release();
      SSL_set_accept_state(server_);
    }
    for (int flights = 0; flights < 16; ++flights) {
      if (!to_server_.empty()) {
        SideScope scope(Side::server);
        if (!step(server_)) return fail("server failed: " + ssl_error());
      }
      if (!to_client_.empty()) {
        SideScope scope(Side::client);
        if (!step(client_)) return fail("client failed: " + ssl_error());
      }
      if (to_server_.empty() && to_client_.empty()) {
        if (!SSL_is_init_finished(client_) || !SSL_is_init_finished(server_)) {
          return fail("nothing in flight, handshake not done");
        }
        if (SSL_get_verify_result(client_) != X509_V_OK) return fail("the chain did not verify");
        if (SSL_version(client_) != version_ || SSL_version(server_) != version_) {
          char text[96];
          std::snprintf(text, sizeof text,
                        "negotiated 0x%04x (client) / 0x%04x (server), not 0x%04x",
                        SSL_version(client_), SSL_version(server_), version_);
          return fail(text);
        }
        if ((SSL_session_reused(client_) == 1) != (offered != nullptr)) {
          return fail(offered ? "the offered session was not resumed" : "resumed unasked");
        }
        return true;
      }
    }
    return fail("no end to the handshake after 16 flights");
  }

  bool resumed() override { return client_ != nullptr && SSL_session_reused(client_) == 1; }

  bool send(Side from, std::span<const uint8_t> data, size_t times) override {
    SideScope scope(from);
    SSL* ssl = end(from);
    for (size_t i = 0; i < times; ++i) {
      size_t written = 0;
      if (SSL_write_ex(ssl, data.data(), data.size(), &written) != 1 || written != data.size()) {
        return false;
      }
    }
    return true;
  }

  int64_t receive_all(Side to, std::span<uint8_t> scratch, const Consumer& consume) override {
    SideScope scope(to);
    SSL* ssl = end(to);
    int64_t total = 0;
    for (;;) {
      size_t read = 0;
      if (SSL_read_ex(ssl, scratch.data(), scratch.size(), &read) == 1) {
        total += static_cast<int64_t>(read);
        if (consume) consume(scratch.first(read));
        continue;
      }
      return SSL_get_error(ssl, 0) == SSL_ERROR_WANT_READ ? total : -1;
    }
  }

  bool close() override {
    closed_ = true;
    {
      SideScope scope(Side::client);
      if (SSL_shutdown(client_) != 0) return false;  // sent, not yet received
    }
    {
      SideScope scope(Side::server);
      unsigned char byte;
      size_t read = 0;
      if (SSL_read_ex(server_, &byte, 1, &read) == 1 ||
          SSL_get_error(server_, 0) != SSL_ERROR_ZERO_RETURN) {
        return false;
      }
      if (SSL_shutdown(server_) != 1) return false;  // received and now sent
    }
    SideScope scope(Side::client);
    return SSL_shutdown(client_) == 1;
  }

  void teardown() override {
    if (carried_session_ != nullptr && client_ != nullptr && SSL_is_init_finished(client_)) {
      if (closed_ || close()) carried_session_->reset(SSL_get1_session(client_));
    }
    if (client_ != nullptr) {
      SideScope scope(Side::client);
      SSL_free(client_);
      client_ = nullptr;
    }
    if (server_ != nullptr) {
      SideScope scope(Side::server);
      SSL_free(server_);
      server_ = nullptr;
    }
  }

  std::string describe() override {
    if (client_ == nullptr) return "";
    std::string text = std::string(version_label(static_cast<uint16_t>(SSL_version(client_)))) +
                       " " + SSL_get_cipher_name(client_);
    const char* group = SSL_group_to_name(client_, SSL_get_negotiated_group(client_));
    text += std::string(" ") + (group != nullptr ? group : "?");
    int signature = NID_undef;
    if (SSL_get_peer_signature_type_nid(client_, &signature) == 1) {
      text += std::string(" ") + OBJ_nid2sn(signature);
    }
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(client_);
    text += ", " + std::to_string(chain == nullptr ? 0 : sk_X509_num(chain)) + " certs";
    SSL_SESSION* session = SSL_get_session(client_);
    text +=
        session != nullptr && SSL_SESSION_has_ticket(session) ? ", ticket received" : ", no ticket";
    if (SSL_session_reused(client_) == 1) text += ", resumed";
    return text;
  }

 private:
  SSL* end(Side side) const { return side == Side::client ? client_ : server_; }

  SSL_CTX* client_ctx_;
  SSL_CTX* server_ctx_;
  SessionPtr* carried_session_;
  int version_;  // TLS1_3_VERSION or TLS1_2_VERSION
  bool closed_ = false;
  ByteQueue to_server_;
  ByteQueue to_client_;
  QueueEnds client_ends_;
  QueueEnds server_ends_;
  BioPtr client_bio_;  // owned by the SSL once handshake() starts
  BioPtr server_bio_;
  SSL* client_ = nullptr;
  SSL* server_ = nullptr;
};

// --- Contexts ---------------------------------------------------------------------

bool fail(std::string* error, const std::string& what) {
  *error = what;
  unsigned long code = ERR_get_error();
  if (code != 0) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    *error += std::string(": ") + reason;
  }
  ERR_clear_error();
  return false;
}

// One version only (SSL_CTX_set_min/max_proto_version), x25519 (groups()), the
// scenario's suites: TLS 1.3's through SSL_CTX_set_ciphersuites, TLS 1.2's
// through SSL_CTX_set_cipher_list.
bool common_setup(SSL_CTX* ctx, const Scenario& scenario, std::string* error) {
  const int version = scenario.version == kTls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx, version) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, version) != 1) {
    return fail(error, std::string("cannot restrict to ") + version_label(scenario.version));
  }
  if (SSL_CTX_set1_groups_list(ctx, groups(scenario.version)) != 1) {
    return fail(error, std::string("cannot set ") + groups(scenario.version));
  }
  const int suites_set = scenario.version == kTls12
                             ? SSL_CTX_set_cipher_list(ctx, scenario.cipher_suites.c_str())
                             : SSL_CTX_set_ciphersuites(ctx, scenario.cipher_suites.c_str());
  if (suites_set != 1) return fail(error, "cannot set suites " + scenario.cipher_suites);
  if (scenario.release_buffers) SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  return true;
}

bool add_intermediate(SSL_CTX* ctx, const std::string& path, std::string* error) {
  BioPtr file(BIO_new_file(path.c_str(), "r"));
  if (!file) return fail(error, "cannot open " + path);
  X509Ptr cert(PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr));
  if (!cert) return fail(error, "no certificate in " + path);
  if (SSL_CTX_add0_chain_cert(ctx, cert.get()) != 1) return fail(error, "cannot add " + path);
  cert.release();
  return true;
}

class OpensslFactory final : public PairFactory {
 public:
  OpensslFactory(SslCtxPtr client_ctx, SslCtxPtr server_ctx, bool resuming, int version)
      : client_ctx_(std::move(client_ctx)),
        server_ctx_(std::move(server_ctx)),
        resuming_(resuming),
        version_(version) {}
  std::unique_ptr<TlsPair> make_pair() override {
    return std::make_unique<OpensslPair>(client_ctx_.get(), server_ctx_.get(),
                                         resuming_ ? &carried_session_ : nullptr, version_);
  }
  bool resuming() const override { return resuming_; }

 private:
  SslCtxPtr client_ctx_;
  SslCtxPtr server_ctx_;
  bool resuming_;
  int version_;
  SessionPtr carried_session_;  // freed before the contexts (declared after them)
};

class OpensslLibrary final : public Library {
 public:
  const char* name() const override { return "openssl"; }

  std::unique_ptr<PairFactory> factory(const Scenario& scenario, const CertFiles& files,
                                       std::string* error) override {
    SslCtxPtr client(SSL_CTX_new_ex(nullptr, nullptr, TLS_client_method()));
    SslCtxPtr server(SSL_CTX_new_ex(nullptr, nullptr, TLS_server_method()));
    if (!client || !server) return fail(error, "SSL_CTX_new"), nullptr;
    if (!common_setup(client.get(), scenario, error) ||
        !common_setup(server.get(), scenario, error)) {
      return nullptr;
    }
    if (SSL_CTX_load_verify_file(client.get(), files.root.c_str()) != 1) {
      return fail(error, "cannot load " + files.root), nullptr;
    }
    SSL_CTX_set_verify(client.get(), SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_use_certificate_file(server.get(), files.leaf.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(server.get(), files.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(server.get()) != 1) {
      return fail(error, "cannot load " + files.leaf + " / " + files.key), nullptr;
    }
    if (!add_intermediate(server.get(), files.intermediate, error)) return nullptr;
    // OpenSSL's default, stated: two stateless tickets after each full handshake.
    SSL_CTX_set_num_tickets(server.get(), 2);
    // Stateful TLS 1.3 resumption in OpenSSL: SSL_OP_NO_TICKET makes each
    // ticket an id into the server's session cache (on by default). In TLS
    // 1.2 it leaves the session id, also looked up in that cache.
    if (scenario.resumption == Resumption::stateful) {
      SSL_CTX_set_options(server.get(), SSL_OP_NO_TICKET);
    }
    // TLS 1.2 keeps both libraries' defaults: the client asks for an RFC 5077
    // ticket, the server seals the session into one (and libssl's also keeps
    // it in its session cache, as it does by default).
    return std::make_unique<OpensslFactory>(
        std::move(client), std::move(server), scenario.resumption != Resumption::none,
        scenario.version == kTls12 ? TLS1_2_VERSION : TLS1_3_VERSION);
  }
};

}  // namespace

std::unique_ptr<Library> make_openssl_library() {
  return std::make_unique<OpensslLibrary>();
}

}  // namespace adieu::bench
