/* Misuse must not crash libadieu-ssl: NULL where a pointer is expected, calls
 * in the wrong order, objects freed in any order. Linked against adieu only
 * (OpenSSL itself crashes on several of these). Exit status 0 = survived, and
 * a few answers are checked. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

static int failures;
#define EXPECT(cond)                                                      \
  do {                                                                    \
    if (!(cond)) {                                                        \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                         \
    }                                                                     \
  } while (0)

static void nulls(void) {
  unsigned char* out = NULL;
  unsigned char outlen = 0;
  const unsigned char* data = NULL;
  unsigned int len = 0;
  size_t n = 0;
  char buf[16];
  EXPECT(SSL_CTX_new(NULL) == NULL);
  EXPECT(SSL_new(NULL) == NULL);
  SSL_free(NULL);
  SSL_CTX_free(NULL);
  SSL_SESSION_free(NULL);
  EXPECT(SSL_read(NULL, buf, 1) == -1);
  EXPECT(SSL_write(NULL, "x", 1) == -1);
  EXPECT(SSL_read_ex(NULL, buf, 1, &n) == 0);
  EXPECT(SSL_write_ex(NULL, "x", 1, &n) == 0);
  EXPECT(SSL_peek(NULL, buf, 1) == -1);
  EXPECT(SSL_shutdown(NULL) == -1);
  EXPECT(SSL_do_handshake(NULL) == -1);
  EXPECT(SSL_connect(NULL) == -1);
  EXPECT(SSL_accept(NULL) == -1);
  EXPECT(SSL_get_error(NULL, -1) == SSL_ERROR_SSL);
  EXPECT(SSL_get_shutdown(NULL) == 0);
  SSL_set_shutdown(NULL, 3);
  SSL_set_quiet_shutdown(NULL, 1);
  EXPECT(SSL_clear(NULL) == 0);
  SSL_set_bio(NULL, NULL, NULL);
  SSL_set0_rbio(NULL, NULL);
  SSL_set0_wbio(NULL, NULL);
  EXPECT(SSL_get_rbio(NULL) == NULL);
  EXPECT(SSL_set_fd(NULL, 0) == 0);
  EXPECT(SSL_get_fd(NULL) == -1);
  EXPECT(SSL_pending(NULL) == 0);
  EXPECT(SSL_has_pending(NULL) == 0);
  EXPECT(SSL_get_current_cipher(NULL) == NULL);
  EXPECT(strcmp(SSL_CIPHER_get_name(NULL), "(NONE)") == 0);
  EXPECT(SSL_get_session(NULL) == NULL);
  EXPECT(SSL_get1_session(NULL) == NULL);
  EXPECT(SSL_set_session(NULL, NULL) == 0);
  EXPECT(SSL_SESSION_is_resumable(NULL) == 0);
  EXPECT(SSL_SESSION_get_id(NULL, &len) == NULL && len == 0);
  EXPECT(SSL_get1_peer_certificate(NULL) == NULL);
  EXPECT(SSL_get_servername(NULL, TLSEXT_NAMETYPE_host_name) == NULL);
  SSL_get0_alpn_selected(NULL, &data, &len);
  EXPECT(data == NULL && len == 0);
  EXPECT(SSL_select_next_proto(NULL, NULL, NULL, 0, NULL, 0) == OPENSSL_NPN_NO_OVERLAP);
  EXPECT(SSL_select_next_proto(&out, &outlen, NULL, 0, NULL, 0) == OPENSSL_NPN_NO_OVERLAP);
  EXPECT(SSL_CTX_set_alpn_protos(NULL, (const unsigned char*)"\x02h2", 3) == 1);
  EXPECT(SSL_CTX_ctrl(NULL, SSL_CTRL_MODE, 1, NULL) == 0);
  EXPECT(SSL_ctrl(NULL, SSL_CTRL_MODE, 1, NULL) == 0);
  EXPECT(SSL_CTX_use_certificate(NULL, NULL) == 0);
  EXPECT(SSL_CTX_use_PrivateKey(NULL, NULL) == 0);
  EXPECT(SSL_CTX_check_private_key(NULL) == 0);
  EXPECT(SSL_get0_param(NULL) == NULL && SSL_CTX_get0_param(NULL) == NULL);
  EXPECT(SSL_set1_host(NULL, "x") == 0 && SSL_add1_host(NULL, "x") == 0);
  EXPECT(SSL_get0_peername(NULL) == NULL);
  EXPECT(SSL_get0_verified_chain(NULL) == NULL && SSL_get_peer_cert_chain(NULL) == NULL);
  EXPECT(SSL_get_client_CA_list(NULL) == NULL && SSL_CTX_get0_CA_list(NULL) == NULL);
  EXPECT(SSL_load_client_CA_file(NULL) == NULL && SSL_load_client_CA_file("/nonexistent") == NULL);
  EXPECT(SSL_CTX_add_client_CA(NULL, NULL) == 0 && SSL_CTX_add1_to_CA_list(NULL, NULL) == 0);
  EXPECT(SSL_get_ex_data_X509_STORE_CTX_idx() >= 0);
  /* What real programs call, with NULLs and nonsense. */
  EXPECT(SSL_CONF_cmd(NULL, "CipherString", "ALL") == 0);
  EXPECT(SSL_CONF_CTX_finish(NULL) == 0);
  EXPECT(SSL_CONF_cmd_value_type(NULL, "CipherString") == SSL_CONF_TYPE_UNKNOWN);
  {
    SSL_CONF_CTX* cctx = SSL_CONF_CTX_new();
    EXPECT(cctx != NULL);
    EXPECT(SSL_CONF_cmd(cctx, NULL, NULL) == 0);
    SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_FILE);
    EXPECT(SSL_CONF_cmd(cctx, "CipherString", "ALL") == 2); /* no context: nothing to apply */
    EXPECT(SSL_CONF_cmd(cctx, "CipherString", NULL) == -3);
    SSL_CONF_CTX_free(cctx);
  }
  EXPECT(SSL_client_hello_get0_ext(NULL, 0, NULL, NULL) == 0);
  EXPECT(SSL_client_hello_get0_ciphers(NULL, NULL) == 0);
  EXPECT(SSL_SESSION_print(NULL, NULL) == 0);
  EXPECT(i2d_SSL_SESSION(NULL, NULL) == 0);
  {
    const unsigned char junk[4] = {'A', 'S', 'S', 'N'};
    const unsigned char* p = junk;
    EXPECT(d2i_SSL_SESSION(NULL, NULL, 4) == NULL);
    EXPECT(d2i_SSL_SESSION(NULL, &p, 4) == NULL && p == junk);
  }
  EXPECT(SSL_get_shared_ciphers(NULL, NULL, 0) == NULL);
  EXPECT(SSL_group_to_name(NULL, 0x7777) == NULL);
  EXPECT(SSL_CTX_config(NULL, NULL) == 0);
  EXPECT(SSL_read_early_data(NULL, NULL, 0, NULL) == SSL_READ_EARLY_DATA_ERROR);
  EXPECT(SSL_sendfile(NULL, -1, 0, 0, 0) == -1);
  EXPECT(SSL_CTX_set_max_early_data(NULL, 0) == 0);
  EXPECT(SSL_get_peer_signature_type_nid(NULL, NULL) == 0);
  EXPECT(SSL_CTX_set1_groups_list(NULL, "X25519") == 0);
  ERR_clear_error();
  {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_cert_store(ctx, NULL); /* no trust at all */
    EXPECT(SSL_CTX_get_cert_store(ctx) == NULL);
    EXPECT(SSL_CTX_load_verify_locations(ctx, "/nonexistent", NULL) == 0);
    EXPECT(SSL_CTX_set_default_verify_paths(ctx) == 0);
    SSL_CTX_free(ctx);
  }
  ERR_clear_error();
  EXPECT(SSL_check_private_key(NULL) == 0);
  EXPECT(SSL_key_update(NULL, 0) == 0);
  EXPECT(SSL_in_init(NULL) == 0);
  EXPECT(SSL_want(NULL) == SSL_NOTHING);
  EXPECT(SSL_version(NULL) == 0);
  EXPECT(SSL_set_ex_data(NULL, 0, NULL) == 0);
  EXPECT(SSL_get_ex_data(NULL, 0) == NULL);
  /* TLS 1.2's functions. */
  EXPECT(SSL_client_version(NULL) == 0);
  EXPECT(SSL_CTX_set_cipher_list(NULL, "ALL") == 0);
  EXPECT(SSL_set_cipher_list(NULL, "ALL") == 0);
  EXPECT(SSL_CTX_set_ciphersuites(NULL, "") == 0);
  EXPECT(SSL_set_ciphersuites(NULL, "") == 0);
  EXPECT(SSL_CTX_get_ciphers(NULL) == NULL);
  EXPECT(SSL_get_ciphers(NULL) == NULL);
  EXPECT(SSL_get_cipher_list(NULL, 0) == NULL);
  EXPECT(SSL_get1_supported_ciphers(NULL) == NULL);
  EXPECT(SSL_CIPHER_find(NULL, NULL) == NULL);
  EXPECT(SSL_CIPHER_description(NULL, buf, sizeof(buf)) == NULL);
  EXPECT(SSL_CIPHER_get_id(NULL) == 0);
  EXPECT(SSL_CIPHER_get_handshake_digest(NULL) == NULL);
  SSL_CTX_set_security_level(NULL, 3);
  SSL_set_security_level(NULL, 3);
  EXPECT(SSL_CTX_get_security_level(NULL) == 0 && SSL_get_security_level(NULL) == 0);
  EXPECT(SSL_get_client_random(NULL, NULL, 0) == 32);
  EXPECT(SSL_get_server_random(NULL, (unsigned char*)buf, 4) == 4);
  EXPECT(SSL_SESSION_get_master_key(NULL, NULL, 0) == 0);
  EXPECT(SSL_export_keying_material(NULL, NULL, 0, NULL, 0, NULL, 0, 0) == -1);
  ERR_clear_error();
}

/* TLS 1.2's functions on live objects with odd arguments. */
static void tls12_odd_arguments(void) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* s;
  unsigned char out[64];
  static const char* const strings[] = {
      "",     ":::",        "+",         "!",       "@",        "-",
      "ALL+", "@SECLEVEL=", "SUITEB128", "DEFAULT", "\xff\xfe", "A:B:C:D:E:F:G"};
  size_t i;
  EXPECT(ctx != NULL);
  if (ctx == NULL) return;
  for (i = 0; i < sizeof(strings) / sizeof(strings[0]); ++i) {
    SSL_CTX_set_cipher_list(ctx, strings[i]);
    SSL_CTX_set_ciphersuites(ctx, strings[i]);
  }
  EXPECT(SSL_CTX_set_cipher_list(ctx, "ALL") == 1);
  EXPECT(SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") == 1);
  s = SSL_new(ctx);
  EXPECT(s != NULL);
  if (s != NULL) {
    EXPECT(SSL_get_cipher_list(s, -5) == NULL && SSL_get_cipher_list(s, 1000) == NULL);
    EXPECT(SSL_get_client_random(s, out, 0) == 32);
    /* Before any handshake: no session, -1. */
    EXPECT(SSL_export_keying_material(s, out, sizeof(out), "x", 1, NULL, 0, 1) == -1);
    SSL_set_connect_state(s);
    EXPECT(SSL_set_max_proto_version(s, TLS1_1_VERSION) == 1);
    EXPECT(SSL_do_handshake(s) == -1); /* no BIO, and no protocols */
    EXPECT(SSL_export_keying_material(s, out, sizeof(out), NULL, 5, NULL, 5, 1) <= 0);
    EXPECT(SSL_key_update(s, SSL_KEY_UPDATE_REQUESTED) == 0);
    SSL_free(s);
  }
  SSL_CTX_free(ctx);
  ERR_clear_error();
}

static void null_arguments_on_live_objects(void) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* s = SSL_new(ctx);
  size_t n;
  EXPECT(SSL_CTX_use_certificate_file(ctx, NULL, SSL_FILETYPE_PEM) == 0);
  EXPECT(SSL_CTX_use_PrivateKey_file(ctx, NULL, SSL_FILETYPE_PEM) == 0);
  EXPECT(SSL_CTX_use_certificate_chain_file(ctx, NULL) == 0);
  EXPECT(SSL_CTX_load_verify_locations(ctx, NULL, NULL) == 0);
  EXPECT(SSL_CTX_set_ciphersuites(ctx, NULL) == 0);
  EXPECT(SSL_CTX_set_cipher_list(ctx, NULL) == 0);
  EXPECT(SSL_CTX_set_session_id_context(ctx, NULL, 4) == 0);
  EXPECT(SSL_set_session_id_context(s, NULL, 4) == 0);
  EXPECT(SSL_set_tlsext_host_name(s, NULL) == 1);
  EXPECT(SSL_CTX_set1_groups_list(ctx, NULL) == 0);
  EXPECT(SSL_CTX_add_extra_chain_cert(ctx, NULL) == 0);
  EXPECT(SSL_set_alpn_protos(s, NULL, 0) == 0);
  SSL_set_connect_state(s);
  EXPECT(SSL_read(s, NULL, 10) == -1);
  EXPECT(SSL_write(s, NULL, 10) == -1);
  EXPECT(SSL_read_ex(s, NULL, 0, &n) == 0);
  /* No BIOs at all. */
  EXPECT(SSL_do_handshake(s) == -1);
  EXPECT(SSL_get_error(s, -1) == SSL_ERROR_SSL);
  EXPECT(SSL_shutdown(s) == -1);
  ERR_clear_error();
  SSL_free(s);
  SSL_CTX_free(ctx);
}

static void wrong_order(void) {
  Pair p;
  PairOptions o = pair_defaults();
  char buf[64];
  pair_new(&p, &o); /* ends the program if the setup fails */
  /* Before the handshake. */
  EXPECT(SSL_key_update(p.c, SSL_KEY_UPDATE_REQUESTED) == 0);
  EXPECT(SSL_get_current_cipher(p.c) == NULL);
  EXPECT(SSL_shutdown(p.c) == -1);
  EXPECT(SSL_session_reused(p.c) == 0);
  /* The server reads first: nothing to read yet. */
  EXPECT(SSL_read(p.s, buf, sizeof(buf)) == -1);
  EXPECT(SSL_get_error(p.s, -1) == SSL_ERROR_WANT_READ);
  /* Role switches in the middle. */
  EXPECT(SSL_connect(p.c) == -1);
  SSL_set_accept_state(p.c);
  SSL_set_connect_state(p.c);
  EXPECT(pair_handshake(&p) == 0 || 1); /* whatever happens, no crash */
  SSL_clear(p.c);
  SSL_clear(p.c);
  EXPECT(SSL_write(p.c, "x", 1) <= 0 || 1);
  /* BIOs swapped after use. */
  SSL_set_bio(p.s, NULL, NULL);
  EXPECT(SSL_read(p.s, buf, sizeof(buf)) <= 0);
  EXPECT(SSL_write(p.s, "x", 1) <= 0);
  SSL_shutdown(p.s);
  ERR_clear_error();
  pair_free(&p);
}

static void free_orders(void) {
  /* Context freed before its SSLs and sessions. */
  Pair p;
  PairOptions o = pair_defaults();
  SSL_SESSION* sess;
  SSL* extra;
  char buf[64];
  pair_connect(&p, &o); /* ends the program if the setup fails */
  SSL_read(p.c, buf, sizeof(buf));
  ERR_clear_error();
  sess = SSL_get1_session(p.c);
  extra = p.c;
  SSL_up_ref(extra);
  SSL_CTX_free(p.cctx);
  SSL_CTX_free(p.sctx);
  p.cctx = p.sctx = NULL;
  EXPECT(SSL_write(p.c, "still works", 11) == 11);
  SSL_free(p.c); /* one reference left */
  EXPECT(SSL_shutdown(extra) == 0);
  SSL_free(extra);
  p.c = NULL;
  /* The session outlives everything. */
  EXPECT(SSL_SESSION_get_protocol_version(sess) == TLS1_3_VERSION);
  SSL_SESSION_free(sess);
  /* The BIO's network half freed before the SSL. */
  BIO_free(p.s_net);
  p.s_net = NULL;
  EXPECT(SSL_write(p.s, "x", 1) <= 0);
  SSL_free(p.s);
  p.s = NULL;
  pair_free(&p);
  ERR_clear_error();
}

int main(void) {
  harness_init();
  nulls();
  tls12_odd_arguments();
  null_arguments_on_live_objects();
  wrong_order();
  free_orders();
  if (failures != 0) {
    fprintf(stderr, "%d failures\n", failures);
    return 1;
  }
  printf("misuse: ok\n");
  return 0;
}
