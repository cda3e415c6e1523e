// The record layer under TLS 1.2 (RFC 5246 section 6.2, AEAD protection
// section 6.2.3.3, RFC 5288, RFC 7905): a flight split at any byte gives
// the same handshake, byte for byte; a write larger than a record is cut at
// 2^14; what the additional data authenticates (sequence number, type,
// version); the size limits; application data only after Finished; and the
// zero-copy API (write_into, readable) on TLS 1.2 records.
#include <gtest/gtest.h>

#include <cstring>

#include "engine/config_impl.h"
#include "engine/testing.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

std::vector<uint8_t> pattern(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 131 + 7);
  return v;
}

// A TLS 1.2 pair whose every byte repeats from run to run: counters for
// randomness, an Ed25519 server (deterministic signatures), no tickets
// (their keys come from the system).
struct DeterministicPair {
  CounterRandom client_random{1};
  CounterRandom server_random{101};
  std::unique_ptr<Pair> pair;

  explicit DeterministicPair(const std::string& suite = "") {
    auto ccfg = client_config12();
    auto scfg = server_config12("ed25519");
    scfg->set_resumption(false);
    std::string error;
    if (!suite.empty()) {
      EXPECT_TRUE(ccfg->set_tls12_cipher_suites(suite, &error)) << error;
    }
    ccfg->impl().random = &client_random;
    scfg->impl().random = &server_random;
    pair = std::make_unique<Pair>(ccfg, scfg);
  }
  Connection& client() { return *pair->client; }
  Connection& server() { return *pair->server; }
};

// --- a flight split anywhere -------------------------------------------------------

// The handshake's four flights, whole: what each side answers to each.
struct Flights {
  std::vector<std::vector<uint8_t>> sent;  // client, server, client, server
};

Flights reference_flights() {
  DeterministicPair d;
  Flights f;
  for (int i = 0; i < 4; ++i) {
    Connection& from = i % 2 == 0 ? d.client() : d.server();
    Connection& to = i % 2 == 0 ? d.server() : d.client();
    f.sent.push_back(take_output(from));
    EXPECT_EQ(to.receive(f.sent.back()), Error::none);
  }
  EXPECT_TRUE(d.client().handshake_done());
  EXPECT_TRUE(d.server().handshake_done());
  EXPECT_TRUE(d.client().pending_output().empty());
  return f;
}

// Every flight of the handshake, cut in two at every byte: the receiver
// answers with the same bytes as when it came whole, and the handshake ends
// the same.
TEST(Tls12Records, FlightSplitAtEveryByteGivesTheSameHandshake) {
  const Flights whole = reference_flights();
  ASSERT_EQ(whole.sent.size(), 4u);
  // Deterministic indeed: a second run makes the same bytes.
  EXPECT_EQ(reference_flights().sent, whole.sent);
  for (size_t k = 0; k < 4; ++k) {
    const std::vector<uint8_t>& flight = whole.sent[k];
    for (size_t cut = 1; cut < flight.size(); ++cut) {
      DeterministicPair d;
      for (size_t i = 0; i <= k; ++i) {
        Connection& from = i % 2 == 0 ? d.client() : d.server();
        Connection& to = i % 2 == 0 ? d.server() : d.client();
        const std::vector<uint8_t> out = take_output(from);
        ASSERT_EQ(out, whole.sent[i]) << "flight " << i << " cut " << cut;
        if (i < k) {
          ASSERT_EQ(to.receive(out), Error::none);
          continue;
        }
        const std::span<const uint8_t> all(out);
        ASSERT_EQ(to.receive(all.first(cut)), Error::none) << k << "/" << cut;
        ASSERT_EQ(to.receive(all.subspan(cut)), Error::none) << k << "/" << cut;
      }
      // The answer to the split flight, and the rest, as before.
      for (size_t i = k + 1; i < 4; ++i) {
        Connection& from = i % 2 == 0 ? d.client() : d.server();
        Connection& to = i % 2 == 0 ? d.server() : d.client();
        const std::vector<uint8_t> out = take_output(from);
        ASSERT_EQ(out, whole.sent[i]) << "answer " << i << " to flight " << k << " cut " << cut;
        ASSERT_EQ(to.receive(out), Error::none);
      }
      ASSERT_TRUE(d.client().handshake_done()) << k << "/" << cut;
      ASSERT_TRUE(d.server().handshake_done()) << k << "/" << cut;
      ASSERT_TRUE(d.client().pending_output().empty());
    }
  }
}

// Every byte delivered alone, handshake and data.
TEST(Tls12Records, ByteByByteHandshakeAndData) {
  Pair p(client_config12(), server_config12());
  for (int round = 0; round < 10 && !(p.client->handshake_done() && p.server->handshake_done());
       ++round) {
    for (uint8_t b : take_output(*p.client)) ASSERT_EQ(p.server->receive({&b, 1}), Error::none);
    for (uint8_t b : take_output(*p.server)) ASSERT_EQ(p.client->receive({&b, 1}), Error::none);
  }
  ASSERT_TRUE(p.client->handshake_done());
  ASSERT_TRUE(p.server->handshake_done());
  ASSERT_EQ(p.client->write(bytes("byte by byte")), Error::none);
  for (uint8_t b : take_output(*p.client)) ASSERT_EQ(p.server->receive({&b, 1}), Error::none);
  EXPECT_EQ(p.read_all(*p.server), "byte by byte");
  EXPECT_EQ(testing::ConnectionProbe::input_buffer(*p.server).capacity(), 0u);
}

// The handshake messages of `flight` (its plaintext part) in records of at
// most `size` bytes each (RFC 5246 section 6.2.1: a message may span
// records), then the rest of the flight as it was.
std::vector<uint8_t> refragment(std::span<const uint8_t> flight, size_t size) {
  std::vector<uint8_t> handshake;
  size_t rest = flight.size();
  for (const WireRecord& r : split_records(flight)) {
    if (r.type != kHandshakeRecord) {
      rest = r.offset;
      break;
    }
    handshake.insert(handshake.end(), r.body.begin(), r.body.end());
  }
  std::vector<uint8_t> out;
  for (size_t at = 0; at < handshake.size(); at += size) {
    const size_t n = std::min(size, handshake.size() - at);
    const std::vector<uint8_t> rec =
        make_record(kHandshakeRecord, kTls12, std::span<const uint8_t>(handshake).subspan(at, n));
    out.insert(out.end(), rec.begin(), rec.end());
  }
  out.insert(out.end(), flight.begin() + static_cast<ptrdiff_t>(rest), flight.end());
  return out;
}

// Every plaintext flight in records of 1, 7, 100 and 1000 bytes: the
// messages are gathered across records.
TEST(Tls12Records, HandshakeMessagesAcrossRecords) {
  for (size_t size : {size_t{1}, size_t{7}, size_t{100}, size_t{1000}}) {
    Pair p(client_config12(), server_config12());
    for (int i = 0; i < 4; ++i) {
      Connection& from = i % 2 == 0 ? *p.client : *p.server;
      Connection& to = i % 2 == 0 ? *p.server : *p.client;
      ASSERT_EQ(to.receive(refragment(take_output(from), size)), Error::none)
          << "flight " << i << " in records of " << size;
    }
    EXPECT_TRUE(p.client->handshake_done()) << size;
    EXPECT_TRUE(p.server->handshake_done()) << size;
    ASSERT_EQ(p.client->write(bytes("fragmented")), Error::none);
    p.client_to_server();
    EXPECT_EQ(p.read_all(*p.server), "fragmented");
  }
}

// RFC 5246 section 6.2.1: "Data of different TLS record layer content types
// MAY be interleaved" (TLS 1.3 forbids it, RFC 8446 section 5.1): a warning
// alert between two fragments of the server's Certificate is ignored.
TEST(Tls12Records, WarningBetweenFragmentsOfAHandshakeMessage) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  const std::vector<uint8_t> flight = take_output(*p.server);
  const std::vector<HandshakeMessage> msgs = plaintext_messages(flight);
  ASSERT_GE(msgs.size(), 2u);
  ASSERT_EQ(msgs[1].type, 11);
  // ServerHello and half the Certificate, a warning, the rest.
  std::vector<uint8_t> handshake;
  for (const HandshakeMessage& m : msgs)
    handshake.insert(handshake.end(), m.bytes.begin(), m.bytes.end());
  const size_t cut = msgs[0].bytes.size() + msgs[1].bytes.size() / 2;
  const std::span<const uint8_t> all(handshake);
  const std::vector<uint8_t> warning = {21, 3, 3, 0, 2, 1, 112};  // unrecognized_name
  ASSERT_EQ(
      p.client->receive(concat({make_record(kHandshakeRecord, kTls12, all.first(cut)), warning,
                                make_record(kHandshakeRecord, kTls12, all.subspan(cut))})),
      Error::none);
  p.pump();
  EXPECT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
}

// --- records larger than 2^14 --------------------------------------------------------

// A 40 KB write is cut into records of 2^14 bytes at most (RFC 5246 section
// 6.2.1), each sealed alone, for both kinds of nonce.
TEST(Tls12Records, FortyKilobyteWriteCrossesRecords) {
  for (const char* suite : {"ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    auto ccfg = client_config12();
    std::string error;
    ASSERT_TRUE(ccfg->set_tls12_cipher_suites(suite, &error));
    Watched w = watched12(ccfg);
    ASSERT_TRUE(w.ghost);
    const size_t overhead = w.ghost->suite().explicit_nonce() ? kGcmOverhead : kChaChaOverhead;
    const std::vector<uint8_t> data = pattern(40 * 1024);
    for (Role writer : {Role::client, Role::server}) {
      Connection& from = writer == Role::client ? w.client() : w.server();
      Connection& to = writer == Role::client ? w.server() : w.client();
      ASSERT_EQ(from.write(data), Error::none);
      const std::vector<uint8_t> wire = take_output(from);
      EXPECT_EQ(wire.size(), data.size() + 3 * (5 + overhead)) << suite;
      const std::vector<WireRecord> records = split_records(wire);
      ASSERT_EQ(records.size(), 3u);
      const size_t sizes[] = {16384, 16384, 8192};
      for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(records[i].type, kApplicationData);
        EXPECT_EQ(records[i].version, kTls12);
        EXPECT_EQ(records[i].body.size(), sizes[i] + overhead);
        const std::optional<std::vector<uint8_t>> content = w.ghost->open(writer, records[i]);
        ASSERT_TRUE(content.has_value());
        EXPECT_TRUE(std::equal(content->begin(), content->end(),
                               data.begin() + static_cast<ptrdiff_t>(16384 * i)));
      }
      ASSERT_EQ(to.receive(wire), Error::none);
      ASSERT_EQ(to.pending_plaintext(), data.size());
      EXPECT_EQ(std::memcmp(to.readable().data(), data.data(), data.size()), 0);
      to.consume_readable(data.size());
    }
  }
}

// Sequence numbers go on over many records (each is in the nonce or the
// additional data: one out of step would not open).
TEST(Tls12Records, ManySmallRecords) {
  Pair p = connected12();
  std::string expected;
  for (int i = 0; i < 600; ++i) {
    const std::string chunk = std::to_string(i) + ",";
    expected += chunk;
    ASSERT_EQ(p.client->write(bytes(chunk)), Error::none);
  }
  p.client_to_server();
  EXPECT_EQ(p.read_all(*p.server), expected);
  EXPECT_EQ(p.server->error(), Error::none);
}

TEST(Tls12Records, PlaintextOverTwoToTheFourteenIsRecordOverflow) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  // 2^14 exactly is fine...
  ASSERT_EQ(w.server().receive(w.ghost->seal(Role::client, kApplicationData, pattern(16384))),
            Error::none);
  EXPECT_EQ(w.server().pending_plaintext(), 16384u);
  // ...one more byte is not (RFC 5246 section 6.2.1).
  EXPECT_EQ(w.server().receive(w.ghost->seal(Role::client, kApplicationData, pattern(16385))),
            Error::record_overflow);
  EXPECT_EQ(w.server().alert_sent(), Alert::record_overflow);
}

// TLSCiphertext.length over 2^14 + 2048 is refused as soon as the header is
// whole (RFC 5246 section 6.2.3), before any body.
TEST(Tls12Records, CiphertextOverTheLimitIsRefusedAtTheHeader) {
  Pair p = connected12();
  const uint16_t length = 16384 + 2048 + 1;
  const uint8_t header[] = {23, 3, 3, static_cast<uint8_t>(length >> 8),
                            static_cast<uint8_t>(length)};
  for (size_t i = 0; i + 1 < sizeof header; ++i) {
    ASSERT_EQ(p.server->receive(std::span<const uint8_t>(&header[i], 1)), Error::none);
  }
  EXPECT_EQ(p.server->receive(std::span<const uint8_t>(&header[4], 1)), Error::record_overflow);
  // 2^14 + 2048 itself is a length TLS 1.2 allows (it then fails to open).
  Pair q = connected12();
  const uint16_t max = 16384 + 2048;
  const uint8_t ok[] = {23, 3, 3, static_cast<uint8_t>(max >> 8), static_cast<uint8_t>(max)};
  EXPECT_EQ(q.server->receive(ok), Error::none);
}

// Zero-length application data may be sent (RFC 5246 section 6.2.1); a
// zero-length handshake or alert fragment may not.
TEST(Tls12Records, EmptyFragments) {
  {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    ASSERT_EQ(w.server().receive(
                  concat({w.ghost->seal(Role::client, kApplicationData, {}),
                          w.ghost->seal(Role::client, kApplicationData, bytes("after empty"))})),
              Error::none);
    EXPECT_EQ(w.pair.read_all(w.server()), "after empty");
  }
  for (uint8_t type : {kHandshakeRecord, kAlertRecord}) {
    Watched w = watched12();
    ASSERT_TRUE(w.ghost);
    EXPECT_EQ(w.server().receive(w.ghost->seal(Role::client, type, {})), Error::unexpected_message)
        << int{type};
  }
}

// --- what the record's protection covers (RFC 5246 section 6.2.3.3) ------------------

// additional_data = seq_num + type + version + length: a record replayed,
// reordered, retyped or re-versioned does not open.
TEST(Tls12Records, AdditionalDataAuthenticatesSequenceTypeAndVersion) {
  auto fresh = [] {
    Pair p = connected12();
    EXPECT_EQ(p.client->write(bytes("one")), Error::none);
    std::vector<uint8_t> first = take_output(*p.client);
    EXPECT_EQ(p.client->write(bytes("two")), Error::none);
    std::vector<uint8_t> second = take_output(*p.client);
    return std::make_tuple(std::move(p), first, second);
  };
  {  // replayed
    auto [p, first, second] = fresh();
    ASSERT_EQ(p.server->receive(first), Error::none);
    EXPECT_EQ(p.server->receive(first), Error::bad_record_mac);
    EXPECT_EQ(p.read_all(*p.server), "one");
  }
  {  // reordered
    auto [p, first, second] = fresh();
    EXPECT_EQ(p.server->receive(second), Error::bad_record_mac);
  }
  {  // another type: a handshake record
    auto [p, first, second] = fresh();
    first[0] = kHandshakeRecord;
    EXPECT_EQ(p.server->receive(first), Error::bad_record_mac);
  }
  {  // another version
    auto [p, first, second] = fresh();
    first[2] = 1;
    EXPECT_EQ(p.server->receive(first), Error::bad_record_mac);
  }
  {  // AES-GCM's explicit nonce is part of the nonce
    auto [p, first, second] = fresh();
    ASSERT_EQ(p.client->cipher_suite() & 0xff00, 0xc000);  // an AES-GCM suite
    first[5 + 7] ^= 1;
    EXPECT_EQ(p.server->receive(first), Error::bad_record_mac);
  }
}

// The explicit nonce may be anything unique (RFC 5288 section 3): records
// sealed with nonces the engine would not choose open all the same (the
// ghost uses its own).
TEST(Tls12Records, AnyExplicitNonceIsAccepted) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  ASSERT_TRUE(w.ghost->suite().explicit_nonce());
  const std::vector<uint8_t> rec = w.ghost->seal(Role::client, kApplicationData, bytes("nonce"));
  ASSERT_NE(rec[5], 0);  // not the sequence number
  ASSERT_EQ(w.server().receive(rec), Error::none);
  EXPECT_EQ(w.pair.read_all(w.server()), "nonce");
}

// --- application data only after Finished (RFC 5246 section 7.4.9) --------------------

TEST(Tls12Records, ApplicationDataBeforeTheKeysIsUnexpected) {
  Pair p(client_config12(), server_config12());
  p.client_to_server();
  const std::vector<uint8_t> data = {23, 3, 3, 0, 1, 'x'};
  EXPECT_EQ(p.client->receive(data), Error::unexpected_message);
  EXPECT_EQ(p.client->alert_sent(), Alert::unexpected_message);
}

// Keyed, but before the server's Finished: still unexpected.
TEST(Tls12Records, ApplicationDataBeforeFinishedIsUnexpected) {
  KeyLog log;
  auto ccfg = client_config12();
  log.attach(*ccfg);
  Pair p(ccfg, server_config12());
  p.client_to_server();
  const std::vector<uint8_t> server_flight = p.server_to_client();
  p.client_to_server();
  const std::vector<uint8_t> finish = take_output(*p.server);
  const std::vector<WireRecord> records = split_records(finish);
  Ghost ghost = Ghost::from(log, server_flight, p.client->cipher_suite());
  const std::vector<uint8_t> early = ghost.seal(Role::server, kApplicationData, bytes("early"));
  EXPECT_EQ(p.client->receive(
                concat({std::span<const uint8_t>(finish.data(), records.back().offset), early})),
            Error::unexpected_message);
  EXPECT_FALSE(p.client->handshake_done());
  EXPECT_EQ(p.client->pending_plaintext(), 0u);
}

// --- zero copy -----------------------------------------------------------------------

// write_into(): the exact size, records the peer reads, straight into the
// transport's buffer.
TEST(Tls12Records, WriteIntoSealsTls12Records) {
  Watched w = watched12();
  ASSERT_TRUE(w.ghost);
  const size_t overhead = w.ghost->suite().explicit_nonce() ? kGcmOverhead : kChaChaOverhead;
  const std::vector<uint8_t> data = pattern(40000);
  EXPECT_EQ(w.client().write_into_size(data.size()), data.size() + 3 * (5 + overhead));
  std::vector<uint8_t> out(w.client().write_into_size(data.size()));
  size_t written = 0;
  ASSERT_EQ(w.client().write_into(data, out, written), Error::none);
  EXPECT_EQ(written, out.size());
  EXPECT_TRUE(w.client().pending_output().empty());
  const std::vector<WireRecord> records = split_records(out);
  ASSERT_EQ(records.size(), 3u);
  for (const WireRecord& r : records) {
    EXPECT_EQ(r.type, kApplicationData);
    EXPECT_TRUE(w.ghost->open(Role::client, r).has_value());
  }
  ASSERT_EQ(w.server().receive(out), Error::none);
  // readable(): where the records were opened.
  const std::span<const uint8_t> got = w.server().readable();
  ASSERT_EQ(got.size(), data.size());
  EXPECT_EQ(std::memcmp(got.data(), data.data(), data.size()), 0);
  EXPECT_EQ(got.data(), testing::ConnectionProbe::plaintext_buffer(w.server()).data());
  w.server().consume_readable(30000);
  EXPECT_EQ(w.server().readable().size(), 10000u);
  w.server().consume_readable(20000);  // capped
  EXPECT_TRUE(w.server().readable().empty());
  EXPECT_EQ(testing::ConnectionProbe::plaintext_buffer(w.server()).capacity(), 0u);
}

// What was pending goes first: a record written before, then write_into's.
TEST(Tls12Records, WriteIntoPutsPendingOutputFirst) {
  Pair p = connected12();
  ASSERT_EQ(p.client->write(bytes("first ")), Error::none);
  const size_t pending = p.client->pending_output().size();
  std::vector<uint8_t> out(p.client->write_into_size(6));
  EXPECT_EQ(out.size(), 2 * pending);  // both records are 6 bytes
  size_t written = 0;
  ASSERT_EQ(p.client->write_into(bytes("second"), out, written), Error::none);
  ASSERT_EQ(p.server->receive(out), Error::none);
  EXPECT_EQ(p.read_all(*p.server), "first second");
  // Too small a buffer takes nothing.
  std::vector<uint8_t> small(p.client->write_into_size(5) - 1);
  EXPECT_EQ(p.client->write_into(bytes("third"), small, written), Error::buffer_too_small);
  EXPECT_EQ(written, 0u);
  EXPECT_EQ(p.client->error(), Error::none);
}

// write_into() and write() make the same bytes from the same state.
TEST(Tls12Records, WriteIntoProducesTheBytesWriteDoes) {
  for (const char* suite : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    DeterministicPair a(suite), b(suite);
    a.pair->pump();
    b.pair->pump();
    ASSERT_TRUE(a.client().handshake_done());
    ASSERT_TRUE(b.client().handshake_done());
    const std::vector<uint8_t> data = pattern(20000);
    ASSERT_EQ(a.client().write(data), Error::none);
    const std::vector<uint8_t> written = take_output(a.client());
    std::vector<uint8_t> out(b.client().write_into_size(data.size()));
    size_t n = 0;
    ASSERT_EQ(b.client().write_into(data, out, n), Error::none);
    EXPECT_EQ(out, written) << suite;
  }
}

// Truncation is reported once the data before it has been consumed.
TEST(Tls12Records, ReadableThenTruncation) {
  Pair p = connected12();
  ASSERT_EQ(p.server->write(bytes("tail")), Error::none);
  p.server_to_client();
  p.client->receive_eof();
  EXPECT_EQ(p.client->read_state(), ReadState::open);
  ASSERT_EQ(p.client->readable().size(), 4u);
  p.client->consume_readable(4);
  EXPECT_EQ(p.client->read_state(), ReadState::truncated);
}

}  // namespace
}  // namespace adieu::test
