/* Scenarios 34-37: sessions on SSL_free, SSL_clear and SSL_set_session
 * (R38-R42), over BIO pairs. */
#include <openssl/pem.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

static char buf[1024];
static int remove_calls;
static void remove_cb(SSL_CTX* ctx, SSL_SESSION* sess) {
  (void)ctx;
  (void)sess;
  ++remove_calls;
}

/* 34. Server cache (TLS 1.3, SSL_OP_NO_TICKET: stateful tickets) (R38, R41). */
enum server_end {
  FREE_OPEN,
  FREE_AFTER_SHUTDOWN,
  FREE_SET_SENT,
  FREE_SET_RECEIVED,
  CLEAR_OPEN,
  CLEAR_AFTER_SHUTDOWN,
  FATAL_ERROR
};
static const char* server_end_name[] = {"free without shutdown",
                                        "shutdown(0) then free",
                                        "set_shutdown(SENT) then free",
                                        "set_shutdown(RECEIVED) then free",
                                        "clear without shutdown",
                                        "shutdown then clear",
                                        "fatal error"};

void sc_server_cache(void) {
  int mode;
  for (mode = FREE_OPEN; mode <= FATAL_ERROR; ++mode) {
    Pair p;
    PairOptions o = pair_defaults();
    o.server_options = SSL_OP_NO_TICKET;
    pair_new(&p, &o);
    remove_calls = 0;
    SSL_CTX_sess_set_remove_cb(p.sctx, remove_cb);
    SETUP(pair_handshake(&p));
    say("[%s] cache=%ld accept=%ld accept_good=%ld", server_end_name[mode],
        SSL_CTX_sess_number(p.sctx), SSL_CTX_sess_accept(p.sctx), SSL_CTX_sess_accept_good(p.sctx));
    switch (mode) {
      case FREE_OPEN:
        SSL_free(p.s);
        p.s = NULL;
        break;
      case FREE_AFTER_SHUTDOWN:
        say("shutdown=%d", SSL_shutdown(p.s));
        SSL_free(p.s);
        p.s = NULL;
        break;
      case FREE_SET_SENT:
        SSL_set_shutdown(p.s, SSL_SENT_SHUTDOWN);
        SSL_free(p.s);
        p.s = NULL;
        break;
      case FREE_SET_RECEIVED:
        SSL_set_shutdown(p.s, SSL_RECEIVED_SHUTDOWN);
        SSL_free(p.s);
        p.s = NULL;
        break;
      case CLEAR_OPEN: {
        int cleared = SSL_clear(p.s);
        say("clear=%d session kept=%d", cleared, SSL_get_session(p.s) != NULL);
      } break;
      case CLEAR_AFTER_SHUTDOWN:
        SSL_shutdown(p.s);
        {
          int cleared = SSL_clear(p.s);
          say("clear=%d session kept=%d", cleared, SSL_get_session(p.s) != NULL);
        }
        break;
      case FATAL_ERROR: {
        /* A corrupted record from the client: the server sends bad_record_mac. */
        char rec[64];
        int n;
        SSL_write(p.c, "x", 1);
        n = BIO_read(p.c_net, rec, sizeof(rec));
        if (n > 8) rec[n - 3] ^= 0x55;
        BIO_write(p.s_net, rec, n);
        STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
        say("cache at error=%ld", SSL_CTX_sess_number(p.sctx));
        SSL_free(p.s);
        p.s = NULL;
        break;
      }
    }
    say("cache=%ld remove_cb=%d", SSL_CTX_sess_number(p.sctx), remove_calls);
    pair_free(&p);
  }
}

/* 35. A client holding its session (SSL_get1_session) (R40). */
enum client_end { C_FREE_OPEN, C_EOF, C_EOF_IGNORED, C_EOF_IGNORED_SHUTDOWN, C_ALERT, C_SHUTDOWN };
static const char* client_end_name[] = {"free without shutdown", "EOF",
                                        "ignored EOF",           "ignored EOF then shutdown",
                                        "fatal alert received",  "shutdown then free"};

void sc_client_session(void) {
  int mode;
  for (mode = C_FREE_OPEN; mode <= C_SHUTDOWN; ++mode) {
    Pair p;
    PairOptions o = pair_defaults();
    SSL_SESSION* sess;
    if (mode == C_EOF_IGNORED || mode == C_EOF_IGNORED_SHUTDOWN)
      o.client_options = SSL_OP_IGNORE_UNEXPECTED_EOF;
    pair_new(&p, &o);
    remove_calls = 0;
    SSL_CTX_sess_set_remove_cb(p.cctx, remove_cb);
    SETUP(pair_handshake(&p));
    SSL_read(p.c, buf, sizeof(buf)); /* takes the tickets */
    ERR_clear_error();
    sess = SSL_get1_session(p.c);
    say("[%s] resumable=%d has_ticket=%d", client_end_name[mode], SSL_SESSION_is_resumable(sess),
        SSL_SESSION_has_ticket(sess));
    switch (mode) {
      case C_FREE_OPEN:
        break;
      case C_EOF:
      case C_EOF_IGNORED:
        BIO_shutdown_wr(p.c_net);
        STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
        break;
      case C_EOF_IGNORED_SHUTDOWN:
        BIO_shutdown_wr(p.c_net);
        STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
        STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
        break;
      case C_ALERT: {
        char rec[64];
        int n;
        SSL_write(p.c, "x", 1);
        n = BIO_read(p.c_net, rec, sizeof(rec));
        if (n > 8) rec[n - 3] ^= 0x55;
        BIO_write(p.s_net, rec, n);
        SSL_read(p.s, buf, sizeof(buf));
        ERR_clear_error();
        s2c(&p);
        STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
        break;
      }
      case C_SHUTDOWN:
        STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
        break;
    }
    say("before free: resumable=%d remove_cb=%d", SSL_SESSION_is_resumable(sess), remove_calls);
    SSL_free(p.c);
    p.c = NULL;
    say("after free: resumable=%d remove_cb=%d", SSL_SESSION_is_resumable(sess), remove_calls);
    SSL_SESSION_free(sess);
    pair_free(&p);
  }
}

/* 36. SSL_set_session on a live connection removes the current session (R39). */
void sc_set_session_live(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  pair_new(&p, &o);
  remove_calls = 0;
  SSL_CTX_sess_set_remove_cb(p.cctx, remove_cb);
  SETUP(pair_handshake(&p));
  SSL_read(p.c, buf, sizeof(buf));
  ERR_clear_error();
  sess = SSL_get1_session(p.c);
  say("resumable=%d remove_cb=%d", SSL_SESSION_is_resumable(sess), remove_calls);
  say("set_session(NULL)=%d", SSL_set_session(p.c, NULL));
  say("resumable=%d remove_cb=%d session=%d", SSL_SESSION_is_resumable(sess), remove_calls,
      SSL_get_session(p.c) != NULL);
  SSL_SESSION_free(sess);
  pair_free(&p);
  /* After SSL_shutdown the session is good: SSL_set_session keeps it. */
  pair_new(&p, &o);
  remove_calls = 0;
  SSL_CTX_sess_set_remove_cb(p.cctx, remove_cb);
  SETUP(pair_handshake(&p));
  SSL_read(p.c, buf, sizeof(buf));
  ERR_clear_error();
  sess = SSL_get1_session(p.c);
  SSL_shutdown(p.c);
  say("set_session(same)=%d", SSL_set_session(p.c, sess));
  say("resumable=%d remove_cb=%d", SSL_SESSION_is_resumable(sess), remove_calls);
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* 37. SSL_clear after a clean bidirectional shutdown, then a new handshake
 * on fresh transports (R42): the kept session is resumed. */
void sc_clear_and_reuse(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* before;
  BIO *c_ssl, *s_ssl;
  pair_connect(&p, &o);
  SSL_read(p.c, buf, sizeof(buf));
  ERR_clear_error();
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  c2s(&p);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  before = SSL_get_session(p.c);
  say("C clear=%d S clear=%d", SSL_clear(p.c), SSL_clear(p.s));
  say("session kept=%d is_server C=%d S=%d shutdown=%d in_init=%d in_before=%d",
      SSL_get_session(p.c) == before && before != NULL, SSL_is_server(p.c), SSL_is_server(p.s),
      SSL_get_shutdown(p.c), SSL_in_init(p.c), SSL_in_before(p.c));
  BIO_free(p.c_net);
  BIO_free(p.s_net);
  SETUP(BIO_new_bio_pair(&c_ssl, 0, &p.c_net, 0) == 1);
  SETUP(BIO_new_bio_pair(&s_ssl, 0, &p.s_net, 0) == 1);
  SSL_set_bio(p.c, c_ssl, c_ssl);
  SSL_set_bio(p.s, s_ssl, s_ssl);
  {
    int hs = pair_handshake(&p);
    say("second handshake=%d", hs);
    SETUP(hs == 1);
  }
  say("session_reused C=%d S=%d", SSL_session_reused(p.c), SSL_session_reused(p.s));
  STEP("C write", p.c, NULL, SSL_write(p.c, "again", 5));
  c2s(&p);
  STEP("S read", p.s, NULL, SSL_read(p.s, buf, sizeof(buf)));
  pair_free(&p);
}

/* Session objects: fields, timeouts, cache statistics, flush. */
void sc_session_api(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  unsigned int idlen = 0;
  pair_new(&p, &o);
  SSL_CTX_set_session_cache_mode(p.cctx, SSL_SESS_CACHE_CLIENT);
  say("cache mode c=%ld s=%ld", SSL_CTX_get_session_cache_mode(p.cctx),
      SSL_CTX_get_session_cache_mode(p.sctx));
  say("timeout old=%ld", SSL_CTX_set_timeout(p.cctx, 300));
  say("timeout=%ld", SSL_CTX_get_timeout(p.cctx));
  say("sid_ctx=%d", SSL_CTX_set_session_id_context(p.sctx, (const unsigned char*)"ctx", 3));
  say("sid_ctx too long=%d",
      SSL_CTX_set_session_id_context(
          p.sctx, (const unsigned char*)"0123456789012345678901234567890123", 34));
  print_queue();
  SETUP(pair_handshake(&p));
  say("connect=%ld connect_good=%ld accept=%ld accept_good=%ld", SSL_CTX_sess_connect(p.cctx),
      SSL_CTX_sess_connect_good(p.cctx), SSL_CTX_sess_accept(p.sctx),
      SSL_CTX_sess_accept_good(p.sctx));
  SSL_SESSION_get_id(SSL_get_session(p.s), &idlen);
  say("server: id_len=%u resumable=%d cache=%ld", idlen,
      SSL_SESSION_is_resumable(SSL_get_session(p.s)), SSL_CTX_sess_number(p.sctx));
  sess = SSL_get_session(p.c);
  SSL_SESSION_get_id(sess, &idlen);
  say("before tickets: id_len=%u resumable=%d cache=%ld", idlen, SSL_SESSION_is_resumable(sess),
      SSL_CTX_sess_number(p.cctx));
  SSL_read(p.c, buf, sizeof(buf));
  ERR_clear_error();
  sess = SSL_get_session(p.c);
  SSL_SESSION_get_id(sess, &idlen);
  say("after tickets: id_len=%u resumable=%d cache=%ld version=%x cipher=%s", idlen,
      SSL_SESSION_is_resumable(sess), SSL_CTX_sess_number(p.cctx),
      SSL_SESSION_get_protocol_version(sess), SSL_CIPHER_get_name(SSL_SESSION_get0_cipher(sess)));
  say("timeout=%ld hostname=%s has_ticket=%d lifetime_hint=%lu", SSL_SESSION_get_timeout(sess),
      SSL_SESSION_get0_hostname(sess) ? SSL_SESSION_get0_hostname(sess) : "(null)",
      SSL_SESSION_has_ticket(sess), SSL_SESSION_get_ticket_lifetime_hint(sess));
  say("peer=%d", SSL_SESSION_get0_peer(sess) != NULL);
  SSL_CTX_flush_sessions(p.cctx, SSL_SESSION_get_time(sess) + 100000);
  say("after flush: cache=%ld resumable=%d", SSL_CTX_sess_number(p.cctx),
      SSL_SESSION_is_resumable(sess));
  pair_free(&p);
}

/* 38. Freeing an SSL BIO: BIO_CLOSE on an established connection sends
 * close_notify; BIO_NOCLOSE sends nothing; in init nothing and no error (R43). */
void sc_ssl_bio_free(void) {
  int mode;
  static const char* names[] = {"BIO_CLOSE, established", "BIO_NOCLOSE, established",
                                "BIO_CLOSE, in init", "BIO_NOCLOSE, in init"};
  for (mode = 0; mode < 4; ++mode) {
    Pair p;
    PairOptions o = pair_defaults();
    BIO *sb, *rbio;
    size_t before;
    int close_flag = (mode % 2 == 0) ? BIO_CLOSE : BIO_NOCLOSE;
    pair_new(&p, &o);
    if (mode < 2) SETUP(pair_handshake(&p));
    if (mode >= 2) {
      SSL_connect(p.c);
      ERR_clear_error();
    }
    SETUP((sb = BIO_new(BIO_f_ssl())) != NULL);
    say("[%s] set_ssl=%ld", names[mode], BIO_set_ssl(sb, p.c, close_flag));
    before = pending_out(p.c_net);
    /* Our own reference keeps the transport alive to count what was written. */
    rbio = SSL_get_rbio(p.c);
    BIO_up_ref(rbio);
    BIO_free_all(sb); /* also drops the reference BIO_set_ssl took on the rbio */
    if (close_flag == BIO_CLOSE) p.c = NULL;
    say("wrote=%zu shutdown=%d", pending_out(p.c_net) - before,
        p.c != NULL ? SSL_get_shutdown(p.c) : -1);
    BIO_free(rbio);
    print_queue();
    pair_free(&p);
  }
}

/* Data through an SSL BIO (BIO_new_ssl, BIO_do_handshake, BIO_ssl_shutdown). */
void sc_ssl_bio_io(void) {
  Pair p;
  PairOptions o = pair_defaults();
  BIO *sb, *c_ssl;
  SSL* ssl = NULL;
  int i, r = 0;
  pair_new(&p, &o);
  SETUP((sb = BIO_new_ssl(p.cctx, 1)) != NULL);
  SETUP(BIO_get_ssl(sb, &ssl) == 1 && ssl != NULL);
  /* The BIO's own SSL takes the place of p.c on the client's network half. */
  BIO_free(p.c_net);
  SETUP(BIO_new_bio_pair(&c_ssl, 0, &p.c_net, 0) == 1);
  SSL_set_bio(ssl, c_ssl, c_ssl);
  SETUP(SSL_set_tlsext_host_name(ssl, "localhost") == 1);
  for (i = 0; i < 10; ++i) {
    r = (int)BIO_do_handshake(sb);
    say("BIO_do_handshake=%d retry=%d should_read=%d", r, BIO_should_retry(sb),
        BIO_should_read(sb));
    if (r == 1) break;
    c2s(&p);
    SSL_do_handshake(p.s);
    s2c(&p);
  }
  SETUP(r == 1);
  say("write=%d", BIO_write(sb, "through a BIO", 13));
  c2s(&p);
  say("server read=%d", SSL_read(p.s, buf, sizeof(buf)));
  say("read=%d retry=%d", BIO_read(sb, buf, sizeof(buf)), BIO_should_retry(sb));
  BIO_ssl_shutdown(sb);
  say("shutdown=%d pending_out=%zu", SSL_get_shutdown(ssl), pending_out(p.c_net));
  BIO_free_all(sb);
  print_queue();
  pair_free(&p);
}

/* One full handshake and a clean close; returns the client's session. */
static SSL_SESSION* first_connection(Pair* p, int clean) {
  SSL_SESSION* sess;
  SSL_read(p->c, buf, sizeof(buf)); /* takes the tickets */
  ERR_clear_error();
  sess = SSL_get1_session(p->c);
  if (clean) {
    SSL_shutdown(p->c);
    c2s(p);
    SSL_read(p->s, buf, sizeof(buf));
    SSL_shutdown(p->s);
    s2c(p);
    SSL_shutdown(p->c);
  }
  ERR_clear_error();
  return sess;
}

/* A second connection (new SSLs on the same contexts) offering `sess`. */
static void second_connection(Pair* p, SSL_SESSION* sess, const char* label) {
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
  {
    int set = SSL_set_session(p->c, sess);
    say("[%s] set_session=%d resumable=%d", label, set, SSL_SESSION_is_resumable(sess));
  }
  {
    int hs = pair_handshake(p);
    say("handshake=%d reused C=%d S=%d peer=%d hits C=%ld S=%ld", hs, SSL_session_reused(p->c),
        SSL_session_reused(p->s), SSL_get0_peer_certificate(p->c) != NULL,
        SSL_CTX_sess_hits(p->cctx), SSL_CTX_sess_hits(p->sctx));
    print_queue();
    SETUP(hs == 1); /* resumed or not, the connection must work */
  }
  {
    SSL_SESSION* ss = SSL_get_session(p->s);
    unsigned int idlen = 0;
    SSL_SESSION_get_id(ss, &idlen);
    say("S session: version=%x cipher=%s id_len=%u master_key_len=%zu",
        (unsigned)SSL_SESSION_get_protocol_version(ss),
        SSL_CIPHER_get_name(SSL_SESSION_get0_cipher(ss)), idlen,
        SSL_SESSION_get_master_key(ss, NULL, 0));
  }
  STEP("C write", p->c, NULL, SSL_write(p->c, "resumed?", 8));
  c2s(p);
  STEP("S read", p->s, NULL, SSL_read(p->s, buf, sizeof(buf)));
}

/* Resumption the usual way: SSL_get1_session, a new SSL, SSL_set_session. */
void sc_resume(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  pair_connect(&p, &o);
  sess = first_connection(&p, 1);
  second_connection(&p, sess, "after a clean close");
  SSL_SESSION_free(sess);
  sess = first_connection(&p, 1);
  say("new session resumable=%d", SSL_SESSION_is_resumable(sess));
  second_connection(&p, sess, "the session of the resumed connection");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* A session of a connection freed without shutdown is not offered (R40). */
void sc_resume_after_unclean(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  pair_connect(&p, &o);
  sess = first_connection(&p, 0);
  second_connection(&p, sess, "client freed without shutdown");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* Stateful tickets (SSL_OP_NO_TICKET): a server session removed from the
 * cache by the shutdown rule cannot be resumed (R38, R41). */
void sc_resume_stateful(void) {
  int unclean;
  for (unclean = 0; unclean < 2; ++unclean) {
    Pair p;
    PairOptions o = pair_defaults();
    SSL_SESSION* sess;
    o.server_options = SSL_OP_NO_TICKET;
    pair_connect(&p, &o);
    sess = first_connection(&p, 0);
    SSL_shutdown(p.c); /* the client's side is clean */
    if (!unclean) SSL_shutdown(p.s);
    ERR_clear_error();
    say("server cache before=%ld", SSL_CTX_sess_number(p.sctx));
    second_connection(&p, sess, unclean ? "server freed without shutdown" : "both shut down");
    say("server cache after=%ld", SSL_CTX_sess_number(p.sctx));
    SSL_SESSION_free(sess);
    pair_free(&p);
  }
}

/* The same session offered twice (stateless tickets). */
void sc_resume_twice(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  pair_connect(&p, &o);
  sess = first_connection(&p, 1);
  second_connection(&p, sess, "first use");
  second_connection(&p, sess, "second use");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* BIO_push(ssl_bio, transport): the transport becomes the SSL's BIO. */
void sc_ssl_bio_push(void) {
  Pair p;
  PairOptions o = pair_defaults();
  BIO *sb, *c_ssl;
  SSL* ssl = NULL;
  int i, r = 0;
  pair_new(&p, &o);
  SETUP((sb = BIO_new_ssl(p.cctx, 1)) != NULL);
  SETUP(BIO_get_ssl(sb, &ssl) == 1 && ssl != NULL);
  SETUP(SSL_set_tlsext_host_name(ssl, "localhost") == 1);
  BIO_free(p.c_net);
  SETUP(BIO_new_bio_pair(&c_ssl, 0, &p.c_net, 0) == 1);
  {
    int pushed = BIO_push(sb, c_ssl) == sb;
    say("push=%d rbio is transport=%d", pushed, SSL_get_rbio(ssl) == c_ssl);
  }
  for (i = 0; i < 10 && r != 1; ++i) {
    r = (int)BIO_do_handshake(sb);
    c2s(&p);
    SSL_do_handshake(p.s);
    s2c(&p);
  }
  say("handshake=%d", r);
  SETUP(r == 1);
  say("puts=%d", BIO_puts(sb, "line\n"));
  c2s(&p);
  say("server read=%d", SSL_read(p.s, buf, sizeof(buf)));
  BIO_free_all(sb);
  print_queue();
  pair_free(&p);
}

/* A client that takes no tickets (SSL_OP_NO_TICKET on the client): in TLS
 * 1.2 it resumes by the session id the server gave it, from the server's
 * cache; with a server that takes no tickets either, the same. */
void sc_resume_session_id(void) {
  int server_no_ticket;
  for (server_no_ticket = 0; server_no_ticket < 2; ++server_no_ticket) {
    Pair p;
    PairOptions o = pair_defaults();
    SSL_SESSION* sess;
    unsigned int idlen = 0;
    o.client_options = SSL_OP_NO_TICKET;
    if (server_no_ticket) o.server_options = SSL_OP_NO_TICKET;
    pair_connect(&p, &o);
    sess = first_connection(&p, 1);
    SSL_SESSION_get_id(sess, &idlen);
    say("[server %s] id_len=%u has_ticket=%d resumable=%d server cache=%ld",
        server_no_ticket ? "without tickets" : "with tickets", idlen, SSL_SESSION_has_ticket(sess),
        SSL_SESSION_is_resumable(sess), SSL_CTX_sess_number(p.sctx));
    second_connection(&p, sess, "session id");
    SSL_SESSION_free(sess);
    pair_free(&p);
  }
}

/* A session through its bytes (i2d_SSL_SESSION, d2i_SSL_SESSION, PEM) is
 * resumed like the session itself; bytes that are no session are refused. */
void sc_session_bytes(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION *sess, *copy, *from_pem;
  unsigned char *der = NULL, *q;
  const unsigned char* r;
  int len;
  static const unsigned char garbage[] = {0x30, 0x03, 0x02, 0x01, 0x01, 0xff};
  BIO* mem;
  pair_connect(&p, &o);
  sess = first_connection(&p, 1);
  len = i2d_SSL_SESSION(sess, NULL);
  SETUP(len > 0 && (der = OPENSSL_malloc((size_t)len)) != NULL);
  q = der;
  say("i2d length agrees=%d moved=%d", i2d_SSL_SESSION(sess, &q) == len, q == der + len);
  r = der;
  copy = d2i_SSL_SESSION(NULL, &r, len);
  say("d2i=%d consumed=%d", copy != NULL, r == der + len);
  r = garbage;
  say("d2i of garbage=%d", d2i_SSL_SESSION(NULL, &r, (long)sizeof(garbage)) != NULL);
  ERR_clear_error();
  SETUP((mem = BIO_new(BIO_s_mem())) != NULL);
  say("PEM write=%d", PEM_write_bio_SSL_SESSION(mem, sess));
  from_pem = PEM_read_bio_SSL_SESSION(mem, NULL, NULL, NULL);
  say("PEM read=%d", from_pem != NULL);
  BIO_free(mem);
  OPENSSL_free(der);
  SETUP(copy != NULL && from_pem != NULL);
  say("copy: version=%x cipher=%s resumable=%d", SSL_SESSION_get_protocol_version(copy),
      SSL_CIPHER_get_name(SSL_SESSION_get0_cipher(copy)), SSL_SESSION_is_resumable(copy));
  second_connection(&p, copy, "the session from its bytes");
  SSL_SESSION_free(copy);
  second_connection(&p, from_pem, "the session from PEM");
  SSL_SESSION_free(from_pem);
  /* A session removed (not resumable) comes back resumable from its bytes. */
  SSL_CTX_remove_session(p.cctx, sess);
  len = i2d_SSL_SESSION(sess, NULL);
  SETUP(len > 0 && (der = OPENSSL_malloc((size_t)len)) != NULL);
  q = der;
  SETUP(i2d_SSL_SESSION(sess, &q) == len);
  r = der;
  copy = d2i_SSL_SESSION(NULL, &r, len);
  OPENSSL_free(der);
  SETUP(copy != NULL);
  say("removed: resumable=%d, its copy resumable=%d", SSL_SESSION_is_resumable(sess),
      SSL_SESSION_is_resumable(copy));
  second_connection(&p, copy, "the copy of a removed session");
  SSL_SESSION_free(copy);
  SSL_SESSION_free(sess);
  pair_free(&p);
}
