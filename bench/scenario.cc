#include "tls_pair.h"

namespace adieu::bench {

const char* chain_name(Chain chain) {
  return chain == Chain::ecdsa ? "ecdsa" : "rsa";
}

const char* version_label(uint16_t version) {
  return version == kTls12 ? "TLS 1.2" : version == kTls13 ? "TLS 1.3" : "TLS ?";
}

const char* resumption_name(Resumption resumption) {
  switch (resumption) {
    case Resumption::none:
      return "full";
    case Resumption::stateless:
      return "stateless";
    case Resumption::stateful:
      return "stateful";
  }
  return "?";
}

CertFiles cert_files(const std::string& data_dir, Chain chain) {
  const std::string prefix = data_dir + "/" + chain_name(chain);
  return CertFiles{prefix + "-leaf.pem", prefix + "-leaf.key", prefix + "-chain.pem",
                   prefix + "-root.pem"};
}

}  // namespace adieu::bench
