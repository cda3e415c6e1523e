/* Peer certificate verification: the verify callback called as OpenSSL calls
 * it (once per certificate, from the root down, with preverify_ok, the
 * X509_STORE_CTX accessors and the SSL behind SSL_get_ex_data_X509_STORE_CTX_idx()
 * working inside it, its answer overriding), failure closing the handshake,
 * the trust taken from the context's X509_STORE however it was filled, host
 * names checked only when SSL_set1_host or the X509_VERIFY_PARAM names one,
 * the server's verification of client certificates. */
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

/* What the logging callback answers. */
enum { CB_PASS, CB_ACCEPT, CB_REJECT_LEAF, CB_REJECT_LEAF_SILENT };

static int g_cb_mode;
static SSL* g_client;
static SSL* g_server;

static const char* who(SSL* ssl) {
  if (ssl == NULL) return "none";
  if (ssl == g_client) return "client";
  if (ssl == g_server) return "server";
  return "other";
}

static int log_cb(int ok, X509_STORE_CTX* ctx) {
  SSL* ssl = X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  char name[256] = "(no certificate)";
  if (cert != NULL) X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof(name));
  say("  callback on %s: ok=%d depth=%d error=%d %s", who(ssl), ok, depth,
      X509_STORE_CTX_get_error(ctx), name);
  switch (g_cb_mode) {
    case CB_ACCEPT:
      return 1;
    case CB_REJECT_LEAF:
      if (depth != 0) return ok;
      X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REJECTED);
      return 0;
    case CB_REJECT_LEAF_SILENT:
      return depth == 0 ? 0 : ok;
    default:
      return ok;
  }
}

/* A handshake that may fail: each side's failure is reported (with the
 * queue), then whether each side finished. */
static void handshake_reported(Pair* p) {
  int cdone = 0, sdone = 0, cfail = 0, sfail = 0, rounds;
  g_client = p->c;
  g_server = p->s;
  for (rounds = 0; rounds < 20 && !((cdone || cfail) && (sdone || sfail)); ++rounds) {
    if (!cdone && !cfail) {
      int r = SSL_do_handshake(p->c);
      if (r == 1) {
        cdone = 1;
      } else if (SSL_get_error(p->c, r) != SSL_ERROR_WANT_READ) {
        cfail = 1;
        report("C handshake", p->c, r, -1);
      }
    }
    c2s(p);
    if (!sdone && !sfail) {
      int r = SSL_do_handshake(p->s);
      if (r == 1) {
        sdone = 1;
      } else if (SSL_get_error(p->s, r) != SSL_ERROR_WANT_READ) {
        sfail = 1;
        report("S handshake", p->s, r, -1);
      }
    }
    s2c(p);
  }
  say("client done=%d server done=%d", cdone, sdone);
  /* A client that finished first learns of the server's refusal by reading. */
  if (cdone && sfail) {
    char buf[16];
    report("C read", p->c, SSL_read(p->c, buf, sizeof(buf)), -1);
  }
}

static int count(STACK_OF(X509) * sk) {
  return sk != NULL ? sk_X509_num(sk) : -1;
}

static void print_results(Pair* p) {
  const char* peername = SSL_get0_peername(p->c);
  say("C verify_result=%ld verified_chain=%d peer_chain=%d peername=%s",
      SSL_get_verify_result(p->c), count(SSL_get0_verified_chain(p->c)),
      count(SSL_get_peer_cert_chain(p->c)), peername != NULL ? peername : "(none)");
  say("S verify_result=%ld verified_chain=%d peer_chain=%d peer=%d", SSL_get_verify_result(p->s),
      count(SSL_get0_verified_chain(p->s)), count(SSL_get_peer_cert_chain(p->s)),
      SSL_get0_peer_certificate(p->s) != NULL);
}

/* A new client SSL from the context (its settings as they are now), on the
 * pair's BIO. */
static void renew_client(Pair* p) {
  SSL* c = SSL_new(p->cctx);
  SETUP(c != NULL);
  SETUP(BIO_up_ref(SSL_get_rbio(p->c)) == 1);
  SSL_set_bio(c, SSL_get_rbio(p->c), SSL_get_wbio(p->c));
  SSL_set_connect_state(c);
  SETUP(SSL_set_tlsext_host_name(c, "localhost") == 1);
  SSL_free(p->c);
  p->c = c;
}

static void client_with_callback(Pair* p, const PairOptions* o, int mode, int cb_mode) {
  pair_new(p, o);
  g_cb_mode = cb_mode;
  SSL_set_verify(p->c, mode, log_cb);
}

/* The chain verifies: the callback sees the root, the intermediate, the leaf. */
void sc_verify_callback(void) {
  Pair p;
  PairOptions o = pair_defaults();
  client_with_callback(&p, &o, SSL_VERIFY_PEER, CB_PASS);
  say("get_verify_callback=%d", SSL_get_verify_callback(p.c) == log_cb);
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

/* Nothing trusted: refused, whatever the callback logs. */
void sc_verify_untrusted(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.untrusted_server = 1;
  client_with_callback(&p, &o, SSL_VERIFY_PEER, CB_PASS);
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

/* The callback's 1 overrides every error; the result still says why. */
void sc_verify_override(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.untrusted_server = 1;
  client_with_callback(&p, &o, SSL_VERIFY_PEER, CB_ACCEPT);
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

/* The callback refuses a chain that verifies: with an error of its own, and
 * with none. */
void sc_verify_reject(void) {
  Pair p;
  PairOptions o = pair_defaults();
  client_with_callback(&p, &o, SSL_VERIFY_PEER, CB_REJECT_LEAF);
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

void sc_verify_reject_silent(void) {
  Pair p;
  PairOptions o = pair_defaults();
  client_with_callback(&p, &o, SSL_VERIFY_PEER, CB_REJECT_LEAF_SILENT);
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

/* SSL_VERIFY_NONE: the chain is still verified and the callback called;
 * the handshake goes on. */
void sc_verify_none_callback(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.untrusted_server = 1;
  client_with_callback(&p, &o, SSL_VERIFY_NONE, CB_PASS);
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

/* Host names: only those SSL_set1_host or the X509_VERIFY_PARAM name. */
static void host_case(const char* label, const char* host, const char* ip, const char* sni) {
  Pair p;
  PairOptions o = pair_defaults();
  say("-- %s", label);
  pair_new(&p, &o);
  if (sni != NULL) SETUP(SSL_set_tlsext_host_name(p.c, sni) == 1);
  if (host != NULL) say("set1_host=%d", SSL_set1_host(p.c, host));
  if (ip != NULL) say("set1_ip_asc=%d", X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(p.c), ip));
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

void sc_verify_host(void) {
  host_case("right host", "localhost", NULL, NULL);
  host_case("other name of the certificate", "adieu.test", NULL, NULL);
  host_case("wrong host", "wrong.example", NULL, NULL);
  host_case("right IP", NULL, "127.0.0.1", NULL);
  host_case("wrong IP", NULL, "127.0.0.2", NULL);
  /* The SNI name is no host check (Python's check_hostname=False). */
  host_case("SNI of another name, no host check", NULL, NULL, "wrong.example");
  host_case("SNI of another name, right host", "localhost", NULL, "wrong.example");
}

/* A context's parameters reach its SSLs (SSL_CTX_get0_param). */
void sc_verify_ctx_param(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_new(&p, &o);
  say("ctx set1_host=%d",
      X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(p.cctx), "wrong.example", 0));
  renew_client(&p);
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

static X509* read_cert(const char* name) {
  X509* x = NULL;
  BIO* in = BIO_new_file(data_file(name), "r");
  SETUP(in != NULL);
  x = PEM_read_bio_X509(in, NULL, NULL, NULL);
  BIO_free(in);
  SETUP(x != NULL);
  return x;
}

static X509_STORE* store_with(const char* name) {
  X509_STORE* st = X509_STORE_new();
  SETUP(st != NULL);
  if (name != NULL) {
    X509* root = read_cert(name);
    SETUP(X509_STORE_add_cert(st, root) == 1);
    X509_free(root);
  }
  return st;
}

/* Trust however it was given: X509_STORE_add_cert on the context's store, a
 * store of one's own, a verify store (which then alone counts). */
void sc_verify_store(void) {
  Pair p;
  PairOptions o = pair_defaults();
  X509* root;
  o.untrusted_server = 1;

  say("-- X509_STORE_add_cert on SSL_CTX_get_cert_store");
  pair_new(&p, &o);
  root = read_cert("ecdsa-root.pem");
  say("add_cert=%d", X509_STORE_add_cert(SSL_CTX_get_cert_store(p.cctx), root));
  X509_free(root);
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);

  say("-- SSL_CTX_set_cert_store");
  pair_new(&p, &o);
  SSL_CTX_set_cert_store(p.cctx, store_with("ecdsa-root.pem"));
  handshake_reported(&p);
  pair_free(&p);

  say("-- SSL_CTX_set1_verify_cert_store, the context's store empty");
  pair_new(&p, &o);
  {
    X509_STORE* st = store_with("ecdsa-root.pem");
    X509_STORE* got = NULL;
    say("set1_verify_cert_store=%ld", SSL_CTX_set1_verify_cert_store(p.cctx, st));
    say("get0_verify_cert_store=%ld same=%d", SSL_CTX_get0_verify_cert_store(p.cctx, &got),
        got == st);
    X509_STORE_free(st);
  }
  /* SSLs made before the context's verify store was set keep theirs (none). */
  renew_client(&p);
  handshake_reported(&p);
  pair_free(&p);

  say("-- SSL_set0_verify_cert_store of nothing, the context's store trusted");
  o.untrusted_server = 0;
  pair_new(&p, &o);
  say("set0_verify_cert_store=%ld", SSL_set0_verify_cert_store(p.c, store_with(NULL)));
  handshake_reported(&p);
  pair_free(&p);
}

/* The depth limit of the X509_VERIFY_PARAM. */
void sc_verify_depth(void) {
  int depth;
  for (depth = 0; depth <= 2; ++depth) {
    Pair p;
    PairOptions o = pair_defaults();
    say("-- depth %d", depth);
    pair_new(&p, &o);
    SSL_set_verify_depth(p.c, depth);
    say("get_verify_depth=%d", SSL_get_verify_depth(p.c));
    handshake_reported(&p);
    pair_free(&p);
  }
}

static int app_verify(X509_STORE_CTX* ctx, void* arg) {
  SSL* ssl = X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
  X509* leaf = X509_STORE_CTX_get0_cert(ctx);
  char name[256] = "(none)";
  if (leaf != NULL) X509_NAME_oneline(X509_get_subject_name(leaf), name, sizeof(name));
  say("  app verify on %s arg=%s leaf=%s untrusted=%d", who(ssl), (const char*)arg, name,
      count(X509_STORE_CTX_get0_untrusted(ctx)));
  return 1;
}

/* SSL_CTX_set_cert_verify_callback replaces the verification itself. */
void sc_verify_app_callback(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.untrusted_server = 1;
  pair_new(&p, &o);
  SSL_CTX_set_cert_verify_callback(p.cctx, app_verify, (void*)"mine");
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

/* A server verifying its clients: a trusted certificate, an untrusted one,
 * none. */
static void client_cert_case(const char* label, int trusted, int send_cert, int cb_mode) {
  Pair p;
  PairOptions o = pair_defaults();
  say("-- %s", label);
  pair_new(&p, &o);
  g_cb_mode = cb_mode;
  SSL_CTX_set_verify(p.sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, log_cb);
  if (trusted) SETUP(SSL_CTX_load_verify_locations(p.sctx, data_file("ecdsa-root.pem"), NULL) == 1);
  /* The server's SSL was made before: it takes the mode and callback itself. */
  SSL_set_verify(p.s, SSL_CTX_get_verify_mode(p.sctx), log_cb);
  if (send_cert) {
    SETUP(SSL_CTX_use_certificate_chain_file(p.cctx, data_file("client-fullchain.pem")) == 1);
    SETUP(SSL_CTX_use_PrivateKey_file(p.cctx, data_file("client-leaf.key"), SSL_FILETYPE_PEM) == 1);
    renew_client(&p);
  }
  handshake_reported(&p);
  print_results(&p);
  pair_free(&p);
}

void sc_verify_client_cert(void) {
  client_cert_case("trusted client certificate", 1, 1, CB_PASS);
  client_cert_case("untrusted client certificate", 0, 1, CB_PASS);
  client_cert_case("untrusted, accepted by the callback", 0, 1, CB_ACCEPT);
  client_cert_case("no client certificate", 1, 0, CB_PASS);
}

/* --- the chain sent with a certificate that has none (ssl_add_cert_chain) --- */

/* A context whose certificate (the ECDSA leaf, or the client's) comes
 * without a chain, and whose store holds the intermediate and the root. */
static SSL_CTX* chainless_ctx(int server, int no_auto_chain) {
  SSL_CTX* ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  X509* intermediate = NULL;
  BIO* in;
  SETUP(ctx != NULL);
  SETUP(SSL_CTX_set_max_proto_version(ctx, harness_max_version()) == 1);
  SETUP(SSL_CTX_use_certificate_file(ctx, data_file(server ? "ecdsa-leaf.pem" : "client-leaf.pem"),
                                     SSL_FILETYPE_PEM) == 1);
  SETUP(SSL_CTX_use_PrivateKey_file(ctx, data_file(server ? "ecdsa-leaf.key" : "client-leaf.key"),
                                    SSL_FILETYPE_PEM) == 1);
  SETUP(SSL_CTX_load_verify_locations(ctx, data_file("ecdsa-root.pem"), NULL) == 1);
  SETUP((in = BIO_new_file(data_file("ecdsa-intermediate.pem"), "r")) != NULL);
  SETUP((intermediate = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL);
  BIO_free(in);
  SETUP(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), intermediate) == 1);
  X509_free(intermediate);
  if (no_auto_chain) SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
  return ctx;
}

/* Swaps one end's context for `ctx` (a new SSL on the same BIO). */
static void replace_end(Pair* p, int server, SSL_CTX* ctx) {
  SSL** end = server ? &p->s : &p->c;
  SSL* ssl = SSL_new(ctx);
  SETUP(ssl != NULL);
  SETUP(BIO_up_ref(SSL_get_rbio(*end)) == 1);
  SSL_set_bio(ssl, SSL_get_rbio(*end), SSL_get_wbio(*end));
  if (server) {
    SSL_set_accept_state(ssl);
    SSL_CTX_free(p->sctx);
    p->sctx = ctx;
  } else {
    SSL_set_connect_state(ssl);
    SETUP(SSL_set_tlsext_host_name(ssl, "localhost") == 1);
    SSL_CTX_free(p->cctx);
    p->cctx = ctx;
  }
  SSL_free(*end);
  *end = ssl;
}

/* Without a chain of its own, each end sends the chain its store builds for
 * its certificate (root included), unless SSL_MODE_NO_AUTO_CHAIN. */
void sc_automatic_chain(void) {
  int no_auto;
  for (no_auto = 0; no_auto < 2; ++no_auto) {
    Pair p;
    PairOptions o = pair_defaults();
    say("-- %s", no_auto ? "SSL_MODE_NO_AUTO_CHAIN" : "automatic chain");
    pair_new(&p, &o);
    replace_end(&p, 1, chainless_ctx(1, no_auto));
    replace_end(&p, 0, chainless_ctx(0, no_auto));
    SSL_set_verify(p.s, SSL_VERIFY_PEER, NULL);
    SSL_set_verify(p.c, SSL_VERIFY_PEER, NULL);
    handshake_reported(&p);
    print_results(&p);
    pair_free(&p);
  }
}
