// The TLS 1.2 steps both roles share (tls12_handshake.h).
#include "engine/handshake/tls12_handshake.h"

#include "engine/handshake/tls12_connected.h"
#include "messages/tls12_messages.h"

namespace adieu {

Tls12Handshake::~Tls12Handshake() = default;

std::optional<crypto::Tls12Auth> tls12_auth_of(const crypto::PrivateKey& key) {
  const std::vector<crypto::SignatureScheme> schemes = key.tls12_schemes();
  if (schemes.empty()) return std::nullopt;
  switch (schemes.front()) {
    case crypto::SignatureScheme::ecdsa_secp256r1_sha256:
    case crypto::SignatureScheme::ecdsa_secp384r1_sha384:
    case crypto::SignatureScheme::ecdsa_secp521r1_sha512:
    case crypto::SignatureScheme::ed25519:
    case crypto::SignatureScheme::ed448:
      return crypto::Tls12Auth::ecdsa;
    default:
      return crypto::Tls12Auth::rsa;
  }
}

void Tls12Handshake::start_transcript(const crypto::Tls12SuiteInfo& suite,
                                      std::span<const uint8_t> client_hello) {
  suite_ = &suite;
  ctx_.version = messages::kTls12;
  ctx_.cipher_suite = static_cast<uint16_t>(suite.suite);
  ctx_.cipher_suite_name = suite.name;
  transcript_.emplace(suite.prf_hash);
  add_to_transcript(client_hello);
}

void Tls12Handshake::add_to_transcript(std::span<const uint8_t> message) {
  transcript_->update(message);
  if (keep_messages_) messages_.insert(messages_.end(), message.begin(), message.end());
}

void Tls12Handshake::send(std::span<const uint8_t> message) {
  add_to_transcript(message);
  transport_.send_handshake(Level::initial, message);
}

Error Tls12Handshake::verify_certificate(const std::vector<messages::ByteVec>& chain,
                                         bool is_server_cert) {
  std::vector<std::span<const uint8_t>> ders;
  ders.reserve(chain.size());
  for (const messages::ByteVec& der : chain) ders.push_back(der);
  return ctx_.verify_peer_chain(ders, is_server_cert, ctx_.config.verify);
}

Error Tls12Handshake::derive_keys(std::span<const uint8_t> pre_master_secret) {
  const crypto::HashAlg hash = suite_->prf_hash;
  if (extended_master_secret_) {
    // RFC 7627 section 4: the session hash runs through ClientKeyExchange.
    master_secret_ = crypto::tls12_extended_master_secret(hash, pre_master_secret,
                                                          transcript_->current().span());
  } else {
    master_secret_ = crypto::tls12_master_secret(hash, pre_master_secret, ctx_.client_random,
                                                 ctx_.server_random);
  }
  if (master_secret_.empty()) return Error::internal_error;
  return derive_key_block();
}

Error Tls12Handshake::derive_key_block() {
  ctx_.keylog("CLIENT_RANDOM", master_secret_);
  key_block_ = crypto::tls12_key_block(suite_->prf_hash, suite_->aead, master_secret_.span(),
                                       ctx_.client_random, ctx_.server_random);
  return key_block_ ? Error::none : Error::internal_error;
}

Error Tls12Handshake::send_change_cipher_spec_and_switch() {
  transport_.send_change_cipher_spec();
  const bool client = ctx_.role == Role::client;
  const crypto::Secret& key = client ? key_block_->client_write_key : key_block_->server_write_key;
  const crypto::Secret& iv = client ? key_block_->client_write_iv : key_block_->server_write_iv;
  return transport_.install_tls12_write_keys(suite_->aead, key.span(), iv.span())
             ? Error::none
             : Error::internal_error;
}

Error Tls12Handshake::switch_read_keys(std::span<const uint8_t> body) {
  // RFC 5246 section 7.1: one byte, of value 1.
  if (body.size() != 1 || body[0] != 1) return Error::decode_error;
  const bool client = ctx_.role == Role::client;
  const crypto::Secret& key = client ? key_block_->server_write_key : key_block_->client_write_key;
  const crypto::Secret& iv = client ? key_block_->server_write_iv : key_block_->client_write_iv;
  return transport_.install_tls12_read_keys(suite_->aead, key.span(), iv.span())
             ? Error::none
             : Error::internal_error;
}

Error Tls12Handshake::send_finished() {
  const auto sender =
      ctx_.role == Role::client ? crypto::Tls12Finished::client : crypto::Tls12Finished::server;
  const crypto::Secret verify_data = crypto::tls12_verify_data(
      suite_->prf_hash, sender, master_secret_.span(), transcript_->current().span());
  if (verify_data.empty()) return Error::internal_error;
  messages::Finished fin;
  fin.verify_data.assign(verify_data.span().begin(), verify_data.span().end());
  ctx_.finished_sent = fin.verify_data;
  send_message(fin);
  return Error::none;
}

Error Tls12Handshake::verify_finished(std::span<const uint8_t> body) {
  messages::Finished fin;
  if (Error err = fin.parse(body); err != Error::none) return err;
  const auto sender =
      ctx_.role == Role::client ? crypto::Tls12Finished::server : crypto::Tls12Finished::client;
  const crypto::Secret expected = crypto::tls12_verify_data(
      suite_->prf_hash, sender, master_secret_.span(), transcript_->current().span());
  if (expected.empty()) return Error::internal_error;
  // RFC 5246 section 7.4.9: verify_data is 12 bytes for every suite here.
  if (fin.verify_data.size() != expected.size()) return Error::decode_error;
  if (!crypto::constant_time_equal(fin.verify_data, expected.span())) return Error::decrypt_error;
  ctx_.finished_received = std::move(fin.verify_data);
  return Error::none;
}

void Tls12Handshake::complete() {
  // A handshake we abandoned (close() before it completed) is followed to
  // its end so the peer's records can be read, but never counts as done.
  ctx_.established = transport_.write_open();
  successor_ = std::make_unique<Tls12Connected>(ctx_, transport_, master_secret_);
}

}  // namespace adieu
