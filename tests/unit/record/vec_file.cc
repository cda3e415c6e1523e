#include "unit/record/vec_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "unit/crypto/hex.h"

namespace adieu::test {

namespace {

std::string trim(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const size_t last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

std::optional<VecFile> VecFile::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str());
}

std::optional<VecFile> VecFile::parse(const std::string& text) {
  VecFile file;
  Section* current = nullptr;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.front() == '[') {
      if (line.back() != ']') return std::nullopt;
      current = &file.sections_[line.substr(1, line.size() - 2)];
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string::npos || current == nullptr) return std::nullopt;
    (*current)[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return file;
}

const VecFile::Section* VecFile::section(const std::string& name) const {
  const auto it = sections_.find(name);
  return it == sections_.end() ? nullptr : &it->second;
}

std::vector<std::string> VecFile::section_names() const {
  std::vector<std::string> names;
  for (const auto& [name, entries] : sections_) names.push_back(name);
  return names;
}

std::vector<uint8_t> vec_bytes(const VecFile::Section& section, const std::string& key) {
  const auto it = section.find(key);
  if (it == section.end()) {
    ADD_FAILURE() << "missing test vector " << key;
    return {};
  }
  // from_hex skips blanks (the file has a stray one in a value) and stops at
  // anything else: every other character must have been a digit.
  std::vector<uint8_t> bytes = from_hex(it->second);
  const size_t blanks = static_cast<size_t>(std::count(it->second.begin(), it->second.end(), ' '));
  if (bytes.size() * 2 + blanks != it->second.size()) {
    ADD_FAILURE() << "test vector " << key << " is not hex";
  }
  return bytes;
}

}  // namespace adieu::test
