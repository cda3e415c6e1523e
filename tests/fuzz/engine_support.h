// Shared setup for the engine fuzzers: configs built once, deterministic
// randomness so a crash reproduces from its input alone.
#pragma once

#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/session.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "crypto/random.h"
#include "engine/config_impl.h"

namespace adieu::fuzz {

// Not cryptographic: fuzzing needs runs that repeat exactly.
class DeterministicRandom : public crypto::Random {
 public:
  explicit DeterministicRandom(uint32_t seed = 1) : seed_(seed), engine_(seed) {}
  bool fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(engine_());
    return true;
  }
  void reset() { engine_.seed(seed_); }

 private:
  uint32_t seed_;
  std::mt19937 engine_;
};

inline DeterministicRandom& fuzz_random() {
  static DeterministicRandom r;
  return r;
}

inline std::string data_file(const char* name) {
  return std::string(ADIEU_TEST_DATA) + "/" + name;
}

inline std::shared_ptr<Config> fuzz_server_config() {
  static std::shared_ptr<Config> cfg = [] {
    auto c = std::make_shared<Config>(Role::server);
    c->add_certificate(data_file("ecdsa-fullchain.pem"), data_file("ecdsa-leaf.key"), "", nullptr);
    c->impl().random = &fuzz_random();
    c->impl().clock_ms = [] { return uint64_t{1700000000000}; };
    return c;
  }();
  return cfg;
}

inline std::shared_ptr<Config> fuzz_client_config() {
  static std::shared_ptr<Config> cfg = [] {
    auto c = std::make_shared<Config>(Role::client);
    c->load_ca_file(data_file("ca-bundle.pem"), nullptr);
    c->impl().random = &fuzz_random();
    c->impl().clock_ms = [] { return uint64_t{1700000000000}; };
    return c;
  }();
  return cfg;
}

// libcrypto's own randomness (ECDSA nonces, blinding, TicketKeys' keys),
// which the engine does not draw through Config's Random, made deterministic
// too: RAND_bytes and RAND_priv_bytes draw from `stream` from now on. Opt-in
// (the fuzzers that replay recorded flights need it: an ECDSA
// ServerKeyExchange is in the transcript that the peer's Finished covers).
// A harness running two engines points it at the side it is calling.
inline DeterministicRandom*& libcrypto_stream() {
  static DeterministicRandom* stream = nullptr;
  return stream;
}

inline int deterministic_rand_bytes(unsigned char* buf, int num) {
  static DeterministicRandom fallback(0xadd1e);
  DeterministicRandom* stream = libcrypto_stream() ? libcrypto_stream() : &fallback;
  return stream->fill(std::span<uint8_t>(buf, static_cast<size_t>(num))) ? 1 : 0;
}

inline void use_deterministic_libcrypto(DeterministicRandom& stream) {
  static const bool installed = [] {
    static const RAND_METHOD method = {
        [](const void*, int) { return 1; },  // seed
        deterministic_rand_bytes,
        [] {},                                       // cleanup
        [](const void*, int, double) { return 1; },  // add
        deterministic_rand_bytes,                    // pseudorand
        [] { return 1; },                            // status
    };
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
    return RAND_set_rand_method(&method) == 1;
#pragma clang diagnostic pop
  }();
  if (!installed) std::abort();
  libcrypto_stream() = &stream;
}

// TicketKeys whose key is the same in every run and every process, so a
// ticket sealed when a seed was recorded opens when the seed is replayed
// (TicketKeys draws its keys from libcrypto).
inline std::shared_ptr<TicketKeys> deterministic_ticket_keys(uint64_t now_ms) {
  static DeterministicRandom stream(0x71c4e7);
  stream.reset();
  DeterministicRandom* const previous = libcrypto_stream();
  use_deterministic_libcrypto(stream);
  auto keys = std::make_shared<TicketKeys>();
  keys->rotate(now_ms);
  libcrypto_stream() = previous;
  return keys;
}

// Reads all plaintext (the engine must never crash whatever it was fed).
inline void drain(Connection& c) {
  uint8_t buf[1024];
  while (c.read(buf).status == ReadStatus::data) {
  }
  c.consume_output(c.pending_output().size());
}

}  // namespace adieu::fuzz
