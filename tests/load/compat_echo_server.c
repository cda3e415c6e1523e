/* A small echo server written the usual OpenSSL way (blocking sockets, one
 * thread per connection), for the close storm on the compat layer: built
 * against OpenSSL's headers and libssl, run on adieu's libssl.so.3 through
 * LD_LIBRARY_PATH. It speaks adieu-load's control bytes as
 * adieu-server -control does: 0xFF asks it to close first (everything before
 * it is echoed, then SSL_shutdown), 0xFD asks for its totals (one line, then
 * SSL_shutdown; not counted).
 *
 * Each connection's end is classified from what the OpenSSL API reported:
 *   clean                SSL_read gave SSL_ERROR_ZERO_RETURN (the peer's
 *                        close_notify) and SSL_shutdown returned 1 (ours
 *                        sent too)
 *   truncated            after the handshake: EOF without close_notify
 *                        (SSL_R_UNEXPECTED_EOF_WHILE_READING) or the
 *                        transport failed (SSL_ERROR_SYSCALL: a reset)
 *   handshake_truncated  the same during SSL_accept
 *   alert_received       the peer sent a fatal alert
 *   error                anything else
 *   compat_echo_server CERT_CHAIN KEY   listens on 127.0.0.1, a free port,
 *                                       printing "port N" first. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

enum { CLEAN, TRUNCATED, HANDSHAKE_TRUNCATED, ALERT_RECEIVED, ERROR, KINDS };
static const char* const kind_names[KINDS] = {"clean", "truncated", "handshake_truncated",
                                              "alert_received", "error"};
static unsigned long totals[KINDS];
static unsigned long connections;
static pthread_mutex_t totals_lock = PTHREAD_MUTEX_INITIALIZER;
static SSL_CTX* ctx;

static void count(int kind) {
  pthread_mutex_lock(&totals_lock);
  ++connections;
  ++totals[kind];
  pthread_mutex_unlock(&totals_lock);
}

/* What a failed SSL_read / SSL_write / SSL_accept says about the end. */
static int failure_kind(SSL* ssl, int ret, int in_handshake) {
  int err = SSL_get_error(ssl, ret);
  unsigned long e = ERR_peek_error();
  int kind = ERROR;
  if (err == SSL_ERROR_SYSCALL || (err == SSL_ERROR_SSL && ERR_GET_LIB(e) == ERR_LIB_SSL &&
                                   ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
    kind = in_handshake ? HANDSHAKE_TRUNCATED : TRUNCATED;
  } else if (err == SSL_ERROR_SSL && ERR_GET_LIB(e) == ERR_LIB_SSL &&
             ERR_GET_REASON(e) >= SSL_AD_REASON_OFFSET && !in_handshake) {
    kind = ALERT_RECEIVED;
  }
  ERR_clear_error();
  return kind;
}

static int write_all(SSL* ssl, const unsigned char* p, int n) {
  while (n > 0) {
    int w = SSL_write(ssl, p, n);
    if (w <= 0) return w;
    p += w;
    n -= w;
  }
  return 1;
}

/* Reads until the peer's close_notify after ours went out; the end's kind. */
static int finish_after_our_close(SSL* ssl) {
  unsigned char drain[4096];
  for (;;) {
    int r = SSL_read(ssl, drain, sizeof(drain));
    if (r > 0) continue; /* nothing is echoed after our close_notify */
    if (SSL_get_error(ssl, r) == SSL_ERROR_ZERO_RETURN) {
      ERR_clear_error();
      return SSL_shutdown(ssl) == 1 ? CLEAN : ERROR;
    }
    return failure_kind(ssl, r, 0);
  }
}

static void* serve(void* arg) {
  int fd = (int)(long)arg;
  unsigned char buf[16384];
  int kind = -1, control = 0;
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  int r = SSL_accept(ssl);
  if (r != 1) {
    kind = failure_kind(ssl, r, 1);
  }
  while (kind < 0) {
    r = SSL_read(ssl, buf, sizeof(buf));
    if (r <= 0) {
      if (SSL_get_error(ssl, r) == SSL_ERROR_ZERO_RETURN) {
        ERR_clear_error();
        /* The peer closed first: everything it sent was echoed already. */
        kind = SSL_shutdown(ssl) == 1 ? CLEAN : ERROR;
      } else {
        kind = failure_kind(ssl, r, 0);
      }
      break;
    }
    int n = 0, w;
    while (n < r && buf[n] != 0xFF && buf[n] != 0xFD) ++n;
    if (n > 0 && (w = write_all(ssl, buf, n)) <= 0) {
      kind = failure_kind(ssl, w, 0);
      break;
    }
    if (n == r) continue;
    if (buf[n] == 0xFD) {
      char line[512];
      int len, i;
      control = 1;
      pthread_mutex_lock(&totals_lock);
      len = snprintf(line, sizeof(line), "totals connections=%lu", connections);
      for (i = 0; i < KINDS; ++i) {
        len +=
            snprintf(line + len, sizeof(line) - (size_t)len, " %s=%lu", kind_names[i], totals[i]);
      }
      pthread_mutex_unlock(&totals_lock);
      len += snprintf(line + len, sizeof(line) - (size_t)len, "\n");
      if (write_all(ssl, (const unsigned char*)line, len) <= 0) {
        kind = ERROR;
        break;
      }
    }
    /* Close first: ours now (SSL_shutdown returns 0), then the peer's. */
    if ((w = SSL_shutdown(ssl)) < 0) {
      kind = failure_kind(ssl, w, 0);
      break;
    }
    kind = finish_after_our_close(ssl);
  }
  if (!control) count(kind);
  SSL_free(ssl);
  close(fd);
  return NULL;
}

static void on_term(int sig) {
  (void)sig;
  _exit(0);
}

int main(int argc, char** argv) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int lfd, one = 1;
  pthread_attr_t attr;
  if (argc != 3) {
    fprintf(stderr, "usage: %s CERT_CHAIN KEY\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_term);
  ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
    ERR_print_errors_fp(stderr);
    return 1;
  }
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr*)&addr, sizeof(addr)) != 0 || listen(lfd, SOMAXCONN) != 0 ||
      getsockname(lfd, (struct sockaddr*)&addr, &len) != 0) {
    perror("listen");
    return 1;
  }
  printf("port %d\n", ntohs(addr.sin_port));
  fflush(stdout);
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  for (;;) {
    pthread_t t;
    struct timeval idle = {30, 0};
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE) continue;
      perror("accept");
      return 1;
    }
    /* No connection waits forever: 30 s without progress ends it. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (pthread_create(&t, &attr, serve, (void*)(long)fd) != 0) close(fd);
  }
}
