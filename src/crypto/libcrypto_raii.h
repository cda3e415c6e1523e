// RAII holders for the libcrypto objects of the asymmetric code (keys, X.509,
// parameters), and a guard that keeps libcrypto's error queue clean.
// Internal to src/crypto/.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace adieu::crypto {

template <typename T, void (*Free)(T*)>
struct LibcryptoDeleter {
  void operator()(T* p) const { Free(p); }
};

template <typename T, void (*Free)(T*)>
using LibcryptoPtr = std::unique_ptr<T, LibcryptoDeleter<T, Free>>;

using EvpPkeyPtr = LibcryptoPtr<EVP_PKEY, EVP_PKEY_free>;
using EvpPkeyCtxPtr = LibcryptoPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = LibcryptoPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BnPtr = LibcryptoPtr<BIGNUM, BN_clear_free>;  // clears: may hold a private scalar
using EcPointPtr = LibcryptoPtr<EC_POINT, EC_POINT_free>;
using OsslParamBldPtr = LibcryptoPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using OsslParamPtr = LibcryptoPtr<OSSL_PARAM, OSSL_PARAM_free>;
using BioPtr = LibcryptoPtr<BIO, BIO_free_all>;
using X509Ptr = LibcryptoPtr<X509, X509_free>;
using X509StorePtr = LibcryptoPtr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = LibcryptoPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using GeneralNamesPtr = LibcryptoPtr<GENERAL_NAMES, GENERAL_NAMES_free>;

// Drops whatever libcrypto pushes on this thread's error queue during the
// guard's life. Failures are reported through our return values; leftovers
// on the queue would be misread later (SSL_get_error consults it).
class ErrorQueueMark {
 public:
  ErrorQueueMark() { ERR_set_mark(); }
  ~ErrorQueueMark() { ERR_pop_to_mark(); }
  ErrorQueueMark(const ErrorQueueMark&) = delete;
  ErrorQueueMark& operator=(const ErrorQueueMark&) = delete;
};

}  // namespace adieu::crypto
