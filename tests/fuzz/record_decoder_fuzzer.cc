// fuzz-link: adieu_record
// fuzz-requires: src/engine/record/record.cc
//
// RecordDecoder::decode on arbitrary bytes, plaintext or with keys installed.
// Input: byte 0 picks the mode (bit 0: encrypted; bits 1-2: cipher suite).
//  - plaintext: the rest is fed to the decoder as wire bytes;
//  - encrypted: the rest is a list of chunks, flag(1) length(2) bytes: with
//    flag bit 0 the bytes are a TLSInnerPlaintext that the fuzzer seals into
//    a valid record under the same keys (so the decoder's handling of inner
//    types and padding is reached); otherwise they are appended raw.
// Every record the decoder returns must lie inside its input (unprotected) or
// be the content appended at the end of the plaintext buffer (protected; one
// buffer for the whole input, so records accumulate in it) and respect the
// size limits; the input is never modified; nothing is appended to the
// plaintext buffer on any other outcome, and what it held is kept; a sealed
// inner plaintext that is unambiguously valid must come back as exactly its
// content and type.
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "crypto/cipher_suite.h"
#include "crypto/secret.h"
#include "engine/record/record.h"

namespace {

using adieu::Error;
using adieu::record::ContentType;
using adieu::record::kHeaderSize;
using adieu::record::kMaxPlaintext;
using adieu::record::Record;
using adieu::record::RecordBuffer;
using adieu::record::RecordDecoder;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

constexpr adieu::crypto::CipherSuite kSuites[] = {
    adieu::crypto::CipherSuite::aes_128_gcm_sha256,
    adieu::crypto::CipherSuite::aes_256_gcm_sha384,
    adieu::crypto::CipherSuite::chacha20_poly1305_sha256,
};

adieu::crypto::Secret fixed_secret(adieu::crypto::CipherSuite suite) {
  std::vector<uint8_t> bytes(suite == adieu::crypto::CipherSuite::aes_256_gcm_sha384 ? 48 : 32);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0xa0 + i);
  return adieu::crypto::Secret(bytes);
}

// What a sealed chunk decodes to (RFC 8446 section 5.4): the last non-zero
// byte of the inner plaintext is the type, the bytes before it the content.
struct Expected {
  size_t offset = 0;     // where its record starts in the wire buffer
  bool all_zero = true;  // no type byte: must be rejected
  ContentType type{};
  std::vector<uint8_t> content;
  bool must_accept = false;  // handshake or application_data well within limits
};

Expected expect(size_t offset, const uint8_t* inner, size_t n) {
  Expected e;
  e.offset = offset;
  size_t end = n;
  while (end > 0 && inner[end - 1] == 0) --end;
  if (end == 0) return e;
  e.all_zero = false;
  e.type = static_cast<ContentType>(inner[end - 1]);
  e.content.assign(inner, inner + end - 1);
  e.must_accept = n <= kMaxPlaintext && (e.type == ContentType::application_data ||
                                         (e.type == ContentType::handshake && end > 1));
  return e;
}

void append_sealed(adieu::record::Tls13Protection& sealer, const uint8_t* p, size_t n,
                   std::vector<uint8_t>& wire) {
  constexpr size_t kTag = adieu::crypto::kAeadTagSize;
  size_t len = n + kTag;
  uint8_t header[kHeaderSize] = {23, 3, 3, static_cast<uint8_t>(len >> 8),
                                 static_cast<uint8_t>(len)};
  std::vector<uint8_t> body(p, p + n);
  std::array<uint8_t, kTag> tag{};
  uint64_t seq = 0;
  if (!sealer.next_sequence(seq) || !sealer.aead().seal(seq, header, body, tag)) {
    fail("sealing failed");
  }
  wire.insert(wire.end(), header, header + kHeaderSize);
  wire.insert(wire.end(), body.begin(), body.end());
  wire.insert(wire.end(), tag.begin(), tag.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool encrypted = data[0] & 1;
  const auto suite = kSuites[((data[0] >> 1) & 3) % 3];
  ++data;
  --size;

  RecordDecoder decoder;
  std::vector<uint8_t> wire;
  std::vector<Expected> expected;
  if (!encrypted) {
    wire.assign(data, data + size);
  } else {
    static const adieu::crypto::Secret secret_sha256 =
        fixed_secret(adieu::crypto::CipherSuite::aes_128_gcm_sha256);
    static const adieu::crypto::Secret secret_sha384 =
        fixed_secret(adieu::crypto::CipherSuite::aes_256_gcm_sha384);
    const adieu::crypto::Secret& secret =
        suite == adieu::crypto::CipherSuite::aes_256_gcm_sha384 ? secret_sha384 : secret_sha256;
    adieu::record::Tls13Protection sealer;
    if (!decoder.keys().install_tls13(suite, secret) || !sealer.install(suite, secret)) {
      fail("key installation failed");
    }
    bool only_sealed = true;  // sequence numbers agree while no raw chunk came first
    size_t pos = 0;
    while (pos < size) {
      if (size - pos < 3) {
        wire.insert(wire.end(), data + pos, data + size);
        break;
      }
      uint8_t flag = data[pos];
      size_t n = std::min<size_t>(size_t{data[pos + 1]} << 8 | data[pos + 2], size - pos - 3);
      const uint8_t* chunk = data + pos + 3;
      pos += 3 + n;
      if (flag & 1) {
        n = std::min(n, 0xffff - adieu::crypto::kAeadTagSize);  // the record length is a u16
        if (only_sealed) expected.push_back(expect(wire.size(), chunk, n));
        append_sealed(sealer, chunk, n, wire);
      } else {
        wire.insert(wire.end(), chunk, chunk + n);
        only_sealed = false;
      }
    }
  }

  RecordBuffer plaintext;
  std::vector<uint8_t> opened;  // what `plaintext` must hold: every protected fragment so far
  size_t pos = 0;
  size_t next_expected = 0;
  while (pos < wire.size()) {
    std::span<const uint8_t> input(wire.data() + pos, wire.size() - pos);
    size_t header_len = input.size() >= kHeaderSize ? (size_t{input[3]} << 8 | input[4]) : 0;
    const Expected* want = nullptr;
    if (next_expected < expected.size() && expected[next_expected].offset == pos) {
      want = &expected[next_expected++];
    }
    // The record as it was on the wire, to check decode leaves it so.
    std::vector<uint8_t> raw(input.begin(), input.end());

    size_t consumed = 0;
    Record rec;
    Error error = Error::none;
    const size_t plaintext_before = plaintext.size();
    RecordDecoder::Status status = decoder.decode(input, plaintext, consumed, rec, error);
    if (!std::equal(input.begin(), input.end(), raw.begin(), raw.end())) {
      fail("decode modified its input");
    }
    const bool opened_one = status == RecordDecoder::Status::record && rec.was_encrypted;
    if (!opened_one && plaintext.size() != plaintext_before) {
      fail("plaintext buffer changed size without a protected record");
    }
    if (opened_one && plaintext.size() != plaintext_before + rec.fragment.size()) {
      fail("plaintext buffer did not grow by exactly the fragment");
    }
    if (plaintext.size() < opened.size() ||
        !std::equal(opened.begin(), opened.end(), plaintext.data())) {
      fail("plaintext buffer lost what it held");
    }
    if (status == RecordDecoder::Status::need_more) {
      if (input.size() >= kHeaderSize && input.size() >= kHeaderSize + header_len) {
        fail("need_more with a whole record available");
      }
      break;
    }
    if (status == RecordDecoder::Status::error) {
      if (error == Error::none) fail("error status without an error");
      if (want && want->must_accept) fail("a valid sealed record was rejected");
      break;
    }
    if (consumed < kHeaderSize || consumed > input.size()) fail("consumed out of range");
    if (consumed != kHeaderSize + header_len) fail("consumed is not the record's size");
    if (rec.fragment.size() > kMaxPlaintext) fail("fragment over 2^14");
    if (rec.was_encrypted) {
      if (!rec.fragment.empty() && rec.fragment.data() != plaintext.data() + plaintext_before) {
        fail("protected fragment is not the end of the plaintext buffer");
      }
      opened.insert(opened.end(), rec.fragment.begin(), rec.fragment.end());
    } else if (!rec.fragment.empty() &&
               (rec.fragment.data() < input.data() + kHeaderSize ||
                rec.fragment.data() + rec.fragment.size() > input.data() + consumed)) {
      fail("fragment outside its record");
    }
    if (rec.type == ContentType::invalid) fail("record of type invalid");
    if (!encrypted) {
      if (rec.was_encrypted || static_cast<uint8_t>(rec.type) != raw[0] ||
          rec.fragment.size() != header_len ||
          !std::equal(rec.fragment.begin(), rec.fragment.end(), raw.begin() + kHeaderSize)) {
        fail("plaintext record differs from its bytes");
      }
    } else if (want) {
      if (want->all_zero) fail("an all-zero inner plaintext was accepted");
      if (rec.type != want->type || !rec.was_encrypted ||
          !std::equal(rec.fragment.begin(), rec.fragment.end(), want->content.begin(),
                      want->content.end())) {
        fail("sealed record decoded to other content");
      }
    }
    pos += consumed;
  }
  return 0;
}
