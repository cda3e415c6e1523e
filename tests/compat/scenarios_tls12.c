/* TLS 1.2 and what came with it: versions and their options, cipher strings
 * and cipher lists, SSL_CIPHER accessors, randoms, master keys and exported
 * keying material, and the HelloRequest of scenario 16 (R18).
 *
 * OpenSSL knows ~140 TLS 1.2-and-older suites, adieu six (ECDHE with
 * AES-GCM or ChaCha20-Poly1305) and the three TLS 1.3 ones: lists are
 * printed restricted to those nine, in the library's order. */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

#include "harness.h"
#include "scenarios.h"

static char buf[1024];

static const char* const kOurs[] = {
    "TLS_AES_128_GCM_SHA256",        "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",  "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES256-GCM-SHA384",   "ECDHE-RSA-CHACHA20-POLY1305",
    "ECDHE-ECDSA-CHACHA20-POLY1305", NULL};

static int ours(const SSL_CIPHER* c) {
  int i;
  for (i = 0; kOurs[i] != NULL; ++i)
    if (c != NULL && strcmp(SSL_CIPHER_get_name(c), kOurs[i]) == 0) return 1;
  return 0;
}

/* "label: A B C" with the suites of `sk` adieu has, in order. */
static void print_ciphers(const char* label, STACK_OF(SSL_CIPHER) * sk) {
  char line[2048];
  int i;
  snprintf(line, sizeof(line), "%s:", label);
  for (i = 0; i < sk_SSL_CIPHER_num(sk); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(sk, i);
    if (!ours(c)) continue;
    strncat(line, " ", sizeof(line) - strlen(line) - 1);
    strncat(line, SSL_CIPHER_get_name(c), sizeof(line) - strlen(line) - 1);
  }
  say("%s", line);
}

static const char* version_name(int v) {
  switch (v) {
    case 0:
      return "0";
    case TLS1_VERSION:
      return "TLS1";
    case TLS1_1_VERSION:
      return "TLS1_1";
    case TLS1_2_VERSION:
      return "TLS1_2";
    case TLS1_3_VERSION:
      return "TLS1_3";
    case TLS_ANY_VERSION:
      return "TLS_ANY";
    default:
      return "other";
  }
}

static void print_versions(const char* who, SSL* s) {
  say("%s version=%s %s client_version=%s", who, version_name(SSL_version(s)), SSL_get_version(s),
      version_name(SSL_client_version(s)));
}

/* --- versions ----------------------------------------------------------------------- */

/* Version bounds: what the setters take and keep, per method. */
void sc_version_bounds(void) {
  static const long kValues[] = {0,
                                 0x100,
                                 0x2ff,
                                 SSL3_VERSION,
                                 TLS1_VERSION,
                                 TLS1_2_VERSION,
                                 TLS1_3_VERSION,
                                 0x305,
                                 DTLS1_2_VERSION,
                                 DTLS1_VERSION,
                                 0x9999};
  int m;
  for (m = 0; m < 2; ++m) {
    SSL_CTX* ctx = SSL_CTX_new(m == 0 ? TLS_method() : TLSv1_2_method());
    SSL* s;
    size_t i;
    SETUP(ctx != NULL);
    say("[%s] min=%ld max=%ld", m == 0 ? "TLS_method" : "TLSv1_2_method",
        SSL_CTX_get_min_proto_version(ctx), SSL_CTX_get_max_proto_version(ctx));
    for (i = 0; i < sizeof(kValues) / sizeof(kValues[0]); ++i) {
      int set_min, set_max;
      long got_min, got_max;
      SSL_CTX_set_min_proto_version(ctx, 0);
      SSL_CTX_set_max_proto_version(ctx, 0);
      set_min = (int)SSL_CTX_set_min_proto_version(ctx, kValues[i]);
      got_min = SSL_CTX_get_min_proto_version(ctx);
      set_max = (int)SSL_CTX_set_max_proto_version(ctx, kValues[i]);
      got_max = SSL_CTX_get_max_proto_version(ctx);
      say("  %lx: set_min=%d min=%lx set_max=%d max=%lx", kValues[i], set_min, got_min, set_max,
          got_max);
    }
    print_queue();
    SETUP((s = SSL_new(ctx)) != NULL);
    {
      int set = (int)SSL_set_min_proto_version(s, TLS1_2_VERSION);
      say("  ssl set_min=%d min=%lx max=%lx", set, SSL_get_min_proto_version(s),
          SSL_get_max_proto_version(s));
    }
    print_versions("  new ssl", s);
    SSL_free(s);
    SSL_CTX_free(ctx);
  }
}

/* One handshake between a client and a server set up by `setup`. */
typedef struct {
  const char* name;
  const SSL_METHOD* (*client_method)(void);
  const SSL_METHOD* (*server_method)(void);
  long client_min, client_max, server_min, server_max;
  uint64_t client_options, server_options;
} VersionCase;

/* What went over: handshake flights differ in size between the libraries
 * (extensions, padding); an alert record does not. */
static const char* moved(size_t n) {
  return n == 0 ? "nothing" : n == 7 ? "a plaintext alert" : "a flight";
}

static void version_case(const VersionCase* v) {
  Pair p;
  BIO *c_ssl, *s_ssl;
  int i, cdone = 0, sdone = 0;
  memset(&p, 0, sizeof(p));
  p.cctx = SSL_CTX_new(v->client_method());
  p.sctx = SSL_CTX_new(v->server_method());
  SETUP(p.cctx != NULL && p.sctx != NULL);
  SSL_CTX_set_verify(p.cctx, SSL_VERIFY_PEER, NULL);
  SETUP(SSL_CTX_load_verify_locations(p.cctx, data_file("ecdsa-root.pem"), NULL) == 1);
  SETUP(SSL_CTX_use_certificate_chain_file(p.sctx, data_file("ecdsa-fullchain.pem")) == 1);
  SETUP(SSL_CTX_use_PrivateKey_file(p.sctx, data_file("ecdsa-leaf.key"), SSL_FILETYPE_PEM) == 1);
  SETUP(SSL_CTX_set_min_proto_version(p.cctx, v->client_min) == 1);
  SETUP(SSL_CTX_set_max_proto_version(p.cctx, v->client_max) == 1);
  SETUP(SSL_CTX_set_min_proto_version(p.sctx, v->server_min) == 1);
  SETUP(SSL_CTX_set_max_proto_version(p.sctx, v->server_max) == 1);
  SSL_CTX_set_options(p.cctx, v->client_options);
  SSL_CTX_set_options(p.sctx, v->server_options);
  SETUP((p.c = SSL_new(p.cctx)) != NULL);
  SETUP((p.s = SSL_new(p.sctx)) != NULL);
  SETUP(BIO_new_bio_pair(&c_ssl, 0, &p.c_net, 0) == 1);
  SETUP(BIO_new_bio_pair(&s_ssl, 0, &p.s_net, 0) == 1);
  SSL_set_bio(p.c, c_ssl, c_ssl);
  SSL_set_bio(p.s, s_ssl, s_ssl);
  SSL_set_connect_state(p.c);
  SSL_set_accept_state(p.s);
  SETUP(SSL_set_tlsext_host_name(p.c, "localhost") == 1);
  say("[%s]", v->name);
  print_versions("  C before", p.c);
  print_versions("  S before", p.s);
  for (i = 0; i < 4 && !(cdone && sdone); ++i) {
    int r;
    if (!cdone) {
      r = SSL_do_handshake(p.c);
      report("  C handshake", p.c, r, -1);
      if (r == 1) cdone = 1;
      if (i == 0) print_versions("  C after its first flight", p.c);
      if (r != 1 && SSL_get_error(p.c, r) != SSL_ERROR_WANT_READ) break;
    }
    say("  to server: %s", moved(c2s(&p)));
    if (!sdone) {
      r = SSL_do_handshake(p.s);
      report("  S handshake", p.s, r, -1);
      if (r == 1) sdone = 1;
      if (i == 0) print_versions("  S after the ClientHello", p.s);
      if (r != 1 && SSL_get_error(p.s, r) != SSL_ERROR_WANT_READ) break;
    }
    {
      size_t n = s2c(&p);
      say("  to client: %s", moved(n));
      if (n == 0 && !cdone && !sdone) break;
    }
  }
  print_versions("  C end", p.c);
  print_versions("  S end", p.s);
  if (cdone && sdone) {
    say("  cipher=%s session version=%s", SSL_CIPHER_get_name(SSL_get_current_cipher(p.c)),
        version_name(SSL_SESSION_get_protocol_version(SSL_get_session(p.c))));
  }
  pair_free(&p);
}

/* Which version each combination of methods, bounds and options negotiates,
 * and what SSL_version, SSL_get_version and SSL_client_version say on the
 * way; an SSL left with no version fails with "no protocols available" and
 * a protocol_version alert. */
void sc_versions(void) {
  static const VersionCase kCases[] = {
      {"both flexible", TLS_client_method, TLS_server_method, 0, 0, 0, 0, 0, 0},
      {"client TLSv1_2_method", TLSv1_2_client_method, TLS_server_method, 0, 0, 0, 0, 0, 0},
      {"server TLSv1_2_method", TLS_client_method, TLSv1_2_server_method, 0, 0, 0, 0, 0, 0},
      {"client max TLS 1.2", TLS_client_method, TLS_server_method, 0, TLS1_2_VERSION, 0, 0, 0, 0},
      {"server max TLS 1.2", TLS_client_method, TLS_server_method, 0, 0, 0, TLS1_2_VERSION, 0, 0},
      {"client NO_TLSv1_3", TLS_client_method, TLS_server_method, 0, 0, 0, 0, SSL_OP_NO_TLSv1_3, 0},
      {"server NO_TLSv1_3", TLS_client_method, TLS_server_method, 0, 0, 0, 0, 0, SSL_OP_NO_TLSv1_3},
      {"client min TLS 1.3, server max TLS 1.2", TLS_client_method, TLS_server_method,
       TLS1_3_VERSION, 0, 0, TLS1_2_VERSION, 0, 0},
      {"client min TLS 1.2 and NO_TLSv1_2", TLS_client_method, TLS_server_method, TLS1_2_VERSION, 0,
       0, 0, SSL_OP_NO_TLSv1_2, 0},
      {"client NO_TLSv1_2 and NO_TLSv1_3", TLS_client_method, TLS_server_method, TLS1_2_VERSION, 0,
       0, 0, SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3, 0},
      {"client min above max", TLS_client_method, TLS_server_method, TLS1_3_VERSION, TLS1_2_VERSION,
       0, 0, 0, 0},
      {"server min above max", TLS_client_method, TLS_server_method, 0, 0, TLS1_3_VERSION,
       TLS1_2_VERSION, 0, 0},
      {"TLSv1_2_method ignores NO_TLSv1_2", TLSv1_2_client_method, TLS_server_method, 0, 0, 0, 0,
       SSL_OP_NO_TLSv1_2, 0},
      {"server NO_TLSv1_2, client max TLS 1.2", TLS_client_method, TLS_server_method, 0,
       TLS1_2_VERSION, TLS1_3_VERSION, 0, 0, 0},
  };
  size_t i;
  for (i = 0; i < sizeof(kCases) / sizeof(kCases[0]); ++i) version_case(&kCases[i]);
}

/* A range OpenSSL finds below TLS 1.2 (TLS 1.0-1.1): OpenSSL sends a TLS 1.1
 * ClientHello, adieu has no such version (see docs/compat.md). */
void sc_old_versions(void) {
  static const VersionCase kCases[] = {
      {"client NO_TLSv1_2 (TLS 1.0-1.1 left)", TLS_client_method, TLS_server_method, 0, 0, 0, 0,
       SSL_OP_NO_TLSv1_2, 0},
      {"client max TLS 1.1", TLS_client_method, TLS_server_method, 0, TLS1_1_VERSION, 0, 0, 0, 0},
  };
  size_t i;
  for (i = 0; i < sizeof(kCases) / sizeof(kCases[0]); ++i) version_case(&kCases[i]);
}

/* --- cipher strings ---------------------------------------------------------------- */

static void try_cipher_list(SSL_CTX* ctx, const char* str) {
  int r = SSL_CTX_set_cipher_list(ctx, str);
  char label[256];
  snprintf(label, sizeof(label), "[%s] ret=%d", str, r);
  print_ciphers(label, SSL_CTX_get_ciphers(ctx));
  print_queue();
}

/* Each string on a fresh context: OpenSSL's result restricted to adieu's
 * suites, the return value and the errors. */
void sc_cipher_strings(void) {
  static const char* const kStrings[] = {
      "HIGH:!aNULL",
      "ECDHE+AESGCM",
      "DEFAULT",
      "DEFAULT:-aRSA",
      "DEFAULTX",
      "ALL",
      "ALL:",
      "aECDSA",
      "aRSA",
      "ECDSA",
      "kECDHE",
      "ECDHE",
      "EECDH",
      "ECDH",
      "AESGCM",
      "AES",
      "CHACHA20",
      "AES128",
      "AES256",
      "FIPS",
      "TLSv1.2",
      "CHACHA20:ALL",
      "AES128:ALL:@STRENGTH",
      "AES128:ALL:@STRENGTH:+AES256",
      "ALL:+aRSA",
      "ALL:+ECDHE-RSA-AES256-GCM-SHA384",
      "ALL:-AESGCM:AESGCM",
      "ALL:!AESGCM:AESGCM",
      "ALL:-ALL:aRSA",
      "ALL:-ECDHE-ECDSA-AES128-GCM-SHA256+ECDHE",
      "AES256:+CHACHA20:AES",
      "AESGCM+aRSA",
      "ECDHE-RSA-AES128-GCM-SHA256+HIGH",
      "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305",
      "ECDHE-ECDSA-AES128-GCM-SHA256 , ECDHE-RSA-AES128-GCM-SHA256",
      "ECDSA;aRSA",
      "aRSA DEFAULT",
      "ALL:@STRENGTH+X",
      "ALL:@SECLEVEL=0",
      "ALL:@SECLEVEL=5",
      "SUITEB128",
      "SUITEB128ONLY",
      "SUITEB128C2",
      "SUITEB192",
      /* Nothing left: NO_CIPHER_MATCH (TLS 1.3's suites stay). */
      "",
      ":",
      "FOO",
      "-ALL",
      "aRSA+aECDSA",
      "MEDIUM",
      "LOW",
      "AEAD",
      "ecdhe",
      "@STRENGTH",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_AES_128_GCM_SHA256",
      "A_B",
      /* Malformed: INVALID_COMMAND, the list unchanged. */
      "AES128:$$",
      "$$:@FOO",
      "@FOO:$",
      "_X",
      "AES128+",
      "+",
      "ALL:@STRENGTHX",
      "ALL:@SECLEVEL=9",
      "@SECLEVEL=",
  };
  size_t i;
  for (i = 0; i < sizeof(kStrings) / sizeof(kStrings[0]); ++i) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_method());
    SETUP(ctx != NULL);
    try_cipher_list(ctx, kStrings[i]);
    SSL_CTX_free(ctx);
  }
}

/* Strings that select only suites adieu does not implement (CBC, RSA key
 * exchange, NULL encryption...): OpenSSL takes them, adieu has nothing
 * left and fails with NO_CIPHER_MATCH (see docs/compat.md). */
void sc_cipher_strings_unsupported(void) {
  static const char* const kStrings[] = {"AES128-SHA", "kRSA", "RSA",         "CBC",
                                         "SHA256",     "NULL", "HIGH:!kECDHE"};
  size_t i;
  for (i = 0; i < sizeof(kStrings) / sizeof(kStrings[0]); ++i) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_method());
    SETUP(ctx != NULL);
    try_cipher_list(ctx, kStrings[i]);
    SSL_CTX_free(ctx);
  }
}

/* What a string leaves behind: a failed match empties TLS 1.2 (the list
 * changed all the same), a malformed string changes nothing, Suite B stays
 * on; SSL-level lists are copied at SSL_new and then the SSL's own; TLS 1.3
 * suites come first and have their own setter. */
void sc_cipher_list_state(void) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* s;
  int i;
  SETUP(ctx != NULL);
  print_ciphers("default", SSL_CTX_get_ciphers(ctx));
  try_cipher_list(ctx, "aRSA");
  try_cipher_list(ctx, "FOO");
  try_cipher_list(ctx, "AES128:$$");
  try_cipher_list(ctx, "AES256");
  try_cipher_list(ctx, "ALL:@SECLEVEL=3:@FOO");
  say("security level after a failed string=%d", SSL_CTX_get_security_level(ctx));
  SETUP((s = SSL_new(ctx)) != NULL);
  print_ciphers("ssl copy", SSL_get_ciphers(s));
  say("ssl set=%d", SSL_set_cipher_list(s, "CHACHA20"));
  print_ciphers("ssl", SSL_get_ciphers(s));
  print_ciphers("ctx", SSL_CTX_get_ciphers(ctx));
  say("ssl set=%d", SSL_set_cipher_list(s, "aRSA+aECDSA"));
  print_queue();
  print_ciphers("ssl", SSL_get_ciphers(s));
  say("ssl ciphersuites=%d", SSL_set_ciphersuites(s, "TLS_CHACHA20_POLY1305_SHA256"));
  print_ciphers("ssl", SSL_get_ciphers(s));
  for (i = -1; i < 3; ++i) {
    const char* name = SSL_get_cipher_list(s, i);
    say("get_cipher_list(%d)=%s", i, name != NULL ? name : "(null)");
  }
  say("get_cipher_list(NULL)=%s", SSL_get_cipher_list(NULL, 0) ? "set" : "(null)");
  SSL_free(s);
  say("ciphersuites=%d", SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:BOGUS"));
  print_ciphers("ctx", SSL_CTX_get_ciphers(ctx));
  say("ciphersuites=%d", SSL_CTX_set_ciphersuites(ctx, "BOGUS"));
  print_queue();
  say("ciphersuites=%d",
      SSL_CTX_set_ciphersuites(ctx, " TLS_AES_256_GCM_SHA384 :: TLS_AES_128_GCM_SHA256 "));
  print_ciphers("ctx", SSL_CTX_get_ciphers(ctx));
  say("ciphersuites=%d", SSL_CTX_set_ciphersuites(ctx, ""));
  print_ciphers("ctx", SSL_CTX_get_ciphers(ctx));
  say("ciphersuites=%d", SSL_CTX_set_ciphersuites(ctx, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
  print_ciphers("ctx", SSL_CTX_get_ciphers(ctx));
  try_cipher_list(ctx, "FOO"); /* the TLS 1.2 suite in the TLS 1.3 list counts */
  SSL_CTX_free(ctx);
  ctx = SSL_CTX_new(TLS_method());
  SETUP(ctx != NULL);
  try_cipher_list(ctx, "SUITEB128");
  try_cipher_list(ctx, "ALL");
  try_cipher_list(ctx, "SUITEB128C2");
  try_cipher_list(ctx, "ALL");
  SETUP((s = SSL_new(ctx)) != NULL);
  say("ssl set=%d", SSL_set_cipher_list(s, "aRSA"));
  print_ciphers("ssl (Suite B kept)", SSL_get_ciphers(s));
  SSL_free(s);
  SSL_CTX_free(ctx);
}

/* SSL_get1_supported_ciphers: the list for the SSL's versions and security
 * level. */
void sc_supported_ciphers(void) {
  static const struct {
    const char* name;
    long min, max;
    int level;
    const char* list;
  } kCases[] = {
      {"defaults", 0, 0, -1, NULL},
      {"max TLS 1.2", 0, TLS1_2_VERSION, -1, NULL},
      {"min TLS 1.3", TLS1_3_VERSION, 0, -1, NULL},
      {"security level 4", 0, 0, 4, NULL},
      {"security level 5", 0, 0, 5, NULL},
      {"@SECLEVEL=4", 0, 0, -1, "ALL:@SECLEVEL=4"},
      {"@SECLEVEL=0", 0, 0, -1, "ALL:@SECLEVEL=0"},
      {"max TLS 1.2, level 5", 0, TLS1_2_VERSION, 5, NULL},
      {"no version", TLS1_3_VERSION, TLS1_2_VERSION, -1, NULL},
      {"TLSv1_2_method", 0, 0, -1, NULL},
      {"TLSv1_2_method, min TLS 1.3 (ignored)", TLS1_3_VERSION, 0, -1, NULL},
  };
  size_t i;
  for (i = 0; i < sizeof(kCases) / sizeof(kCases[0]); ++i) {
    SSL_CTX* ctx =
        SSL_CTX_new(strncmp(kCases[i].name, "TLSv1_2", 7) == 0 ? TLSv1_2_method() : TLS_method());
    SSL* s;
    STACK_OF(SSL_CIPHER) * sk;
    char label[128];
    SETUP(ctx != NULL);
    say("[%s] default level=%d", kCases[i].name, SSL_CTX_get_security_level(ctx));
    SETUP(SSL_CTX_set_min_proto_version(ctx, kCases[i].min) == 1);
    SETUP(SSL_CTX_set_max_proto_version(ctx, kCases[i].max) == 1);
    if (kCases[i].level >= 0) SSL_CTX_set_security_level(ctx, kCases[i].level);
    if (kCases[i].list != NULL) SETUP(SSL_CTX_set_cipher_list(ctx, kCases[i].list) == 1);
    SETUP((s = SSL_new(ctx)) != NULL);
    sk = SSL_get1_supported_ciphers(s);
    snprintf(label, sizeof(label), "  level=%d supported%s", SSL_get_security_level(s),
             sk == NULL ? " (none)" : "");
    print_ciphers(label, sk);
    sk_SSL_CIPHER_free(sk);
    SSL_set_security_level(s, 1);
    say("  ssl level=%d ctx level=%d", SSL_get_security_level(s), SSL_CTX_get_security_level(ctx));
    print_queue();
    SSL_free(s);
    SSL_CTX_free(ctx);
  }
}

/* The suite a handshake picks: the server takes the client's preference
 * (or its own with SSL_OP_CIPHER_SERVER_PREFERENCE), among the suites its
 * certificate can sign for; a server whose list has nothing for its
 * certificate, or that shares nothing with the client, fails. */
void sc_cipher_choice(void) {
  static const struct {
    const char* name;
    int rsa;
    const char* client;
    const char* server;
    uint64_t server_options;
  } kCases[] = {
      {"defaults, ECDSA", 0, NULL, NULL, 0},
      {"defaults, RSA", 1, NULL, NULL, 0},
      {"client prefers ChaCha20", 0, "CHACHA20:ALL", NULL, 0},
      {"server prefers AES128", 0, NULL, "AES128:ALL", 0},
      {"server prefers AES128, server preference", 0, NULL, "AES128:ALL",
       SSL_OP_CIPHER_SERVER_PREFERENCE},
      {"client AES128-GCM only", 0, "ECDHE-ECDSA-AES128-GCM-SHA256", NULL, 0},
      {"client RSA ChaCha20, RSA", 1, "ECDHE-RSA-CHACHA20-POLY1305", NULL, 0},
      {"server preference, PRIORITIZE_CHACHA, client prefers ChaCha20", 0, "CHACHA20:ALL", NULL,
       SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA},
      {"server preference, PRIORITIZE_CHACHA, client prefers AES", 0, NULL, "AES128:ALL",
       SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA},
      {"server RSA suites, ECDSA certificate", 0, NULL, "aRSA", 0},
      {"nothing shared", 0, "AES128", "AES256", 0},
  };
  size_t i;
  for (i = 0; i < sizeof(kCases) / sizeof(kCases[0]); ++i) {
    Pair p;
    PairOptions o = pair_defaults();
    int hs;
    o.rsa_server = kCases[i].rsa;
    pair_new(&p, &o);
    if (kCases[i].client != NULL) SETUP(SSL_set_cipher_list(p.c, kCases[i].client) == 1);
    if (kCases[i].server != NULL) SETUP(SSL_set_cipher_list(p.s, kCases[i].server) == 1);
    SSL_set_options(p.s, kCases[i].server_options);
    if (kCases[i].client != NULL && strcmp(kCases[i].client, "CHACHA20:ALL") == 0)
      SETUP(SSL_set_ciphersuites(p.c, "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256") == 1);
    hs = pair_handshake(&p);
    say("[%s] handshake=%d version=%s cipher=%s", kCases[i].name, hs, SSL_get_version(p.c),
        hs ? SSL_CIPHER_get_name(SSL_get_current_cipher(p.c)) : "-");
    print_queue();
    pair_free(&p);
  }
}

/* --- SSL_CIPHER ------------------------------------------------------------------------ */

static void print_cipher(const SSL_CIPHER* c) {
  char desc[256];
  int alg = 0;
  const EVP_MD* md = SSL_CIPHER_get_handshake_digest(c);
  say("%s / %s", SSL_CIPHER_get_name(c), SSL_CIPHER_standard_name(c));
  say("  id=%08lx protocol_id=%04x version=%s bits=%d/%d", (unsigned long)SSL_CIPHER_get_id(c),
      SSL_CIPHER_get_protocol_id(c), SSL_CIPHER_get_version(c), SSL_CIPHER_get_bits(c, &alg), alg);
  say("  kx=%s auth=%s cipher=%s digest=%s aead=%d handshake_digest=%s",
      OBJ_nid2sn(SSL_CIPHER_get_kx_nid(c)), OBJ_nid2sn(SSL_CIPHER_get_auth_nid(c)),
      OBJ_nid2sn(SSL_CIPHER_get_cipher_nid(c)), OBJ_nid2sn(SSL_CIPHER_get_digest_nid(c)),
      SSL_CIPHER_is_aead(c), md != NULL ? EVP_MD_get0_name(md) : "(none)");
  say("  description=[%s]", SSL_CIPHER_description(c, desc, sizeof(desc)));
  say("  description(100)=%s", SSL_CIPHER_description(c, desc, 100) == NULL ? "NULL" : "set");
}

/* Every accessor for each of adieu's suites, found by its code. */
void sc_cipher_accessors(void) {
  static const unsigned char kCodes[][2] = {{0x13, 0x01}, {0x13, 0x02}, {0x13, 0x03},
                                            {0xc0, 0x2b}, {0xc0, 0x2c}, {0xc0, 0x2f},
                                            {0xc0, 0x30}, {0xcc, 0xa8}, {0xcc, 0xa9}};
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* s;
  size_t i;
  SETUP(ctx != NULL);
  SETUP((s = SSL_new(ctx)) != NULL);
  for (i = 0; i < sizeof(kCodes) / sizeof(kCodes[0]); ++i) {
    const SSL_CIPHER* c = SSL_CIPHER_find(s, kCodes[i]);
    SETUP(c != NULL);
    print_cipher(c);
  }
  {
    static const unsigned char unknown[] = {0xff, 0xfe};
    say("find(fffe)=%s", SSL_CIPHER_find(s, unknown) == NULL ? "NULL" : "found");
  }
  say("NULL: %s %s %s bits=%d", SSL_CIPHER_get_name(NULL), SSL_CIPHER_standard_name(NULL),
      SSL_CIPHER_get_version(NULL), SSL_CIPHER_get_bits(NULL, NULL));
  SSL_free(s);
  SSL_CTX_free(ctx);
}

/* The suite of a handshake, for each of the six TLS 1.2 suites (the client
 * offers one; the server has the certificate it needs). */
void sc_negotiated_suites(void) {
  static const char* const kSuites[] = {
      "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
      "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-AES128-GCM-SHA256",
      "ECDHE-RSA-AES256-GCM-SHA384",   "ECDHE-RSA-CHACHA20-POLY1305"};
  size_t i;
  for (i = 0; i < sizeof(kSuites) / sizeof(kSuites[0]); ++i) {
    Pair p;
    PairOptions o = pair_defaults();
    const SSL_CIPHER* c;
    o.rsa_server = strstr(kSuites[i], "-RSA-") != NULL;
    pair_new(&p, &o);
    SETUP(SSL_set_cipher_list(p.c, kSuites[i]) == 1);
    SETUP(pair_handshake(&p));
    c = SSL_get_current_cipher(p.c);
    say("[%s] version=%s server's=%s", kSuites[i], SSL_get_version(p.c),
        SSL_CIPHER_get_name(SSL_get_current_cipher(p.s)));
    say("  %s", SSL_CIPHER_standard_name(c));
    say("  session cipher=%s", SSL_CIPHER_get_name(SSL_SESSION_get0_cipher(SSL_get_session(p.c))));
    STEP("  C write", p.c, p.c_net, SSL_write(p.c, "data", 4));
    c2s(&p);
    STEP("  S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
    STEP("  C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
    pair_free(&p);
  }
}

/* --- randoms, master keys, exported keying material --------------------------------- */

static int all_zero(const unsigned char* b, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i)
    if (b[i] != 0) return 0;
  return 1;
}

void sc_randoms_and_keys(void) {
  Pair p;
  PairOptions o = pair_defaults();
  unsigned char cr[40], sr[40], cr2[40], sr2[40], mk[80], mk2[80];
  size_t n, m;
  pair_new(&p, &o);
  memset(cr, 0x55, sizeof(cr));
  n = SSL_get_client_random(p.c, cr, sizeof(cr));
  say("before: client_random len=%zu copied=%zu zero=%d", SSL_get_client_random(p.c, NULL, 0), n,
      all_zero(cr, 32));
  say("before: server_random len=%zu", SSL_get_server_random(p.c, NULL, 0));
  say("before: export=%d",
      SSL_export_keying_material(p.c, mk, 16, "EXPERIMENTAL-x", 14, NULL, 0, 0));
  print_queue();
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  say("mid-handshake: export=%d client_random zero=%d",
      SSL_export_keying_material(p.c, mk, 16, "EXPERIMENTAL-x", 14, NULL, 0, 0),
      SSL_get_client_random(p.c, cr, sizeof(cr)) == 32 && all_zero(cr, 32));
  print_queue();
  SETUP(pair_handshake(&p));
  n = SSL_get_client_random(p.c, cr, sizeof(cr));
  m = SSL_get_server_random(p.c, sr, sizeof(sr));
  SSL_get_client_random(p.s, cr2, sizeof(cr2));
  SSL_get_server_random(p.s, sr2, sizeof(sr2));
  say("client_random n=%zu zero=%d same on both=%d; server_random n=%zu same=%d", n,
      all_zero(cr, 32), memcmp(cr, cr2, 32) == 0, m, memcmp(sr, sr2, 32) == 0);
  say("short copy=%zu", SSL_get_client_random(p.c, cr2, 5));
  /* TLS 1.3 servers end their random with the downgrade sentinel only when
   * negotiating TLS 1.2 or lower with a TLS 1.3-capable server. */
  say("server_random ends with DOWNGRD=%d", memcmp(sr + 24, "DOWNGRD", 7) == 0);
  n = SSL_SESSION_get_master_key(SSL_get_session(p.c), NULL, 0);
  m = SSL_SESSION_get_master_key(SSL_get_session(p.s), NULL, 0);
  SSL_SESSION_get_master_key(SSL_get_session(p.c), mk, sizeof(mk));
  SSL_SESSION_get_master_key(SSL_get_session(p.s), mk2, sizeof(mk2));
  say("master key len C=%zu S=%zu same=%d short=%zu", n, m, n == m && memcmp(mk, mk2, n) == 0,
      SSL_SESSION_get_master_key(SSL_get_session(p.c), mk, 10));
  {
    static const unsigned char ctxbytes[] = "context";
    unsigned char a[64], b[64], none[64], empty[64];
    int ra = SSL_export_keying_material(p.c, a, 64, "EXPERIMENTAL-adieu", 18, ctxbytes, 7, 1);
    int rb = SSL_export_keying_material(p.s, b, 64, "EXPERIMENTAL-adieu", 18, ctxbytes, 7, 1);
    int rn = SSL_export_keying_material(p.c, none, 64, "EXPERIMENTAL-adieu", 18, NULL, 0, 0);
    int re = SSL_export_keying_material(p.c, empty, 64, "EXPERIMENTAL-adieu", 18, ctxbytes, 0, 1);
    int rc = SSL_export_keying_material(p.s, b, 64, "EXPERIMENTAL-adieu", 18, NULL, 0, 0);
    say("export with context C=%d S=%d same=%d", ra, rb, memcmp(a, b, 64) == 0);
    say("no context=%d empty context=%d no==empty=%d server no context=%d same=%d", rn, re,
        memcmp(none, empty, 64) == 0, rc, memcmp(none, b, 64) == 0);
    say("use_context=0 ignores the context: %d",
        SSL_export_keying_material(p.c, a, 64, "EXPERIMENTAL-adieu", 18, ctxbytes, 7, 0) == 1 &&
            memcmp(a, none, 64) == 0);
    say("other label differs: %d",
        SSL_export_keying_material(p.c, a, 64, "EXPERIMENTAL-other", 18, NULL, 0, 0) == 1 &&
            memcmp(a, none, 64) != 0);
    say("1 byte=%d 1000 bytes=%d",
        SSL_export_keying_material(p.c, a, 1, "EXPERIMENTAL-adieu", 18, NULL, 0, 0),
        SSL_export_keying_material(p.c, (unsigned char*)buf, 1000, "EXPERIMENTAL-adieu", 18, NULL,
                                   0, 0));
    print_queue();
    say("label 'master secret'=%d",
        SSL_export_keying_material(p.c, a, 32, "master secret", 13, NULL, 0, 0));
    print_queue();
    say("label 'key expansion-x'=%d",
        SSL_export_keying_material(p.c, a, 32, "key expansion-x", 15, NULL, 0, 0));
    print_queue();
    say("label 'client finishe'=%d",
        SSL_export_keying_material(p.c, a, 32, "client finishe", 14, NULL, 0, 0));
    print_queue();
  }
  SSL_read(p.c, buf, sizeof(buf)); /* TLS 1.3 tickets */
  ERR_clear_error();
  say("after tickets: master key len=%zu reused=%d",
      SSL_SESSION_get_master_key(SSL_get_session(p.c), NULL, 0), SSL_session_reused(p.c));
  pair_free(&p);
}

/* --- the Finished messages (tls-unique, RFC 5929) ------------------------------------- */

/* Each side's own Finished is the other's peer Finished; lengths and a short
 * copy as ssl_lib.c; tls-unique (Python's rule: the client's Finished unless
 * resumed) agrees at both ends. */
static void print_finished(Pair* p, const char* label) {
  unsigned char cf[80], cpf[80], sf[80], spf[80], shortbuf[4];
  size_t n;
  size_t ncf = SSL_get_finished(p->c, cf, sizeof(cf));
  size_t ncpf = SSL_get_peer_finished(p->c, cpf, sizeof(cpf));
  size_t nsf = SSL_get_finished(p->s, sf, sizeof(sf));
  size_t nspf = SSL_get_peer_finished(p->s, spf, sizeof(spf));
  int reused = SSL_session_reused(p->c);
  say("%s: reused=%d C finished=%zu peer=%zu S finished=%zu peer=%zu", label, reused, ncf, ncpf,
      nsf, nspf);
  say("%s: C finished = S peer %d, S finished = C peer %d, C finished != C peer %d", label,
      ncf == nspf && memcmp(cf, spf, ncf) == 0, nsf == ncpf && memcmp(sf, cpf, nsf) == 0,
      ncf != ncpf || memcmp(cf, cpf, ncf) != 0);
  n = SSL_get_finished(p->c, shortbuf, sizeof(shortbuf));
  say("%s: short copy returns %zu, copies the start %d", label, n, memcmp(shortbuf, cf, 4) == 0);
  say("%s: NULL buffer returns %zu", label, SSL_get_peer_finished(p->s, NULL, 0));
}

void sc_finished_messages(void) {
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  BIO *c_ssl, *s_ssl;
  unsigned char b[64];
  pair_new(&p, &o);
  say("before: C finished=%zu peer=%zu S finished=%zu peer=%zu", SSL_get_finished(p.c, b, 64),
      SSL_get_peer_finished(p.c, b, 64), SSL_get_finished(p.s, b, 64),
      SSL_get_peer_finished(p.s, b, 64));
  SETUP(pair_handshake(&p));
  print_finished(&p, "full");
  SSL_read(p.c, buf, sizeof(buf)); /* TLS 1.3 tickets */
  ERR_clear_error();
  SETUP((sess = SSL_get1_session(p.c)) != NULL);
  SSL_shutdown(p.c);
  c2s(&p);
  SSL_read(p.s, buf, sizeof(buf));
  SSL_shutdown(p.s);
  s2c(&p);
  SSL_shutdown(p.c);
  ERR_clear_error();
  SSL_free(p.c);
  SSL_free(p.s);
  BIO_free(p.c_net);
  BIO_free(p.s_net);
  SETUP((p.c = SSL_new(p.cctx)) != NULL);
  SETUP((p.s = SSL_new(p.sctx)) != NULL);
  SETUP(BIO_new_bio_pair(&c_ssl, 0, &p.c_net, 0) == 1);
  SETUP(BIO_new_bio_pair(&s_ssl, 0, &p.s_net, 0) == 1);
  SSL_set_bio(p.c, c_ssl, c_ssl);
  SSL_set_bio(p.s, s_ssl, s_ssl);
  SSL_set_connect_state(p.c);
  SSL_set_accept_state(p.s);
  SETUP(SSL_set_tlsext_host_name(p.c, "localhost") == 1);
  SETUP(SSL_set_session(p.c, sess) == 1);
  SETUP(pair_handshake(&p));
  print_finished(&p, "resumed");
  SSL_SESSION_free(sess);
  pair_free(&p);
}

/* --- one certificate per key type (OpenSSL's SSL_PKEY_* slots) ------------------------ */

static const char* key_type_name(X509* x) {
  EVP_PKEY* k = x != NULL ? X509_get0_pubkey(x) : NULL;
  if (k == NULL) return "none";
  switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA:
      return "RSA";
    case EVP_PKEY_EC:
      return "EC";
    default:
      return "other";
  }
}

/* A context with an ECDSA and an RSA certificate: the current one is the
 * last set; a TLS 1.2 server takes the one its suite needs. */
void sc_dual_certificates(void) {
  const char* lists[] = {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
                         "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256"};
  size_t i;
  for (i = 0; i < sizeof(lists) / sizeof(lists[0]); ++i) {
    Pair p;
    PairOptions o = pair_defaults();
    X509* peer;
    pair_new(&p, &o);
    SETUP(SSL_CTX_use_certificate_chain_file(p.sctx, data_file("rsa-fullchain.pem")) == 1);
    say("-- client suites %s", lists[i]);
    say("after the RSA certificate: current=%s check=%d",
        key_type_name(SSL_CTX_get0_certificate(p.sctx)), SSL_CTX_check_private_key(p.sctx));
    print_queue();
    SETUP(SSL_CTX_use_PrivateKey_file(p.sctx, data_file("rsa-leaf.key"), SSL_FILETYPE_PEM) == 1);
    say("after its key: current=%s check=%d", key_type_name(SSL_CTX_get0_certificate(p.sctx)),
        SSL_CTX_check_private_key(p.sctx));
    say("the ECDSA key on the RSA certificate's context: %d",
        SSL_CTX_use_PrivateKey_file(p.sctx, data_file("ecdsa-leaf.key"), SSL_FILETYPE_PEM));
    say("now current=%s check=%d", key_type_name(SSL_CTX_get0_certificate(p.sctx)),
        SSL_CTX_check_private_key(p.sctx));
    say("another EC key: %d",
        SSL_CTX_use_PrivateKey_file(p.sctx, data_file("client-leaf.key"), SSL_FILETYPE_PEM));
    print_queue();
    say("now current=%s", key_type_name(SSL_CTX_get0_certificate(p.sctx)));
    say("an RSA-PSS key (a slot of its own): %d",
        SSL_CTX_use_PrivateKey_file(p.sctx, data_file("rsa-pss-leaf.key"), SSL_FILETYPE_PEM));
    print_queue();
    SETUP(SSL_CTX_use_certificate_chain_file(p.sctx, data_file("rsa-fullchain.pem")) == 1);
    say("current=%s check=%d", key_type_name(SSL_CTX_get0_certificate(p.sctx)),
        SSL_CTX_check_private_key(p.sctx));
    SETUP(SSL_CTX_load_verify_locations(p.cctx, data_file("ca-bundle.pem"), NULL) == 1);
    SSL_CTX_set_verify(p.cctx, SSL_VERIFY_PEER, NULL);
    SETUP(SSL_CTX_set_cipher_list(p.cctx, lists[i]) == 1);
    SSL_free(p.s);
    p.s = NULL;
    {
      BIO* s_ssl;
      BIO_free(p.s_net);
      SETUP((p.s = SSL_new(p.sctx)) != NULL);
      SETUP(BIO_new_bio_pair(&s_ssl, 0, &p.s_net, 0) == 1);
      SSL_set_bio(p.s, s_ssl, s_ssl);
      SSL_set_accept_state(p.s);
    }
    SSL_set_cipher_list(p.c, lists[i]);
    {
      int hs = pair_handshake(&p);
      peer = SSL_get0_peer_certificate(p.c);
      say("handshake=%d verify=%ld server certificate=%s", hs, SSL_get_verify_result(p.c),
          key_type_name(peer));
      if (SSL_version(p.c) == TLS1_2_VERSION) say("suite=%s", SSL_get_cipher_name(p.c));
    }
    print_queue();
    pair_free(&p);
  }
}

/* --- SSL_get_peer_tmp_key: the peer's key share ---------------------------------------- */

static void print_tmp_key(const char* who, SSL* ssl) {
  EVP_PKEY* k = NULL;
  long r = SSL_get_peer_tmp_key(ssl, &k);
  if (r != 1 || k == NULL) {
    say("  %s peer tmp key: ret=%ld", who, r);
    return;
  }
  say("  %s peer tmp key: ret=%ld type=%s bits=%d", who, r, OBJ_nid2sn(EVP_PKEY_get_base_id(k)),
      EVP_PKEY_get_bits(k));
  EVP_PKEY_free(k);
}

void sc_peer_tmp_key(void) {
  const char* groups[] = {"X25519", "P-256", "P-384", "P-521", "X448", "ffdhe2048"};
  size_t i;
  for (i = 0; i < sizeof(groups) / sizeof(groups[0]); ++i) {
    Pair p;
    PairOptions o = pair_defaults();
    pair_new(&p, &o);
    SETUP(SSL_set1_groups_list(p.c, groups[i]) == 1);
    say("-- %s", groups[i]);
    print_tmp_key("before: C", p.c);
    if (!pair_handshake(&p)) {
      say("  no handshake");
      print_queue();
    } else {
      print_tmp_key("C", p.c);
      print_tmp_key("S", p.s);
    }
    pair_free(&p);
  }
}

/* --- scenario 16: a TLS 1.2 HelloRequest ----------------------------------------------- */

/* Seals one record as the server would (TLS 1.2, AES-GCM), from the
 * connection's master secret and randoms (RFC 5246 6.3 key block, RFC 5288
 * nonce). `seq` is the server's write sequence number. */
static size_t forge_server_record(Pair* p, unsigned char type, const unsigned char* body,
                                  size_t len, unsigned long long seq, unsigned char* out) {
  const SSL_CIPHER* c = SSL_get_current_cipher(p->s);
  int keylen = SSL_CIPHER_get_bits(c, NULL) / 8;
  unsigned char ms[48], cr[32], sr[32], seed[13 + 64], kb[80], nonce[12], aad[13];
  const char* digest = EVP_MD_get0_name(SSL_CIPHER_get_handshake_digest(c));
  EVP_KDF* kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_TLS1_PRF, NULL);
  EVP_KDF_CTX* kctx = EVP_KDF_CTX_new(kdf);
  EVP_CIPHER_CTX* cctx = EVP_CIPHER_CTX_new();
  OSSL_PARAM params[4];
  int outl = 0, i;
  SETUP(SSL_SESSION_get_master_key(SSL_get_session(p->s), ms, sizeof(ms)) == 48);
  SSL_get_client_random(p->s, cr, 32);
  SSL_get_server_random(p->s, sr, 32);
  memcpy(seed, "key expansion", 13);
  memcpy(seed + 13, sr, 32);
  memcpy(seed + 45, cr, 32);
  params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char*)digest, 0);
  params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, ms, 48);
  params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed, 77);
  params[3] = OSSL_PARAM_construct_end();
  SETUP(kctx != NULL && EVP_KDF_derive(kctx, kb, (size_t)(2 * keylen + 8), params) == 1);
  memcpy(nonce, kb + 2 * keylen + 4, 4); /* server_write_IV, then the explicit part */
  for (i = 0; i < 8; ++i) nonce[4 + i] = (unsigned char)(seq >> (56 - 8 * i));
  memcpy(aad, nonce + 4, 8);
  aad[8] = type;
  aad[9] = 3;
  aad[10] = 3;
  aad[11] = (unsigned char)(len >> 8);
  aad[12] = (unsigned char)len;
  out[0] = type;
  out[1] = 3;
  out[2] = 3;
  out[3] = (unsigned char)((8 + len + 16) >> 8);
  out[4] = (unsigned char)(8 + len + 16);
  memcpy(out + 5, nonce + 4, 8);
  SETUP(EVP_EncryptInit_ex(cctx, keylen == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL,
                           kb + keylen, nonce) == 1);
  SETUP(EVP_EncryptUpdate(cctx, NULL, &outl, aad, 13) == 1);
  SETUP(EVP_EncryptUpdate(cctx, out + 13, &outl, body, (int)len) == 1);
  SETUP(EVP_EncryptFinal_ex(cctx, out + 13 + outl, &outl) == 1);
  SETUP(EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_GET_TAG, 16, out + 13 + len) == 1);
  EVP_CIPHER_CTX_free(cctx);
  EVP_KDF_CTX_free(kctx);
  EVP_KDF_free(kdf);
  return 5 + 8 + len + 16;
}

static void inject(Pair* p, unsigned char type, const unsigned char* body, size_t len,
                   unsigned long long seq) {
  unsigned char rec[64];
  size_t n = forge_server_record(p, type, body, len, seq, rec);
  SETUP(BIO_write(p->c_net, rec, (int)n) == (int)n);
}

static const unsigned char kHelloRequest[] = {0, 0, 0, 0};
static const unsigned char kCloseNotify[] = {1, 0};

/* Both ends on TLS 1.2 with an AES-GCM suite (the record is sealed here). */
static int hello_request_pair(Pair* p, int no_auto_retry) {
  PairOptions o = pair_defaults();
  if (!harness_tls12) {
    say("(a TLS 1.2 message: nothing to do in TLS 1.3)");
    return 0;
  }
  pair_connect(p, &o);
  SETUP(SSL_CIPHER_get_cipher_nid(SSL_get_current_cipher(p->c)) != NID_chacha20_poly1305);
  if (no_auto_retry) SSL_clear_mode(p->c, SSL_MODE_AUTO_RETRY);
  return 1;
}

/* 16. A HelloRequest after our close_notify: ignored, nothing written, the
 * waiting call goes on (R18), with and without SSL_MODE_AUTO_RETRY. */
void sc_hello_request_after_close(void) {
  int no_auto_retry;
  for (no_auto_retry = 0; no_auto_retry < 2; ++no_auto_retry) {
    Pair p;
    if (!hello_request_pair(&p, no_auto_retry)) return;
    say("[auto_retry=%d]", !no_auto_retry);
    STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
    inject(&p, 22, kHelloRequest, sizeof(kHelloRequest), 1);
    STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
    STEP("C shutdown #3", p.c, p.c_net, SSL_shutdown(p.c));
    inject(&p, 21, kCloseNotify, sizeof(kCloseNotify), 2);
    STEP("C shutdown #4", p.c, p.c_net, SSL_shutdown(p.c));
    STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
    pair_free(&p);
  }
}

/* The same through SSL_read while waiting for the peer's close_notify. */
void sc_hello_request_read_after_close(void) {
  Pair p;
  if (!hello_request_pair(&p, 0)) return;
  STEP("C shutdown #1", p.c, p.c_net, SSL_shutdown(p.c));
  inject(&p, 22, kHelloRequest, sizeof(kHelloRequest), 1);
  STEP("C read #1", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  inject(&p, 21, kCloseNotify, sizeof(kCloseNotify), 2);
  STEP("C read #2", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C shutdown #2", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);
}

/* A HelloRequest while the connection is open, renegotiation refused with
 * SSL_OP_NO_RENEGOTIATION: a warning no_renegotiation alert, and the
 * connection goes on; the server that gets that warning fails. */
void sc_hello_request_refused(void) {
  Pair p;
  if (!hello_request_pair(&p, 0)) return;
  SSL_set_options(p.c, SSL_OP_NO_RENEGOTIATION);
  inject(&p, 22, kHelloRequest, sizeof(kHelloRequest), 1);
  STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  inject(&p, 23, (const unsigned char*)"after", 5, 2);
  STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  STEP("C write", p.c, p.c_net, SSL_write(p.c, "still open", 10));
  say("to server %zu", c2s(&p));
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  pair_free(&p);
}

/* The same without SSL_OP_NO_RENEGOTIATION: OpenSSL's client renegotiates,
 * adieu refuses as above (see docs/compat.md). */
void sc_hello_request_renegotiation(void) {
  Pair p;
  if (!hello_request_pair(&p, 0)) return;
  inject(&p, 22, kHelloRequest, sizeof(kHelloRequest), 1);
  STEP("C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
  say("in_init=%d", SSL_in_init(p.c));
  pair_free(&p);
}

/* TLS 1.2 alerts (R5, R44): warnings other than close_notify are ignored,
 * five in a row are fatal, a close_notify at fatal level is a fatal alert. */
void sc_tls12_alerts(void) {
  static const struct {
    const char* name;
    int warnings;      /* warning alerts (user_canceled) first */
    unsigned char fin; /* then this alert (level, description); 0: data */
    unsigned char fin_desc;
  } kCases[] = {
      {"one warning, then data", 1, 0, 0},   {"a warning bad_certificate, then data", -1, 0, 0},
      {"four warnings, then data", 4, 0, 0}, {"five warnings", 5, 0, 0},
      {"a fatal close_notify", 0, 2, 0},     {"a warning close_notify", 0, 1, 0},
      {"a fatal user_canceled", 0, 2, 90},
  };
  size_t i;
  for (i = 0; i < sizeof(kCases) / sizeof(kCases[0]); ++i) {
    Pair p;
    unsigned long long seq = 1;
    int w;
    if (!hello_request_pair(&p, 0)) return;
    say("[%s]", kCases[i].name);
    if (kCases[i].warnings < 0) {
      static const unsigned char bad_certificate[] = {1, 42};
      inject(&p, 21, bad_certificate, 2, seq++);
    }
    for (w = 0; w < kCases[i].warnings; ++w) {
      static const unsigned char user_canceled[] = {1, 90};
      inject(&p, 21, user_canceled, 2, seq++);
    }
    if (kCases[i].fin == 0) {
      inject(&p, 23, (const unsigned char*)"data", 4, seq++);
    } else {
      unsigned char alert[2];
      alert[0] = kCases[i].fin;
      alert[1] = kCases[i].fin_desc;
      inject(&p, 21, alert, 2, seq++);
    }
    STEP("  C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
    STEP("  C read", p.c, p.c_net, SSL_read(p.c, buf, sizeof(buf)));
    STEP("  C write", p.c, p.c_net, SSL_write(p.c, "x", 1));
    STEP("  C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
    pair_free(&p);
  }
}

/* SSL_CTX_set_ciphersuites("") leaves TLS 1.3 without a suite; a failed
 * cipher string leaves TLS 1.2 without one. An end whose highest version
 * has no suite fails before its first flight ("no ciphers available", an
 * alert in the clear); limited to a version it has suites for, it works. */
void sc_no_suite_for_version(void) {
  static const struct {
    const char* name;
    int client_side;
    int no_tls13_suites, no_tls12_suites;
    long max;
  } kCases[] = {
      {"client without TLS 1.3 suites", 1, 1, 0, 0},
      {"client without TLS 1.3 suites, max TLS 1.2", 1, 1, 0, TLS1_2_VERSION},
      {"client without TLS 1.2 suites, max TLS 1.2", 1, 0, 1, TLS1_2_VERSION},
      {"client without TLS 1.2 suites", 1, 0, 1, 0},
      {"server without TLS 1.3 suites", 0, 1, 0, 0},
      {"server without TLS 1.3 suites, max TLS 1.2", 0, 1, 0, TLS1_2_VERSION},
      {"server without TLS 1.2 suites, max TLS 1.2", 0, 0, 1, TLS1_2_VERSION},
      {"server without TLS 1.2 suites", 0, 0, 1, 0},
  };
  size_t i;
  for (i = 0; i < sizeof(kCases) / sizeof(kCases[0]); ++i) {
    Pair p;
    PairOptions o = pair_defaults();
    SSL* s;
    int r;
    pair_new(&p, &o);
    s = kCases[i].client_side ? p.c : p.s;
    if (kCases[i].no_tls13_suites) SETUP(SSL_set_ciphersuites(s, "") == 1);
    if (kCases[i].no_tls12_suites) SETUP(SSL_set_cipher_list(s, "FOO") == 0);
    ERR_clear_error();
    if (kCases[i].max != 0) SETUP(SSL_set_max_proto_version(s, kCases[i].max) == 1);
    say("[%s]", kCases[i].name);
    if (kCases[i].client_side) {
      size_t before = pending_out(p.c_net);
      int e;
      r = SSL_connect(p.c);
      e = SSL_get_error(p.c, r);
      report("  C connect", p.c, r, -1);
      say("  wrote: %s", pending_out(p.c_net) - before == 7 ? "an alert" : "its flight");
      print_versions("  C", p.c);
      if (e == SSL_ERROR_SSL) {
        pair_free(&p);
        continue;
      }
    }
    r = pair_handshake(&p);
    say("  handshake=%d version=%s cipher=%s", r, SSL_get_version(p.c),
        r ? SSL_CIPHER_get_name(SSL_get_current_cipher(p.c)) : "-");
    print_queue();
    if (!kCases[i].client_side) print_versions("  S", p.s);
    pair_free(&p);
  }
}
