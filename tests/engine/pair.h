// Two engines in memory with a transport the test controls: bytes move only
// when the test says so, and can be split, delayed, dropped, cut or corrupted.
#pragma once

#include <adieu/config.h>
#include <adieu/connection.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace adieu::test {

std::string data_path(const std::string& name);

// A server config with the named certificate ("ecdsa", "rsa", "ed25519",
// "p384", "rsa-pss", "other-name", "expired", "selfsigned").
std::shared_ptr<Config> server_config(const std::string& cert = "ecdsa");
// A client config trusting the ECDSA and RSA roots.
std::shared_ptr<Config> client_config();

std::vector<uint8_t> bytes(const std::string& s);
std::string text(const std::vector<uint8_t>& b);

// Takes everything `from` has to send (or at most `max` bytes).
std::vector<uint8_t> take_output(Connection& from, size_t max = SIZE_MAX);

struct Pair {
  Pair(std::shared_ptr<const Config> client_cfg, std::shared_ptr<const Config> server_cfg,
       const std::string& server_name = "localhost");
  Pair() : Pair(client_config(), server_config()) {}

  // Moves all pending bytes each way until neither side has output.
  void pump();
  // Moves the client's / server's pending bytes to the other side; returns them.
  std::vector<uint8_t> client_to_server();
  std::vector<uint8_t> server_to_client();
  // Reads everything readable on `side`.
  std::string read_all(Connection& side);

  std::unique_ptr<Connection> client;
  std::unique_ptr<Connection> server;
};

// A default Pair whose handshake has completed on both ends (checked).
Pair connected();

}  // namespace adieu::test
