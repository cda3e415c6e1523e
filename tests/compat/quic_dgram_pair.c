/*
 * OpenSSL 3.5's QUIC API over a datagram BIO pair (BIO_new_bio_dgram_pair)
 * in one process and one thread: a client and a listener, both
 * non-blocking (a BIO pair has no descriptor to poll, so blocking mode is
 * not available), driven by SSL_handle_events in turn. The client's first
 * stream is echoed; the server's connection refuses every other stream
 * (SSL_INCOMING_STREAM_POLICY_REJECT, code 99), which the client sees as
 * RESET_REMOTE on both parts with that code. Then the client closes and
 * both sides read the end through SSL_get_shutdown (R48).
 */
#include <adieu/openssl_quic.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(cond, ...)                      \
  do {                                        \
    const int passed_ = (cond);               \
    if (passed_) {                            \
      printf("ok: ");                         \
    } else {                                  \
      printf("FAILED (line %d): ", __LINE__); \
      failures++;                             \
    }                                         \
    printf(__VA_ARGS__);                      \
    printf("\n");                             \
  } while (0)

static const unsigned char kAlpn[] = {2, 'h', 'q'};

static int select_alpn(SSL* ssl, const unsigned char** out, unsigned char* outlen,
                       const unsigned char* in, unsigned int inlen, void* arg) {
  (void)ssl;
  (void)arg;
  if (SSL_select_next_proto((unsigned char**)out, outlen, kAlpn, sizeof kAlpn, in, inlen) !=
      OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  return SSL_TLSEXT_ERR_OK;
}

static SSL *listener, *client, *server;

static void turn(void) {
  SSL_handle_events(client);
  SSL_handle_events(listener);
  if (server != NULL) SSL_handle_events(server);
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  char cert[512], key[512], ca[512];
  snprintf(cert, sizeof cert, "%s/ecdsa-fullchain.pem", argv[1]);
  snprintf(key, sizeof key, "%s/ecdsa-leaf.key", argv[1]);
  snprintf(ca, sizeof ca, "%s/ecdsa-root.pem", argv[1]);

  BIO *client_bio = NULL, *server_bio = NULL;
  CHECK(BIO_new_bio_dgram_pair(&client_bio, 0, &server_bio, 0) == 1, "BIO_new_bio_dgram_pair");

  SSL_CTX* sctx = SSL_CTX_new(OSSL_QUIC_server_method());
  SSL_CTX_use_certificate_chain_file(sctx, cert);
  SSL_CTX_use_PrivateKey_file(sctx, key, SSL_FILETYPE_PEM);
  SSL_CTX_set_alpn_select_cb(sctx, select_alpn, NULL);
  listener = SSL_new_listener(sctx, 0);
  SSL_set_bio(listener, server_bio, server_bio);
  CHECK(SSL_set_blocking_mode(listener, 0) == 1 && SSL_listen(listener) == 1, "listening");

  SSL_CTX* cctx = SSL_CTX_new(OSSL_QUIC_client_method());
  SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
  SSL_CTX_load_verify_locations(cctx, ca, NULL);
  client = SSL_new(cctx);
  SSL_set_bio(client, client_bio, client_bio);
  SSL_set_tlsext_host_name(client, "localhost");
  SSL_set1_host(client, "localhost");
  SSL_set_alpn_protos(client, kAlpn, sizeof kAlpn);
  CHECK(SSL_get_blocking_mode(client) == 0, "no blocking mode over a BIO pair (nothing to poll)");
  SSL_set_blocking_mode(client, 0);
  SSL_set_default_stream_mode(client, SSL_DEFAULT_STREAM_MODE_NONE);

  int connected = 0;
  for (int i = 0; i < 500 && !(connected == 1 && server != NULL); i++) {
    if (connected != 1) connected = SSL_connect(client);
    if (server == NULL) {
      server = SSL_accept_connection(listener, SSL_ACCEPT_CONNECTION_NO_BLOCK);
      if (server != NULL) {
        SSL_set_blocking_mode(server, 0);
        CHECK(SSL_set_incoming_stream_policy(server, SSL_INCOMING_STREAM_POLICY_ACCEPT, 0) == 1,
              "streams accepted at first");
      }
    }
    turn();
  }
  CHECK(connected == 1 && server != NULL, "handshake over the pair");
  if (server == NULL) return 1;

  uint64_t avail = 0;
  CHECK(SSL_get_quic_stream_bidi_local_avail(client, &avail) == 1 && avail == 100,
        "the client may open 100 bidirectional streams (%llu)", (unsigned long long)avail);
  CHECK(SSL_get_quic_stream_uni_remote_avail(server, &avail) == 1 && avail == 100,
        "the client may open 100 unidirectional streams, as the server sees it");
  SSL* first = SSL_new_stream(client, SSL_STREAM_FLAG_NO_BLOCK);
  CHECK(SSL_get_quic_stream_bidi_local_avail(client, &avail) == 1 && avail == 99,
        "99 once one is open");
  size_t written = 0;
  CHECK(first != NULL && SSL_write_ex(first, "echo me", 7, &written) == 1 &&
            SSL_stream_conclude(first, 0) == 1,
        "first stream written and concluded");
  SSL* accepted = NULL;
  for (int i = 0; i < 500 && accepted == NULL; i++) {
    turn();
    accepted = SSL_accept_stream(server, SSL_ACCEPT_STREAM_NO_BLOCK);
  }
  CHECK(accepted != NULL, "the server accepted it");
  char buf[64];
  size_t got = 0, n = 0;
  for (int i = 0; i < 500; i++) {
    if (SSL_read_ex(accepted, buf + got, sizeof buf - got, &n) == 1) {
      got += n;
    } else if (SSL_get_error(accepted, 0) == SSL_ERROR_ZERO_RETURN) {
      break;
    }
    turn();
  }
  CHECK(got == 7 && memcmp(buf, "echo me", 7) == 0, "read what the client wrote, then its FIN");
  SSL_write_ex(accepted, buf, got, &written);
  SSL_stream_conclude(accepted, 0);
  got = 0;
  int err = 0;
  for (int i = 0; i < 500; i++) {
    if (SSL_read_ex(first, buf + got, sizeof buf - got, &n) == 1) {
      got += n;
      continue;
    }
    err = SSL_get_error(first, 0);
    if (err != SSL_ERROR_WANT_READ) break;
    turn();
  }
  CHECK(got == 7 && memcmp(buf, "echo me", 7) == 0 && err == SSL_ERROR_ZERO_RETURN,
        "the echo came back, then SSL_ERROR_ZERO_RETURN (%d)", err);

  CHECK(SSL_set_incoming_stream_policy(server, SSL_INCOMING_STREAM_POLICY_REJECT, 99) == 1,
        "the server now rejects incoming streams with code 99");
  SSL* second = SSL_new_stream(client, SSL_STREAM_FLAG_NO_BLOCK);
  CHECK(second != NULL && SSL_write_ex(second, "refused", 7, &written) == 1,
        "second stream written");
  for (int i = 0; i < 500 && SSL_get_stream_read_state(second) == SSL_STREAM_STATE_OK; i++) turn();
  uint64_t code = 0;
  CHECK(SSL_get_stream_read_state(second) == SSL_STREAM_STATE_RESET_REMOTE &&
            SSL_get_stream_read_error_code(second, &code) == 1 && code == 99,
        "its receive part was reset by the server with 99 (state %d, code %llu)",
        SSL_get_stream_read_state(second), (unsigned long long)code);
  code = 0;
  CHECK(SSL_get_stream_write_state(second) == SSL_STREAM_STATE_RESET_REMOTE &&
            SSL_get_stream_write_error_code(second, &code) == 1 && code == 99,
        "its send part was stopped by the server with 99 (state %d)",
        SSL_get_stream_write_state(second));
  CHECK(SSL_accept_stream(server, SSL_ACCEPT_STREAM_NO_BLOCK) == NULL,
        "the server's application never sees it");

  SSL_free(second);
  SSL_free(first);
  SSL_free(accepted);
  int ret = 0;
  /* The closing period is three PTOs of real time: 1 ms per turn. */
  for (int i = 0; i < 5000 && (ret = SSL_shutdown(client)) == 0; i++) {
    turn();
    usleep(1000);
  }
  CHECK(ret == 1, "the client's non-blocking SSL_shutdown ends with 1");
  for (int i = 0;
       i < 5000 && SSL_get_shutdown(server) != (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN); i++) {
    turn();
    usleep(1000);
  }
  CHECK(SSL_get_shutdown(client) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN) &&
            SSL_get_shutdown(server) == (SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN),
        "both ends read SENT|RECEIVED");
  SSL_free(server);
  SSL_free(client);
  SSL_free(listener);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
