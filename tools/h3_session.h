// HTTP/3 (RFC 9114) for adieu-client and adieu-server over an H3Transport,
// through libnghttp3: the framing, QPACK and the stream rules are
// nghttp3's; these classes move bytes between it and the transport and keep
// what the tools need (a GET and its response; a status page or files).
//
// Both roles are driven the same way: start() once the QUIC handshake is
// complete (it opens the control and QPACK streams), then pump() whenever
// the transport may have news (datagrams received, a timer, credit): it
// reads every stream that has data and writes what nghttp3 has to send.
// A pump() that fails leaves an HTTP/3 error code in error_code() for the
// CONNECTION_CLOSE that ends the connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "h3_transport.h"

struct nghttp3_conn;

namespace adieu::tools {

// HTTP/3 error codes (RFC 9114 section 8.1) the tools use by name.
constexpr uint64_t kH3NoError = 0x0100;
constexpr uint64_t kH3InternalError = 0x0102;

// "H3_NO_ERROR" for 0x100; empty for a code RFC 9114 does not name.
std::string h3_error_name(uint64_t code);

class H3Session {
 public:
  virtual ~H3Session();
  H3Session(const H3Session&) = delete;
  H3Session& operator=(const H3Session&) = delete;

  // Opens and binds the control stream and the two QPACK streams (RFC 9114
  // section 6.2). False (with error_code() set) when the transport refuses.
  bool start();
  // Reads what the transport has, then writes what nghttp3 has to send.
  // False once the session failed (error_code() says why); it stays failed.
  bool pump();
  bool failed() const { return error_code_ != 0; }
  // The HTTP/3 error code to close the connection with (0 while all is well).
  uint64_t error_code() const { return error_code_; }
  // What went wrong, in words (empty while all is well).
  const std::string& error_text() const { return error_text_; }

 protected:
  struct Callbacks;  // nghttp3's callbacks (h3_session.cc)
  enum class Role { client, server };
  H3Session(Role role, H3Transport& transport);
  void fail(uint64_t code, const std::string& text);
  // Called once nghttp3 reports a stream closed (both directions done).
  virtual void on_stream_closed(uint64_t stream, uint64_t app_error_code) {}
  // A stream of ours that carries requests (client): read like accepted ones.
  void watch(uint64_t stream) { reading_.insert(stream); }
  nghttp3_conn* conn() { return conn_; }
  H3Transport& transport() { return transport_; }

 private:
  bool read_streams();
  bool write_streams();
  void closing_check(uint64_t stream);

  Role role_;
  H3Transport& transport_;
  nghttp3_conn* conn_ = nullptr;
  uint64_t error_code_ = 0;
  std::string error_text_;
  std::set<uint64_t> reading_;     // streams whose FIN (or reset) is still to come
  std::set<uint64_t> read_done_;   // bidirectional streams whose end was read
  std::set<uint64_t> write_done_;  // bidirectional streams whose FIN was written
  std::set<uint64_t> blocked_;     // streams blocked by the transport's buffer
};

// One header field.
using H3Header = std::pair<std::string, std::string>;

// A response as the client received it.
struct H3Response {
  int status = 0;                 // :status; 0 until the headers arrived
  std::vector<H3Header> headers;  // without :status
  std::string body;
  // The whole response arrived (the stream's FIN after it).
  bool complete = false;
  // The stream ended otherwise: the server's RESET_STREAM code, or the
  // code nghttp3 closed it with.
  std::optional<uint64_t> reset_code;
  // The first value of a header field, or empty.
  std::string header(const std::string& name) const;
};

class H3Client : public H3Session {
 public:
  explicit H3Client(H3Transport& transport);
  // Sends `GET path` for https://authority on a new bidirectional stream.
  // False (error_text() says why) when no stream could be opened or nghttp3
  // refused; call after start().
  bool submit_get(const std::string& authority, const std::string& path);
  const H3Response& response() const { return response_; }
  // The response is complete or its stream ended: nothing more will come.
  bool done() const { return done_; }

 private:
  friend struct H3Session::Callbacks;
  void on_stream_closed(uint64_t stream, uint64_t app_error_code) override;
  uint64_t stream_ = UINT64_MAX;
  H3Response response_;
  bool done_ = false;
};

// How the server answers.
struct H3ServerOptions {
  // false: every GET gets the status page (`s_server -www`); true: GET
  // serves the file the path names, relative to `root` (`s_server -WWW`).
  bool files = false;
  std::string root = ".";
  // The status page's text (the connection's parameters); called per request.
  std::function<std::string()> status_text;
};

// A request as the server received it (for logs and tests).
struct H3Request {
  uint64_t stream = 0;
  std::string method;
  std::string path;
  std::string authority;
  std::string scheme;
  int status = 0;           // the status answered
  uint64_t body_bytes = 0;  // the response body's size
};

class H3Server : public H3Session {
 public:
  H3Server(H3Transport& transport, H3ServerOptions options);
  ~H3Server() override;
  // The requests answered so far, in order.
  const std::vector<H3Request>& answered() const { return answered_; }

 private:
  friend struct H3Session::Callbacks;
  struct Exchange;
  void on_stream_closed(uint64_t stream, uint64_t app_error_code) override;
  Exchange& exchange(uint64_t stream);
  bool respond(uint64_t stream);
  // The status and body for a request (the status page, a file, an error).
  void answer(Exchange& e);

  H3ServerOptions options_;
  std::vector<std::unique_ptr<Exchange>> exchanges_;
  std::vector<H3Request> answered_;
};

// -WWW: the file a request path names under `root`, or nullopt when the path
// is refused (not starting with '/', a ".." segment, an absolute path after
// the leading '/', a NUL). The query ("?...") is dropped; a path ending in
// '/' names index.html there.
std::optional<std::string> h3_file_for_path(const std::string& root, const std::string& path);

}  // namespace adieu::tools
