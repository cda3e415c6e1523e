// store::resumption_keys: the PSK identities of a TLS 1.3 ClientHello, the
// session id of a TLS 1.2 one (not of one offering TLS 1.3 to a server that
// may choose it), nothing from a record that is cut short or not a
// ClientHello.
#include "store/resumption_keys.h"

#include <gtest/gtest.h>

#include "messages/messages.h"
#include "wire/writer.h"

namespace adieu::store {
namespace {

// The message (serialize() writes its handshake header) in one record.
std::vector<uint8_t> record_of(const messages::ClientHello& hello) {
  std::vector<uint8_t> message;
  wire::Writer w(message);
  hello.serialize(w);
  std::vector<uint8_t> out = {22, 3, 1, static_cast<uint8_t>(message.size() >> 8),
                              static_cast<uint8_t>(message.size())};
  out.insert(out.end(), message.begin(), message.end());
  return out;
}

messages::ClientHello hello(bool offers13) {
  messages::ClientHello h;
  h.cipher_suites = {0x1301, 0xc02b};
  h.legacy_session_id = std::vector<uint8_t>(32, 7);
  if (offers13) h.supported_versions = std::vector<uint16_t>{0x0304, 0x0303};
  return h;
}

TEST(ResumptionKeys, PskIdentitiesOfATls13ClientHello) {
  messages::ClientHello h = hello(true);
  h.psk_key_exchange_modes = std::vector<uint8_t>{1};
  h.pre_shared_key =
      messages::OfferedPsks{{{std::vector<uint8_t>(32, 1), 0}, {std::vector<uint8_t>(40, 2), 0}},
                            {std::vector<uint8_t>(32, 0), std::vector<uint8_t>(32, 0)}};
  const std::vector<std::vector<uint8_t>> keys = resumption_keys(record_of(h), true);
  EXPECT_EQ(keys, (std::vector<std::vector<uint8_t>>{std::vector<uint8_t>(32, 1),
                                                     std::vector<uint8_t>(40, 2)}));
}

TEST(ResumptionKeys, SessionIdOnlyWhenTls12CanBeChosen) {
  const std::vector<uint8_t> id(32, 7);
  EXPECT_EQ(resumption_keys(record_of(hello(false)), true),
            (std::vector<std::vector<uint8_t>>{id}));
  EXPECT_TRUE(resumption_keys(record_of(hello(true)), true).empty());
  EXPECT_EQ(resumption_keys(record_of(hello(true)), false),
            (std::vector<std::vector<uint8_t>>{id}));
}

TEST(ResumptionKeys, NothingFromACutOrForeignRecord) {
  std::vector<uint8_t> whole = record_of(hello(false));
  for (size_t n = 0; n < whole.size(); ++n) {
    EXPECT_TRUE(resumption_keys(std::span<const uint8_t>(whole.data(), n), true).empty()) << n;
  }
  std::vector<uint8_t> alert = whole;
  alert[0] = 21;
  EXPECT_TRUE(resumption_keys(alert, true).empty());
  std::vector<uint8_t> server_hello = whole;
  server_hello[5] = 2;
  EXPECT_TRUE(resumption_keys(server_hello, true).empty());
}

}  // namespace
}  // namespace adieu::store
