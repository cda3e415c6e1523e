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
  bool primitives_round(Chain chain, PrimitiveCosts* costs, std::vector<std::string>* notes);
  bool aead_round(const std::string& suite, size_t write_size, AeadCeiling* aead,
                  std::vector<std::string>* notes);
  // The limits no section measured beside its figures (--only=limits).
  void measure_missing_limits();
  // Full handshakes with `chain`, or resumed ones (ECDSA server).
  Section handshake_section(Chain chain, Resumption resumption);
  Section bulk_section();
  Section idle_section();
  Section limits_section() const;

  const Options& options_;
  std::array<std::unique_ptr<Library>, 2> libraries_;
  std::array<PrimitiveCosts, 2> primitives_;  // by Chain: every round measured
  struct AeadLimit {
    std::string suite;
    size_t write_size;
    AeadCeiling ceiling;
  };
  std::vector<AeadLimit> aead_limits_;
  bool failed_ = false;
};

}  // namespace adieu::bench
