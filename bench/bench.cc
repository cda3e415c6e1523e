#include "bench.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <span>
#include <string>

#include "figures.h"
#include "quic_loopback.h"
#include "quic_pair.h"
#include "stats.h"

namespace adieu::bench {
namespace {

using Factories = std::array<std::unique_ptr<PairFactory>, 2>;
template <typename Round>
using Runs = std::array<std::vector<Round>, 2>;

constexpr const char* kLibraryNames[2] = {"adieu", "openssl"};

// TLS 1.3 handshakes and idle connections offer the same three suites in the
// same order on both libraries (OpenSSL's default would prefer AES-256-GCM).
constexpr const char* kHandshakeSuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// TLS 1.2 handshakes offer one suite, the chain's ECDHE one with AES-128-GCM.
const char* tls12_handshake_suite(Chain chain) {
  return chain == Chain::ecdsa ? "ECDHE-ECDSA-AES128-GCM-SHA256" : "ECDHE-RSA-AES128-GCM-SHA256";
}

struct SuiteNames {
  const char* name;  // TLS 1.3: IANA; TLS 1.2: OpenSSL's
  const char* label;
  const char* key;
};
// Bulk data: each suite alone (TLS 1.2's with the ECDSA chain).
constexpr SuiteNames kSuites[] = {
    {"TLS_AES_128_GCM_SHA256", "AES-128-GCM", "aes128gcm"},
    {"TLS_AES_256_GCM_SHA384", "AES-256-GCM", "aes256gcm"},
    {"TLS_CHACHA20_POLY1305_SHA256", "ChaCha20-Poly1305", "chacha20poly1305"},
};
constexpr SuiteNames kTls12Suites[] = {
    {"ECDHE-ECDSA-AES128-GCM-SHA256", "AES-128-GCM", "aes128gcm"},
    {"ECDHE-ECDSA-AES256-GCM-SHA384", "AES-256-GCM", "aes256gcm"},
    {"ECDHE-ECDSA-CHACHA20-POLY1305", "ChaCha20-Poly1305", "chacha20poly1305"},
};
std::span<const SuiteNames> suites(uint16_t version) {
  if (version == kTls12) return kTls12Suites;
  return kSuites;
}
constexpr size_t kWriteSizes[] = {16384, 1024};

// TLS 1.3 figures keep the names they always had; TLS 1.2's start with
// "tls12_" (scripts) and "TLS 1.2 " (sections and charts).
std::string key_prefix(uint16_t version) {
  return version == kTls12 ? "tls12_" : "";
}
std::string group_prefix(uint16_t version) {
  return version == kTls12 ? "TLS 1.2 " : "";
}
// Where a version's rounds of a limit are kept (Bench::primitives_).
size_t version_index(uint16_t version) {
  return version == kTls12 ? 1 : 0;
}
// What the server signs with its key, per version.
const char* server_signature(uint16_t version) {
  return version == kTls12 ? "ServerKeyExchange" : "CertificateVerify";
}

const char* size_key(size_t write_size) {
  return write_size == 16384 ? "16k" : "1k";
}
const char* size_label(size_t write_size) {
  return write_size == 16384 ? "16 KiB" : "1 KiB";
}
const char* chain_label(Chain chain) {
  return chain == Chain::ecdsa ? "ECDSA" : "RSA";
}

// Runs `measure` round after round, alternating the contenders (the
// libraries, or variants of one), so that a slow moment of the machine falls
// on one round of one contender, not on a figure. A contender that fails once
// is measured no further (its figures become "-"). `after_round` runs at the
// end of each round: libcrypto's limit for the same work, measured beside the
// figures it is compared with rather than at another moment of the machine.
template <typename Round, size_t N, typename Measure>
std::array<std::vector<Round>, N> alternate(const std::array<PairFactory*, N>& factories,
                                            const std::array<const char*, N>& names, int rounds,
                                            Measure measure, const std::string& what,
                                            std::vector<std::string>* notes, bool* failed,
                                            const std::function<void()>& after_round) {
  std::array<std::vector<Round>, N> runs;
  std::array<bool, N> broken{};
  for (int r = 0; r < rounds; ++r) {
    for (size_t i = 0; i < N; ++i) {
      if (factories[i] == nullptr || broken[i]) continue;
      std::string error;
      std::optional<Round> round = measure(*factories[i], &error);
      if (!round) {
        broken[i] = true;
        *failed = true;
        runs[i].clear();
        notes->push_back(std::string(names[i]) + ": " + what + " FAILED: " + error);
        continue;
      }
      runs[i].push_back(*round);
    }
    if (after_round) after_round();
  }
  return runs;
}

// The two libraries, alternating.
template <typename Round, typename Measure>
Runs<Round> alternate(Factories& factories, int rounds, Measure measure, const std::string& what,
                      std::vector<std::string>* notes, bool* failed,
                      const std::function<void()>& after_round = {}) {
  return alternate<Round, 2>(std::array<PairFactory*, 2>{factories[0].get(), factories[1].get()},
                             std::array<const char*, 2>{kLibraryNames[0], kLibraryNames[1]}, rounds,
                             measure, what, notes, failed, after_round);
}

template <typename Round>
std::optional<double> median_of(const std::vector<Round>& rounds, double Round::*field) {
  if (rounds.empty()) return std::nullopt;
  std::vector<double> values;
  for (const Round& round : rounds) values.push_back(round.*field);
  return median(values);
}

// One library's figure: `field` of each round, times `scale` (the row's unit).
template <typename Round>
Figure figure_of(const std::vector<Round>& rounds, double Round::*field, double scale) {
  Figure figure;
  for (const Round& round : rounds) figure.rounds.push_back(round.*field * scale);
  return figure;
}

// libcrypto alone, one value per round: shown by its best round.
Figure ceiling(std::vector<double> rounds) {
  Figure figure;
  figure.rounds = std::move(rounds);
  figure.ceiling = true;
  return figure;
}

template <typename Round>
Row row(std::string name, std::string label, std::string unit, Kind kind, const Runs<Round>& runs,
        double Round::*field, double scale, std::optional<Figure> limit, bool higher_is_better) {
  Row r;
  r.name = std::move(name);
  r.label = std::move(label);
  r.unit = std::move(unit);
  r.kind = kind;
  r.higher_is_better = higher_is_better;
  r.adieu = figure_of(runs[0], field, scale);
  r.openssl = figure_of(runs[1], field, scale);
  r.limit = std::move(limit);
  return r;
}

// "client 3648 (3500 libcrypto + 148 C++)"
std::string split(double total, double libcrypto, const char* side) {
  char text[96];
  std::snprintf(text, sizeof text, "%s %.0f (%.0f in libcrypto + %.0f C++)", side, total, libcrypto,
                total - libcrypto);
  return text;
}

// A limit: libcrypto alone, the same for both libraries.
Row limit_row(std::string name, std::string label, std::string unit, Kind kind,
              std::vector<double> rounds, bool higher_is_better) {
  Row r;
  r.name = std::move(name);
  r.label = std::move(label);
  r.unit = std::move(unit);
  r.kind = kind;
  r.higher_is_better = higher_is_better;
  r.libcrypto = ceiling(std::move(rounds));
  r.is_limit = true;
  return r;
}

// Per second, round by round, from nanoseconds per operation.
std::vector<double> per_second(const std::vector<double>& ns) {
  return each(ns, [](double v) { return 1e9 / v; });
}
// MB/s, round by round, from nanoseconds per `bytes`.
std::vector<double> megabytes_per_second(size_t bytes, const std::vector<double>& ns) {
  return each(ns, [bytes](double v) { return static_cast<double>(bytes) * 1e3 / v; });
}
std::vector<double> microseconds(const std::vector<double>& ns) {
  return each(ns, [](double v) { return v / 1e3; });
}

}  // namespace

Bench::Bench(const Options& options, std::array<std::unique_ptr<Library>, 2> libraries)
    : options_(options), libraries_(std::move(libraries)) {}

std::array<std::unique_ptr<PairFactory>, 2> Bench::factories(const Scenario& scenario,
                                                             std::vector<std::string>* notes) {
  Factories factories;
  const CertFiles files = cert_files(options_.data_dir, scenario.chain);
  for (size_t lib = 0; lib < 2; ++lib) {
    if (!libraries_[lib]) continue;
    std::string error;
    factories[lib] = libraries_[lib]->factory(scenario, files, &error);
    if (!factories[lib]) {
      failed_ = true;
      notes->push_back(std::string(kLibraryNames[lib]) + ": cannot set up: " + error);
    }
  }
  return factories;
}

bool Bench::primitives_round(Chain chain, uint16_t version, PrimitiveCosts* costs,
                             std::vector<std::string>* notes) {
  std::string error;
  auto round = measure_primitives(cert_files(options_.data_dir, chain), version,
                                  options_.primitive_iterations, 1, &error);
  if (!round) {
    failed_ = true;
    notes->push_back(std::string(version_label(version)) + " " + chain_name(chain) +
                     " primitives FAILED: " + error);
    return false;
  }
  costs->append(*round);
  primitives_[version_index(version)][static_cast<size_t>(chain)].append(*round);
  return true;
}

bool Bench::aead_round(uint16_t version, const std::string& suite, size_t write_size,
                       AeadCeiling* aead, std::vector<std::string>* notes) {
  const size_t records = std::max<size_t>(16, options_.bulk_bytes / write_size);
  auto round = measure_aead(suite, write_size, records, 1);
  if (!round) {
    failed_ = true;
    notes->push_back("raw AEAD " + suite + " FAILED");
    return false;
  }
  aead->append(*round);
  for (AeadLimit& limit : aead_limits_) {
    if (limit.suite == suite && limit.write_size == write_size) {
      limit.ceiling.append(*round);
      return true;
    }
  }
  aead_limits_.push_back(AeadLimit{version, suite, write_size, *round});
  return true;
}

std::vector<uint16_t> Bench::versions() const {
  std::vector<uint16_t> versions;
  if (options_.tls13) versions.push_back(kTls13);
  if (options_.tls12) versions.push_back(kTls12);
  return versions;
}

void Bench::measure_missing_limits() {
  std::vector<std::string> notes;
  for (uint16_t version : versions()) {
    for (Chain chain : {Chain::ecdsa, Chain::rsa}) {
      if (!primitives_[version_index(version)][static_cast<size_t>(chain)].keygen_ns.empty()) {
        continue;
      }
      PrimitiveCosts costs;
      for (int r = 0; r < options_.rounds; ++r) {
        if (!primitives_round(chain, version, &costs, &notes)) break;
      }
    }
    bool measured = false;
    for (const AeadLimit& limit : aead_limits_) measured = measured || limit.version == version;
    if (measured) continue;
    for (const SuiteNames& suite : suites(version)) {
      for (size_t write_size : kWriteSizes) {
        AeadCeiling aead;
        for (int r = 0; r < options_.rounds; ++r) {
          if (!aead_round(version, suite.name, write_size, &aead, &notes)) break;
        }
      }
    }
  }
  for (const std::string& note : notes) std::fprintf(stderr, "adieu-bench: %s\n", note.c_str());
}

Section Bench::handshake_section(Chain chain, Resumption resumption, uint16_t version) {
  Section section;
  const bool resumed = resumption != Resumption::none;
  const bool tls12 = version == kTls12;
  const std::string chain_text = chain == Chain::ecdsa ? "ECDSA P-256" : "RSA-2048";
  if (resumed && tls12) {
    section.title = std::string("TLS 1.2 resumed handshakes, ") +
                    (resumption == Resumption::stateless
                         ? "stateless tickets (RFC 5077: the session sealed in the ticket)"
                         : "stateful (the session id looked up in the server's cache)") +
                    ", abbreviated handshake; each client offers the session the previous one kept";
  } else if (resumed) {
    section.title = std::string("TLS 1.3 resumed handshakes, ") +
                    (resumption == Resumption::stateless
                         ? "stateless tickets (session state sealed in the ticket)"
                         : "stateful tickets (the ticket is an id into the server's cache)") +
                    ", psk_dhe_ke with x25519; each ticket used once";
  } else if (tls12) {
    section.title = std::string("TLS 1.2 full handshakes, ") + tls12_handshake_suite(chain) +
                    " with x25519, " + chain_text +
                    " chain (root -> intermediate -> leaf; the client verifies chain and hostname)";
  } else {
    section.title = "TLS 1.3 full handshakes, " + chain_text +
                    " chain (root -> intermediate -> leaf; the client verifies chain and hostname)";
  }
  section.group =
      group_prefix(version) + (resumed ? std::string("resumed, ") + resumption_name(resumption)
                                       : std::string(chain_label(chain)) + " full handshake");
  Scenario scenario{chain, tls12 ? tls12_handshake_suite(chain) : kHandshakeSuites, false,
                    resumption};
  scenario.version = version;
  Factories factories = this->factories(scenario, &section.notes);
  PrimitiveCosts costs;  // this section's rounds of the public-key limit
  bool costs_ok = true;
  auto runs = alternate<HandshakeRound>(
      factories, options_.rounds,
      [&](PairFactory& factory, std::string* error) {
        return measure_handshakes(factory, options_.handshakes, error);
      },
      "handshake", &section.notes, &failed_,
      [&] { costs_ok = costs_ok && primitives_round(chain, version, &costs, &section.notes); });

  const std::string key =
      key_prefix(version) + (resumed ? std::string("hs_resumed_") + resumption_name(resumption)
                                     : std::string("hs_") + chain_name(chain));
  std::optional<Figure> client_limit, server_limit, both_limit;
  // A TLS 1.2 abbreviated handshake makes no public-key operation: no limit.
  if (costs_ok && !(resumed && tls12)) {
    // A resumed handshake's only public-key work is the x25519 exchange.
    const std::vector<double> client_ns = resumed ? costs.exchange_ns() : costs.client_ns();
    const std::vector<double> server_ns = resumed ? costs.exchange_ns() : costs.server_ns();
    client_limit = ceiling(per_second(client_ns));
    server_limit = ceiling(per_second(server_ns));
    both_limit = ceiling(per_second(combine(client_ns, server_ns, std::plus<>())));
  }
  section.rows.push_back(row(key + "_client_per_s", "client side", "hs/s", Kind::event_rate, runs,
                             &HandshakeRound::client_per_s, 1, client_limit, true));
  section.rows.push_back(row(key + "_server_per_s", "server side", "hs/s", Kind::event_rate, runs,
                             &HandshakeRound::server_per_s, 1, server_limit, true));
  section.rows.push_back(row(key + "_both_per_s", "both ends on one core", "hs/s", Kind::event_rate,
                             runs, &HandshakeRound::both_per_s, 1, both_limit, true));
  section.rows.push_back(row(key + "_client_allocs", "client allocations per handshake", "allocs",
                             Kind::amount, runs, &HandshakeRound::client_allocations, 1,
                             std::nullopt, false));
  section.rows.push_back(row(key + "_server_allocs", "server allocations per handshake", "allocs",
                             Kind::amount, runs, &HandshakeRound::server_allocations, 1,
                             std::nullopt, false));
  if (tls12 && !resumed) {
    section.notes.push_back(
        "both servers send one RFC 5077 ticket (their defaults; libssl's server also keeps the "
        "session in its cache, its default), which the client processes inside the handshake");
  }
  for (size_t lib = 0; lib < 2; ++lib) {
    if (runs[lib].empty()) continue;
    section.notes.push_back(std::string(kLibraryNames[lib]) +
                            " negotiated: " + runs[lib].front().negotiated);
    const auto& r = runs[lib];
    section.notes.push_back(
        std::string(kLibraryNames[lib]) + " allocations per handshake: " +
        split(*median_of(r, &HandshakeRound::client_allocations),
              *median_of(r, &HandshakeRound::client_libcrypto_allocations), "client") +
        ", " +
        split(*median_of(r, &HandshakeRound::server_allocations),
              *median_of(r, &HandshakeRound::server_libcrypto_allocations), "server"));
  }
  return section;
}

Section Bench::bulk_section(uint16_t version) {
  Section section;
  section.title = std::string(version_label(version)) +
                  " bulk throughput, client -> server on an established connection (MB/s = "
                  "10^6 plaintext bytes/s)";
  // "bulk" and "TLS 1.2 bulk" (bench/plot_ratios.sh knows both).
  section.group = group_prefix(version) + "bulk";
  std::vector<Row> zero_copy_rows;
  for (const SuiteNames& suite : suites(version)) {
    Scenario scenario{Chain::ecdsa, suite.name, false};
    scenario.version = version;
    Factories factories = this->factories(scenario, &section.notes);
    // adieu's zero-copy API, measured in the same rounds: OpenSSL has no
    // such API, so its figures on those rows are its only ones.
    scenario.zero_copy = true;
    std::unique_ptr<PairFactory> zero_copy;
    if (libraries_[0]) zero_copy = std::move(this->factories(scenario, &section.notes)[0]);
    for (size_t write_size : kWriteSizes) {
      AeadCeiling aead;  // the raw AEAD limit, a round after each round of the pairs
      bool aead_ok = true;
      auto runs = alternate<BulkRound, 3>(
          {factories[0].get(), factories[1].get(), zero_copy.get()},
          {kLibraryNames[0], kLibraryNames[1], "adieu zero-copy"}, options_.rounds,
          [&](PairFactory& factory, std::string* error) {
            return measure_bulk(factory, write_size, options_.bulk_bytes, error);
          },
          std::string("bulk ") + suite.label + " " + size_label(write_size), &section.notes,
          &failed_,
          [&] {
            aead_ok = aead_ok && aead_round(version, suite.name, write_size, &aead, &section.notes);
          });
      std::optional<Figure> seal_limit, open_limit, both_limit;
      if (aead_ok) {
        seal_limit = ceiling(megabytes_per_second(write_size, aead.seal_ns));
        open_limit = ceiling(megabytes_per_second(write_size, aead.open_ns));
        both_limit = ceiling(
            megabytes_per_second(write_size, combine(aead.seal_ns, aead.open_ns, std::plus<>())));
      }
      auto add_rows = [&](std::vector<Row>& rows, const Runs<BulkRound>& pair_runs,
                          const std::string& key, const std::string& label) {
        rows.push_back(row(key + "_encrypt_MBps", label + ", encrypt side", "MB/s", Kind::byte_rate,
                           pair_runs, &BulkRound::encrypt_bytes_per_s, 1e-6, seal_limit, true));
        rows.push_back(row(key + "_decrypt_MBps", label + ", decrypt side", "MB/s", Kind::byte_rate,
                           pair_runs, &BulkRound::decrypt_bytes_per_s, 1e-6, open_limit, true));
        rows.push_back(row(key + "_both_MBps", label + ", both on one core", "MB/s",
                           Kind::byte_rate, pair_runs, &BulkRound::both_bytes_per_s, 1e-6,
                           both_limit, true));
      };
      const std::string key =
          key_prefix(version) + "bulk_" + suite.key + "_" + size_key(write_size);
      const std::string label =
          std::string(suite.label) + ", " + size_label(write_size) + " writes";
      add_rows(section.rows, {runs[0], runs[1]}, key, label);
      if (!zero_copy) continue;
      add_rows(zero_copy_rows, {runs[2], runs[1]}, key + "_zerocopy",
               std::string(suite.label) + ", " + size_label(write_size) + ", zero-copy");
    }
  }
  section.rows.insert(section.rows.end(), zero_copy_rows.begin(), zero_copy_rows.end());
  section.notes.push_back(
      std::string(
          "limits: raw EVP seal (encrypt), open (decrypt) and seal+open (both) of the same ") +
      version_label(version) + " records, a round after each round of the libraries");
  section.notes.push_back(
      "zero-copy rows: adieu through write_into() (records sealed straight into the transport's "
      "queue) and readable()/consume_readable() (plaintext used where it was decrypted), against "
      "OpenSSL's SSL_write/SSL_read, which has no such API");
  return section;
}

Section Bench::idle_section() {
  Section section;
  section.title =
      "TLS 1.3 idle connections (heap held once the handshake is done and drained), close, "
      "teardown";
  section.group = "idle";
  std::vector<Row> close_rows;
  for (Chain chain : {Chain::ecdsa, Chain::rsa}) {
    const Scenario scenario{chain, kHandshakeSuites, false};
    Factories factories = this->factories(scenario, &section.notes);
    const int rounds = chain == Chain::ecdsa ? options_.rounds : 1;
    auto measure = [&](PairFactory& factory, std::string* error) {
      return measure_idle(factory, options_.connections, error);
    };
    auto runs =
        alternate<IdleRound>(factories, rounds, measure, std::string("idle ") + chain_name(chain),
                             &section.notes, &failed_);
    const std::string key = std::string("idle_") + chain_name(chain);
    const std::string label = chain_label(chain);
    section.rows.push_back(row(key + "_client_bytes", label + ", client side", "bytes",
                               Kind::amount, runs, &IdleRound::client_bytes, 1, std::nullopt,
                               false));
    section.rows.push_back(row(key + "_server_bytes", label + ", server side", "bytes",
                               Kind::amount, runs, &IdleRound::server_bytes, 1, std::nullopt,
                               false));

    // OpenSSL's SSL_MODE_RELEASE_BUFFERS (adieu always releases idle buffers,
    // so its figure is the same as above).
    if (libraries_[1]) {
      Scenario release = scenario;
      release.release_buffers = true;
      Factories openssl_only;
      std::string error;
      openssl_only[1] =
          libraries_[1]->factory(release, cert_files(options_.data_dir, chain), &error);
      auto released = alternate<IdleRound>(
          openssl_only, 1, measure, "idle with SSL_MODE_RELEASE_BUFFERS", &section.notes, &failed_);
      released[0] = runs[0];
      section.rows.push_back(row(key + "_client_bytes_release_buffers",
                                 label + ", client, openssl RELEASE_BUFFERS", "bytes", Kind::amount,
                                 released, &IdleRound::client_bytes, 1, std::nullopt, false));
      section.rows.push_back(row(key + "_server_bytes_release_buffers",
                                 label + ", server, openssl RELEASE_BUFFERS", "bytes", Kind::amount,
                                 released, &IdleRound::server_bytes, 1, std::nullopt, false));
    }
    if (chain == Chain::ecdsa) {
      close_rows.push_back(row("close_us", "bidirectional close_notify, both ends", "us",
                               Kind::duration, runs, &IdleRound::close_ns, 1e-3, std::nullopt,
                               false));
      close_rows.push_back(row("teardown_us", "freeing both ends", "us", Kind::duration, runs,
                               &IdleRound::teardown_ns, 1e-3, std::nullopt, false));
    }
    for (size_t lib = 0; lib < 2; ++lib) {
      if (!runs[lib].empty()) {
        const auto& r = runs[lib];
        section.notes.push_back(std::string(kLibraryNames[lib]) + " " + label + " bytes held: " +
                                split(*median_of(r, &IdleRound::client_bytes),
                                      *median_of(r, &IdleRound::client_libcrypto_bytes), "client") +
                                ", " +
                                split(*median_of(r, &IdleRound::server_bytes),
                                      *median_of(r, &IdleRound::server_libcrypto_bytes), "server"));
      }
      for (const IdleRound& round : runs[lib]) {
        if (round.leaked_bytes == 0) continue;
        section.notes.push_back(
            std::string(kLibraryNames[lib]) + ": " + std::to_string(round.leaked_bytes) +
            " bytes still held after freeing every " + chain_name(chain) + " connection");
        break;
      }
    }
  }
  section.rows.insert(section.rows.end(), close_rows.begin(), close_rows.end());
  section.notes.push_back(
      "close and teardown: ECDSA connections, per connection, timed over "
      "the whole batch");
  section.notes.push_back("RSA and RELEASE_BUFFERS rows: one round");
  return section;
}

Section Bench::limits_section() const {
  Section section;
  section.title =
      "Limits: libcrypto alone, the same for both libraries (the best round, and how the rounds "
      "spread)";
  section.group = "limits";
  for (uint16_t version : {kTls13, kTls12}) {
    for (Chain chain : {Chain::ecdsa, Chain::rsa}) {
      const auto& costs = primitives_[version_index(version)][static_cast<size_t>(chain)];
      if (costs.keygen_ns.empty()) continue;
      const std::string key = "limit_" + key_prefix(version) + chain_name(chain);
      const std::string label = group_prefix(version) + chain_label(chain);
      const char* signature = chain == Chain::ecdsa ? "ECDSA P-256" : "RSA-2048 PSS";
      const std::string signed_message = server_signature(version);
      auto cost = [&](const std::string& name, const std::string& what,
                      const std::vector<double>& ns) {
        section.rows.push_back(limit_row(key + "_" + name + "_us", label + ": " + what, "us",
                                         Kind::duration, microseconds(ns), false));
      };
      cost("x25519_keygen", "x25519 key generation", costs.keygen_ns);
      cost("x25519_agreement", "x25519 key agreement", costs.agreement_ns);
      cost("sign", signed_message + " sign (" + signature + ")", costs.sign_ns);
      cost("verify_cv", signed_message + " verify", costs.verify_certificate_verify_ns);
      cost("verify_leaf", "leaf signature verify", costs.verify_leaf_ns);
      cost("verify_intermediate", "intermediate signature verify", costs.verify_intermediate_ns);
      section.rows.push_back(limit_row(key + "_client_per_s", label + ": handshake limit, client",
                                       "hs/s", Kind::event_rate, per_second(costs.client_ns()),
                                       true));
      section.rows.push_back(limit_row(key + "_server_per_s", label + ": handshake limit, server",
                                       "hs/s", Kind::event_rate, per_second(costs.server_ns()),
                                       true));
    }
  }
  for (const AeadLimit& limit : aead_limits_) {
    const char* label = "?";
    const char* key = "?";
    for (const SuiteNames& suite : suites(limit.version)) {
      if (limit.suite == suite.name) {
        label = suite.label;
        key = suite.key;
      }
    }
    const std::string name =
        "limit_" + key_prefix(limit.version) + "aead_" + key + "_" + size_key(limit.write_size);
    const std::string text =
        group_prefix(limit.version) + label + " " + size_label(limit.write_size) + " records";
    auto rate = [&](const std::string& suffix, const std::string& what,
                    const std::vector<double>& ns) {
      section.rows.push_back(limit_row(name + suffix, text + ", " + what, "MB/s", Kind::byte_rate,
                                       megabytes_per_second(limit.write_size, ns), true));
    };
    rate("_seal_MBps", "seal", limit.ceiling.seal_ns);
    rate("_open_MBps", "open", limit.ceiling.open_ns);
    rate("_seal_copy_MBps", "seal, then copy out", limit.ceiling.seal_and_copy_ns);
  }
  return section;
}

namespace {

// adieu's median of the row named `name` in `sections`, if it was shown.
std::optional<double> adieu_median(const std::vector<Section>& sections, const std::string& name) {
  for (const Section& section : sections) {
    for (const Row& row : section.rows) {
      if (row.name == name && row.adieu.measured()) return median(row.adieu.rounds);
    }
  }
  return std::nullopt;
}

}  // namespace

Section Bench::quic_section(const std::vector<Section>& earlier) {
  Section section;
  section.title =
      "QUIC v1 in memory: adieu's client and quic::Server, ECDSA P-256 chain, ALPN h3, one "
      "thread, datagrams through an in-memory queue, simulated clock";
  section.group = "QUIC";
  section.peer = "";  // no QUIC in OpenSSL 3.0's libssl: adieu alone
  if (!libraries_[0]) {
    section.notes.push_back("not measured: --lib=openssl");
    return section;
  }
  std::string error;
  std::unique_ptr<PairFactory> factory =
      make_quic_factory(cert_files(options_.data_dir, Chain::ecdsa), kHandshakeSuites, &error);
  if (!factory) {
    failed_ = true;
    section.notes.push_back("adieu: cannot set up QUIC: " + error);
    return section;
  }
  auto handshakes = alternate<HandshakeRound, 1>(
      {factory.get()}, {"adieu QUIC"}, options_.rounds,
      [&](PairFactory& f, std::string* e) { return measure_handshakes(f, options_.handshakes, e); },
      "QUIC handshake", &section.notes, &failed_, {});
  auto bulk = alternate<BulkRound, 1>({factory.get()}, {"adieu QUIC"}, options_.rounds,
                                      [&](PairFactory& f, std::string* e) {
                                        return measure_bulk(f, 16384, options_.bulk_bytes, e);
                                      },
                                      "QUIC bulk", &section.notes, &failed_, {});
  const Runs<HandshakeRound> hs{handshakes[0], {}};
  const Runs<BulkRound> bk{bulk[0], {}};
  section.rows.push_back(row("quic_hs_ecdsa_client_per_s", "full handshake: client side", "hs/s",
                             Kind::event_rate, hs, &HandshakeRound::client_per_s, 1, std::nullopt,
                             true));
  section.rows.push_back(row("quic_hs_ecdsa_server_per_s", "full handshake: server side", "hs/s",
                             Kind::event_rate, hs, &HandshakeRound::server_per_s, 1, std::nullopt,
                             true));
  section.rows.push_back(row("quic_hs_ecdsa_both_per_s", "full handshake: both ends on one core",
                             "hs/s", Kind::event_rate, hs, &HandshakeRound::both_per_s, 1,
                             std::nullopt, true));
  section.rows.push_back(row("quic_hs_ecdsa_client_allocs", "client allocations per handshake",
                             "allocs", Kind::amount, hs, &HandshakeRound::client_allocations, 1,
                             std::nullopt, false));
  section.rows.push_back(row("quic_hs_ecdsa_server_allocs", "server allocations per handshake",
                             "allocs", Kind::amount, hs, &HandshakeRound::server_allocations, 1,
                             std::nullopt, false));
  section.rows.push_back(
      row("quic_bulk_aes128gcm_encrypt_MBps", "one stream, 16 KiB writes: sender (client) side",
          "MB/s", Kind::byte_rate, bk, &BulkRound::encrypt_bytes_per_s, 1e-6, std::nullopt, true));
  section.rows.push_back(
      row("quic_bulk_aes128gcm_decrypt_MBps", "one stream, 16 KiB writes: receiver (server) side",
          "MB/s", Kind::byte_rate, bk, &BulkRound::decrypt_bytes_per_s, 1e-6, std::nullopt, true));
  section.rows.push_back(row("quic_bulk_aes128gcm_both_MBps",
                             "one stream, 16 KiB writes: both on one core", "MB/s", Kind::byte_rate,
                             bk, &BulkRound::both_bytes_per_s, 1e-6, std::nullopt, true));
  if (!handshakes[0].empty()) {
    section.notes.push_back("adieu negotiated: " + handshakes[0].front().negotiated);
    section.notes.push_back(
        "adieu allocations per handshake: " +
        split(*median_of(handshakes[0], &HandshakeRound::client_allocations),
              *median_of(handshakes[0], &HandshakeRound::client_libcrypto_allocations), "client") +
        ", " +
        split(*median_of(handshakes[0], &HandshakeRound::server_allocations),
              *median_of(handshakes[0], &HandshakeRound::server_libcrypto_allocations), "server"));
  }
  section.notes.push_back(
      "a handshake: creating the client, the server endpoint accepting it, until both have "
      "confirmed the handshake, the client holds the server's ticket and nothing is in flight "
      "(timers still armed, such as a delayed ACK, are not run); the server endpoint is one "
      "quic::Server for all the handshakes, each client with its own address");
  section.notes.push_back(
      "bulk: the client writes 64 KiB batches on one bidirectional stream, the server reads "
      "them (1,200-byte datagrams, the default Settings: flow control, acknowledgements and "
      "NewReno run as over a network with no loss, 50 us of simulated time per pass)");
  const auto tls = [&](const char* name) {
    const std::optional<double> v = adieu_median(earlier, name);
    char text[32];
    std::snprintf(text, sizeof text, "%.0f", v ? *v : 0.0);
    return v ? std::string(text) : std::string("-");
  };
  if (adieu_median(earlier, "hs_ecdsa_client_per_s")) {
    section.notes.push_back(
        "for scale, adieu's TLS 1.3 over its in-memory byte queues in this run (not a "
        "comparison: a different protocol): ECDSA full handshake client " +
        tls("hs_ecdsa_client_per_s") + ", server " + tls("hs_ecdsa_server_per_s") + ", both " +
        tls("hs_ecdsa_both_per_s") + " hs/s; AES-128-GCM 16 KiB writes encrypt " +
        tls("bulk_aes128gcm_16k_encrypt_MBps") + ", decrypt " +
        tls("bulk_aes128gcm_16k_decrypt_MBps") + ", both " + tls("bulk_aes128gcm_16k_both_MBps") +
        " MB/s");
  }
  return section;
}

namespace {

// The downloads' rows, where both contenders have every round.
void add_download_rows(const LoopbackResult& result, size_t bytes, Section* section) {
  const std::string size = std::to_string(bytes >> 20) + " MiB";
  const auto add = [&](const std::vector<DownloadRound>& rounds, const std::string& name,
                       const std::string& label) {
    if (rounds.empty()) return;
    Runs<DownloadRound> runs;
    for (const DownloadRound& round : rounds) {
      runs[0].push_back(round);
      runs[1].push_back(DownloadRound{round.peer_MBps, round.peer_MBps});
    }
    section->rows.push_back(row(name, label, "MB/s", Kind::byte_rate, runs,
                                &DownloadRound::adieu_MBps, 1, std::nullopt, true));
  };
  add(result.from_gtlsserver, "quic_loopback_download_client_MBps",
      "download " + size + " from gtlsserver: adieu-client vs gtlsclient");
  add(result.to_gtlsclient, "quic_loopback_download_server_MBps",
      "gtlsclient downloads " + size + ": from adieu-server vs gtlsserver");
}

}  // namespace

Section Bench::quic_loopback_section() {
  Section section;
  section.title =
      "QUIC v1 over loopback against ngtcp2 + GnuTLS (Debian's gtlsserver serving both; a "
      "client process per connection, one after another; wall time)";
  section.group = "QUIC loopback";
  section.peer = "ngtcp2";
  if (!libraries_[0]) {
    section.notes.push_back("not measured: --lib=openssl");
    return section;
  }
  LoopbackSetup setup;
  setup.data_dir = options_.data_dir;
  setup.tools_dir = options_.tools_dir;
  setup.rounds = options_.rounds;
  setup.connections = options_.loopback_connections;
  setup.download_rounds = options_.quick ? 1 : options_.rounds;
  setup.bulk_bytes = options_.loopback_bytes;
  LoopbackResult result = measure_quic_loopback(setup);
  section.notes = std::move(result.notes);
  if (result.rounds.empty()) {  // the notes say why
    add_download_rows(result, options_.loopback_bytes, &section);
    return section;
  }
  // adieu's figures in the adieu column, gtlsclient's in the peer's.
  Runs<LoopbackRound> runs;
  for (const LoopbackRound& round : result.rounds) {
    LoopbackRound peer = round;
    peer.adieu_per_s = round.peer_per_s;
    peer.adieu_cpu_ms = round.peer_cpu_ms;
    runs[0].push_back(round);
    runs[1].push_back(peer);
  }
  section.rows.push_back(
      row("quic_loopback_hs_client_per_s", "connections per second, client process each", "conn/s",
          Kind::event_rate, runs, &LoopbackRound::adieu_per_s, 1, std::nullopt, true));
  section.rows.push_back(row("quic_loopback_hs_client_cpu_ms",
                             "client process CPU time per connection", "ms", Kind::duration, runs,
                             &LoopbackRound::adieu_cpu_ms, 1, std::nullopt, false));
  char text[160];
  std::snprintf(text, sizeof text,
                "%d connections per round and client; adieu's client without a process per "
                "connection (handshakes from this process): %.0f per second",
                options_.loopback_connections,
                *median_of(result.rounds, &LoopbackRound::adieu_in_process_per_s));
  section.notes.push_back(text);
  section.notes.push_back(
      "adieu: adieu-bench --quic-handshake=PORT, a handshake (ALPN h3, the chain verified) until "
      "HANDSHAKE_DONE, then CONNECTION_CLOSE (H3_NO_ERROR); ngtcp2: gtlsclient "
      "--exit-on-all-streams-close fetching a 6-byte file (it has no mode that ends after the "
      "handshake): one more round trip and its HTTP/3 streams, on its account; it does not "
      "verify the server's certificate");
  section.notes.push_back(
      "both include process start-up (adieu-bench also loads libssl) and the shared "
      "gtlsserver's work; the CPU row is the client process's alone (its rusage)");
  add_download_rows(result, options_.loopback_bytes, &section);
  if (!result.from_gtlsserver.empty() || !result.to_gtlsclient.empty()) {
    section.notes.push_back(
        "downloads: wall time from starting the client process to its exit (start-up "
        "included on both sides), the file checked for its size; adieu-client -quic -get writes "
        "the body to a file as gtlsclient --download does; no loss");
  }
  return section;
}

bool Bench::adieu_resumes_tls12(Resumption resumption) {
  if (!libraries_[0]) return true;  // --lib=openssl: nothing to find out
  Scenario scenario{Chain::ecdsa, tls12_handshake_suite(Chain::ecdsa), false, resumption};
  scenario.version = kTls12;
  std::string error;
  auto factory =
      libraries_[0]->factory(scenario, cert_files(options_.data_dir, Chain::ecdsa), &error);
  if (!factory) return false;
  // The first pair hands its session to the second, which must resume it.
  if (!factory->make_pair()->handshake()) return false;
  auto second = factory->make_pair();
  return second->handshake() && second->resumed();
}

Section Bench::tls12_resumption_section(Resumption resumption) {
  if (adieu_resumes_tls12(resumption)) {
    return handshake_section(Chain::ecdsa, resumption, kTls12);
  }
  // The place of TLS 1.2's resumed handshakes, until adieu's engine resumes
  // TLS 1.2 sessions: a title and why, no figure.
  Section section;
  section.title = std::string("TLS 1.2 resumed handshakes, ") +
                  (resumption == Resumption::stateless ? "stateless tickets (RFC 5077)"
                                                       : "stateful (session id)") +
                  ": not measured";
  section.group = std::string("TLS 1.2 resumed, ") + resumption_name(resumption);
  section.notes.push_back(
      "adieu's engine does not resume TLS 1.2 sessions in this build (its client kept no session "
      "to offer, or its server did not resume it), so there is nothing to set against libssl; "
      "these rows appear once it does");
  return section;
}

std::vector<Section> Bench::run() {
  std::vector<Section> sections;
  if (options_.wants("handshake")) {
    for (uint16_t version : versions()) {
      sections.push_back(handshake_section(Chain::ecdsa, Resumption::none, version));
      sections.push_back(handshake_section(Chain::rsa, Resumption::none, version));
    }
  }
  if (options_.wants("resumption")) {
    if (options_.tls13) {
      sections.push_back(handshake_section(Chain::ecdsa, Resumption::stateless, kTls13));
      sections.push_back(handshake_section(Chain::ecdsa, Resumption::stateful, kTls13));
    }
    if (options_.tls12) {
      sections.push_back(tls12_resumption_section(Resumption::stateless));
      sections.push_back(tls12_resumption_section(Resumption::stateful));
    }
  }
  if (options_.wants("bulk")) {
    for (uint16_t version : versions()) sections.push_back(bulk_section(version));
  }
  // Idle connections, close and teardown: TLS 1.3 only.
  if (options_.wants("idle") && options_.tls13) sections.push_back(idle_section());
  if (options_.wants("quic")) sections.push_back(quic_section(sections));
  if (options_.wants("loopback")) sections.push_back(quic_loopback_section());
  if (options_.wants("limits")) measure_missing_limits();
  Section limits = limits_section();
  if (!limits.rows.empty()) sections.push_back(std::move(limits));
  return sections;
}

}  // namespace adieu::bench
