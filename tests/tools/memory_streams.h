// Two H3Transport endpoints wired back to back in memory: QUIC streams with
// RFC 9000's stream IDs, a bounded send buffer per stream (so writers see
// partial writes and must wait for the reader), FIN, RESET_STREAM and
// STOP_SENDING. No packets, no loss: what the HTTP/3 layer sees of QUIC.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "h3_transport.h"

namespace adieu::tools::testing {

class MemoryStreams {
 public:
  // `buffer` bounds the bytes written to a stream and not read yet.
  explicit MemoryStreams(size_t buffer = 4096)
      : buffer_(buffer), client_(*this, true), server_(*this, false) {}
  H3Transport& client() { return client_; }
  H3Transport& server() { return server_; }

  // One direction of one stream.
  struct Pipe {
    std::vector<uint8_t> bytes;
    size_t read = 0;
    bool fin = false;
    std::optional<uint64_t> reset;         // RESET_STREAM from the writer
    std::optional<uint64_t> stop_sending;  // STOP_SENDING from the reader
    uint64_t consumed = 0;                 // credit the reader gave back
  };
  // The direction of `stream` written by the client (true) or the server.
  Pipe* pipe(uint64_t stream, bool from_client) {
    auto& pipes = from_client ? to_server_ : to_client_;
    auto found = pipes.find(stream);
    return found == pipes.end() ? nullptr : &found->second;
  }
  const std::map<uint64_t, Pipe>& pipes(bool from_client) const {
    return from_client ? to_server_ : to_client_;
  }

 private:
  class Endpoint : public H3Transport {
   public:
    Endpoint(MemoryStreams& link, bool client) : link_(link), client_(client) {}

    std::optional<uint64_t> open_stream(bool bidirectional) override {
      // RFC 9000 section 2.1: bit 0 the initiator, bit 1 the direction.
      uint64_t& next = bidirectional ? next_bidi_ : next_uni_;
      const uint64_t id = next * 4 + (client_ ? 0 : 1) + (bidirectional ? 0 : 2);
      ++next;
      link_.outgoing(client_)[id];
      if (bidirectional) link_.outgoing(!client_)[id];
      link_.accept_queue(!client_).push_back(id);
      return id;
    }
    std::optional<uint64_t> accept_stream() override {
      auto& queue = link_.accept_queue(client_);
      if (queue.empty()) return std::nullopt;
      const uint64_t id = queue.front();
      queue.pop_front();
      return id;
    }
    size_t write(uint64_t stream, std::span<const uint8_t> data) override {
      Pipe* p = out(stream);
      if (p == nullptr || p->fin || p->reset) return 0;
      const size_t n = std::min(data.size(), room(*p));
      p->bytes.insert(p->bytes.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
      return n;
    }
    size_t writable(uint64_t stream) const override {
      const Pipe* p = const_cast<Endpoint*>(this)->out(stream);
      return p == nullptr || p->fin || p->reset ? 0 : room(*p);
    }
    bool conclude(uint64_t stream) override {
      Pipe* p = out(stream);
      if (p == nullptr || p->reset) return false;
      p->fin = true;
      return true;
    }
    H3Read read(uint64_t stream, std::span<uint8_t> buffer) override {
      H3Read got;
      Pipe* p = in(stream);
      if (p == nullptr) return got;
      if (p->reset) {
        got.reset = p->reset;
        return got;
      }
      const size_t n = std::min(buffer.size(), p->bytes.size() - p->read);
      std::copy_n(p->bytes.begin() + static_cast<std::ptrdiff_t>(p->read), n, buffer.begin());
      p->read += n;
      got.bytes = n;
      got.fin = p->fin && p->read == p->bytes.size();
      return got;
    }
    void consumed(uint64_t stream, size_t bytes) override {
      if (Pipe* p = in(stream)) p->consumed += bytes;
    }
    void reset_stream(uint64_t stream, uint64_t code) override {
      if (Pipe* p = out(stream); p != nullptr && !p->reset) p->reset = code;
    }
    void stop_sending(uint64_t stream, uint64_t code) override {
      if (Pipe* p = in(stream); p != nullptr && !p->stop_sending) p->stop_sending = code;
    }

   private:
    size_t room(const Pipe& p) const {
      const size_t unread = p.bytes.size() - p.read;
      return unread >= link_.buffer_ ? 0 : link_.buffer_ - unread;
    }
    Pipe* out(uint64_t stream) { return link_.pipe(stream, client_); }
    Pipe* in(uint64_t stream) { return link_.pipe(stream, !client_); }

    MemoryStreams& link_;
    bool client_;
    uint64_t next_bidi_ = 0;
    uint64_t next_uni_ = 0;
  };

  std::map<uint64_t, Pipe>& outgoing(bool from_client) {
    return from_client ? to_server_ : to_client_;
  }
  std::deque<uint64_t>& accept_queue(bool for_client) {
    return for_client ? client_accepts_ : server_accepts_;
  }

  size_t buffer_;
  std::map<uint64_t, Pipe> to_server_;
  std::map<uint64_t, Pipe> to_client_;
  std::deque<uint64_t> client_accepts_;
  std::deque<uint64_t> server_accepts_;
  Endpoint client_;
  Endpoint server_;
};

}  // namespace adieu::tools::testing
