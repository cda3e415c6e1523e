// fuzz-link: adieu_messages
// The PSK extensions (RFC 8446 sections 4.2.9 and 4.2.11): the input is one
// extension_data, fed to the existing codecs inside a minimal hello that holds
// only that extension:
//   - ClientHello pre_shared_key (OfferedPsks), as the last extension;
//   - ClientHello pre_shared_key followed by another extension;
//   - ClientHello psk_key_exchange_modes;
//   - ServerHello and HelloRetryRequest pre_shared_key (selected_identity).
// Each result is checked against a small independent reading of the RFC's
// grammar (same verdict, same error, same fields); whatever parses must
// serialize back to the very bytes it was parsed from, and re-parse equal.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

#include "message_fuzzer.h"

namespace {

namespace m = adieu::messages;
using adieu::Error;
using adieu::fuzz::fail;
using m::ByteVec;
using m::ExtensionType;

constexpr uint16_t kUnknownExtension = 0xfafa;  // a GREASE value

// A reference decoder for OfferedPsks, written from RFC 8446 section 4.2.11
// and not from the codec: PskIdentity identities<7..2^16-1> (identity<1..2^16-1>,
// uint32 obfuscated_ticket_age), PskBinderEntry binders<33..2^16-1>
// (opaque<32..255>), nothing after, as many binders as identities.
struct Cursor {
  const uint8_t* p;
  size_t left;
  bool take(size_t n, const uint8_t*& at) {
    if (n > left) return false;
    at = p;
    p += n;
    left -= n;
    return true;
  }
  bool num(size_t width, uint32_t& v) {
    const uint8_t* at = nullptr;
    if (!take(width, at)) return false;
    v = 0;
    for (size_t i = 0; i < width; ++i) v = v << 8 | at[i];
    return true;
  }
};

Error reference_offered_psks(const uint8_t* data, size_t size, m::OfferedPsks& out) {
  Cursor c{data, size};
  uint32_t ids_len = 0;
  const uint8_t* ids = nullptr;
  if (!c.num(2, ids_len) || ids_len < 7 || !c.take(ids_len, ids)) return Error::decode_error;
  uint32_t binders_len = 0;
  const uint8_t* binders = nullptr;
  if (!c.num(2, binders_len) || binders_len < 33 || !c.take(binders_len, binders)) {
    return Error::decode_error;
  }
  if (c.left != 0) return Error::decode_error;
  for (Cursor ic{ids, ids_len}; ic.left > 0;) {
    m::PskIdentity id;
    uint32_t n = 0;
    const uint8_t* at = nullptr;
    if (!ic.num(2, n) || n < 1 || !ic.take(n, at) || !ic.num(4, id.obfuscated_ticket_age)) {
      return Error::decode_error;
    }
    id.identity.assign(at, at + n);
    out.identities.push_back(std::move(id));
  }
  for (Cursor bc{binders, binders_len}; bc.left > 0;) {
    uint32_t n = 0;
    const uint8_t* at = nullptr;
    if (!bc.num(1, n) || n < 32 || !bc.take(n, at)) return Error::decode_error;
    out.binders.emplace_back(at, at + n);
  }
  if (out.identities.size() != out.binders.size()) return Error::illegal_parameter;
  return Error::none;
}

// The bytes of a hello's body with the given extensions; nullopt when they do
// not fit in an extension block.
struct Ext {
  uint16_t type;
  const uint8_t* data;
  size_t size;
};

std::optional<ByteVec> hello_body(bool server, bool hrr, std::initializer_list<Ext> exts) {
  size_t total = 0;
  for (const Ext& e : exts) total += 4 + e.size;
  if (total > 0xffff) return std::nullopt;
  ByteVec body;
  adieu::wire::Writer w(body);
  w.u16(m::kTls12);
  if (hrr) {
    w.bytes(std::span<const uint8_t>(m::kHelloRetryRequestRandom, 32));
  } else {
    for (int i = 0; i < 32; ++i) w.u8(static_cast<uint8_t>(i));
  }
  w.u8(0);  // legacy_session_id(_echo)
  if (server) {
    w.u16(0x1301);  // cipher_suite
    w.u8(0);        // legacy_compression_method
  } else {
    w.u16(2);  // cipher_suites
    w.u16(0x1301);
    w.u8(1);  // legacy_compression_methods
    w.u8(0);
  }
  size_t block = w.open_vec16();
  for (const Ext& e : exts) {
    w.u16(e.type);
    w.vec16(std::span<const uint8_t>(e.data, e.size));
  }
  w.close_vec(block);
  if (!w.ok()) fail("building a hello failed");
  return body;
}

// Serializes a parsed hello and requires its body to be `body` again, and a
// re-parse of it to be equal.
template <class Hello>
void check_round_trip(const Hello& hello, const ByteVec& body, m::HandshakeType type) {
  ByteVec bytes = adieu::fuzz::serialize_checked(hello, type);
  if (!std::equal(bytes.begin() + m::kHandshakeHeaderSize, bytes.end(), body.begin(), body.end())) {
    fail("serialized hello differs from the parsed bytes");
  }
  Hello again;
  if (again.parse(adieu::wire::Bytes(body)) != Error::none || again != hello) {
    fail("re-parse differs");
  }
}

void fuzz_offered_psks(const uint8_t* data, size_t size) {
  const uint16_t psk = static_cast<uint16_t>(ExtensionType::pre_shared_key);

  // Not the last extension: illegal_parameter whatever its body (RFC 8446
  // section 4.2.11).
  if (auto body = hello_body(false, false, {{psk, data, size}, {kUnknownExtension, data, 0}})) {
    m::ClientHello ch;
    if (ch.parse(adieu::wire::Bytes(*body)) != Error::illegal_parameter) {
      fail("pre_shared_key before another extension accepted");
    }
  }

  auto body = hello_body(false, false, {{psk, data, size}});
  if (!body) return;
  m::ClientHello ch;
  const Error got = ch.parse(adieu::wire::Bytes(*body));
  m::OfferedPsks want;
  const Error expected = reference_offered_psks(data, size, want);
  if (got != expected) fail("OfferedPsks verdict differs from the reference");
  if (got != Error::none) return;

  if (!ch.pre_shared_key) fail("parsed pre_shared_key missing");
  const m::OfferedPsks& psks = *ch.pre_shared_key;
  if (psks != want) fail("OfferedPsks fields differ from the reference");
  if (psks.identities.empty() || psks.identities.size() != psks.binders.size()) {
    fail("identities and binders counts");
  }
  size_t binders_bytes = 2;
  for (const m::PskIdentity& id : psks.identities) {
    if (id.identity.empty() || id.identity.size() > 0xffff) fail("identity length");
  }
  for (const ByteVec& binder : psks.binders) {
    if (binder.size() < 32 || binder.size() > 255) fail("binder length");
    binders_bytes += 1 + binder.size();
  }
  // The binders list ends the extension, so it ends the input.
  if (ch.binders_size() != binders_bytes || binders_bytes > size ||
      (size_t{data[size - binders_bytes]} << 8 | data[size - binders_bytes + 1]) !=
          binders_bytes - 2) {
    fail("binders_size does not match the input's binders list");
  }
  // Only pre_shared_key was set.
  m::ClientHello only;
  only.random = ch.random;
  only.cipher_suites = ch.cipher_suites;
  only.pre_shared_key = psks;
  if (only != ch) fail("other ClientHello fields set");
  check_round_trip(ch, *body, m::HandshakeType::client_hello);
}

// PskKeyExchangeMode ke_modes<1..255> (RFC 8446 section 4.2.9). The values
// are not checked by the codec: unknown modes are the handshake's to ignore.
void fuzz_ke_modes(const uint8_t* data, size_t size) {
  auto body = hello_body(
      false, false, {{static_cast<uint16_t>(ExtensionType::psk_key_exchange_modes), data, size}});
  if (!body) return;
  m::ClientHello ch;
  const Error got = ch.parse(adieu::wire::Bytes(*body));
  const bool valid = size >= 2 && data[0] == size - 1;
  if (got != (valid ? Error::none : Error::decode_error)) {
    fail("psk_key_exchange_modes verdict");
  }
  if (!valid) return;
  if (!ch.psk_key_exchange_modes ||
      !std::equal(ch.psk_key_exchange_modes->begin(), ch.psk_key_exchange_modes->end(), data + 1,
                  data + size)) {
    fail("psk_key_exchange_modes contents");
  }
  check_round_trip(ch, *body, m::HandshakeType::client_hello);
}

// uint16 selected_identity, in a TLS 1.3 ServerHello; in a HelloRetryRequest
// it is an illegal_parameter once it parses.
void fuzz_selected_identity(const uint8_t* data, size_t size) {
  const uint8_t tls13[2] = {m::kTls13 >> 8, m::kTls13 & 0xff};
  const uint16_t versions = static_cast<uint16_t>(ExtensionType::supported_versions);
  const uint16_t psk = static_cast<uint16_t>(ExtensionType::pre_shared_key);
  const bool valid = size == 2;

  if (auto body = hello_body(true, true, {{versions, tls13, 2}, {psk, data, size}})) {
    m::ServerHello hrr;
    if (hrr.parse(adieu::wire::Bytes(*body)) !=
        (valid ? Error::illegal_parameter : Error::decode_error)) {
      fail("pre_shared_key in a HelloRetryRequest");
    }
  }

  auto body = hello_body(true, false, {{versions, tls13, 2}, {psk, data, size}});
  if (!body) return;
  m::ServerHello sh;
  const Error got = sh.parse(adieu::wire::Bytes(*body));
  if (got != (valid ? Error::none : Error::decode_error)) fail("selected_identity verdict");
  if (!valid) return;
  if (sh.selected_psk != uint16_t(data[0] << 8 | data[1])) fail("selected_identity value");
  check_round_trip(sh, *body, m::HandshakeType::server_hello);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz_offered_psks(data, size);
  fuzz_ke_modes(data, size);
  fuzz_selected_identity(data, size);
  return 0;
}
