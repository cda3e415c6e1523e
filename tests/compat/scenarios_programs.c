/* What real programs rely on beyond the basics: a write of zero bytes
 * (Python's send(b"")), encrypted keys opened with the context's password
 * callback (curl, libpq, stunnel). */
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "scenarios.h"

void sc_zero_byte_write(void) {
  Pair p;
  PairOptions o = pair_defaults();
  size_t n = 99;
  char buf[8];
  pair_connect(&p, &o);
  STEP("C write 0", p.c, p.c_net, SSL_write(p.c, "", 0));
  STEP("C write_ex 0", p.c, p.c_net, SSL_write_ex(p.c, "", 0, &n));
  say("written=%zu", n);
  STEP("C write_ex NULL 0", p.c, p.c_net, SSL_write_ex(p.c, NULL, 0, &n));
  say("written=%zu", n);
  STEP("C write 3", p.c, p.c_net, SSL_write(p.c, "abc", 3));
  c2s(&p);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  pair_free(&p);
}

static int password_calls;
static int password_cb(char* buf, int size, int rwflag, void* userdata) {
  const char* pw = (const char*)userdata;
  ++password_calls;
  say("  password callback: rwflag=%d userdata=%s", rwflag, pw);
  if ((int)strlen(pw) >= size) return 0;
  memcpy(buf, pw, strlen(pw));
  return (int)strlen(pw);
}

/* The test's key, written encrypted under "sesame" to a temporary file. */
static void write_encrypted_key(char* path) {
  int fd;
  FILE* f;
  EVP_PKEY* key;
  BIO* in = BIO_new_file(data_file("ecdsa-leaf.key"), "r");
  SETUP(in != NULL);
  key = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
  BIO_free(in);
  SETUP(key != NULL);
  strcpy(path, "/tmp/compat-key-XXXXXX");
  SETUP((fd = mkstemp(path)) >= 0);
  SETUP((f = fdopen(fd, "w")) != NULL);
  SETUP(PEM_write_PKCS8PrivateKey(f, key, EVP_aes_128_cbc(), NULL, 0, NULL, (void*)"sesame") == 1);
  fclose(f);
  EVP_PKEY_free(key);
}

void sc_passwd_cb(void) {
  char path[64];
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SETUP(ctx != NULL);
  write_encrypted_key(path);
  SETUP(SSL_CTX_use_certificate_chain_file(ctx, data_file("ecdsa-fullchain.pem")) == 1);
  SSL_CTX_set_default_passwd_cb(ctx, password_cb);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, (void*)"wrong");
  say("get cb=%d userdata=%s", SSL_CTX_get_default_passwd_cb(ctx) == password_cb,
      (const char*)SSL_CTX_get_default_passwd_cb_userdata(ctx));
  say("wrong password: use_PrivateKey_file=%d",
      SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM));
  ERR_clear_error();
  SSL_CTX_set_default_passwd_cb_userdata(ctx, (void*)"sesame");
  say("right password: use_PrivateKey_file=%d",
      SSL_CTX_use_PrivateKey_file(ctx, path, SSL_FILETYPE_PEM));
  say("check_private_key=%d", SSL_CTX_check_private_key(ctx));
  say("callback calls=%d", password_calls);
  unlink(path);
  SSL_CTX_free(ctx);
}

/* Group lists as OpenSSL reads them (tls1_set_groups_list): names it knows,
 * an unknown name or a repeated group refusing the whole list, which leaves
 * the previous one in force. */
void sc_groups_list(void) {
  static const char* const kLists[] = {"X25519",
                                       "P-256:P-384",
                                       "prime256v1",
                                       "secp384r1:X25519",
                                       "P-521",
                                       "secp521r1",
                                       "X448",
                                       "X448:X25519",
                                       "x25519",
                                       "p-256",
                                       "ffdhe2048",
                                       "ffdhe2048:X25519",
                                       "FOO",
                                       "X25519:FOO",
                                       "?FOO:X25519",
                                       "X25519:?FOO",
                                       "X25519:X25519",
                                       "",
                                       ":",
                                       "X25519:",
                                       "brainpoolP256r1",
                                       "X25519:P-256:P-384:P-521:X448"};
  size_t i;
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  SSL* s;
  SETUP(ctx != NULL);
  SETUP((s = SSL_new(ctx)) != NULL);
  for (i = 0; i < sizeof(kLists) / sizeof(kLists[0]); ++i) {
    say("'%s': ctx=%ld ssl=%ld", kLists[i], SSL_CTX_set1_groups_list(ctx, kLists[i]),
        SSL_set1_groups_list(s, kLists[i]));
    print_queue();
  }
  {
    int nids[] = {NID_X25519, NID_X9_62_prime256v1};
    int bad[] = {NID_X25519, NID_sha256};
    say("set1_groups nids=%ld bad=%ld", SSL_CTX_set1_groups(ctx, nids, 2),
        SSL_CTX_set1_groups(ctx, bad, 2));
    print_queue();
  }
  SSL_free(s);
  SSL_CTX_free(ctx);
}

/* A handshake with each group the client offers first (or only). */
void sc_groups_handshake(void) {
  static const char* const kLists[] = {
      "X25519", "P-256", "P-384", "P-521", "X448", "ffdhe2048", "ffdhe3072:X25519", "P-384:X25519"};
  size_t i;
  for (i = 0; i < sizeof(kLists) / sizeof(kLists[0]); ++i) {
    Pair p;
    PairOptions o = pair_defaults();
    pair_new(&p, &o);
    SETUP(SSL_set1_groups_list(p.c, kLists[i]) == 1);
    {
      int hs = pair_handshake(&p);
      say("%s: handshake=%d group=%s", kLists[i], hs,
          hs ? OBJ_nid2sn(SSL_get_negotiated_group(p.c)) : "-");
      print_queue();
    }
    pair_free(&p);
  }
  /* SSL_CTX_set_tmp_ecdh: the key's curve becomes the server's only group. */
  for (i = 0; i < 2; ++i) {
    Pair p;
    PairOptions o = pair_defaults();
    EC_KEY* key = EC_KEY_new_by_curve_name(NID_secp384r1);
    SETUP(key != NULL);
    pair_new(&p, &o);
    say("server set_tmp_ecdh(P-384)=%ld", SSL_set_tmp_ecdh(p.s, key));
    EC_KEY_free(key);
    SETUP(SSL_set1_groups_list(p.c, i == 0 ? "P-256" : "P-256:P-384") == 1);
    {
      int hs = pair_handshake(&p);
      say("client %s: handshake=%d group=%s", i == 0 ? "P-256" : "P-256:P-384", hs,
          hs ? OBJ_nid2sn(SSL_get_negotiated_group(p.c)) : "-");
      ERR_clear_error(); /* which side reports what differs by version */
    }
    pair_free(&p);
  }
}

static STACK_OF(X509) * intermediate_stack(void) {
  STACK_OF(X509)* sk = sk_X509_new_null();
  BIO* in = BIO_new_file(data_file("ecdsa-chain.pem"), "r");
  X509* x;
  SETUP(sk != NULL && in != NULL);
  SETUP((x = PEM_read_bio_X509(in, NULL, NULL, NULL)) != NULL);
  SETUP(sk_X509_push(sk, x) > 0);
  BIO_free(in);
  return sk;
}

/* A server whose chain is given with SSL_CTX_set1_chain (nginx), or
 * SSL_set0_chain, the current certificate, DH parameters (accepted: no
 * DHE suite uses them), and the peer's signature algorithm. */
void sc_certificate_ctrls(void) {
  int pass;
  for (pass = 0; pass < 3; ++pass) {
    Pair p;
    PairOptions o = pair_defaults();
    STACK_OF(X509)* sk = intermediate_stack();
    STACK_OF(X509)* got = NULL;
    int nid = -1;
    say("-- %s", pass == 0 ? "SSL_CTX_set1_chain" : pass == 1 ? "SSL_set0_chain" : "no chain");
    pair_new(&p, &o);
    SETUP(SSL_CTX_clear_chain_certs(p.sctx) == 1);
    SETUP(SSL_use_certificate_file(p.s, data_file("ecdsa-leaf.pem"), SSL_FILETYPE_PEM) == 1);
    if (pass == 0) {
      say("ctx set1_chain=%ld", SSL_CTX_set1_chain(p.sctx, sk));
      {
        long r = SSL_CTX_get0_chain_certs(p.sctx, &got);
        say("ctx get0_chain_certs=%ld n=%d", r, got != NULL ? sk_X509_num(got) : -1);
      }
      sk_X509_pop_free(sk, X509_free);
      /* The server SSL was made before: a new one takes the context's chain. */
      SSL_free(p.s);
      SETUP((p.s = SSL_new(p.sctx)) != NULL);
      {
        BIO *s_ssl, *net;
        SETUP(BIO_new_bio_pair(&s_ssl, 0, &net, 0) == 1);
        BIO_free(p.s_net);
        p.s_net = net;
        SSL_set_bio(p.s, s_ssl, s_ssl);
        SSL_set_accept_state(p.s);
      }
    } else if (pass == 1) {
      say("ssl set0_chain=%ld", SSL_set0_chain(p.s, sk));
      {
        long r = SSL_get0_chain_certs(p.s, &got);
        say("ssl get0_chain_certs=%ld n=%d", r, got != NULL ? sk_X509_num(got) : -1);
      }
    } else {
      sk_X509_pop_free(sk, X509_free);
    }
    say("current cert first=%ld next=%ld", SSL_CTX_set_current_cert(p.sctx, SSL_CERT_SET_FIRST),
        SSL_CTX_set_current_cert(p.sctx, SSL_CERT_SET_NEXT));
    {
      DH* dh = DH_get_2048_256();
      SETUP(dh != NULL);
      say("set_tmp_dh=%ld null=%ld", SSL_CTX_set_tmp_dh(p.sctx, dh),
          SSL_CTX_set_tmp_dh(p.sctx, NULL));
      ERR_clear_error();
      DH_free(dh);
      say("set_dh_auto=%ld", SSL_CTX_set_dh_auto(p.sctx, 1));
    }
    {
      int hs = pair_handshake(&p);
      say("handshake=%d verify=%ld", hs, SSL_get_verify_result(p.c));
      print_queue();
      if (hs) {
        say("peer signature digest=%s",
            SSL_get_peer_signature_nid(p.c, &nid) == 1 ? OBJ_nid2sn(nid) : "-");
        say("peer signature type=%s",
            SSL_get_peer_signature_type_nid(p.c, &nid) == 1 ? OBJ_nid2sn(nid) : "-");
      }
    }
    pair_free(&p);
  }
}

static const char* info_who(const SSL* ssl) {
  return SSL_is_server((SSL*)ssl) ? "S" : "C";
}

/* The info callback's events, the state machine's steps (SSL_CB_LOOP) left
 * out. */
static void info_cb(const SSL* ssl, int where, int ret) {
  const char* what = NULL;
  if ((where & SSL_CB_LOOP) != 0) return;
  if ((where & SSL_CB_HANDSHAKE_START) != 0) what = "handshake start";
  if ((where & SSL_CB_HANDSHAKE_DONE) != 0) what = "handshake done";
  if ((where & SSL_CB_EXIT) != 0) what = "exit";
  if ((where & SSL_CB_ALERT) != 0) {
    say("  info %s: %s alert %s %s", info_who(ssl), (where & SSL_CB_READ) ? "read" : "write",
        SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
    return;
  }
  say("  info %s: %s ret=%d", info_who(ssl), what != NULL ? what : "?", ret);
}

void sc_info_callback(void) {
  Pair p;
  PairOptions o = pair_defaults();
  char buf[16];
  say("-- a connection and its clean end");
  pair_new(&p, &o);
  SSL_CTX_set_info_callback(p.cctx, info_cb);
  say("get=%d", SSL_CTX_get_info_callback(p.cctx) == info_cb);
  SSL_set_info_callback(p.s, info_cb);
  SETUP(pair_handshake(&p));
  STEP("C write", p.c, p.c_net, SSL_write(p.c, "hi", 2));
  c2s(&p);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
  c2s(&p);
  STEP("S read", p.s, p.s_net, SSL_read(p.s, buf, sizeof(buf)));
  STEP("S shutdown", p.s, p.s_net, SSL_shutdown(p.s));
  s2c(&p);
  STEP("C shutdown", p.c, p.c_net, SSL_shutdown(p.c));
  pair_free(&p);

  say("-- a refused certificate");
  o.untrusted_server = 1;
  pair_new(&p, &o);
  SSL_set_info_callback(p.c, info_cb);
  SSL_set_info_callback(p.s, info_cb);
  say("handshake=%d", pair_handshake(&p));
  ERR_clear_error();
  pair_free(&p);
}

/* Each run of the handshake starts with an empty error queue (OpenSSL's
 * state_machine): an error left by earlier calls (socat leaves the one of
 * its DH parameter lookup) is not what a failed handshake reports. */
void sc_handshake_clears_queue(void) {
  Pair p;
  PairOptions o = pair_defaults();
  o.untrusted_server = 1;
  pair_new(&p, &o);
  ERR_raise(ERR_LIB_PEM, PEM_R_NO_START_LINE);
  report("C handshake", p.c, SSL_do_handshake(p.c), -1);
  c2s(&p);
  ERR_raise(ERR_LIB_PEM, PEM_R_NO_START_LINE);
  report("S handshake", p.s, SSL_do_handshake(p.s), -1);
  s2c(&p);
  ERR_raise(ERR_LIB_PEM, PEM_R_NO_START_LINE);
  report("C handshake", p.c, SSL_do_handshake(p.c), -1);
  pair_free(&p);
}

static void conf_try(SSL_CONF_CTX* cctx, const char* cmd, const char* value) {
  int r = SSL_CONF_cmd(cctx, cmd, value);
  say("  %s %s -> %d (type %d)", cmd, value != NULL ? value : "(none)", r,
      SSL_CONF_cmd_value_type(cctx, cmd));
  print_queue();
}

/* SSL_CONF: settings by name from a configuration file and a command line
 * (nginx's ssl_conf_command, stunnel's sslConfig, the openssl CLI). */
void sc_conf_commands(void) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CONF_CTX* cctx = SSL_CONF_CTX_new();
  SETUP(ctx != NULL && cctx != NULL);
  say("flags=%u",
      SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER |
                                       SSL_CONF_FLAG_CERTIFICATE | SSL_CONF_FLAG_SHOW_ERRORS));
  SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
  say("-- file");
  conf_try(cctx, "CipherString", "ECDHE+AESGCM");
  conf_try(cctx, "CipherString", "GARBAGE");
  conf_try(cctx, "Ciphersuites", "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256");
  conf_try(cctx, "Groups", "X25519:P-256");
  conf_try(cctx, "groups", "NOPE");
  conf_try(cctx, "MinProtocol", "TLSv1.2");
  conf_try(cctx, "MaxProtocol", "TLSv1.3");
  conf_try(cctx, "MaxProtocol", "TLSv9");
  conf_try(cctx, "Options", "ServerPreference,-SessionTicket,PrioritizeChaCha");
  conf_try(cctx, "Options", "NoSuchOption");
  conf_try(cctx, "Protocol", "ALL,-TLSv1.1");
  conf_try(cctx, "VerifyMode", "Peer,Request");
  conf_try(cctx, "NumTickets", "3");
  conf_try(cctx, "Certificate", data_file("ecdsa-fullchain.pem"));
  conf_try(cctx, "PrivateKey", data_file("ecdsa-leaf.key"));
  conf_try(cctx, "ChainCAFile", data_file("ecdsa-root.pem"));
  conf_try(cctx, "ECDHParameters", "auto");
  conf_try(cctx, "FooBar", "1");
  conf_try(cctx, "Curves", NULL);
  say("finish=%d", SSL_CONF_CTX_finish(cctx));
  say("options no_ticket=%d serverpref=%d chacha=%d no_tls1_1=%d",
      (SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET) != 0,
      (SSL_CTX_get_options(ctx) & SSL_OP_CIPHER_SERVER_PREFERENCE) != 0,
      (SSL_CTX_get_options(ctx) & SSL_OP_PRIORITIZE_CHACHA) != 0,
      (SSL_CTX_get_options(ctx) & SSL_OP_NO_TLSv1_1) != 0);
  say("min=%lx max=%lx verify=%d tickets=%zu check_key=%d", SSL_CTX_get_min_proto_version(ctx),
      SSL_CTX_get_max_proto_version(ctx), SSL_CTX_get_verify_mode(ctx),
      SSL_CTX_get_num_tickets(ctx), SSL_CTX_check_private_key(ctx));
  say("-- command line");
  SSL_CONF_CTX_clear_flags(cctx, SSL_CONF_FLAG_FILE);
  SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_CMDLINE);
  conf_try(cctx, "-cipher", "ECDHE+CHACHA20");
  conf_try(cctx, "-no_tls1_3", NULL);
  conf_try(cctx, "-serverpref", NULL);
  conf_try(cctx, "-min_protocol", "TLSv1.2");
  conf_try(cctx, "cipher", "ECDHE");
  conf_try(cctx, "-CipherString", "ECDHE");
  say("options no_tls1_3=%d", (SSL_CTX_get_options(ctx) & SSL_OP_NO_TLSv1_3) != 0);
  {
    char* args[] = {(char*)"-groups", (char*)"P-384", (char*)"-no_ticket", (char*)"rest", NULL};
    char** argv = args;
    int argc = 4;
    say("argv: %d", SSL_CONF_cmd_argv(cctx, &argc, &argv));
    say("argv: %d", SSL_CONF_cmd_argv(cctx, &argc, &argv));
    say("argv: %d left=%d at=%s", SSL_CONF_cmd_argv(cctx, &argc, &argv), argc, argv[0]);
  }
  SSL_CONF_CTX_free(cctx);
  SSL_CTX_free(ctx);
}

static int hello_cb_calls;
static int hello_cb(SSL* s, int* al, void* arg) {
  const unsigned char* p = NULL;
  size_t len = 0;
  int* types = NULL;
  size_t ntypes = 0;
  ++hello_cb_calls;
  say("  client hello cb: arg=%s version=%x random=%zu ciphers>0=%d", (const char*)arg,
      SSL_client_hello_get0_legacy_version(s), SSL_client_hello_get0_random(s, &p),
      SSL_client_hello_get0_ciphers(s, &p) > 0);
  say("  server_name=%d supported_versions=%d key_share=%d no_such=%d",
      SSL_client_hello_get0_ext(s, TLSEXT_TYPE_server_name, &p, &len),
      SSL_client_hello_get0_ext(s, TLSEXT_TYPE_supported_versions, &p, &len),
      SSL_client_hello_get0_ext(s, TLSEXT_TYPE_key_share, &p, &len),
      SSL_client_hello_get0_ext(s, 0x7777, &p, &len));
  if (SSL_client_hello_get1_extensions_present(s, &types, &ntypes) == 1) {
    size_t i;
    int sni = 0;
    for (i = 0; i < ntypes; ++i) sni |= types[i] == TLSEXT_TYPE_server_name;
    say("  extensions present include server_name=%d", sni);
    OPENSSL_free(types);
  }
  if (strcmp((const char*)arg, "refuse") == 0) {
    *al = SSL_AD_HANDSHAKE_FAILURE;
    return SSL_CLIENT_HELLO_ERROR;
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

static int cert_cb_calls;
/* Serves the RSA certificate instead of the context's ECDSA one. */
static int cert_cb(SSL* s, void* arg) {
  ++cert_cb_calls;
  if (!SSL_is_server(s)) return 1;
  if (strcmp((const char*)arg, "fail") == 0) return 0;
  return SSL_use_certificate_chain_file(s, data_file("rsa-fullchain.pem")) == 1 &&
         SSL_use_PrivateKey_file(s, data_file("rsa-leaf.key"), SSL_FILETYPE_PEM) == 1;
}

/* A servername callback that moves the SSL to the RSA context (nginx's
 * virtual servers): the certificate and chain are the new context's. */
static int switch_ctx_cb(SSL* s, int* al, void* arg) {
  return SSL_set_SSL_CTX(s, (SSL_CTX*)arg) != NULL ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* The client hello callback (HAProxy) and the certificate callback (nginx). */
void sc_server_callbacks(void) {
  int pass;
  for (pass = 0; pass < 4; ++pass) {
    Pair p;
    PairOptions o = pair_defaults();
    static const char* const kLabels[] = {"client hello cb", "client hello cb refusing",
                                          "cert cb serving RSA", "cert cb failing"};
    say("-- %s", kLabels[pass]);
    o.rsa_server = pass == 2; /* the client trusts the RSA root */
    pair_new(&p, &o);
    if (pass == 2) {
      /* The context keeps its ECDSA certificate; the callback changes it. */
      SETUP(SSL_CTX_use_certificate_chain_file(p.sctx, data_file("ecdsa-fullchain.pem")) == 1);
      SETUP(SSL_CTX_use_PrivateKey_file(p.sctx, data_file("ecdsa-leaf.key"), SSL_FILETYPE_PEM) ==
            1);
    }
    if (pass < 2) {
      SSL_CTX_set_client_hello_cb(p.sctx, hello_cb, (void*)(pass == 0 ? "accept" : "refuse"));
    } else {
      SSL_set_cert_cb(p.s, cert_cb, (void*)(pass == 2 ? "rsa" : "fail"));
    }
    {
      int hs = pair_handshake(&p);
      X509* peer = SSL_get0_peer_certificate(p.c);
      char name[256] = "-";
      if (peer != NULL) X509_NAME_oneline(X509_get_issuer_name(peer), name, sizeof(name));
      say("handshake=%d peer issuer=%s", hs, name);
      print_queue();
      if (!hs) {
        report("S handshake", p.s, SSL_do_handshake(p.s), -1);
        report("C handshake", p.c, SSL_do_handshake(p.c), -1);
      }
    }
    pair_free(&p);
  }
  say("client hello cb calls=%d cert cb calls=%d", hello_cb_calls, cert_cb_calls);
  {
    Pair p;
    PairOptions o = pair_defaults();
    PairOptions rsa = pair_defaults();
    SSL_CTX* other;
    say("-- servername callback switching to the RSA context");
    o.rsa_server = 1; /* the client trusts the RSA root; the first context is ECDSA */
    rsa.rsa_server = 1;
    pair_new(&p, &o);
    other = server_ctx(&rsa);
    SETUP(SSL_CTX_use_certificate_chain_file(p.sctx, data_file("ecdsa-fullchain.pem")) == 1);
    SETUP(SSL_CTX_use_PrivateKey_file(p.sctx, data_file("ecdsa-leaf.key"), SSL_FILETYPE_PEM) == 1);
    /* The server SSL was made with the RSA chain: a new one takes the ECDSA one. */
    SSL_free(p.s);
    SETUP((p.s = SSL_new(p.sctx)) != NULL);
    {
      BIO *s_ssl, *net;
      SETUP(BIO_new_bio_pair(&s_ssl, 0, &net, 0) == 1);
      BIO_free(p.s_net);
      p.s_net = net;
      SSL_set_bio(p.s, s_ssl, s_ssl);
      SSL_set_accept_state(p.s);
    }
    SSL_CTX_set_tlsext_servername_callback(p.sctx, switch_ctx_cb);
    SSL_CTX_set_tlsext_servername_arg(p.sctx, other);
    {
      int hs = pair_handshake(&p);
      X509* peer = SSL_get0_peer_certificate(p.c);
      char name[256] = "-";
      if (peer != NULL) X509_NAME_oneline(X509_get_issuer_name(peer), name, sizeof(name));
      say("handshake=%d verify=%ld peer issuer=%s ctx switched=%d", hs, SSL_get_verify_result(p.c),
          name, SSL_get_SSL_CTX(p.s) == other);
      print_queue();
    }
    pair_free(&p);
    SSL_CTX_free(other);
  }
}

static int alpn_select_cb(SSL* s, const unsigned char** out, unsigned char* outlen,
                          const unsigned char* in, unsigned int inlen, void* arg) {
  static const unsigned char kWanted[] = "http/1.1";
  unsigned int i;
  for (i = 0; i < inlen; i += 1 + in[i]) {
    if (in[i] == 8 && i + 9 <= inlen && memcmp(in + i + 1, kWanted, 8) == 0) {
      *out = in + i + 1;
      *outlen = 8;
      return SSL_TLSEXT_ERR_OK;
    }
  }
  return SSL_TLSEXT_ERR_NOACK;
}

/* The server's ClientHello callbacks (client hello, servername switching
 * the context, ALPN) see a ClientHello that comes in three records: the
 * client's first record is cut before it reaches the server. */
void sc_client_hello_split(void) {
  Pair p;
  PairOptions o = pair_defaults();
  PairOptions rsa = pair_defaults();
  SSL_CTX* other;
  unsigned char hello[4096], framed[4096 + 15];
  int n;
  size_t body, at, out = 0, i;
  static const unsigned char kProtos[] = "\x02h2\x08http/1.1";
  const unsigned char* alpn = NULL;
  unsigned int alpn_len = 0;
  o.rsa_server = 1; /* the client trusts the RSA root; the server starts with ECDSA */
  rsa.rsa_server = 1;
  pair_new(&p, &o);
  other = server_ctx(&rsa);
  SETUP(SSL_CTX_use_certificate_chain_file(p.sctx, data_file("ecdsa-fullchain.pem")) == 1);
  SETUP(SSL_CTX_use_PrivateKey_file(p.sctx, data_file("ecdsa-leaf.key"), SSL_FILETYPE_PEM) == 1);
  SSL_free(p.s);
  SETUP((p.s = SSL_new(p.sctx)) != NULL);
  {
    BIO *s_ssl, *net;
    SETUP(BIO_new_bio_pair(&s_ssl, 0, &net, 0) == 1);
    BIO_free(p.s_net);
    p.s_net = net;
    SSL_set_bio(p.s, s_ssl, s_ssl);
    SSL_set_accept_state(p.s);
  }
  SSL_CTX_set_client_hello_cb(p.sctx, hello_cb, (void*)"split");
  SSL_CTX_set_tlsext_servername_callback(p.sctx, switch_ctx_cb);
  SSL_CTX_set_tlsext_servername_arg(p.sctx, other);
  SSL_CTX_set_alpn_select_cb(other, alpn_select_cb, NULL);
  SSL_CTX_set_alpn_select_cb(p.sctx, alpn_select_cb, NULL);
  SETUP(SSL_set_alpn_protos(p.c, kProtos, sizeof(kProtos) - 1) == 0);
  STEP("C connect", p.c, NULL, SSL_connect(p.c));
  n = BIO_read(p.c_net, hello, sizeof(hello));
  SETUP(n > 5 + 30 && hello[0] == 22 && (size_t)n == 5 + ((size_t)hello[3] << 8 | hello[4]));
  body = (size_t)n - 5;
  for (i = 0, at = 5; i < 3; ++i) {
    size_t len = i == 2 ? (size_t)n - at : body / 3;
    framed[out++] = hello[0];
    framed[out++] = hello[1];
    framed[out++] = hello[2];
    framed[out++] = (unsigned char)(len >> 8);
    framed[out++] = (unsigned char)len;
    memcpy(framed + out, hello + at, len);
    out += len;
    at += len;
  }
  SETUP(BIO_write(p.s_net, framed, (int)out) == (int)out);
  hello_cb_calls = 0;
  {
    int hs = pair_handshake(&p);
    X509* peer = SSL_get0_peer_certificate(p.c);
    char name[256] = "-";
    if (peer != NULL) X509_NAME_oneline(X509_get_issuer_name(peer), name, sizeof(name));
    SSL_get0_alpn_selected(p.c, &alpn, &alpn_len);
    say("handshake=%d verify=%ld peer issuer=%s ctx switched=%d", hs, SSL_get_verify_result(p.c),
        name, SSL_get_SSL_CTX(p.s) == other);
    say("server name=%s alpn=%.*s client hello cb calls=%d",
        SSL_get_servername(p.s, TLSEXT_NAMETYPE_host_name), (int)alpn_len,
        alpn != NULL ? (const char*)alpn : "", hello_cb_calls);
    print_queue();
  }
  pair_free(&p);
  SSL_CTX_free(other);
}

static int headers_read, headers_written;
static char messages_seen[600];
static void msg_cb(int write_p, int version, int content_type, const void* buf, size_t len,
                   SSL* ssl, void* arg) {
  const unsigned char* b = (const unsigned char*)buf;
  if (strcmp((const char*)arg, "mine") != 0) return;
  if (content_type == SSL3_RT_HEADER && len == 5) {
    if (write_p) {
      ++headers_written;
    } else {
      ++headers_read;
    }
    return;
  }
  /* Handshake messages (their type), ChangeCipherSpec and alerts: the
   * direction, the version and what it is. */
  if (content_type == SSL3_RT_HANDSHAKE && len >= 4 &&
      len == 4 + ((size_t)b[1] << 16 | (size_t)b[2] << 8 | b[3])) {
    snprintf(messages_seen + strlen(messages_seen), sizeof(messages_seen) - strlen(messages_seen),
             " %s%x:hs%d", write_p ? "w" : "r", (unsigned)version, b[0]);
  } else if (content_type == SSL3_RT_CHANGE_CIPHER_SPEC && len == 1 && version != TLS1_3_VERSION) {
    /* TLS 1.3's middlebox-compatibility one goes where each library sends
     * it (RFC 8446 Appendix D.4 allows two places): not printed. */
    snprintf(messages_seen + strlen(messages_seen), sizeof(messages_seen) - strlen(messages_seen),
             " %s%x:ccs", write_p ? "w" : "r", (unsigned)version);
  } else if (content_type == SSL3_RT_ALERT && len == 2) {
    snprintf(messages_seen + strlen(messages_seen), sizeof(messages_seen) - strlen(messages_seen),
             " %s%x:alert%d.%d", write_p ? "w" : "r", (unsigned)version, b[0], b[1]);
  }
}

/* The message callback, set on the context and through SSL_callback_ctrl,
 * hears of record headers both ways (how many records a flight takes
 * differs between the libraries: only their presence is printed), and of
 * each handshake message, ChangeCipherSpec and alert, in order. */
void sc_msg_callback(void) {
  Pair p;
  PairOptions o = pair_defaults();
  char buf[8];
  pair_new(&p, &o);
  SSL_CTX_set_msg_callback(p.cctx, msg_cb);
  SSL_CTX_set_msg_callback_arg(p.cctx, (void*)"mine");
  /* The client SSL was made before: it takes the callback itself. */
  say("callback_ctrl=%ld",
      SSL_callback_ctrl(p.c, SSL_CTRL_SET_MSG_CALLBACK, (void (*)(void))msg_cb));
  SSL_set_msg_callback_arg(p.c, (void*)"mine");
  SETUP(pair_handshake(&p));
  SETUP(SSL_write(p.c, "hi", 2) == 2);
  c2s(&p);
  SETUP(SSL_read(p.s, buf, sizeof(buf)) == 2);
  SETUP(SSL_write(p.s, "yo", 2) == 2);
  s2c(&p);
  SETUP(SSL_read(p.c, buf, sizeof(buf)) == 2);
  say("client headers read=%d written=%d", headers_read > 0, headers_written > 0);
  SSL_shutdown(p.c);
  say("client messages:%s", messages_seen);
  pair_free(&p);
}

/* A client's max_fragment_length request (RFC 6066): once granted, records
 * carry at most that much, so one read gives at most that much. */
void sc_max_fragment_length(void) {
  int mode;
  static char big[3000];
  memset(big, 'x', sizeof(big));
  for (mode = 0; mode <= 2; mode += 2) {
    Pair p;
    PairOptions o = pair_defaults();
    char buf[4096];
    pair_new(&p, &o);
    say("-- mode %d", mode);
    say("set=%d bad=%d", SSL_set_tlsext_max_fragment_length(p.c, (uint8_t)mode),
        SSL_set_tlsext_max_fragment_length(p.c, 7));
    print_queue();
    SETUP(SSL_set_tlsext_max_fragment_length(p.c, (uint8_t)mode) == 1);
    SETUP(pair_handshake(&p));
    SETUP(SSL_write(p.s, big, sizeof(big)) == (int)sizeof(big));
    s2c(&p);
    say("first read=%d", SSL_read(p.c, buf, sizeof(buf)));
    pair_free(&p);
  }
}
