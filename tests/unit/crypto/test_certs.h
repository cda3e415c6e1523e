// Loading the committed test certificates and keys (tests/data, see its
// README.md) in the crypto suite.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/signature.h"

namespace adieu::test {

inline std::string data_path(const std::string& name) {
  return std::string(ADIEU_TEST_DATA) + "/" + name;
}

// The certificates of tests/data/<name>; a test failure if they do not load.
inline std::vector<crypto::Certificate> load_certs(const std::string& name) {
  std::string error;
  std::vector<crypto::Certificate> certs =
      crypto::Certificate::from_pem_file(data_path(name), error);
  EXPECT_FALSE(certs.empty()) << error;
  return certs;
}

// The first certificate of tests/data/<name>.
inline crypto::Certificate load_cert(const std::string& name) {
  std::vector<crypto::Certificate> certs = load_certs(name);
  if (certs.empty()) return crypto::Certificate();
  return certs.front();
}

inline std::optional<crypto::PrivateKey> load_key(const std::string& name) {
  std::string error;
  std::optional<crypto::PrivateKey> key = crypto::PrivateKey::from_pem_file(data_path(name), error);
  EXPECT_TRUE(key) << error;
  return key;
}

}  // namespace adieu::test
