// A client engine fed arbitrary bytes as the server's answer to its hello.
#include "engine_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace adieu;
  fuzz::fuzz_random().reset();
  auto client = Connection::client(fuzz::fuzz_client_config(), "localhost");
  client->consume_output(client->pending_output().size());
  client->receive({data, size});
  fuzz::drain(*client);
  client->receive_eof();
  fuzz::drain(*client);
  return 0;
}
