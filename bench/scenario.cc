#include "tls_pair.h"

namespace adieu::bench {

const char* chain_name(Chain chain) {
  return chain == Chain::ecdsa ? "ecdsa" : "rsa";
}

CertFiles cert_files(const std::string& data_dir, Chain chain) {
  const std::string prefix = data_dir + "/" + chain_name(chain);
  return CertFiles{prefix + "-leaf.pem", prefix + "-leaf.key", prefix + "-chain.pem",
                   prefix + "-root.pem"};
}

}  // namespace adieu::bench
