#include "h3_session.h"

#include <nghttp3/nghttp3.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace adieu::tools {
namespace {

// RFC 9000 section 2.1: bit 0x2 of a stream ID is set for unidirectional
// streams.
bool bidirectional(uint64_t stream) {
  return (stream & 0x2) == 0;
}

std::string rcbuf_string(nghttp3_rcbuf* buffer) {
  const nghttp3_vec v = nghttp3_rcbuf_get_buf(buffer);
  return std::string(reinterpret_cast<const char*>(v.base), v.len);
}

nghttp3_nv header(const std::string& name, const std::string& value) {
  nghttp3_nv nv{};
  nv.name = reinterpret_cast<uint8_t*>(const_cast<char*>(name.data()));
  nv.namelen = name.size();
  nv.value = reinterpret_cast<uint8_t*>(const_cast<char*>(value.data()));
  nv.valuelen = value.size();
  nv.flags = NGHTTP3_NV_FLAG_NONE;
  return nv;
}

}  // namespace

std::string h3_error_name(uint64_t code) {
  // RFC 9114 section 8.1.
  static const char* const kNames[] = {"H3_NO_ERROR",
                                       "H3_GENERAL_PROTOCOL_ERROR",
                                       "H3_INTERNAL_ERROR",
                                       "H3_STREAM_CREATION_ERROR",
                                       "H3_CLOSED_CRITICAL_STREAM",
                                       "H3_FRAME_UNEXPECTED",
                                       "H3_FRAME_ERROR",
                                       "H3_EXCESSIVE_LOAD",
                                       "H3_ID_ERROR",
                                       "H3_SETTINGS_ERROR",
                                       "H3_MISSING_SETTINGS",
                                       "H3_REQUEST_REJECTED",
                                       "H3_REQUEST_CANCELLED",
                                       "H3_REQUEST_INCOMPLETE",
                                       "H3_MESSAGE_ERROR",
                                       "H3_CONNECT_ERROR",
                                       "H3_VERSION_FALLBACK"};
  if (code >= 0x100 && code < 0x100 + std::size(kNames)) return kNames[code - 0x100];
  if (code == 0x200) return "QPACK_DECOMPRESSION_FAILED";
  if (code == 0x201) return "QPACK_ENCODER_STREAM_ERROR";
  if (code == 0x202) return "QPACK_DECODER_STREAM_ERROR";
  return "";
}

std::string H3Response::header(const std::string& name) const {
  for (const H3Header& h : headers) {
    if (h.first == name) return h.second;
  }
  return "";
}

// One request and its response, until the stream closes.
struct H3Server::Exchange {
  H3Request request;
  std::string status;
  std::string content_type;
  std::string body;
};

// nghttp3's callbacks, with the session as the connection's user data.
struct H3Session::Callbacks {
  static H3Session& session(void* user) { return *static_cast<H3Session*>(user); }

  static int stream_close(nghttp3_conn*, int64_t stream, uint64_t code, void* user, void*) {
    session(user).on_stream_closed(static_cast<uint64_t>(stream), code);
    return 0;
  }
  static int consumed(nghttp3_conn*, int64_t stream, size_t bytes, void* user, void*) {
    session(user).transport_.consumed(static_cast<uint64_t>(stream), bytes);
    return 0;
  }
  static int recv_data(nghttp3_conn*, int64_t stream, const uint8_t* data, size_t size, void* user,
                       void*) {
    H3Session& s = session(user);
    // DATA payloads are not counted in read_stream()'s result: the body's
    // credit is returned here.
    s.transport_.consumed(static_cast<uint64_t>(stream), size);
    if (s.role_ == Role::client) {
      auto& client = static_cast<H3Client&>(s);
      if (static_cast<uint64_t>(stream) == client.stream_) {
        client.response_.body.append(reinterpret_cast<const char*>(data), size);
      }
    }
    return 0;
  }
  static int begin_headers(nghttp3_conn*, int64_t stream, void* user, void*) {
    H3Session& s = session(user);
    if (s.role_ == Role::server) static_cast<H3Server&>(s).exchange(static_cast<uint64_t>(stream));
    return 0;
  }
  static int recv_header(nghttp3_conn*, int64_t stream, int32_t, nghttp3_rcbuf* name_buffer,
                         nghttp3_rcbuf* value_buffer, uint8_t, void* user, void*);
  static int end_stream(nghttp3_conn*, int64_t stream, void* user, void*) {
    H3Session& s = session(user);
    if (s.role_ == Role::server) {
      return static_cast<H3Server&>(s).respond(static_cast<uint64_t>(stream))
                 ? 0
                 : NGHTTP3_ERR_CALLBACK_FAILURE;
    }
    auto& client = static_cast<H3Client&>(s);
    if (static_cast<uint64_t>(stream) == client.stream_) {
      client.response_.complete = client.response_.status != 0;
      client.done_ = true;
    }
    return 0;
  }
  static int stop_sending(nghttp3_conn*, int64_t stream, uint64_t code, void* user, void*) {
    session(user).transport_.stop_sending(static_cast<uint64_t>(stream), code);
    return 0;
  }
  static int reset_stream(nghttp3_conn*, int64_t stream, uint64_t code, void* user, void*) {
    session(user).transport_.reset_stream(static_cast<uint64_t>(stream), code);
    return 0;
  }
  static nghttp3_ssize read_body(nghttp3_conn*, int64_t stream, nghttp3_vec* vec, size_t count,
                                 uint32_t* flags, void* user, void*);
};

H3Session::H3Session(Role role, H3Transport& transport) : role_(role), transport_(transport) {
  nghttp3_callbacks callbacks{};
  callbacks.stream_close = Callbacks::stream_close;
  callbacks.recv_data = Callbacks::recv_data;
  callbacks.deferred_consume = Callbacks::consumed;
  callbacks.begin_headers = Callbacks::begin_headers;
  callbacks.recv_header = Callbacks::recv_header;
  callbacks.end_stream = Callbacks::end_stream;
  callbacks.stop_sending = Callbacks::stop_sending;
  callbacks.reset_stream = Callbacks::reset_stream;
  nghttp3_settings settings;
  nghttp3_settings_default(&settings);
  const int rv = role == Role::client
                     ? nghttp3_conn_client_new(&conn_, &callbacks, &settings, nullptr, this)
                     : nghttp3_conn_server_new(&conn_, &callbacks, &settings, nullptr, this);
  if (rv != 0) {
    conn_ = nullptr;
    fail(kH3InternalError, std::string("nghttp3: ") + nghttp3_strerror(rv));
  }
}

H3Session::~H3Session() {
  nghttp3_conn_del(conn_);
}

void H3Session::fail(uint64_t code, const std::string& text) {
  if (error_code_ != 0) return;
  error_code_ = code;
  error_text_ = text;
}

bool H3Session::start() {
  if (failed()) return false;
  const std::optional<uint64_t> control = transport_.open_stream(false);
  const std::optional<uint64_t> encoder = transport_.open_stream(false);
  const std::optional<uint64_t> decoder = transport_.open_stream(false);
  if (!control || !encoder || !decoder) {
    fail(kH3InternalError, "the transport refused the control and QPACK streams");
    return false;
  }
  int rv = nghttp3_conn_bind_control_stream(conn_, static_cast<int64_t>(*control));
  if (rv == 0) {
    rv = nghttp3_conn_bind_qpack_streams(conn_, static_cast<int64_t>(*encoder),
                                         static_cast<int64_t>(*decoder));
  }
  if (rv != 0) {
    fail(kH3InternalError, std::string("nghttp3: ") + nghttp3_strerror(rv));
    return false;
  }
  return pump();
}

bool H3Session::pump() {
  if (failed()) return false;
  return read_streams() && write_streams();
}

bool H3Session::read_streams() {
  while (const std::optional<uint64_t> accepted = transport_.accept_stream()) {
    reading_.insert(*accepted);
  }
  std::array<uint8_t, 16384> buffer;
  for (auto it = reading_.begin(); it != reading_.end();) {
    const uint64_t stream = *it;
    bool ended = false;
    for (;;) {
      const H3Read got = transport_.read(stream, buffer);
      if (got.reset) {
        // RFC 9114 section 4.1.1 (requests) and 6.2.1 (a critical stream's
        // end is a connection error, which nghttp3 reports).
        nghttp3_conn_shutdown_stream_read(conn_, static_cast<int64_t>(stream));
        const int rv = nghttp3_conn_close_stream(conn_, static_cast<int64_t>(stream), *got.reset);
        if (rv != 0 && rv != NGHTTP3_ERR_STREAM_NOT_FOUND) {
          fail(nghttp3_err_infer_quic_app_error_code(rv),
               "stream " + std::to_string(stream) + " reset: " + nghttp3_strerror(rv));
          return false;
        }
        ended = true;
        break;
      }
      if (got.bytes == 0 && !got.fin) break;
      const nghttp3_ssize used = nghttp3_conn_read_stream(
          conn_, static_cast<int64_t>(stream), buffer.data(), got.bytes, got.fin ? 1 : 0);
      if (used < 0) {
        const int rv = static_cast<int>(used);
        fail(nghttp3_err_infer_quic_app_error_code(rv),
             "stream " + std::to_string(stream) + ": " + nghttp3_strerror(rv));
        return false;
      }
      transport_.consumed(stream, static_cast<size_t>(used));
      if (failed()) return false;  // a callback failed the session
      if (got.fin) {
        ended = true;
        if (bidirectional(stream)) {
          read_done_.insert(stream);
          closing_check(stream);
        }
        break;
      }
    }
    it = ended ? reading_.erase(it) : std::next(it);
  }
  return !failed();
}

bool H3Session::write_streams() {
  for (auto it = blocked_.begin(); it != blocked_.end();) {
    if (transport_.writable(*it) == 0) {
      ++it;
      continue;
    }
    nghttp3_conn_unblock_stream(conn_, static_cast<int64_t>(*it));
    it = blocked_.erase(it);
  }
  for (;;) {
    int64_t id = -1;
    int fin = 0;
    std::array<nghttp3_vec, 16> vecs;
    const nghttp3_ssize count =
        nghttp3_conn_writev_stream(conn_, &id, &fin, vecs.data(), vecs.size());
    if (count < 0) {
      const int rv = static_cast<int>(count);
      fail(nghttp3_err_infer_quic_app_error_code(rv),
           std::string("nghttp3: ") + nghttp3_strerror(rv));
      return false;
    }
    if (id < 0) break;
    const auto stream = static_cast<uint64_t>(id);
    size_t taken = 0;
    bool all = true;
    for (nghttp3_ssize i = 0; i < count; ++i) {
      const size_t n = transport_.write(
          stream, {vecs[static_cast<size_t>(i)].base, vecs[static_cast<size_t>(i)].len});
      taken += n;
      if (n < vecs[static_cast<size_t>(i)].len) {
        all = false;
        break;
      }
    }
    int rv = nghttp3_conn_add_write_offset(conn_, id, taken);
    // The transport keeps its own copy of what it took: nghttp3 may let go
    // of those bytes at once.
    if (rv == 0 && taken > 0) rv = nghttp3_conn_add_ack_offset(conn_, id, taken);
    if (rv != 0) {
      fail(nghttp3_err_infer_quic_app_error_code(rv),
           std::string("nghttp3: ") + nghttp3_strerror(rv));
      return false;
    }
    if (!all) {
      nghttp3_conn_block_stream(conn_, id);
      blocked_.insert(stream);
      continue;
    }
    if (fin) {
      transport_.conclude(stream);
      if (bidirectional(stream)) {
        write_done_.insert(stream);
        closing_check(stream);
        if (failed()) return false;
      }
    }
  }
  return true;
}

// A bidirectional stream whose two directions are done is closed for
// nghttp3 (its stream_close callback then runs).
void H3Session::closing_check(uint64_t stream) {
  if (read_done_.count(stream) == 0 || write_done_.count(stream) == 0) return;
  read_done_.erase(stream);
  write_done_.erase(stream);
  const int rv = nghttp3_conn_close_stream(conn_, static_cast<int64_t>(stream), kH3NoError);
  if (rv != 0 && rv != NGHTTP3_ERR_STREAM_NOT_FOUND) {
    fail(nghttp3_err_infer_quic_app_error_code(rv),
         std::string("nghttp3: ") + nghttp3_strerror(rv));
  }
}

// --- Client

H3Client::H3Client(H3Transport& transport) : H3Session(Role::client, transport) {}

bool H3Client::submit_get(const std::string& authority, const std::string& path) {
  if (failed()) return false;
  const std::optional<uint64_t> stream = transport().open_stream(true);
  if (!stream) {
    fail(kH3InternalError, "no request stream could be opened");
    return false;
  }
  const std::string method = ":method", get = "GET", scheme = ":scheme", https = "https",
                    host = ":authority", where = ":path", agent = "user-agent",
                    adieu = "adieu-client";
  const nghttp3_nv nva[] = {header(method, get), header(scheme, https), header(host, authority),
                            header(where, path), header(agent, adieu)};
  const int rv = nghttp3_conn_submit_request(conn(), static_cast<int64_t>(*stream), nva,
                                             std::size(nva), nullptr, nullptr);
  if (rv != 0) {
    fail(kH3InternalError, std::string("nghttp3: ") + nghttp3_strerror(rv));
    return false;
  }
  stream_ = *stream;
  watch(*stream);
  return pump();
}

void H3Client::on_stream_closed(uint64_t stream, uint64_t app_error_code) {
  if (stream != stream_) return;
  if (!response_.complete) response_.reset_code = app_error_code;
  done_ = true;
}

int H3Session::Callbacks::recv_header(nghttp3_conn*, int64_t stream, int32_t,
                                      nghttp3_rcbuf* name_buffer, nghttp3_rcbuf* value_buffer,
                                      uint8_t, void* user, void*) {
  H3Session& s = session(user);
  const std::string name = rcbuf_string(name_buffer);
  std::string value = rcbuf_string(value_buffer);
  if (s.role_ == Role::client) {
    auto& client = static_cast<H3Client&>(s);
    if (static_cast<uint64_t>(stream) != client.stream_) return 0;
    if (name == ":status") {
      // nghttp3 checked it is three digits (RFC 9114 section 4.3.2).
      client.response_.status = std::atoi(value.c_str());
    } else {
      client.response_.headers.emplace_back(name, std::move(value));
    }
    return 0;
  }
  H3Request& request = static_cast<H3Server&>(s).exchange(static_cast<uint64_t>(stream)).request;
  if (name == ":method") request.method = std::move(value);
  if (name == ":path") request.path = std::move(value);
  if (name == ":authority") request.authority = std::move(value);
  if (name == ":scheme") request.scheme = std::move(value);
  return 0;
}

// --- Server

H3Server::H3Server(H3Transport& transport, H3ServerOptions options)
    : H3Session(Role::server, transport), options_(std::move(options)) {
  // The cumulative count of request streams the client may open, for
  // GOAWAY (RFC 9114 section 5.2).
  if (conn() != nullptr) nghttp3_conn_set_max_client_streams_bidi(conn(), 100);
}

H3Server::~H3Server() = default;

H3Server::Exchange& H3Server::exchange(uint64_t stream) {
  for (auto& e : exchanges_) {
    if (e->request.stream == stream) return *e;
  }
  exchanges_.push_back(std::make_unique<Exchange>());
  exchanges_.back()->request.stream = stream;
  return *exchanges_.back();
}

void H3Server::on_stream_closed(uint64_t stream, uint64_t) {
  for (auto it = exchanges_.begin(); it != exchanges_.end(); ++it) {
    if ((*it)->request.stream == stream) {
      exchanges_.erase(it);
      return;
    }
  }
}

std::optional<std::string> h3_file_for_path(const std::string& root, const std::string& path) {
  std::string relative = path.substr(0, path.find_first_of("?#"));
  if (relative.empty() || relative[0] != '/') return std::nullopt;
  relative.erase(0, 1);
  if (!relative.empty() && relative[0] == '/') return std::nullopt;  // "//etc/passwd"
  if (relative.find('\0') != std::string::npos) return std::nullopt;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t end = relative.find('/', start);
    if (end == std::string::npos) end = relative.size();
    if (relative.compare(start, end - start, "..") == 0 && end - start == 2) return std::nullopt;
    start = end + 1;
  }
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  return root + "/" + relative;
}

namespace {

std::string content_type_of(const std::string& file) {
  const size_t dot = file.rfind('.');
  const std::string extension = dot == std::string::npos ? "" : file.substr(dot + 1);
  if (extension == "html" || extension == "htm") return "text/html";
  if (extension == "txt") return "text/plain";
  return "application/octet-stream";
}

std::string error_page(int status, const std::string& text) {
  return "<html><body><h1>" + std::to_string(status) + " " + text + "</h1></body></html>\n";
}

}  // namespace

void H3Server::answer(Exchange& e) {
  H3Request& r = e.request;
  auto set = [&](int status, const std::string& type, std::string body) {
    r.status = status;
    e.content_type = type;
    e.body = std::move(body);
  };
  if (r.method != "GET" && r.method != "HEAD") {
    set(405, "text/html", error_page(405, "Method Not Allowed"));
    return;
  }
  if (!options_.files) {
    const std::string text = options_.status_text ? options_.status_text() : "";
    set(200, "text/html", "<html><body><pre>\nadieu-server\n" + text + "\n</pre></body></html>\n");
    return;
  }
  const std::optional<std::string> file = h3_file_for_path(options_.root, r.path);
  if (!file) {
    set(400, "text/html", error_page(400, "Bad Request"));
    return;
  }
  struct stat info {};
  if (::stat(file->c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    set(404, "text/html", error_page(404, "Not Found"));
    return;
  }
  std::ifstream in(*file, std::ios::binary);
  if (!in) {
    set(403, "text/html", error_page(403, "Forbidden"));
    return;
  }
  set(200, content_type_of(*file),
      std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
}

bool H3Server::respond(uint64_t stream) {
  Exchange& e = exchange(stream);
  answer(e);
  if (e.request.method == "HEAD") e.body.clear();
  e.request.body_bytes = e.body.size();
  e.status = std::to_string(e.request.status);
  const std::string length = std::to_string(e.body.size());
  const std::string status = ":status", server = "server", adieu = "adieu-server",
                    type = "content-type", size = "content-length";
  const nghttp3_nv nva[] = {header(status, e.status), header(server, adieu),
                            header(type, e.content_type), header(size, length)};
  nghttp3_data_reader reader{Callbacks::read_body};
  const int rv = nghttp3_conn_submit_response(conn(), static_cast<int64_t>(stream), nva,
                                              std::size(nva), &reader);
  if (rv != 0) {
    fail(kH3InternalError, std::string("nghttp3: ") + nghttp3_strerror(rv));
    return false;
  }
  answered_.push_back(e.request);
  return true;
}

// The response body, all at once: the exchange keeps it until the stream
// closes, and the transport copies what it takes.
nghttp3_ssize H3Session::Callbacks::read_body(nghttp3_conn*, int64_t stream, nghttp3_vec* vec,
                                              size_t count, uint32_t* flags, void* user, void*) {
  auto& server = static_cast<H3Server&>(session(user));
  H3Server::Exchange& e = server.exchange(static_cast<uint64_t>(stream));
  if (count == 0) return 0;
  *flags |= NGHTTP3_DATA_FLAG_EOF;
  if (e.body.empty()) return 0;
  vec[0].base = reinterpret_cast<uint8_t*>(e.body.data());
  vec[0].len = e.body.size();
  return 1;
}

}  // namespace adieu::tools
