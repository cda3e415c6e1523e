// Runs the sections of the benchmark for both libraries and collects their
// figures as report Sections.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "ceilings.h"
#include "options.h"
#include "report.h"
#include "tls_pair.h"

namespace adieu::bench {

class Bench {
 public:
  // libraries[0] is adieu, libraries[1] OpenSSL; either may be null (--lib).
  Bench(const Options& options, std::array<std::unique_ptr<Library>, 2> libraries);

  std::vector<Section> run();
  // True if any measurement failed (the figures it would have given are "-").
  bool failed() const { return failed_; }

 private:
  using Factories = std::array<std::unique_ptr<PairFactory>, 2>;

  Factories factories(const Scenario& scenario, std::vector<std::string>* notes);
  // One more round of libcrypto's limits, appended to `costs` / `aead` (and to
  // what the limits section shows). False, with a note, when libcrypto failed.
  bool primitives_round(Chain chain, uint16_t version, PrimitiveCosts* costs,
                        std::vector<std::string>* notes);
  bool aead_round(uint16_t version, const std::string& suite, size_t write_size, AeadCeiling* aead,
                  std::vector<std::string>* notes);
  // The versions --version asks for, TLS 1.3 first.
  std::vector<uint16_t> versions() const;
  // The limits no section measured beside its figures (--only=limits).
  void measure_missing_limits();
  // Full handshakes with `chain`, or resumed ones (ECDSA server), in `version`.
  Section handshake_section(Chain chain, Resumption resumption, uint16_t version);
  // TLS 1.2 resumed handshakes: measured when adieu resumes a TLS 1.2
  // session (one pair hands its session to the next, which resumes it);
  // until then a section that says so, with no figure.
  Section tls12_resumption_section(Resumption resumption);
  bool adieu_resumes_tls12(Resumption resumption);
  Section bulk_section(uint16_t version);
  Section idle_section();
  // adieu's QUIC client and server in memory (quic_pair.h): adieu alone, with
  // its TLS 1.3 figures of this run (`earlier`) in the notes for scale.
  Section quic_section(const std::vector<Section>& earlier);
  // adieu's QUIC client against ngtcp2's, over loopback (quic_loopback.h).
  Section quic_loopback_section();
  Section limits_section() const;

  const Options& options_;
  std::array<std::unique_ptr<Library>, 2> libraries_;
  // By version (TLS 1.3, TLS 1.2), then Chain: every round measured.
  std::array<std::array<PrimitiveCosts, 2>, 2> primitives_;
  struct AeadLimit {
    uint16_t version;
    std::string suite;
    size_t write_size;
    AeadCeiling ceiling;
  };
  std::vector<AeadLimit> aead_limits_;
  bool failed_ = false;
};

}  // namespace adieu::bench
