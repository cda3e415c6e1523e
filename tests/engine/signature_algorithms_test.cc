// Config::set_signature_algorithms (s_client / s_server's -sigalgs): the only
// schemes offered, signed with and accepted, in both versions.
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/signature.h"
#include "engine/record/protection.h"
#include "engine/record/record_buffer.h"
#include "pair.h"
#include "tls12_support.h"

namespace adieu::test {
namespace {

bool contains_bytes(const std::vector<uint8_t>& haystack, std::initializer_list<uint8_t> needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

TEST(SignatureAlgorithms, ClientOffersOnlyItsListAndTheServerSignsWithIt) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_signature_algorithms("ECDSA+SHA256", &error)) << error;
  Pair p(ccfg, server_config());
  const std::vector<uint8_t> hello = take_output(*p.client);
  // signature_algorithms (13): a list of one scheme, 0x0403.
  EXPECT_TRUE(contains_bytes(hello, {0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03}));
  p.server->receive(hello);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->peer_signature_scheme(), 0x0403);
}

TEST(SignatureAlgorithms, NoSchemeTheServerKeyCanUseIsHandshakeFailure) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_signature_algorithms("ecdsa_secp384r1_sha384:ed25519", &error)) << error;
  Pair p(ccfg, server_config());  // a P-256 certificate
  p.pump();
  EXPECT_EQ(p.server->error(), Error::handshake_failure);
  EXPECT_EQ(p.client->alert_received(), Alert::handshake_failure);
}

TEST(SignatureAlgorithms, ServerSignsOnlyWithItsList) {
  auto scfg = server_config("rsa");
  std::string error;
  ASSERT_TRUE(scfg->set_signature_algorithms("rsa_pss_rsae_sha512", &error)) << error;
  Pair p(client_config(), scfg);
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->peer_signature_scheme(), 0x0806);
}

TEST(SignatureAlgorithms, ServerAsksForItsListAndAClientThatCannotSignSendsNoCertificate) {
  auto scfg = server_config("ed25519");
  scfg->set_verify(VerifyMode::required);
  std::string error;
  ASSERT_TRUE(scfg->load_ca_file(data_path("ecdsa-root.pem"), &error)) << error;
  ASSERT_TRUE(scfg->set_signature_algorithms("ed25519:ecdsa_secp256r1_sha256", &error)) << error;
  auto ccfg = client_config();
  ASSERT_TRUE(ccfg->add_certificate(data_path("client-fullchain.pem"), data_path("client-leaf.key"),
                                    "", &error))
      << error;
  {
    Pair p(ccfg, scfg);
    p.pump();
    ASSERT_TRUE(p.server->handshake_done()) << error_string(p.server->error());
    EXPECT_EQ(p.server->peer_signature_scheme(), 0x0403);  // the client's P-256 key
  }
  // The list also binds the server's own signature: ed25519 alone still
  // fits its key, but the client's P-256 key fits none of it.
  ASSERT_TRUE(scfg->set_signature_algorithms("ed25519", &error)) << error;
  Pair p(ccfg, scfg);
  p.pump();
  EXPECT_EQ(p.server->error(), Error::certificate_required);
  EXPECT_EQ(p.client->alert_received(), Alert::certificate_required);
}

TEST(SignatureAlgorithms, Tls12UsesTheListToo) {
  auto ccfg = client_config();
  std::string error;
  ASSERT_TRUE(ccfg->set_versions(0x0303, 0x0303, &error)) << error;
  ASSERT_TRUE(ccfg->set_signature_algorithms("RSA+SHA384", &error)) << error;
  Pair p(ccfg, server_config("rsa"));
  p.pump();
  ASSERT_TRUE(p.client->handshake_done()) << error_string(p.client->error());
  EXPECT_EQ(p.client->version(), 0x0303);
  EXPECT_EQ(p.client->peer_signature_scheme(), 0x0501);  // rsa_pkcs1_sha384
}

// RFC 8446 section 4.4.2.2: a server with several certificates for the name
// sends one whose key the client can verify.
TEST(SignatureAlgorithms, ServerPicksTheCertificateTheClientCanVerify) {
  auto scfg = server_config();  // ECDSA P-256 first
  std::string error;
  ASSERT_TRUE(
      scfg->add_certificate(data_path("rsa-fullchain.pem"), data_path("rsa-leaf.key"), "", &error))
      << error;
  for (const char* list : {"rsa_pss_rsae_sha256", "ECDSA+SHA256"}) {
    auto ccfg = client_config();
    ASSERT_TRUE(ccfg->set_signature_algorithms(list, &error)) << error;
    Pair p(ccfg, scfg);
    p.pump();
    ASSERT_TRUE(p.client->handshake_done()) << list << ": " << error_string(p.client->error());
    EXPECT_EQ(p.client->peer_signature_scheme(),
              std::string(list) == "ECDSA+SHA256" ? 0x0403 : 0x0804);
  }
}

// The leaf certificate (DER) in a TLS 1.3 server's first flight, read with
// the server's handshake traffic secret (AES-128-GCM) from its key log.
std::vector<uint8_t> leaf_in_flight(const KeyLog& server_log, std::span<const uint8_t> flight) {
  record::Tls13Protection keys;
  EXPECT_TRUE(keys.install(crypto::CipherSuite::aes_128_gcm_sha256,
                           server_log.secret("SERVER_HANDSHAKE_TRAFFIC_SECRET")));
  std::vector<uint8_t> handshake;
  for (const WireRecord& r : split_records(flight)) {
    if (r.type != kApplicationData) continue;
    record::RecordBuffer plain;
    record::Record rec;
    EXPECT_EQ(keys.open(make_record(r.type, r.version, r.body), plain, rec), Error::none);
    handshake.insert(handshake.end(), rec.fragment.begin(), rec.fragment.end());
  }
  // EncryptedExtensions, then Certificate: context<0..255>, then the list's
  // length (3 bytes) and the first entry's (3 bytes).
  const auto u24 = [&](size_t at) {
    return size_t{handshake[at]} << 16 | size_t{handshake[at + 1]} << 8 | handshake[at + 2];
  };
  if (handshake.size() < 4) return {};
  const size_t certificate = 4 + u24(1);
  const size_t leaf = certificate + 4 + 1 + 3;
  if (handshake.size() < leaf + 3 || handshake[certificate] != 11) return {};
  const size_t length = u24(leaf);
  if (handshake.size() < leaf + 3 + length) return {};
  return {handshake.begin() + static_cast<ptrdiff_t>(leaf + 3),
          handshake.begin() + static_cast<ptrdiff_t>(leaf + 3 + length)};
}

// signature_algorithms_cert (RFC 8446 section 4.2.3): a chain the client can
// verify wins over the first certificate; with none, the first that can sign.
TEST(SignatureAlgorithms, ServerHonoursSignatureAlgorithmsCert) {
  std::string error;
  const std::vector<crypto::Certificate> rsa =
      crypto::Certificate::from_pem_file(data_path("rsa-leaf.pem"), error);
  const std::vector<crypto::Certificate> ecdsa =
      crypto::Certificate::from_pem_file(data_path("ecdsa-leaf.pem"), error);
  ASSERT_FALSE(rsa.empty() || ecdsa.empty()) << error;
  const struct {
    uint16_t cert_scheme;
    const crypto::Certificate& expected_leaf;
  } kCases[] = {{0x0401, rsa.front()}, {0x0403, ecdsa.front()}, {0x0807, ecdsa.front()}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.cert_scheme);
    auto scfg = server_config();  // ECDSA P-256, its chain signed ecdsa_secp256r1_sha256
    ASSERT_TRUE(scfg->add_certificate(data_path("rsa-fullchain.pem"), data_path("rsa-leaf.key"), "",
                                      &error))
        << error;  // signed rsa_pkcs1_sha256
    KeyLog log;
    log.attach(*scfg);
    auto ccfg = client_config();
    ASSERT_TRUE(ccfg->set_cipher_suites("TLS_AES_128_GCM_SHA256", &error)) << error;
    Pair p(ccfg, scfg);
    const std::vector<uint8_t> hello =
        rewrite_client_hello(take_output(*p.client), [&](messages::ClientHello& ch) {
          ch.signature_algorithms_cert = std::vector<uint16_t>{c.cert_scheme};
        });
    ASSERT_EQ(p.server->receive(hello), Error::none);
    const std::vector<uint8_t> leaf = leaf_in_flight(log, take_output(*p.server));
    const std::span<const uint8_t> want = c.expected_leaf.der();
    EXPECT_TRUE(std::equal(leaf.begin(), leaf.end(), want.begin(), want.end()));
  }
}

TEST(SignatureAlgorithms, BadListsAreRefusedAndChangeNothing) {
  auto cfg = client_config();
  std::string error;
  EXPECT_FALSE(cfg->set_signature_algorithms("ECDSA+SHA256:FOO", &error));
  EXPECT_NE(error.find("FOO"), std::string::npos);
  EXPECT_FALSE(cfg->set_signature_algorithms("", &error));
  Pair p(cfg, server_config());
  p.pump();
  EXPECT_TRUE(p.client->handshake_done());  // the defaults still apply
}

}  // namespace
}  // namespace adieu::test
