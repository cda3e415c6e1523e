// fuzz-link: adieu_quic
// A QUIC client and server Connection (adieu/quic.h) on a datagram path the
// input drives, plus arbitrary datagrams injected into either side. Checked:
// no crash, leak or hang (every loop is bounded), no datagram above the
// path's size, and the connection's end is consistent: once closed a
// connection sends nothing, a terminated one reports close_info.
//
// Input: byte 0 is ignored (room for flags), then records, each an op byte:
//   0 deliver what each side has sent (both ways, in order)
//   1 drop the next datagram in flight
//   2 corrupt it: u8 position, u8 xor mask
//   3 inject into the client: u16 length, bytes
//   4 inject into the server: u16 length, bytes (the first one the server
//     sees makes it, as quic::Server would)
//   5 advance the clock by u8 * 5 ms and run the due timers
//   6 application act: u8 selects side, act and size (open a stream and
//     write, conclude, read, reset, stop sending, close, key update)
//   7 duplicate the next datagram in flight, or truncate it (u8 length)
// With ADIEU_QUIC_FUZZ_DUMP=dir set, every datagram sent is written to dir
// (how the seed corpus's real client Initial and server flight were made).
#include <adieu/quic.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "engine/config_impl.h"
#include "engine/quic/connection_ids.h"
#include "engine/quic/packet_header.h"
#include "engine_support.h"

namespace {

using adieu::Config;
using adieu::Role;
using namespace adieu::quic;
namespace fuzz = adieu::fuzz;

void check(bool ok) {
  if (!ok) std::abort();
}

std::shared_ptr<Config> quic_config(Role role) {
  static std::shared_ptr<Config> configs[2];
  std::shared_ptr<Config>& c = configs[static_cast<int>(role)];
  if (!c) {
    c = std::make_shared<Config>(role);
    if (role == Role::server) {
      c->add_certificate(fuzz::data_file("ecdsa-fullchain.pem"), fuzz::data_file("ecdsa-leaf.key"),
                         "", nullptr);
    } else {
      c->load_ca_file(fuzz::data_file("ca-bundle.pem"), nullptr);
    }
    c->set_alpn({"h3"}, nullptr);
    c->impl().random = &fuzz::fuzz_random();
    c->impl().clock_ms = [] { return uint64_t{1700000000000}; };
  }
  return c;
}

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::vector<uint8_t> bytes(size_t n) {
    n = std::min(n, size_ - pos_);
    std::vector<uint8_t> v(data_ + pos_, data_ + pos_ + n);
    pos_ += n;
    return v;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Harness {
  Instant now = Instant{} + std::chrono::seconds(100);
  Settings settings;
  std::unique_ptr<Connection> client;
  std::unique_ptr<Connection> server;
  std::deque<std::pair<int, std::vector<uint8_t>>> in_flight;  // (to side, datagram)
  std::optional<uint64_t> stream[2];
  const char* dump = std::getenv("ADIEU_QUIC_FUZZ_DUMP");
  int dumped = 0;

  Connection* side(int s) { return s == 0 ? client.get() : server.get(); }

  void collect(int from) {
    Connection* c = side(from);
    if (!c) return;
    std::vector<uint8_t> d;
    int n = 0;
    while (c->send(now, d)) {
      check(d.size() <= settings.max_datagram_size);
      check(++n <= 256);  // a connection never floods in one go
      if (dump) {
        const std::string name = std::string(dump) + "/" + (from == 0 ? "client" : "server") + "-" +
                                 std::to_string(dumped++);
        if (FILE* f = std::fopen(name.c_str(), "wb")) {
          std::fwrite(d.data(), 1, d.size(), f);
          std::fclose(f);
        }
      }
      if (in_flight.size() < 64) in_flight.emplace_back(1 - from, d);
    }
    const ConnectionState st = c->state();
    if (st == ConnectionState::closed || st == ConnectionState::draining) {
      check(!c->send(now, d));
    }
    if (c->terminated() || st == ConnectionState::closing) check(c->close_info().has_value());
  }

  void deliver_to(int to, const std::vector<uint8_t>& d) {
    if (to == 1 && !server) {
      PacketHeader h;
      if (parse_packet_header(d, 8, h) != HeaderStatus::ok || h.type != PacketType::initial) return;
      AcceptedInitial a;
      a.original_destination_cid.assign(h.dcid.begin(), h.dcid.end());
      a.local_cid = {0x5e, 1, 2, 3, 4, 5, 6, 7};
      a.stateless_reset_token =
          stateless_reset_token(StatelessResetKey{1}, *ConnectionId::from(a.local_cid));
      Settings s = settings;
      s.stateless_reset_key = StatelessResetKey{1};
      server = Connection::server(quic_config(Role::server), s, a, d, now);
      return;
    }
    if (Connection* c = side(to)) c->receive(d, now);
  }

  void act(uint8_t what) {
    const int s = what & 1;
    Connection* c = side(s);
    if (!c) return;
    const size_t n = static_cast<size_t>(what >> 4) * 700;
    switch ((what >> 1) & 7) {
      case 0: {
        if (!stream[s]) stream[s] = c->open_stream(((what >> 4) & 1) == 0);
        if (stream[s]) {
          const std::vector<uint8_t> data(n, static_cast<uint8_t>(what));
          c->write(*stream[s], data);
        }
        break;
      }
      case 1:
        if (stream[s]) c->conclude(*stream[s]);
        break;
      case 2: {
        if (std::optional<uint64_t> id = c->accept_stream()) stream[s] = id;
        if (stream[s]) {
          std::array<uint8_t, 4096> buf;
          for (int i = 0; i < 64 && c->read(*stream[s], buf) > 0; ++i) {
          }
          c->read_state(*stream[s]);
          c->write_state(*stream[s]);
        }
        break;
      }
      case 3:
        if (stream[s]) c->reset_stream(*stream[s], what);
        break;
      case 4:
        if (stream[s]) c->stop_sending(*stream[s], what);
        break;
      case 5:
        c->close(what, "fuzz");
        break;
      case 6:
        c->update_keys();
        break;
      default:
        c->streams_flushed();
        c->stats();
        break;
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using adieu::quic::Connection;
  fuzz::fuzz_random().reset();
  Input in(data, size);
  in.u8();
  Harness h;
  h.client = Connection::client(quic_config(Role::client), h.settings, "localhost", h.now);
  for (int ops = 0; !in.empty() && ops < 4096; ++ops) {
    h.collect(0);
    h.collect(1);
    const uint8_t op = in.u8();
    switch (op & 7) {
      case 0: {
        std::deque<std::pair<int, std::vector<uint8_t>>> batch;
        batch.swap(h.in_flight);
        for (auto& [to, d] : batch) h.deliver_to(to, d);
        break;
      }
      case 1:
        if (!h.in_flight.empty()) h.in_flight.pop_front();
        break;
      case 2:
        if (!h.in_flight.empty() && !h.in_flight.front().second.empty()) {
          std::vector<uint8_t>& d = h.in_flight.front().second;
          const uint8_t pos = in.u8();
          d[pos % d.size()] ^= static_cast<uint8_t>(in.u8() | 1);
        }
        break;
      case 3:
      case 4: {
        const size_t len = size_t{in.u8()} << 8 | in.u8();
        h.deliver_to((op & 7) == 3 ? 0 : 1, in.bytes(std::min<size_t>(len, 1500)));
        break;
      }
      case 5: {
        h.now += std::chrono::milliseconds(5 * (1 + in.u8()));
        for (Connection* c : {h.client.get(), h.server.get()}) {
          if (c && c->next_timeout() <= h.now) c->on_timeout(h.now);
        }
        break;
      }
      case 6:
        h.act(in.u8());
        break;
      default: {
        if (h.in_flight.empty()) break;
        const uint8_t arg = in.u8();
        if (arg & 1) {
          if (h.in_flight.size() < 64) h.in_flight.push_back(h.in_flight.front());
        } else {
          h.in_flight.front().second.resize(
              std::min<size_t>(h.in_flight.front().second.size(), arg));
        }
        break;
      }
    }
  }
  // Whatever state the input left, the connections wind down on their own
  // timers once the path goes silent: PTOs back off, then the idle timeout
  // or the closing period ends everything.
  for (int i = 0; i < 1000; ++i) {
    h.collect(0);
    h.collect(1);
    h.in_flight.clear();
    Instant next = kNever;
    for (Connection* c : {h.client.get(), h.server.get()}) {
      if (c) next = std::min(next, c->next_timeout());
    }
    if (next == kNever) break;
    h.now = std::max(h.now, next);
    for (Connection* c : {h.client.get(), h.server.get()}) {
      if (c && c->next_timeout() <= h.now) c->on_timeout(h.now);
    }
  }
  for (Connection* c : {h.client.get(), h.server.get()}) {
    if (c) check(c->state() == ConnectionState::closed);
  }
  return 0;
}
