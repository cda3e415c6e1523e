// RFC 8448 ("Example Handshake Traces for TLS 1.3") as known answers for the
// key schedule and the record layer: from the traces' random pools and
// plaintext messages, every protected record must come out byte for byte.
// The data is tests/data/rfc8448/transcripts.vec (see its README.md).
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "crypto/hash.h"
#include "crypto/hkdf.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "engine/handshake/tls13_key_schedule.h"
#include "engine/record/record.h"
#include "unit/crypto/hex.h"
#include "unit/record/vec_file.h"

namespace adieu::record {
using tls13::KeySchedule;
namespace {

using crypto::CipherSuite;
using crypto::HashAlg;
using crypto::Secret;
using test::to_hex;
using test::vec_bytes;
using test::VecFile;
using Bytes = std::vector<uint8_t>;

constexpr CipherSuite kSuite = CipherSuite::aes_128_gcm_sha256;  // every trace's suite
constexpr HashAlg kHash = HashAlg::sha256;

const VecFile* transcripts() {
  static const std::optional<VecFile> file =
      VecFile::load(std::string(ADIEU_TEST_DATA) + "/rfc8448/transcripts.vec");
  return file ? &*file : nullptr;
}

Bytes concat(std::initializer_list<std::span<const uint8_t>> parts) {
  Bytes out;
  for (auto part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// A record's body: the handshake message inside a plaintext record.
Bytes body(const Bytes& record) {
  EXPECT_GE(record.size(), kHeaderSize);
  if (record.size() < kHeaderSize) return {};
  return Bytes(record.begin() + kHeaderSize, record.end());
}

bool contains(std::span<const uint8_t> haystack, std::span<const uint8_t> needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

// pool[from, from + n) as a FixedRandom: the private key a side draws.
crypto::FixedRandom pool_slice(const Bytes& pool, size_t from, size_t n) {
  EXPECT_LE(from + n, pool.size());
  if (from + n > pool.size()) return crypto::FixedRandom({});
  return crypto::FixedRandom(Bytes(pool.begin() + from, pool.begin() + from + n));
}

// Both sides' key shares from their pools; checks each public value is the
// one its hello carries and that both sides derive the same secret.
Secret ecdhe(crypto::Group group, crypto::FixedRandom client_random,
             crypto::FixedRandom server_random, const Bytes& client_hello,
             const Bytes& server_hello) {
  auto client = crypto::KeyShare::generate(group, client_random);
  auto server = crypto::KeyShare::generate(group, server_random);
  if (!client || !server) {
    ADD_FAILURE() << "key share generation failed";
    return Secret();
  }
  EXPECT_TRUE(contains(client_hello, client->public_key())) << "client key share not in hello";
  EXPECT_TRUE(contains(server_hello, server->public_key())) << "server key share not in hello";
  const auto client_secret = client->derive(server->public_key());
  const auto server_secret = server->derive(client->public_key());
  if (!client_secret || !server_secret) {
    ADD_FAILURE() << "derive failed";
    return Secret();
  }
  EXPECT_EQ(to_hex(client_secret->span()), to_hex(server_secret->span()));
  return Secret(client_secret->span());
}

Bytes finished_message(const Secret& verify_data) {
  return concat({Bytes{20, 0, 0, static_cast<uint8_t>(verify_data.size())}, verify_data.span()});
}

// Seals `data` as records of `type` with `encoder` and returns a copy of them.
Bytes seal(RecordEncoder& encoder, ContentType type, std::span<const uint8_t> data) {
  RecordBuffer out;
  EXPECT_TRUE(encoder.write(type, data, out));
  return Bytes(out.data(), out.data() + out.size());
}

// Opens one whole record and returns its content, checking the inner type and
// that the content is what was opened into the (fresh) plaintext buffer.
Bytes open_one(RecordDecoder& decoder, const Bytes& record, ContentType expected_type) {
  RecordBuffer plaintext;
  size_t consumed = 0;
  Record out;
  Error error = Error::none;
  const auto status = decoder.decode(record, plaintext, consumed, out, error);
  EXPECT_EQ(status, RecordDecoder::Status::record) << error_string(error);
  if (status != RecordDecoder::Status::record) return {};
  EXPECT_EQ(consumed, record.size());
  EXPECT_TRUE(out.was_encrypted);
  EXPECT_EQ(out.type, expected_type);
  EXPECT_EQ(plaintext.size(), out.fragment.size());
  if (!out.fragment.empty()) {
    EXPECT_EQ(out.fragment.data(), plaintext.data());
  }
  return Bytes(out.fragment.begin(), out.fragment.end());
}

struct Directions {
  RecordEncoder encoder;
  RecordDecoder decoder;
  explicit Directions(const Secret& traffic) {
    EXPECT_TRUE(encoder.keys().install_tls13(kSuite, traffic));
    EXPECT_TRUE(decoder.keys().install_tls13(kSuite, traffic));
  }
};

class Rfc8448 : public ::testing::Test {
 protected:
  const VecFile::Section& section(const std::string& name) {
    static const VecFile::Section kEmpty;
    const VecFile* file = transcripts();
    if (file == nullptr) {
      ADD_FAILURE() << "cannot read " ADIEU_TEST_DATA "/rfc8448/transcripts.vec";
      return kEmpty;
    }
    const VecFile::Section* s = file->section(name);
    if (s == nullptr) {
      ADD_FAILURE() << "no section " << name;
      return kEmpty;
    }
    return *s;
  }
};

// The server's verify_data over `transcript` (through CertificateVerify)
// must be the one in the trace's Finished message.
void expect_server_finished(const crypto::Hash& transcript, const Secret& server_hs,
                            const Bytes& finished) {
  const Secret verify_data =
      KeySchedule::finished_verify_data(kHash, server_hs.span(), transcript.current().span());
  ASSERT_EQ(verify_data.size(), 32u);
  EXPECT_EQ(to_hex(finished_message(verify_data)), to_hex(finished));
}

// RFC 8448 section 3.
TEST_F(Rfc8448, Simple1RttHandshake) {
  const auto& s = section("Simple_1RTT_Handshake");
  const Bytes client_hello = body(vec_bytes(s, "Record_ClientHello_1"));
  const Bytes server_hello = body(vec_bytes(s, "Record_ServerHello"));
  ASSERT_EQ(to_hex(server_hello), to_hex(vec_bytes(s, "Message_ServerHello")));
  const Bytes client_pool = vec_bytes(s, "Client_RNG_Pool");
  const Bytes server_pool = vec_bytes(s, "Server_RNG_Pool");
  const Secret shared = ecdhe(crypto::Group::x25519, pool_slice(client_pool, 32, 32),
                              pool_slice(server_pool, 32, 32), client_hello, server_hello);
  ASSERT_EQ(to_hex(shared.span()),
            "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d");

  KeySchedule ks(kHash);
  ks.set_early({});
  ks.set_handshake(shared.span());
  crypto::Hash transcript(kHash);
  transcript.update(client_hello);
  transcript.update(server_hello);
  const Secret client_hs = ks.client_handshake_traffic(transcript.current().span());
  const Secret server_hs = ks.server_handshake_traffic(transcript.current().span());

  // The server's encrypted flight, as one handshake record.
  const Bytes ee = vec_bytes(s, "Message_EncryptedExtensions");
  const Bytes certificate = vec_bytes(s, "Message_Server_Certificate");
  const Bytes certificate_verify = vec_bytes(s, "Message_Server_CertificateVerify");
  const Bytes server_finished = vec_bytes(s, "Message_Server_Finished");
  transcript.update(ee);
  transcript.update(certificate);
  transcript.update(certificate_verify);
  expect_server_finished(transcript, server_hs, server_finished);
  transcript.update(server_finished);

  const Bytes flight = concat({ee, certificate, certificate_verify, server_finished});
  Directions server_handshake(server_hs);
  const Bytes flight_record = seal(server_handshake.encoder, ContentType::handshake, flight);
  EXPECT_EQ(to_hex(flight_record), to_hex(vec_bytes(s, "Record_ServerHandshakeMessages")));
  EXPECT_EQ(
      to_hex(open_one(server_handshake.decoder, vec_bytes(s, "Record_ServerHandshakeMessages"),
                      ContentType::handshake)),
      to_hex(flight));

  // The client's Finished over the transcript through the server's Finished.
  const Secret server_finished_hash = transcript.current();
  const Bytes client_finished = finished_message(
      KeySchedule::finished_verify_data(kHash, client_hs.span(), server_finished_hash.span()));
  Directions client_handshake(client_hs);
  EXPECT_EQ(to_hex(seal(client_handshake.encoder, ContentType::handshake, client_finished)),
            to_hex(vec_bytes(s, "Record_ClientFinished")));
  EXPECT_EQ(to_hex(open_one(client_handshake.decoder, vec_bytes(s, "Record_ClientFinished"),
                            ContentType::handshake)),
            to_hex(client_finished));
  transcript.update(client_finished);

  ks.set_master();
  Directions client_app(ks.client_application_traffic(server_finished_hash.span()));
  Directions server_app(ks.server_application_traffic(server_finished_hash.span()));

  // Server: NewSessionTicket (sequence 0), application data, close_notify.
  const Bytes ticket_message =
      open_one(server_app.decoder, vec_bytes(s, "Record_NewSessionTicket"), ContentType::handshake);
  EXPECT_EQ(to_hex(seal(server_app.encoder, ContentType::handshake, ticket_message)),
            to_hex(vec_bytes(s, "Record_NewSessionTicket")));
  const Bytes server_data = vec_bytes(s, "Server_AppData");
  EXPECT_EQ(to_hex(seal(server_app.encoder, ContentType::application_data, server_data)),
            to_hex(vec_bytes(s, "Record_Server_AppData")));
  const Bytes close_notify = {1, 0};  // warning(1), close_notify(0)
  EXPECT_EQ(to_hex(seal(server_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Server_CloseNotify")));
  EXPECT_EQ(to_hex(open_one(server_app.decoder, vec_bytes(s, "Record_Server_AppData"),
                            ContentType::application_data)),
            to_hex(server_data));
  EXPECT_EQ(to_hex(open_one(server_app.decoder, vec_bytes(s, "Record_Server_CloseNotify"),
                            ContentType::alert)),
            "0100");

  // Client: application data, close_notify.
  const Bytes client_data = vec_bytes(s, "Client_AppData");
  EXPECT_EQ(to_hex(seal(client_app.encoder, ContentType::application_data, client_data)),
            to_hex(vec_bytes(s, "Record_Client_AppData")));
  EXPECT_EQ(to_hex(seal(client_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Client_CloseNotify")));
  EXPECT_EQ(to_hex(open_one(client_app.decoder, vec_bytes(s, "Record_Client_AppData"),
                            ContentType::application_data)),
            to_hex(client_data));
  EXPECT_EQ(to_hex(open_one(client_app.decoder, vec_bytes(s, "Record_Client_CloseNotify"),
                            ContentType::alert)),
            "0100");

  // The ticket: NewSessionTicket = type 4, uint24 length, lifetime,
  // age_add, nonce<0..255>, ticket<1..2^16-1>, extensions.
  ASSERT_GE(ticket_message.size(), 13u);
  EXPECT_EQ(ticket_message[0], 4);
  const size_t nonce_size = ticket_message[12];
  ASSERT_GE(ticket_message.size(), 13 + nonce_size + 2);
  const Bytes nonce(ticket_message.begin() + 13, ticket_message.begin() + 13 + nonce_size);
  const size_t ticket_at = 13 + nonce_size;
  const size_t ticket_size = size_t{ticket_message[ticket_at]} << 8 | ticket_message[ticket_at + 1];
  ASSERT_GE(ticket_message.size(), ticket_at + 2 + ticket_size);
  EXPECT_EQ(to_hex(std::span<const uint8_t>(ticket_message).subspan(ticket_at + 2, ticket_size)),
            to_hex(vec_bytes(s, "SessionTicket")));
  EXPECT_EQ(to_hex(nonce), "0000");

  // resumption_master_secret and the ticket's PSK, which section 4 resumes with.
  const Secret resumption = ks.resumption_master(transcript.current().span());
  EXPECT_EQ(to_hex(resumption.span()),
            "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c");
  EXPECT_EQ(to_hex(KeySchedule::ticket_psk(kHash, resumption.span(), nonce).span()),
            "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");
}

// RFC 8448 section 4: resumption with the section 3 ticket, and 0-RTT data.
TEST_F(Rfc8448, Resumed0RttHandshake) {
  const auto& s = section("Resumed_0RTT_Handshake");
  const Secret psk(
      test::from_hex("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3"));
  const Bytes client_hello = body(vec_bytes(s, "Record_ClientHello_1"));
  const Bytes server_hello = body(vec_bytes(s, "Record_ServerHello"));
  ASSERT_EQ(to_hex(server_hello), to_hex(vec_bytes(s, "Message_ServerHello")));

  // The binder: HMAC over the ClientHello up to the binders list, which
  // closes the message: uint16 list length 0x0021, uint8 binder length 0x20.
  ASSERT_GT(client_hello.size(), 35u);
  const std::span<const uint8_t> binders = std::span<const uint8_t>(client_hello).last(35);
  ASSERT_EQ(to_hex(binders.first(3)), "002120");
  const Secret truncated_hash =
      crypto::hash(kHash, std::span<const uint8_t>(client_hello).first(client_hello.size() - 35));
  KeySchedule ks(kHash);
  ks.set_early(psk.span());
  const Secret binder = KeySchedule::finished_verify_data(kHash, ks.resumption_binder_key().span(),
                                                          truncated_hash.span());
  EXPECT_EQ(to_hex(binder.span()), to_hex(binders.subspan(3)));

  // 0-RTT: client_early_traffic_secret = Derive-Secret(Early Secret, "c e
  // traffic", ClientHello). KeySchedule has no accessor for it (the engine
  // does not send 0-RTT); derive it from the early secret by hand.
  const Secret early = crypto::hkdf_extract(kHash, {}, psk.span());
  const Secret client_hello_hash = crypto::hash(kHash, client_hello);
  Directions client_early(
      KeySchedule::derive_secret(kHash, early.span(), "c e traffic", client_hello_hash.span()));
  const Bytes early_data = vec_bytes(s, "Client_EarlyAppData");
  EXPECT_EQ(to_hex(seal(client_early.encoder, ContentType::application_data, early_data)),
            to_hex(vec_bytes(s, "Record_Client_EarlyAppData")));

  const Bytes client_pool = vec_bytes(s, "Client_RNG_Pool");
  const Bytes server_pool = vec_bytes(s, "Server_RNG_Pool");
  const Secret shared = ecdhe(crypto::Group::x25519, pool_slice(client_pool, 32, 32),
                              pool_slice(server_pool, 32, 32), client_hello, server_hello);
  ks.set_handshake(shared.span());
  crypto::Hash transcript(kHash);
  transcript.update(client_hello);
  transcript.update(server_hello);
  const Secret client_hs = ks.client_handshake_traffic(transcript.current().span());
  const Secret server_hs = ks.server_handshake_traffic(transcript.current().span());

  // No certificate: EncryptedExtensions and Finished. The .vec file's
  // Message_EncryptedExtensions (40 bytes) lacks the empty server_name
  // extension of the RFC's (44 bytes), and its Record_ServerHandshakeMessages
  // was sealed from it with a Finished over it; every later value (the
  // file's Message_Server_Finished, the client's Finished, the application
  // records) follows the RFC's transcript. Both are checked.
  {
    crypto::Hash file_transcript = transcript;
    const Bytes file_ee = vec_bytes(s, "Message_EncryptedExtensions");
    file_transcript.update(file_ee);
    const Bytes file_finished = finished_message(KeySchedule::finished_verify_data(
        kHash, server_hs.span(), file_transcript.current().span()));
    Directions server_handshake(server_hs);
    EXPECT_EQ(to_hex(seal(server_handshake.encoder, ContentType::handshake,
                          concat({file_ee, file_finished}))),
              to_hex(vec_bytes(s, "Record_ServerHandshakeMessages")));
  }
  const Bytes rfc_ee = test::from_hex(
      "080000280026000a00140012001d00170018001901000101010201030104001c0002400100000000002a0000");
  const Bytes server_finished = vec_bytes(s, "Message_Server_Finished");
  transcript.update(rfc_ee);
  expect_server_finished(transcript, server_hs, server_finished);
  transcript.update(server_finished);
  const Secret server_finished_hash = transcript.current();

  // The client's second flight: EndOfEarlyData under the early key (its
  // second record), then Finished under the handshake key; the Finished
  // covers EndOfEarlyData.
  const Bytes end_of_early_data = {5, 0, 0, 0};
  transcript.update(end_of_early_data);
  const Bytes client_finished = finished_message(
      KeySchedule::finished_verify_data(kHash, client_hs.span(), transcript.current().span()));
  Directions client_handshake(client_hs);
  const Bytes second_flight =
      concat({seal(client_early.encoder, ContentType::handshake, end_of_early_data),
              seal(client_handshake.encoder, ContentType::handshake, client_finished)});
  EXPECT_EQ(to_hex(second_flight), to_hex(vec_bytes(s, "Record_ClientFinished")));

  // Application traffic from the transcript through the server's Finished.
  ks.set_master();
  Directions client_app(ks.client_application_traffic(server_finished_hash.span()));
  Directions server_app(ks.server_application_traffic(server_finished_hash.span()));
  const Bytes close_notify = {1, 0};
  EXPECT_EQ(to_hex(seal(client_app.encoder, ContentType::application_data,
                        vec_bytes(s, "Client_AppData"))),
            to_hex(vec_bytes(s, "Record_Client_AppData")));
  EXPECT_EQ(to_hex(seal(server_app.encoder, ContentType::application_data,
                        vec_bytes(s, "Server_AppData"))),
            to_hex(vec_bytes(s, "Record_Server_AppData")));
  EXPECT_EQ(to_hex(seal(client_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Client_CloseNotify")));
  EXPECT_EQ(to_hex(seal(server_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Server_CloseNotify")));
}

// RFC 8448 section 5: the client offers x25519, the server asks for
// secp256r1; ClientHello1 enters the transcript as message_hash
// (RFC 8446 section 4.4.1).
TEST_F(Rfc8448, HelloRetryRequestHandshake) {
  const auto& s = section("HelloRetryRequest_Handshake");
  const Bytes client_hello1 = body(vec_bytes(s, "Record_ClientHello_1"));
  const Bytes hello_retry_request = body(vec_bytes(s, "Record_HelloRetryRequest"));
  const Bytes client_hello2 = body(vec_bytes(s, "Record_ClientHello_2"));
  const Bytes server_hello = body(vec_bytes(s, "Record_ServerHello"));
  ASSERT_EQ(to_hex(server_hello), to_hex(vec_bytes(s, "Message_ServerHello")));

  // Client pool: random, x25519 key (unused after the HRR), P-256 scalar.
  const Bytes client_pool = vec_bytes(s, "Client_RNG_Pool");
  const Bytes server_pool = vec_bytes(s, "Server_RNG_Pool");
  const Secret shared = ecdhe(crypto::Group::secp256r1, pool_slice(client_pool, 64, 32),
                              pool_slice(server_pool, 32, 32), client_hello2, server_hello);
  ASSERT_EQ(shared.size(), 32u);

  KeySchedule ks(kHash);
  ks.set_early({});
  ks.set_handshake(shared.span());
  crypto::Hash transcript(kHash);
  const Secret client_hello1_hash = crypto::hash(kHash, client_hello1);
  const Bytes message_hash =
      concat({Bytes{254, 0, 0, static_cast<uint8_t>(client_hello1_hash.size())},
              client_hello1_hash.span()});
  transcript.update(message_hash);
  transcript.update(hello_retry_request);
  transcript.update(client_hello2);
  transcript.update(server_hello);
  const Secret client_hs = ks.client_handshake_traffic(transcript.current().span());
  const Secret server_hs = ks.server_handshake_traffic(transcript.current().span());

  const Bytes ee = vec_bytes(s, "Message_EncryptedExtensions");
  const Bytes certificate = vec_bytes(s, "Message_Server_Certificate");
  const Bytes certificate_verify = vec_bytes(s, "Message_Server_CertificateVerify");
  const Bytes server_finished = vec_bytes(s, "Message_Server_Finished");
  transcript.update(ee);
  transcript.update(certificate);
  transcript.update(certificate_verify);
  expect_server_finished(transcript, server_hs, server_finished);
  transcript.update(server_finished);
  Directions server_handshake(server_hs);
  EXPECT_EQ(to_hex(seal(server_handshake.encoder, ContentType::handshake,
                        concat({ee, certificate, certificate_verify, server_finished}))),
            to_hex(vec_bytes(s, "Record_ServerHandshakeMessages")));

  const Secret server_finished_hash = transcript.current();
  Directions client_handshake(client_hs);
  EXPECT_EQ(to_hex(seal(client_handshake.encoder, ContentType::handshake,
                        finished_message(KeySchedule::finished_verify_data(
                            kHash, client_hs.span(), server_finished_hash.span())))),
            to_hex(vec_bytes(s, "Record_ClientFinished")));

  ks.set_master();
  Directions client_app(ks.client_application_traffic(server_finished_hash.span()));
  Directions server_app(ks.server_application_traffic(server_finished_hash.span()));
  const Bytes close_notify = {1, 0};
  EXPECT_EQ(to_hex(seal(client_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Client_CloseNotify")));
  EXPECT_EQ(to_hex(seal(server_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Server_CloseNotify")));
}

// RFC 8448 section 6: the server asks for a certificate; the client answers
// with Certificate, CertificateVerify (the trace's RSA-PSS signature) and
// Finished in one record.
TEST_F(Rfc8448, ClientAuthenticationHandshake) {
  const auto& s = section("Client_Authentication_Handshake");
  const Bytes client_hello = body(vec_bytes(s, "Record_ClientHello_1"));
  const Bytes server_hello = body(vec_bytes(s, "Record_ServerHello"));
  const Bytes client_pool = vec_bytes(s, "Client_RNG_Pool");
  const Bytes server_pool = vec_bytes(s, "Server_RNG_Pool");
  const Secret shared = ecdhe(crypto::Group::x25519, pool_slice(client_pool, 32, 32),
                              pool_slice(server_pool, 32, 32), client_hello, server_hello);

  KeySchedule ks(kHash);
  ks.set_early({});
  ks.set_handshake(shared.span());
  crypto::Hash transcript(kHash);
  transcript.update(client_hello);
  transcript.update(server_hello);
  const Secret client_hs = ks.client_handshake_traffic(transcript.current().span());
  const Secret server_hs = ks.server_handshake_traffic(transcript.current().span());

  const Bytes server_flight_messages[] = {
      vec_bytes(s, "Message_EncryptedExtensions"), vec_bytes(s, "Message_CertificateRequest"),
      vec_bytes(s, "Message_Server_Certificate"), vec_bytes(s, "Message_Server_CertificateVerify")};
  Bytes server_flight;
  for (const Bytes& m : server_flight_messages) {
    transcript.update(m);
    server_flight.insert(server_flight.end(), m.begin(), m.end());
  }
  const Bytes server_finished = vec_bytes(s, "Message_Server_Finished");
  expect_server_finished(transcript, server_hs, server_finished);
  transcript.update(server_finished);
  server_flight.insert(server_flight.end(), server_finished.begin(), server_finished.end());
  Directions server_handshake(server_hs);
  EXPECT_EQ(to_hex(seal(server_handshake.encoder, ContentType::handshake, server_flight)),
            to_hex(vec_bytes(s, "Record_ServerHandshakeMessages")));
  const Secret server_finished_hash = transcript.current();

  // Certificate { context "" ; [ cert_data = DER, extensions = none ] }.
  const std::string pem_path = std::string(ADIEU_TEST_DATA) + "/rfc8448/client_certificate.pem";
  Bytes der;
  {
    BIO* bio = BIO_new_file(pem_path.c_str(), "r");
    ASSERT_NE(bio, nullptr) << pem_path;
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    ASSERT_NE(cert, nullptr);
    const int n = i2d_X509(cert, nullptr);
    ASSERT_GT(n, 0);
    der.resize(static_cast<size_t>(n));
    uint8_t* p = der.data();
    i2d_X509(cert, &p);
    X509_free(cert);
  }
  auto u24 = [](size_t n) {
    return Bytes{static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8),
                 static_cast<uint8_t>(n)};
  };
  const Bytes entry = concat({u24(der.size()), der, Bytes{0, 0}});
  const Bytes certificate_body = concat({Bytes{0}, u24(entry.size()), entry});
  const Bytes client_certificate =
      concat({Bytes{11}, u24(certificate_body.size()), certificate_body});
  transcript.update(client_certificate);

  // The signed content ends with the transcript hash through Certificate.
  const Bytes to_sign = vec_bytes(s, "Client_MessageToSign");
  const Secret through_certificate = transcript.current();
  ASSERT_GE(to_sign.size(), 32u);
  EXPECT_EQ(to_hex(std::span<const uint8_t>(to_sign).last(32)), to_hex(through_certificate.span()));

  const Bytes signature = vec_bytes(s, "Client_MessageSignature");
  const Bytes verify_body = concat({Bytes{0x08, 0x04, static_cast<uint8_t>(signature.size() >> 8),
                                          static_cast<uint8_t>(signature.size())},
                                    signature});
  const Bytes client_certificate_verify = concat({Bytes{15}, u24(verify_body.size()), verify_body});
  transcript.update(client_certificate_verify);
  const Bytes client_finished = finished_message(
      KeySchedule::finished_verify_data(kHash, client_hs.span(), transcript.current().span()));

  Directions client_handshake(client_hs);
  EXPECT_EQ(to_hex(seal(client_handshake.encoder, ContentType::handshake,
                        concat({client_certificate, client_certificate_verify, client_finished}))),
            to_hex(vec_bytes(s, "Record_ClientFinished")));

  // Application keys come from the transcript through the server's Finished.
  ks.set_master();
  Directions client_app(ks.client_application_traffic(server_finished_hash.span()));
  Directions server_app(ks.server_application_traffic(server_finished_hash.span()));
  const Bytes close_notify = {1, 0};
  EXPECT_EQ(to_hex(seal(client_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Client_CloseNotify")));
  EXPECT_EQ(to_hex(seal(server_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Server_CloseNotify")));
}

// RFC 8448 section 7: middlebox compatibility mode. Each side's first
// protected flight is preceded by a plaintext change_cipher_spec, which the
// encoder keeps in the clear even with keys installed.
TEST_F(Rfc8448, MiddleboxCompatibilityMode) {
  const auto& s = section("Middlebox_Compatibility_Mode");
  const Bytes client_hello = body(vec_bytes(s, "Record_ClientHello_1"));
  const Bytes server_hello = body(vec_bytes(s, "Record_ServerHello"));
  // Client pool: random, legacy_session_id, x25519 key.
  const Bytes client_pool = vec_bytes(s, "Client_RNG_Pool");
  const Bytes server_pool = vec_bytes(s, "Server_RNG_Pool");
  const Secret shared = ecdhe(crypto::Group::x25519, pool_slice(client_pool, 64, 32),
                              pool_slice(server_pool, 32, 32), client_hello, server_hello);

  KeySchedule ks(kHash);
  ks.set_early({});
  ks.set_handshake(shared.span());
  crypto::Hash transcript(kHash);
  transcript.update(client_hello);
  transcript.update(server_hello);
  const Secret client_hs = ks.client_handshake_traffic(transcript.current().span());
  const Secret server_hs = ks.server_handshake_traffic(transcript.current().span());

  const Bytes ee = vec_bytes(s, "Message_EncryptedExtensions");
  const Bytes certificate = vec_bytes(s, "Message_Server_Certificate");
  const Bytes certificate_verify = vec_bytes(s, "Message_Server_CertificateVerify");
  const Bytes server_finished = vec_bytes(s, "Message_Server_Finished");
  transcript.update(ee);
  transcript.update(certificate);
  transcript.update(certificate_verify);
  expect_server_finished(transcript, server_hs, server_finished);
  transcript.update(server_finished);
  const Secret server_finished_hash = transcript.current();

  const Bytes ccs = {1};
  Directions server_handshake(server_hs);
  Bytes server_flight = seal(server_handshake.encoder, ContentType::change_cipher_spec, ccs);
  const Bytes protected_flight =
      seal(server_handshake.encoder, ContentType::handshake,
           concat({ee, certificate, certificate_verify, server_finished}));
  server_flight.insert(server_flight.end(), protected_flight.begin(), protected_flight.end());
  EXPECT_EQ(to_hex(server_flight), to_hex(vec_bytes(s, "Record_ServerHandshakeMessages")));

  Directions client_handshake(client_hs);
  Bytes client_flight = seal(client_handshake.encoder, ContentType::change_cipher_spec, ccs);
  const Bytes finished_record = seal(client_handshake.encoder, ContentType::handshake,
                                     finished_message(KeySchedule::finished_verify_data(
                                         kHash, client_hs.span(), server_finished_hash.span())));
  client_flight.insert(client_flight.end(), finished_record.begin(), finished_record.end());
  EXPECT_EQ(to_hex(client_flight), to_hex(vec_bytes(s, "Record_ClientFinished")));

  // The receiving side sees the change_cipher_spec as is, then the flight.
  const Bytes received = vec_bytes(s, "Record_ServerHandshakeMessages");
  RecordBuffer plaintext;
  size_t consumed = 0;
  Record record;
  Error error = Error::none;
  ASSERT_EQ(server_handshake.decoder.decode(received, plaintext, consumed, record, error),
            RecordDecoder::Status::record);
  EXPECT_EQ(record.type, ContentType::change_cipher_spec);
  EXPECT_FALSE(record.was_encrypted);
  EXPECT_TRUE(plaintext.empty());
  ASSERT_EQ(server_handshake.decoder.decode(std::span<const uint8_t>(received).subspan(consumed),
                                            plaintext, consumed, record, error),
            RecordDecoder::Status::record);
  EXPECT_EQ(record.type, ContentType::handshake);
  EXPECT_EQ(record.fragment.size(), protected_flight.size() - 5 - 17);
  EXPECT_EQ(plaintext.size(), record.fragment.size());

  ks.set_master();
  Directions client_app(ks.client_application_traffic(server_finished_hash.span()));
  Directions server_app(ks.server_application_traffic(server_finished_hash.span()));
  const Bytes close_notify = {1, 0};
  EXPECT_EQ(to_hex(seal(client_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Client_CloseNotify")));
  EXPECT_EQ(to_hex(seal(server_app.encoder, ContentType::alert, close_notify)),
            to_hex(vec_bytes(s, "Record_Server_CloseNotify")));
}

}  // namespace
}  // namespace adieu::record
