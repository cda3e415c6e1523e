// fuzz-link: adieu_crypto
// The crypto/ calls a TLS 1.2 handshake makes on bytes from the peer:
// KeyShare::derive on a ServerKeyExchange / ClientKeyExchange public value
// (every group), Certificate::verify_tls12 on a ServerKeyExchange signature
// (any scheme code point), and the PRF-based functions on arbitrary lengths.
//
// Input: byte 0 picks the operation, byte 1 a group / certificate; the rest
// is the peer's bytes. Checked: nothing crashes; derive succeeds only for a
// value of the group's exact encoding and then yields the field-size secret;
// no random signature verifies; every PRF call succeeds exactly when its
// documented preconditions hold, and a failed one leaves its output zeroed.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/key_exchange.h"
#include "crypto/signature.h"
#include "crypto/tls12_prf.h"
#include "crypto/tls12_suite.h"

namespace {

using adieu::crypto::Certificate;
using adieu::crypto::Group;
using adieu::crypto::KeyShare;

constexpr std::array<Group, 7> kGroups = {Group::x25519,    Group::secp256r1, Group::secp384r1,
                                          Group::secp521r1, Group::x448,      Group::ffdhe2048,
                                          Group::ffdhe3072};

// {public value size, shared secret size} of each group's TLS encoding.
std::pair<size_t, size_t> sizes(Group group) {
  switch (group) {
    case Group::x25519:
      return {32, 32};
    case Group::x448:
      return {56, 56};
    case Group::secp256r1:
      return {65, 32};
    case Group::secp384r1:
      return {97, 48};
    case Group::secp521r1:
      return {133, 66};
    case Group::ffdhe2048:
      return {256, 256};  // p's size, zero-padded (RFC 8446 sections 4.2.8.1, 7.4.1)
    case Group::ffdhe3072:
      return {384, 384};
    default:
      break;
  }
  abort();
}

const std::vector<KeyShare>& shares() {
  static const std::vector<KeyShare> all = [] {
    std::vector<KeyShare> out;
    for (Group group : kGroups) {
      std::optional<KeyShare> share = KeyShare::generate(group, adieu::crypto::system_random());
      if (!share) abort();
      out.push_back(std::move(*share));
    }
    return out;
  }();
  return all;
}

const std::vector<Certificate>& certificates() {
  static const std::vector<Certificate> all = [] {
    std::vector<Certificate> out;
    for (const char* name : {"ecdsa-leaf.pem", "p384-leaf.pem", "rsa-leaf.pem", "rsa-pss-leaf.pem",
                             "ed25519-leaf.pem"}) {
      std::string error;
      std::vector<Certificate> certs =
          Certificate::from_pem_file(std::string(ADIEU_TEST_DATA) + "/" + name, error);
      if (certs.empty()) abort();
      out.push_back(certs.front());
    }
    return out;
  }();
  return all;
}

bool all_zero(std::span<const uint8_t> bytes) {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

void fuzz_derive(uint8_t pick, std::span<const uint8_t> peer) {
  const KeyShare& share = shares()[pick % kGroups.size()];
  const auto [public_size, secret_size] = sizes(share.group());
  std::optional<adieu::crypto::SharedSecret> secret = share.derive(peer);
  if (!secret) return;
  if (peer.size() != public_size || secret->size() != secret_size) abort();
  const Group g = share.group();
  const bool nist = g == Group::secp256r1 || g == Group::secp384r1 || g == Group::secp521r1;
  const bool xdh = g == Group::x25519 || g == Group::x448;
  if (nist && peer[0] != 0x04) abort();  // only uncompressed points (RFC 8422 section 5.4)
  if (xdh && all_zero(secret->span())) abort();
}

void fuzz_verify(uint8_t pick, std::span<const uint8_t> rest) {
  if (rest.size() < 4) return;
  const Certificate& cert = certificates()[pick % certificates().size()];
  const auto scheme = static_cast<adieu::crypto::SignatureScheme>(rest[0] << 8 | rest[1]);
  const size_t message_size = rest[2] % (rest.size() - 3 + 1);
  std::span<const uint8_t> message = rest.subspan(3, message_size);
  std::span<const uint8_t> signature = rest.subspan(3 + message_size);
  if (cert.verify_tls12(scheme, message, signature)) abort();  // a forgery
}

void fuzz_prf(uint8_t pick, std::span<const uint8_t> rest) {
  using namespace adieu::crypto;
  const HashAlg alg = (pick & 1) != 0 ? HashAlg::sha384 : HashAlg::sha256;
  if (rest.size() < 4) return;
  // rest = out_size(1) label_size(1) secret_size(1) context_mode(1) label secret randoms context
  const size_t out_size = rest[0];
  const size_t label_size = rest[1];
  const size_t secret_size = rest[2];
  const uint8_t mode = rest[3];
  rest = rest.subspan(4);
  if (rest.size() < label_size + secret_size) return;
  const std::string_view label(reinterpret_cast<const char*>(rest.data()), label_size);
  std::span<const uint8_t> secret = rest.subspan(label_size, secret_size);
  std::span<const uint8_t> tail = rest.subspan(label_size + secret_size);
  std::vector<uint8_t> out(out_size, 0xaa);

  const bool prf_ok = tls12_prf(alg, secret, label, {tail}, out);
  const bool prf_expected = out_size > 0 && !secret.empty() && label_size + tail.size() > 0 &&
                            label_size + tail.size() <= kTls12PrfMaxSeed;
  if (prf_ok != prf_expected) abort();
  if (!prf_ok && !all_zero(out)) abort();

  // Exporter: randoms are the first 64 bytes of the tail when there are
  // enough, else the tail cut in two; the context (if any) is what follows.
  std::span<const uint8_t> client = tail.first(std::min<size_t>(32, tail.size()));
  std::span<const uint8_t> server =
      tail.subspan(client.size(), std::min<size_t>(32, tail.size() - client.size()));
  std::span<const uint8_t> after = tail.subspan(client.size() + server.size());
  std::optional<std::span<const uint8_t>> context;
  if ((mode & 1) != 0) context = after;
  std::fill(out.begin(), out.end(), 0xaa);
  const bool exported =
      tls12_export_keying_material(alg, secret, label, client, server, context, out);
  if (!exported && !all_zero(out)) abort();
  if (exported && (secret.size() != kTls12MasterSecretSize || client.size() != 32 ||
                   server.size() != 32 || out_size == 0)) {
    abort();
  }

  Secret master = tls12_master_secret(alg, secret, client, server);
  if (!master.empty() && (master.size() != kTls12MasterSecretSize || secret.empty() ||
                          client.size() != 32 || server.size() != 32)) {
    abort();
  }
  Secret verify = tls12_verify_data(
      alg, (mode & 2) != 0 ? Tls12Finished::server : Tls12Finished::client, secret, after);
  if (!verify.empty() &&
      (verify.size() != kTls12VerifyDataSize || secret.size() != kTls12MasterSecretSize ||
       after.size() != hash_size(alg))) {
    abort();
  }
  std::optional<Tls12KeyBlock> keys =
      tls12_key_block(alg, static_cast<AeadAlg>(mode % 3), secret, client, server);
  if (keys && keys->client_write_iv.size() != tls12_fixed_iv_size(static_cast<AeadAlg>(mode % 3))) {
    abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::span<const uint8_t> rest(data + 2, size - 2);
  switch (data[0] % 3) {
    case 0:
      fuzz_derive(data[1], rest);
      break;
    case 1:
      fuzz_verify(data[1], rest);
      break;
    default:
      fuzz_prf(data[1], rest);
      break;
  }
  return 0;
}
