// A reader for .vec test-vector files (Botan's format, used by
// tests/data/rfc8448/transcripts.vec): "[Section]" headers, "Key = value"
// lines, "#" comments and blank lines.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace adieu::test {

class VecFile {
 public:
  using Section = std::map<std::string, std::string>;

  // Parses the file at `path`; nullopt if it cannot be read or a line is
  // neither a header, a comment nor "Key = value".
  static std::optional<VecFile> load(const std::string& path);
  static std::optional<VecFile> parse(const std::string& text);

  // The section's entries, or null when there is no such section.
  const Section* section(const std::string& name) const;
  std::vector<std::string> section_names() const;

 private:
  std::map<std::string, Section> sections_;
};

// The value of `key` decoded from hex; empty (and a test failure) when the
// key is missing.
std::vector<uint8_t> vec_bytes(const VecFile::Section& section, const std::string& key);

}  // namespace adieu::test
