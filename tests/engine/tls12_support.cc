#include "tls12_support.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/tls12_prf.h"
#include "engine/config_impl.h"

namespace adieu::test {

void only_tls12(Config& cfg) {
  std::string error;
  EXPECT_TRUE(cfg.set_versions(kTls12, kTls12, &error)) << error;
}

std::shared_ptr<Config> client_config12() {
  auto cfg = client_config();
  only_tls12(*cfg);
  return cfg;
}

std::shared_ptr<Config> server_config12(const std::string& cert) {
  auto cfg = server_config(cert);
  only_tls12(*cfg);
  return cfg;
}

Pair connected12() {
  Pair p(client_config12(), server_config12());
  p.pump();
  EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
  EXPECT_EQ(p.client->version(), kTls12);
  return p;
}

// --- the wire -------------------------------------------------------------------

std::vector<WireRecord> split_records(std::span<const uint8_t> wire) {
  std::vector<WireRecord> records;
  size_t at = 0;
  while (at < wire.size()) {
    if (wire.size() - at < 5) {
      ADD_FAILURE() << "a record header cut short at " << at;
      break;
    }
    const size_t length = size_t{wire[at + 3]} << 8 | wire[at + 4];
    if (wire.size() - at - 5 < length) {
      ADD_FAILURE() << "a record body cut short at " << at;
      break;
    }
    WireRecord r;
    r.type = wire[at];
    r.version = static_cast<uint16_t>(wire[at + 1] << 8 | wire[at + 2]);
    r.body.assign(wire.begin() + static_cast<ptrdiff_t>(at + 5),
                  wire.begin() + static_cast<ptrdiff_t>(at + 5 + length));
    r.offset = at;
    records.push_back(std::move(r));
    at += 5 + length;
  }
  return records;
}

std::vector<uint8_t> make_record(uint8_t type, uint16_t version, std::span<const uint8_t> body) {
  std::vector<uint8_t> r = {type, static_cast<uint8_t>(version >> 8), static_cast<uint8_t>(version),
                            static_cast<uint8_t>(body.size() >> 8),
                            static_cast<uint8_t>(body.size())};
  r.insert(r.end(), body.begin(), body.end());
  return r;
}

std::vector<uint8_t> concat(std::initializer_list<std::span<const uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (std::span<const uint8_t> p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::vector<HandshakeMessage> split_messages(std::span<const uint8_t> data) {
  std::vector<HandshakeMessage> out;
  size_t at = 0;
  while (data.size() - at >= 4) {
    const size_t length = size_t{data[at + 1]} << 16 | size_t{data[at + 2]} << 8 | data[at + 3];
    if (data.size() - at - 4 < length) break;
    HandshakeMessage m;
    m.type = data[at];
    m.bytes.assign(data.begin() + static_cast<ptrdiff_t>(at),
                   data.begin() + static_cast<ptrdiff_t>(at + 4 + length));
    out.push_back(std::move(m));
    at += 4 + length;
  }
  EXPECT_EQ(at, data.size()) << "handshake bytes end inside a message";
  return out;
}

std::vector<HandshakeMessage> plaintext_messages(std::span<const uint8_t> wire) {
  std::vector<uint8_t> handshake;
  for (const WireRecord& r : split_records(wire)) {
    if (r.type == kHandshakeRecord) handshake.insert(handshake.end(), r.body.begin(), r.body.end());
    if (r.type == kChangeCipherSpec) break;  // what follows is protected
  }
  return split_messages(handshake);
}

std::vector<uint8_t> make_message(uint8_t type, std::span<const uint8_t> body) {
  std::vector<uint8_t> m = {type, static_cast<uint8_t>(body.size() >> 16),
                            static_cast<uint8_t>(body.size() >> 8),
                            static_cast<uint8_t>(body.size())};
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

messages::ClientHello parse_client_hello(std::span<const uint8_t> flight) {
  messages::ClientHello ch;
  const std::vector<HandshakeMessage> msgs = plaintext_messages(flight);
  if (msgs.empty() || msgs[0].type != 1) {
    ADD_FAILURE() << "no ClientHello";
    return ch;
  }
  EXPECT_EQ(ch.parse(msgs[0].body()), Error::none);
  return ch;
}

messages::ServerHello parse_server_hello(std::span<const uint8_t> flight) {
  messages::ServerHello sh;
  const std::vector<HandshakeMessage> msgs = plaintext_messages(flight);
  if (msgs.empty() || msgs[0].type != 2) {
    ADD_FAILURE() << "no ServerHello";
    return sh;
  }
  EXPECT_EQ(sh.parse(msgs[0].body()), Error::none);
  return sh;
}

namespace {

template <typename Message>
std::vector<uint8_t> serialized(const Message& m) {
  std::vector<uint8_t> out;
  wire::Writer w(out);
  m.serialize(w);
  EXPECT_TRUE(w.ok());
  return out;
}

}  // namespace

std::vector<uint8_t> rewrite_client_hello(std::span<const uint8_t> flight,
                                          const std::function<void(messages::ClientHello&)>& edit) {
  const std::vector<WireRecord> records = split_records(flight);
  EXPECT_EQ(records.size(), 1u);
  messages::ClientHello ch = parse_client_hello(flight);
  // The codec gives back the bytes it read: only `edit` changes them.
  EXPECT_EQ(make_record(kHandshakeRecord, records[0].version, serialized(ch)),
            std::vector<uint8_t>(flight.begin(), flight.end()));
  edit(ch);
  return make_record(kHandshakeRecord, records[0].version, serialized(ch));
}

std::vector<uint8_t> rewrite_server_hello(std::span<const uint8_t> flight,
                                          const std::function<void(messages::ServerHello&)>& edit) {
  const std::vector<WireRecord> records = split_records(flight);
  std::vector<HandshakeMessage> msgs = plaintext_messages(flight);
  EXPECT_FALSE(msgs.empty());
  messages::ServerHello sh = parse_server_hello(flight);
  EXPECT_EQ(serialized(sh), msgs[0].bytes);
  edit(sh);
  msgs[0].bytes = serialized(sh);
  std::vector<uint8_t> handshake;
  for (const HandshakeMessage& m : msgs) {
    handshake.insert(handshake.end(), m.bytes.begin(), m.bytes.end());
  }
  return make_record(kHandshakeRecord, records[0].version, handshake);
}

// --- keys ----------------------------------------------------------------------

void KeyLog::attach(Config& cfg) {
  cfg.set_keylog([lines = lines](std::string_view l) { lines->emplace_back(l); });
}

namespace {

std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return out;
}

// "CLIENT_RANDOM <client random> <master secret>" (NSS key log format).
std::vector<uint8_t> keylog_field(const std::vector<std::string>& lines, int field) {
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->rfind("CLIENT_RANDOM ", 0) != 0) continue;
    const size_t a = it->find(' ');
    const size_t b = it->find(' ', a + 1);
    if (b == std::string::npos) return {};
    return from_hex(field == 1 ? it->substr(a + 1, b - a - 1) : it->substr(b + 1));
  }
  return {};
}

}  // namespace

std::vector<uint8_t> KeyLog::master_secret() const {
  return keylog_field(*lines, 2);
}

std::vector<uint8_t> KeyLog::client_random() const {
  return keylog_field(*lines, 1);
}

crypto::Secret KeyLog::secret(const std::string& label) const {
  for (const std::string& line : *lines) {
    if (line.rfind(label + " ", 0) == 0)
      return crypto::Secret(from_hex(line.substr(line.rfind(' ') + 1)));
  }
  ADD_FAILURE() << label << " not logged";
  return {};
}

Ghost::Ghost(uint16_t suite, std::span<const uint8_t> master_secret,
             std::span<const uint8_t> client_random, std::span<const uint8_t> server_random)
    : suite_(*crypto::tls12_suite_info(suite)),
      master_secret_(master_secret.begin(), master_secret.end()) {
  const std::optional<crypto::Tls12KeyBlock> block = crypto::tls12_key_block(
      suite_.prf_hash, suite_.aead, master_secret, client_random, server_random);
  if (!block) {
    ADD_FAILURE() << "no key block";
    return;
  }
  auto init = [&](crypto::Aead& aead, const crypto::Secret& key, const crypto::Secret& fixed_iv) {
    // AES-GCM: nonce = salt || explicit nonce; with an IV of salt || zeros,
    // "IV XOR n" is that nonce. ChaCha20-Poly1305: IV XOR sequence number.
    std::array<uint8_t, crypto::kAeadNonceSize> iv{};
    std::copy(fixed_iv.span().begin(), fixed_iv.span().end(), iv.begin());
    EXPECT_TRUE(aead.init(suite_.aead, key.span(), iv));
  };
  init(aead_[static_cast<int>(Role::client)], block->client_write_key, block->client_write_iv);
  init(aead_[static_cast<int>(Role::server)], block->server_write_key, block->server_write_iv);
}

Ghost Ghost::from(const KeyLog& log, std::span<const uint8_t> server_flight, uint16_t suite) {
  const messages::ServerHello sh = parse_server_hello(server_flight);
  const std::vector<uint8_t> ms = log.master_secret();
  EXPECT_EQ(ms.size(), 48u) << "no CLIENT_RANDOM line in the key log";
  return Ghost(suite, ms, log.client_random(), sh.random);
}

namespace {

void put_u64(uint8_t* at, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) at[i] = static_cast<uint8_t>(v);
}

// RFC 5246 section 6.2.3.3: seq_num + type + version + length (of the content).
std::array<uint8_t, 13> aad(uint64_t seq, uint8_t type, size_t length) {
  std::array<uint8_t, 13> a{};
  put_u64(a.data(), seq);
  a[8] = type;
  a[9] = 3;
  a[10] = 3;
  a[11] = static_cast<uint8_t>(length >> 8);
  a[12] = static_cast<uint8_t>(length);
  return a;
}

}  // namespace

std::vector<uint8_t> Ghost::seal(Role sender, uint8_t type, std::span<const uint8_t> content) {
  const uint64_t s = seq[static_cast<int>(sender)]++;
  const size_t explicit_nonce = suite_.explicit_nonce_size;
  std::vector<uint8_t> body(explicit_nonce + content.size() + crypto::kAeadTagSize);
  // The explicit nonce may be anything unique: a value the engine would
  // not pick itself, so that nothing depends on it being the sequence.
  const uint64_t nonce = explicit_nonce != 0 ? s ^ 0x5a5a000000000000 : s;
  if (explicit_nonce != 0) put_u64(body.data(), nonce);
  EXPECT_TRUE(aead_[static_cast<int>(sender)].seal(
      nonce, aad(s, type, content.size()), {content}, body.data() + explicit_nonce,
      std::span<uint8_t, crypto::kAeadTagSize>(body.data() + explicit_nonce + content.size(),
                                               crypto::kAeadTagSize)));
  return make_record(type, kTls12, body);
}

std::optional<std::vector<uint8_t>> Ghost::open(Role sender, const WireRecord& record) {
  const uint64_t s = seq[static_cast<int>(sender)]++;
  const size_t explicit_nonce = suite_.explicit_nonce_size;
  if (record.body.size() < explicit_nonce + crypto::kAeadTagSize) return std::nullopt;
  uint64_t nonce = s;
  if (explicit_nonce != 0) {
    nonce = 0;
    for (size_t i = 0; i < 8; ++i) nonce = nonce << 8 | record.body[i];
  }
  const size_t length = record.body.size() - explicit_nonce - crypto::kAeadTagSize;
  std::vector<uint8_t> content(length);
  if (!aead_[static_cast<int>(sender)].open(
          nonce, aad(s, record.type, length),
          std::span<const uint8_t>(record.body).subspan(explicit_nonce, length), content.data(),
          std::span<const uint8_t, crypto::kAeadTagSize>(
              record.body.data() + explicit_nonce + length, crypto::kAeadTagSize))) {
    return std::nullopt;
  }
  return content;
}

std::vector<uint8_t> expected_verify_data(const crypto::Tls12SuiteInfo& suite,
                                          std::span<const uint8_t> master_secret, Role sender,
                                          const std::vector<HandshakeMessage>& msgs) {
  crypto::Hash hash(suite.prf_hash);
  for (const HandshakeMessage& m : msgs) hash.update(m.bytes);
  const crypto::Secret vd = crypto::tls12_verify_data(
      suite.prf_hash,
      sender == Role::client ? crypto::Tls12Finished::client : crypto::Tls12Finished::server,
      master_secret, hash.current().span());
  return {vd.span().begin(), vd.span().end()};
}

Watched watched12(std::shared_ptr<Config> ccfg, std::shared_ptr<Config> scfg) {
  if (!ccfg) ccfg = client_config12();
  if (!scfg) scfg = server_config12();
  KeyLog log;
  log.attach(*ccfg);
  Watched w{Pair(ccfg, scfg), nullptr};
  w.pair.client_to_server();
  const std::vector<uint8_t> server_flight = w.pair.server_to_client();
  w.pair.pump();
  EXPECT_TRUE(w.pair.client->handshake_done()) << error_string(w.pair.client->error());
  EXPECT_TRUE(w.pair.server->handshake_done()) << error_string(w.pair.server->error());
  EXPECT_EQ(w.pair.client->version(), kTls12);
  const std::vector<uint8_t> ms = log.master_secret();
  if (!w.pair.client->handshake_done() || ms.size() != 48) return w;  // the caller ASSERTs ghost
  w.ghost = std::make_unique<Ghost>(w.pair.client->cipher_suite(), ms, log.client_random(),
                                    parse_server_hello(server_flight).random);
  w.ghost->seq[0] = w.ghost->seq[1] = 1;
  return w;
}

std::vector<std::vector<uint8_t>> Watched::open_all(Role sender, std::span<const uint8_t> wire) {
  std::vector<std::vector<uint8_t>> out;
  for (const WireRecord& r : split_records(wire)) {
    std::optional<std::vector<uint8_t>> content = ghost->open(sender, r);
    EXPECT_TRUE(content.has_value()) << "a record that does not open";
    if (content) out.push_back(std::move(*content));
  }
  return out;
}

// --- randomness ------------------------------------------------------------------

bool TailedRandom::fill(std::span<uint8_t> out) {
  if (!crypto::system_random().fill(out)) return false;
  if (calls_++ == index_ && out.size() >= tail_.size()) {
    std::copy(tail_.begin(), tail_.end(), out.end() - static_cast<ptrdiff_t>(tail_.size()));
  }
  return true;
}

}  // namespace adieu::test
