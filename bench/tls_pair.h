// What the benchmark asks of each library: a client and a server connected by
// the in-memory transport (two ByteQueues), driven call by call, each call
// inside the SideScope of the end it is made on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "side.h"

namespace adieu::bench {

enum class Chain : uint8_t { ecdsa, rsa };

const char* chain_name(Chain chain);

// Protocol versions as wire values.
inline constexpr uint16_t kTls12 = 0x0303;
inline constexpr uint16_t kTls13 = 0x0304;

// "TLS 1.2", "TLS 1.3".
const char* version_label(uint16_t version);

// The groups both ends offer, in preference order: x25519 is what they
// negotiate. TLS 1.2 also lists P-256, the ECDSA leaf's curve, which a TLS 1.2
// client must name for the server to use that certificate (RFC 8422 section
// 5.1; libssl's server insists, adieu's does not check).
inline const char* groups(uint16_t version) {
  return version == kTls12 ? "X25519:P-256" : "X25519";
}

// How a pair's handshake begins. `none`: a full handshake. Otherwise the
// client offers the session (ticket) that the previous pair made by the same
// factory received, and the server opens it from a stateless ticket (sealed
// session state) or looks it up in its cache (stateful: the ticket is an id).
// Each ticket is used once, as TLS 1.3 clients should.
enum class Resumption : uint8_t { none, stateless, stateful };

const char* resumption_name(Resumption resumption);

// Everything that shapes a connection, the same for both libraries.
struct Scenario {
  Chain chain = Chain::ecdsa;
  // TLS 1.3 suites by IANA name, colon-separated, in preference order; for
  // TLS 1.2, suites by OpenSSL name ("ECDHE-ECDSA-AES128-GCM-SHA256").
  std::string cipher_suites = "TLS_AES_128_GCM_SHA256";
  // OpenSSL only: SSL_MODE_RELEASE_BUFFERS (adieu always releases idle buffers).
  bool release_buffers = false;
  Resumption resumption = Resumption::none;
  // adieu only: the application takes plaintext where it was decrypted
  // (readable / consume_readable) and has records sealed straight into the
  // transport's queue (write_into). OpenSSL has no such API and copies as always.
  bool zero_copy = false;
  // The only version both ends offer (kTls13 or kTls12). A pair whose ends
  // negotiated anything else fails its handshake.
  uint16_t version = kTls13;
};

// Where the certificates are (tests/data of the source tree by default).
struct CertFiles {
  std::string leaf;          // <chain>-leaf.pem
  std::string key;           // <chain>-leaf.key
  std::string intermediate;  // <chain>-chain.pem: the intermediate, sent after the leaf
  std::string root;          // <chain>-root.pem: the client's only trust anchor
};
CertFiles cert_files(const std::string& data_dir, Chain chain);

// The name the client connects to; in the leaf's subjectAltName.
inline constexpr const char* kServerName = "localhost";

// One client and one server. Not reusable: handshake() once, then any number
// of send()/receive_all(), then close() and/or teardown().
class TlsPair {
 public:
  virtual ~TlsPair() = default;
  // Creates both ends and runs the handshake until both are done, the client
  // has processed the server's NewSessionTickets and nothing is in flight.
  // With resumption, once the factory holds a session (from its previous
  // pair) the client offers it, and the handshake fails unless the server
  // resumed it. It also fails unless both ends negotiated the scenario's
  // version (SSL_version; Connection::version()). failure() says why.
  virtual bool handshake() = 0;
  // Whether the handshake resumed a session (the client's view).
  virtual bool resumed() = 0;
  // Writes `data` `times` times on `from` (one write call each, inside one
  // SideScope) and hands the records to the transport after each write.
  virtual bool send(Side from, std::span<const uint8_t> data, size_t times) = 0;
  // What the application does with the plaintext it receives: each piece, in order.
  using Consumer = std::function<void(std::span<const uint8_t>)>;
  // Takes everything in flight towards `to` and reads all the plaintext it
  // holds: into `scratch` (overwriting it) with a copying API, in place with
  // a zero-copy one. Each piece read is handed to `consume` when it is set.
  // Returns the plaintext byte count, or -1 on failure.
  virtual int64_t receive_all(Side to, std::span<uint8_t> scratch,
                              const Consumer& consume = {}) = 0;
  // A clean bidirectional close: the client sends close_notify, the server
  // reads it and answers with its own, the client reads that.
  virtual bool close() = 0;
  // Frees the client, then the server. With resumption it first closes
  // cleanly (unless close() was called) and hands the client's newest session
  // to the factory for the next pair: both libraries follow the man pages'
  // rule that a connection freed without close_notify leaves no resumable
  // session.
  virtual void teardown() = 0;
  // Negotiated parameters, for the report ("TLS 1.3 TLS_AES_128_GCM_SHA256 x25519 ...").
  virtual std::string describe() = 0;
  // Why the last handshake() failed, when the pair knows more than "it failed".
  const std::string& failure() const { return failure_; }

 protected:
  // Fails a handshake with a reason.
  bool fail(std::string reason) {
    failure_ = std::move(reason);
    return false;
  }

 private:
  std::string failure_;
};

// Contexts (SSL_CTX or adieu::Config) for one scenario; they are set up before
// anything is measured and shared by all the pairs.
class PairFactory {
 public:
  virtual ~PairFactory() = default;
  virtual std::unique_ptr<TlsPair> make_pair() = 0;
  // True when its pairs resume the session their predecessor received.
  virtual bool resuming() const = 0;
};

class Library {
 public:
  virtual ~Library() = default;
  virtual const char* name() const = 0;
  // Returns null and fills `error` when the scenario cannot be set up.
  virtual std::unique_ptr<PairFactory> factory(const Scenario& scenario, const CertFiles& files,
                                               std::string* error) = 0;
};

std::unique_ptr<Library> make_openssl_library();
std::unique_ptr<Library> make_adieu_library();

}  // namespace adieu::bench
