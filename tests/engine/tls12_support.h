// What the TLS 1.2 engine tests share: configs limited to TLS 1.2, records
// and handshake messages read off the wire, ClientHello rewriting, and a
// "ghost" that knows a connection's TLS 1.2 keys (from the key log) and so
// can seal records as either side would, or open what either side sent.
//
// The ghost is built independently of the engine's record protection, from
// RFC 5246 section 6.2.3.3 (additional data), RFC 5288 section 3 (AES-GCM's
// explicit nonce) and RFC 7905 section 2 (ChaCha20-Poly1305's nonce), so a
// record it opens shows that the engine sealed it as the RFCs say.
#pragma once

#include <adieu/config.h>
#include <adieu/connection.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/aead.h"
#include "crypto/random.h"
#include "crypto/secret.h"
#include "crypto/tls12_suite.h"
#include "messages/messages.h"
#include "pair.h"

namespace adieu::test {

constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;

constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kAlertRecord = 21;
constexpr uint8_t kHandshakeRecord = 22;
constexpr uint8_t kApplicationData = 23;

// An AES-GCM record adds an 8-byte explicit nonce and a 16-byte tag to its
// content (RFC 5288 section 3), a ChaCha20-Poly1305 record the tag only.
constexpr size_t kGcmOverhead = 8 + 16;
constexpr size_t kChaChaOverhead = 16;
// A TLS 1.2 alert under AES-GCM: header, explicit nonce, 2 bytes, tag.
constexpr size_t kGcmAlertSize = 5 + kGcmOverhead + 2;

// Limits `cfg` to TLS 1.2.
void only_tls12(Config& cfg);
// TLS 1.2-only configs (pair.h's, limited).
std::shared_ptr<Config> client_config12();
std::shared_ptr<Config> server_config12(const std::string& cert = "ecdsa");
// A TLS 1.2-only pair (default certificate) after a checked handshake.
Pair connected12();

// --- the wire ------------------------------------------------------------------

struct WireRecord {
  uint8_t type = 0;
  uint16_t version = 0;
  std::vector<uint8_t> body;
  size_t offset = 0;  // where the record starts in the bytes it was read from
  size_t size() const { return 5 + body.size(); }
};
// The whole records of `wire` (a partial record at the end is an error).
std::vector<WireRecord> split_records(std::span<const uint8_t> wire);
std::vector<uint8_t> make_record(uint8_t type, uint16_t version, std::span<const uint8_t> body);
std::vector<uint8_t> concat(std::initializer_list<std::span<const uint8_t>> parts);

// One handshake message, header included.
struct HandshakeMessage {
  uint8_t type = 0;
  std::vector<uint8_t> bytes;
  std::span<const uint8_t> body() const { return std::span<const uint8_t>(bytes).subspan(4); }
};
// The whole messages of plaintext handshake records' bodies.
std::vector<HandshakeMessage> split_messages(std::span<const uint8_t> handshake_bytes);
// The handshake messages of every plaintext handshake record of `wire`.
std::vector<HandshakeMessage> plaintext_messages(std::span<const uint8_t> wire);
std::vector<uint8_t> make_message(uint8_t type, std::span<const uint8_t> body);

// The ClientHello in a client's first flight (one record), parsed.
messages::ClientHello parse_client_hello(std::span<const uint8_t> flight);
// The ServerHello at the front of a server's first flight, parsed.
messages::ServerHello parse_server_hello(std::span<const uint8_t> flight);
// The client's first flight with its ClientHello changed by `edit`: every
// length (message, record) is made again.
std::vector<uint8_t> rewrite_client_hello(std::span<const uint8_t> flight,
                                          const std::function<void(messages::ClientHello&)>& edit);
// The same for the ServerHello at the front of a server's first flight.
std::vector<uint8_t> rewrite_server_hello(std::span<const uint8_t> flight,
                                          const std::function<void(messages::ServerHello&)>& edit);

// --- keys ----------------------------------------------------------------------

// Collects a config's key log lines.
struct KeyLog {
  std::shared_ptr<std::vector<std::string>> lines = std::make_shared<std::vector<std::string>>();
  void attach(Config& cfg);
  // The master secret of the last "CLIENT_RANDOM" line; empty if none.
  std::vector<uint8_t> master_secret() const;
  std::vector<uint8_t> client_random() const;
  // The secret of the first line with `label` (TLS 1.3's
  // "CLIENT_HANDSHAKE_TRAFFIC_SECRET", ...); a test failure and empty if none.
  crypto::Secret secret(const std::string& label) const;
};

// Seals and opens the records of a TLS 1.2 connection whose master secret
// and randoms it was given. `seq[role]` is the sequence number of the next
// record that role sends (both start at 0, the Finished).
class Ghost {
 public:
  Ghost(uint16_t suite, std::span<const uint8_t> master_secret,
        std::span<const uint8_t> client_random, std::span<const uint8_t> server_random);
  // From the client's key log and the server's first flight (its ServerHello).
  static Ghost from(const KeyLog& log, std::span<const uint8_t> server_flight, uint16_t suite);

  // A record of `type` carrying `content`, as `sender` would seal its next
  // one (no size limit is applied: the tests make oversized ones).
  std::vector<uint8_t> seal(Role sender, uint8_t type, std::span<const uint8_t> content);
  // Opens the next record of `sender`; nullopt if it does not authenticate.
  std::optional<std::vector<uint8_t>> open(Role sender, const WireRecord& record);

  const crypto::Tls12SuiteInfo& suite() const { return suite_; }
  const std::vector<uint8_t>& master_secret() const { return master_secret_; }

  uint64_t seq[2] = {0, 0};  // indexed by Role

 private:
  crypto::Tls12SuiteInfo suite_;
  std::vector<uint8_t> master_secret_;
  crypto::Aead aead_[2];  // indexed by the sender's Role
};

// The verify_data of `sender`'s Finished over `messages` (whole handshake
// messages, in order), computed from RFC 5246 section 7.4.9 alone.
std::vector<uint8_t> expected_verify_data(const crypto::Tls12SuiteInfo& suite,
                                          std::span<const uint8_t> master_secret, Role sender,
                                          const std::vector<HandshakeMessage>& messages);

// A TLS 1.2 pair after its handshake, and a ghost in step with both sides
// (each has sent its Finished: seq is 1 both ways).
struct Watched {
  Pair pair;
  std::unique_ptr<Ghost> ghost;
  Connection& client() { return *pair.client; }
  Connection& server() { return *pair.server; }
  // The content of every record of `wire`, which `sender` sealed.
  std::vector<std::vector<uint8_t>> open_all(Role sender, std::span<const uint8_t> wire);
};
// Null configs are client_config12() / server_config12(); the client's gets
// a key log. `ghost` is null if the handshake failed.
Watched watched12(std::shared_ptr<Config> ccfg = nullptr, std::shared_ptr<Config> scfg = nullptr);

// --- randomness ------------------------------------------------------------------

// Bytes drawn from a counter (deterministic: Ed25519 signatures and the
// key shares then make the same handshake bytes on every run).
class CounterRandom : public crypto::Random {
 public:
  explicit CounterRandom(uint8_t first = 1) : next_(first) {}
  bool fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = next_++;
    return true;
  }

 private:
  uint8_t next_;
};

// The system's randomness, but for one draw: the `index`-th call to fill()
// ends with `tail` (the server random is a TLS 1.2 server's first draw).
class TailedRandom : public crypto::Random {
 public:
  TailedRandom(std::vector<uint8_t> tail, int index = 0) : tail_(std::move(tail)), index_(index) {}
  bool fill(std::span<uint8_t> out) override;

 private:
  std::vector<uint8_t> tail_;
  int index_;
  int calls_ = 0;
};

}  // namespace adieu::test
