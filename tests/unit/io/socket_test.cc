// adieu::Socket over socketpair(): both sides are adieu, in two threads
// (blocking) or one poll() loop (non-blocking).
#include <adieu/config.h>
#include <adieu/connection.h>
#include <adieu/socket.h>

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <string>
#include <thread>

namespace adieu {
namespace {

const std::string kData = ADIEU_TEST_DATA;
constexpr int kTimeoutMs = 5000;  // no test may hang

std::shared_ptr<const Config> server_config() {
  auto config = std::make_shared<Config>(Role::server);
  std::string error;
  EXPECT_TRUE(config->add_certificate(kData + "/ecdsa-fullchain.pem", kData + "/ecdsa-leaf.key", "",
                                      &error))
      << error;
  return config;
}

std::shared_ptr<const Config> client_config() {
  auto config = std::make_shared<Config>(Role::client);
  std::string error;
  EXPECT_TRUE(config->load_ca_file(kData + "/ecdsa-root.pem", &error)) << error;
  config->set_verify(VerifyMode::required);
  return config;
}

std::span<const uint8_t> bytes(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// A connected socketpair whose ends are closed at the end of the test unless
// a Socket took one over.
struct Pair {
  int fds[2] = {-1, -1};
  Pair() { EXPECT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds)); }
  ~Pair() {
    for (int fd : fds) {
      if (fd >= 0) ::close(fd);
    }
  }
  // Hands the descriptor over (the Socket owns it from now on).
  int take(int i) {
    int fd = fds[i];
    fds[i] = -1;
    return fd;
  }
};

std::unique_ptr<Socket> make_client(int fd, Socket::Mode mode = Socket::Mode::blocking) {
  auto socket = std::make_unique<Socket>(Connection::client(client_config(), "localhost"), fd, mode,
                                         Socket::FdOwnership::owned);
  socket->set_timeout_ms(kTimeoutMs);
  return socket;
}

std::unique_ptr<Socket> make_server(int fd, Socket::Mode mode = Socket::Mode::blocking) {
  auto socket = std::make_unique<Socket>(Connection::server(server_config()), fd, mode,
                                         Socket::FdOwnership::owned);
  socket->set_timeout_ms(kTimeoutMs);
  return socket;
}

// Reads until `size` bytes arrived or the read fails; returns the text.
std::string read_exactly(Socket& socket, size_t size, IoResult* last) {
  std::string text;
  std::array<uint8_t, 1024> buffer;
  while (text.size() < size) {
    *last = socket.read(buffer);
    if (last->status != IoStatus::done) break;
    text.append(reinterpret_cast<const char*>(buffer.data()), last->bytes);
  }
  return text;
}

TEST(SocketTest, IoStatusNames) {
  EXPECT_STREQ("done", io_status_name(IoStatus::done));
  EXPECT_STREQ("want_read", io_status_name(IoStatus::want_read));
  EXPECT_STREQ("want_write", io_status_name(IoStatus::want_write));
  EXPECT_STREQ("truncated", io_status_name(IoStatus::truncated));
  EXPECT_STREQ("timed_out", io_status_name(IoStatus::timed_out));
}

// The client sends, the server echoes; the client closes first and waits for
// the server's close_notify, which the server sends when it sees the client's.
TEST(SocketTest, BlockingHandshakeEchoAndCleanClose) {
  Pair pair;
  auto client = make_client(pair.take(0));
  auto server = make_server(pair.take(1));

  IoResult server_handshake, server_read_end, server_close;
  std::string server_got;
  std::thread server_thread([&] {
    server_handshake = server->handshake();
    if (!server_handshake.ok()) return;
    std::array<uint8_t, 1024> buffer;
    for (;;) {
      server_read_end = server->read(buffer);
      if (server_read_end.status != IoStatus::done) break;
      server_got.append(reinterpret_cast<const char*>(buffer.data()), server_read_end.bytes);
      if (!server->write(std::span<const uint8_t>(buffer.data(), server_read_end.bytes)).ok()) {
        break;
      }
    }
    if (server_read_end.status == IoStatus::closed) server_close = server->close();
  });

  IoResult handshake = client->handshake();
  ASSERT_EQ(IoStatus::done, handshake.status) << error_string(handshake.error);
  EXPECT_TRUE(client->connection().handshake_done());
  IoResult wrote = client->write(bytes("hello, adieu"));
  EXPECT_EQ(IoStatus::done, wrote.status);
  EXPECT_EQ(12u, wrote.bytes);
  IoResult last;
  EXPECT_EQ("hello, adieu", read_exactly(*client, 12, &last));
  IoResult end = client->close_and_wait();
  server_thread.join();

  EXPECT_EQ(IoStatus::closed, end.status);
  EXPECT_EQ(0u, end.bytes);
  EXPECT_EQ(ReadState::close_notify_received, client->connection().read_state());
  EXPECT_EQ(WriteState::close_notify_sent, client->connection().write_state());

  EXPECT_EQ(IoStatus::done, server_handshake.status);
  EXPECT_EQ("hello, adieu", server_got);
  EXPECT_EQ(IoStatus::closed, server_read_end.status);
  EXPECT_EQ(IoStatus::done, server_close.status);
  EXPECT_EQ(ReadState::close_notify_received, server->connection().read_state());
  EXPECT_EQ(WriteState::close_notify_sent, server->connection().write_state());

  // Later calls keep reporting the end; writing after close() is refused.
  std::array<uint8_t, 16> buffer;
  EXPECT_EQ(IoStatus::closed, client->read(buffer).status);
  IoResult refused = client->write(bytes("late"));
  EXPECT_EQ(IoStatus::error, refused.status);
  EXPECT_EQ(Error::write_after_close, refused.error);
}

// TLS 1.3 half-close: after the client's close_notify the server keeps
// sending, and the client still reads it before the server's close_notify.
TEST(SocketTest, BlockingHalfCloseDeliversDataSentAfterOurCloseNotify) {
  Pair pair;
  auto client = make_client(pair.take(0));
  auto server = make_server(pair.take(1));

  IoResult server_read_end, server_write, server_close;
  std::thread server_thread([&] {
    std::array<uint8_t, 64> buffer;
    server_read_end = server->read(buffer);  // runs the handshake, then sees close_notify
    server_write = server->write(bytes("after your close"));
    server_close = server->close();
  });

  ASSERT_EQ(IoStatus::done, client->handshake().status);
  ASSERT_EQ(IoStatus::done, client->close().status);
  EXPECT_EQ(WriteState::close_notify_sent, client->connection().write_state());
  IoResult last;
  EXPECT_EQ("after your close", read_exactly(*client, 16, &last));
  std::array<uint8_t, 64> buffer;
  EXPECT_EQ(IoStatus::closed, client->read(buffer).status);
  server_thread.join();

  EXPECT_EQ(IoStatus::closed, server_read_end.status);
  EXPECT_EQ(IoStatus::done, server_write.status);
  EXPECT_EQ(IoStatus::done, server_close.status);
}

// The server writes, then closes the socket without close_notify: the client
// reads the data, then sees a truncation, never a clean end.
TEST(SocketTest, PeerClosingSocketWithoutCloseNotifyIsTruncation) {
  Pair pair;
  auto client = make_client(pair.take(0));
  int server_fd = pair.take(1);
  auto server = std::make_unique<Socket>(Connection::server(server_config()), server_fd,
                                         Socket::Mode::blocking, Socket::FdOwnership::borrowed);
  server->set_timeout_ms(kTimeoutMs);

  IoResult server_handshake, server_write;
  std::thread server_thread([&] {
    server_handshake = server->handshake();
    server_write = server->write(bytes("partial"));
    ::close(server_fd);  // no close_notify
  });

  ASSERT_EQ(IoStatus::done, client->handshake().status);
  IoResult last;
  EXPECT_EQ("partial", read_exactly(*client, 7, &last));
  std::array<uint8_t, 64> buffer;
  IoResult end = client->read(buffer);
  server_thread.join();

  EXPECT_EQ(IoStatus::done, server_handshake.status);
  EXPECT_EQ(IoStatus::done, server_write.status);
  EXPECT_EQ(IoStatus::truncated, end.status);
  EXPECT_EQ(Error::truncated, end.error);
  EXPECT_EQ(ReadState::truncated, client->connection().read_state());
  // close_and_wait on a truncated connection reports the truncation too.
  EXPECT_EQ(IoStatus::truncated, client->close_and_wait().status);
}

// The peer reads the ClientHello, then vanishes before the handshake
// completes.
TEST(SocketTest, EofDuringHandshakeIsTruncation) {
  Pair pair;
  auto client = make_client(pair.take(0));
  int peer = pair.take(1);
  std::thread peer_thread([peer] {
    std::array<uint8_t, 4096> buffer;
    pollfd entry{peer, POLLIN, 0};
    if (poll(&entry, 1, kTimeoutMs) == 1) (void)!::read(peer, buffer.data(), buffer.size());
    ::close(peer);
  });
  IoResult result = client->handshake();
  peer_thread.join();
  EXPECT_EQ(IoStatus::truncated, result.status);
  EXPECT_FALSE(client->connection().handshake_done());
}

TEST(SocketTest, BlockingReadTimesOutWhenThePeerIsSilent) {
  Pair pair;
  auto client = make_client(pair.take(0));
  client->set_timeout_ms(100);
  // Nobody answers the ClientHello.
  IoResult result = client->handshake();
  EXPECT_EQ(IoStatus::timed_out, result.status);
  EXPECT_FALSE(client->connection().handshake_done());
  EXPECT_EQ(Error::none, client->connection().error());
}

// Writing to a peer that has closed its socket reports EPIPE (or a reset)
// instead of killing the process with SIGPIPE.
TEST(SocketTest, WriteToClosedPeerReportsErrorWithoutSigpipe) {
  Pair pair;
  auto client = make_client(pair.take(0));
  int server_fd = pair.take(1);
  auto server = std::make_unique<Socket>(Connection::server(server_config()), server_fd,
                                         Socket::Mode::blocking, Socket::FdOwnership::borrowed);
  server->set_timeout_ms(kTimeoutMs);
  IoResult server_handshake;
  std::thread server_thread([&] { server_handshake = server->handshake(); });
  ASSERT_EQ(IoStatus::done, client->handshake().status);
  server_thread.join();
  ASSERT_EQ(IoStatus::done, server_handshake.status);
  ::close(server_fd);

  IoResult result;
  std::string chunk(4096, 'x');
  for (int i = 0; i < 64 && result.ok(); ++i) result = client->write(bytes(chunk));
  EXPECT_EQ(IoStatus::error, result.status);
  EXPECT_TRUE(result.os_error == EPIPE || result.os_error == ECONNRESET) << result.os_error;
}

// A KeyUpdate with update_requested: the server processes it while reading
// and answers with its own.
TEST(SocketTest, KeyUpdateIsProcessedAndAnswered) {
  Pair pair;
  auto client = make_client(pair.take(0));
  auto server = make_server(pair.take(1));
  std::string server_got;
  IoResult server_end;
  std::thread server_thread([&] {
    IoResult last;
    server_got = read_exactly(*server, 5, &last);
    server->write(bytes("world"));
    std::array<uint8_t, 16> buffer;
    server_end = server->read(buffer);
    if (server_end.status == IoStatus::closed) server->close();
  });
  ASSERT_EQ(IoStatus::done, client->handshake().status);
  ASSERT_EQ(IoStatus::done, client->key_update(true).status);
  ASSERT_EQ(IoStatus::done, client->write(bytes("hello")).status);
  IoResult last;
  EXPECT_EQ("world", read_exactly(*client, 5, &last));
  EXPECT_EQ(IoStatus::closed, client->close_and_wait().status);
  server_thread.join();

  EXPECT_EQ("hello", server_got);
  EXPECT_EQ(IoStatus::closed, server_end.status);
  EXPECT_EQ(1u, client->connection().key_updates_sent());
  EXPECT_EQ(1u, server->connection().key_updates_received());
  EXPECT_EQ(1u, server->connection().key_updates_sent());
  EXPECT_EQ(1u, client->connection().key_updates_received());
}

// A client that does not trust the server's certificate fails the handshake
// with a fatal alert, which the server receives.
TEST(SocketTest, HandshakeFailureSendsAndReportsTheAlert) {
  Pair pair;
  auto untrusting = std::make_shared<Config>(Role::client);
  std::string error;
  ASSERT_TRUE(untrusting->load_ca_file(kData + "/rsa-root.pem", &error)) << error;
  untrusting->set_verify(VerifyMode::required);
  Socket client(Connection::client(untrusting, "localhost"), pair.take(0), Socket::Mode::blocking,
                Socket::FdOwnership::owned);
  client.set_timeout_ms(kTimeoutMs);
  auto server = make_server(pair.take(1));
  IoResult server_result;
  std::thread server_thread([&] { server_result = server->handshake(); });
  IoResult result = client.handshake();
  server_thread.join();

  EXPECT_EQ(IoStatus::error, result.status);
  EXPECT_EQ(Error::unknown_ca, result.error);
  EXPECT_EQ(WriteState::fatal_alert_sent, client.connection().write_state());
  EXPECT_EQ(IoStatus::error, server_result.status);
  ASSERT_TRUE(server->connection().alert_received().has_value());
  EXPECT_EQ(Alert::unknown_ca, *server->connection().alert_received());
}

// Non-blocking: one thread drives both ends with poll(); every call returns
// want_read/want_write instead of waiting.
TEST(SocketTest, NonBlockingHandshakeDataAndCloseWithPoll) {
  Pair pair;
  auto client = make_client(pair.take(0), Socket::Mode::non_blocking);
  auto server = make_server(pair.take(1), Socket::Mode::non_blocking);

  // Nothing has arrived yet: the server must want to read, not block.
  EXPECT_EQ(IoStatus::want_read, server->handshake().status);

  // Wait for whichever events the last results asked for.
  auto wait = [](Socket& a, const IoResult& ra, Socket& b, const IoResult& rb) {
    pollfd fds[2] = {{a.fd(), 0, 0}, {b.fd(), 0, 0}};
    fds[0].events = ra.status == IoStatus::want_write ? POLLOUT : POLLIN;
    fds[1].events = rb.status == IoStatus::want_write ? POLLOUT : POLLIN;
    return poll(fds, 2, kTimeoutMs) > 0;
  };

  IoResult rc, rs;
  bool client_would_block_seen = false;
  for (int round = 0; round < 100; ++round) {
    rc = client->handshake();
    rs = server->handshake();
    if (rc.would_block()) client_would_block_seen = true;
    if (rc.ok() && rs.ok()) break;
    ASSERT_TRUE(rc.ok() || rc.would_block()) << io_status_name(rc.status);
    ASSERT_TRUE(rs.ok() || rs.would_block()) << io_status_name(rs.status);
    ASSERT_TRUE(wait(*client, rc, *server, rs)) << "poll timed out";
  }
  ASSERT_TRUE(rc.ok() && rs.ok());
  EXPECT_TRUE(client_would_block_seen);

  // No data yet: read wants input.
  std::array<uint8_t, 64> buffer;
  EXPECT_EQ(IoStatus::want_read, server->read(buffer).status);

  ASSERT_EQ(IoStatus::done, client->write(bytes("ping")).status);
  ASSERT_EQ(IoStatus::done, client->flush().status);
  std::string got;
  for (int round = 0; round < 100 && got.size() < 4; ++round) {
    IoResult r = server->read(buffer);
    if (r.ok()) {
      got.append(reinterpret_cast<const char*>(buffer.data()), r.bytes);
      continue;
    }
    ASSERT_EQ(IoStatus::want_read, r.status);
    pollfd entry{server->fd(), POLLIN, 0};
    ASSERT_EQ(1, poll(&entry, 1, kTimeoutMs));
  }
  EXPECT_EQ("ping", got);

  // Close both ways: each side's close_and_wait returns closed once the
  // other's close_notify arrived.
  IoResult client_end, server_end;
  for (int round = 0; round < 100; ++round) {
    if (client_end.status != IoStatus::closed) client_end = client->close_and_wait();
    if (server_end.status != IoStatus::closed) server_end = server->close_and_wait();
    if (client_end.status == IoStatus::closed && server_end.status == IoStatus::closed) break;
    ASSERT_TRUE(client_end.would_block() || client_end.status == IoStatus::closed)
        << io_status_name(client_end.status);
    ASSERT_TRUE(server_end.would_block() || server_end.status == IoStatus::closed)
        << io_status_name(server_end.status);
    pollfd fds[2] = {{client->fd(), POLLIN, 0}, {server->fd(), POLLIN, 0}};
    poll(fds, 2, 100);
  }
  EXPECT_EQ(IoStatus::closed, client_end.status);
  EXPECT_EQ(IoStatus::closed, server_end.status);
  EXPECT_EQ(WriteState::close_notify_sent, client->connection().write_state());
  EXPECT_EQ(ReadState::close_notify_received, server->connection().read_state());
}

// Non-blocking writes apply back-pressure: once the socket buffer is full,
// write() takes nothing more and asks to wait for writability.
TEST(SocketTest, NonBlockingWriteReportsWantWriteWhenTheSocketIsFull) {
  Pair pair;
  auto client = make_client(pair.take(0));
  auto server = make_server(pair.take(1));
  IoResult server_handshake;
  std::thread server_thread([&] { server_handshake = server->handshake(); });
  ASSERT_EQ(IoStatus::done, client->handshake().status);
  server_thread.join();
  ASSERT_EQ(IoStatus::done, server_handshake.status);

  client->set_mode(Socket::Mode::non_blocking);
  std::string chunk(16384, 'z');
  size_t taken = 0;
  IoResult r;
  for (int i = 0; i < 10000; ++i) {
    r = client->write(bytes(chunk));
    if (r.status != IoStatus::done) break;
    taken += r.bytes;
  }
  EXPECT_EQ(IoStatus::want_write, r.status);
  EXPECT_EQ(0u, r.bytes);
  EXPECT_GT(taken, 0u);
  EXPECT_TRUE(client->wants_write());

  // The server drains everything; the client can then flush the rest.
  server->set_mode(Socket::Mode::non_blocking);
  std::array<uint8_t, 16384> buffer;
  size_t received = 0;
  for (int round = 0; round < 100000 && received < taken; ++round) {
    IoResult got = server->read(buffer);
    if (got.ok()) {
      received += got.bytes;
      continue;
    }
    ASSERT_EQ(IoStatus::want_read, got.status);
    IoResult flushed = client->flush();
    ASSERT_TRUE(flushed.ok() || flushed.status == IoStatus::want_write);
    pollfd entry{server->fd(), POLLIN, 0};
    poll(&entry, 1, 100);
  }
  EXPECT_EQ(taken, received);
  EXPECT_FALSE(client->wants_write());
}

}  // namespace
}  // namespace adieu
