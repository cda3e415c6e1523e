// The socket adapter: moves bytes between a Connection and a stream socket.
#include <adieu/socket.h>

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>

namespace adieu {
namespace {

// One recv() at most: a whole TLS record (RFC 8446 section 5.2: 2^14 + 256
// bytes of ciphertext plus the 5-byte header) fits. The buffer lives on the
// stack so an idle connection holds none.
constexpr size_t kReceiveChunk = 16384 + 256 + 5;

IoResult status_only(IoStatus status) {
  IoResult result;
  result.status = status;
  return result;
}

IoResult system_error(int os_error) {
  IoResult result;
  result.status = IoStatus::error;
  result.os_error = os_error;
  return result;
}

bool would_block(int err) {
  return err == EAGAIN || err == EWOULDBLOCK;
}

// A reset or an aborted connection ends the transport just as EOF does: for
// TLS both are an end without close_notify.
bool is_transport_end(int err) {
  return err == ECONNRESET || err == ECONNABORTED || err == ETIMEDOUT;
}

}  // namespace

const char* io_status_name(IoStatus status) {
  switch (status) {
    case IoStatus::done:
      return "done";
    case IoStatus::want_read:
      return "want_read";
    case IoStatus::want_write:
      return "want_write";
    case IoStatus::closed:
      return "closed";
    case IoStatus::truncated:
      return "truncated";
    case IoStatus::timed_out:
      return "timed_out";
    case IoStatus::error:
      return "error";
  }
  return "unknown";
}

Socket::Socket(std::unique_ptr<Connection> connection, int fd, Mode mode, FdOwnership ownership)
    : connection_(std::move(connection)), fd_(fd), mode_(mode), ownership_(ownership) {}

Socket::~Socket() {
  if (ownership_ == FdOwnership::owned && fd_ >= 0) ::close(fd_);
}

bool Socket::wants_write() const {
  return !connection_->pending_output().empty();
}

IoResult Socket::send_pending() {
  for (;;) {
    std::span<const uint8_t> out = connection_->pending_output();
    if (out.empty()) return status_only(IoStatus::done);
    ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      connection_->consume_output(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && would_block(errno)) return status_only(IoStatus::want_write);
    return system_error(n < 0 ? errno : EIO);
  }
}

IoResult Socket::receive_some() {
  std::array<uint8_t, kReceiveChunk> buffer;
  for (;;) {
    ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n > 0) {
      // A failure is kept in the connection (sticky); the callers check it.
      connection_->receive(std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n)));
      return status_only(IoStatus::done);
    }
    if (n == 0 || is_transport_end(errno)) {
      if (n < 0) transport_errno_ = errno;
      eof_ = true;
      connection_->receive_eof();
      return status_only(IoStatus::done);
    }
    if (errno == EINTR) continue;
    if (would_block(errno)) return status_only(IoStatus::want_read);
    return system_error(errno);
  }
}

IoResult Socket::wait_for(Wait wait) {
  if (mode_ == Mode::non_blocking) {
    return status_only(wait == Wait::readable ? IoStatus::want_read : IoStatus::want_write);
  }
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
  pollfd entry{};
  entry.fd = fd_;
  entry.events = wait == Wait::readable ? POLLIN : POLLOUT;
  for (;;) {
    int timeout = -1;
    if (timeout_ms_ >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      timeout = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    int ready = ::poll(&entry, 1, timeout);
    // POLLERR/POLLHUP also count as ready: the next recv()/send() reports them.
    if (ready > 0) return status_only(IoStatus::done);
    if (ready == 0) return status_only(IoStatus::timed_out);
    if (errno != EINTR) return system_error(errno);
  }
}

IoResult Socket::truncated_result() const {
  IoResult result;
  result.status = IoStatus::truncated;
  result.error = Error::truncated;
  result.os_error = transport_errno_;
  return result;
}

IoResult Socket::engine_failure() {
  // Push the fatal alert (a few bytes) out without waiting; the peer may
  // already be gone, which changes nothing for us.
  send_pending();
  const Error error = connection_->error();
  if (error == Error::truncated) return truncated_result();
  IoResult result;
  result.status = IoStatus::error;
  result.error = error;
  return result;
}

IoResult Socket::flush() {
  for (;;) {
    IoResult sent = send_pending();
    if (sent.status != IoStatus::want_write) return sent;
    IoResult waited = wait_for(Wait::writable);
    if (!waited.ok()) return waited;
  }
}

IoResult Socket::handshake() {
  for (;;) {
    if (connection_->error() != Error::none) return engine_failure();
    IoResult sent = send_pending();
    if (sent.status == IoStatus::error) return sent;
    if (sent.status == IoStatus::want_write) {
      IoResult waited = wait_for(Wait::writable);
      if (!waited.ok()) return waited;
      continue;
    }
    if (connection_->handshake_done()) return status_only(IoStatus::done);
    if (connection_->write_state() != WriteState::open) {
      // close() abandoned the handshake: it can never complete.
      IoResult result = status_only(IoStatus::error);
      result.error = Error::not_connected;
      return result;
    }
    if (connection_->read_state() == ReadState::truncated || eof_) return truncated_result();
    if (connection_->read_state() == ReadState::close_notify_received) {
      return status_only(IoStatus::closed);
    }
    IoResult received = receive_some();
    if (received.status == IoStatus::want_read) {
      IoResult waited = wait_for(Wait::readable);
      if (!waited.ok()) return waited;
      continue;
    }
    if (received.status != IoStatus::done) return received;
  }
}

IoResult Socket::read(std::span<uint8_t> out) {
  if (!connection_->handshake_done()) {
    IoResult shaken = handshake();
    if (!shaken.ok()) return shaken;
  }
  if (out.empty()) return status_only(IoStatus::done);
  return read_established(out);
}

IoResult Socket::read_established(std::span<uint8_t> out) {
  for (;;) {
    const ReadResult got = connection_->read(out);
    switch (got.status) {
      case ReadStatus::data: {
        send_pending();  // answers owed to post-handshake messages, if any
        IoResult result = status_only(IoStatus::done);
        result.bytes = got.bytes;
        return result;
      }
      case ReadStatus::closed:
        return status_only(IoStatus::closed);
      case ReadStatus::truncated:
        return truncated_result();
      case ReadStatus::error:
        return engine_failure();
      case ReadStatus::want_input:
        break;
    }
    // Send what we owe (a KeyUpdate answer) without waiting; a send failure is
    // left for write()/flush() to report, as the peer's data may still be
    // readable.
    send_pending();
    if (eof_) return truncated_result();  // the engine wants input that cannot come
    IoResult received = receive_some();
    if (received.status == IoStatus::want_read) {
      IoResult waited = wait_for(Wait::readable);
      if (!waited.ok()) return waited;
      continue;
    }
    if (received.status != IoStatus::done) return received;
  }
}

IoResult Socket::write(std::span<const uint8_t> data) {
  if (!connection_->handshake_done()) {
    IoResult shaken = handshake();
    if (!shaken.ok()) return shaken;
  }
  if (data.empty()) return status_only(IoStatus::done);
  if (mode_ == Mode::non_blocking && wants_write()) {
    // Back-pressure: take nothing new while earlier output is unsent.
    IoResult sent = send_pending();
    if (!sent.ok()) return sent;
  }
  const Error error = connection_->write(data);
  if (error != Error::none) {
    if (error_is_fatal(error)) return engine_failure();
    IoResult result = status_only(IoStatus::error);
    result.error = error;
    return result;
  }
  IoResult sent = mode_ == Mode::blocking ? flush() : send_pending();
  if (sent.status == IoStatus::want_write) sent.status = IoStatus::done;  // the rest is queued
  sent.bytes = data.size();
  return sent;
}

IoResult Socket::close() {
  const Error error = connection_->close();
  if (error != Error::none) return engine_failure();
  return flush();
}

IoResult Socket::close_and_wait() {
  const bool established = connection_->handshake_done();
  IoResult closed = close();
  // The peer's end, when already known, says more than a failure to send our
  // close_notify to a peer that has gone (EPIPE).
  if (closed.status == IoStatus::error && closed.os_error != 0 &&
      connection_->read_state() == ReadState::truncated) {
    return truncated_result();
  }
  if (!closed.ok() || !established) return closed;
  std::array<uint8_t, 4096> sink;
  size_t dropped = 0;
  for (;;) {
    IoResult got = read_established(sink);
    if (got.status != IoStatus::done) {
      got.bytes = dropped;
      return got;
    }
    dropped += got.bytes;
  }
}

IoResult Socket::key_update(bool request_peer) {
  const Error error = connection_->key_update(request_peer);
  if (error != Error::none) {
    if (error_is_fatal(error)) return engine_failure();
    IoResult result = status_only(IoStatus::error);
    result.error = error;
    return result;
  }
  return flush();
}

}  // namespace adieu
