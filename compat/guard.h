// The one way compat's extern "C" entry points keep C++ exceptions inside
// (ARCHITECTURE.md rule 8): an entry point that may allocate runs its body
// in guard(). An exception becomes OpenSSL's failure value with an error on
// the queue: ERR_R_MALLOC_FAILURE for std::bad_alloc, ERR_R_INTERNAL_ERROR
// for anything else; an SSL it happened on is in the error state (its
// connection's state is no longer known). Thread cancellation (glibc's forced
// unwinding) goes on through, as it must.
#pragma once

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cxxabi.h>

#include <new>

namespace adieu::compat {

void note_exception(SSL* s, bool out_of_memory);

template <typename R, typename Body>
R guard(SSL* s, R failure, Body&& body) {
  try {
    return body();
  } catch (abi::__forced_unwind&) {
    throw;
  } catch (const std::bad_alloc&) {
    note_exception(s, true);
  } catch (...) {
    note_exception(s, false);
  }
  return failure;
}

template <typename R, typename Body>
R guard(R failure, Body&& body) {
  return guard<R>(nullptr, failure, static_cast<Body&&>(body));
}

}  // namespace adieu::compat
