// fuzz-link: adieu_engine
// A server with a client hello hook fed arbitrary bytes in two pieces (the
// first byte says where to cut): the gate that holds them until the
// ClientHello is whole, the hook's answer (its first calls refuse, then
// switch to a second configuration, then go on), and the connection after.
#include "engine_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace adieu;
  if (size == 0) return 0;
  fuzz::fuzz_random().reset();
  static const std::shared_ptr<Config> other = [] {
    auto c = std::make_shared<Config>(Role::server);
    c->add_certificate(fuzz::data_file("rsa-fullchain.pem"), fuzz::data_file("rsa-leaf.key"), "",
                       nullptr);
    c->impl().random = &fuzz::fuzz_random();
    c->impl().clock_ms = [] { return uint64_t{1700000000000}; };
    return c;
  }();
  static unsigned calls = 0;
  static const std::shared_ptr<Config> hooked = [] {
    auto c = std::make_shared<Config>(Role::server);
    c->add_certificate(fuzz::data_file("ecdsa-fullchain.pem"), fuzz::data_file("ecdsa-leaf.key"),
                       "", nullptr);
    c->impl().random = &fuzz::fuzz_random();
    c->impl().clock_ms = [] { return uint64_t{1700000000000}; };
    c->set_client_hello_hook([](const ClientHelloInfo& ch) {
      ClientHelloDecision d;
      // Every field must be readable.
      size_t sum = ch.message.size() + ch.random.size() + ch.server_name.size();
      for (const ClientHelloInfo::Extension& e : ch.extensions) sum += e.data.size();
      switch (++calls % 3) {
        case 0:
          d.refuse = Alert::unrecognized_name;
          break;
        case 1:
          d.config = other;
          break;
        default:
          break;
      }
      (void)sum;
      return d;
    });
    return c;
  }();
  const size_t cut = std::min<size_t>(data[0], size - 1);
  auto server = Connection::server(hooked);
  server->receive({data + 1, cut});
  server->receive({data + 1 + cut, size - 1 - cut});
  fuzz::drain(*server);
  server->receive_eof();
  fuzz::drain(*server);
  return 0;
}
