#include "engine/quic/retry_token.h"

#include <array>

#include "crypto/secret.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::quic {
namespace {

constexpr uint8_t kTokenVersion = 1;
constexpr size_t kPrefixSize = 1 + 8;  // version, nonce counter

bool read_connection_id(wire::Reader& r, ConnectionId& out) {
  const wire::Bytes bytes = r.vec8();
  const auto id = ConnectionId::from(bytes);
  if (!r.ok() || !id) return false;
  out = *id;
  return true;
}

}  // namespace

std::unique_ptr<RetryTokenKey> RetryTokenKey::generate(crypto::Random& random) {
  std::array<uint8_t, 16> key{};
  std::array<uint8_t, crypto::kAeadNonceSize> iv{};
  std::unique_ptr<RetryTokenKey> out(new RetryTokenKey);
  const bool ok =
      random.fill(key) && random.fill(iv) && out->aead_.init(crypto::AeadAlg::aes_128_gcm, key, iv);
  crypto::wipe_bytes(key);
  crypto::wipe_bytes(iv);
  return ok ? std::move(out) : nullptr;
}

std::vector<uint8_t> RetryTokenKey::seal(const RetryTokenContents& contents,
                                         std::span<const uint8_t> address) {
  const uint64_t nonce = next_nonce_++;
  std::vector<uint8_t> token;
  wire::Writer w(token);
  w.u8(kTokenVersion);
  w.u64(nonce);
  w.u64(static_cast<uint64_t>(contents.issued_at.time_since_epoch().count()));
  w.vec8(contents.original_dcid.span());
  w.vec8(contents.retry_scid.span());
  const size_t plaintext_size = token.size() - kPrefixSize;
  token.resize(token.size() + crypto::kAeadTagSize);
  const std::span<uint8_t> body(token.data() + kPrefixSize, plaintext_size);
  const std::span<uint8_t, crypto::kAeadTagSize> tag(token.data() + kPrefixSize + plaintext_size,
                                                     crypto::kAeadTagSize);
  if (!w.ok() || !aead_.seal(nonce, address, body, tag)) return {};
  return token;
}

std::optional<RetryTokenContents> RetryTokenKey::open(std::span<const uint8_t> token,
                                                      std::span<const uint8_t> address, Instant now,
                                                      Duration lifetime) {
  if (token.size() < kPrefixSize + crypto::kAeadTagSize || token[0] != kTokenVersion) {
    return std::nullopt;
  }
  wire::Reader prefix(token.subspan(1, 8));
  const uint64_t nonce = prefix.u64();
  const size_t body_size = token.size() - kPrefixSize - crypto::kAeadTagSize;
  std::vector<uint8_t> body(body_size);
  const std::span<const uint8_t, crypto::kAeadTagSize> tag(
      token.data() + token.size() - crypto::kAeadTagSize, crypto::kAeadTagSize);
  if (!aead_.open(nonce, address, token.subspan(kPrefixSize, body_size), body.data(), tag)) {
    return std::nullopt;
  }
  wire::Reader r(body);
  const uint64_t issued = r.u64();
  RetryTokenContents contents;
  if (!read_connection_id(r, contents.original_dcid) ||
      !read_connection_id(r, contents.retry_scid) || !r.done()) {
    return std::nullopt;
  }
  contents.issued_at = Instant(Duration(static_cast<int64_t>(issued)));
  if (contents.issued_at > now || now - contents.issued_at > lifetime) return std::nullopt;
  return contents;
}

}  // namespace adieu::quic
