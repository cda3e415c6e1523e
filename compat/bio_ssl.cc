// BIO_f_ssl: an SSL as a BIO (bio_ssl.c's contract). Reads and writes go to
// SSL_read/SSL_write with the retry state copied onto the BIO; freeing a BIO
// that owns its SSL (BIO_CLOSE) sends close_notify unless the connection is
// in init (R43: 3.0.19's behaviour, so no stale "shutdown while in init").
#include <cstring>

#include "compat/internal.h"

namespace {

struct SslBio {
  SSL* ssl = nullptr;
};

SSL* bio_ssl(BIO* b) {
  SslBio* bs = static_cast<SslBio*>(BIO_get_data(b));
  return bs != nullptr ? bs->ssl : nullptr;
}

// Maps the SSL call's result onto the BIO's retry flags.
int finish(BIO* b, SSL* ssl, int ret) {
  BIO_clear_retry_flags(b);
  if (ret > 0) return ret;
  switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ:
      BIO_set_retry_read(b);
      break;
    case SSL_ERROR_WANT_WRITE:
      BIO_set_retry_write(b);
      break;
    case SSL_ERROR_WANT_CONNECT:
      BIO_set_flags(b, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
      BIO_set_retry_reason(b, BIO_RR_CONNECT);
      break;
    case SSL_ERROR_WANT_ACCEPT:
      BIO_set_flags(b, BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY);
      BIO_set_retry_reason(b, BIO_RR_ACCEPT);
      break;
    default:
      break;
  }
  return ret;
}

int ssl_bio_write(BIO* b, const char* data, int len) {
  SSL* ssl = bio_ssl(b);
  if (ssl == nullptr || data == nullptr) return 0;
  return finish(b, ssl, SSL_write(ssl, data, len));
}

int ssl_bio_read(BIO* b, char* data, int len) {
  SSL* ssl = bio_ssl(b);
  if (ssl == nullptr || data == nullptr) return 0;
  return finish(b, ssl, SSL_read(ssl, data, len));
}

int ssl_bio_puts(BIO* b, const char* str) {
  return str != nullptr ? ssl_bio_write(b, str, static_cast<int>(strlen(str))) : 0;
}

int ssl_bio_create(BIO* b) {
  SslBio* bs = new (std::nothrow) SslBio;
  if (bs == nullptr) return 0;
  BIO_set_data(b, bs);
  BIO_set_init(b, 0);
  return 1;
}

int ssl_bio_destroy(BIO* b) {
  SslBio* bs = static_cast<SslBio*>(BIO_get_data(b));
  if (bs == nullptr) return 0;
  if (BIO_get_shutdown(b) != 0) {
    if (bs->ssl != nullptr && SSL_in_init(bs->ssl) == 0) SSL_shutdown(bs->ssl);
    if (BIO_get_init(b) != 0) SSL_free(bs->ssl);
    BIO_clear_flags(b, ~0);
    BIO_set_init(b, 0);
  }
  delete bs;
  BIO_set_data(b, nullptr);
  return 1;
}

long ssl_bio_ctrl(BIO* b, int cmd, long num, void* ptr) {
  SslBio* bs = static_cast<SslBio*>(BIO_get_data(b));
  SSL* ssl = bs != nullptr ? bs->ssl : nullptr;
  BIO* next = BIO_next(b);
  if (ssl == nullptr && cmd != BIO_C_SET_SSL) return 0;
  switch (cmd) {
    case BIO_C_SET_SSL: {
      if (ssl != nullptr) {
        ssl_bio_destroy(b);
        if (ssl_bio_create(b) == 0) return 0;
        bs = static_cast<SslBio*>(BIO_get_data(b));
      }
      BIO_set_shutdown(b, static_cast<int>(num));
      bs->ssl = static_cast<SSL*>(ptr);
      BIO* rbio = SSL_get_rbio(bs->ssl);
      if (rbio != nullptr) {
        if (next != nullptr) BIO_push(rbio, next);
        BIO_set_next(b, rbio);
        BIO_up_ref(rbio);
      }
      BIO_set_init(b, 1);
      return 1;
    }
    case BIO_C_GET_SSL:
      if (ptr != nullptr) *static_cast<SSL**>(ptr) = ssl;
      return 1;
    case BIO_CTRL_GET_CLOSE:
      return BIO_get_shutdown(b);
    case BIO_CTRL_SET_CLOSE:
      BIO_set_shutdown(b, static_cast<int>(num));
      return 1;
    case BIO_CTRL_RESET:
      SSL_shutdown(ssl);
      SSL_clear(ssl);
      return next != nullptr ? BIO_ctrl(next, cmd, num, ptr) : 1;
    case BIO_CTRL_WPENDING:
      return SSL_get_wbio(ssl) != nullptr ? BIO_ctrl(SSL_get_wbio(ssl), cmd, num, ptr) : 0;
    case BIO_CTRL_PENDING: {
      long n = SSL_pending(ssl);
      if (n == 0 && SSL_get_rbio(ssl) != nullptr) n = BIO_pending(SSL_get_rbio(ssl));
      return n;
    }
    case BIO_CTRL_FLUSH:
      BIO_clear_retry_flags(b);
      if (SSL_get_wbio(ssl) == nullptr) return 0;
      {
        long r = BIO_ctrl(SSL_get_wbio(ssl), cmd, num, ptr);
        BIO_copy_next_retry(b);
        return r;
      }
    case BIO_C_DO_STATE_MACHINE:
      return finish(b, ssl, SSL_do_handshake(ssl));
    case BIO_C_SSL_MODE:
      if (num != 0) {
        SSL_set_connect_state(ssl);
      } else {
        SSL_set_accept_state(ssl);
      }
      return 1;
    case BIO_CTRL_PUSH:
      // BIO_push(ssl_bio, transport): the transport becomes the SSL's BIO.
      if (next != nullptr && next != SSL_get_rbio(ssl)) {
        BIO_up_ref(next);
        SSL_set_bio(ssl, next, next);
      }
      return 1;
    case BIO_CTRL_POP:
      if (b == ptr) SSL_set_bio(ssl, nullptr, nullptr);
      return 1;
    case BIO_CTRL_EOF:
      return (SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN) != 0 ? 1 : 0;
    default:
      return SSL_get_rbio(ssl) != nullptr ? BIO_ctrl(SSL_get_rbio(ssl), cmd, num, ptr) : 0;
  }
}

BIO_METHOD* make_method() {
  BIO_METHOD* m = BIO_meth_new(BIO_TYPE_SSL, "ssl");
  if (m == nullptr) return nullptr;
  BIO_meth_set_write(m, ssl_bio_write);
  BIO_meth_set_read(m, ssl_bio_read);
  BIO_meth_set_puts(m, ssl_bio_puts);
  BIO_meth_set_ctrl(m, ssl_bio_ctrl);
  BIO_meth_set_create(m, ssl_bio_create);
  BIO_meth_set_destroy(m, ssl_bio_destroy);
  return m;
}

}  // namespace

extern "C" {

const BIO_METHOD* BIO_f_ssl(void) {
  static BIO_METHOD* method = make_method();
  return method;
}

BIO* BIO_new_ssl(SSL_CTX* ctx, int client) {
  if (ctx == nullptr) return nullptr;
  BIO* b = BIO_new(BIO_f_ssl());
  if (b == nullptr) return nullptr;
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) {
    BIO_free(b);
    return nullptr;
  }
  if (client != 0) {
    SSL_set_connect_state(ssl);
  } else {
    SSL_set_accept_state(ssl);
  }
  BIO_set_ssl(b, ssl, BIO_CLOSE);
  return b;
}

void BIO_ssl_shutdown(BIO* b) {
  for (; b != nullptr; b = BIO_next(b)) {
    if (BIO_method_type(b) == BIO_TYPE_SSL) {
      SSL* ssl = bio_ssl(b);
      if (ssl != nullptr) SSL_shutdown(ssl);
      return;
    }
  }
}

}  // extern "C"
