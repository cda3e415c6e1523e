#include "unit/record/vec_file.h"

#include <gtest/gtest.h>

namespace adieu::test {
namespace {

TEST(VecFile, ParsesSectionsKeysAndComments) {
  const auto file = VecFile::parse(
      "[One]\n"
      "A = 0102\n"
      "# a comment\n"
      "\n"
      "B=ff \r\n"
      "[Two]\n"
      "A = 03\n");
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->section_names(), (std::vector<std::string>{"One", "Two"}));
  const VecFile::Section* one = file->section("One");
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(vec_bytes(*one, "A"), (std::vector<uint8_t>{1, 2}));
  EXPECT_EQ(vec_bytes(*one, "B"), (std::vector<uint8_t>{0xff}));
  EXPECT_EQ(vec_bytes(*file->section("Two"), "A"), (std::vector<uint8_t>{3}));
  EXPECT_EQ(file->section("Three"), nullptr);
}

TEST(VecFile, RejectsMalformedLines) {
  EXPECT_FALSE(VecFile::parse("A = 01\n").has_value());           // no section yet
  EXPECT_FALSE(VecFile::parse("[S]\njust words\n").has_value());  // no '='
  EXPECT_FALSE(VecFile::parse("[S\nA = 01\n").has_value());       // unclosed header
  EXPECT_FALSE(VecFile::load("/nonexistent/file.vec").has_value());
}

}  // namespace
}  // namespace adieu::test
