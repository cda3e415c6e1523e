#include "crypto/pem_source.h"

#include <openssl/crypto.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace adieu::crypto {

bool read_whole_file(const std::string& path, std::vector<uint8_t>& out, std::string& reason) {
  out.clear();
  errno = 0;
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    reason = std::strerror(errno);
    return false;
  }
  // Reserve up front so that a private key is not left behind in buffers
  // freed by reallocation; the caller wipes `out` itself.
  struct stat info {};
  if (fstat(fileno(file.get()), &info) == 0 && info.st_size > 0) {
    out.reserve(static_cast<size_t>(info.st_size));
  }
  uint8_t chunk[4096];
  bool failed = false;
  for (;;) {
    size_t n = std::fread(chunk, 1, sizeof chunk, file.get());
    out.insert(out.end(), chunk, chunk + n);
    if (n < sizeof chunk) {
      failed = std::ferror(file.get()) != 0;
      break;
    }
  }
  OPENSSL_cleanse(chunk, sizeof chunk);
  if (failed) {
    // e.g. EISDIR when `path` is a directory.
    reason = errno != 0 ? std::strerror(errno) : "read error";
    OPENSSL_cleanse(out.data(), out.size());
    out.clear();
    return false;
  }
  return true;
}

}  // namespace adieu::crypto
