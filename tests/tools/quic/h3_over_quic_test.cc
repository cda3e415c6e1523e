// The tools' HTTP/3 sessions over two real quic::Connections (through
// H3QuicTransport), on the in-memory datagram path and simulated clock of
// tests/engine/quic/quic_pair.h: what adieu-client -quic and adieu-server
// -quic do, without sockets and without a peer program.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "engine/quic/quic_pair.h"
#include "h3_quic_transport.h"
#include "h3_session.h"
#include "quic_common.h"

namespace adieu::tools {
namespace {

using quic::test::QuicPair;
using namespace std::chrono_literals;

// The client and server sessions on a QuicPair, made once each side's
// handshake is complete, and pumped after every step of the path.
class H3Pair {
 public:
  explicit H3Pair(H3ServerOptions options) : options_(std::move(options)) { pair.start(); }

  // Runs the exchange: GET `path`, then (as adieu-client does) the
  // client's CONNECTION_CLOSE with H3_NO_ERROR once the response is in,
  // until both connections are closed.
  void get(const std::string& path) {
    const bool ended = pair.run_until(
        [&] {
          pump(path);
          return pair.client->state() == quic::ConnectionState::closed && pair.server &&
                 pair.server->state() == quic::ConnectionState::closed;
        },
        120s);
    ASSERT_TRUE(ended) << "client: " << describe_quic_end(*pair.client);
  }

  QuicPair pair;
  std::unique_ptr<H3QuicTransport> client_transport;
  std::unique_ptr<H3QuicTransport> server_transport;
  std::unique_ptr<H3Client> client;
  std::unique_ptr<H3Server> server;

 private:
  void pump(const std::string& path) {
    quic::Connection& c = *pair.client;
    if (!client && c.handshake_complete()) {
      client_transport = std::make_unique<H3QuicTransport>(c);
      client = std::make_unique<H3Client>(*client_transport);
      ASSERT_TRUE(client->start()) << client->error_text();
      ASSERT_TRUE(client->submit_get("localhost", path)) << client->error_text();
    } else if (client && c.state() == quic::ConnectionState::established) {
      ASSERT_TRUE(client->pump()) << client->error_text();
      if (client->done()) c.close(kH3NoError, "");
    }
    if (!pair.server) return;
    quic::Connection& s = *pair.server;
    if (!server && s.handshake_complete()) {
      server_transport = std::make_unique<H3QuicTransport>(s);
      server = std::make_unique<H3Server>(*server_transport, options_);
      ASSERT_TRUE(server->start()) << server->error_text();
    } else if (server && s.state() == quic::ConnectionState::established) {
      ASSERT_TRUE(server->pump()) << server->error_text();
    }
  }

  H3ServerOptions options_;
};

std::string random_bytes(size_t n, unsigned seed) {
  std::string out(n, '\0');
  std::mt19937 random(seed);
  for (char& c : out) c = static_cast<char>(random());
  return out;
}

class Htdocs {
 public:
  Htdocs() {
    std::string pattern = (std::filesystem::temp_directory_path() / "adieu-h3q.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    root_ = pattern;
  }
  ~Htdocs() { std::filesystem::remove_all(root_); }
  const std::string& root() const { return root_; }
  void put(const std::string& name, const std::string& bytes) {
    std::ofstream(root_ + "/" + name, std::ios::binary) << bytes;
  }

 private:
  std::string root_;
};

// The client's end line and the server's, as the tools print them.
void expect_clean_ends(QuicPair& pair) {
  EXPECT_EQ(describe_quic_end(*pair.client),
            "ended: CONNECTION_CLOSE sent, application error 0x100 (H3_NO_ERROR), reason '', "
            "state closed, shutdown=SENT|RECEIVED");
  EXPECT_EQ(describe_quic_end(*pair.server),
            "ended: CONNECTION_CLOSE received, application error 0x100 (H3_NO_ERROR), reason '', "
            "state closed, shutdown=SENT|RECEIVED");
  EXPECT_TRUE(quic_ended_cleanly(*pair.client));
  EXPECT_TRUE(quic_ended_cleanly(*pair.server));
}

TEST(H3OverQuic, StatusPage) {
  H3ServerOptions options;
  H3Pair* raw = nullptr;
  options.status_text = [&raw] { return describe_quic_parameters(*raw->pair.server); };
  H3Pair h3(options);
  raw = &h3;
  h3.get("/");
  ASSERT_TRUE(h3.client);
  const H3Response& r = h3.client->response();
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("alpn=h3 sni=localhost"), std::string::npos) << r.body;
  expect_clean_ends(h3.pair);
}

// 2 MiB through the 256 KiB per-stream bound of H3QuicTransport and the
// connection's flow control: the server's stream blocks and resumes many
// times; the body arrives byte for byte.
TEST(H3OverQuic, LargeFileByteExact) {
  Htdocs htdocs;
  const std::string body = random_bytes(2 * 1024 * 1024 + 3, 5);
  htdocs.put("big.bin", body);
  H3ServerOptions options;
  options.files = true;
  options.root = htdocs.root();
  H3Pair h3(options);
  h3.get("/big.bin");
  ASSERT_TRUE(h3.client);
  const H3Response& r = h3.client->response();
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), std::to_string(body.size()));
  EXPECT_TRUE(r.body == body) << r.body.size() << " bytes";
  expect_clean_ends(h3.pair);
}

// The same with 5% of the datagrams lost each way (seeded): loss recovery
// under the HTTP/3 streams.
TEST(H3OverQuic, LargeFileWithLoss) {
  Htdocs htdocs;
  const std::string body = random_bytes(600 * 1024, 9);
  htdocs.put("big.bin", body);
  H3ServerOptions options;
  options.files = true;
  options.root = htdocs.root();
  H3Pair h3(options);
  h3.pair.loss = 0.05;
  h3.get("/big.bin");
  ASSERT_TRUE(h3.client);
  EXPECT_TRUE(h3.client->response().complete);
  EXPECT_TRUE(h3.client->response().body == body);
  EXPECT_GT(h3.pair.server->stats().packets_lost, 0u);
}

TEST(H3OverQuic, MissingFileIs404) {
  Htdocs htdocs;
  H3ServerOptions options;
  options.files = true;
  options.root = htdocs.root();
  H3Pair h3(options);
  h3.get("/none");
  ASSERT_TRUE(h3.client);
  EXPECT_TRUE(h3.client->response().complete);
  EXPECT_EQ(h3.client->response().status, 404);
  expect_clean_ends(h3.pair);
}

TEST(H3OverQuic, ShutdownValues) {
  H3ServerOptions options;
  H3Pair h3(options);
  ASSERT_TRUE(h3.pair.handshake());
  EXPECT_EQ(quic_shutdown_value(*h3.pair.client), "0");
  EXPECT_EQ(describe_quic_end(*h3.pair.client),
            "ended: not closed (state established), shutdown=0");
  h3.pair.client->close(kH3NoError, "bye");
  EXPECT_EQ(quic_shutdown_value(*h3.pair.client), "SENT");
  EXPECT_FALSE(quic_ended_cleanly(*h3.pair.client));  // still closing
  ASSERT_TRUE(h3.pair.run_until(
      [&] { return h3.pair.server->state() == quic::ConnectionState::draining; }));
  EXPECT_EQ(quic_shutdown_value(*h3.pair.server), "SENT|RECEIVED");
  EXPECT_EQ(describe_quic_end(*h3.pair.server),
            "ended: CONNECTION_CLOSE received, application error 0x100 (H3_NO_ERROR), reason "
            "'bye', state draining, shutdown=SENT|RECEIVED");
}

}  // namespace
}  // namespace adieu::tools
