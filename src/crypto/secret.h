// A fixed-capacity buffer for key material that wipes itself with
// OPENSSL_cleanse when destroyed or overwritten.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace adieu::crypto {

class Secret {
 public:
  // The largest secret kept in one: a secp521r1 shared secret (66 bytes, RFC
  // 8422 section 5.10), rounded up to a multiple of 8. (Hashes and HMACs are
  // at most 64 bytes.)
  static constexpr size_t kCapacity = 72;

  Secret() = default;
  explicit Secret(std::span<const uint8_t> bytes);  // truncates past kCapacity (asserts in debug)
  Secret(const Secret& other);
  Secret& operator=(const Secret& other);
  ~Secret();

  std::span<const uint8_t> span() const { return {bytes_.data(), size_}; }
  std::span<uint8_t> mutable_span() { return {bytes_.data(), size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Sets the length (<= kCapacity) so callers can fill mutable_span().
  void resize(size_t n);
  // Wipes the bytes and sets the length to 0.
  void wipe();

 private:
  std::array<uint8_t, kCapacity> bytes_{};
  size_t size_ = 0;
};

// A key-exchange result of any length (up to 1024 bytes: an ffdhe8192
// shared secret, RFC 7919), held on the heap and wiped when destroyed or
// moved from. Movable, not copyable.
class SharedSecret {
 public:
  SharedSecret() = default;
  explicit SharedSecret(size_t size) : bytes_(size) {}
  SharedSecret(SharedSecret&& other) noexcept;
  SharedSecret& operator=(SharedSecret&& other) noexcept;
  SharedSecret(const SharedSecret&) = delete;
  SharedSecret& operator=(const SharedSecret&) = delete;
  ~SharedSecret();

  std::span<const uint8_t> span() const { return bytes_; }
  std::span<uint8_t> mutable_span() { return bytes_; }
  size_t size() const { return bytes_.size(); }
  // Shrinks to n bytes (n <= size()), wiping the bytes dropped.
  void shrink(size_t n);

 private:
  std::vector<uint8_t> bytes_;
};

// Constant-time comparison (CRYPTO_memcmp); false when the sizes differ.
bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b);
// Overwrites secret bytes with zeros in a way the compiler keeps
// (OPENSSL_cleanse), for buffers that are not a Secret.
void wipe_bytes(std::span<uint8_t> bytes);
void wipe_bytes(void* data, size_t size);

}  // namespace adieu::crypto
