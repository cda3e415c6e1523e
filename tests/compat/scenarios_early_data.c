/* Scenarios: TLS 1.3 early data (0-RTT) through OpenSSL's API,
 * SSL_read_early_data(3): the limits and their defaults, a session whose
 * ticket allows early data, SSL_write_early_data / SSL_read_early_data with
 * the data taken or refused, and the calls OpenSSL refuses. In the _tls12
 * runs no ticket allows early data, so SSL_write_early_data is refused and
 * the handshakes go on without it. Bytes written are not printed where the
 * two libraries split the server's handshake differently over the calls
 * (docs/compat.md: OpenSSL's SSL_read_early_data stops at EndOfEarlyData). */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

static char buf[256];

static const char* status_name(int st) {
  switch (st) {
    case SSL_EARLY_DATA_NOT_SENT:
      return "NOT_SENT";
    case SSL_EARLY_DATA_REJECTED:
      return "REJECTED";
    case SSL_EARLY_DATA_ACCEPTED:
      return "ACCEPTED";
    default:
      return "?";
  }
}

static const char* read_result_name(int r) {
  switch (r) {
    case SSL_READ_EARLY_DATA_ERROR:
      return "ERROR";
    case SSL_READ_EARLY_DATA_SUCCESS:
      return "SUCCESS";
    case SSL_READ_EARLY_DATA_FINISH:
      return "FINISH";
    default:
      return "?";
  }
}

/* One SSL_write_early_data, reported. */
static int write_early(SSL* c, const char* label, const char* data) {
  size_t written = 12345;
  int r = SSL_write_early_data(c, data, strlen(data), &written);
  say("%s: write_early_data=%d written=%zu status=%s", label, r, r == 1 ? written : 0,
      status_name(SSL_get_early_data_status(c)));
  report(label, c, r, -1);
  return r;
}

/* One SSL_read_early_data, reported with the bytes read. */
static int read_early(SSL* s, const char* label) {
  size_t got = 12345;
  int r = SSL_read_early_data(s, buf, sizeof(buf), &got);
  if (r == SSL_READ_EARLY_DATA_SUCCESS)
    say("%s: read_early_data=%s \"%.*s\" status=%s", label, read_result_name(r), (int)got, buf,
        status_name(SSL_get_early_data_status(s)));
  else
    say("%s: read_early_data=%s readbytes=%zu status=%s", label, read_result_name(r),
        r == SSL_READ_EARLY_DATA_FINISH ? got : 0, status_name(SSL_get_early_data_status(s)));
  report(label, s, r == SSL_READ_EARLY_DATA_ERROR ? 0 : 1, -1);
  return r;
}

/* Where the handshake is, as the state queries say. */
static void states(SSL* ssl, const char* label) {
  say("%s: in_init=%d init_finished=%d in_before=%d", label, SSL_in_init(ssl),
      SSL_is_init_finished(ssl), SSL_in_before(ssl));
}

static void read_text(SSL* ssl, const char* label) {
  int n = SSL_read(ssl, buf, sizeof(buf));
  if (n > 0) say("%s: \"%.*s\"", label, n, buf);
  report(label, ssl, n, -1);
}

/* A connection on the pair's contexts, with fresh SSLs and BIOs. */
static void fresh_connection(Pair* p) {
  BIO *c_ssl, *s_ssl;
  SSL_free(p->c);
  SSL_free(p->s);
  BIO_free(p->c_net);
  BIO_free(p->s_net);
  SETUP((p->c = SSL_new(p->cctx)) != NULL);
  SETUP((p->s = SSL_new(p->sctx)) != NULL);
  SETUP(BIO_new_bio_pair(&c_ssl, 0, &p->c_net, 0) == 1);
  SETUP(BIO_new_bio_pair(&s_ssl, 0, &p->s_net, 0) == 1);
  SSL_set_bio(p->c, c_ssl, c_ssl);
  SSL_set_bio(p->s, s_ssl, s_ssl);
  SSL_set_connect_state(p->c);
  SSL_set_accept_state(p->s);
  SETUP(SSL_set_tlsext_host_name(p->c, "localhost") == 1);
}

/* A first connection (SSL_do_handshake on both sides) to a server whose
 * context allows `max` bytes of early data; returns the client's session
 * after a clean close. */
static SSL_SESSION* session_from(Pair* p, uint32_t max) {
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  pair_new(p, &o);
  /* The context's for the connections to come, the SSL's for this one. */
  say("set_max_early_data(%u)=%d,%d", (unsigned)max, SSL_CTX_set_max_early_data(p->sctx, max),
      SSL_set_max_early_data(p->s, max));
  SETUP(pair_handshake(p) == 1);
  say("first: status C=%s S=%s", status_name(SSL_get_early_data_status(p->c)),
      status_name(SSL_get_early_data_status(p->s)));
  SSL_read(p->c, buf, sizeof(buf)); /* takes the tickets */
  ERR_clear_error();
  sess = SSL_get1_session(p->c);
  SETUP(sess != NULL);
  SSL_shutdown(p->c);
  c2s(p);
  SSL_read(p->s, buf, sizeof(buf));
  SSL_shutdown(p->s);
  s2c(p);
  SSL_shutdown(p->c);
  ERR_clear_error();
  say("session: max_early_data=%u resumable=%d", (unsigned)SSL_SESSION_get_max_early_data(sess),
      SSL_SESSION_is_resumable(sess));
  return sess;
}

/* The rest of a 0-RTT connection: the client's handshake, the server's
 * reading until FINISH, then application data both ways. `resend`: what
 * the client writes again after the handshake when its early data was
 * refused. */
static void complete(Pair* p, const char* resend) {
  int i, r;
  s2c(p);
  STEP("C connect", p->c, NULL, SSL_connect(p->c));
  say("C: status=%s in_init=%d", status_name(SSL_get_early_data_status(p->c)), SSL_in_init(p->c));
  c2s(p);
  for (i = 0; i < 4; ++i) {
    r = read_early(p->s, "S read early");
    if (r != SSL_READ_EARLY_DATA_SUCCESS) break;
  }
  states(p->s, "S");
  STEP("S accept", p->s, NULL, SSL_accept(p->s));
  say("S: status=%s reused=%d finished=%d", status_name(SSL_get_early_data_status(p->s)),
      SSL_session_reused(p->s), SSL_is_init_finished(p->s));
  s2c(p);
  if (SSL_get_early_data_status(p->c) != SSL_EARLY_DATA_ACCEPTED) {
    STEP("C resend", p->c, NULL, SSL_write(p->c, resend, (int)strlen(resend)));
  }
  STEP("C write", p->c, NULL, SSL_write(p->c, "after the handshake", 19));
  c2s(p);
  read_text(p->s, "S read");
  if (SSL_pending(p->s) > 0 || pending_out(p->c_net) > 0) read_text(p->s, "S read more");
  STEP("S write", p->s, NULL, SSL_write(p->s, "to the client", 13));
  s2c(p);
  read_text(p->c, "C read");
  say("C: status=%s reused=%d finished=%d", status_name(SSL_get_early_data_status(p->c)),
      SSL_session_reused(p->c), SSL_is_init_finished(p->c));
}

/* Early data taken: SSL_write_early_data before the handshake, read by
 * SSL_read_early_data in two records, then SSL_read sees only what
 * follows the handshake. */
void sc_early_data_accepted(void) {
  Pair p;
  SSL_SESSION* sess = session_from(&p, 16384);
  fresh_connection(&p);
  say("set_session=%d", SSL_set_session(p.c, sess));
  if (write_early(p.c, "C write early", "early one") == 1) {
    write_early(p.c, "C write early again", "early two");
  }
  states(p.c, "C");
  c2s(&p);
  read_early(p.s, "S read early");
  states(p.s, "S");
  read_early(p.s, "S read early");
  read_early(p.s, "S read early");
  states(p.s, "S");
  complete(&p, "early one early two");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* Early data coming in pieces: SSL_read_early_data wants more, SSL_read and
 * SSL_write are refused while its handshake has not started or while it
 * reads; a client writes early data again before the server answers. */
void sc_early_data_nonblocking(void) {
  Pair p;
  SSL_SESSION* sess = session_from(&p, 16384);
  int r;
  fresh_connection(&p);
  say("set_session=%d", SSL_set_session(p.c, sess));
  read_early(p.s, "S read early before the ClientHello");
  states(p.s, "S");
  r = SSL_read(p.s, buf, sizeof(buf));
  report("S read", p.s, r, -1);
  r = SSL_write(p.s, "x", 1);
  report("S write", p.s, r, -1);
  write_early(p.c, "C write early", "one");
  c2s(&p);
  read_early(p.s, "S read early");
  read_early(p.s, "S read early");
  states(p.s, "S");
  r = SSL_write(p.s, "x", 1);
  report("S write while reading early data", p.s, r, -1);
  write_early(p.c, "C write early", "two");
  states(p.c, "C");
  c2s(&p);
  read_early(p.s, "S read early");
  complete(&p, "one two");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* Early data refused: a server SSL whose max_early_data is 0 (the ticket
 * allows it); the server skips it, the client writes it again. */
void sc_early_data_refused(void) {
  Pair p;
  SSL_SESSION* sess = session_from(&p, 1024);
  fresh_connection(&p);
  say("S set_max_early_data(0)=%d", SSL_set_max_early_data(p.s, 0));
  say("S get_max_early_data=%u", (unsigned)SSL_get_max_early_data(p.s));
  say("set_session=%d", SSL_set_session(p.c, sess));
  write_early(p.c, "C write early", "early data");
  c2s(&p);
  read_early(p.s, "S read early");
  complete(&p, "early data");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* A server that calls SSL_accept (not SSL_read_early_data) takes no early
 * data. */
void sc_early_data_not_read(void) {
  Pair p;
  SSL_SESSION* sess = session_from(&p, 1024);
  fresh_connection(&p);
  say("set_session=%d", SSL_set_session(p.c, sess));
  write_early(p.c, "C write early", "early data");
  c2s(&p);
  STEP("S accept", p.s, NULL, SSL_accept(p.s));
  s2c(&p);
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  c2s(&p);
  STEP("S accept", p.s, NULL, SSL_accept(p.s));
  say("status C=%s S=%s reused C=%d S=%d", status_name(SSL_get_early_data_status(p.c)),
      status_name(SSL_get_early_data_status(p.s)), SSL_session_reused(p.c),
      SSL_session_reused(p.s));
  s2c(&p);
  STEP("C write", p.c, NULL, SSL_write(p.c, "written again", 13));
  c2s(&p);
  read_text(p.s, "S read");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* The client's session says less than it writes (SSL_SESSION_set_max_early_data):
 * refused before anything is sent. */
void sc_early_data_too_much(void) {
  Pair p;
  SSL_SESSION* sess = session_from(&p, 1024);
  fresh_connection(&p);
  if (SSL_SESSION_get_max_early_data(sess) > 0) {
    say("session set_max_early_data(4)=%d", SSL_SESSION_set_max_early_data(sess, 4));
    say("session get_max_early_data=%u", (unsigned)SSL_SESSION_get_max_early_data(sess));
  }
  say("set_session=%d", SSL_set_session(p.c, sess));
  write_early(p.c, "C write early", "12345");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* A ticket from a server that allows no early data: SSL_write_early_data
 * is refused, and the handshake goes on as usual. */
void sc_early_data_no_allowance(void) {
  Pair p;
  SSL_SESSION* sess = session_from(&p, 0);
  fresh_connection(&p);
  say("set_session=%d", SSL_set_session(p.c, sess));
  write_early(p.c, "C write early", "early data");
  SETUP(pair_handshake(&p) == 1);
  say("status C=%s S=%s reused C=%d S=%d", status_name(SSL_get_early_data_status(p.c)),
      status_name(SSL_get_early_data_status(p.s)), SSL_session_reused(p.c),
      SSL_session_reused(p.s));
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* The limits' defaults and setters, on contexts, SSLs and sessions, and the
 * calls OpenSSL refuses. */
void sc_early_data_api(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* fresh = SSL_SESSION_new();
  size_t n = 0;
  int r;
  pair_new(&p, &o);
  say("ctx max=%u recv=%u ssl max=%u recv=%u", (unsigned)SSL_CTX_get_max_early_data(p.sctx),
      (unsigned)SSL_CTX_get_recv_max_early_data(p.sctx), (unsigned)SSL_get_max_early_data(p.s),
      (unsigned)SSL_get_recv_max_early_data(p.s));
  say("ctx set max=%d recv=%d", SSL_CTX_set_max_early_data(p.sctx, 100),
      SSL_CTX_set_recv_max_early_data(p.sctx, 200));
  say("ctx max=%u recv=%u ssl max=%u recv=%u", (unsigned)SSL_CTX_get_max_early_data(p.sctx),
      (unsigned)SSL_CTX_get_recv_max_early_data(p.sctx), (unsigned)SSL_get_max_early_data(p.s),
      (unsigned)SSL_get_recv_max_early_data(p.s));
  say("ssl set max=%d recv=%d", SSL_set_max_early_data(p.s, 300),
      SSL_set_recv_max_early_data(p.s, 400));
  say("ssl max=%u recv=%u", (unsigned)SSL_get_max_early_data(p.s),
      (unsigned)SSL_get_recv_max_early_data(p.s));
  say("new session max=%u", (unsigned)SSL_SESSION_get_max_early_data(fresh));
  say("new session set=%d", SSL_SESSION_set_max_early_data(fresh, 77));
  say("new session max=%u", (unsigned)SSL_SESSION_get_max_early_data(fresh));
  say("status before: C=%s S=%s", status_name(SSL_get_early_data_status(p.c)),
      status_name(SSL_get_early_data_status(p.s)));
  /* A server cannot write early data; a client without a session cannot. */
  r = SSL_write_early_data(p.s, "x", 1, &n);
  report("S write early", p.s, r, -1);
  r = SSL_write_early_data(p.c, "x", 1, &n);
  report("C write early without a session", p.c, r, -1);
  /* A client cannot read early data. */
  r = SSL_read_early_data(p.c, buf, sizeof(buf), &n);
  say("C read early=%s", read_result_name(r));
  print_queue();
  SETUP(pair_handshake(&p) == 1);
  say("status after: C=%s S=%s", status_name(SSL_get_early_data_status(p.c)),
      status_name(SSL_get_early_data_status(p.s)));
  /* After the handshake: refused on both sides. */
  r = SSL_write_early_data(p.c, "x", 1, &n);
  report("C write early after the handshake", p.c, r, -1);
  r = SSL_read_early_data(p.s, buf, sizeof(buf), &n);
  say("S read early after the handshake=%s", read_result_name(r));
  print_queue();
  /* The option is accepted (anti-replay stays on in adieu). */
  say("no_anti_replay=%d",
      (SSL_CTX_set_options(p.sctx, SSL_OP_NO_ANTI_REPLAY) & SSL_OP_NO_ANTI_REPLAY) != 0);
  SSL_SESSION_free(fresh);
  pair_free(&p);
}
