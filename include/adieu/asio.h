// adieu::asio::stream: an adieu::Connection over an Asio stream (standalone
// Asio, header-only; Debian's libasio-dev).
//
// The engine (adieu/connection.h) never does I/O; this adapter moves its
// bytes between the connection and the next layer (a TCP socket, a UNIX
// socket, or any AsyncReadStream + AsyncWriteStream):
//
//   next layer -> Connection::receive()    (EOF or a reset -> receive_eof())
//   Connection::pending_output() -> next layer (asio::async_write)
//
// It has the shape of asio::ssl::stream: async_handshake, async_read_some,
// async_write_some and async_shutdown take any completion token (a callback,
// asio::use_future, asio::use_awaitable for C++20 coroutines, ...), and the
// stream is an AsyncReadStream and AsyncWriteStream itself, so asio::async_read
// and asio::async_write work over it. Completion handlers are never invoked
// from inside the initiating function.
//
// How each end is reported (RFC 8446 section 6.1; the engine decides, the
// adapter only translates):
//  - async_read_some completes with asio::error::eof once the peer's
//    close_notify has arrived and every byte before it was read: a clean end.
//  - A transport end without close_notify (EOF, or a reset, after which
//    transport_error() holds connection_reset) completes with
//    adieu::asio::error::stream_truncated (== adieu::Error::truncated, whose
//    category is adieu::error_category()), never with eof.
//  - A fatal alert, sent or received, completes with the engine's error
//    (adieu::Error::peer_alert, adieu::Error::bad_record_mac, ...), after the
//    alert we owe has been sent as far as the transport allows.
//  - A failed write of the next layer (broken_pipe, connection_reset)
//    completes the operation that was writing with that error; it is sticky
//    for the operations that write after it.
// read_state() and write_state() give each direction's state at any time.
//
// Operations that may be outstanding at once, as for asio::ssl::stream: one
// reading operation (async_handshake, async_read_some, async_wait_readable or
// async_shutdown) and one writing operation (async_write_some or
// async_close_write). Handshake and shutdown both read and write: start them
// with no other operation outstanding, except that async_close_write (it
// only sends our close_notify) may run while an async_read_some or
// async_wait_readable is outstanding, which is how a server ends an idle
// connection whose read is pending. Data may be read and written
// concurrently (full duplex); the answers a read owes (a KeyUpdate, TLS 1.2's
// close_notify answer) are sent by the read, or by the write in progress.
//
// A stream is not thread-safe: run its operations from one thread (one
// io_context per thread) or through a strand. The next layer, when it is a
// socket, is put in non-blocking mode on first use (reads are tried at once,
// and an idle stream waits for readability holding no receive buffer).
#pragma once

#include <adieu/connection.h>
#include <adieu/error.h>

#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/compose.hpp>
#include <asio/error.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace adieu {

// The std::error_category of adieu::Error ("adieu"): messages are
// error_string()'s. An adieu::Error converts to std::error_code (and so to
// asio::error_code), and error codes compare equal to it:
//   if (ec == adieu::Error::truncated) ...
const std::error_category& error_category() noexcept;
inline std::error_code make_error_code(Error error) noexcept {
  return {static_cast<int>(error), error_category()};
}

}  // namespace adieu

template <>
struct std::is_error_code_enum<adieu::Error> : std::true_type {};

namespace adieu::asio {

namespace error {
// The transport ended without the peer's close_notify (EOF or reset): the
// peer's data may have been cut short. Distinct from asio::error::eof, which
// only a close_notify gives.
inline constexpr adieu::Error stream_truncated = adieu::Error::truncated;
}  // namespace error

namespace detail {

// A thread's receive buffer for sockets (src/io/asio.cc): one whole TLS
// record (2^14 + 256 bytes of ciphertext and the 5-byte header) and more.
std::span<uint8_t> receive_scratch();
constexpr size_t kReceiveChunk = 16384 + 256 + 5;
// async_write_some takes at most this many bytes at once (four full records).
constexpr size_t kMaxWrite = 4 * 16384;
// Reads done without waiting, one after another, before an operation waits
// for readability anyway (so a fast sender cannot starve the io_context).
constexpr int kMaxSynchronousReads = 16;

// What an operation needs next.
struct Step {
  enum Kind : uint8_t { done, input, flush } kind = done;
  std::error_code ec;
  size_t bytes = 0;
  static Step finish(std::error_code ec, size_t bytes = 0) { return {done, ec, bytes}; }
  static Step need_input() { return {input, {}, 0}; }
  static Step need_flush() { return {flush, {}, 0}; }
};

// A socket of Asio (basic_stream_socket): readable without a buffer of our
// own while idle (async_wait, then read_some into the thread's buffer).
template <typename T>
concept waitable_socket = requires(T& t, std::error_code& ec) {
  t.non_blocking(true, ec);
  t.read_some(::asio::mutable_buffer(), ec);
  t.async_wait(T::wait_read, [](std::error_code) {});
};

inline bool is_transport_end(const std::error_code& ec) {
  return ec == ::asio::error::eof || ec == ::asio::error::connection_reset ||
         ec == ::asio::error::connection_aborted || ec == ::asio::error::timed_out;
}

}  // namespace detail

template <typename NextLayer>
class stream {
 public:
  using next_layer_type = std::remove_reference_t<NextLayer>;
  using executor_type = typename next_layer_type::executor_type;

  // Drives `connection` (not null; Connection::client or ::server) over a
  // next layer constructed from `arg` (a socket to move in, an io_context or
  // executor to build one, or a reference when NextLayer is one).
  template <typename Arg>
  stream(Arg&& arg, std::unique_ptr<Connection> connection)
      : next_layer_(std::forward<Arg>(arg)),
        connection_(std::move(connection)),
        write_done_(next_layer_.get_executor()) {
    write_done_.expires_at(::asio::steady_timer::time_point::max());
  }
  // Sends nothing: a clean end is async_shutdown() (or async_close_write()).
  ~stream() = default;
  stream(stream&&) = default;  // only with no operation outstanding
  stream& operator=(stream&&) = delete;
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;

  executor_type get_executor() noexcept { return next_layer_.get_executor(); }
  next_layer_type& next_layer() noexcept { return next_layer_; }
  const next_layer_type& next_layer() const noexcept { return next_layer_; }
  Connection& connection() noexcept { return *connection_; }
  const Connection& connection() const noexcept { return *connection_; }

  // Each direction's state of the connection's end (see adieu/connection.h).
  ReadState read_state() const { return connection_->read_state(); }
  WriteState write_state() const { return connection_->write_state(); }
  // The transport error behind a truncation (connection_reset, ...), or the
  // failed write's error; empty after a plain EOF or while healthy.
  std::error_code transport_error() const { return read_error_ ? read_error_ : write_error_; }
  // True once the next layer reported the end of its receive direction.
  bool transport_ended() const { return eof_; }
  // Application bytes async_shutdown() received and dropped while waiting
  // for the peer's close_notify.
  size_t dropped_at_shutdown() const { return dropped_; }

  // With `on`, each time a reading operation has to wait for the next layer
  // while no write is in progress, the connection's idle memory is released
  // (Connection::release_idle_memory: its record protection's libcrypto
  // contexts, set up again by the next record). For servers of many mostly
  // idle connections; it costs a key setup per direction after each wait.
  // Off by default.
  void set_release_memory_when_idle(bool on) noexcept { release_when_idle_ = on; }

  // Runs the handshake to its end: completes without error once
  // Connection::handshake_done() and every handshake byte we owe has been
  // sent. Errors: the engine's (a fatal alert sent or received),
  // stream_truncated (the transport ended mid-handshake), not_connected (the
  // handshake was abandoned by async_close_write/async_shutdown), or the next
  // layer's. Signature: void(std::error_code).
  template <typename Token = ::asio::default_completion_token_t<executor_type>>
  auto async_handshake(Token&& token = ::asio::default_completion_token_t<executor_type>()) {
    return start<void(std::error_code)>(handshake_action{}, std::forward<Token>(token));
  }

  // Reads some application data into `buffers`: completes with the number
  // of bytes (> 0 unless `buffers` is empty), or with asio::error::eof at the
  // peer's close_notify (and on every later call), stream_truncated, the
  // engine's error, not_connected before the handshake, or the next layer's
  // error (operation_aborted after a cancel()). Signature:
  // void(std::error_code, std::size_t).
  template <typename MutableBufferSequence,
            typename Token = ::asio::default_completion_token_t<executor_type>>
  auto async_read_some(const MutableBufferSequence& buffers,
                       Token&& token = ::asio::default_completion_token_t<executor_type>()) {
    return start<void(std::error_code, size_t)>(read_action<MutableBufferSequence>{buffers},
                                                std::forward<Token>(token));
  }

  // Waits, holding no buffer, until application data is readable: completes
  // without error once connection().readable() is not empty (take it with
  // readable() / consume_readable(), or with async_read_some), or with the
  // error async_read_some would give (asio::error::eof at the peer's
  // close_notify, stream_truncated, ...). A reading operation; the server of
  // many idle connections waits with it so that no receive buffer sits in
  // each connection while nothing comes. Signature: void(std::error_code).
  template <typename Token = ::asio::default_completion_token_t<executor_type>>
  auto async_wait_readable(Token&& token = ::asio::default_completion_token_t<executor_type>()) {
    return start<void(std::error_code)>(wait_readable_action{}, std::forward<Token>(token));
  }

  // Encrypts some of `buffers` (the first non-empty buffer, at most 64 KiB)
  // and completes once it has been handed to the next layer, with the number
  // of bytes taken. Errors: write_after_close after our close_notify,
  // not_connected before the handshake, the sticky engine error, or the next
  // layer's (broken_pipe, connection_reset). Signature:
  // void(std::error_code, std::size_t).
  template <typename ConstBufferSequence,
            typename Token = ::asio::default_completion_token_t<executor_type>>
  auto async_write_some(const ConstBufferSequence& buffers,
                        Token&& token = ::asio::default_completion_token_t<executor_type>()) {
    return start<void(std::error_code, size_t)>(write_action<ConstBufferSequence>{buffers},
                                                std::forward<Token>(token));
  }

  // Half-close (TLS 1.3; RFC 8446 section 6.1): queues our close_notify and
  // completes once it has been handed to the next layer. Our write direction
  // is closed; async_read_some goes on reading until the peer's close_notify.
  // During the handshake it abandons it (user_canceled, then close_notify).
  // Idempotent. Signature: void(std::error_code).
  template <typename Token = ::asio::default_completion_token_t<executor_type>>
  auto async_close_write(Token&& token = ::asio::default_completion_token_t<executor_type>()) {
    return start<void(std::error_code)>(shutdown_action{false}, std::forward<Token>(token));
  }

  // async_close_write(), then reads (and drops, see dropped_at_shutdown())
  // until the peer's close_notify: completes without error when both
  // close_notify crossed, with stream_truncated when the transport ended
  // without the peer's, or with an engine or next-layer error. Before the
  // handshake completed it only sends (the handshake was abandoned: there is
  // no close_notify to wait for). Signature: void(std::error_code).
  template <typename Token = ::asio::default_completion_token_t<executor_type>>
  auto async_shutdown(Token&& token = ::asio::default_completion_token_t<executor_type>()) {
    return start<void(std::error_code)>(shutdown_action{true}, std::forward<Token>(token));
  }

 private:
  using Step = detail::Step;

  struct handshake_action {
    static constexpr bool with_bytes = false;
    Step operator()(stream& s) {
      Connection& c = *s.connection_;
      if (s.flush_possible()) return Step::need_flush();  // our flight, or our alert
      if (c.error() != Error::none) return Step::finish(c.error());
      if (s.write_error_) return Step::finish(s.write_error_);
      if (c.handshake_done()) return Step::finish({});
      if (c.write_state() != WriteState::open) return Step::finish(Error::not_connected);
      if (c.read_state() == ReadState::truncated || s.eof_) return Step::finish(Error::truncated);
      if (c.read_state() == ReadState::close_notify_received) {
        return Step::finish(::asio::error::eof);
      }
      return Step::need_input();
    }
  };

  template <typename Buffers>
  struct read_action {
    static constexpr bool with_bytes = true;
    Buffers buffers;
    size_t delivered = 0;
    Step operator()(stream& s) {
      Connection& c = *s.connection_;
      // Answers owed to what was read (a KeyUpdate, TLS 1.2's close_notify,
      // an alert) go out first unless a write in progress takes them.
      const bool owe = !s.writing_ && s.flush_possible();
      if (delivered > 0) return owe ? Step::need_flush() : Step::finish({}, delivered);
      if (!c.handshake_done()) {
        return Step::finish(c.error() != Error::none ? c.error() : Error::not_connected);
      }
      if (::asio::buffer_size(buffers) == 0) return Step::finish({}, 0);
      delivered = s.copy_readable(buffers);
      if (delivered > 0)
        return (!s.writing_ && s.flush_possible()) ? Step::need_flush()
                                                   : Step::finish({}, delivered);
      return nothing_readable(s, owe);
    }
  };

  // The next step of a read that found no application data: the end, the
  // answers owed, or more input.
  static Step nothing_readable(stream& s, bool owe) {
    Connection& c = *s.connection_;
    switch (c.read(std::span<uint8_t>()).status) {
      case ReadStatus::closed:
        return owe ? Step::need_flush() : Step::finish(::asio::error::eof);
      case ReadStatus::truncated:
        return Step::finish(Error::truncated);
      case ReadStatus::error:
        return owe ? Step::need_flush() : Step::finish(c.error());
      case ReadStatus::data:
      case ReadStatus::want_input:
        break;
    }
    if (owe) return Step::need_flush();
    if (s.eof_) return Step::finish(Error::truncated);  // input that cannot come
    return Step::need_input();
  }

  struct wait_readable_action {
    static constexpr bool with_bytes = false;
    Step operator()(stream& s) {
      Connection& c = *s.connection_;
      const bool owe = !s.writing_ && s.flush_possible();
      if (!c.handshake_done()) {
        return Step::finish(c.error() != Error::none ? c.error() : Error::not_connected);
      }
      if (!c.readable().empty()) return owe ? Step::need_flush() : Step::finish({});
      return nothing_readable(s, owe);
    }
  };

  template <typename Buffers>
  struct write_action {
    static constexpr bool with_bytes = true;
    Buffers buffers;
    bool taken = false;
    size_t bytes = 0;
    Step operator()(stream& s) {
      Connection& c = *s.connection_;
      if (!taken) {
        taken = true;
        if (s.write_error_) return Step::finish(s.write_error_);
        ::asio::const_buffer first;
        for (auto it = ::asio::buffer_sequence_begin(buffers);
             it != ::asio::buffer_sequence_end(buffers); ++it) {
          ::asio::const_buffer b(*it);
          if (b.size() > 0) {
            first = b;
            break;
          }
        }
        if (first.size() == 0) return Step::finish({}, 0);
        const size_t n = std::min(first.size(), detail::kMaxWrite);
        const Error error =
            c.write(std::span<const uint8_t>(static_cast<const uint8_t*>(first.data()), n));
        if (error != Error::none) {
          if (!error_is_fatal(error)) return Step::finish(error);
          bytes = 0;  // the engine failed: push its alert out, then report it
        } else {
          bytes = n;
        }
      }
      if (s.flush_possible() || (s.writing_ && !s.write_error_)) return Step::need_flush();
      if (c.error() != Error::none) return Step::finish(c.error());
      if (s.write_error_) return Step::finish(s.write_error_);
      return Step::finish({}, bytes);
    }
  };

  struct shutdown_action {
    static constexpr bool with_bytes = false;
    bool wait_for_peer;
    bool started = false;
    bool established = false;
    Step operator()(stream& s) {
      Connection& c = *s.connection_;
      if (!started) {
        started = true;
        established = c.handshake_done();
        c.close();
      }
      if (s.flush_possible() || (s.writing_ && !s.write_error_)) return Step::need_flush();
      if (c.error() != Error::none) return Step::finish(c.error());
      if (s.write_error_) {
        // The peer's end, when known, says more than a failed send to a peer
        // that has gone.
        if (c.read_state() == ReadState::truncated) return Step::finish(Error::truncated);
        return Step::finish(s.write_error_);
      }
      if (!wait_for_peer || !established) return Step::finish({});
      for (std::span<const uint8_t> data = c.readable(); !data.empty(); data = c.readable()) {
        s.dropped_ += data.size();
        c.consume_readable(data.size());
      }
      switch (c.read(std::span<uint8_t>()).status) {
        case ReadStatus::closed:
          return Step::finish({});
        case ReadStatus::truncated:
          return Step::finish(Error::truncated);
        case ReadStatus::error:
          return s.flush_possible() ? Step::need_flush() : Step::finish(c.error());
        case ReadStatus::data:
        case ReadStatus::want_input:
          break;
      }
      if (s.eof_) return Step::finish(Error::truncated);
      return Step::need_input();
    }
  };

  // One composed operation: runs `action` until it is done, reading from and
  // writing to the next layer as it asks.
  template <typename Action>
  struct op {
    op(stream* owner, Action a) : s(owner), action(std::move(a)) {}
    stream* s;
    Action action;
    enum class State : uint8_t {
      start,
      reading,
      waiting_readable,
      writing,
      waiting_writer,
      posted
    };
    State state = State::start;
    bool did_io = false;  // false: completing now needs a post first
    int synchronous_reads = 0;
    std::error_code result_ec;
    size_t result_bytes = 0;

    template <typename Self>
    void operator()(Self& self, std::error_code ec = {}, size_t n = 0) {
      switch (state) {
        case State::start:
          break;
        case State::posted:
          return complete(self, result_ec, result_bytes);
        case State::reading:  // a generic next layer's async_read_some
          if (!s->received(ec, s->in_.get(), n)) return complete(self, ec, 0);
          break;
        case State::waiting_readable:  // a socket became readable
          if (ec) return complete(self, ec, 0);
          synchronous_reads = 0;
          break;
        case State::writing:
          if (s->written(ec)) {
            state = State::writing;
            ::asio::async_write(s->next_layer_, ::asio::buffer(s->out_), std::move(self));
            return;
          }
          break;
        case State::waiting_writer:
          break;
      }
      for (;;) {
        const Step step = action(*s);
        switch (step.kind) {
          case Step::done:
            if (!did_io) {
              did_io = true;
              result_ec = step.ec;
              result_bytes = step.bytes;
              state = State::posted;
              ::asio::post(s->get_executor(), std::move(self));
              return;
            }
            return complete(self, step.ec, step.bytes);
          case Step::flush:
            did_io = true;
            if (s->writing_) {
              state = State::waiting_writer;
              s->write_done_.async_wait(std::move(self));
              return;
            }
            s->start_writing();
            state = State::writing;
            ::asio::async_write(s->next_layer_, ::asio::buffer(s->out_), std::move(self));
            return;
          case Step::input:
            if constexpr (detail::waitable_socket<next_layer_type>) {
              std::error_code read_ec;
              if (synchronous_reads < detail::kMaxSynchronousReads) {
                ++synchronous_reads;
                if (!s->nonblocking_) {
                  s->next_layer_.non_blocking(true, read_ec);
                  s->nonblocking_ = !read_ec;
                }
                const std::span<uint8_t> scratch = detail::receive_scratch();
                const size_t got = s->next_layer_.read_some(
                    ::asio::buffer(scratch.data(), scratch.size()), read_ec);
                if (read_ec != ::asio::error::would_block && read_ec != ::asio::error::try_again) {
                  if (!s->received(read_ec, scratch.data(), got)) {
                    if (!did_io) {
                      did_io = true;
                      result_ec = read_ec;
                      state = State::posted;
                      ::asio::post(s->get_executor(), std::move(self));
                      return;
                    }
                    return complete(self, read_ec, 0);
                  }
                  continue;
                }
              }
              did_io = true;
              s->release_if_idle();
              state = State::waiting_readable;
              s->next_layer_.async_wait(next_layer_type::wait_read, std::move(self));
              return;
            } else {
              did_io = true;
              s->release_if_idle();
              if (!s->in_) s->in_ = std::make_unique<uint8_t[]>(detail::kReceiveChunk);
              state = State::reading;
              s->next_layer_.async_read_some(::asio::buffer(s->in_.get(), detail::kReceiveChunk),
                                             std::move(self));
              return;
            }
        }
      }
    }

    template <typename Self>
    void complete(Self& self, std::error_code ec, size_t n) {
      if constexpr (Action::with_bytes) {
        self.complete(ec, n);
      } else {
        self.complete(ec);
      }
    }
  };

  template <typename Signature, typename Action, typename Token>
  auto start(Action action, Token&& token) {
    return ::asio::async_compose<Token, Signature>(op<Action>(this, std::move(action)), token,
                                                   next_layer_);
  }

  // A reading operation is about to wait: nothing is being written, so the
  // connection is idle until the next layer has bytes.
  void release_if_idle() {
    if (release_when_idle_ && !writing_) connection_->release_idle_memory();
  }

  // True when the connection has bytes to send and sending can still work.
  bool flush_possible() const { return !write_error_ && !connection_->pending_output().empty(); }

  // Moves the connection's pending output into out_ for one async_write.
  void start_writing() {
    writing_ = true;
    const std::span<const uint8_t> pending = connection_->pending_output();
    out_.assign(pending.begin(), pending.end());
    connection_->consume_output(pending.size());
  }

  // An async_write of out_ finished. True when more output waits and the
  // writer goes on (out_ refilled); false when writing is over.
  bool written(const std::error_code& ec) {
    if (!ec && !connection_->pending_output().empty()) {
      start_writing();
      return true;
    }
    if (ec) {
      write_error_ = ec;
      // What could not be sent never will be.
      connection_->consume_output(connection_->pending_output().size());
    }
    writing_ = false;
    std::vector<uint8_t>().swap(out_);  // an idle stream holds no send buffer
    write_done_.cancel();               // wakes an operation waiting to write
    return false;
  }

  // Feeds what a read of the next layer gave to the connection. False when
  // the read failed in a way that is not the transport's end (the operation
  // completes with `ec`).
  bool received(const std::error_code& ec, const uint8_t* data, size_t n) {
    if (!ec) {
      if (n > 0) connection_->receive(std::span<const uint8_t>(data, n));
      return true;
    }
    if (detail::is_transport_end(ec)) {
      if (ec != ::asio::error::eof) read_error_ = ec;
      eof_ = true;
      connection_->receive_eof();
      return true;
    }
    return false;
  }

  // Copies readable plaintext into `buffers`; returns the bytes copied.
  template <typename Buffers>
  size_t copy_readable(const Buffers& buffers) {
    size_t copied = 0;
    for (auto it = ::asio::buffer_sequence_begin(buffers);
         it != ::asio::buffer_sequence_end(buffers); ++it) {
      ::asio::mutable_buffer b(*it);
      while (b.size() > 0) {
        const std::span<const uint8_t> data = connection_->readable();
        if (data.empty()) return copied;
        const size_t n = std::min(b.size(), data.size());
        std::memcpy(b.data(), data.data(), n);
        connection_->consume_readable(n);
        b += n;
        copied += n;
      }
    }
    return copied;
  }

  NextLayer next_layer_;
  std::unique_ptr<Connection> connection_;
  ::asio::steady_timer write_done_;  // cancelled when a write finishes
  std::vector<uint8_t> out_;         // the bytes of the async_write in flight
  std::unique_ptr<uint8_t[]> in_;    // receive buffer of a generic next layer
  std::error_code read_error_;       // the reset behind a truncation
  std::error_code write_error_;      // sticky: the next layer's failed write
  size_t dropped_ = 0;
  bool writing_ = false;
  bool eof_ = false;
  bool nonblocking_ = false;
  bool release_when_idle_ = false;
};

}  // namespace adieu::asio
