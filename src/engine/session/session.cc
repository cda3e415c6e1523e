// Session accessors and the session's byte form (for files and external
// stores).
//
// Byte form, version 2 (all integers big-endian, vectors length-prefixed):
//   u16 version (= 2; version 1 had no flags and is still read)
//   u8  flags            (bit 0: `id` is a TLS 1.2 ticket; bit 1: max_early_data follows)
//   u16 cipher_suite
//   vec8  psk            (1..Secret::kCapacity bytes)
//   vec16 id             (the ticket or session id; RFC 8446 ticket<1..2^16-1>)
//   vec16 server_name
//   vec8  alpn           (one protocol name, RFC 7301 section 3.1: at most 255 bytes)
//   u64 issued_at_ms
//   u32 lifetime_seconds
//   u32 age_add
//   u32 max_early_data   (only with flag bit 1)
// The `resumable` flag is not stored: a session that was marked not
// resumable is never written out by a sensible caller, and one read back
// starts resumable (its lifetime still applies).
#include <algorithm>
#include <limits>

#include "crypto/secret.h"
#include "engine/session/session_data.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu {

namespace {

constexpr uint16_t kFormatVersion = 2;
constexpr uint16_t kFormatVersionWithoutFlags = 1;
constexpr uint8_t kFlagTls12Ticket = 1;
constexpr uint8_t kFlagEarlyData = 2;
// version, flags, suite, three 1/2-byte prefixes, two more, issued_at,
// lifetime, age_add, max_early_data.
constexpr size_t kFixedSize = 2 + 1 + 2 + 1 + 2 + 2 + 1 + 8 + 4 + 4 + 4;

// issued_at + lifetime, saturating instead of wrapping (values read back from
// bytes are not trusted to be sane).
uint64_t expiry_ms(uint64_t issued_at_ms, uint32_t lifetime_seconds) {
  const uint64_t lifetime_ms = uint64_t{lifetime_seconds} * 1000;
  if (issued_at_ms > std::numeric_limits<uint64_t>::max() - lifetime_ms) {
    return std::numeric_limits<uint64_t>::max();
  }
  return issued_at_ms + lifetime_ms;
}

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

Session::Session(std::unique_ptr<Data> data) : data_(std::move(data)) {
  // A null Data would make every accessor undefined: stand in an empty,
  // never-resumable session instead.
  if (!data_) {
    data_ = std::make_unique<Data>();
    data_->resumable = false;
  }
}

Session::~Session() = default;  // Data's psk (a crypto::Secret) wipes itself

bool Session::resumable(uint64_t now_ms) const {
  return data_->resumable.load(std::memory_order_acquire) &&
         now_ms < expiry_ms(data_->issued_at_ms, data_->lifetime_seconds);
}

void Session::set_not_resumable() {
  data_->resumable.store(false, std::memory_order_release);
}

uint16_t Session::cipher_suite() const {
  return data_->cipher_suite;
}
const std::string& Session::server_name() const {
  return data_->server_name;
}
const std::string& Session::alpn() const {
  return data_->alpn;
}
uint64_t Session::issued_at_ms() const {
  return data_->issued_at_ms;
}
uint32_t Session::lifetime_seconds() const {
  return data_->lifetime_seconds;
}
std::span<const uint8_t> Session::id() const {
  return data_->id;
}

std::vector<uint8_t> Session::to_bytes() const {
  const Data& d = *data_;
  std::vector<uint8_t> out;
  // Reserve the exact size so the vector never reallocates: a reallocation
  // would leave a copy of the psk in freed memory.
  out.reserve(kFixedSize + d.psk.size() + d.id.size() + d.server_name.size() + d.alpn.size());
  wire::Writer w(out);
  w.u16(kFormatVersion);
  w.u8((d.tls12_ticket ? kFlagTls12Ticket : 0) | (d.max_early_data != 0 ? kFlagEarlyData : 0));
  w.u16(d.cipher_suite);
  w.vec8(d.psk.span());
  w.vec16(d.id);
  w.vec16(as_bytes(d.server_name));
  w.vec8(as_bytes(d.alpn));
  w.u64(d.issued_at_ms);
  w.u32(d.lifetime_seconds);
  w.u32(d.age_add);
  if (d.max_early_data != 0) w.u32(d.max_early_data);
  if (!w.ok() || d.psk.empty()) {
    // A field too long for its prefix (or no psk): no byte form.
    crypto::wipe_bytes(out);
    out.clear();
  }
  return out;
}

std::shared_ptr<Session> Session::from_bytes(std::span<const uint8_t> bytes) {
  wire::Reader r(bytes);
  const uint16_t version = r.u16();
  if ((version != kFormatVersion && version != kFormatVersionWithoutFlags) || !r.ok()) {
    return nullptr;
  }
  auto data = std::make_unique<Data>();
  const uint8_t flags = version == kFormatVersion ? r.u8() : 0;
  if ((flags & ~(kFlagTls12Ticket | kFlagEarlyData)) != 0) return nullptr;
  data->tls12_ticket = (flags & kFlagTls12Ticket) != 0;
  data->cipher_suite = r.u16();
  const wire::Bytes psk = r.vec8();
  const wire::Bytes id = r.vec16();
  const wire::Bytes server_name = r.vec16();
  const wire::Bytes alpn = r.vec8();
  data->issued_at_ms = r.u64();
  data->lifetime_seconds = r.u32();
  data->age_add = r.u32();
  if ((flags & kFlagEarlyData) != 0) {
    data->max_early_data = r.u32();
    if (data->max_early_data == 0) return nullptr;  // written only when set
  }
  if (!r.done() || psk.empty() || psk.size() > crypto::Secret::kCapacity) return nullptr;
  // The psk goes straight from the caller's bytes into the Secret: no
  // temporary copy to wipe.
  data->psk.resize(psk.size());
  std::copy(psk.begin(), psk.end(), data->psk.mutable_span().begin());
  data->id.assign(id.begin(), id.end());
  data->server_name.assign(server_name.begin(), server_name.end());
  data->alpn.assign(alpn.begin(), alpn.end());
  return std::make_shared<Session>(std::move(data));
}

}  // namespace adieu
