/* A C program outside adieu's tree on OpenSSL's API (<openssl/ssl.h>): a
   client and a server SSL complete a handshake over a BIO pair, the client's
   line reaches the server, and the program prints the file the SSL_*
   functions came from, which must contain EXPECTED_LIBRARY.
   Usage: ssl DATA_DIR EXPECTED_LIBRARY
   Built against libadieu-ssl it runs on adieu; built against OpenSSL's libssl
   and started with adieu-run it runs on adieu's libssl.so.3. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "ssl consumer: FAILED: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
  }
}

static SSL_CTX* new_ctx(const char* data, int server) {
  char cert[4096], key[4096];
  SSL_CTX* ctx = SSL_CTX_new(TLS_method());
  check(ctx != NULL, "SSL_CTX_new(TLS_method())");
  if (server) {
    snprintf(cert, sizeof cert, "%s/ecdsa-fullchain.pem", data);
    snprintf(key, sizeof key, "%s/ecdsa-leaf.key", data);
    check(SSL_CTX_use_certificate_chain_file(ctx, cert) == 1, "certificate");
    check(SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1, "key");
  } else {
    snprintf(cert, sizeof cert, "%s/ecdsa-root.pem", data);
    check(SSL_CTX_load_verify_locations(ctx, cert, NULL) == 1, "CA file");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  }
  return ctx;
}

/* One step of SSL_do_handshake: 1 when done, 0 when it waits for the peer. */
static int step(SSL* ssl) {
  int r = SSL_do_handshake(ssl);
  if (r == 1) return 1;
  check(SSL_get_error(ssl, r) == SSL_ERROR_WANT_READ, "SSL_do_handshake");
  return 0;
}

int main(int argc, char** argv) {
  check(argc == 3, "usage: ssl DATA_DIR EXPECTED_LIBRARY");
  SSL_CTX* server_ctx = new_ctx(argv[1], 1);
  SSL_CTX* client_ctx = new_ctx(argv[1], 0);
  SSL* server = SSL_new(server_ctx);
  SSL* client = SSL_new(client_ctx);
  check(server != NULL && client != NULL, "SSL_new");
  check(SSL_set_tlsext_host_name(client, "localhost") == 1, "SSL_set_tlsext_host_name");
  check(SSL_set1_host(client, "localhost") == 1, "SSL_set1_host");

  BIO *client_bio, *server_bio;
  check(BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) == 1, "BIO_new_bio_pair");
  SSL_set_bio(client, client_bio, client_bio);
  SSL_set_bio(server, server_bio, server_bio);
  SSL_set_connect_state(client);
  SSL_set_accept_state(server);

  int client_done = 0, server_done = 0;
  for (int round = 0; round < 10 && !(client_done && server_done); ++round) {
    if (!client_done) client_done = step(client);
    if (!server_done) server_done = step(server);
  }
  check(client_done && server_done, "handshake did not complete");
  check(SSL_version(client) == TLS1_3_VERSION, "not TLS 1.3");
  check(SSL_get_verify_result(client) == X509_V_OK, "the server's certificate did not verify");

  const char line[] = "hello from a C consumer";
  char buffer[64];
  check(SSL_write(client, line, (int)strlen(line)) == (int)strlen(line), "SSL_write");
  int n = SSL_read(server, buffer, sizeof buffer);
  check(n == (int)strlen(line) && memcmp(buffer, line, (size_t)n) == 0, "SSL_read");

  Dl_info info;
  check(dladdr((void*)&SSL_CTX_new, &info) != 0 && info.dli_fname != NULL, "dladdr");
  printf("ssl consumer: %s %s from %s\n", SSL_get_version(client),
         SSL_CIPHER_get_name(SSL_get_current_cipher(client)), info.dli_fname);
  check(strstr(info.dli_fname, argv[2]) != NULL, "SSL_CTX_new is not from the expected library");

  SSL_free(client);
  SSL_free(server);
  SSL_CTX_free(client_ctx);
  SSL_CTX_free(server_ctx);
  return 0;
}
