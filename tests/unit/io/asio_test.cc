// adieu::asio::stream over loopback TCP (and a UNIX socket pair): both ends
// are adieu, driven by one io_context, with callbacks, futures and C++20
// coroutines.
#include <adieu/asio.h>
#include <adieu/config.h>
#include <adieu/connection.h>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/connect_pair.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/read.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/use_future.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

namespace adieu {
namespace {

using tcp = ::asio::ip::tcp;
using TlsStream = adieu::asio::stream<tcp::socket>;

const std::string kData = ADIEU_TEST_DATA;
// Completion as a tuple (error_code first) instead of an exception; Asio
// 1.22 (Debian 12) has it under experimental.
constexpr auto kTuple = ::asio::experimental::as_tuple(::asio::use_awaitable);

std::shared_ptr<const Config> server_config(uint16_t max_version = 0x0304) {
  auto config = std::make_shared<Config>(Role::server);
  std::string error;
  EXPECT_TRUE(config->add_certificate(kData + "/ecdsa-fullchain.pem", kData + "/ecdsa-leaf.key", "",
                                      &error))
      << error;
  EXPECT_TRUE(config->set_versions(0x0303, max_version, &error)) << error;
  return config;
}

std::shared_ptr<const Config> client_config(uint16_t max_version = 0x0304) {
  auto config = std::make_shared<Config>(Role::client);
  std::string error;
  EXPECT_TRUE(config->load_ca_file(kData + "/ecdsa-root.pem", &error)) << error;
  EXPECT_TRUE(config->set_versions(0x0303, max_version, &error)) << error;
  config->set_verify(VerifyMode::required);
  return config;
}

// Two connected TCP sockets on 127.0.0.1.
std::pair<tcp::socket, tcp::socket> tcp_pair(::asio::io_context& io) {
  tcp::acceptor acceptor(io, tcp::endpoint(::asio::ip::address_v4::loopback(), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  return {std::move(client), std::move(server)};
}

struct Streams {
  TlsStream client;
  TlsStream server;
};

Streams make_streams(::asio::io_context& io, uint16_t max_version = 0x0304) {
  auto [c, s] = tcp_pair(io);
  return Streams{
      TlsStream(std::move(c), Connection::client(client_config(max_version), "localhost")),
      TlsStream(std::move(s), Connection::server(server_config(max_version)))};
}

// Runs the io_context until it has no more work, failing after a few seconds.
void run(::asio::io_context& io) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!io.stopped() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(io.stopped()) << "the test did not finish in time";
}

template <typename Stream>
::asio::awaitable<std::string> read_until_end(Stream& stream, std::error_code& end) {
  std::string text;
  char buffer[1000];
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(::asio::buffer(buffer), kTuple);
    text.append(buffer, n);
    if (ec) {
      end = ec;
      co_return text;
    }
  }
}

TEST(AsioTest, ErrorCodesOfTheEngine) {
  std::error_code ec = adieu::asio::error::stream_truncated;
  EXPECT_EQ(ec, Error::truncated);
  EXPECT_NE(ec, ::asio::error::eof);
  EXPECT_STREQ("adieu", ec.category().name());
  EXPECT_EQ(error_string(Error::truncated), ec.message());
}

// Callbacks: handshake, echo of one message, the client closes first and
// both see both close_notify.
TEST(AsioTest, CallbacksHandshakeEchoAndCleanShutdown) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  std::string server_got;
  std::error_code server_end, client_shutdown;
  std::array<char, 64> sbuf{}, cbuf{};
  size_t client_got = 0;

  s.server.async_handshake([&](std::error_code ec) {
    ASSERT_FALSE(ec) << ec.message();
    s.server.async_read_some(::asio::buffer(sbuf), [&](std::error_code ec, size_t n) {
      ASSERT_FALSE(ec) << ec.message();
      server_got.assign(sbuf.data(), n);
      ::asio::async_write(
          s.server, ::asio::buffer(sbuf.data(), n), [&](std::error_code ec, size_t) {
            ASSERT_FALSE(ec);
            s.server.async_read_some(::asio::buffer(sbuf), [&](std::error_code ec, size_t) {
              server_end = ec;  // the client's close_notify
              s.server.async_shutdown([](std::error_code ec) { EXPECT_FALSE(ec) << ec.message(); });
            });
          });
    });
  });
  s.client.async_handshake([&](std::error_code ec) {
    ASSERT_FALSE(ec) << ec.message();
    ::asio::async_write(
        s.client, ::asio::buffer(std::string_view("hello, asio")),
        [&](std::error_code ec, size_t n) {
          ASSERT_FALSE(ec);
          EXPECT_EQ(11u, n);
          ::asio::async_read(
              s.client, ::asio::buffer(cbuf.data(), 11), [&](std::error_code ec, size_t n) {
                ASSERT_FALSE(ec);
                client_got = n;
                s.client.async_shutdown([&](std::error_code ec) { client_shutdown = ec; });
              });
        });
  });
  run(io);
  EXPECT_EQ("hello, asio", server_got);
  EXPECT_EQ(11u, client_got);
  EXPECT_EQ("hello, asio", std::string(cbuf.data(), 11));
  EXPECT_EQ(::asio::error::eof, server_end);
  EXPECT_FALSE(client_shutdown) << client_shutdown.message();
  for (TlsStream* t : {&s.client, &s.server}) {
    EXPECT_EQ(ReadState::close_notify_received, t->read_state());
    EXPECT_EQ(WriteState::close_notify_sent, t->write_state());
  }
}

// The documentation's example (docs/asio.md), as coroutines.
::asio::awaitable<void> echo(adieu::asio::stream<tcp::socket>& tls) {
  co_await tls.async_handshake(::asio::use_awaitable);
  char data[4096];
  for (;;) {
    auto [ec, n] = co_await tls.async_read_some(::asio::buffer(data), kTuple);
    if (ec == ::asio::error::eof) break;  // the client's close_notify: a clean end
    if (ec) throw std::system_error(ec);  // adieu::asio::error::stream_truncated, an alert...
    co_await ::asio::async_write(tls, ::asio::buffer(data, n), ::asio::use_awaitable);
  }
  co_await tls.async_shutdown(::asio::use_awaitable);  // ours; the client's has come
}

::asio::awaitable<std::string> ask(adieu::asio::stream<tcp::socket>& tls, std::string question) {
  co_await tls.async_handshake(::asio::use_awaitable);
  co_await ::asio::async_write(tls, ::asio::buffer(question), ::asio::use_awaitable);
  std::string answer(question.size(), '\0');
  co_await ::asio::async_read(tls, ::asio::buffer(answer), ::asio::use_awaitable);
  co_await tls.async_shutdown(::asio::use_awaitable);  // both close_notify crossed
  co_return answer;
}

TEST(AsioTest, CoroutineExampleOfTheDocumentation) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  std::string answer;
  bool server_done = false;
  ::asio::co_spawn(io, echo(s.server), [&](std::exception_ptr e) {
    EXPECT_FALSE(e);
    server_done = true;
  });
  ::asio::co_spawn(io, ask(s.client, std::string(100000, 'x')),
                   [&](std::exception_ptr e, std::string got) {
                     EXPECT_FALSE(e);
                     answer = std::move(got);
                   });
  run(io);
  EXPECT_TRUE(server_done);
  EXPECT_EQ(std::string(100000, 'x'), answer);
  EXPECT_EQ(ReadState::close_notify_received, s.server.read_state());
  EXPECT_EQ(WriteState::close_notify_sent, s.client.write_state());
}

// asio::use_future, with the io_context running in another thread.
TEST(AsioTest, FuturesWork) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  auto work = ::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  std::future<void> server_hs = s.server.async_handshake(::asio::use_future);
  std::future<void> client_hs = s.client.async_handshake(::asio::use_future);
  EXPECT_NO_THROW(server_hs.get());
  EXPECT_NO_THROW(client_hs.get());
  std::future<size_t> wrote =
      s.client.async_write_some(::asio::buffer(std::string_view("future")), ::asio::use_future);
  EXPECT_EQ(6u, wrote.get());
  std::array<char, 16> buffer{};
  std::future<size_t> got =
      ::asio::async_read(s.server, ::asio::buffer(buffer.data(), 6), ::asio::use_future);
  EXPECT_EQ(6u, got.get());
  EXPECT_EQ("future", std::string(buffer.data(), 6));
  std::future<void> closed = s.client.async_close_write(::asio::use_future);
  EXPECT_NO_THROW(closed.get());
  std::future<size_t> end = s.server.async_read_some(::asio::buffer(buffer), ::asio::use_future);
  try {
    end.get();
    ADD_FAILURE() << "no end reported";
  } catch (const std::system_error& e) {
    EXPECT_EQ(::asio::error::eof, e.code());
  }
  work.reset();
  ::asio::post(io, [&] {
    s.server.next_layer().close();
    s.client.next_layer().close();
  });
  runner.join();
}

// The peer closes the socket without close_notify: the data before it is
// read, then stream_truncated (never eof); read_state() says truncated.
TEST(AsioTest, EofWithoutCloseNotifyIsTruncationNotEof) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  std::error_code end;
  std::string got;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        co_await ::asio::async_write(s.server, ::asio::buffer(std::string_view("partial")),
                                     ::asio::use_awaitable);
        s.server.next_layer().close();  // no close_notify
      },
      ::asio::detached);
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.client.async_handshake(::asio::use_awaitable);
        got = co_await read_until_end(s.client, end);
      },
      ::asio::detached);
  run(io);
  EXPECT_EQ("partial", got);
  EXPECT_EQ(adieu::asio::error::stream_truncated, end);
  EXPECT_NE(::asio::error::eof, end);
  EXPECT_EQ(ReadState::truncated, s.client.read_state());
  EXPECT_TRUE(s.client.transport_ended());
  EXPECT_FALSE(s.client.transport_error());  // a plain FIN
}

// A reset (SO_LINGER 0) mid-stream is a truncation too, with the reset kept.
TEST(AsioTest, ResetIsTruncationWithTheTransportError) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  std::error_code end, shutdown;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        co_await ::asio::async_write(s.server, ::asio::buffer(std::string(5000, 'r')),
                                     ::asio::use_awaitable);
        s.server.next_layer().set_option(tcp::socket::linger(true, 0));
        s.server.next_layer().close();  // RST
      },
      ::asio::detached);
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.client.async_handshake(::asio::use_awaitable);
        // Wait for the reset to have arrived before reading anything.
        ::asio::steady_timer t(io, std::chrono::milliseconds(100));
        co_await t.async_wait(::asio::use_awaitable);
        co_await read_until_end(s.client, end);
        auto [ec] = co_await s.client.async_shutdown(kTuple);
        shutdown = ec;
      },
      ::asio::detached);
  run(io);
  EXPECT_EQ(adieu::asio::error::stream_truncated, end);
  EXPECT_EQ(ReadState::truncated, s.client.read_state());
  EXPECT_EQ(::asio::error::connection_reset, s.client.transport_error());
  EXPECT_EQ(adieu::asio::error::stream_truncated, shutdown);  // never a clean end
}

// The transport ends during the handshake: stream_truncated from the
// handshake.
TEST(AsioTest, EofDuringHandshakeIsTruncation) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  std::error_code handshake;
  s.server.async_handshake([&](std::error_code ec) { handshake = ec; });
  s.client.next_layer().shutdown(tcp::socket::shutdown_send);
  run(io);
  EXPECT_EQ(adieu::asio::error::stream_truncated, handshake);
}

// TLS 1.3 half-close: after the client's close_notify the server keeps
// sending a lot, and the client reads all of it before the server's
// close_notify; both ends are clean.
TEST(AsioTest, HalfCloseDeliversDataSentAfterOurCloseNotify) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  const std::string payload(300000, 'h');
  std::string got;
  std::error_code client_end, server_end;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        std::string nothing = co_await read_until_end(s.server, server_end);
        EXPECT_TRUE(nothing.empty());
        co_await ::asio::async_write(s.server, ::asio::buffer(payload), ::asio::use_awaitable);
        co_await s.server.async_close_write(::asio::use_awaitable);
      },
      ::asio::detached);
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.client.async_handshake(::asio::use_awaitable);
        co_await s.client.async_close_write(::asio::use_awaitable);
        auto [ec, n] =
            co_await s.client.async_write_some(::asio::buffer(std::string_view("late")), kTuple);
        EXPECT_EQ(Error::write_after_close, ec);
        got = co_await read_until_end(s.client, client_end);
      },
      ::asio::detached);
  run(io);
  EXPECT_EQ(::asio::error::eof, server_end);
  EXPECT_EQ(::asio::error::eof, client_end);
  EXPECT_EQ(payload.size(), got.size());
  EXPECT_EQ(payload, got);
  for (TlsStream* t : {&s.client, &s.server}) {
    EXPECT_EQ(ReadState::close_notify_received, t->read_state());
    EXPECT_EQ(WriteState::close_notify_sent, t->write_state());
  }
}

// Full duplex: both sides write a lot while reading, and the client asks for
// a KeyUpdate while its write is in flight; the server's read answers it
// while its own write is in progress.
TEST(AsioTest, FullDuplexWithKeyUpdateWhileWriting) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  const size_t size = 2 * 1024 * 1024;
  const std::string a(size, 'a'), b(size, 'b');
  std::string client_got, server_got;
  std::error_code client_end, server_end;
  int done = 0;
  auto writer = [&](TlsStream& t, const std::string& data,
                    bool key_update) -> ::asio::awaitable<void> {
    for (size_t off = 0; off < data.size(); off += 65536) {
      if (key_update && off == 65536 * 4) {
        EXPECT_EQ(Error::none, t.connection().key_update(true));
      }
      co_await ::asio::async_write(t, ::asio::buffer(data.data() + off, 65536),
                                   ::asio::use_awaitable);
    }
    // The server's KeyUpdate answer needs its write side open: it closes
    // once the client's request has been read.
    while (!key_update && t.connection().key_updates_received() == 0) {
      ::asio::steady_timer pause(io, std::chrono::milliseconds(1));
      co_await pause.async_wait(::asio::use_awaitable);
    }
    co_await t.async_close_write(::asio::use_awaitable);
    ++done;
  };
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        ::asio::co_spawn(io, writer(s.server, b, false), ::asio::detached);
        server_got = co_await read_until_end(s.server, server_end);
      },
      ::asio::detached);
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.client.async_handshake(::asio::use_awaitable);
        ::asio::co_spawn(io, writer(s.client, a, true), ::asio::detached);
        client_got = co_await read_until_end(s.client, client_end);
      },
      ::asio::detached);
  run(io);
  EXPECT_EQ(2, done);
  EXPECT_EQ(::asio::error::eof, server_end);
  EXPECT_EQ(::asio::error::eof, client_end);
  EXPECT_TRUE(server_got == a);
  EXPECT_TRUE(client_got == b);
  EXPECT_EQ(1u, s.server.connection().key_updates_received());
  EXPECT_EQ(1u, s.server.connection().key_updates_sent());
  EXPECT_EQ(1u, s.client.connection().key_updates_received());
  EXPECT_EQ(1u, s.client.connection().key_updates_sent());
}

// A server ends an idle connection whose read is pending: async_close_write
// beside the outstanding async_read_some, which then sees the client's answer.
TEST(AsioTest, CloseWriteWhileAReadIsPending) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  std::error_code server_read, client_read;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        std::array<char, 64> buffer;
        s.server.async_read_some(::asio::buffer(buffer),
                                 [&](std::error_code ec, size_t) { server_read = ec; });
        co_await s.server.async_close_write(::asio::use_awaitable);
      },
      ::asio::detached);
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.client.async_handshake(::asio::use_awaitable);
        std::string nothing = co_await read_until_end(s.client, client_read);
        co_await s.client.async_close_write(::asio::use_awaitable);
      },
      ::asio::detached);
  run(io);
  EXPECT_EQ(::asio::error::eof, client_read);
  EXPECT_EQ(::asio::error::eof, server_read);
  EXPECT_EQ(ReadState::close_notify_received, s.server.read_state());
}

// async_wait_readable holds no buffer: the server takes the data in place
// (readable() / consume_readable()) as it comes, then sees the client's
// close_notify as eof, like async_read_some. Both ends release their idle
// memory at every wait (the record contexts set up again after each).
TEST(AsioTest, WaitReadableThenTakeTheDataInPlace) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  s.server.set_release_memory_when_idle(true);
  s.client.set_release_memory_when_idle(true);
  const std::string sent(40000, 'w');
  std::string got;
  int waits = 0;
  std::error_code server_end;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        for (;;) {
          auto [ec] = co_await s.server.async_wait_readable(kTuple);
          if (ec) {
            server_end = ec;
            break;
          }
          ++waits;
          const std::span<const uint8_t> data = s.server.connection().readable();
          EXPECT_FALSE(data.empty());
          got.append(reinterpret_cast<const char*>(data.data()), data.size());
          s.server.connection().consume_readable(data.size());
        }
        co_await s.server.async_close_write(::asio::use_awaitable);
      },
      ::asio::detached);
  std::error_code client_end;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.client.async_handshake(::asio::use_awaitable);
        co_await ::asio::async_write(s.client, ::asio::buffer(sent), ::asio::use_awaitable);
        co_await s.client.async_close_write(::asio::use_awaitable);
        std::string nothing = co_await read_until_end(s.client, client_end);
      },
      ::asio::detached);
  run(io);
  EXPECT_EQ(sent, got);
  EXPECT_GE(waits, 1);
  EXPECT_EQ(::asio::error::eof, server_end);
  EXPECT_EQ(::asio::error::eof, client_end);
  EXPECT_EQ(ReadState::close_notify_received, s.server.read_state());
}

// TLS 1.2: the peer's close_notify is answered at once (RFC 5246 section
// 7.2.1), by the read that sees it.
TEST(AsioTest, Tls12CloseNotifyIsAnsweredByTheRead) {
  ::asio::io_context io;
  Streams s = make_streams(io, 0x0303);
  std::error_code server_end, client_shutdown;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        co_await read_until_end(s.server, server_end);
      },
      ::asio::detached);
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.client.async_handshake(::asio::use_awaitable);
        EXPECT_EQ(0x0303, s.client.connection().version());
        auto [ec] = co_await s.client.async_shutdown(kTuple);
        client_shutdown = ec;
      },
      ::asio::detached);
  run(io);
  EXPECT_EQ(::asio::error::eof, server_end);
  EXPECT_FALSE(client_shutdown) << client_shutdown.message();
  EXPECT_EQ(WriteState::close_notify_sent, s.server.write_state());
}

// A handshake failure is reported as the engine's error on both sides, and
// the alert reaches the peer.
TEST(AsioTest, HandshakeFailureReportsTheAlert) {
  ::asio::io_context io;
  auto [c, sv] = tcp_pair(io);
  auto config = std::make_shared<Config>(Role::client);
  std::string error;
  ASSERT_TRUE(config->load_ca_file(kData + "/rsa-root.pem", &error)) << error;  // the wrong root
  TlsStream client(std::move(c), Connection::client(config, "localhost"));
  TlsStream server(std::move(sv), Connection::server(server_config()));
  std::error_code client_hs, server_hs;
  client.async_handshake([&](std::error_code ec) { client_hs = ec; });
  server.async_handshake([&](std::error_code ec) { server_hs = ec; });
  run(io);
  EXPECT_EQ(Error::unknown_ca, client_hs) << client_hs.message();
  EXPECT_EQ(Error::peer_alert, server_hs) << server_hs.message();
  EXPECT_EQ(WriteState::fatal_alert_sent, client.write_state());
  EXPECT_EQ(ReadState::fatal_alert_received, server.read_state());
}

// Writing to a peer that has gone reports the next layer's error.
TEST(AsioTest, WriteToAGonePeerReportsTheTransportError) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  std::error_code write_end;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        std::error_code ignored;
        co_await read_until_end(s.server, ignored);
      },
      ::asio::detached);
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.client.async_handshake(::asio::use_awaitable);
        s.server.next_layer().set_option(tcp::socket::linger(true, 0));
        s.server.next_layer().close();
        const std::string chunk(65536, 'w');
        for (int i = 0; i < 100; ++i) {
          auto [ec, n] = co_await ::asio::async_write(s.client, ::asio::buffer(chunk), kTuple);
          if (ec) {
            write_end = ec;
            break;
          }
        }
      },
      ::asio::detached);
  run(io);
  EXPECT_TRUE(write_end == ::asio::error::broken_pipe ||
              write_end == ::asio::error::connection_reset)
      << write_end.message();
}

// A next layer that is not a socket (only async_read_some/async_write_some):
// the adapter reads through a buffer of its own.
struct PlainStream {
  using executor_type = ::asio::local::stream_protocol::socket::executor_type;
  ::asio::local::stream_protocol::socket socket;
  executor_type get_executor() { return socket.get_executor(); }
  template <typename B, typename T>
  auto async_read_some(const B& b, T&& t) {
    return socket.async_read_some(b, std::forward<T>(t));
  }
  template <typename B, typename T>
  auto async_write_some(const B& b, T&& t) {
    return socket.async_write_some(b, std::forward<T>(t));
  }
};

TEST(AsioTest, GenericNextLayerOverAUnixSocketPair) {
  ::asio::io_context io;
  ::asio::local::stream_protocol::socket a(io), b(io);
  ::asio::local::connect_pair(a, b);
  adieu::asio::stream<PlainStream> client(PlainStream{std::move(a)},
                                          Connection::client(client_config(), "localhost"));
  adieu::asio::stream<PlainStream> server(PlainStream{std::move(b)},
                                          Connection::server(server_config()));
  const std::string payload(50000, 'u');
  std::string got;
  std::error_code server_end, truncated_end;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await server.async_handshake(::asio::use_awaitable);
        got = co_await read_until_end(server, server_end);
        co_await server.async_write_some(::asio::buffer(std::string_view("x")),
                                         ::asio::use_awaitable);
        server.next_layer().socket.close();  // no close_notify
      },
      ::asio::detached);
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await client.async_handshake(::asio::use_awaitable);
        co_await ::asio::async_write(client, ::asio::buffer(payload), ::asio::use_awaitable);
        co_await client.async_close_write(::asio::use_awaitable);
        co_await read_until_end(client, truncated_end);
      },
      ::asio::detached);
  run(io);
  EXPECT_EQ(::asio::error::eof, server_end);
  EXPECT_EQ(payload, got);
  EXPECT_EQ(adieu::asio::error::stream_truncated, truncated_end);
}

// cancel() on the socket ends a pending read with operation_aborted (an
// idle timeout), leaving the connection as it was.
TEST(AsioTest, CancelEndsAPendingRead) {
  ::asio::io_context io;
  Streams s = make_streams(io);
  std::error_code read;
  ::asio::co_spawn(
      io,
      [&]() -> ::asio::awaitable<void> {
        co_await s.server.async_handshake(::asio::use_awaitable);
        std::array<char, 16> buffer;
        s.server.async_read_some(::asio::buffer(buffer),
                                 [&](std::error_code ec, size_t) { read = ec; });
        ::asio::steady_timer t(io, std::chrono::milliseconds(20));
        co_await t.async_wait(::asio::use_awaitable);
        s.server.next_layer().cancel();
      },
      ::asio::detached);
  s.client.async_handshake([](std::error_code ec) { EXPECT_FALSE(ec); });
  run(io);
  EXPECT_EQ(::asio::error::operation_aborted, read);
  EXPECT_EQ(ReadState::open, s.server.read_state());
}

}  // namespace
}  // namespace adieu
