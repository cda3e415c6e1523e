// Reading the PEM files behind PrivateKey and Certificate, with error text
// that names the file. Internal to src/crypto/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace adieu::crypto {

// Reads the whole of `path`; false and `reason` = strerror(errno) on failure.
bool read_whole_file(const std::string& path, std::vector<uint8_t>& out, std::string& reason);

// How error messages name in-memory PEM input ("in <this>").
inline constexpr const char* kPemBufferName = "PEM buffer";

}  // namespace adieu::crypto
