#include "test_util.h"

#include <cctype>
#include <fstream>

namespace adieu::messages::test {

ByteVec hex(std::string_view text) {
  ByteVec out;
  int high = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    int v = std::isdigit(static_cast<unsigned char>(c))
                ? c - '0'
                : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    if (v < 0 || v > 15) {
      ADD_FAILURE() << "not a hex digit: " << c;
      return {};
    }
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  EXPECT_LT(high, 0) << "odd number of hex digits";
  return out;
}

ByteVec rfc8448(const std::string& section, const std::string& key) {
  std::ifstream in(ADIEU_TEST_DATA "/rfc8448/transcripts.vec");
  EXPECT_TRUE(in) << "cannot open " ADIEU_TEST_DATA "/rfc8448/transcripts.vec";
  std::string line;
  std::string current;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '[') {
      current = line.substr(1, line.find(']') - 1);
      continue;
    }
    size_t eq = line.find('=');
    if (current != section || eq == std::string::npos || line[0] == '#') continue;
    std::string name = line.substr(0, eq);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    if (name == key) return hex(std::string_view(line).substr(eq + 1));
  }
  ADD_FAILURE() << "no " << key << " in [" << section << "]";
  return {};
}

ByteVec body_of(const ByteVec& message, HandshakeType expected_type) {
  if (message.size() < kHandshakeHeaderSize) {
    ADD_FAILURE() << "message shorter than its header";
    return {};
  }
  EXPECT_EQ(message[0], static_cast<uint8_t>(expected_type));
  size_t len = size_t{message[1]} << 16 | size_t{message[2]} << 8 | message[3];
  EXPECT_EQ(len, message.size() - kHandshakeHeaderSize) << "header length";
  return ByteVec(message.begin() + kHandshakeHeaderSize, message.end());
}

}  // namespace adieu::messages::test

namespace adieu::messages::test {

std::vector<uint16_t> extension_types(const ByteVec& body, size_t offset) {
  std::vector<uint16_t> types;
  wire::Reader r(Bytes(body).subspan(offset));
  wire::Reader block(r.vec16());
  while (block.ok() && block.remaining() > 0) {
    types.push_back(block.u16());
    block.vec16();
  }
  EXPECT_TRUE(block.done() && r.done()) << "extension block does not end the body";
  return types;
}

}  // namespace adieu::messages::test
