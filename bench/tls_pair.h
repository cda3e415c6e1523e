// What the benchmark asks of each library: a client and a server connected by
// the in-memory transport (two ByteQueues), driven call by call, each call
// inside the SideScope of the end it is made on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "side.h"

namespace adieu::bench {

enum class Chain : uint8_t { ecdsa, rsa };

const char* chain_name(Chain chain);

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
  // TLS 1.3 suites by IANA name, colon-separated, in preference order.
  std::string cipher_suites = "TLS_AES_128_GCM_SHA256";
  // OpenSSL only: SSL_MODE_RELEASE_BUFFERS (adieu always releases idle buffers).
  bool release_buffers = false;
  Resumption resumption = Resumption::none;
  // adieu only: the application takes plaintext where it was decrypted
  // (readable / consume_readable) and has records sealed straight into the
  // transport's queue (write_into). OpenSSL has no such API and copies as always.
  bool zero_copy = false;
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
  // resumed it.
  virtual bool handshake() = 0;
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
  // Negotiated parameters, for the report ("TLS_AES_128_GCM_SHA256 x25519 ...").
  virtual std::string describe() = 0;
};

// Contexts (SSL_CTX or adieu::Config) for one scenario; they are set up before
// anything is measured and shared by all the pairs.
class PairFactory {
 public:
  virtual ~PairFactory() = default;
  virtual std::unique_ptr<TlsPair> make_pair() = 0;
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
