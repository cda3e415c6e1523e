// RFC 8446 section 7.1. Every Derive-Secret over the empty transcript
// ("derived", "res binder") hashes the empty string; that hash is computed
// once per process and hash. A stage whose input is missing (set_master
// before set_handshake) or whose derivation failed stays empty, and every
// secret derived from an empty stage is empty too (HKDF-Expand refuses a PRK
// shorter than Hash.length), so a failure can never yield a usable key.
#include "engine/handshake/tls13_key_schedule.h"

#include <array>

namespace adieu::tls13 {

namespace {

const Secret& empty_hash(HashAlg alg) {
  static const Secret sha256 = crypto::hash(HashAlg::sha256, {});
  static const Secret sha384 = crypto::hash(HashAlg::sha384, {});
  return alg == HashAlg::sha384 ? sha384 : sha256;
}

// Hash.length zeros: the PSK/ECDHE input when there is none, and the IKM of
// the master secret.
std::span<const uint8_t> zeros(HashAlg alg) {
  static constexpr std::array<uint8_t, 48> kZeros{};
  return std::span<const uint8_t>(kZeros).first(crypto::hash_size(alg));
}

// Derive-Secret(Early Secret, "derived", "") when there is no PSK: the early
// secret is then HKDF-Extract(0, 0), a public constant, and so is this. A
// full handshake starts from it instead of two HMAC computations.
const Secret& no_psk_derived(HashAlg alg) {
  static const auto derive = [](HashAlg a) {
    const Secret early = crypto::hkdf_extract(a, {}, zeros(a));
    return KeySchedule::derive_secret(a, early.span(), "derived", empty_hash(a).span());
  };
  static const Secret sha256 = derive(HashAlg::sha256);
  static const Secret sha384 = derive(HashAlg::sha384);
  return alg == HashAlg::sha384 ? sha384 : sha256;
}

}  // namespace

Secret KeySchedule::derive_secret(HashAlg alg, std::span<const uint8_t> secret,
                                  std::string_view label,
                                  std::span<const uint8_t> transcript_hash) {
  return crypto::hkdf_expand_label(alg, secret, label, transcript_hash, crypto::hash_size(alg));
}

void KeySchedule::set_early(std::span<const uint8_t> psk) {
  // Without a PSK the early secret is a constant that set_handshake() does
  // not need (see no_psk_derived); it is computed only for a binder key.
  has_psk_ = !psk.empty();
  early_ = has_psk_ ? crypto::hkdf_extract(alg_, {}, psk) : Secret();
  handshake_.wipe();
  master_.wipe();
}

Secret KeySchedule::resumption_binder_key() const {
  return derive_secret(alg_, early_.span(), "res binder", empty_hash(alg_).span());
}

Secret KeySchedule::external_binder_key() const {
  return derive_secret(alg_, early_.span(), "ext binder", empty_hash(alg_).span());
}

Secret KeySchedule::client_early_traffic(std::span<const uint8_t> transcript_hash) const {
  return derive_secret(alg_, early_.span(), "c e traffic", transcript_hash);
}

void KeySchedule::set_handshake(std::span<const uint8_t> ecdhe) {
  // No PSK: the chain starts from the constant early secret.
  // (With a PSK whose extraction failed, early_ is empty and so is this.)
  const Secret derived =
      has_psk_ ? derive_secret(alg_, early_.span(), "derived", empty_hash(alg_).span())
               : no_psk_derived(alg_);
  master_.wipe();
  if (derived.empty()) {  // a libcrypto failure: leave the stage empty, never half-derived
    handshake_.wipe();
    return;
  }
  handshake_ = crypto::hkdf_extract(alg_, derived.span(), ecdhe.empty() ? zeros(alg_) : ecdhe);
}

Secret KeySchedule::client_handshake_traffic(std::span<const uint8_t> transcript_hash) const {
  return derive_secret(alg_, handshake_.span(), "c hs traffic", transcript_hash);
}

Secret KeySchedule::server_handshake_traffic(std::span<const uint8_t> transcript_hash) const {
  return derive_secret(alg_, handshake_.span(), "s hs traffic", transcript_hash);
}

void KeySchedule::set_master() {
  const Secret derived = derive_secret(alg_, handshake_.span(), "derived", empty_hash(alg_).span());
  if (derived.empty()) {  // no handshake secret, or a libcrypto failure
    master_.wipe();
    return;
  }
  master_ = crypto::hkdf_extract(alg_, derived.span(), zeros(alg_));
}

Secret KeySchedule::client_application_traffic(std::span<const uint8_t> transcript_hash) const {
  return derive_secret(alg_, master_.span(), "c ap traffic", transcript_hash);
}

Secret KeySchedule::server_application_traffic(std::span<const uint8_t> transcript_hash) const {
  return derive_secret(alg_, master_.span(), "s ap traffic", transcript_hash);
}

Secret KeySchedule::exporter_master(std::span<const uint8_t> transcript_hash) const {
  return derive_secret(alg_, master_.span(), "exp master", transcript_hash);
}

Secret KeySchedule::resumption_master(std::span<const uint8_t> transcript_hash) const {
  return derive_secret(alg_, master_.span(), "res master", transcript_hash);
}

Secret KeySchedule::finished_key(HashAlg alg, std::span<const uint8_t> base_key) {
  return crypto::hkdf_expand_label(alg, base_key, "finished", {}, crypto::hash_size(alg));
}

Secret KeySchedule::finished_mac(HashAlg alg, std::span<const uint8_t> finished_key,
                                 std::span<const uint8_t> transcript_hash) {
  if (finished_key.size() != crypto::hash_size(alg)) return Secret();
  return crypto::hmac(alg, finished_key, transcript_hash);
}

Secret KeySchedule::finished_verify_data(HashAlg alg, std::span<const uint8_t> base_key,
                                         std::span<const uint8_t> transcript_hash) {
  return finished_mac(alg, finished_key(alg, base_key).span(), transcript_hash);
}

Secret KeySchedule::next_traffic_secret(HashAlg alg, std::span<const uint8_t> secret) {
  return crypto::hkdf_expand_label(alg, secret, "traffic upd", {}, crypto::hash_size(alg));
}

Secret KeySchedule::ticket_psk(HashAlg alg, std::span<const uint8_t> resumption_master,
                               std::span<const uint8_t> nonce) {
  return crypto::hkdf_expand_label(alg, resumption_master, "resumption", nonce,
                                   crypto::hash_size(alg));
}

}  // namespace adieu::tls13
