// Helpers of the messages_tests suite: hex, the RFC 8448 traces, serialize
// and parse in one call, and the "every proper prefix fails" check.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "messages/compare.h"
#include "messages/messages.h"

namespace adieu::messages {

// Concatenation, to build malformed bodies from pieces.
inline ByteVec operator+(ByteVec a, const ByteVec& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace adieu::messages

namespace adieu::messages::test {

// Hex digits to bytes; whitespace is skipped (the trace file has a stray
// space in one value).
ByteVec hex(std::string_view text);

// The value of `key` in section `[section]` of RFC 8448's transcripts.vec
// (see tests/data/rfc8448/README.md). Fails the test and returns empty
// when absent.
ByteVec rfc8448(const std::string& section, const std::string& key);

// A whole handshake message (header included) minus its 4-byte header,
// checking that the header's length matches.
ByteVec body_of(const ByteVec& message, HandshakeType expected_type);

template <class M>
ByteVec serialize(const M& m) {
  ByteVec out;
  wire::Writer w(out);
  m.serialize(w);
  EXPECT_TRUE(w.ok());
  return out;
}

// serialize -> check header -> parse; returns the parsed copy.
template <class M>
M round_trip(const M& m, HandshakeType type) {
  ByteVec body = body_of(serialize(m), type);
  M parsed;
  EXPECT_EQ(parsed.parse(body), Error::none);
  return parsed;
}

// Error of parsing `body` as an M.
template <class M>
Error parse_error(Bytes body) {
  M m;
  return m.parse(body);
}

// Every proper prefix of `body` must fail to parse (and not crash), except
// the prefix lengths in `allowed`, which must parse.
template <class M>
void expect_every_prefix_fails(const ByteVec& body, const std::set<size_t>& allowed = {}) {
  {
    M whole;
    ASSERT_EQ(whole.parse(body), Error::none) << "the untruncated body must parse";
  }
  for (size_t len = 0; len < body.size(); ++len) {
    // A copy of exactly `len` bytes so that ASan sees any read past the end.
    ByteVec prefix(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(len));
    M m;
    Error e = m.parse(prefix);
    if (allowed.count(len) != 0) {
      EXPECT_EQ(e, Error::none) << "prefix of " << len << " bytes";
    } else {
      EXPECT_NE(e, Error::none) << "prefix of " << len << " of " << body.size() << " bytes";
    }
  }
}

}  // namespace adieu::messages::test

namespace adieu::messages::test {

// The extension types of the extension block that starts at `offset` of a
// message body (offset pointing at the block's 2-byte length), in order.
std::vector<uint16_t> extension_types(const ByteVec& body, size_t offset);

}  // namespace adieu::messages::test
