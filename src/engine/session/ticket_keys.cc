// TicketKeys: AES-256-GCM keys that seal stateless session tickets.
//
// Ticket layout: key_name(16) || nonce(12) || ciphertext || tag(16), with the
// key name as additional data so a ticket cannot be moved to another key.
// Each key seals with one AEAD context, keyed once, and the deterministic
// nonce construction of NIST SP 800-38D section 8.2.1: a random per-key IV
// XOR a counter (as TLS 1.3 records do), so no two tickets of a key share a
// nonce and a ticket costs no key setup and no random draw. The nonce is
// written into the ticket, so opening needs no counter: it initialises an AEAD
// with the key and that nonce as its IV. A key seals at most 2^32 tickets
// (far more than one rotation period sees); then it seals nothing. The price
// of counter nonces: someone holding two tickets of one key can tell how many
// tickets the server issued in between (server load, never who got them);
// the key name already ties both to the same rotation period.
//
// The front key seals; every key not older than rotate + grace opens. Keys
// are made lazily: the first seal() (or open()) makes one. install() puts a
// fleet's shared keys in front; the schedule makes a local key only when the
// front one is past its rotation time (the fleet's source went quiet).
#include <adieu/session.h>

#include <algorithm>
#include <array>
#include <deque>
#include <limits>
#include <memory>

#include "crypto/aead.h"
#include "crypto/random.h"
#include "crypto/secret.h"

namespace adieu {

namespace {

constexpr size_t kKeyNameSize = 16;
constexpr size_t kKeySize = 32;
constexpr crypto::AeadAlg kAlg = crypto::AeadAlg::aes_256_gcm;
constexpr size_t kOverhead = kKeyNameSize + crypto::kAeadNonceSize + crypto::kAeadTagSize;

uint64_t saturating_add(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

constexpr uint64_t kMaxTicketsPerKey = uint64_t{1} << 32;

struct TicketKey {
  std::array<uint8_t, kKeyNameSize> name{};
  crypto::Secret key;  // wipes itself
  uint64_t created_ms = 0;
  std::array<uint8_t, crypto::kAeadNonceSize> iv{};
  std::unique_ptr<crypto::Aead> sealer;  // keyed with `key` and `iv`
  uint64_t sealed = 0;                   // tickets sealed: the next nonce's counter
};

// The nonce crypto::Aead uses for `seq`: iv with its last 8 bytes XORed with
// seq (big-endian).
void write_nonce(std::span<const uint8_t, crypto::kAeadNonceSize> iv, uint64_t seq,
                 std::span<uint8_t> out) {
  std::copy(iv.begin(), iv.end(), out.begin());
  for (size_t i = 0; i < 8; ++i) {
    out[crypto::kAeadNonceSize - 1 - i] ^= static_cast<uint8_t>(seq >> (8 * i));
  }
}

}  // namespace

struct TicketKeys::Impl {
  std::mutex mutex;
  uint64_t rotate_ms;
  uint64_t keep_ms;            // rotate + grace: how long a key opens tickets
  std::deque<TicketKey> keys;  // newest first
  crypto::Aead opener;         // re-initialised for each ticket opened

  Impl(uint32_t rotate_seconds, uint32_t grace_seconds)
      : rotate_ms(uint64_t{rotate_seconds} * 1000),
        keep_ms(uint64_t{rotate_seconds} * 1000 + uint64_t{grace_seconds} * 1000) {}

  // Adds a new newest key; false (keys unchanged) if no randomness.
  bool add_key(uint64_t now_ms) {
    TicketKey k;
    k.key.resize(kKeySize);
    k.sealer = std::make_unique<crypto::Aead>();
    if (!crypto::system_random().fill(k.name) ||
        !crypto::system_random().fill(k.key.mutable_span()) ||
        !crypto::system_random().fill(k.iv) || !k.sealer->init(kAlg, k.key.span(), k.iv)) {
      return false;
    }
    k.created_ms = now_ms;
    keys.push_front(std::move(k));
    return true;
  }

  // Rotates on schedule and forgets keys past their grace period. If no new
  // key could be made, the old one stops sealing at its rotation time (see
  // seal()) and opening at the end of its grace period.
  void age(uint64_t now_ms) {
    if (keys.empty() || now_ms >= saturating_add(keys.front().created_ms, rotate_ms)) {
      add_key(now_ms);
    }
    // Shared keys may sit in front of newer local ones: look at every key.
    std::erase_if(
        keys, [&](const TicketKey& k) { return now_ms >= saturating_add(k.created_ms, keep_ms); });
  }

  // Moves the key named `name` to the front, or makes it there from `shared`;
  // false (keys unchanged) if no randomness for its nonce base.
  bool put_front(const SharedKey& shared) {
    for (auto it = keys.begin(); it != keys.end(); ++it) {
      if (crypto::constant_time_equal(it->name, shared.name)) {
        TicketKey k = std::move(*it);
        keys.erase(it);
        keys.push_front(std::move(k));
        return true;
      }
    }
    TicketKey k;
    k.name = shared.name;
    k.key = crypto::Secret(shared.key);
    k.created_ms = shared.created_ms;
    k.sealer = std::make_unique<crypto::Aead>();
    // Our own nonce base: two servers sealing under one key never share a
    // nonce (a random 96-bit base each, counters far below 2^32).
    if (!crypto::system_random().fill(k.iv) || !k.sealer->init(kAlg, k.key.span(), k.iv)) {
      return false;
    }
    keys.push_front(std::move(k));
    return true;
  }

  const TicketKey* find(std::span<const uint8_t> name) const {
    for (const TicketKey& k : keys) {
      if (crypto::constant_time_equal(k.name, name)) return &k;
    }
    return nullptr;
  }
};

TicketKeys::TicketKeys(uint32_t rotate_seconds, uint32_t grace_seconds)
    : impl_(std::make_unique<Impl>(rotate_seconds, grace_seconds)) {}

TicketKeys::~TicketKeys() = default;  // each key's Secret and the Aead wipe themselves

void TicketKeys::rotate(uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->add_key(now_ms);
}

void TicketKeys::install(std::span<const SharedKey> keys) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  // Oldest first, so that the current key ends in front.
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) impl_->put_front(*it);
}

std::vector<uint8_t> TicketKeys::seal(std::span<const uint8_t> plaintext, uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->age(now_ms);
  if (impl_->keys.empty()) return {};
  TicketKey& key = impl_->keys.front();
  // A key past its rotation time (no new key could be made) or its ticket
  // count seals nothing.
  if (now_ms >= saturating_add(key.created_ms, impl_->rotate_ms)) return {};
  if (key.sealed >= kMaxTicketsPerKey) return {};
  if (plaintext.size() > std::numeric_limits<size_t>::max() - kOverhead) return {};

  // Exact size up front: the plaintext (a serialized session, secret) is
  // copied in and encrypted in place, and must not be left behind by a
  // reallocation.
  std::vector<uint8_t> ticket(kOverhead + plaintext.size());
  std::span<uint8_t> out(ticket);
  std::span<uint8_t> name = out.subspan(0, kKeyNameSize);
  std::span<uint8_t> nonce = out.subspan(kKeyNameSize, crypto::kAeadNonceSize);
  std::span<uint8_t> body = out.subspan(kKeyNameSize + crypto::kAeadNonceSize, plaintext.size());
  std::span<uint8_t, crypto::kAeadTagSize> tag = out.last<crypto::kAeadTagSize>();
  std::copy(key.name.begin(), key.name.end(), name.begin());
  std::copy(plaintext.begin(), plaintext.end(), body.begin());
  const uint64_t seq = key.sealed++;
  write_nonce(key.iv, seq, nonce);
  if (!key.sealer->seal(seq, name, body, tag)) {
    crypto::wipe_bytes(ticket);
    return {};
  }
  return ticket;
}

std::optional<std::vector<uint8_t>> TicketKeys::open(std::span<const uint8_t> ticket,
                                                     uint64_t now_ms) {
  if (ticket.size() < kOverhead) return std::nullopt;
  const auto name = ticket.subspan(0, kKeyNameSize);
  const auto nonce = ticket.subspan(kKeyNameSize, crypto::kAeadNonceSize);
  const auto body =
      ticket.subspan(kKeyNameSize + crypto::kAeadNonceSize, ticket.size() - kOverhead);
  const auto tag = ticket.last<crypto::kAeadTagSize>();

  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->age(now_ms);
  const TicketKey* key = impl_->find(name);
  if (key == nullptr) return std::nullopt;
  std::vector<uint8_t> plaintext(body.begin(), body.end());
  const bool opened = impl_->opener.init(kAlg, key->key.span(), nonce) &&
                      impl_->opener.open(0, name, plaintext, tag);
  impl_->opener.clear();
  if (!opened) {
    crypto::wipe_bytes(plaintext);
    return std::nullopt;
  }
  return plaintext;
}

}  // namespace adieu
