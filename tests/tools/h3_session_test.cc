// The tools' HTTP/3 sessions (tools/h3_session.h): an H3Client and an
// H3Server over nghttp3, wired back to back through MemoryStreams.
#include "h3_session.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "tools/memory_streams.h"

namespace adieu::tools {
namespace {

using testing::MemoryStreams;

// A directory of files for -WWW, removed at the end.
class Htdocs {
 public:
  Htdocs() {
    std::string pattern = (std::filesystem::temp_directory_path() / "adieu-h3.XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    root_ = pattern;
  }
  ~Htdocs() { std::filesystem::remove_all(root_); }
  const std::string& root() const { return root_; }
  void put(const std::string& name, const std::string& bytes) {
    std::filesystem::create_directories(std::filesystem::path(root_ + "/" + name).parent_path());
    std::ofstream(root_ + "/" + name, std::ios::binary) << bytes;
  }

 private:
  std::string root_;
};

struct Exchange {
  explicit Exchange(H3ServerOptions options, size_t buffer = 4096)
      : streams(buffer), client(streams.client()), server(streams.server(), std::move(options)) {}

  // Starts both sessions, sends GET path, pumps both until the client is
  // done (bounded: each round moves at least one stream buffer's worth or
  // ends the exchange).
  void get(const std::string& path, const std::string& authority = "example.test") {
    ASSERT_TRUE(client.start()) << client.error_text();
    ASSERT_TRUE(server.start()) << server.error_text();
    ASSERT_TRUE(client.submit_get(authority, path)) << client.error_text();
    for (int round = 0; round < 100000 && !client.done(); ++round) {
      ASSERT_TRUE(server.pump()) << server.error_text();
      ASSERT_TRUE(client.pump()) << client.error_text();
    }
    ASSERT_TRUE(client.done());
    // One more round lets the server see the end of the exchange.
    ASSERT_TRUE(server.pump()) << server.error_text();
    ASSERT_TRUE(client.pump()) << client.error_text();
  }

  MemoryStreams streams;
  H3Client client;
  H3Server server;
};

H3ServerOptions files(const std::string& root) {
  H3ServerOptions options;
  options.files = true;
  options.root = root;
  return options;
}

TEST(H3Session, StatusPageAnswersGet) {
  H3ServerOptions options;
  options.status_text = [] { return std::string("version=TLSv1.3 alpn=h3"); };
  Exchange x(options);
  x.get("/anything", "server.test:4433");
  const H3Response& r = x.client.response();
  EXPECT_TRUE(r.complete);
  EXPECT_FALSE(r.reset_code);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/html");
  EXPECT_EQ(r.header("server"), "adieu-server");
  EXPECT_EQ(r.header("content-length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.body,
            "<html><body><pre>\nadieu-server\nversion=TLSv1.3 alpn=h3\n</pre></body></html>\n");
  ASSERT_EQ(x.server.answered().size(), 1u);
  const H3Request& q = x.server.answered()[0];
  EXPECT_EQ(q.method, "GET");
  EXPECT_EQ(q.path, "/anything");
  EXPECT_EQ(q.authority, "server.test:4433");
  EXPECT_EQ(q.scheme, "https");
  EXPECT_EQ(q.status, 200);
  EXPECT_EQ(q.stream, 0u);  // the client's first bidirectional stream
}

TEST(H3Session, ServesAFile) {
  Htdocs htdocs;
  htdocs.put("dir/hello.txt", "hello over HTTP/3\n");
  Exchange x(files(htdocs.root()));
  x.get("/dir/hello.txt?query=ignored");
  const H3Response& r = x.client.response();
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/plain");
  EXPECT_EQ(r.header("content-length"), "18");
  EXPECT_EQ(r.body, "hello over HTTP/3\n");
}

TEST(H3Session, MissingFileIs404) {
  Htdocs htdocs;
  Exchange x(files(htdocs.root()));
  x.get("/missing.bin");
  const H3Response& r = x.client.response();
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "<html><body><h1>404 Not Found</h1></body></html>\n");
  EXPECT_EQ(x.server.answered().at(0).status, 404);
}

TEST(H3Session, DirectoryWithoutIndexIs404) {
  Htdocs htdocs;
  htdocs.put("sub/other.txt", "x");
  Exchange x(files(htdocs.root()));
  x.get("/sub/");
  EXPECT_EQ(x.client.response().status, 404);
}

TEST(H3Session, DotDotAndAbsolutePathsAreRefused) {
  Htdocs htdocs;
  htdocs.put("inside/secret.txt", "secret");
  for (const char* path :
       {"/../etc/passwd", "/inside/../inside/secret.txt", "//etc/passwd", "/.."}) {
    SCOPED_TRACE(path);
    Exchange x(files(htdocs.root() + "/inside"));
    x.get(path);
    EXPECT_TRUE(x.client.response().complete);
    EXPECT_EQ(x.client.response().status, 400);
    EXPECT_EQ(x.client.response().body.find("secret"), std::string::npos);
  }
}

TEST(H3Session, FileForPath) {
  EXPECT_EQ(h3_file_for_path("/srv", "/a/b.html"), "/srv/a/b.html");
  EXPECT_EQ(h3_file_for_path("/srv", "/"), "/srv/index.html");
  EXPECT_EQ(h3_file_for_path("/srv", "/a/?x=1"), "/srv/a/index.html");
  EXPECT_EQ(h3_file_for_path("/srv", "/a..b/..c"), "/srv/a..b/..c");  // not a ".." segment
  EXPECT_EQ(h3_file_for_path(".", "/./x"), "././x");
  EXPECT_FALSE(h3_file_for_path("/srv", "/a/../../x"));
  EXPECT_FALSE(h3_file_for_path("/srv", "/a/.."));
  EXPECT_FALSE(h3_file_for_path("/srv", "//abs"));
  EXPECT_FALSE(h3_file_for_path("/srv", "relative"));
  EXPECT_FALSE(h3_file_for_path("/srv", ""));
  EXPECT_FALSE(h3_file_for_path("/srv", std::string("/a\0b", 4)));
}

// A body of several megabytes crosses streams whose buffers hold 4 KiB:
// the server's writes are partial, its stream blocks and resumes; the body
// arrives byte for byte, and every byte the client read was handed back as
// flow-control credit.
TEST(H3Session, LargeFileByteExact) {
  std::string body(3 * 1024 * 1024 + 17, '\0');
  std::mt19937 random(17);
  for (char& c : body) c = static_cast<char>(random());
  Htdocs htdocs;
  htdocs.put("big.bin", body);
  Exchange x(files(htdocs.root()));
  x.get("/big.bin");
  const H3Response& r = x.client.response();
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/octet-stream");
  EXPECT_EQ(r.header("content-length"), std::to_string(body.size()));
  ASSERT_EQ(r.body.size(), body.size());
  EXPECT_TRUE(r.body == body);
  EXPECT_EQ(x.server.answered().at(0).body_bytes, body.size());
  // The response stream: ended with a FIN, every byte read and credited.
  const MemoryStreams::Pipe* response = x.streams.pipe(0, false);
  ASSERT_NE(response, nullptr);
  EXPECT_TRUE(response->fin);
  EXPECT_EQ(response->read, response->bytes.size());
  EXPECT_EQ(response->consumed, response->bytes.size());
  EXPECT_GT(response->bytes.size(), body.size());  // HEADERS and DATA framing
}

// Both sides open their three unidirectional streams (control, QPACK encoder
// and decoder, RFC 9114 section 6.2), none of them ended; the request
// stream carries a FIN each way.
TEST(H3Session, StreamsAndEnds) {
  H3ServerOptions options;
  Exchange x(options);
  x.get("/");
  for (bool from_client : {true, false}) {
    SCOPED_TRACE(from_client ? "client" : "server");
    int uni = 0;
    for (const auto& [id, pipe] : x.streams.pipes(from_client)) {
      if ((id & 0x2) == 0) {
        EXPECT_EQ(id, 0u);
        EXPECT_TRUE(pipe.fin);
        continue;
      }
      ++uni;
      EXPECT_EQ(id & 0x1, from_client ? 0u : 1u);
      EXPECT_FALSE(pipe.fin);
      EXPECT_FALSE(pipe.reset);
      ASSERT_FALSE(pipe.bytes.empty());
      EXPECT_EQ(pipe.consumed, pipe.bytes.size());
    }
    EXPECT_EQ(uni, 3);
  }
  // The control stream's first byte is its type, 0x00 (section 6.2.1).
  EXPECT_EQ(x.streams.pipe(2, true)->bytes.at(0), 0x00);
  EXPECT_EQ(x.streams.pipe(3, false)->bytes.at(0), 0x00);
}

// The server resets the request stream before answering: the client's
// response ends, incomplete, with the server's code.
TEST(H3Session, ResetResponseStream) {
  H3ServerOptions options;
  MemoryStreams streams;
  H3Client client(streams.client());
  H3Server server(streams.server(), options);
  ASSERT_TRUE(client.start());
  ASSERT_TRUE(client.submit_get("example.test", "/"));
  streams.server().reset_stream(0, 0x010c);  // H3_REQUEST_CANCELLED
  ASSERT_TRUE(client.pump()) << client.error_text();
  EXPECT_TRUE(client.done());
  EXPECT_FALSE(client.response().complete);
  EXPECT_EQ(client.response().reset_code, 0x010cu);
}

// The server's control stream ends: a connection error,
// H3_CLOSED_CRITICAL_STREAM (RFC 9114 section 6.2.1).
TEST(H3Session, ClosedControlStreamFailsTheClient) {
  H3ServerOptions options;
  MemoryStreams streams;
  H3Client client(streams.client());
  H3Server server(streams.server(), options);
  ASSERT_TRUE(client.start());
  ASSERT_TRUE(server.start());
  ASSERT_TRUE(streams.server().conclude(3));  // the server's control stream
  EXPECT_FALSE(client.pump());
  EXPECT_TRUE(client.failed());
  EXPECT_EQ(client.error_code(), 0x0104u);
  EXPECT_EQ(h3_error_name(client.error_code()), "H3_CLOSED_CRITICAL_STREAM");
}

TEST(H3Session, ErrorNames) {
  EXPECT_EQ(h3_error_name(0x100), "H3_NO_ERROR");
  EXPECT_EQ(h3_error_name(0x110), "H3_VERSION_FALLBACK");
  EXPECT_EQ(h3_error_name(0x200), "QPACK_DECOMPRESSION_FAILED");
  EXPECT_EQ(h3_error_name(0x111), "");
  EXPECT_EQ(h3_error_name(0), "");
}

}  // namespace
}  // namespace adieu::tools
