/* The rest of the API the same way: defaults, negotiated parameters, ALPN,
 * SNI, keylog, writes that block, peek, errors and their strings, the
 * documented corrections and deviations. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"
#include "scenarios.h"

static char buf[65536];

void sc_defaults(void) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* s;
  SETUP(ctx != NULL);
  SETUP((s = SSL_new(ctx)) != NULL);
  say("ctx options=%llx mode=%lx cache_mode=%ld timeout=%ld cache_size=%ld tickets=%zu",
      (unsigned long long)SSL_CTX_get_options(ctx), SSL_CTX_get_mode(ctx),
      SSL_CTX_get_session_cache_mode(ctx), SSL_CTX_get_timeout(ctx),
      SSL_CTX_sess_get_cache_size(ctx), SSL_CTX_get_num_tickets(ctx));
  {
    long min0 = SSL_CTX_get_min_proto_version(ctx), max0 = SSL_CTX_get_max_proto_version(ctx);
    int set_min = (int)SSL_CTX_set_min_proto_version(ctx, 0x9999);
    int set_max = (int)SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    say("min=%ld max=%ld set_min(0x9999)=%d set_max(TLS1_3)=%d max=%lx", min0, max0, set_min,
        set_max, SSL_CTX_get_max_proto_version(ctx));
  }
  say("ssl options=%llx mode=%lx is_server=%d want=%d in_init=%d in_before=%d finished=%d",
      (unsigned long long)SSL_get_options(s), SSL_get_mode(s), SSL_is_server(s), SSL_want(s),
      SSL_in_init(s), SSL_in_before(s), SSL_is_init_finished(s));
  say("version=%x %s verify_mode=%d verify_result=%ld shutdown=%d quiet=%d", SSL_version(s),
      SSL_get_version(s), SSL_get_verify_mode(s), SSL_get_verify_result(s), SSL_get_shutdown(s),
      SSL_get_quiet_shutdown(s));
  say("fd=%d rbio=%d cipher=%d session=%d servername=%d pending=%d has_pending=%d", SSL_get_fd(s),
      SSL_get_rbio(s) != NULL, SSL_get_current_cipher(s) != NULL, SSL_get_session(s) != NULL,
      SSL_get_servername(s, TLSEXT_NAMETYPE_host_name) != NULL, SSL_pending(s), SSL_has_pending(s));
  {
    unsigned long long set = (unsigned long long)SSL_set_options(s, SSL_OP_NO_TICKET);
    unsigned long long cleared = (unsigned long long)SSL_clear_options(s, SSL_OP_NO_TICKET);
    long mode_set = SSL_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE);
    long mode_cleared = SSL_clear_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE);
    say("set_options=%llx clear_options=%llx", set, cleared);
    say("set_mode=%lx clear_mode=%lx", mode_set, mode_cleared);
  }

  SSL_set_connect_state(s);
  say("after set_connect_state: is_server=%d", SSL_is_server(s));
  SSL_free(s);
  SSL_CTX_free(ctx);
  ctx = SSL_CTX_new(NULL);
  say("SSL_CTX_new(NULL)=%p", (void*)ctx);
  print_queue();
}

void sc_handshake_info(void) {
  Pair p;
  PairOptions o = pair_defaults();
  X509* peer;
  char name[256] = "";
  const SSL_CIPHER* cipher;
  pair_connect(&p, &o);
  cipher = SSL_get_current_cipher(p.c);
  say("version=%x %s cipher=%s/%s bits=%d %s", SSL_version(p.c), SSL_get_version(p.c),
      SSL_CIPHER_get_name(cipher), SSL_CIPHER_standard_name(cipher),
      SSL_CIPHER_get_bits(cipher, NULL), SSL_CIPHER_get_version(cipher));
  say("cipher id=%x protocol_id=%x", (unsigned)SSL_CIPHER_get_id(cipher),
      SSL_CIPHER_get_protocol_id(cipher));
  say("servername c=%s s=%s type=%d", SSL_get_servername(p.c, TLSEXT_NAMETYPE_host_name),
      SSL_get_servername(p.s, TLSEXT_NAMETYPE_host_name), SSL_get_servername_type(p.s));
  say("verify_result=%ld", SSL_get_verify_result(p.c));
  peer = SSL_get1_peer_certificate(p.c);
  if (peer != NULL)
    X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name, sizeof(name));
  say("peer=%s s peer=%d", name, SSL_get0_peer_certificate(p.s) != NULL);
  X509_free(peer);
  say("init_finished c=%d s=%d reused=%d want=%d fd=%d", SSL_is_init_finished(p.c),
      SSL_is_init_finished(p.s), SSL_session_reused(p.c), SSL_want(p.c), SSL_get_fd(p.c));
  say("sess connect=%ld good=%ld; accept=%ld good=%ld", SSL_CTX_sess_connect(p.cctx),
      SSL_CTX_sess_connect_good(p.cctx), SSL_CTX_sess_accept(p.sctx),
      SSL_CTX_sess_accept_good(p.sctx));
  STEP("C write", p.c, p.c_net, SSL_write(p.c, "0123456789", 10));
  pair_free(&p);
}

static int alpn_select(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void* arg) {
  static const unsigned char mine[] = "\x08http/1.1\x02h3";
  (void)ssl;
  (void)arg;
  if (SSL_select_next_proto((unsigned char**)out, outlen, mine, sizeof(mine) - 1, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  return SSL_TLSEXT_ERR_OK;
}

static int alpn_refuse(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void* arg) {
  (void)ssl, (void)out, (void)outlen, (void)in, (void)inlen, (void)arg;
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static void print_alpn(const char* who, SSL* s) {
  const unsigned char* data = NULL;
  unsigned int len = 0;
  SSL_get0_alpn_selected(s, &data, &len);
  say("%s alpn=%.*s (%u)", who, (int)len, data ? (const char*)data : "", len);
}

void sc_alpn(void) {
  static const unsigned char offer[] = "\x02h2\x08http/1.1";
  static const unsigned char other[] = "\x06spdy/1";
  int round;
  say("bad list=%d", SSL_CTX_set_alpn_protos(NULL, (const unsigned char*)"\x05h2", 3));
  for (round = 0; round < 3; ++round) {
    Pair p;
    PairOptions o = pair_defaults();
    pair_new(&p, &o);
    say("set_alpn_protos=%d",
        SSL_set_alpn_protos(p.c, round == 1 ? other : offer,
                            (round == 1 ? sizeof(other) : sizeof(offer)) - 1));
    SSL_CTX_set_alpn_select_cb(p.sctx, round == 2 ? alpn_refuse : alpn_select, NULL);
    {
      int hs = pair_handshake(&p);
      say("handshake=%d", hs);
      print_queue();
      SETUP(hs == 1 || round == 2); /* only the refusing callback fails it */
    }
    print_alpn("C", p.c);
    print_alpn("S", p.s);
    pair_free(&p);
  }
}

static char seen_name[256];
static int sni_result;
static int sni_cb(SSL* s, int* al, void* arg) {
  const char* name = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
  snprintf(seen_name, sizeof(seen_name), "%s (arg=%s)", name ? name : "(none)", (const char*)arg);
  *al = SSL_AD_UNRECOGNIZED_NAME;
  return sni_result;
}

void sc_sni(void) {
  int round;
  for (round = 0; round < 3; ++round) {
    Pair p;
    PairOptions o = pair_defaults();
    pair_new(&p, &o);
    SSL_CTX_set_tlsext_servername_callback(p.sctx, sni_cb);
    SSL_CTX_set_tlsext_servername_arg(p.sctx, (void*)"argument");
    sni_result = round == 2 ? SSL_TLSEXT_ERR_ALERT_FATAL : SSL_TLSEXT_ERR_OK;
    if (round == 1) SSL_set_tlsext_host_name(p.c, NULL);
    seen_name[0] = 0;
    {
      int hs = pair_handshake(&p);
      say("handshake=%d", hs);
      print_queue();
      SETUP(hs == 1 || round == 2); /* only the fatal callback answer fails it */
    }
    say("callback saw %s; server name after=%s", seen_name,
        SSL_get_servername(p.s, TLSEXT_NAMETYPE_host_name)
            ? SSL_get_servername(p.s, TLSEXT_NAMETYPE_host_name)
            : "(none)");
    pair_free(&p);
  }
}

static char labels[16][64];
static int nlabels;
static void keylog_cb(const SSL* ssl, const char* line) {
  (void)ssl;
  if (nlabels < 16) {
    sscanf(line, "%63s", labels[nlabels]);
    ++nlabels;
  }
}
static int cmp(const void* a, const void* b) {
  return strcmp(a, b);
}

void sc_keylog(void) {
  Pair p;
  PairOptions o = pair_defaults();
  int i;
  pair_new(&p, &o);
  SSL_CTX_set_keylog_callback(p.cctx, keylog_cb);
  say("callback set=%d", SSL_CTX_get_keylog_callback(p.cctx) == keylog_cb);
  nlabels = 0;
  {
    int hs = pair_handshake(&p);
    say("handshake=%d", hs);
    SETUP(hs == 1);
  }
  qsort(labels, (size_t)nlabels, sizeof(labels[0]), cmp);
  for (i = 0; i < nlabels; ++i) say("keylog %s", labels[i]);
  pair_free(&p);
}

/* Writes that block on a small BIO pair: retries continue the same buffer;
 * with partial writes each record is reported. */
void sc_write_blocks(void) {
  int partial;
  for (partial = 0; partial < 2; ++partial) {
    Pair p;
    PairOptions o = pair_defaults();
    int i, total = 0;
    static char data[40000];
    o.pair_size = 8192;
    pair_connect(&p, &o);
    memset(data, 'd', sizeof(data));
    if (partial) SSL_set_mode(p.c, SSL_MODE_ENABLE_PARTIAL_WRITE);
    say("partial=%d", partial);
    for (i = 0; i < 40 && total < (int)sizeof(data); ++i) {
      int r =
          SSL_write(p.c, data + (partial ? total : 0), (int)sizeof(data) - (partial ? total : 0));
      report("C write", p.c, r, -1);
      if (r > 0) total += partial ? r : (int)sizeof(data);
      c2s(&p);
      {
        int got;
        while ((got = SSL_read(p.s, buf, sizeof(buf))) > 0) say("S read %d", got);
        ERR_clear_error();
      }
    }
    say("total=%d", total);
    pair_free(&p);
  }
}

void sc_peek_and_pending(void) {
  Pair p;
  PairOptions o = pair_defaults();
  char small[8];
  size_t n = 0;
  pair_connect(&p, &o);
  STEP("S write", p.s, p.s_net, SSL_write(p.s, "hello world", 11));
  s2c(&p);
  say("pending=%d has_pending=%d", SSL_pending(p.c), SSL_has_pending(p.c));
  STEP("C peek 5", p.c, p.c_net, SSL_peek(p.c, small, 5));
  say("peeked %.5s pending=%d has_pending=%d", small, SSL_pending(p.c), SSL_has_pending(p.c));
  STEP("C peek_ex", p.c, p.c_net, SSL_peek_ex(p.c, small, 8, &n));
  say("peek_ex n=%zu", n);
  STEP("C read 4", p.c, p.c_net, SSL_read(p.c, small, 4));
  say("pending=%d", SSL_pending(p.c));
  STEP("C read_ex", p.c, p.c_net, SSL_read_ex(p.c, buf, sizeof(buf), &n));
  say("read_ex n=%zu %.*s pending=%d", n, (int)n, buf, SSL_pending(p.c));
  STEP("C read_ex (nothing)", p.c, p.c_net, SSL_read_ex(p.c, buf, sizeof(buf), &n));
  say("read_ex n=%zu", n);
  STEP("C read(-1)", p.c, p.c_net, SSL_read(p.c, buf, -1));
  STEP("C write(-1)", p.c, p.c_net, SSL_write(p.c, buf, -1));
  STEP("C write_ex", p.c, p.c_net, SSL_write_ex(p.c, "abc", 3, &n));
  say("write_ex n=%zu", n);
  pair_free(&p);
}

/* VERIFY_NONE still records the verification result. */
void sc_verify_none_result(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.client_verify = 0;
  pair_connect(&p, &o);
  say("verify_mode=%d verify_result=%ld peer=%d", SSL_get_verify_mode(p.c),
      SSL_get_verify_result(p.c), SSL_get0_peer_certificate(p.c) != NULL);
  pair_free(&p);
}

void sc_ciphersuites(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_new(&p, &o);
  say("bad=%d", SSL_CTX_set_ciphersuites(p.cctx, "TLS_NOT_A_SUITE"));
  ERR_clear_error();
  say("good=%d", SSL_CTX_set_ciphersuites(p.sctx, "TLS_AES_256_GCM_SHA384"));
  say("ssl good=%d", SSL_set_ciphersuites(p.s, "TLS_CHACHA20_POLY1305_SHA256"));
  {
    int hs = pair_handshake(&p);
    say("handshake=%d cipher=%s", hs, SSL_CIPHER_get_name(SSL_get_current_cipher(p.c)));
    SETUP(hs == 1);
  }
  pair_free(&p);
}

void sc_certificates(void) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL* s;
  SETUP(ctx != NULL);
  say("check (none)=%d", SSL_CTX_check_private_key(ctx));
  print_queue();
  say("chain=%d", SSL_CTX_use_certificate_chain_file(ctx, data_file("ecdsa-fullchain.pem")));
  say("check (no key)=%d", SSL_CTX_check_private_key(ctx));
  print_queue();
  say("wrong key=%d",
      SSL_CTX_use_PrivateKey_file(ctx, data_file("rsa-leaf.key"), SSL_FILETYPE_PEM));
  ERR_clear_error();
  say("key=%d", SSL_CTX_use_PrivateKey_file(ctx, data_file("ecdsa-leaf.key"), SSL_FILETYPE_PEM));
  say("check=%d", SSL_CTX_check_private_key(ctx));
  say("cert=%d key=%d", SSL_CTX_get0_certificate(ctx) != NULL,
      SSL_CTX_get0_privatekey(ctx) != NULL);
  say("missing file=%d", SSL_CTX_use_certificate_file(ctx, "/nonexistent.pem", SSL_FILETYPE_PEM));
  ERR_clear_error();
  say("load_verify_locations=%d",
      SSL_CTX_load_verify_locations(ctx, data_file("ca-bundle.pem"), NULL));
  say("store=%d", SSL_CTX_get_cert_store(ctx) != NULL);
  SETUP((s = SSL_new(ctx)) != NULL);
  say("ssl check=%d cert=%d", SSL_check_private_key(s), SSL_get_certificate(s) != NULL);
  say("use_certificate_file=%d",
      SSL_use_certificate_file(s, data_file("p384-leaf.pem"), SSL_FILETYPE_PEM));
  say("use_PrivateKey_file=%d",
      SSL_use_PrivateKey_file(s, data_file("p384-leaf.key"), SSL_FILETYPE_PEM));
  say("ssl check=%d", SSL_check_private_key(s));
  SSL_free(s);
  SSL_CTX_free(ctx);
}

void sc_error_strings(void) {
  static const int reasons[] = {SSL_R_UNEXPECTED_EOF_WHILE_READING,
                                SSL_R_SHUTDOWN_WHILE_IN_INIT,
                                SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY,
                                SSL_R_PROTOCOL_IS_SHUTDOWN,
                                SSL_R_UNINITIALIZED,
                                SSL_R_NO_PROTOCOLS_AVAILABLE,
                                SSL_R_CERTIFICATE_VERIFY_FAILED,
                                SSL_R_TLSV1_ALERT_UNKNOWN_CA,
                                SSL_R_SSLV3_ALERT_BAD_RECORD_MAC};
  size_t i;
  char text[256];
  for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); ++i) {
    ERR_error_string_n(ERR_PACK(ERR_LIB_SSL, 0, reasons[i]), text, sizeof(text));
    say("%s", text);
  }
  say("lib=%s", ERR_lib_error_string(ERR_PACK(ERR_LIB_SSL, 0, 0)));
}

void sc_alert_strings(void) {
  int v;
  for (v = 0; v < 256; ++v) {
    const char* l = SSL_alert_desc_string_long(v);
    if (strcmp(l, "unknown") != 0) say("%d %s %s", v, SSL_alert_desc_string(v), l);
  }
  say("types %s %s %s / %s %s %s", SSL_alert_type_string_long(1 << 8),
      SSL_alert_type_string_long(2 << 8), SSL_alert_type_string_long(0),
      SSL_alert_type_string(1 << 8), SSL_alert_type_string(2 << 8), SSL_alert_type_string(0));
}

void sc_ex_data(void) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* s;
  int si = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
  int ci = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL);
  static int a, b;
  SETUP(ctx != NULL);
  SETUP((s = SSL_new(ctx)) != NULL);
  SETUP(si >= 0 && ci >= 0);
  say("set=%d %d", SSL_set_ex_data(s, si, &a), SSL_CTX_set_ex_data(ctx, ci, &b));
  say("get=%d %d", SSL_get_ex_data(s, si) == &a, SSL_CTX_get_ex_data(ctx, ci) == &b);
  say("ctx of ssl=%d up_ref=%d %d", SSL_get_SSL_CTX(s) == ctx, SSL_up_ref(s), SSL_CTX_up_ref(ctx));
  SSL_free(s);
  SSL_free(s);
  SSL_CTX_free(ctx);
  SSL_CTX_free(ctx);
}

/* Deliberate correction: stale entries in the thread's error queue do not
 * change SSL_get_error's answer (OpenSSL 3.0 says SSL_ERROR_SSL here). */
void sc_stale_error_queue(void) {
  Pair p;
  PairOptions o = pair_defaults();
  int r;
  pair_connect(&p, &o);
  SSL_read(p.c, buf, sizeof(buf)); /* takes the tickets */
  ERR_clear_error();
  ERR_raise(ERR_LIB_SSL, SSL_R_SHUTDOWN_WHILE_IN_INIT); /* stale, from "another" call */
  r = SSL_read(p.c, buf, sizeof(buf));
  say("read=%d get_error=%s", r, error_name(SSL_get_error(p.c, r)));
  print_queue();
  pair_free(&p);
}

/* Both ends limited to TLS 1.2 by their version bounds: the versions
 * reported before, during and after the handshake. */
void sc_tls12_only(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_new(&p, &o);
  SETUP(SSL_set_max_proto_version(p.c, TLS1_2_VERSION) == 1);
  SETUP(SSL_set_max_proto_version(p.s, TLS1_2_VERSION) == 1);
  say("before: C %s %x/%x S %s %x/%x", SSL_get_version(p.c), SSL_version(p.c),
      SSL_client_version(p.c), SSL_get_version(p.s), SSL_version(p.s), SSL_client_version(p.s));
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  say("C version=%s %x client_version=%x", SSL_get_version(p.c), SSL_version(p.c),
      SSL_client_version(p.c));
  SETUP(pair_handshake(&p));
  say("after: C %s %x/%x S %s %x/%x", SSL_get_version(p.c), SSL_version(p.c),
      SSL_client_version(p.c), SSL_get_version(p.s), SSL_version(p.s), SSL_client_version(p.s));
  pair_free(&p);
}

void sc_tls13_only_vs_tls12_peer(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_new(&p, &o);
  SETUP(SSL_set_min_proto_version(p.c, TLS1_3_VERSION) == 1);
  SETUP(SSL_set_max_proto_version(p.s, TLS1_2_VERSION) == 1);
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  c2s(&p);
  STEP("S accept", p.s, NULL, SSL_accept(p.s));
  s2c(&p);
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  pair_free(&p);
}

void sc_no_tickets(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.num_tickets = 0;
  pair_connect(&p, &o);
  say("num_tickets ctx=%zu ssl=%zu", SSL_CTX_get_num_tickets(p.sctx), SSL_get_num_tickets(p.s));
  STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  say("resumable=%d", SSL_SESSION_is_resumable(SSL_get_session(p.c)));
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* Large transfers in both directions over the pump. */
void sc_bulk(void) {
  Pair p;
  PairOptions o = pair_defaults();
  static char big[100000];
  int sent = 0, got = 0, i;
  pair_connect(&p, &o);
  for (i = 0; i < (int)sizeof(big); ++i) big[i] = (char)(i * 7);
  while (sent < (int)sizeof(big) || got < (int)sizeof(big)) {
    int r;
    if (sent < (int)sizeof(big)) {
      r = SSL_write(p.c, big + sent, (int)sizeof(big) - sent);
      if (r > 0) sent += r;
    }
    c2s(&p);
    while ((r = SSL_read(p.s, buf, sizeof(buf))) > 0) {
      if (memcmp(buf, big + got, (size_t)r) != 0) say("mismatch at %d", got);
      got += r;
    }
    ERR_clear_error();
    if (sent == (int)sizeof(big) && got < (int)sizeof(big) && BIO_ctrl_pending(p.c_net) == 0 &&
        SSL_pending(p.s) == 0)
      break;
  }
  say("sent=%d got=%d", sent, got);
  pair_free(&p);
}

/* A BIO pair whose peer half is freed: writes fail, reads see EOF. */
void sc_transport_gone(void) {
  Pair p;
  PairOptions o = pair_defaults();
  pair_connect(&p, &o);
  BIO_free(p.c_net);
  p.c_net = NULL;
  STEP("C write", p.c, NULL, SSL_write(p.c, "x", 1));
  STEP("C read", p.c, NULL, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C shutdown", p.c, NULL, SSL_shutdown(p.c));
  pair_free(&p);
}

/* A write retried with another buffer: refused unless
 * SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER. */
void sc_write_retry_moved_buffer(void) {
  int moving;
  for (moving = 0; moving < 2; ++moving) {
    Pair p;
    PairOptions o = pair_defaults();
    static char a[6000], b[6000];
    int r;
    o.pair_size = 4096;
    pair_connect(&p, &o);
    memset(a, 'a', sizeof(a));
    memset(b, 'a', sizeof(b));
    if (moving) SSL_set_mode(p.c, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    say("moving=%d", moving);
    r = SSL_write(p.c, a, (int)sizeof(a));
    report("C write", p.c, r, -1);
    drain(p.c_net);
    r = SSL_write(p.c, b, (int)sizeof(b));
    report("C write (other buffer)", p.c, r, -1);
    drain(p.c_net);
    r = SSL_write(p.c, a, (int)sizeof(a));
    report("C write (first buffer)", p.c, r, -1);
    r = SSL_write(p.c, a, 10);
    report("C write (shorter)", p.c, r, -1);
    pair_free(&p);
  }
}

/* SSL_shutdown while a record is still being written (R12): the
 * close_notify waits behind it. */
void sc_shutdown_behind_pending_write(void) {
  Pair p;
  PairOptions o = pair_defaults();
  static char data[6000];
  o.pair_size = 4096;
  pair_connect(&p, &o);
  memset(data, 'z', sizeof(data));
  STEP("C write", p.c, NULL, SSL_write(p.c, data, (int)sizeof(data)));
  STEP("C shutdown #1", p.c, NULL, SSL_shutdown(p.c));
  say("moved %zu", c2s(&p));
  STEP("C shutdown #2", p.c, NULL, SSL_shutdown(p.c));
  say("moved %zu", c2s(&p));
  STEP("C shutdown #3", p.c, NULL, SSL_shutdown(p.c));
  say("moved %zu", c2s(&p));
  STEP("C shutdown #4", p.c, NULL, SSL_shutdown(p.c));
  for (int i = 0; i < 3; ++i) {
    STEP("S read", p.s, NULL, SSL_read(p.s, data, (int)sizeof(data)));
    say("moved %zu", c2s(&p));
  }
  pair_free(&p);
}
