// BIO_new_bio_dgram_pair (OpenSSL 3.2's): two BIOs, each reading the
// datagrams the other writes, for QUIC over memory (tests, and programs
// that move datagrams themselves). libcrypto 3.0 has no such BIO, so
// adieu's libssl provides one with BIO_meth_new; it is declared in
// <adieu/openssl_quic.h>.
#include <openssl/bio.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "compat/quic.h"

namespace adieu::compat::quic {
namespace {

constexpr size_t kDefaultWriteBuffer = size_t{9} * 65536;

// The two directions: queue[i] holds what side 1 - i wrote for side i.
struct DatagramPair {
  std::mutex lock;
  std::deque<std::vector<uint8_t>> queue[2];
  size_t queued_bytes[2] = {0, 0};
  size_t capacity[2] = {0, 0};  // what side i may have waiting for the other
  bool closed[2] = {false, false};
};

struct PairEnd {
  std::shared_ptr<DatagramPair> pair;
  int side = 0;
};

PairEnd* end_of(BIO* bio) {
  return static_cast<PairEnd*>(BIO_get_data(bio));
}

int pair_write(BIO* bio, const char* data, int length) {
  BIO_clear_retry_flags(bio);
  PairEnd* end = end_of(bio);
  if (end == nullptr || length < 0) return -1;
  DatagramPair& p = *end->pair;
  std::lock_guard<std::mutex> guard(p.lock);
  const int peer = 1 - end->side;
  if (p.closed[peer]) return -1;
  const auto size = static_cast<size_t>(length);
  if (p.queued_bytes[peer] + size > p.capacity[end->side]) {
    BIO_set_retry_write(bio);
    return -1;
  }
  p.queue[peer].emplace_back(data, data + size);
  p.queued_bytes[peer] += size;
  return length;
}

int pair_read(BIO* bio, char* out, int length) {
  BIO_clear_retry_flags(bio);
  PairEnd* end = end_of(bio);
  if (end == nullptr || length < 0) return -1;
  DatagramPair& p = *end->pair;
  std::lock_guard<std::mutex> guard(p.lock);
  std::deque<std::vector<uint8_t>>& queue = p.queue[end->side];
  if (queue.empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  const std::vector<uint8_t>& datagram = queue.front();
  const size_t n = std::min(datagram.size(), static_cast<size_t>(length));
  std::memcpy(out, datagram.data(), n);
  p.queued_bytes[end->side] -= datagram.size();
  queue.pop_front();
  return static_cast<int>(n);
}

long pair_ctrl(BIO* bio, int command, long, void*) {
  PairEnd* end = end_of(bio);
  if (end == nullptr) return 0;
  switch (command) {
    case BIO_CTRL_PENDING: {  // the size of the next datagram to read
      std::lock_guard<std::mutex> guard(end->pair->lock);
      const auto& queue = end->pair->queue[end->side];
      return queue.empty() ? 0 : static_cast<long>(queue.front().size());
    }
    case BIO_CTRL_WPENDING:
      return 0;
    case BIO_CTRL_FLUSH:
      return 1;
    default:
      return 0;
  }
}

int pair_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int pair_destroy(BIO* bio) {
  PairEnd* end = end_of(bio);
  if (end != nullptr) {
    {
      std::lock_guard<std::mutex> guard(end->pair->lock);
      end->pair->closed[end->side] = true;
    }
    delete end;
    BIO_set_data(bio, nullptr);
  }
  return 1;
}

const BIO_METHOD* pair_method() {
  static const BIO_METHOD* method = [] {
    BIO_METHOD* m =
        BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "datagram pair (adieu)");
    if (m == nullptr) return static_cast<BIO_METHOD*>(nullptr);
    BIO_meth_set_write(m, pair_write);
    BIO_meth_set_read(m, pair_read);
    BIO_meth_set_ctrl(m, pair_ctrl);
    BIO_meth_set_create(m, pair_create);
    BIO_meth_set_destroy(m, pair_destroy);
    return m;
  }();
  return method;
}

}  // namespace
}  // namespace adieu::compat::quic

using namespace adieu::compat::quic;

extern "C" {

int BIO_new_bio_dgram_pair(BIO** bio1, size_t writebuf1, BIO** bio2, size_t writebuf2) {
  if (bio1 == nullptr || bio2 == nullptr) return 0;
  *bio1 = nullptr;
  *bio2 = nullptr;
  return adieu::compat::guard<int>(0, [&] {
    const BIO_METHOD* method = pair_method();
    if (method == nullptr) return 0;
    auto pair = std::make_shared<DatagramPair>();
    pair->capacity[0] = writebuf1 != 0 ? writebuf1 : kDefaultWriteBuffer;
    pair->capacity[1] = writebuf2 != 0 ? writebuf2 : kDefaultWriteBuffer;
    BIO* a = BIO_new(method);
    BIO* b = BIO_new(method);
    if (a == nullptr || b == nullptr) {
      BIO_free(a);
      BIO_free(b);
      return 0;
    }
    BIO_set_data(a, new PairEnd{pair, 0});
    BIO_set_data(b, new PairEnd{pair, 1});
    *bio1 = a;
    *bio2 = b;
    return 1;
  });
}

}  // extern "C"
