#include "pair.h"

#include <gtest/gtest.h>

namespace adieu::test {

std::string data_path(const std::string& name) {
  return std::string(ADIEU_TEST_DATA) + "/" + name;
}

std::shared_ptr<Config> server_config(const std::string& cert) {
  auto cfg = std::make_shared<Config>(Role::server);
  std::string error;
  std::string chain = cert + "-fullchain.pem";
  if (cert == "other-name" || cert == "expired" || cert == "selfsigned") chain = cert + "-leaf.pem";
  if (cert == "selfsigned") chain = "selfsigned.pem";
  std::string key = cert == "selfsigned" ? "selfsigned.key" : cert + "-leaf.key";
  // The two failure-case leaves come without their intermediate.
  std::string extra =
      (cert == "other-name" || cert == "expired") ? data_path("ecdsa-chain.pem") : "";
  EXPECT_TRUE(cfg->add_certificate(data_path(chain), data_path(key), extra, &error)) << error;
  return cfg;
}

std::shared_ptr<Config> client_config() {
  auto cfg = std::make_shared<Config>(Role::client);
  std::string error;
  EXPECT_TRUE(cfg->load_ca_file(data_path("ca-bundle.pem"), &error)) << error;
  return cfg;
}

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}
std::string text(const std::vector<uint8_t>& b) {
  return {b.begin(), b.end()};
}

std::vector<uint8_t> take_output(Connection& from, size_t max) {
  std::span<const uint8_t> out = from.pending_output();
  size_t n = std::min(max, out.size());
  std::vector<uint8_t> taken(out.begin(), out.begin() + static_cast<ptrdiff_t>(n));
  from.consume_output(n);
  return taken;
}

Pair::Pair(std::shared_ptr<const Config> client_cfg, std::shared_ptr<const Config> server_cfg,
           const std::string& server_name)
    : client(Connection::client(std::move(client_cfg), server_name)),
      server(Connection::server(std::move(server_cfg))) {}

std::vector<uint8_t> Pair::client_to_server() {
  std::vector<uint8_t> b = take_output(*client);
  if (!b.empty()) server->receive(b);
  return b;
}

std::vector<uint8_t> Pair::server_to_client() {
  std::vector<uint8_t> b = take_output(*server);
  if (!b.empty()) client->receive(b);
  return b;
}

Pair connected() {
  Pair p;
  p.pump();
  EXPECT_TRUE(p.client->handshake_done());
  EXPECT_TRUE(p.server->handshake_done());
  return p;
}

void Pair::pump() {
  for (int i = 0; i < 100; ++i) {
    size_t moved = client_to_server().size() + server_to_client().size();
    if (moved == 0) return;
  }
  ADD_FAILURE() << "pump did not settle";
}

std::string Pair::read_all(Connection& side) {
  std::string out;
  uint8_t buf[4096];
  for (;;) {
    ReadResult r = side.read(buf);
    if (r.status != ReadStatus::data) break;
    out.append(reinterpret_cast<char*>(buf), r.bytes);
  }
  return out;
}

}  // namespace adieu::test
