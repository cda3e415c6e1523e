#include "store/resumption_keys.h"

#include <algorithm>

#include "messages/messages.h"
#include "wire/reader.h"

namespace adieu::store {

std::vector<std::vector<uint8_t>> resumption_keys(std::span<const uint8_t> bytes,
                                                  bool server_tls13) {
  constexpr uint8_t kHandshakeRecord = 22;
  std::vector<std::vector<uint8_t>> keys;
  wire::Reader record(bytes);
  const uint8_t type = record.u8();
  record.u16();  // legacy_record_version
  wire::Reader fragment = record.sub16();
  const uint8_t message_type = fragment.u8();
  const wire::Bytes body = fragment.vec24();
  if (!record.ok() || !fragment.ok() || type != kHandshakeRecord ||
      message_type != static_cast<uint8_t>(messages::HandshakeType::client_hello)) {
    return keys;
  }
  messages::ClientHello hello;
  if (hello.parse(body) != Error::none) return keys;
  if (hello.pre_shared_key) {
    for (const messages::PskIdentity& psk : hello.pre_shared_key->identities) {
      keys.push_back(psk.identity);
    }
    return keys;
  }
  const bool offers13 =
      hello.supported_versions &&
      std::find(hello.supported_versions->begin(), hello.supported_versions->end(), 0x0304) !=
          hello.supported_versions->end();
  if (!hello.legacy_session_id.empty() && !(offers13 && server_tls13)) {
    keys.push_back(hello.legacy_session_id);
  }
  return keys;
}

}  // namespace adieu::store
