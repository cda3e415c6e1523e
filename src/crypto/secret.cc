#include "crypto/secret.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cassert>

namespace adieu::crypto {

Secret::Secret(std::span<const uint8_t> bytes) {
  assert(bytes.size() <= kCapacity);
  size_ = std::min(bytes.size(), kCapacity);
  std::copy_n(bytes.begin(), size_, bytes_.begin());
}

Secret::Secret(const Secret& other) : size_(other.size_) {
  std::copy_n(other.bytes_.begin(), size_, bytes_.begin());
}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    wipe();
    size_ = other.size_;
    std::copy_n(other.bytes_.begin(), size_, bytes_.begin());
  }
  return *this;
}

Secret::~Secret() {
  wipe();
}

void Secret::resize(size_t n) {
  assert(n <= kCapacity);
  n = std::min(n, kCapacity);
  // Bytes dropped from the end must not linger.
  if (n < size_) OPENSSL_cleanse(bytes_.data() + n, size_ - n);
  size_ = n;
}

void Secret::wipe() {
  OPENSSL_cleanse(bytes_.data(), bytes_.size());
  size_ = 0;
}

SharedSecret::SharedSecret(SharedSecret&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SharedSecret& SharedSecret::operator=(SharedSecret&& other) noexcept {
  if (this != &other) {
    wipe_bytes(bytes_);
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

SharedSecret::~SharedSecret() {
  wipe_bytes(bytes_);
}

void SharedSecret::shrink(size_t n) {
  if (n >= bytes_.size()) return;
  wipe_bytes(std::span<uint8_t>(bytes_).subspan(n));
  bytes_.resize(n);
}

void wipe_bytes(std::span<uint8_t> bytes) {
  wipe_bytes(bytes.data(), bytes.size());
}

void wipe_bytes(void* data, size_t size) {
  if (size != 0) OPENSSL_cleanse(data, size);
}

bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace adieu::crypto
