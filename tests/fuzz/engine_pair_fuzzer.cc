// Two real engines talking, with the fuzzer in charge of the transport and
// the applications: it moves, cuts, flips and drops bytes, writes, closes and
// updates keys, in any order. Randomness is deterministic, so the handshake
// itself is reproducible and mutations reach the encrypted states. The
// zero-copy calls (write_into, consume_readable) are mixed in, and
// write_into's contract is checked: on success nothing stays pending, with
// too small a buffer nothing changes.
#include <cstdlib>
#include <vector>

#include "engine_support.h"

namespace {

using adieu::Connection;

void move_bytes(Connection& from, Connection& to, size_t n, int flip_at) {
  std::span<const uint8_t> out = from.pending_output();
  n = std::min(n, out.size());
  std::vector<uint8_t> chunk(out.begin(), out.begin() + static_cast<ptrdiff_t>(n));
  from.consume_output(n);
  if (flip_at >= 0 && static_cast<size_t>(flip_at) < chunk.size()) chunk[flip_at] ^= 0x5a;
  to.receive(chunk);
}

// write_into() with a buffer one byte short when `short_by_one`; what it
// writes goes to `to`.
void write_into(Connection& from, Connection& to, std::span<const uint8_t> data,
                bool short_by_one) {
  const size_t pending = from.pending_output().size();
  const size_t need = from.write_into_size(data.size());
  std::vector<uint8_t> room(need > 0 && short_by_one ? need - 1 : need);
  size_t written = 0;
  const adieu::Error err = from.write_into(data, room, written);
  if (err == adieu::Error::buffer_too_small) {
    if (!short_by_one || written != 0 || from.pending_output().size() != pending) std::abort();
    return;
  }
  if (err != adieu::Error::none) {
    if (written != 0) std::abort();
    return;
  }
  if (written != need || !from.pending_output().empty()) std::abort();
  to.receive(std::span<const uint8_t>(room.data(), written));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace adieu;
  fuzz::fuzz_random().reset();
  auto client = Connection::client(fuzz::fuzz_client_config(), "localhost");
  auto server = Connection::server(fuzz::fuzz_server_config());
  uint8_t buf[256];
  for (size_t i = 0; i + 1 < size; i += 2) {
    uint8_t op = data[i];
    uint8_t arg = data[i + 1];
    Connection& a = (op & 1) ? *server : *client;
    Connection& b = (op & 1) ? *client : *server;
    switch ((op >> 1) % 11) {
      case 0:  // deliver everything
        move_bytes(a, b, SIZE_MAX, -1);
        break;
      case 1:  // deliver a prefix
        move_bytes(a, b, arg, -1);
        break;
      case 2:  // deliver with one byte flipped
        move_bytes(a, b, SIZE_MAX, arg);
        break;
      case 3:  // drop
        a.consume_output(std::min<size_t>(arg, a.pending_output().size()));
        break;
      case 4:
        a.write(std::span<const uint8_t>(data, std::min<size_t>(arg, size)));
        break;
      case 5:
        a.close();
        break;
      case 6:
        a.key_update(arg & 1);
        break;
      case 7:
        a.read(std::span<uint8_t>(buf, arg % sizeof(buf)));
        break;
      case 8:
        if (arg == 0) a.receive_eof();
        break;
      case 9:
        write_into(a, b, std::span<const uint8_t>(data, std::min<size_t>(arg >> 1, size)), arg & 1);
        break;
      case 10:
        a.consume_readable(arg);
        break;
    }
  }
  fuzz::drain(*client);
  fuzz::drain(*server);
  return 0;
}
