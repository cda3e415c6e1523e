// A program outside adieu's tree on the installed native API (libadieu): a
// client and a server Connection complete a TLS 1.3 handshake in memory, the
// client's line reaches the server, and both close with close_notify.
// Usage: native DATA_DIR (the directory of adieu's test certificates).
#include <adieu/asio.h>  // adieu::error_category(), std::error_code for adieu::Error
#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/error.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "native consumer: FAILED: %s\n", what);
    std::exit(1);
  }
}

// Hands everything `from` has to send to `to`.
void deliver(adieu::Connection& from, adieu::Connection& to) {
  std::span<const uint8_t> bytes = from.pending_output();
  if (bytes.empty()) return;
  adieu::Error error = to.receive(bytes);
  check(error == adieu::Error::none, adieu::error_string(error));
  from.consume_output(bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  check(argc == 2, "usage: native DATA_DIR");
  const std::string data = argv[1];
  std::string error;

  auto server_config = std::make_shared<adieu::Config>(adieu::Role::server);
  check(server_config->add_certificate(data + "/ecdsa-fullchain.pem", data + "/ecdsa-leaf.key", "",
                                       &error),
        error.c_str());
  auto client_config = std::make_shared<adieu::Config>(adieu::Role::client);
  check(client_config->load_ca_file(data + "/ecdsa-root.pem", &error), error.c_str());
  client_config->set_verify(adieu::VerifyMode::required);
  check(client_config->set_versions(0x0304, 0x0304, &error), error.c_str());

  auto client = adieu::Connection::client(client_config, "localhost");
  auto server = adieu::Connection::server(server_config);
  for (int round = 0; round < 10 && !(client->handshake_done() && server->handshake_done());
       ++round) {
    deliver(*client, *server);
    deliver(*server, *client);
  }
  check(client->handshake_done() && server->handshake_done(), "handshake did not complete");
  check(client->version() == 0x0304, "not TLS 1.3");
  check(client->verify_result() == 0, client->verify_message().c_str());

  const std::string_view line = "hello from a consumer";
  check(client->write(std::span(reinterpret_cast<const uint8_t*>(line.data()), line.size())) ==
            adieu::Error::none,
        "write");
  check(client->close() == adieu::Error::none, "close");
  deliver(*client, *server);
  uint8_t buffer[64];
  adieu::ReadResult r = server->read(buffer);
  check(r.status == adieu::ReadStatus::data &&
            std::string_view(reinterpret_cast<const char*>(buffer), r.bytes) == line,
        "the server did not read the client's line");
  r = server->read(buffer);
  check(r.status == adieu::ReadStatus::closed, "no close_notify");
  check(server->read_state() == adieu::ReadState::close_notify_received, "read state");

  // An out-of-line function of the API and the inline one built on it.
  std::error_code ec = adieu::Error::truncated;
  check(ec == adieu::Error::truncated && !ec.message().empty(), "error_code");

  std::printf("native consumer: %s %s, server read side %s\n", client->cipher_suite_name(),
              client->group_name(), adieu::read_state_name(server->read_state()));
  return 0;
}
