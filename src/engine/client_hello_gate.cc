#include "engine/client_hello_gate.h"

#include "messages/extensions.h"
#include "messages/handshake_types.h"
#include "wire/reader.h"

namespace adieu {
namespace {

constexpr uint8_t kHandshakeRecord = 22;
constexpr uint8_t kClientHello = 1;
constexpr size_t kRecordHeader = 5;
constexpr size_t kMaxPlaintext = size_t{1} << 14;  // RFC 8446 section 5.1

}  // namespace

ClientHelloGate::Status ClientHelloGate::take(std::span<const uint8_t> bytes) {
  if (status_ != Status::waiting) return status_;
  held_.insert(held_.end(), bytes.begin(), bytes.end());
  status_ = examine();
  return status_;
}

// The records of held_ (RFC 8446 section 5.1: plaintext, before any key),
// their handshake bytes gathered until the first message is whole.
ClientHelloGate::Status ClientHelloGate::examine() {
  while (held_.size() - records_end_ >= kRecordHeader) {
    wire::Reader header(std::span<const uint8_t>(held_).subspan(records_end_, kRecordHeader));
    const uint8_t type = header.u8();
    header.u16();  // legacy_record_version: the connection checks it
    const size_t length = header.u16();
    if (type != kHandshakeRecord || length == 0 || length > kMaxPlaintext) return Status::pass;
    if (held_.size() - records_end_ - kRecordHeader < length) return Status::waiting;
    const auto fragment = held_.begin() + static_cast<ptrdiff_t>(records_end_ + kRecordHeader);
    message_.insert(message_.end(), fragment, fragment + static_cast<ptrdiff_t>(length));
    records_end_ += kRecordHeader + length;
    if (message_.size() < messages::kHandshakeHeaderSize) continue;
    wire::Reader r(message_);
    const uint8_t msg_type = r.u8();
    const size_t msg_length = r.u24();
    if (msg_type != kClientHello || msg_length > messages::kMaxHandshakeMessage) {
      return Status::pass;
    }
    if (message_.size() < messages::kHandshakeHeaderSize + msg_length) continue;
    message_.resize(messages::kHandshakeHeaderSize + msg_length);
    return describe() ? Status::complete : Status::pass;
  }
  return Status::waiting;
}

// info_ from the parsed ClientHello; the raw fields' places follow from the
// lengths the parser checked (RFC 8446 section 4.1.2).
bool ClientHelloGate::describe() {
  const std::span<const uint8_t> body =
      std::span<const uint8_t>(message_).subspan(messages::kHandshakeHeaderSize);
  if (parsed_.parse(body) != Error::none) return false;
  wire::Reader r(body);
  info_.message = message_;
  info_.legacy_version = r.u16();
  info_.random = r.bytes(32);
  info_.legacy_session_id = r.vec8();
  info_.cipher_suites_raw = r.vec16();
  info_.compression_methods = r.vec8();
  if (!r.ok()) return false;
  if (r.remaining() > 0) {
    std::vector<messages::detail::RawExtension> raw;
    if (messages::detail::split_extensions(r.vec16(), raw) != Error::none || !r.ok()) {
      return false;
    }
    for (const messages::detail::RawExtension& e : raw)
      info_.extensions.push_back({e.type, e.data});
  }
  info_.cipher_suites = parsed_.cipher_suites;
  info_.server_name = parsed_.server_name.value_or(std::string());
  if (parsed_.alpn) info_.alpn = *parsed_.alpn;
  if (parsed_.supported_versions) info_.supported_versions = *parsed_.supported_versions;
  if (parsed_.supported_groups) info_.supported_groups = *parsed_.supported_groups;
  if (parsed_.signature_algorithms) info_.signature_algorithms = *parsed_.signature_algorithms;
  info_.early_data = parsed_.early_data;
  info_.session_ticket = parsed_.session_ticket.has_value();
  return true;
}

}  // namespace adieu
