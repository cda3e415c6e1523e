// Shared setup for the engine fuzzers: configs built once, deterministic
// randomness so a crash reproduces from its input alone.
#pragma once

#include <adieu/config.h>
#include <adieu/connection.h>

#include <memory>
#include <random>
#include <string>

#include "crypto/random.h"
#include "engine/config_impl.h"

namespace adieu::fuzz {

// Not cryptographic: fuzzing needs runs that repeat exactly.
class DeterministicRandom : public crypto::Random {
 public:
  bool fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(engine_());
    return true;
  }
  void reset() { engine_.seed(1); }

 private:
  std::mt19937 engine_{1};
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

// Reads all plaintext (the engine must never crash whatever it was fed).
inline void drain(Connection& c) {
  uint8_t buf[1024];
  while (c.read(buf).status == ReadStatus::data) {
  }
  c.consume_output(c.pending_output().size());
}

}  // namespace adieu::fuzz
