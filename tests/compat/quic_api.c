/*
 * A program written against OpenSSL 3.5's QUIC API (with the one extra
 * include adieu needs on OpenSSL 3.0 headers), run on adieu's libssl: a
 * server (listener, blocking) in a child process and a client in the parent
 * over UDP on 127.0.0.1.
 *
 *   quic_api DATA_DIR blocking      several streams, blocking calls
 *   quic_api DATA_DIR nonblocking   the default stream, non-blocking calls
 *                                   driven by SSL_get_event_timeout and poll
 *   quic_api DATA_DIR rapid         SSL_shutdown_ex with SSL_SHUTDOWN_FLAG_RAPID
 *   quic_api DATA_DIR wait_peer     the server closes; the client waits for it
 *                                   with SSL_SHUTDOWN_FLAG_WAIT_PEER
 *   quic_api DATA_DIR idle          a 300 ms idle timeout ends the connection
 *
 * The server echoes each stream it accepts, then concludes it; once the
 * client has closed the connection, the server checks how it sees the end.
 * Every check prints what it saw; the exit status is 0 only if all passed
 * in both processes. The values checked are those of OpenSSL's manual pages
 * and rules R47-R50 (SSL_get_shutdown on QUIC objects).
 */
#include <adieu/openssl_quic.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures = 0;
static const char* who = "client";

#define CHECK(cond, ...)                                      \
  do {                                                        \
    if (cond) {                                               \
      printf("%s ok: ", who);                                 \
    } else {                                                  \
      printf("%s FAILED (%s:%d): ", who, __FILE__, __LINE__); \
      failures++;                                             \
    }                                                         \
    printf(__VA_ARGS__);                                      \
    printf("\n");                                             \
    fflush(stdout);                                           \
  } while (0)

static const unsigned char kAlpn[] = {10, 'a', 'd', 'i', 'e', 'u', '-', 't', 'e', 's', 't'};

static int select_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void* arg) {
  (void)ssl;
  (void)arg;
  unsigned char* chosen = NULL;
  if (SSL_select_next_proto((unsigned char**)&chosen, outlen, kAlpn, sizeof kAlpn, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

static int udp_socket(struct sockaddr_in* bound) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr*)&a, sizeof a) != 0) return -1;
  socklen_t len = sizeof *bound;
  getsockname(fd, (struct sockaddr*)bound, &len);
  return fd;
}

static size_t read_all(SSL* s, char* buf, size_t cap, int* last_error) {
  size_t total = 0;
  for (;;) {
    size_t n = 0;
    if (SSL_read_ex(s, buf + total, cap - total, &n) == 1) {
      total += n;
      continue;
    }
    *last_error = SSL_get_error(s, 0);
    return total;
  }
}

/* --- the server: one connection, echoing every stream */
static int run_server(const char* data, int fd, const char* mode) {
  who = "server";
  char cert[512], key[512];
  snprintf(cert, sizeof cert, "%s/ecdsa-fullchain.pem", data);
  snprintf(key, sizeof key, "%s/ecdsa-leaf.key", data);
  SSL_CTX* ctx = SSL_CTX_new(OSSL_QUIC_server_method());
  CHECK(ctx != NULL, "SSL_CTX_new(OSSL_QUIC_server_method())");
  CHECK(SSL_CTX_use_certificate_chain_file(ctx, cert) == 1, "certificate chain");
  CHECK(SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1, "private key");
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
  SSL* listener = SSL_new_listener(ctx, 0);
  CHECK(listener != NULL && SSL_is_listener(listener) == 1, "SSL_new_listener");
  CHECK(SSL_set_fd(listener, fd) == 1, "SSL_set_fd on the listener");
  CHECK(SSL_listen(listener) == 1, "SSL_listen");
  SSL* conn = SSL_accept_connection(listener, 0);
  CHECK(conn != NULL && SSL_is_connection(conn) == 1, "SSL_accept_connection");
  if (conn == NULL) return 1;
  CHECK(SSL_do_handshake(conn) == 1, "the server's handshake completes");
  CHECK(SSL_get_shutdown(conn) == 0, "SSL_get_shutdown is 0 while the connection is active");
  for (;;) {
    SSL* stream = SSL_accept_stream(conn, 0);
    if (stream == NULL) break; /* the connection ended */
    char buf[1 << 16];
    int err = 0;
    size_t n = read_all(stream, buf, sizeof buf, &err);
    CHECK(err == SSL_ERROR_ZERO_RETURN,
          "stream %llu: %zu bytes, then SSL_ERROR_ZERO_RETURN (got %d)",
          (unsigned long long)SSL_get_stream_id(stream), n, err);
    CHECK(SSL_get_stream_read_state(stream) == SSL_STREAM_STATE_FINISHED,
          "stream read state FINISHED after the peer's FIN");
    ERR_clear_error();
    CHECK(SSL_get_shutdown(stream) == 0 &&
              ERR_GET_REASON(ERR_peek_last_error()) == SSL_R_CONN_USE_ONLY,
          "SSL_get_shutdown on a stream: 0 with SSL_R_CONN_USE_ONLY (R48)");
    CHECK(SSL_shutdown(stream) == -1 && SSL_get_error(stream, -1) == SSL_ERROR_SSL,
          "SSL_shutdown on a stream: -1, SSL_ERROR_SSL (R47)");
    if (SSL_get_stream_type(stream) == SSL_STREAM_TYPE_BIDI) {
      size_t written = 0;
      CHECK(SSL_write_ex(stream, buf, n, &written) == 1 && written == n, "echoed %zu bytes", n);
      CHECK(SSL_stream_conclude(stream, 0) == 1, "SSL_stream_conclude");
      CHECK(SSL_get_stream_write_state(stream) == SSL_STREAM_STATE_FINISHED,
            "stream write state FINISHED after conclude");
    }
    SSL_free(stream);
    if (strcmp(mode, "wait_peer") == 0) {
      /* This side closes; the client waits for it (SSL_SHUTDOWN_FLAG_WAIT_PEER). */
      SSL_SHUTDOWN_EX_ARGS args = {7, "server done"};
      CHECK(SSL_shutdown_ex(conn, 0, &args, sizeof args) == 1,
            "the server's SSL_shutdown_ex (blocking) returns 1 once terminated");
      break;
    }
  }
  SSL_CONN_CLOSE_INFO info;
  CHECK(SSL_get_conn_close_info(conn, &info, sizeof info) == 1, "SSL_get_conn_close_info");
  if (strcmp(mode, "wait_peer") == 0) {
    CHECK((info.flags & SSL_CONN_CLOSE_FLAG_LOCAL) != 0 && info.error_code == 7,
          "closed by this side with code 7");
  } else if (strcmp(mode, "idle") == 0) {
    CHECK((info.flags & SSL_CONN_CLOSE_FLAG_LOCAL) == 0 && info.error_code == 0 &&
              info.reason_len == 0,
          "ended by the idle timeout: no code, no reason (flags %u)", info.flags);
  } else {
    /* The client closed: we drain, then the connection is terminated. */
    CHECK((info.flags & SSL_CONN_CLOSE_FLAG_LOCAL) == 0 && info.error_code == 42 &&
              info.reason_len == 3 && memcmp(info.reason, "bye", 3) == 0,
          "closed by the peer with code 42 and reason \"bye\" (flags %u, code %llu)", info.flags,
          (unsigned long long)info.error_code);
  }
  CHECK(SSL_get_shutdown(conn) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN),
        "SSL_get_shutdown is SENT|RECEIVED once terminated (R48): %d", SSL_get_shutdown(conn));
  SSL_set_shutdown(conn, 0);
  CHECK(SSL_get_shutdown(conn) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN),
        "SSL_set_shutdown does nothing on a QUIC connection (R50)");
  CHECK(SSL_clear(conn) == 0, "SSL_clear fails on a QUIC connection (R50)");
  CHECK(SSL_shutdown(conn) == 1, "SSL_shutdown on a terminated connection returns 1");
  SSL_free(conn);
  SSL_free(listener);
  SSL_CTX_free(ctx);
  return failures == 0 ? 0 : 1;
}

static SSL* client_connection(SSL_CTX* ctx, int fd, const struct sockaddr_in* server) {
  SSL* ssl = SSL_new(ctx);
  CHECK(ssl != NULL && SSL_is_connection(ssl) == 1, "SSL_new gives a QUIC connection object");
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  SSL_set1_host(ssl, "localhost");
  CHECK(SSL_set_alpn_protos(ssl, kAlpn, sizeof kAlpn) == 0, "ALPN");
  BIO_ADDR* peer = BIO_ADDR_new();
  BIO_ADDR_rawmake(peer, AF_INET, &server->sin_addr, sizeof server->sin_addr, server->sin_port);
  CHECK(SSL_set1_initial_peer_addr(ssl, peer) == 1, "SSL_set1_initial_peer_addr");
  BIO_ADDR_free(peer);
  return ssl;
}

/* Blocking: three streams, each written, concluded and read back whole. */
static void client_blocking(SSL* ssl) {
  CHECK(SSL_get_blocking_mode(ssl) == 1, "blocking mode by default");
  CHECK(SSL_connect(ssl) == 1, "SSL_connect");
  CHECK(SSL_get_shutdown(ssl) == 0, "SSL_get_shutdown is 0 while active");
  SSL* streams[3];
  for (int i = 0; i < 3; i++) {
    streams[i] = SSL_new_stream(ssl, 0);
    CHECK(streams[i] != NULL && SSL_is_stream_local(streams[i]) == 1, "SSL_new_stream %d (id %llu)",
          i, streams[i] ? (unsigned long long)SSL_get_stream_id(streams[i]) : 0ULL);
  }
  static char message[3][20000];
  for (int i = 0; i < 3; i++) {
    for (size_t j = 0; j < sizeof message[i]; j++) message[i][j] = (char)('a' + (i * 7 + j) % 26);
    size_t written = 0;
    CHECK(SSL_write_ex(streams[i], message[i], sizeof message[i], &written) == 1 &&
              written == sizeof message[i],
          "wrote %zu bytes on stream %d", written, i);
    CHECK(SSL_stream_conclude(streams[i], 0) == 1, "concluded stream %d", i);
  }
  for (int i = 2; i >= 0; i--) {
    static char echo[1 << 16];
    int err = 0;
    size_t n = read_all(streams[i], echo, sizeof echo, &err);
    CHECK(
        n == sizeof message[i] && memcmp(echo, message[i], n) == 0 && err == SSL_ERROR_ZERO_RETURN,
        "stream %d echoed byte for byte (%zu bytes), then SSL_ERROR_ZERO_RETURN", i, n);
    CHECK(SSL_get_stream_read_state(streams[i]) == SSL_STREAM_STATE_FINISHED &&
              SSL_get_stream_write_state(streams[i]) == SSL_STREAM_STATE_FINISHED,
          "stream %d: both parts FINISHED (read %d, write %d)", i,
          SSL_get_stream_read_state(streams[i]), SSL_get_stream_write_state(streams[i]));
    SSL_free(streams[i]);
  }
  size_t w = 0;
  CHECK(SSL_write_ex(ssl, "x", 1, &w) == 0 && SSL_get_error(ssl, 0) == SSL_ERROR_SSL,
        "no default stream once SSL_new_stream was used: SSL_write fails");
  SSL_SHUTDOWN_EX_ARGS args = {42, "bye"};
  CHECK(SSL_shutdown_ex(ssl, 0, &args, sizeof args) == 1, "SSL_shutdown_ex (blocking) returns 1");
  CHECK(SSL_get_shutdown(ssl) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN),
        "SSL_get_shutdown is SENT|RECEIVED once terminated (R48): %d", SSL_get_shutdown(ssl));
  SSL_CONN_CLOSE_INFO info;
  CHECK(SSL_get_conn_close_info(ssl, &info, sizeof info) == 1 &&
            (info.flags & SSL_CONN_CLOSE_FLAG_LOCAL) != 0 &&
            (info.flags & SSL_CONN_CLOSE_FLAG_TRANSPORT) == 0 && info.error_code == 42,
        "close info: local, application, code 42 (flags %u, code %llu)", info.flags,
        (unsigned long long)info.error_code);
  CHECK(SSL_write_ex(ssl, "x", 1, &w) == 0, "no write after SSL_shutdown");
}

static void wait_events(SSL* ssl, int fd) {
  struct timeval tv;
  int infinite = 0;
  SSL_get_event_timeout(ssl, &tv, &infinite);
  int ms = infinite ? 1000 : (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
  struct pollfd p = {fd, POLLIN, 0};
  poll(&p, 1, ms);
  SSL_handle_events(ssl);
}

/* Non-blocking: the default stream, driven by SSL_get_error and poll. */
static void client_nonblocking(SSL* ssl, int fd) {
  CHECK(SSL_set_blocking_mode(ssl, 0) == 1 && SSL_get_blocking_mode(ssl) == 0, "non-blocking mode");
  int ret, rounds = 0;
  while ((ret = SSL_connect(ssl)) != 1 && rounds++ < 2000) {
    int err = SSL_get_error(ssl, ret);
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) break;
    wait_events(ssl, fd);
  }
  CHECK(ret == 1, "SSL_connect completes after %d WANT_READ rounds", rounds);
  const char request[] = "hello over the default stream";
  size_t written = 0;
  CHECK(SSL_write_ex(ssl, request, sizeof request, &written) == 1 && written == sizeof request,
        "SSL_write_ex on the connection opens the default stream");
  CHECK(SSL_get_stream_type(ssl) == SSL_STREAM_TYPE_BIDI && SSL_get_stream_id(ssl) == 0,
        "the default stream is bidirectional stream 0");
  CHECK(SSL_stream_conclude(ssl, 0) == 1, "conclude the default stream");
  char echo[256];
  size_t total = 0;
  int err = 0;
  rounds = 0;
  while (rounds++ < 2000) {
    size_t n = 0;
    if (SSL_read_ex(ssl, echo + total, sizeof echo - total, &n) == 1) {
      total += n;
      continue;
    }
    err = SSL_get_error(ssl, 0);
    if (err != SSL_ERROR_WANT_READ) break;
    wait_events(ssl, fd);
  }
  CHECK(
      total == sizeof request && memcmp(echo, request, total) == 0 && err == SSL_ERROR_ZERO_RETURN,
      "echo read back (%zu bytes), then SSL_ERROR_ZERO_RETURN (%d)", total, err);
  SSL_SHUTDOWN_EX_ARGS args = {42, "bye"};
  ret = SSL_shutdown_ex(ssl, 0, &args, sizeof args);
  int saw_zero = ret == 0;
  int saw_sent = 0;
  rounds = 0;
  while (ret == 0 && rounds++ < 5000) {
    if (SSL_get_shutdown(ssl) == SSL_SENT_SHUTDOWN) saw_sent = 1;
    wait_events(ssl, fd);
    ret = SSL_shutdown_ex(ssl, 0, &args, sizeof args);
  }
  CHECK(saw_zero && ret == 1, "non-blocking SSL_shutdown_ex returns 0, then 1 once terminated");
  CHECK(saw_sent, "SSL_get_shutdown read SENT while the close was in progress (R48)");
  CHECK(SSL_get_shutdown(ssl) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN),
        "then SENT|RECEIVED once terminated");
}

/* One stream echoed, blocking: what the close modes below start from. */
static void one_echo(SSL* ssl) {
  CHECK(SSL_connect(ssl) == 1, "SSL_connect");
  SSL* stream = SSL_new_stream(ssl, 0);
  CHECK(stream != NULL, "SSL_new_stream");
  if (stream == NULL) return;
  size_t written = 0;
  CHECK(SSL_write_ex(stream, "ping", 4, &written) == 1 && SSL_stream_conclude(stream, 0) == 1,
        "wrote and concluded a stream");
  char echo[16];
  int err = 0;
  size_t n = read_all(stream, echo, sizeof echo, &err);
  CHECK(n == 4 && memcmp(echo, "ping", 4) == 0 && err == SSL_ERROR_ZERO_RETURN, "echoed");
  SSL_free(stream);
}

/* SSL_SHUTDOWN_FLAG_RAPID: CONNECTION_CLOSE sent, 1 at once, no wait for
 * the closing period (R49): SSL_get_shutdown reads SENT alone meanwhile. */
static void client_rapid(SSL* ssl) {
  one_echo(ssl);
  SSL_SHUTDOWN_EX_ARGS args = {42, "bye"};
  CHECK(SSL_shutdown_ex(ssl, SSL_SHUTDOWN_FLAG_RAPID, &args, sizeof args) == 1,
        "SSL_shutdown_ex(RAPID) returns 1 at once");
  CHECK(SSL_get_shutdown(ssl) == SSL_SENT_SHUTDOWN,
        "SSL_get_shutdown is SENT while our close is in progress (R48): %d", SSL_get_shutdown(ssl));
  CHECK(SSL_shutdown_ex(ssl, 0, &args, sizeof args) == 1,
        "a later call without RAPID waits out the closing period");
  CHECK(SSL_get_shutdown(ssl) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN), "then SENT|RECEIVED");
}

/* SSL_SHUTDOWN_FLAG_WAIT_PEER: no CONNECTION_CLOSE of ours; the call
 * returns once the peer's arrived (R49). */
static void client_wait_peer(SSL* ssl) {
  one_echo(ssl);
  CHECK(SSL_shutdown_ex(ssl, SSL_SHUTDOWN_FLAG_WAIT_PEER, NULL, 0) == 1,
        "SSL_shutdown_ex(WAIT_PEER) returns 1 once the peer closed");
  CHECK(SSL_get_shutdown(ssl) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN),
        "SSL_get_shutdown is SENT|RECEIVED while draining (R48): %d", SSL_get_shutdown(ssl));
  SSL_CONN_CLOSE_INFO info;
  CHECK(SSL_get_conn_close_info(ssl, &info, sizeof info) == 1 &&
            (info.flags & SSL_CONN_CLOSE_FLAG_LOCAL) == 0 && info.error_code == 7 &&
            info.reason_len == 11 && memcmp(info.reason, "server done", 11) == 0,
        "closed by the peer with code 7 and its reason");
}

/* The idle timeout (SSL_VALUE_QUIC_IDLE_TIMEOUT, 300 ms asked) ends the
 * connection with nothing sent: SENT|RECEIVED (R48) on both sides. */
static void client_idle(SSL* ssl, int fd) {
  CHECK(SSL_set_feature_request_uint(ssl, SSL_VALUE_QUIC_IDLE_TIMEOUT, 300) == 1,
        "idle timeout of 300 ms asked");
  uint64_t value = 0;
  CHECK(SSL_get_feature_request_uint(ssl, SSL_VALUE_QUIC_IDLE_TIMEOUT, &value) == 1 && value == 300,
        "and read back");
  one_echo(ssl);
  CHECK(SSL_set_feature_request_uint(ssl, SSL_VALUE_QUIC_IDLE_TIMEOUT, 100) == 0,
        "no change once connected");
  for (int i = 0; i < 200 && SSL_get_shutdown(ssl) == 0; i++) {
    struct pollfd p = {fd, POLLIN, 0};
    poll(&p, 1, 50);
    SSL_handle_events(ssl);
  }
  CHECK(SSL_get_shutdown(ssl) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN),
        "terminated by the idle timeout: SENT|RECEIVED (R48): %d", SSL_get_shutdown(ssl));
  SSL_CONN_CLOSE_INFO info;
  CHECK(SSL_get_conn_close_info(ssl, &info, sizeof info) == 1 && info.error_code == 0 &&
            (info.flags & SSL_CONN_CLOSE_FLAG_LOCAL) == 0,
        "close info: no code, not local");
  CHECK(SSL_shutdown(ssl) == 1, "SSL_shutdown on a terminated connection returns 1");
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s DATA_DIR blocking|nonblocking|rapid|wait_peer|idle\n", argv[0]);
    return 2;
  }
  const char* data = argv[1];
  const int blocking = strcmp(argv[2], "blocking") == 0;
  struct sockaddr_in server_address;
  int server_fd = udp_socket(&server_address);
  if (server_fd < 0) return 2;
  pid_t pid = fork();
  if (pid == 0) _exit(run_server(data, server_fd, argv[2]));
  close(server_fd);

  struct sockaddr_in client_address;
  int fd = udp_socket(&client_address);
  char ca[512];
  snprintf(ca, sizeof ca, "%s/ecdsa-root.pem", data);
  SSL_CTX* ctx = SSL_CTX_new(OSSL_QUIC_client_method());
  CHECK(ctx != NULL, "SSL_CTX_new(OSSL_QUIC_client_method())");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  CHECK(SSL_CTX_load_verify_locations(ctx, ca, NULL) == 1, "trust the test root");
  SSL* ssl = client_connection(ctx, fd, &server_address);
  if (strcmp(argv[2], "rapid") == 0) {
    client_rapid(ssl);
  } else if (strcmp(argv[2], "wait_peer") == 0) {
    client_wait_peer(ssl);
  } else if (strcmp(argv[2], "idle") == 0) {
    client_idle(ssl, fd);
  } else if (blocking) {
    client_blocking(ssl);
  } else {
    client_nonblocking(ssl, fd);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the server passed its checks");
  printf("%s: %d failure(s)\n", who, failures);
  return failures == 0 ? 0 : 1;
}
