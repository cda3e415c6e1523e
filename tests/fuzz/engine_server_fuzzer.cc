// A server engine fed arbitrary bytes as the client's side of the connection.
#include "engine_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace adieu;
  fuzz::fuzz_random().reset();
  auto server = Connection::server(fuzz::fuzz_server_config());
  server->receive({data, size});
  fuzz::drain(*server);
  server->receive_eof();
  fuzz::drain(*server);
  return 0;
}
