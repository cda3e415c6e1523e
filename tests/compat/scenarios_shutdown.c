/* Scenarios 1-33 of openssl-shutdown-behavior.md section 5, over BIO pairs
 * with a pump the test controls (each also runs in TLS 1.2 as <name>_tls12;
 * scenario 16, TLS 1.2 only, is in scenarios_tls12.c). */
#include <string.h>

#include "harness.h"
#include "scenarios.h"

static char buf[1024];

/* 1. Client-initiated bidirectional close (R10, R16, R21). */
void sc_client_close(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  say("delivered %zu", c2s(&p));
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S shutdown #1", p.s, p.s_net, SSL_shutdown(p.s));
  say("delivered %zu", s2c(&p));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 2. Second call before the reply, non-blocking (R11). */
void sc_second_call_waits(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 3. Repeated calls after completion: 1, no I/O (R11). */
void sc_repeat_after_completion(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  c2s(&p);
  STEP("S shutdown #1", p.s, p.s_net, SSL_shutdown(p.s));
  STEP("S shutdown #2", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #4", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("S shutdown #3", p.s, p.s_net, SSL_shutdown(p.s));
  pair_free(&p);
}

/* 4. Peer close_notify buffered but unread: the first call never reads (R10). */
void sc_peer_close_buffered(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("S shutdown #1", p.s, p.s_net, SSL_shutdown(p.s));
  say("delivered %zu", s2c(&p));
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 5. Responding side: read ZERO_RETURN first, then shutdown gives 1 (R10, R21). */
void sc_responding_side(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("S shutdown #1", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 6. Half-close: the receiver of close_notify keeps writing (R21, R25). */
void sc_half_close(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  c2s(&p);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S write", p.s, p.s_net, SSL_write(p.s, "hello", 5));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C read #1", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C read #2", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 7. Write after our own close_notify: PROTOCOL_IS_SHUTDOWN (R24). */
void sc_write_after_close(void) {
  Pair p;
  PairOptions o = pair_defaults();
  size_t w = 99;
  pair_connect(&p, &o);
  STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C write", p.c, p.c_net, SSL_write(p.c, "x", 1));
  STEP("C write_ex", p.c, p.c_net, SSL_write_ex(p.c, "x", 1, &w));
  say("written=%zu", w);
  pair_free(&p);
}

/* 8. Read and peek after RECEIVED: 0 ZERO_RETURN, repeatable, no I/O (R23). */
void sc_read_after_received(void) {
  Pair p;
  PairOptions o = pair_defaults();
  size_t n = 99;
  pair_connect(&p, &o);
  SSL_shutdown(p.c);
  c2s(&p);
  STEP("S read #1", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S read #2", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S peek", p.s, p.s_net, SSL_peek(p.s, buf, sizeof(buf)));
  STEP("S read_ex", p.s, p.s_net, SSL_read_ex(p.s, buf, sizeof(buf), &n));
  say("readbytes=%zu pending=%d", n, SSL_pending(p.s));
  pair_free(&p);
}

/* 9. Data then close_notify in one flight (R23). */
void sc_data_then_close(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("S write", p.s, p.s_net, SSL_write(p.s, "abc", 3));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C read #1", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  say("pending=%d has_pending=%d", SSL_pending(p.c), SSL_has_pending(p.c));
  STEP("C read #2", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  pair_free(&p);
}

/* 10. SSL_get_error after SSL_shutdown returned 0: SYSCALL (R31). */
void sc_get_error_after_zero(void) {
  Pair p;
  PairOptions o = pair_defaults();
  int r;
  pair_connect(&p, &o);
  r = SSL_shutdown(p.c);
  say("shutdown=%d get_error=%s", r, error_name(SSL_get_error(p.c, r)));
  pair_free(&p);
}

/* 11. Application data while SSL_shutdown waits (R17). */
void sc_app_data_while_waiting(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("S write", p.s, p.s_net, SSL_write(p.s, "data", 4));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C write", p.c, p.c_net, SSL_write(p.c, "x", 1));
  say("in_init=%d is_init_finished=%d", SSL_in_init(p.c), SSL_is_init_finished(p.c));
  pair_free(&p);
}

/* 12. The same, waiting with SSL_read (R21). */
void sc_app_data_read_wait(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("S write", p.s, p.s_net, SSL_write(p.s, "data", 4));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C read #1", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C read #2", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

static int new_session_calls;
static int new_session_cb(SSL* ssl, SSL_SESSION* sess) {
  (void)ssl;
  (void)sess;
  ++new_session_calls;
  return 0;
}

/* 13. NewSessionTickets unread at shutdown are processed by the second call (R19). */
void sc_tickets_during_shutdown(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_new(&p, &o);
  SSL_CTX_set_session_cache_mode(p.cctx, SSL_SESS_CACHE_CLIENT);
  SSL_CTX_sess_set_new_cb(p.cctx, new_session_cb);
  new_session_calls = 0;
  SETUP(pair_handshake(&p));
  say("resumable=%d new_cb=%d", SSL_SESSION_is_resumable(SSL_get_session(p.c)), new_session_calls);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  say("resumable=%d new_cb=%d", SSL_SESSION_is_resumable(SSL_get_session(p.c)), new_session_calls);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  say("resumable=%d new_cb=%d sess_number=%ld", SSL_SESSION_is_resumable(SSL_get_session(p.c)),
      new_session_calls, SSL_CTX_sess_number(p.cctx));
  c2s(&p);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 14. KeyUpdate(update_requested) after our close_notify: processed, not answered (R19). */
void sc_key_update_after_close(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  say("S key_update=%d", SSL_key_update(p.s, SSL_KEY_UPDATE_REQUESTED));
  STEP("S do_handshake", p.s, p.s_net, SSL_do_handshake(p.s));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 15. KeyUpdate then application data after our close_notify: fatal 291 (R17, R19). */
void sc_key_update_and_data_after_close(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  say("S key_update=%d", SSL_key_update(p.s, SSL_KEY_UPDATE_REQUESTED));
  STEP("S write", p.s, p.s_net, SSL_write(p.s, "data", 4));
  s2c(&p);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 17 (BIO pair variant). AUTO_RETRY cleared: each pending ticket makes the
 * waiting call return -1/WANT_READ (R19). */
void sc_no_auto_retry_tickets(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  SSL_clear_mode(p.c, SSL_MODE_AUTO_RETRY);
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #4", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* The same for SSL_read: tickets make it return -1/WANT_READ without AUTO_RETRY. */
void sc_no_auto_retry_read(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  SSL_clear_mode(p.c, SSL_MODE_AUTO_RETRY);
  say("mode auto_retry=%ld", SSL_get_mode(p.c) & SSL_MODE_AUTO_RETRY);
  STEP("S write", p.s, p.s_net, SSL_write(p.s, "hi", 2));
  s2c(&p);
  STEP("C read #1", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C read #2", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C read #3", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C read #4", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  pair_free(&p);
}

/* 18. A fatal alert instead of close_notify while waiting: 1, then 407 (R20). */
void sc_fatal_alert_while_waiting(void) {
  Pair p;
  PairOptions o = pair_defaults();
  char rec[64];
  int n;
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  /* Corrupt the close_notify record on its way: the server answers bad_record_mac. */
  n = BIO_read(p.c_net, rec, sizeof(rec));
  say("intercepted %d", n);
  if (n > 8) rec[n - 3] ^= 0x55;
  BIO_write(p.s_net, rec, n);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  say("S in_init=%d", SSL_in_init(p.s));
  s2c(&p);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  STEP("S write", p.s, p.s_net, SSL_write(p.s, "x", 1));
  pair_free(&p);
}

/* 20. close_notify write would block: -1 WANT_WRITE until drained, then 0 (R12). */
void sc_close_notify_write_blocks(void) {
  Pair p;
  PairOptions o = pair_defaults();
  BIO* cbio;
  static char junk[4096];
  size_t room, fill;
  o.pair_size = 4096;
  pair_connect(&p, &o);
  cbio = SSL_get_wbio(p.c);
  room = BIO_ctrl_get_write_guarantee(cbio);
  fill = room - 10;
  memset(junk, 'j', sizeof(junk));
  say("filled %d", BIO_write(cbio, junk, (int)fill));
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  say("drained junk %d", BIO_read(p.c_net, junk, (int)fill));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #4", p.c, p.c_net, SSL_shutdown(p.c));
  say("delivered %zu", c2s(&p));
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  pair_free(&p);
}

/* 21. close_notify write hard failure: the BIO's error, retried each call (R13). */
void sc_close_notify_write_fails(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  SSL_set0_wbio(p.c, BIO_new_mem_buf("", 0)); /* read-only */
  STEP("C shutdown #1", p.c, NULL, SSL_shutdown(p.c));
  STEP("C shutdown #2", p.c, NULL, SSL_shutdown(p.c));
  STEP("C write", p.c, NULL, SSL_write(p.c, "x", 1));
  pair_free(&p);
}

/* 23. No connect/accept state: "uninitialized" (R6). */
void sc_no_role(void) {
  PairOptions o = pair_defaults();
  SSL_CTX* ctx = client_ctx(&o);
  SSL* s;
  BIO *a, *b;
  SETUP((s = SSL_new(ctx)) != NULL);
  SETUP(BIO_new_bio_pair(&a, 0, &b, 0) == 1);
  SSL_set_bio(s, a, a);
  say("in_init=%d in_before=%d is_init_finished=%d want=%d", SSL_in_init(s), SSL_in_before(s),
      SSL_is_init_finished(s), SSL_want(s));
  STEP("shutdown", s, b, SSL_shutdown(s));
  STEP("read", s, b, SSL_read(s, buf, sizeof(buf)));
  STEP("peek", s, b, SSL_peek(s, buf, sizeof(buf)));
  STEP("write", s, b, SSL_write(s, "x", 1));
  STEP("do_handshake", s, b, SSL_do_handshake(s));
  SSL_set_quiet_shutdown(s, 1);
  STEP("quiet shutdown", s, b, SSL_shutdown(s));
  SSL_free(s);
  BIO_free(b);
  SSL_CTX_free(ctx);
}

/* 24. In init: after set_connect_state, mid-handshake, server before the
 * client's Finished; quiet shutdown does not bypass it (R7). */
void sc_in_init(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_new(&p, &o);
  say("C in_init=%d in_before=%d", SSL_in_init(p.c), SSL_in_before(p.c));
  STEP("C shutdown (connect state)", p.c, p.c_net, SSL_shutdown(p.c));
  SSL_set_quiet_shutdown(p.c, 1);
  STEP("C quiet shutdown (connect state)", p.c, p.c_net, SSL_shutdown(p.c));
  SSL_set_quiet_shutdown(p.c, 0);
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  say("C in_init=%d in_before=%d", SSL_in_init(p.c), SSL_in_before(p.c));
  STEP("C shutdown (mid-handshake)", p.c, NULL, SSL_shutdown(p.c));
  c2s(&p);
  STEP("S accept", p.s, NULL, SSL_accept(p.s));
  STEP("S shutdown (before client Finished)", p.s, p.s_net, SSL_shutdown(p.s));
  SSL_set_quiet_shutdown(p.s, 1);
  STEP("S quiet shutdown (before client Finished)", p.s, p.s_net, SSL_shutdown(p.s));
  SSL_set_quiet_shutdown(p.s, 0);
  s2c(&p);
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  c2s(&p);
  STEP("S accept", p.s, NULL, SSL_accept(p.s));
  say("C in_init=%d S in_init=%d", SSL_in_init(p.c), SSL_in_init(p.s));
  STEP("C shutdown (done)", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 25. SSL_key_update then SSL_shutdown: in init until written (R7, K1). */
void sc_key_update_then_shutdown(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  {
    int updated = SSL_key_update(p.c, SSL_KEY_UPDATE_NOT_REQUESTED);
    say("key_update=%d type=%d", updated, SSL_get_key_update_type(p.c));
  }
  say("in_init=%d", SSL_in_init(p.c));
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C do_handshake", p.c, p.c_net, SSL_do_handshake(p.c));
  say("in_init=%d type=%d", SSL_in_init(p.c), SSL_get_key_update_type(p.c));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  c2s(&p);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  pair_free(&p);
}

/* Key update before the handshake and bad arguments. */
void sc_key_update_misuse(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_new(&p, &o);
  say("before handshake key_update=%d", SSL_key_update(p.c, SSL_KEY_UPDATE_REQUESTED));
  print_queue();
  SETUP(pair_handshake(&p));
  say("bad type key_update=%d", SSL_key_update(p.c, 7));
  print_queue();
  say("requested key_update=%d", SSL_key_update(p.c, SSL_KEY_UPDATE_REQUESTED));
  STEP("C write (sends KeyUpdate first)", p.c, NULL, SSL_write(p.c, "ab", 2));
  c2s(&p);
  STEP("S read", p.s, NULL, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S write", p.s, NULL, SSL_write(p.s, "cd", 2));
  s2c(&p);
  STEP("C read", p.c, NULL, SSL_read(p.c, buf, sizeof(buf)));
  pair_free(&p);
}

/* 26. A fatal alert during the handshake (unknown CA) (R4, R5, R7, R33). */
void sc_handshake_alert(void) {
  Pair p;
  PairOptions o = pair_defaults();
  int i;
  o.untrusted_server = 1;
  pair_new(&p, &o);
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  c2s(&p);
  STEP("S accept", p.s, NULL, SSL_accept(p.s));
  s2c(&p);
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  say("C verify_result=%ld", SSL_get_verify_result(p.c));
  c2s(&p);
  for (i = 0; i < 2; ++i) STEP("S accept", p.s, NULL, SSL_accept(p.s));
  STEP("S read", p.s, NULL, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S write", p.s, NULL, SSL_write(p.s, "x", 1));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  STEP("C read", p.c, NULL, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
  say("C in_init=%d S in_init=%d", SSL_in_init(p.c), SSL_in_init(p.s));
  pair_free(&p);
}

/* 27. Unexpected EOF, default options: 294, decode_error sent, fatal (R26). */
void sc_eof_default(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  pair_connect(&p, &o);
  STEP("C read (tickets)", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  sess = SSL_get1_session(p.c);
  say("resumable=%d", SSL_SESSION_is_resumable(sess));
  BIO_shutdown_wr(p.c_net);
  STEP("C read #1", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  say("resumable=%d", SSL_SESSION_is_resumable(sess));
  STEP("C read #2", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C write", p.c, p.c_net, SSL_write(p.c, "x", 1));
  STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* 28. Unexpected EOF with SSL_OP_IGNORE_UNEXPECTED_EOF: like close_notify (R27). */
void sc_eof_ignored(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.client_options = SSL_OP_IGNORE_UNEXPECTED_EOF;
  pair_connect(&p, &o);
  BIO_shutdown_wr(p.c_net);
  STEP("C read #1", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C read #2", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C write", p.c, p.c_net, SSL_write(p.c, "hello", 5));
  STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 29. EOF while SSL_shutdown waits, default: 294, no alert (R22, R45). */
void sc_eof_while_waiting(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  BIO_shutdown_wr(p.c_net);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 30. EOF while SSL_shutdown waits, with the ignore option (R27 (a)): the
 * documented correction (adieu keeps SENT: 1, no second close_notify). */
void sc_eof_while_waiting_ignored(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.client_options = SSL_OP_IGNORE_UNEXPECTED_EOF;
  pair_connect(&p, &o);
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  BIO_shutdown_wr(p.c_net);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #4", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* 32. Quiet shutdown (R14). */
void sc_quiet_shutdown(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.quiet_ctx = 1;
  pair_connect(&p, &o);
  say("ctx quiet=%d ssl quiet=%d", SSL_CTX_get_quiet_shutdown(p.cctx), SSL_get_quiet_shutdown(p.c));
  STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C write", p.c, p.c_net, SSL_write(p.c, "x", 1));
  STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  say("clear=%d", SSL_clear(p.c));
  say("after clear: quiet=%d shutdown=%d", SSL_get_quiet_shutdown(p.c), SSL_get_shutdown(p.c));
  SSL_set_quiet_shutdown(p.c, 0);
  say("ssl quiet=%d ctx quiet=%d", SSL_get_quiet_shutdown(p.c), SSL_CTX_get_quiet_shutdown(p.cctx));
  SSL_CTX_set_quiet_shutdown(p.cctx, 0);
  SSL_set_quiet_shutdown(p.s, 1);
  say("ssl quiet=%d ctx quiet=%d", SSL_get_quiet_shutdown(p.s), SSL_CTX_get_quiet_shutdown(p.cctx));
  /* The peer sees an unexpected EOF. */
  STEP("S shutdown (quiet)", p.s, p.s_net, SSL_shutdown(p.s));
  pair_free(&p);
}

/* 33. SSL_set_shutdown is an assignment (R2, R15, R24, R30). */
void sc_set_shutdown(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  SSL_set_shutdown(p.c, 0x7f);
  say("get_shutdown=%d", SSL_get_shutdown(p.c));
  SSL_set_shutdown(p.c, SSL_SENT_SHUTDOWN);
  say("get_shutdown=%d", SSL_get_shutdown(p.c));
  STEP("C write (SENT)", p.c, p.c_net, SSL_write(p.c, "x", 1));
  STEP("C shutdown (SENT)", p.c, p.c_net, SSL_shutdown(p.c));
  SSL_set_shutdown(p.c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  STEP("C shutdown (SENT|RECEIVED)", p.c, p.c_net, SSL_shutdown(p.c));
  SSL_set_shutdown(p.c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN | 4);
  STEP("C shutdown (7: never 1)", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
  pair_connect(&p, &o);
  SSL_set_shutdown(p.c, SSL_RECEIVED_SHUTDOWN);
  STEP("C read (RECEIVED)", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C write (RECEIVED)", p.c, p.c_net, SSL_write(p.c, "x", 1));
  STEP("C shutdown (RECEIVED)", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
  pair_connect(&p, &o);
  SSL_shutdown(p.s);
  s2c(&p);
  STEP("C read (close_notify)", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  SSL_set_shutdown(p.c, SSL_SENT_SHUTDOWN); /* clears RECEIVED (the mod_ssl bug) */
  say("get_shutdown=%d", SSL_get_shutdown(p.c));
  STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
  SSL_set_connect_state(p.c);
  say("after set_connect_state: shutdown=%d in_init=%d", SSL_get_shutdown(p.c), SSL_in_init(p.c));
  pair_free(&p);
}
