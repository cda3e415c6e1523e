/* What real programs rely on beyond the basics: a write of zero bytes
 * (Python's send(b"")), encrypted keys opened with the context's password
 * callback (curl, libpq, stunnel). */
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
  static const char* const kLists[] = {"X25519", "P-256", "P-384", "P-521", "X448", "P-384:X25519"};
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
}
