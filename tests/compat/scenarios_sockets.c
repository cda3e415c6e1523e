/* Scenarios over sockets: a blocking socketpair with the server in a peer
 * thread, non-blocking socketpairs driven in one thread, and TCP loopback for
 * the reset case (scenarios 17, 19, 22, 31). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "scenarios.h"

static char buf[1024];

/* The peer thread's steps, printed after it ends so the output is ordered. */
typedef struct {
  SSL* ssl;
  int fd;
  char log[2048];
  int close_after; /* close the socket after the handshake instead of answering */
} Peer;

static void peer_log(Peer* p, const char* label, int ret) {
  size_t used = strlen(p->log);
  snprintf(p->log + used, sizeof(p->log) - used, "S %s: ret=%d err=%s shutdown=%d\n", label, ret,
           error_name(SSL_get_error(p->ssl, ret)), SSL_get_shutdown(p->ssl));
  ERR_clear_error();
}

/* A blocking server: handshake, read until close_notify, answer it. */
static void* blocking_server(void* arg) {
  Peer* p = arg;
  int r = SSL_accept(p->ssl);
  peer_log(p, "accept", r);
  if (r != 1) return NULL;
  do {
    r = SSL_read(p->ssl, buf, sizeof(buf));
    peer_log(p, "read", r);
  } while (r > 0);
  peer_log(p, "shutdown", SSL_shutdown(p->ssl));
  return NULL;
}

static void make_blocking_pair(SSL_CTX** cctx, SSL_CTX** sctx, SSL** c, Peer* peer, int fds[2]) {
  PairOptions o = pair_defaults();
  SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  *cctx = client_ctx(&o);
  *sctx = server_ctx(&o);
  SETUP((*c = SSL_new(*cctx)) != NULL);
  memset(peer, 0, sizeof(*peer));
  SETUP((peer->ssl = SSL_new(*sctx)) != NULL);
  peer->fd = fds[1];
  SETUP(SSL_set_fd(*c, fds[0]) == 1);
  SETUP(SSL_set_fd(peer->ssl, fds[1]) == 1);
  SETUP(SSL_set_tlsext_host_name(*c, "localhost") == 1);
}

/* The client's blocking handshake against the peer thread: reported, and it
 * must succeed (the peer thread logs its side). */
static void blocking_connect(SSL* c) {
  int r = SSL_connect(c);
  report("C connect", c, r, -1);
  SETUP(r == 1);
}

/* 19. Blocking two-call shutdown against a compliant peer: 0, then 1. */
void sc_blocking_two_calls(void) {
  SSL_CTX *cctx, *sctx;
  SSL* c;
  Peer peer;
  pthread_t t;
  int fds[2];
  make_blocking_pair(&cctx, &sctx, &c, &peer, fds);
  SETUP(pthread_create(&t, NULL, blocking_server, &peer) == 0);
  blocking_connect(c);
  say("C fd=%d rfd=%d wfd=%d", SSL_get_fd(c) == fds[0], SSL_get_rfd(c) == fds[0],
      SSL_get_wfd(c) == fds[0]);
  report("C write", c, SSL_write(c, "hello", 5), -1);
  report("C shutdown #1", c, SSL_shutdown(c), -1);
  report("C shutdown #2 (blocks)", c, SSL_shutdown(c), -1);
  report("C shutdown #3", c, SSL_shutdown(c), -1);
  pthread_join(t, NULL);
  fputs(peer.log, stdout);
  SSL_free(c);
  SSL_free(peer.ssl);
  close(fds[0]);
  close(fds[1]);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}

/* 17. Blocking socket, AUTO_RETRY cleared, two tickets pending: -1/WANT_READ
 * twice on a blocking socket, then 1. */
void sc_blocking_no_auto_retry(void) {
  SSL_CTX *cctx, *sctx;
  SSL* c;
  Peer peer;
  pthread_t t;
  int fds[2];
  make_blocking_pair(&cctx, &sctx, &c, &peer, fds);
  SSL_CTX_clear_mode(cctx, SSL_MODE_AUTO_RETRY);
  SSL_clear_mode(c, SSL_MODE_AUTO_RETRY);
  SETUP(pthread_create(&t, NULL, blocking_server, &peer) == 0);
  blocking_connect(c);
  report("C shutdown #1", c, SSL_shutdown(c), -1);
  report("C shutdown #2", c, SSL_shutdown(c), -1);
  report("C shutdown #3", c, SSL_shutdown(c), -1);
  report("C shutdown #4", c, SSL_shutdown(c), -1);
  pthread_join(t, NULL);
  fputs(peer.log, stdout);
  SSL_free(c);
  SSL_free(peer.ssl);
  close(fds[0]);
  close(fds[1]);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}

/* Blocking data both ways with a peer thread echoing. */
static void* echo_server(void* arg) {
  Peer* p = arg;
  int r = SSL_accept(p->ssl);
  peer_log(p, "accept", r);
  while ((r = SSL_read(p->ssl, buf, sizeof(buf))) > 0) {
    peer_log(p, "read", r);
    peer_log(p, "write", SSL_write(p->ssl, buf, r));
  }
  peer_log(p, "read", r);
  peer_log(p, "shutdown", SSL_shutdown(p->ssl));
  return NULL;
}

void sc_blocking_echo(void) {
  SSL_CTX *cctx, *sctx;
  SSL* c;
  Peer peer;
  pthread_t t;
  int fds[2], i;
  char in[64];
  make_blocking_pair(&cctx, &sctx, &c, &peer, fds);
  SETUP(pthread_create(&t, NULL, echo_server, &peer) == 0);
  blocking_connect(c);
  for (i = 0; i < 3; ++i) {
    int r;
    report("C write", c, SSL_write(c, "ping", 4), -1);
    r = SSL_read(c, in, sizeof(in));
    report("C read", c, r, -1);
    if (r > 0) say("got %.*s", r, in);
  }
  report("C shutdown #1", c, SSL_shutdown(c), -1);
  report("C read", c, SSL_read(c, in, sizeof(in)), -1);
  report("C shutdown #2", c, SSL_shutdown(c), -1);
  pthread_join(t, NULL);
  fputs(peer.log, stdout);
  SSL_free(c);
  SSL_free(peer.ssl);
  close(fds[0]);
  close(fds[1]);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}

static void nonblocking_pair(SSL_CTX** cctx, SSL_CTX** sctx, SSL** c, SSL** s, int fds[2]) {
  PairOptions o = pair_defaults();
  int i, cdone = 0, sdone = 0;
  SETUP(socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  SETUP(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0);
  SETUP(fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0);
  *cctx = client_ctx(&o);
  *sctx = server_ctx(&o);
  SETUP((*c = SSL_new(*cctx)) != NULL);
  SETUP((*s = SSL_new(*sctx)) != NULL);
  SETUP(SSL_set_fd(*c, fds[0]) == 1);
  SETUP(SSL_set_fd(*s, fds[1]) == 1);
  SETUP(SSL_set_tlsext_host_name(*c, "localhost") == 1);
  SSL_set_connect_state(*c);
  SSL_set_accept_state(*s);
  for (i = 0; i < 50 && !(cdone && sdone); ++i) {
    int r;
    if (!cdone) {
      r = SSL_do_handshake(*c);
      if (r == 1)
        cdone = 1;
      else if (SSL_get_error(*c, r) != SSL_ERROR_WANT_READ)
        break;
    }
    if (!sdone) {
      r = SSL_do_handshake(*s);
      if (r == 1)
        sdone = 1;
      else if (SSL_get_error(*s, r) != SSL_ERROR_WANT_READ)
        break;
    }
  }
  say("non-blocking handshake=%d", cdone && sdone);
  print_queue();
  SETUP(cdone && sdone);
}

static void free_nonblocking(SSL_CTX* cctx, SSL_CTX* sctx, SSL* c, SSL* s, int fds[2]) {
  SSL_free(c);
  SSL_free(s);
  if (fds[0] >= 0) close(fds[0]);
  if (fds[1] >= 0) close(fds[1]);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}

/* Non-blocking socketpair: the whole close exchange, WANT_READ on sockets. */
void sc_nonblocking_close(void) {
  SSL_CTX *cctx, *sctx;
  SSL *c, *s;
  int fds[2];
  nonblocking_pair(&cctx, &sctx, &c, &s, fds);
  report("C read (nothing yet)", c, SSL_read(c, buf, sizeof(buf)), -1);
  report("C write", c, SSL_write(c, "hello", 5), -1);
  report("S read", s, SSL_read(s, buf, sizeof(buf)), -1);
  report("S read (nothing)", s, SSL_read(s, buf, sizeof(buf)), -1);
  report("C shutdown #1", c, SSL_shutdown(c), -1);
  report("C shutdown #2", c, SSL_shutdown(c), -1);
  report("S read", s, SSL_read(s, buf, sizeof(buf)), -1);
  report("S write (half-close)", s, SSL_write(s, "bye", 3), -1);
  report("S shutdown", s, SSL_shutdown(s), -1);
  report("C read", c, SSL_read(c, buf, sizeof(buf)), -1);
  report("C shutdown #3", c, SSL_shutdown(c), -1);
  free_nonblocking(cctx, sctx, c, s, fds);
}

/* 29 on sockets: the peer closes the TCP connection without close_notify. */
void sc_nonblocking_eof(void) {
  SSL_CTX *cctx, *sctx;
  SSL *c, *s;
  int fds[2];
  nonblocking_pair(&cctx, &sctx, &c, &s, fds);
  close(fds[1]);
  fds[1] = -1;
  report_errno("C read", c, SSL_read(c, buf, sizeof(buf)), errno);
  report("C read #2", c, SSL_read(c, buf, sizeof(buf)), -1);
  report("C shutdown", c, SSL_shutdown(c), -1);
  free_nonblocking(cctx, sctx, c, s, fds);
}

/* 22. The peer sent close_notify and closed the socket; answering it fails
 * with EPIPE, and SSL_get_error says ZERO_RETURN (R13, R35). */
void sc_answer_closed_peer(void) {
  SSL_CTX *cctx, *sctx;
  SSL *c, *s;
  int fds[2];
  nonblocking_pair(&cctx, &sctx, &c, &s, fds);
  report("S shutdown", s, SSL_shutdown(s), -1);
  close(fds[1]);
  fds[1] = -1;
  report("C read", c, SSL_read(c, buf, sizeof(buf)), -1);
  errno = 0;
  {
    int r = SSL_shutdown(c);
    report_errno("C shutdown", c, r, errno);
  }
  free_nonblocking(cctx, sctx, c, s, fds);
}

/* 28 on sockets, with the ignore option: the answer hits EPIPE (R35). */
void sc_ignored_eof_socket(void) {
  SSL_CTX *cctx, *sctx;
  SSL *c, *s;
  int fds[2];
  nonblocking_pair(&cctx, &sctx, &c, &s, fds);
  SSL_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
  close(fds[1]);
  fds[1] = -1;
  report("C read", c, SSL_read(c, buf, sizeof(buf)), -1);
  errno = 0;
  {
    int r = SSL_shutdown(c);
    report_errno("C shutdown", c, r, errno);
  }
  free_nonblocking(cctx, sctx, c, s, fds);
}

/* 31. TCP reset: the server closes with unread data (R28). */
void sc_tcp_reset(void) {
  PairOptions o = pair_defaults();
  SSL_CTX* cctx = client_ctx(&o);
  SSL_CTX* sctx = server_ctx(&o);
  SSL *c, *s;
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int lfd, cfd, sfd, one = 1, i, cdone = 0, sdone = 0, r;
  SETUP((lfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SETUP(bind(lfd, (struct sockaddr*)&addr, sizeof(addr)) == 0);
  SETUP(listen(lfd, 1) == 0);
  SETUP(getsockname(lfd, (struct sockaddr*)&addr, &len) == 0);
  SETUP((cfd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
  SETUP(connect(cfd, (struct sockaddr*)&addr, sizeof(addr)) == 0);
  SETUP((sfd = accept(lfd, NULL, NULL)) >= 0);
  close(lfd);
  SETUP(setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
  SETUP(setsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
  SETUP(fcntl(cfd, F_SETFL, O_NONBLOCK) == 0);
  SETUP(fcntl(sfd, F_SETFL, O_NONBLOCK) == 0);
  SETUP((c = SSL_new(cctx)) != NULL);
  SETUP((s = SSL_new(sctx)) != NULL);
  SETUP(SSL_set_fd(c, cfd) == 1);
  SETUP(SSL_set_fd(s, sfd) == 1);
  SETUP(SSL_set_tlsext_host_name(c, "localhost") == 1);
  SSL_set_connect_state(c);
  SSL_set_accept_state(s);
  for (i = 0; i < 2000 && !(cdone && sdone); ++i) {
    if (!cdone && SSL_do_handshake(c) == 1) cdone = 1;
    if (!sdone && SSL_do_handshake(s) == 1) sdone = 1;
    if (!(cdone && sdone)) usleep(1000);
  }
  say("handshake=%d", cdone && sdone);
  SETUP(cdone && sdone);
  ERR_clear_error();
  usleep(50000);
  report("C read (tickets)", c, SSL_read(c, buf, sizeof(buf)), -1);
  report("C write (never read)", c, SSL_write(c, "ping", 4), -1);
  usleep(50000);
  close(sfd); /* unread data: the kernel answers with RST */
  usleep(100000);
  errno = 0;
  r = SSL_read(c, buf, sizeof(buf));
  report_errno("C read", c, r, errno);
  say("in_init=%d", SSL_in_init(c));
  errno = 0;
  r = SSL_shutdown(c);
  {
    int e = errno;
    printf("C shutdown: ret=%d err=%s shutdown=%d errno=%s\n", r, error_name(SSL_get_error(c, r)),
           SSL_get_shutdown(c), e == EPIPE || e == ECONNRESET ? "EPIPE or ECONNRESET" : "other");
    print_queue();
  }
  SSL_free(c);
  SSL_free(s);
  close(cfd);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
}
