// No C++ exception crosses libadieu-ssl's C boundary: the n-th C++
// allocation made inside it fails (std::bad_alloc, through a replaced
// operator new, which the shared library's calls reach too) for every n
// until a whole handshake and an exchange of data succeed; each entry point
// must return OpenSSL's failure value with an error on the queue (normally
// ERR_R_MALLOC_FAILURE; the ones that are not are listed: a callee that
// swallowed the exception and failed otherwise), and nothing may crash or
// terminate.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <new>

namespace {

long g_countdown = -1;  // allocations left before one fails; -1: none fails
bool g_failed = false;  // an allocation was made to fail

void* allocate(std::size_t n) {
  if (g_countdown == 0) {
    g_countdown = -1;
    g_failed = true;
    throw std::bad_alloc();
  }
  if (g_countdown > 0) --g_countdown;
  void* p = std::malloc(n != 0 ? n : 1);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

// 0: the queue is empty; 1: it says ERR_R_MALLOC_FAILURE; 2: other errors.
int queued_error() {
  int found = 0;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE) {
      found = 1;
    } else if (found == 0) {
      found = 2;
    }
  }
  return found;
}

struct Pair {
  SSL_CTX* cctx = nullptr;
  SSL_CTX* sctx = nullptr;
  SSL* c = nullptr;
  SSL* s = nullptr;
  ~Pair() {
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
  }
};

// One connection, every step checked; false when a step failed (as it may,
// only by its failure value).
bool connection(const char* dir, bool* failure_reported) {
  char chain[512], key[512], root[512];
  std::snprintf(chain, sizeof(chain), "%s/ecdsa-fullchain.pem", dir);
  std::snprintf(key, sizeof(key), "%s/ecdsa-leaf.key", dir);
  std::snprintf(root, sizeof(root), "%s/ecdsa-root.pem", dir);
  Pair p;
  *failure_reported = true;
  if ((p.cctx = SSL_CTX_new(TLS_client_method())) == nullptr) return false;
  if ((p.sctx = SSL_CTX_new(TLS_server_method())) == nullptr) return false;
  if (SSL_CTX_use_certificate_chain_file(p.sctx, chain) != 1 ||
      SSL_CTX_use_PrivateKey_file(p.sctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_load_verify_locations(p.cctx, root, nullptr) != 1 ||
      SSL_CTX_set_cipher_list(p.cctx, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1 ||
      SSL_CTX_set1_groups_list(p.cctx, "X25519:P-256") != 1) {
    return false;
  }
  SSL_CTX_set_verify(p.cctx, SSL_VERIFY_PEER, nullptr);
  if ((p.c = SSL_new(p.cctx)) == nullptr || (p.s = SSL_new(p.sctx)) == nullptr) return false;
  BIO *cb = nullptr, *sb = nullptr;
  if (BIO_new_bio_pair(&cb, 0, &sb, 0) != 1) {
    *failure_reported = false;  // libcrypto's, not ours
    return false;
  }
  SSL_set_bio(p.c, cb, cb);
  SSL_set_bio(p.s, sb, sb);
  SSL_set_connect_state(p.c);
  SSL_set_accept_state(p.s);
  if (SSL_set_tlsext_host_name(p.c, "localhost") != 1 || SSL_set1_host(p.c, "localhost") != 1) {
    return false;
  }
  bool cdone = false, sdone = false;
  for (int round = 0; round < 20 && !(cdone && sdone); ++round) {
    if (!cdone) {
      int r = SSL_do_handshake(p.c);
      if (r == 1) {
        cdone = true;
      } else if (SSL_get_error(p.c, r) != SSL_ERROR_WANT_READ) {
        return false;
      }
    }
    if (!sdone) {
      int r = SSL_do_handshake(p.s);
      if (r == 1) {
        sdone = true;
      } else if (SSL_get_error(p.s, r) != SSL_ERROR_WANT_READ) {
        return false;
      }
    }
  }
  if (!cdone || !sdone) return false;
  char buf[16];
  size_t n = 0;
  if (SSL_write_ex(p.c, "hello", 5, &n) != 1 || SSL_read_ex(p.s, buf, sizeof(buf), &n) != 1) {
    return false;
  }
  SSL_SESSION* sess = SSL_get1_session(p.c);
  unsigned char* der = nullptr;
  int len = i2d_SSL_SESSION(sess, &der);
  SSL_SESSION_free(sess);
  OPENSSL_free(der);
  if (len <= 0) return false;
  if (SSL_shutdown(p.c) < 0 || SSL_shutdown(p.s) < 0) return false;
  *failure_reported = false;
  return true;
}

}  // namespace

void* operator new(std::size_t n) {
  return allocate(n);
}
void* operator new[](std::size_t n) {
  return allocate(n);
}
// The nothrow forms fail the same way, with nullptr (compat makes its SSL and
// SSL_CTX objects with them).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s TEST_DATA_DIR [N: only the N-th allocation fails]\n", argv[0]);
    return 2;
  }
  const long only = argc == 3 ? std::atol(argv[2]) : -1;
  OPENSSL_init_ssl(0, nullptr);
  int failures = 0;
  long n = only >= 0 ? only : 0;
  for (;; ++n) {
    ERR_clear_error();
    g_failed = false;
    g_countdown = n;
    bool reported = false;
    bool ok = connection(argv[1], &reported);
    g_countdown = -1;
    if (!g_failed) {
      if (!ok) {
        std::printf("FAIL: the connection fails with no allocation failure\n");
        return 1;
      }
      break;  // every allocation of a whole connection was tried
    }
    // The failed allocation may have been in a step whose failure the test
    // cannot see (a destructor's, a callback's): then the connection goes
    // on. When a step failed, OpenSSL's failure value came back and the
    // queue says why.
    const int queued = queued_error();
    if (!ok && reported && queued == 0) {
      std::printf("FAIL: allocation %ld failed, a step failed with no error queued\n", n);
      ++failures;
    } else if (!ok && reported && queued == 2) {
      std::printf("note: allocation %ld failed, another error than ERR_R_MALLOC_FAILURE\n", n);
    }
    ERR_clear_error();
    if (only >= 0) return failures == 0 ? 0 : 1;
  }
  std::printf("%ld allocations, each made to fail once: %s\n", n,
              failures == 0 ? "every failure reported" : "some not reported");
  return failures == 0 && n > 0 ? 0 : 1;
}
