#include "crypto/tls12_prf.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/tls12_suite.h"
#include "unit/crypto/hex.h"

namespace adieu::crypto {
namespace {

using test::as_bytes;
using test::from_hex;
using test::to_hex;

// The TLS 1.2 PRF test vectors posted to the IETF TLS working group list
// (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html), as
// stored in Botan's src/tests/data/kdf/tls_prf.vec (randombit/botan, commit
// 00e0283a928dc3a9ffc6e31ffbb98930a0862427, sections TLS-12-PRF(SHA-256) and
// TLS-12-PRF(SHA-384)) and GnuTLS's tests/tls12-prf.c. Only the bytes are
// taken.
const char kSha256Secret[] = "9bbe436ba940f017b17652849a71db35";
const char kSha256Seed[] = "a0ba9f936cda311827a6f796ffd5198c";
const char kSha256Output[] =  // 100 bytes
    "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
    "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
    "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
    "87347b66";
const char kSha384Secret[] = "b80b733d6ceefcdc71566ea48e5567df";
const char kSha384Seed[] = "cd665cf6a8447dd6ff8b27555edb7465";
const char kSha384Output[] =  // 148 bytes
    "7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cd"
    "e9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd"
    "8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
    "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6"
    "91c8f3a26854308d5eaa3be85e0990703d73e56f";

// The values below were computed when this test was written with an
// independent P_hash in Python's hmac module (RFC 5246 section 5):
//   def p_hash(h, secret, seed, n):
//       out, a = b'', seed
//       while len(out) < n:
//           a = hmac.new(secret, a, h).digest()
//           out += hmac.new(secret, a + seed, h).digest()
//       return out[:n]
//   prf = lambda h, secret, label, seed, n: p_hash(h, secret, label + seed, n)
// (which reproduces both published vectors above) with
//   client_random = bytes(range(0x00, 0x20)), server_random = bytes(range(0x20, 0x40)),
//   pre_master_secret = bytes(range(0x80, 0xa0)),
//   handshake/session hash = h(b'handshake messages').digest().
std::vector<uint8_t> client_random() {
  std::vector<uint8_t> r(32);
  for (size_t i = 0; i < r.size(); ++i) r[i] = static_cast<uint8_t>(i);
  return r;
}
std::vector<uint8_t> server_random() {
  std::vector<uint8_t> r(32);
  for (size_t i = 0; i < r.size(); ++i) r[i] = static_cast<uint8_t>(0x20 + i);
  return r;
}
std::vector<uint8_t> pre_master_secret() {
  std::vector<uint8_t> r(32);
  for (size_t i = 0; i < r.size(); ++i) r[i] = static_cast<uint8_t>(0x80 + i);
  return r;
}

struct Expected {
  HashAlg alg;
  const char* master;
  const char* session_hash;
  const char* extended_master;
  const char* client_finished;
  const char* server_finished;
  const char* export_no_context;     // "EXPERIMENTAL adieu", 40 bytes
  const char* export_empty_context;  // context ""
  const char* export_context;        // context "hello"
};

const Expected kSha256{
    HashAlg::sha256,
    "2d80220237a6f160d1004e1e0ee155e9cec8db8093b3ce4aa80e40e56a98ba41f3b9ebe08bd998536a42432c29bf13"
    "b0",
    "6e1b983f2338a681fec9331551f24072641b2c011c693e3410cd95da2d6b5458",
    "af272dbd1ffdbb9e57b33ad3acd70f999d43cd4789e1d9b0f94e8dc37137daa06674256898a74a4b6c840c17319f17"
    "8a",
    "b656bc23c94f0aa8123ef2dc",
    "fcf72aa53a69eed8c87703c6",
    "75ed9a8d5bcd2775545fa869b1e3e9ab333df0297c7bf56eeb324419add43b5e680d66d1ac91433d",
    "695d59b66057c411633e07c440031a887d5b846a75f833d3907e507c17bb1035e378b3e85d627473",
    "45450f2eecda0c0b0bf2c6eb38309e5020f5b17ac63a74621576813a4bcfc8dafebeb37744fdbd51",
};

const Expected kSha384{
    HashAlg::sha384,
    "cd3e6a7d99908e9ecbc11637bbac6674091d8e17f7c3afb04e5d6aad188df3e7fc0bee3e2f207b458ee5c2557021ca"
    "1f",
    "75d2bed15f60516af18942cf6b2fd3b2aed381c6128041a9af684c0ee8e7f9c5271068648aee3439e348c52332a37f"
    "0a",
    "7b1ca1b5ba29644fcc9ce094224d836a0823319d381e43691d6a0e69e1aff6fa4bd523551b25be8a49365c53aefdd5"
    "5e",
    "cae6ea2563626a1a37f01cfb",
    "132b16473767136cd4cfe52f",
    "6350fee0f34fa37e65a3dca2f56e756e55dcac0a4417d2d9325621904065bffe64261ef54abfebe2",
    "647e1aa038f09fdfac7fe37bcd0010b23ac7e874c591907a8446c36f7c0bf095240f9cc975f94a02",
    "774ec05fd5ed72f6dacbe365563cc8da90bec9829edc89fe7010f082565c5ac1427a11a2a9bf6c6a",
};

TEST(Tls12Prf, PublishedSha256Vector) {
  std::vector<uint8_t> out(100);
  ASSERT_TRUE(tls12_prf(HashAlg::sha256, from_hex(kSha256Secret), "test label",
                        {from_hex(kSha256Seed)}, out));
  EXPECT_EQ(to_hex(out), kSha256Output);
}

TEST(Tls12Prf, PublishedSha384Vector) {
  std::vector<uint8_t> out(148);
  ASSERT_TRUE(tls12_prf(HashAlg::sha384, from_hex(kSha384Secret), "test label",
                        {from_hex(kSha384Seed)}, out));
  EXPECT_EQ(to_hex(out), kSha384Output);
}

TEST(Tls12Prf, SeedPiecesAreConcatenatedAndShorterOutputIsAPrefix) {
  std::vector<uint8_t> seed = from_hex(kSha256Seed);
  std::span<const uint8_t> whole(seed);
  std::vector<uint8_t> out(33);  // one byte into the second P_hash block
  ASSERT_TRUE(tls12_prf(HashAlg::sha256, from_hex(kSha256Secret), "test label",
                        {whole.first(5), {}, whole.subspan(5)}, out));
  EXPECT_EQ(to_hex(out), std::string(kSha256Output).substr(0, 66));
  // The label is only the first bytes of label + seed.
  ASSERT_TRUE(tls12_prf(HashAlg::sha256, from_hex(kSha256Secret), "test",
                        {as_bytes(" label"), whole}, out));
  EXPECT_EQ(to_hex(out), std::string(kSha256Output).substr(0, 66));
}

TEST(Tls12Prf, RefusesWhatItCannotCompute) {
  std::vector<uint8_t> out(16, 0xaa);
  EXPECT_FALSE(tls12_prf(HashAlg::sha256, {}, "test label", {from_hex(kSha256Seed)}, out));
  EXPECT_EQ(out, std::vector<uint8_t>(16, 0));  // wiped
  EXPECT_FALSE(tls12_prf(HashAlg::sha256, from_hex(kSha256Secret), "", {}, out));
  EXPECT_FALSE(tls12_prf(HashAlg::sha256, from_hex(kSha256Secret), "test label", {}, {}));

  // label + seed: 1024 bytes pass, 1025 do not (libcrypto's limit).
  std::vector<uint8_t> seed(kTls12PrfMaxSeed - 10, 0x5c);
  EXPECT_TRUE(tls12_prf(HashAlg::sha256, from_hex(kSha256Secret), "test label", {seed}, out));
  seed.push_back(0);
  std::fill(out.begin(), out.end(), 0xaa);
  EXPECT_FALSE(tls12_prf(HashAlg::sha256, from_hex(kSha256Secret), "test label", {seed}, out));
  EXPECT_EQ(out, std::vector<uint8_t>(16, 0));
  std::string long_label(kTls12PrfMaxSeed + 1, 'x');
  EXPECT_FALSE(tls12_prf(HashAlg::sha256, from_hex(kSha256Secret), long_label, {}, out));
}

class Tls12Derivations : public ::testing::TestWithParam<Expected> {};

TEST_P(Tls12Derivations, MasterSecret) {
  const Expected& e = GetParam();
  Secret master = tls12_master_secret(e.alg, pre_master_secret(), client_random(), server_random());
  EXPECT_EQ(master.size(), kTls12MasterSecretSize);
  EXPECT_EQ(to_hex(master.span()), e.master);
  // ClientHello.random comes first in the seed (RFC 5246 section 8.1).
  EXPECT_NE(
      to_hex(
          tls12_master_secret(e.alg, pre_master_secret(), server_random(), client_random()).span()),
      e.master);
}

TEST_P(Tls12Derivations, ExtendedMasterSecret) {
  const Expected& e = GetParam();
  std::vector<uint8_t> session_hash = from_hex(e.session_hash);
  Secret master = tls12_extended_master_secret(e.alg, pre_master_secret(), session_hash);
  EXPECT_EQ(to_hex(master.span()), e.extended_master);
  // The session hash has the PRF hash's size (RFC 7627 section 3).
  session_hash.pop_back();
  EXPECT_TRUE(tls12_extended_master_secret(e.alg, pre_master_secret(), session_hash).empty());
  EXPECT_TRUE(tls12_extended_master_secret(e.alg, {}, from_hex(e.session_hash)).empty());
}

TEST_P(Tls12Derivations, FinishedVerifyData) {
  const Expected& e = GetParam();
  std::vector<uint8_t> master = from_hex(e.master);
  std::vector<uint8_t> hash = from_hex(e.session_hash);
  Secret client = tls12_verify_data(e.alg, Tls12Finished::client, master, hash);
  Secret server = tls12_verify_data(e.alg, Tls12Finished::server, master, hash);
  EXPECT_EQ(client.size(), kTls12VerifyDataSize);
  EXPECT_EQ(to_hex(client.span()), e.client_finished);
  EXPECT_EQ(to_hex(server.span()), e.server_finished);
  EXPECT_TRUE(constant_time_equal(
      client.span(), tls12_verify_data(e.alg, Tls12Finished::client, master, hash).span()));

  std::vector<uint8_t> short_hash(hash.begin(), hash.end() - 1);
  EXPECT_TRUE(tls12_verify_data(e.alg, Tls12Finished::client, master, short_hash).empty());
  std::vector<uint8_t> short_master(master.begin(), master.end() - 1);
  EXPECT_TRUE(tls12_verify_data(e.alg, Tls12Finished::client, short_master, hash).empty());
}

TEST_P(Tls12Derivations, Exporter) {
  const Expected& e = GetParam();
  std::vector<uint8_t> master = from_hex(e.master);
  std::vector<uint8_t> out(40);
  ASSERT_TRUE(tls12_export_keying_material(e.alg, master, "EXPERIMENTAL adieu", client_random(),
                                           server_random(), std::nullopt, out));
  EXPECT_EQ(to_hex(out), e.export_no_context);
  // An empty context is not the absence of one (RFC 5705 section 4).
  ASSERT_TRUE(tls12_export_keying_material(e.alg, master, "EXPERIMENTAL adieu", client_random(),
                                           server_random(), std::span<const uint8_t>(), out));
  EXPECT_EQ(to_hex(out), e.export_empty_context);
  ASSERT_TRUE(tls12_export_keying_material(e.alg, master, "EXPERIMENTAL adieu", client_random(),
                                           server_random(), as_bytes("hello"), out));
  EXPECT_EQ(to_hex(out), e.export_context);
}

INSTANTIATE_TEST_SUITE_P(BothHashes, Tls12Derivations, ::testing::Values(kSha256, kSha384),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                           return info.param.alg == HashAlg::sha384 ? "sha384" : "sha256";
                         });

TEST(Tls12Prf, KeyBlockOfEachAeadSuite) {
  // Same Python computation: prf(h, master, b'key expansion',
  // server_random + client_random, 2 * key + 2 * fixed_iv), master as above.
  struct Case {
    Tls12CipherSuite suite;
    const char* block;
  };
  const Case cases[] = {
      {Tls12CipherSuite::ecdhe_rsa_with_aes_128_gcm_sha256,
       "2a3cea03278e349d76e726dc6591255bd13ea9ff2aea0624b43a9b2750e9fca72d0af474b2087b89"},
      {Tls12CipherSuite::ecdhe_ecdsa_with_aes_256_gcm_sha384,
       "214d9f2a4dc0bd8e051aafab05e59f956aae12390d24e76b8ce59c4983d88aa78eb67652f1ab52dd"
       "1cdbdfef40dab144b7dd74a115372be3c63c238c5835f3c4f7a7e16089081f18"},
      {Tls12CipherSuite::ecdhe_ecdsa_with_chacha20_poly1305_sha256,
       "2a3cea03278e349d76e726dc6591255bd13ea9ff2aea0624b43a9b2750e9fca72d0af474b2087b89"
       "054023dcf866c8038bca9e0042bafabe24b8eb97dcdee93b48995715ab523977fc2d45c749856050"
       "259d5302d55e11ef"},
  };
  for (const Case& c : cases) {
    const Tls12SuiteInfo& suite = tls12_suite_info(c.suite);
    SCOPED_TRACE(suite.name);
    const Expected& e = suite.prf_hash == HashAlg::sha384 ? kSha384 : kSha256;
    std::optional<Tls12KeyBlock> keys = tls12_key_block(
        suite.prf_hash, suite.aead, from_hex(e.master), client_random(), server_random());
    ASSERT_TRUE(keys);
    const size_t key = aead_key_size(suite.aead);
    const size_t iv = suite.fixed_iv_size;
    EXPECT_EQ(keys->client_write_key.size(), key);
    EXPECT_EQ(keys->server_write_key.size(), key);
    EXPECT_EQ(keys->client_write_iv.size(), iv);
    EXPECT_EQ(keys->server_write_iv.size(), iv);
    const std::string block = c.block;
    ASSERT_EQ(block.size(), 2 * (2 * key + 2 * iv));
    EXPECT_EQ(to_hex(keys->client_write_key.span()), block.substr(0, 2 * key));
    EXPECT_EQ(to_hex(keys->server_write_key.span()), block.substr(2 * key, 2 * key));
    EXPECT_EQ(to_hex(keys->client_write_iv.span()), block.substr(4 * key, 2 * iv));
    EXPECT_EQ(to_hex(keys->server_write_iv.span()), block.substr(4 * key + 2 * iv, 2 * iv));
  }
}

TEST(Tls12Prf, KeyBlockChecksItsInputs) {
  std::vector<uint8_t> master = from_hex(kSha256.master);
  std::vector<uint8_t> short_random(31, 1);
  EXPECT_FALSE(tls12_key_block(HashAlg::sha256, AeadAlg::aes_128_gcm, master, short_random,
                               server_random()));
  EXPECT_FALSE(tls12_key_block(HashAlg::sha256, AeadAlg::aes_128_gcm, master, client_random(),
                               short_random));
  master.pop_back();
  EXPECT_FALSE(tls12_key_block(HashAlg::sha256, AeadAlg::aes_128_gcm, master, client_random(),
                               server_random()));
  EXPECT_TRUE(
      tls12_master_secret(HashAlg::sha256, pre_master_secret(), short_random, server_random())
          .empty());
  EXPECT_TRUE(tls12_master_secret(HashAlg::sha256, {}, client_random(), server_random()).empty());
}

TEST(Tls12Prf, ExporterMatchesOpenSslLibssl) {
  // A TLS 1.2 session between `openssl s_server` and `openssl s_client`
  // (OpenSSL 3.0, ECDHE-ECDSA-AES256-GCM-SHA384, so the PRF hash is SHA-384):
  // the randoms from s_client -msg, the master secret from its -keylogfile,
  // and what `-keymatexport "EXPERIMENTAL adieu" -keymatexportlen 32` printed
  // (libssl exports without a context). The Python P_hash above agrees.
  const std::vector<uint8_t> client =
      from_hex("7e12260869c3c0e7a0ae65dd1341431401a482441779867e94a12d0e680ebc58");
  const std::vector<uint8_t> server =
      from_hex("122e1e94d597b86356721e74db0ef7af56b20051e143de35972b7ebdf528cb65");
  const std::vector<uint8_t> master = from_hex(
      "317432732d284fb457603d2a629776399dde69e816ae1d552afaa8a12e0814c8c5d53a8f1ef4315f8f36aae75067"
      "96"
      "0d");
  std::vector<uint8_t> out(32);
  ASSERT_TRUE(tls12_export_keying_material(HashAlg::sha384, master, "EXPERIMENTAL adieu", client,
                                           server, std::nullopt, out));
  EXPECT_EQ(to_hex(out), "1cab2cab4681eb1263c9e6ab0503f9d4f6b7d749ca37f197c8f1f6ad3ceaf8a8");
}

TEST(Tls12Prf, ExporterRefusals) {
  std::vector<uint8_t> master = from_hex(kSha256.master);
  std::vector<uint8_t> out(20, 0xaa);
  const std::vector<uint8_t> zeros(20, 0);
  // Labels TLS 1.2 derives its own secrets with (RFC 5705 section 4).
  for (const char* label : {"client finished", "server finished", "master secret",
                            "extended master secret", "key expansion", "key expansion 2"}) {
    SCOPED_TRACE(label);
    std::fill(out.begin(), out.end(), 0xaa);
    EXPECT_FALSE(tls12_export_keying_material(HashAlg::sha256, master, label, client_random(),
                                              server_random(), std::nullopt, out));
    EXPECT_EQ(out, zeros);
  }
  EXPECT_TRUE(tls12_export_keying_material(HashAlg::sha256, master, "key", client_random(),
                                           server_random(), std::nullopt, out));
  // A context longer than its uint16 length field.
  std::vector<uint8_t> huge(0x10000, 0);
  EXPECT_FALSE(tls12_export_keying_material(HashAlg::sha256, master, "EXPERIMENTAL x",
                                            client_random(), server_random(), huge, out));
  // Longer than libcrypto's seed limit but within uint16.
  huge.resize(2000);
  EXPECT_FALSE(tls12_export_keying_material(HashAlg::sha256, master, "EXPERIMENTAL x",
                                            client_random(), server_random(), huge, out));
  EXPECT_FALSE(tls12_export_keying_material(HashAlg::sha256, master, "EXPERIMENTAL x",
                                            client_random(), server_random(), std::nullopt, {}));
  master.pop_back();
  EXPECT_FALSE(tls12_export_keying_material(HashAlg::sha256, master, "EXPERIMENTAL x",
                                            client_random(), server_random(), std::nullopt, out));
}

}  // namespace
}  // namespace adieu::crypto
