/* Post-handshake client authentication (TLS 1.3, RFC 8446 section 4.6.2):
 * SSL_verify_client_post_handshake's errors and their order, the request
 * queued until the next SSL_do_handshake (SSL_in_init meanwhile), the
 * client's answer with and without a certificate, the verify callback called
 * for the chain, the peer certificate afterwards, data around the exchange,
 * a second request, SSL_VERIFY_CLIENT_ONCE, SSL_VERIFY_FAIL_IF_NO_PEER_CERT.
 * In the _tls12 run every request is refused (no PHA in TLS 1.2). */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

static SSL* g_pha_server;

static int pha_log_cb(int ok, X509_STORE_CTX* ctx) {
  SSL* ssl = X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  char name[256] = "(no certificate)";
  if (cert != NULL) X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof(name));
  say("  callback on %s: ok=%d depth=%d %s", ssl == g_pha_server ? "server" : "other", ok,
      X509_STORE_CTX_get_error_depth(ctx), name);
  return ok;
}

/* A pair whose server trusts the client's root and verifies with `mode`
 * (and the logging callback); the client offers PHA when `offer`, with its
 * certificate when `with_cert`. */
static void pha_pair(Pair* p, int offer, int with_cert, int mode) {
  PairOptions o = pair_defaults();
  pair_new(p, &o);
  g_pha_server = p->s;
  SETUP(SSL_CTX_load_verify_locations(p->sctx, data_file("ecdsa-root.pem"), NULL) == 1);
  SSL_set_verify(p->s, mode, pha_log_cb);
  SSL_set_post_handshake_auth(p->c, offer);
  if (with_cert) {
    SETUP(SSL_use_certificate_chain_file(p->c, data_file("client-fullchain.pem")) == 1);
    SETUP(SSL_use_PrivateKey_file(p->c, data_file("client-leaf.key"), SSL_FILETYPE_PEM) == 1);
  }
}

/* Reads on `ssl` once; reports the result and the bytes it wrote. */
static void read_once(const char* label, SSL* ssl, BIO* net) {
  char buf[64];
  size_t before = pending_out(net);
  int r = SSL_read(ssl, buf, sizeof(buf) - 1);
  report(label, ssl, r, -1);
  say("  wrote=%d", pending_out(net) > before);
  if (r > 0) {
    buf[r] = 0;
    say("  data=%s", buf);
  }
}

static void peer_state(Pair* p) {
  say("S peer=%d verify_result=%ld", SSL_get0_peer_certificate(p->s) != NULL,
      SSL_get_verify_result(p->s));
}

/* Queued, sent by SSL_do_handshake, answered as the client reads, verified
 * as the server reads. */
static void request_and_answer(Pair* p, const char* what) {
  size_t before;
  int r;
  say("-- %s", what);
  report("S verify_client_post_handshake", p->s, SSL_verify_client_post_handshake(p->s), -1);
  say("S in_init=%d pending=%d", SSL_in_init(p->s), (int)pending_out(p->s_net));
  report("S verify_client_post_handshake again", p->s, SSL_verify_client_post_handshake(p->s), -1);
  before = pending_out(p->s_net);
  r = SSL_do_handshake(p->s);
  report("S do_handshake", p->s, r, -1);
  say("  wrote=%d in_init=%d", pending_out(p->s_net) > before, SSL_in_init(p->s));
  report("S verify_client_post_handshake after sending", p->s,
         SSL_verify_client_post_handshake(p->s), -1);
  s2c(p);
  read_once("C read", p->c, p->c_net);
  c2s(p);
  read_once("S read", p->s, p->s_net);
  peer_state(p);
}

void sc_post_handshake_auth(void) {
  Pair p;
  char buf[16];
  int handshake_ok;

  say("-- before the handshake");
  pha_pair(&p, 1, 1, SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE);
  report("S verify_client_post_handshake", p.s, SSL_verify_client_post_handshake(p.s), -1);
  report("C verify_client_post_handshake", p.c, SSL_verify_client_post_handshake(p.c), -1);
  SETUP(pair_handshake(&p));
  say("-- after it: no request in the handshake");
  peer_state(&p);
  report("C verify_client_post_handshake", p.c, SSL_verify_client_post_handshake(p.c), -1);
  request_and_answer(&p, "a request answered with a certificate");
  say("-- data around a second request");
  SETUP(SSL_write(p.c, "c1", 2) == 2);
  report("S verify_client_post_handshake", p.s, SSL_verify_client_post_handshake(p.s), -1);
  report("S write", p.s, SSL_write(p.s, "s1", 2), -1);
  s2c(&p);
  read_once("C read", p.c, p.c_net);
  c2s(&p);
  read_once("S read", p.s, p.s_net);
  read_once("S read again", p.s, p.s_net);
  peer_state(&p);
  say("-- SSL_VERIFY_CLIENT_ONCE after a request");
  SSL_set_verify(p.s, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, pha_log_cb);
  report("S verify_client_post_handshake", p.s, SSL_verify_client_post_handshake(p.s), -1);
  say("-- SSL_VERIFY_NONE");
  SSL_set_verify(p.s, SSL_VERIFY_NONE, NULL);
  report("S verify_client_post_handshake", p.s, SSL_verify_client_post_handshake(p.s), -1);
  pair_free(&p);

  say("-- a client that did not offer it");
  pha_pair(&p, 0, 1, SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE);
  SETUP(pair_handshake(&p));
  report("S verify_client_post_handshake", p.s, SSL_verify_client_post_handshake(p.s), -1);
  pair_free(&p);

  pha_pair(&p, 1, 0, SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE);
  SETUP(pair_handshake(&p));
  request_and_answer(&p, "no certificate, optional");
  pair_free(&p);

  pha_pair(&p, 1, 0, SSL_VERIFY_PEER | SSL_VERIFY_POST_HANDSHAKE | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
  /* TLS 1.2 asks in the handshake (SSL_VERIFY_POST_HANDSHAKE is TLS 1.3's),
   * which then fails. */
  handshake_ok = pair_handshake(&p);
  say("-- no certificate, required: handshake=%d", handshake_ok);
  print_queue();
  if (handshake_ok) {
    request_and_answer(&p, "no certificate, required");
    s2c(&p);
    report("C read after the refusal", p.c, SSL_read(p.c, buf, sizeof(buf)), -1);
  }
  pair_free(&p);
}
