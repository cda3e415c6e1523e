#include "bench.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "figures.h"
#include "stats.h"

namespace adieu::bench {
namespace {

using Factories = std::array<std::unique_ptr<PairFactory>, 2>;
template <typename Round>
using Runs = std::array<std::vector<Round>, 2>;

constexpr const char* kLibraryNames[2] = {"adieu", "openssl"};

// Handshakes and idle connections offer the same three suites in the same
// order on both libraries (OpenSSL's default would prefer AES-256-GCM).
constexpr const char* kHandshakeSuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

struct SuiteNames {
  const char* iana;
  const char* label;
  const char* key;
};
constexpr SuiteNames kSuites[] = {
    {"TLS_AES_128_GCM_SHA256", "AES-128-GCM", "aes128gcm"},
    {"TLS_AES_256_GCM_SHA384", "AES-256-GCM", "aes256gcm"},
    {"TLS_CHACHA20_POLY1305_SHA256", "ChaCha20-Poly1305", "chacha20poly1305"},
};
constexpr size_t kWriteSizes[] = {16384, 1024};

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
// is measured no further (its figures become "-").
template <typename Round, size_t N, typename Measure>
std::array<std::vector<Round>, N> alternate(const std::array<PairFactory*, N>& factories,
                                            const std::array<const char*, N>& names, int rounds,
                                            Measure measure, const std::string& what,
                                            std::vector<std::string>* notes, bool* failed) {
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
  }
  return runs;
}

// The two libraries, alternating.
template <typename Round, typename Measure>
Runs<Round> alternate(Factories& factories, int rounds, Measure measure, const std::string& what,
                      std::vector<std::string>* notes, bool* failed) {
  return alternate<Round, 2>(std::array<PairFactory*, 2>{factories[0].get(), factories[1].get()},
                             std::array<const char*, 2>{kLibraryNames[0], kLibraryNames[1]}, rounds,
                             measure, what, notes, failed);
}

template <typename Round>
std::optional<double> median_of(const std::vector<Round>& rounds, double Round::*field,
                                double scale = 1) {
  if (rounds.empty()) return std::nullopt;
  std::vector<double> values;
  for (const Round& round : rounds) values.push_back(round.*field * scale);
  return median(values);
}

template <typename Round>
Row row(std::string name, std::string label, std::string unit, const Runs<Round>& runs,
        double Round::*field, double scale, std::optional<double> limit, bool higher_is_better) {
  Row r{std::move(name),
        std::move(label),
        std::move(unit),
        median_of(runs[0], field, scale),
        median_of(runs[1], field, scale),
        limit,
        higher_is_better,
        false};
  return r;
}

// "client 3648 (3500 libcrypto + 148 C++)"
std::string split(double total, double libcrypto, const char* side) {
  char text[96];
  std::snprintf(text, sizeof text, "%s %.0f (%.0f in libcrypto + %.0f C++)", side, total, libcrypto,
                total - libcrypto);
  return text;
}

Row shared_row(std::string name, std::string label, std::string unit, double value) {
  Row r;
  r.name = std::move(name);
  r.label = std::move(label);
  r.unit = std::move(unit);
  r.adieu = r.openssl = value;
  r.shared = true;
  return r;
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

void Bench::measure_limits() {
  const bool all = options_.wants("limits");
  if (all || options_.wants("handshake") || options_.wants("resumption")) {
    for (Chain chain : {Chain::ecdsa, Chain::rsa}) {
      std::string error;
      auto& costs = primitives_[static_cast<size_t>(chain)];
      costs = measure_primitives(cert_files(options_.data_dir, chain),
                                 options_.primitive_iterations, options_.rounds, &error);
      if (!costs) {
        failed_ = true;
        std::fprintf(stderr, "adieu-bench: %s primitives: %s\n", chain_name(chain), error.c_str());
      }
    }
  }
  if (all || options_.wants("bulk")) {
    for (const SuiteNames& suite : kSuites) {
      for (size_t write_size : kWriteSizes) {
        size_t records = std::max<size_t>(16, options_.bulk_bytes / write_size);
        auto ceiling = measure_aead(suite.iana, write_size, records, options_.rounds);
        if (!ceiling) {
          failed_ = true;
          std::fprintf(stderr, "adieu-bench: raw AEAD %s failed\n", suite.label);
          continue;
        }
        aead_limits_.push_back(AeadLimit{suite.iana, write_size, *ceiling});
      }
    }
  }
}

Section Bench::handshake_section(Chain chain, Resumption resumption) {
  Section section;
  const bool resumed = resumption != Resumption::none;
  if (resumed) {
    section.title = std::string("Resumed handshakes, ") +
                    (resumption == Resumption::stateless
                         ? "stateless tickets (session state sealed in the ticket)"
                         : "stateful tickets (the ticket is an id into the server's cache)") +
                    ", psk_dhe_ke with x25519; each ticket used once";
  } else {
    section.title = std::string("Full handshakes, ") +
                    (chain == Chain::ecdsa ? "ECDSA P-256" : "RSA-2048") +
                    " chain (root -> intermediate -> leaf; the client verifies chain and hostname)";
  }
  Scenario scenario{chain, kHandshakeSuites, false, resumption};
  Factories factories = this->factories(scenario, &section.notes);
  auto runs = alternate<HandshakeRound>(
      factories, options_.rounds,
      [&](PairFactory& factory, std::string* error) {
        return measure_handshakes(factory, options_.handshakes, error);
      },
      "handshake", &section.notes, &failed_);

  const std::string key = resumed ? std::string("hs_resumed_") + resumption_name(resumption)
                                  : std::string("hs_") + chain_name(chain);
  const auto& costs = primitives_[static_cast<size_t>(chain)];
  std::optional<double> client_limit, server_limit, both_limit;
  if (costs) {
    // A resumed handshake's only public-key work is the x25519 exchange.
    const double exchange_ns = costs->keygen_ns + costs->agreement_ns;
    const double client_ns = resumed ? exchange_ns : costs->client_ns();
    const double server_ns = resumed ? exchange_ns : costs->server_ns();
    client_limit = 1e9 / client_ns;
    server_limit = 1e9 / server_ns;
    both_limit = 1e9 / (client_ns + server_ns);
  }
  section.rows.push_back(row(key + "_client_per_s", "client side", "hs/s", runs,
                             &HandshakeRound::client_per_s, 1, client_limit, true));
  section.rows.push_back(row(key + "_server_per_s", "server side", "hs/s", runs,
                             &HandshakeRound::server_per_s, 1, server_limit, true));
  section.rows.push_back(row(key + "_both_per_s", "both ends on one core", "hs/s", runs,
                             &HandshakeRound::both_per_s, 1, both_limit, true));
  section.rows.push_back(row(key + "_client_allocs", "client allocations per handshake", "allocs",
                             runs, &HandshakeRound::client_allocations, 1, std::nullopt, false));
  section.rows.push_back(row(key + "_server_allocs", "server allocations per handshake", "allocs",
                             runs, &HandshakeRound::server_allocations, 1, std::nullopt, false));
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

Section Bench::bulk_section() {
  Section section;
  section.title =
      "Bulk throughput, client -> server on an established connection (MB/s = 10^6 plaintext "
      "bytes/s)";
  std::vector<Row> zero_copy_rows;
  for (const SuiteNames& suite : kSuites) {
    Scenario scenario{Chain::ecdsa, suite.iana, false};
    Factories factories = this->factories(scenario, &section.notes);
    // adieu's zero-copy API, measured in the same rounds: OpenSSL has no
    // such API, so its figures on those rows are its only ones.
    scenario.zero_copy = true;
    std::unique_ptr<PairFactory> zero_copy;
    if (libraries_[0]) zero_copy = std::move(this->factories(scenario, &section.notes)[0]);
    for (size_t write_size : kWriteSizes) {
      auto runs = alternate<BulkRound, 3>(
          {factories[0].get(), factories[1].get(), zero_copy.get()},
          {kLibraryNames[0], kLibraryNames[1], "adieu zero-copy"}, options_.rounds,
          [&](PairFactory& factory, std::string* error) {
            return measure_bulk(factory, write_size, options_.bulk_bytes, error);
          },
          std::string("bulk ") + suite.label + " " + size_label(write_size), &section.notes,
          &failed_);
      std::optional<double> seal_limit, open_limit, both_limit;
      for (const AeadLimit& limit : aead_limits_) {
        if (limit.suite != suite.iana || limit.write_size != write_size) continue;
        const double bytes = static_cast<double>(write_size) * 1e3;  // bytes/ns -> MB/s
        seal_limit = bytes / limit.ceiling.seal_ns;
        open_limit = bytes / limit.ceiling.open_ns;
        both_limit = bytes / (limit.ceiling.seal_ns + limit.ceiling.open_ns);
      }
      auto add_rows = [&](std::vector<Row>& rows, const Runs<BulkRound>& pair_runs,
                          const std::string& key, const std::string& label) {
        rows.push_back(row(key + "_encrypt_MBps", label + ", encrypt side", "MB/s", pair_runs,
                           &BulkRound::encrypt_bytes_per_s, 1e-6, seal_limit, true));
        rows.push_back(row(key + "_decrypt_MBps", label + ", decrypt side", "MB/s", pair_runs,
                           &BulkRound::decrypt_bytes_per_s, 1e-6, open_limit, true));
        rows.push_back(row(key + "_both_MBps", label + ", both on one core", "MB/s", pair_runs,
                           &BulkRound::both_bytes_per_s, 1e-6, both_limit, true));
      };
      const std::string key = std::string("bulk_") + suite.key + "_" + size_key(write_size);
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
      "limits: raw EVP seal (encrypt), open (decrypt) and seal+open (both) of the same records");
  section.notes.push_back(
      "zero-copy rows: adieu through write_into() (records sealed straight into the transport's "
      "queue) and readable()/consume_readable() (plaintext used where it was decrypted), against "
      "OpenSSL's SSL_write/SSL_read, which has no such API");
  for (const AeadLimit& limit : aead_limits_) {
    if (limit.suite != kSuites[0].iana) continue;
    char text[200];
    std::snprintf(text, sizeof text,
                  "with a copying API (write, then the transport's copy of each record, as "
                  "both libraries make) %s encrypt is bounded at %.0f%% of raw seal",
                  size_label(limit.write_size),
                  100 * limit.ceiling.seal_ns / limit.ceiling.seal_and_copy_ns);
    section.notes.push_back(std::string("AES-128-GCM: ") + text);
  }
  return section;
}

Section Bench::idle_section() {
  Section section;
  section.title =
      "Idle connections (heap held once the handshake is done and drained), close, "
      "teardown";
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
    section.rows.push_back(row(key + "_client_bytes", label + ", client side", "bytes", runs,
                               &IdleRound::client_bytes, 1, std::nullopt, false));
    section.rows.push_back(row(key + "_server_bytes", label + ", server side", "bytes", runs,
                               &IdleRound::server_bytes, 1, std::nullopt, false));

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
                                 label + ", client, openssl RELEASE_BUFFERS", "bytes", released,
                                 &IdleRound::client_bytes, 1, std::nullopt, false));
      section.rows.push_back(row(key + "_server_bytes_release_buffers",
                                 label + ", server, openssl RELEASE_BUFFERS", "bytes", released,
                                 &IdleRound::server_bytes, 1, std::nullopt, false));
    }
    if (chain == Chain::ecdsa) {
      close_rows.push_back(row("close_us", "bidirectional close_notify, both ends", "us", runs,
                               &IdleRound::close_ns, 1e-3, std::nullopt, false));
      close_rows.push_back(row("teardown_us", "freeing both ends", "us", runs,
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
  return section;
}

Section Bench::limits_section() const {
  Section section;
  section.title = "Limits: libcrypto alone, the same for both libraries";
  for (Chain chain : {Chain::ecdsa, Chain::rsa}) {
    const auto& costs = primitives_[static_cast<size_t>(chain)];
    if (!costs) continue;
    const std::string key = std::string("limit_") + chain_name(chain);
    const std::string label = chain_label(chain);
    const char* signature = chain == Chain::ecdsa ? "ECDSA P-256" : "RSA-2048 PSS";
    section.rows.push_back(shared_row(key + "_x25519_keygen_us", label + ": x25519 key generation",
                                      "us", costs->keygen_ns / 1e3));
    section.rows.push_back(shared_row(key + "_x25519_agreement_us",
                                      label + ": x25519 key agreement", "us",
                                      costs->agreement_ns / 1e3));
    section.rows.push_back(shared_row(key + "_sign_us",
                                      label + ": CertificateVerify sign (" + signature + ")", "us",
                                      costs->sign_ns / 1e3));
    section.rows.push_back(shared_row(key + "_verify_cv_us", label + ": CertificateVerify verify",
                                      "us", costs->verify_certificate_verify_ns / 1e3));
    section.rows.push_back(shared_row(key + "_verify_leaf_us", label + ": leaf signature verify",
                                      "us", costs->verify_leaf_ns / 1e3));
    section.rows.push_back(shared_row(key + "_verify_intermediate_us",
                                      label + ": intermediate signature verify", "us",
                                      costs->verify_intermediate_ns / 1e3));
    section.rows.push_back(shared_row(key + "_client_per_s", label + ": handshake limit, client",
                                      "hs/s", 1e9 / costs->client_ns()));
    section.rows.push_back(shared_row(key + "_server_per_s", label + ": handshake limit, server",
                                      "hs/s", 1e9 / costs->server_ns()));
  }
  for (const AeadLimit& limit : aead_limits_) {
    const char* label = "?";
    const char* key = "?";
    for (const SuiteNames& suite : kSuites) {
      if (limit.suite == suite.iana) {
        label = suite.label;
        key = suite.key;
      }
    }
    const double bytes = static_cast<double>(limit.write_size) * 1e3;
    const std::string name = std::string("limit_aead_") + key + "_" + size_key(limit.write_size);
    const std::string text = std::string(label) + " " + size_label(limit.write_size) + " records";
    section.rows.push_back(
        shared_row(name + "_seal_MBps", text + ", seal", "MB/s", bytes / limit.ceiling.seal_ns));
    section.rows.push_back(
        shared_row(name + "_open_MBps", text + ", open", "MB/s", bytes / limit.ceiling.open_ns));
    section.rows.push_back(shared_row(name + "_copy_MBps", text + ", copy to the transport", "MB/s",
                                      bytes / limit.ceiling.copy_ns()));
  }
  return section;
}

std::vector<Section> Bench::run() {
  std::vector<Section> sections;
  measure_limits();
  if (options_.wants("handshake")) {
    sections.push_back(handshake_section(Chain::ecdsa, Resumption::none));
    sections.push_back(handshake_section(Chain::rsa, Resumption::none));
  }
  if (options_.wants("resumption")) {
    sections.push_back(handshake_section(Chain::ecdsa, Resumption::stateless));
    sections.push_back(handshake_section(Chain::ecdsa, Resumption::stateful));
  }
  if (options_.wants("bulk")) sections.push_back(bulk_section());
  if (options_.wants("idle")) sections.push_back(idle_section());
  Section limits = limits_section();
  if (!limits.rows.empty()) sections.push_back(std::move(limits));
  return sections;
}

}  // namespace adieu::bench
