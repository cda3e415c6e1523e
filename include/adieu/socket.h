// adieu::Socket: drives an adieu::Connection over a connected stream socket.
//
// The engine (adieu/connection.h) never does I/O; this adapter is the thin
// loop that moves its bytes between the connection and a file descriptor:
//
//   recv(fd)  -> Connection::receive()      (recv() == 0 -> receive_eof())
//   Connection::pending_output() -> send(fd, MSG_NOSIGNAL)
//
// Two modes, chosen per Socket (and changeable between calls):
//  - Blocking: each call waits (with poll()) until it has finished or failed,
//    or until the optional timeout passes with no progress. It works whatever
//    the descriptor's O_NONBLOCK flag is.
//  - Non-blocking: each call does what it can without waiting and returns
//    IoStatus::want_read or IoStatus::want_write when it must wait for the
//    descriptor to become readable or writable; the caller polls the
//    descriptor for that event and calls the same function again.
//
// Every system call is retried on EINTR. Sends use MSG_NOSIGNAL, so writing to
// a socket the peer has closed reports EPIPE (IoResult::os_error) instead of
// raising SIGPIPE.
//
// The connection's end follows the engine (RFC 8446 section 6.1): close()
// sends our close_notify and closes only our write direction; read() reports
// the peer's close_notify as IoStatus::closed and an EOF (or a reset) without
// it as IoStatus::truncated, never as a clean end.
//
// A Socket is not thread-safe: one thread at a time may call it.
#pragma once

#include <adieu/connection.h>
#include <adieu/error.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace adieu {

// The outcome of a Socket call.
enum class IoStatus : uint8_t {
  done,        // the call finished (read: `bytes` > 0 bytes were copied)
  want_read,   // non-blocking: wait until the descriptor is readable, call again
  want_write,  // non-blocking: wait until the descriptor is writable, call again
  closed,      // read: the peer's close_notify arrived; no more data will come
  truncated,   // the transport ended (EOF or reset) without the peer's close_notify
  timed_out,   // blocking: no progress within the timeout (set_timeout_ms)
  error,       // the connection failed: see IoResult::error and IoResult::os_error
};

// "done", "want_read", ... (the enumerator's name).
const char* io_status_name(IoStatus status);

struct IoResult {
  IoStatus status = IoStatus::done;
  // read: plaintext bytes copied; write: bytes the connection took;
  // close_and_wait: application bytes received (and dropped) while waiting.
  size_t bytes = 0;
  // The connection's error (Connection::error()) when the engine failed;
  // Error::truncated with IoStatus::truncated; Error::none for a system error.
  Error error = Error::none;
  // errno of the failed system call (EPIPE, ECONNRESET, ...), or 0.
  int os_error = 0;

  bool ok() const { return status == IoStatus::done; }
  bool would_block() const {
    return status == IoStatus::want_read || status == IoStatus::want_write;
  }
};

class Socket {
 public:
  enum class Mode : uint8_t { blocking, non_blocking };
  // Whether the Socket closes the descriptor when it is destroyed.
  enum class FdOwnership : uint8_t { borrowed, owned };

  // Drives `connection` (which must not be null) over the connected stream
  // socket `fd`. With FdOwnership::owned the destructor closes `fd`; with
  // borrowed (the default) the caller keeps it and must keep it open while the
  // Socket is used. Nothing is sent or received until a call below.
  Socket(std::unique_ptr<Connection> connection, int fd, Mode mode = Mode::blocking,
         FdOwnership ownership = FdOwnership::borrowed);
  // Sends nothing: call close() (or close_and_wait()) first for a clean end.
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void set_mode(Mode mode) { mode_ = mode; }
  Mode mode() const { return mode_; }
  // Blocking mode only: a call that waits `ms` milliseconds without being able
  // to send or receive anything returns IoStatus::timed_out (the connection is
  // left as it was, so the call may be repeated). A negative value (the
  // default) waits forever.
  void set_timeout_ms(int ms) { timeout_ms_ = ms; }

  // Runs the handshake to its end: returns done once Connection::
  // handshake_done() and every handshake byte we owe has been sent.
  // Failures: error (a fatal alert was sent or received; it has been sent on
  // the wire as far as the socket allowed), truncated (the peer closed the
  // transport mid-handshake), timed_out, or want_read/want_write.
  // Calling it again after done returns done at once.
  IoResult handshake();

  // Reads up to out.size() bytes of application data, running the handshake
  // first if it has not finished. Returns done with `bytes` > 0, closed at the
  // peer's close_notify (and on every later call), truncated when the
  // transport ended without it, error, timed_out, or want_read/want_write.
  // Post-handshake messages (NewSessionTicket, KeyUpdate) are processed on the
  // way; any answer they need (our KeyUpdate) is sent as far as the socket
  // accepts without waiting (a read never blocks on a write; wants_write()
  // says whether some is left for flush()), and a failure to send it is
  // reported by the next write() or flush(), not by read(). A zero-length
  // `out` returns done with 0 bytes.
  IoResult read(std::span<uint8_t> out);

  // Encrypts all of `data` and sends it, running the handshake first if it
  // has not finished.
  //  - Blocking: returns done once every byte has been handed to the kernel,
  //    with `bytes` == data.size().
  //  - Non-blocking: if earlier output is still unsent it is flushed first and
  //    want_write is returned (with `bytes` == 0: nothing was taken) while it
  //    cannot be. Otherwise the connection takes all of `data` (`bytes` ==
  //    data.size(), done) and sends as much as the socket accepts; the rest
  //    stays in the connection: call flush() until done (wants_write() says
  //    whether output is waiting).
  // Error::write_after_close (status error) after close(); EPIPE/ECONNRESET
  // (status error, os_error set) when the peer has gone.
  IoResult write(std::span<const uint8_t> data);

  // Sends every byte the connection has queued. done when nothing is left.
  IoResult flush();
  // True when the connection holds bytes not yet sent.
  bool wants_write() const;

  // Queues close_notify (Connection::close()) and sends it: done once it has
  // been handed to the kernel (WriteState::close_notify_sent). Our write
  // direction is closed; read() still works until the peer's close_notify
  // (TLS 1.3 half-close). Idempotent. During the handshake it abandons the
  // handshake (user_canceled, then close_notify). After a fatal alert it
  // sends nothing and returns error.
  IoResult close();

  // close(), then reads and drops application data until the peer's
  // close_notify (returns closed, `bytes` = application bytes dropped) or the
  // end of the transport (truncated), or an error / timed_out /
  // want_read / want_write. When the transport had already ended without
  // close_notify it reports truncated, even if sending ours failed. Called
  // before the handshake has completed it
  // returns what close() returns: the handshake was abandoned, so there is no
  // close_notify to wait for.
  IoResult close_and_wait();

  // Sends a KeyUpdate (RFC 8446 section 4.6.3), asking the peer to update its
  // keys too when `request_peer`. done once sent; error not_connected before
  // the handshake, write_after_close after close().
  IoResult key_update(bool request_peer);

  Connection& connection() { return *connection_; }
  const Connection& connection() const { return *connection_; }
  int fd() const { return fd_; }

 private:
  enum class Wait : uint8_t { readable, writable };
  // One send() of pending output. done when all of it went out.
  IoResult send_pending();
  // One recv() fed to the connection. done when bytes (or EOF) were fed.
  IoResult receive_some();
  // In blocking mode waits for `wait` (done or timed_out/error); in
  // non-blocking mode returns want_read/want_write.
  IoResult wait_for(Wait wait);
  // The result for a failed connection; first pushes its fatal alert out.
  IoResult engine_failure();
  // read() without the handshake step.
  IoResult read_established(std::span<uint8_t> out);
  IoResult truncated_result() const;

  std::unique_ptr<Connection> connection_;
  int fd_;
  Mode mode_;
  FdOwnership ownership_;
  int timeout_ms_ = -1;
  bool eof_ = false;         // recv() reported the end of the transport
  int transport_errno_ = 0;  // ECONNRESET etc. when the end was a reset
};

}  // namespace adieu
