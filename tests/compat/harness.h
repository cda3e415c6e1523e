/* Helpers for the differential scenarios: written against OpenSSL's API only,
 * built once against OpenSSL's libssl and once against libadieu-ssl. Every
 * line printed must be deterministic (no keys, ids, timings or addresses). */
#ifndef ADIEU_COMPAT_HARNESS_H
#define ADIEU_COMPAT_HARNESS_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stddef.h>

#ifndef ADIEU_TEST_DATA
#define ADIEU_TEST_DATA "tests/data"
#endif

/* A client and a server over two BIO pairs; the test moves bytes between
 * the network halves (c_net, s_net) with pump(), so it controls delivery. */
typedef struct {
  SSL_CTX* cctx;
  SSL_CTX* sctx;
  SSL* c;
  SSL* s;
  BIO* c_net; /* what the client writes can be read here; writes here reach the client */
  BIO* s_net;
} Pair;

typedef struct {
  size_t pair_size;     /* BIO pair buffer size (0: default) */
  int client_verify;    /* SSL_VERIFY_PEER with the test root trusted */
  int untrusted_server; /* client trusts nothing */
  uint64_t client_options, server_options;
  int quiet_ctx;   /* SSL_CTX_set_quiet_shutdown on both */
  int num_tickets; /* -1: default */
  int rsa_server;  /* the server has the RSA certificate (the client trusts its root) */
} PairOptions;

/* Setup that must succeed. A scenario compares what the two builds do with
 * a working setup; if a step the scenario needs fails (a certificate or key
 * file, a context, an SSL, a BIO, a socket, a thread, a handshake that must
 * complete), it cannot compare anything: identical output from two failed
 * setups proves nothing. So SETUP(expr) ends the program at once when expr is
 * false: it prints "SETUP FAILED <file>:<line>: <expr>" and the error queue,
 * and exits with SETUP_FAILED_EXIT, which run_differential.sh reports as a
 * failure whatever the other build did. Results that are what a scenario
 * tests (a handshake meant to fail, a call's return value) are printed and
 * compared instead, never SETUP. */
#define SETUP_FAILED_EXIT 86
void setup_failed(const char* file, int line, const char* what) __attribute__((noreturn));
#define SETUP(expr)                                       \
  do {                                                    \
    if (!(expr)) setup_failed(__FILE__, __LINE__, #expr); \
  } while (0)

void harness_init(void);
/* The version every scenario runs with: each scenario `name` of the table
 * also runs as `name_tls12`, with both ends limited to TLS 1.2 (the
 * contexts of client_ctx/server_ctx get it as their maximum version). */
extern int harness_tls12;
int harness_max_version(void); /* TLS1_2_VERSION or TLS1_3_VERSION */
/* The path of a file of tests/data (ADIEU_TEST_DATA, or the directory in the
 * environment variable COMPAT_TEST_DATA when set, which the differential
 * test's self-test points elsewhere to check that a setup failure fails).
 * SETUP: the file must be readable. The string lasts for the next 7 calls. */
const char* data_file(const char* name);
PairOptions pair_defaults(void);
/* Contexts with the test certificates; they end the program on a failure. */
SSL_CTX* client_ctx(const PairOptions* o);
SSL_CTX* server_ctx(const PairOptions* o);
void pair_new(Pair* p, const PairOptions* o);     /* contexts, SSLs, BIOs; no handshake */
int pair_handshake(Pair* p);                      /* 1 when both sides finished */
void pair_connect(Pair* p, const PairOptions* o); /* pair_new + a handshake that must work */
void pair_free(Pair* p);
size_t pump(BIO* from, BIO* to); /* moves every pending byte */
size_t c2s(Pair* p);
size_t s2c(Pair* p);
size_t drain(BIO* from); /* reads and drops */
size_t pending_out(BIO* net);

const char* error_name(int e);
/* Prints "label: ret=R err=E shutdown=S wrote=W" and every error-queue entry,
 * then clears the queue. wrote < 0 is not printed. */
void report(const char* label, SSL* ssl, int ret, long wrote);
void report_errno(const char* label, SSL* ssl, int ret, int saved_errno);
void print_queue(void);
void say(const char* fmt, ...);

/* Runs `expr` on `ssl` and reports it with the bytes it wrote to `net`. */
#define STEP(label, ssl, net, expr)                                   \
  do {                                                                \
    size_t before_ = pending_out(net);                                \
    int ret_ = (expr);                                                \
    report((label), (ssl), ret_, (long)(pending_out(net) - before_)); \
  } while (0)

#endif
