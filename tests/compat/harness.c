/* Helpers for the differential scenarios (see harness.h). */
#include "harness.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int harness_tls12;

int harness_max_version(void) {
  return harness_tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
}

void harness_init(void) {
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);
  OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
}

PairOptions pair_defaults(void) {
  PairOptions o;
  memset(&o, 0, sizeof(o));
  o.client_verify = 1;
  o.num_tickets = -1;
  return o;
}

void setup_failed(const char* file, int line, const char* what) {
  const char* base = strrchr(file, '/');
  base = base != NULL ? base + 1 : file;
  fflush(stdout);
  printf("SETUP FAILED %s:%d: %s\n", base, line, what);
  print_queue();
  fflush(stdout);
  exit(SETUP_FAILED_EXIT);
}

const char* data_file(const char* name) {
  static char paths[8][1024];
  static unsigned next;
  const char* dir = getenv("COMPAT_TEST_DATA");
  char* path = paths[next++ % 8];
  FILE* f;
  snprintf(path, sizeof(paths[0]), "%s/%s", dir != NULL && *dir ? dir : ADIEU_TEST_DATA, name);
  f = fopen(path, "r");
  if (f == NULL) {
    char what[1100];
    snprintf(what, sizeof(what), "the test file %s is readable", path);
    setup_failed(__FILE__, __LINE__, what);
  }
  fclose(f);
  return path;
}

SSL_CTX* client_ctx(const PairOptions* o) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SETUP(ctx != NULL);
  SETUP(SSL_CTX_set_max_proto_version(ctx, harness_max_version()) == 1);
  if (o->client_verify) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (!o->untrusted_server)
      SETUP(SSL_CTX_load_verify_locations(
                ctx, data_file(o->rsa_server ? "rsa-root.pem" : "ecdsa-root.pem"), NULL) == 1);
  }
  if (o->client_options) SSL_CTX_set_options(ctx, o->client_options);
  if (o->quiet_ctx) SSL_CTX_set_quiet_shutdown(ctx, 1);
  return ctx;
}

SSL_CTX* server_ctx(const PairOptions* o) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SETUP(ctx != NULL);
  SETUP(SSL_CTX_set_max_proto_version(ctx, harness_max_version()) == 1);
  SETUP(SSL_CTX_use_certificate_chain_file(
            ctx, data_file(o->rsa_server ? "rsa-fullchain.pem" : "ecdsa-fullchain.pem")) == 1);
  SETUP(SSL_CTX_use_PrivateKey_file(ctx,
                                    data_file(o->rsa_server ? "rsa-leaf.key" : "ecdsa-leaf.key"),
                                    SSL_FILETYPE_PEM) == 1);
  if (o->server_options) SSL_CTX_set_options(ctx, o->server_options);
  if (o->quiet_ctx) SSL_CTX_set_quiet_shutdown(ctx, 1);
  if (o->num_tickets >= 0) SETUP(SSL_CTX_set_num_tickets(ctx, (size_t)o->num_tickets) == 1);
  return ctx;
}

void pair_new(Pair* p, const PairOptions* o) {
  BIO *c_ssl, *s_ssl;
  memset(p, 0, sizeof(*p));
  p->cctx = client_ctx(o);
  p->sctx = server_ctx(o);
  SETUP((p->c = SSL_new(p->cctx)) != NULL);
  SETUP((p->s = SSL_new(p->sctx)) != NULL);
  SETUP(BIO_new_bio_pair(&c_ssl, o->pair_size, &p->c_net, o->pair_size) == 1);
  SETUP(BIO_new_bio_pair(&s_ssl, o->pair_size, &p->s_net, o->pair_size) == 1);
  SSL_set_bio(p->c, c_ssl, c_ssl);
  SSL_set_bio(p->s, s_ssl, s_ssl);
  SSL_set_connect_state(p->c);
  SSL_set_accept_state(p->s);
  SETUP(SSL_set_tlsext_host_name(p->c, "localhost") == 1);
}

int pair_handshake(Pair* p) {
  int cdone = 0, sdone = 0, rounds;
  for (rounds = 0; rounds < 50 && !(cdone && sdone); ++rounds) {
    if (!cdone) {
      int r = SSL_do_handshake(p->c);
      if (r == 1)
        cdone = 1;
      else if (SSL_get_error(p->c, r) != SSL_ERROR_WANT_READ)
        return 0;
    }
    c2s(p);
    if (!sdone) {
      int r = SSL_do_handshake(p->s);
      if (r == 1)
        sdone = 1;
      else if (SSL_get_error(p->s, r) != SSL_ERROR_WANT_READ)
        return 0;
    }
    s2c(p);
  }
  return cdone && sdone;
}

void pair_connect(Pair* p, const PairOptions* o) {
  pair_new(p, o);
  SETUP(pair_handshake(p));
}

void pair_free(Pair* p) {
  SSL_free(p->c);
  SSL_free(p->s);
  BIO_free(p->c_net);
  BIO_free(p->s_net);
  SSL_CTX_free(p->cctx);
  SSL_CTX_free(p->sctx);
  memset(p, 0, sizeof(*p));
}

size_t pump(BIO* from, BIO* to) {
  char buf[4096];
  size_t moved = 0;
  for (;;) {
    size_t room = BIO_ctrl_get_write_guarantee(to);
    size_t avail = BIO_ctrl_pending(from);
    size_t n = avail < room ? avail : room;
    if (n > sizeof(buf)) n = sizeof(buf);
    if (n == 0) break;
    int r = BIO_read(from, buf, (int)n);
    if (r <= 0) break;
    BIO_write(to, buf, r);
    moved += (size_t)r;
  }
  return moved;
}

size_t c2s(Pair* p) {
  return pump(p->c_net, p->s_net);
}
size_t s2c(Pair* p) {
  return pump(p->s_net, p->c_net);
}

size_t drain(BIO* from) {
  char buf[4096];
  size_t n = 0;
  int r;
  while ((r = BIO_read(from, buf, sizeof(buf))) > 0) n += (size_t)r;
  return n;
}

size_t pending_out(BIO* net) {
  return net != NULL ? BIO_ctrl_pending(net) : 0;
}

const char* error_name(int e) {
  switch (e) {
    case SSL_ERROR_NONE:
      return "NONE";
    case SSL_ERROR_SSL:
      return "SSL";
    case SSL_ERROR_WANT_READ:
      return "WANT_READ";
    case SSL_ERROR_WANT_WRITE:
      return "WANT_WRITE";
    case SSL_ERROR_WANT_X509_LOOKUP:
      return "WANT_X509_LOOKUP";
    case SSL_ERROR_SYSCALL:
      return "SYSCALL";
    case SSL_ERROR_ZERO_RETURN:
      return "ZERO_RETURN";
    case SSL_ERROR_WANT_CONNECT:
      return "WANT_CONNECT";
    case SSL_ERROR_WANT_ACCEPT:
      return "WANT_ACCEPT";
    default:
      return "OTHER";
  }
}

void print_queue(void) {
  unsigned long e;
  const char* data = NULL;
  int flags = 0;
  while ((e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
    char text[256];
    ERR_error_string_n(e, text, sizeof(text));
    printf("    queue: lib=%d reason=%d \"%s\" [%s]%s%s\n", ERR_GET_LIB(e), ERR_GET_REASON(e),
           ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "?", text,
           (flags & ERR_TXT_STRING) && data && *data ? " data=" : "",
           (flags & ERR_TXT_STRING) && data ? data : "");
  }
}

void report(const char* label, SSL* ssl, int ret, long wrote) {
  int err = SSL_get_error(ssl, ret);
  if (wrote >= 0)
    printf("%s: ret=%d err=%s shutdown=%d wrote=%ld\n", label, ret, error_name(err),
           SSL_get_shutdown(ssl), wrote);
  else
    printf("%s: ret=%d err=%s shutdown=%d\n", label, ret, error_name(err), SSL_get_shutdown(ssl));
  print_queue();
}

void report_errno(const char* label, SSL* ssl, int ret, int saved_errno) {
  int err = SSL_get_error(ssl, ret);
  printf("%s: ret=%d err=%s shutdown=%d errno=%s\n", label, ret, error_name(err),
         SSL_get_shutdown(ssl),
         saved_errno == 0            ? "0"
         : saved_errno == EPIPE      ? "EPIPE"
         : saved_errno == ECONNRESET ? "ECONNRESET"
                                     : strerror(saved_errno));
  print_queue();
}

void say(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}
