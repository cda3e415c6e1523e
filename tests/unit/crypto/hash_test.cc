#include "crypto/hash.h"

#include <gtest/gtest.h>

#include "unit/crypto/hex.h"

namespace adieu::crypto {
namespace {

using test::as_bytes;
using test::to_hex;

constexpr const char* kSha256Abc =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kSha384Abc =
    "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825"
    "a7";

TEST(Hash, Sizes) {
  EXPECT_EQ(hash_size(HashAlg::sha256), 32u);
  EXPECT_EQ(hash_size(HashAlg::sha384), 48u);
}

TEST(Hash, OneShotKnownAnswers) {
  EXPECT_EQ(to_hex(hash(HashAlg::sha256, as_bytes("abc")).span()), kSha256Abc);
  EXPECT_EQ(to_hex(hash(HashAlg::sha384, as_bytes("abc")).span()), kSha384Abc);
  EXPECT_EQ(to_hex(hash(HashAlg::sha256, {}).span()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(
      to_hex(hash(HashAlg::sha384, {}).span()),
      "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14"
      "898b95b");
}

TEST(Hash, TranscriptCurrentThenContinue) {
  Hash h(HashAlg::sha256);
  EXPECT_EQ(h.alg(), HashAlg::sha256);
  EXPECT_EQ(to_hex(h.current().span()), to_hex(hash(HashAlg::sha256, {}).span()));
  h.update(as_bytes("a"));
  EXPECT_EQ(to_hex(h.current().span()), to_hex(hash(HashAlg::sha256, as_bytes("a")).span()));
  // Reading the value twice gives the same answer and does not disturb it.
  EXPECT_EQ(to_hex(h.current().span()), to_hex(hash(HashAlg::sha256, as_bytes("a")).span()));
  h.update(as_bytes("bc"));
  EXPECT_EQ(to_hex(h.current().span()), kSha256Abc);
}

TEST(Hash, Sha384Transcript) {
  Hash h(HashAlg::sha384);
  h.update(as_bytes("ab"));
  h.update(as_bytes("c"));
  EXPECT_EQ(to_hex(h.current().span()), kSha384Abc);
}

TEST(Hash, CopiesAreIndependent) {
  Hash h(HashAlg::sha256);
  h.update(as_bytes("ab"));
  Hash copy(h);
  copy.update(as_bytes("c"));
  h.update(as_bytes("x"));
  EXPECT_EQ(to_hex(copy.current().span()), kSha256Abc);
  EXPECT_EQ(to_hex(h.current().span()), to_hex(hash(HashAlg::sha256, as_bytes("abx")).span()));

  Hash assigned(HashAlg::sha384);
  assigned = copy;
  EXPECT_EQ(assigned.alg(), HashAlg::sha256);
  EXPECT_EQ(to_hex(assigned.current().span()), kSha256Abc);
}

TEST(Hash, Moves) {
  Hash h(HashAlg::sha256);
  h.update(as_bytes("abc"));
  Hash moved(std::move(h));
  EXPECT_EQ(to_hex(moved.current().span()), kSha256Abc);
  Hash target(HashAlg::sha384);
  target = std::move(moved);
  EXPECT_EQ(to_hex(target.current().span()), kSha256Abc);
}

}  // namespace
}  // namespace adieu::crypto
