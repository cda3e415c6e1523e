#include "engine/handshake/tls13_key_schedule.h"

#include <gtest/gtest.h>

#include <vector>

#include "unit/crypto/hex.h"

namespace adieu::tls13 {
namespace {

using test::as_bytes;
using test::from_hex;
using test::to_hex;

// RFC 8448 section 3: the x25519 shared secret and the transcript hashes of
// ClientHello..ServerHello and ClientHello..server Finished.
const char* kEcdhe = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d";
const char* kHelloHash = "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8";
const char* kServerFinishedHash =
    "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13";
const char* kClientFinishedHash =
    "209145a96ee8e2a122ff810047cc952684658d6049e86429426db87c54ad143d";

TEST(KeySchedule, Rfc8448Simple1Rtt) {
  KeySchedule ks(HashAlg::sha256);
  EXPECT_EQ(ks.alg(), HashAlg::sha256);
  ks.set_early({});
  ks.set_handshake(from_hex(kEcdhe));
  const std::vector<uint8_t> hello = from_hex(kHelloHash);
  EXPECT_EQ(to_hex(ks.client_handshake_traffic(hello).span()),
            "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
  EXPECT_EQ(to_hex(ks.server_handshake_traffic(hello).span()),
            "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");

  ks.set_master();
  const std::vector<uint8_t> server_finished = from_hex(kServerFinishedHash);
  EXPECT_EQ(to_hex(ks.client_application_traffic(server_finished).span()),
            "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5");
  EXPECT_EQ(to_hex(ks.server_application_traffic(server_finished).span()),
            "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
  EXPECT_EQ(to_hex(ks.exporter_master(server_finished).span()),
            "fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50");
  const Secret resumption = ks.resumption_master(from_hex(kClientFinishedHash));
  EXPECT_EQ(to_hex(resumption.span()),
            "7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c");
  // The ticket in RFC 8448 section 3 has the nonce 00 00.
  EXPECT_EQ(
      to_hex(KeySchedule::ticket_psk(HashAlg::sha256, resumption.span(), std::vector<uint8_t>{0, 0})
                 .span()),
      "4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");
}

TEST(KeySchedule, HandshakeWithoutSetEarlyStartsFromZeroPsk) {
  KeySchedule ks(HashAlg::sha256);
  ks.set_handshake(from_hex(kEcdhe));
  EXPECT_EQ(to_hex(ks.server_handshake_traffic(from_hex(kHelloHash)).span()),
            "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
}

TEST(KeySchedule, FinishedVerifyData) {
  // RFC 8448 section 3, server Finished: base key = server handshake traffic
  // secret, over the transcript through CertificateVerify.
  const std::vector<uint8_t> transcript =
      from_hex("edb7725fa7a3473b031ec8ef65a2485493900138a2b91291407d7951a06110ed");
  const Secret vd = KeySchedule::finished_verify_data(
      HashAlg::sha256, from_hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"),
      transcript);
  EXPECT_EQ(to_hex(vd.span()), "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");
  // Client Finished over the transcript through server Finished.
  const Secret client_vd = KeySchedule::finished_verify_data(
      HashAlg::sha256, from_hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"),
      from_hex(kServerFinishedHash));
  EXPECT_EQ(to_hex(client_vd.span()),
            "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61");
}

// RFC 8448 section 4: the resumption PSK gives the early secret and binder key.
TEST(KeySchedule, ResumptionBinderKey) {
  KeySchedule ks(HashAlg::sha256);
  ks.set_early(from_hex("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3"));
  EXPECT_EQ(to_hex(ks.resumption_binder_key().span()),
            "69fe131a3bbad5d63c64eebcc30e395b9d8107726a13d074e389dbc8a4e47256");
}

// psk_ke: an empty ECDHE input stands for Hash.length zeros.
TEST(KeySchedule, PskOnlyHandshake) {
  const std::vector<uint8_t> psk =
      from_hex("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3");
  KeySchedule empty_ecdhe(HashAlg::sha256);
  empty_ecdhe.set_early(psk);
  empty_ecdhe.set_handshake({});
  KeySchedule zero_ecdhe(HashAlg::sha256);
  zero_ecdhe.set_early(psk);
  zero_ecdhe.set_handshake(std::vector<uint8_t>(32, 0));
  const std::vector<uint8_t> th(32, 1);
  const Secret a = empty_ecdhe.client_handshake_traffic(th);
  ASSERT_EQ(a.size(), 32u);
  EXPECT_EQ(to_hex(a.span()), to_hex(zero_ecdhe.client_handshake_traffic(th).span()));
}

TEST(KeySchedule, Sha384) {
  KeySchedule ks(HashAlg::sha384);
  ks.set_early({});
  std::vector<uint8_t> ecdhe(32);
  for (size_t i = 0; i < ecdhe.size(); ++i) ecdhe[i] = static_cast<uint8_t>(i);
  ks.set_handshake(ecdhe);
  const Secret th = crypto::hash(HashAlg::sha384, as_bytes("transcript"));
  // Reference values computed with an independent HKDF (Python's hmac).
  EXPECT_EQ(
      to_hex(ks.client_handshake_traffic(th.span()).span()),
      "4518d23eae306361b2989754b18ed86ec8bcd5c9942ced399dd3d6daf9ec938638826bd43810073da96bfe6"
      "4a7b8a888");
  ks.set_master();
  EXPECT_EQ(
      to_hex(ks.server_application_traffic(th.span()).span()),
      "45af33bf729f95cccbf093a45d02a5bf758d6d1b2c7b0c5fa765c260b7bf63125afee9dfd679472fd56752d"
      "2539ea15c");
}

TEST(KeySchedule, NextTrafficSecret) {
  const Secret next = KeySchedule::next_traffic_secret(
      HashAlg::sha256,
      from_hex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5"));
  EXPECT_EQ(to_hex(next.span()),
            "fcdfcc72725aaee48bf64e4fd8b749cdbdbab39d90da0b26e2245ca6ea167207");
}

TEST(KeySchedule, MissingStageYieldsNoSecrets) {
  KeySchedule ks(HashAlg::sha256);
  // Nothing set: no traffic secret can be derived.
  EXPECT_TRUE(ks.client_handshake_traffic(std::vector<uint8_t>(32, 0)).empty());
  ks.set_master();  // before set_handshake
  EXPECT_TRUE(ks.client_application_traffic(std::vector<uint8_t>(32, 0)).empty());
  EXPECT_TRUE(ks.resumption_master(std::vector<uint8_t>(32, 0)).empty());
}

TEST(KeySchedule, SetEarlyRestartsTheChain) {
  KeySchedule ks(HashAlg::sha256);
  ks.set_handshake(from_hex(kEcdhe));
  ks.set_master();
  ks.set_early({});
  EXPECT_TRUE(ks.server_handshake_traffic(from_hex(kHelloHash)).empty());
  EXPECT_TRUE(ks.server_application_traffic(from_hex(kServerFinishedHash)).empty());
}

}  // namespace
}  // namespace adieu::tls13
