#include "alloc_counter.h"

#include <openssl/crypto.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace adieu::bench::alloc {
namespace {

enum class Origin : uint8_t { cxx = 0, libcrypto = 1 };

// Lives in front of every counted block. 16 bytes keep the user pointer
// aligned as malloc's is.
struct alignas(16) Header {
  uint64_t size;    // bytes the caller asked for
  uint32_t offset;  // from the start of the underlying block to the user pointer
  uint8_t side;     // Side that allocated the block
  uint8_t origin;   // Origin
};
static_assert(sizeof(Header) == 16);

// Constant-initialized, so valid before any static constructor runs.
Counts g_counts[kSideCount];
Side g_side = Side::harness;

Header* header_of(void* user) {
  return static_cast<Header*>(user) - 1;
}

void* finish(void* block, size_t size, uint32_t offset, Origin origin) {
  auto* user = static_cast<unsigned char*>(block) + offset;
  Header* header = header_of(user);
  header->size = size;
  header->offset = offset;
  header->side = static_cast<uint8_t>(g_side);
  header->origin = static_cast<uint8_t>(origin);
  Counts& counts = g_counts[side_index(g_side)];
  counts.allocations++;
  counts.live_bytes += static_cast<int64_t>(size);
  if (origin == Origin::libcrypto) {
    counts.libcrypto_allocations++;
    counts.libcrypto_live_bytes += static_cast<int64_t>(size);
  }
  return user;
}

// Takes a block out of the live bytes of the side that allocated it.
void forget(const Header& header) {
  Counts& counts = g_counts[header.side];
  counts.live_bytes -= static_cast<int64_t>(header.size);
  if (header.origin == static_cast<uint8_t>(Origin::libcrypto)) {
    counts.libcrypto_live_bytes -= static_cast<int64_t>(header.size);
  }
}

void* counted_malloc(size_t size, Origin origin) {
  if (size > SIZE_MAX - sizeof(Header)) return nullptr;
  void* block = std::malloc(size + sizeof(Header));
  if (block == nullptr) return nullptr;
  return finish(block, size, sizeof(Header), origin);
}

void* counted_aligned_malloc(size_t size, size_t alignment) {
  if (alignment <= alignof(Header)) return counted_malloc(size, Origin::cxx);
  // The header sits in the last 16 bytes of an `alignment`-sized prefix.
  if (size > SIZE_MAX - 2 * alignment) return nullptr;
  size_t total = (size + alignment + alignment - 1) / alignment * alignment;
  void* block = std::aligned_alloc(alignment, total);
  if (block == nullptr) return nullptr;
  return finish(block, size, static_cast<uint32_t>(alignment), Origin::cxx);
}

void counted_free(void* user) {
  if (user == nullptr) return;
  Header* header = header_of(user);
  forget(*header);
  std::free(static_cast<unsigned char*>(user) - header->offset);
}

// Only libcrypto reallocates; its blocks always come from counted_malloc
// (offset 16).
void* counted_realloc(void* user, size_t size) {
  if (user == nullptr) return counted_malloc(size, Origin::libcrypto);
  if (size == 0) {
    counted_free(user);
    return nullptr;
  }
  if (size > SIZE_MAX - sizeof(Header)) return nullptr;
  const Header old = *header_of(user);
  void* block = std::realloc(header_of(user), size + sizeof(Header));
  if (block == nullptr) return nullptr;
  forget(old);
  return finish(block, size, sizeof(Header), Origin::libcrypto);
}

void* crypto_malloc_hook(size_t size, const char*, int) {
  return counted_malloc(size, Origin::libcrypto);
}
void* crypto_realloc_hook(void* user, size_t size, const char*, int) {
  return counted_realloc(user, size);
}
void crypto_free_hook(void* user, const char*, int) {
  counted_free(user);
}

void* new_or_throw(size_t size) {
  void* p = counted_malloc(size == 0 ? 1 : size, Origin::cxx);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* aligned_new_or_throw(size_t size, std::align_val_t alignment) {
  void* p = counted_aligned_malloc(size == 0 ? 1 : size, static_cast<size_t>(alignment));
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

bool install_libcrypto_hooks() {
  return CRYPTO_set_mem_functions(crypto_malloc_hook, crypto_realloc_hook, crypto_free_hook) == 1;
}

Counts counts(Side side) {
  return g_counts[side_index(side)];
}
Side current_side() {
  return g_side;
}
void set_current_side(Side side) {
  g_side = side;
}

}  // namespace adieu::bench::alloc

// Counting replacements of the global allocation functions: they count adieu's
// C++ allocations (OpenSSL is C and goes through the libcrypto hooks).
using adieu::bench::alloc::aligned_new_or_throw;
using adieu::bench::alloc::counted_aligned_malloc;
using adieu::bench::alloc::counted_free;
using adieu::bench::alloc::counted_malloc;
using adieu::bench::alloc::new_or_throw;
using adieu::bench::alloc::Origin;

void* operator new(size_t size) {
  return new_or_throw(size);
}
void* operator new[](size_t size) {
  return new_or_throw(size);
}
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size == 0 ? 1 : size, Origin::cxx);
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  return counted_malloc(size == 0 ? 1 : size, Origin::cxx);
}
void* operator new(size_t size, std::align_val_t alignment) {
  return aligned_new_or_throw(size, alignment);
}
void* operator new[](size_t size, std::align_val_t alignment) {
  return aligned_new_or_throw(size, alignment);
}
void* operator new(size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted_aligned_malloc(size == 0 ? 1 : size, static_cast<size_t>(alignment));
}
void* operator new[](size_t size, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted_aligned_malloc(size == 0 ? 1 : size, static_cast<size_t>(alignment));
}

void operator delete(void* p) noexcept {
  counted_free(p);
}
void operator delete[](void* p) noexcept {
  counted_free(p);
}
void operator delete(void* p, size_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, size_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  counted_free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, size_t, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete[](void* p, size_t, std::align_val_t) noexcept {
  counted_free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  counted_free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  counted_free(p);
}
