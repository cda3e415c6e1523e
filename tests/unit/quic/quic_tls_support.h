// Helpers of the TLS-over-QUIC tests: configs with the test certificates,
// and two TlsHandshakes exchanging CRYPTO data in memory, level by level.
#pragma once

#include <gtest/gtest.h>

#include <adieu/config.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "engine/quic/tls_handshake.h"
#include "messages/handshake_types.h"

namespace adieu::quic::test {

inline std::string data_path(const std::string& name) {
  return std::string(ADIEU_TEST_DATA) + "/" + name;
}

inline std::shared_ptr<Config> quic_server_config(std::vector<std::string> alpn = {"h3"}) {
  auto cfg = std::make_shared<Config>(Role::server);
  std::string error;
  EXPECT_TRUE(cfg->add_certificate(data_path("ecdsa-fullchain.pem"), data_path("ecdsa-leaf.key"),
                                   "", &error))
      << error;
  if (!alpn.empty()) {
    EXPECT_TRUE(cfg->set_alpn(alpn, &error)) << error;
  }
  return cfg;
}

inline std::shared_ptr<Config> quic_client_config(std::vector<std::string> alpn = {"h3"}) {
  auto cfg = std::make_shared<Config>(Role::client);
  std::string error;
  EXPECT_TRUE(cfg->load_ca_file(data_path("ca-bundle.pem"), &error)) << error;
  if (!alpn.empty()) {
    EXPECT_TRUE(cfg->set_alpn(alpn, &error)) << error;
  }
  return cfg;
}

inline ConnectionId cid(std::initializer_list<uint8_t> bytes) {
  const std::vector<uint8_t> v(bytes);
  return *ConnectionId::from(v);
}

inline TransportParameters client_parameters() {
  TransportParameters p;
  p.initial_source_connection_id = cid({1, 2, 3, 4});
  p.max_idle_timeout = 30000;
  p.initial_max_data = 1 << 20;
  p.initial_max_stream_data_bidi_local = 1 << 16;
  p.initial_max_streams_bidi = 100;
  return p;
}

inline TransportParameters server_parameters() {
  TransportParameters p;
  p.original_destination_connection_id = cid({9, 9, 9, 9, 9, 9, 9, 9});
  p.initial_source_connection_id = cid({5, 6, 7});
  p.initial_max_data = 1 << 21;
  p.initial_max_streams_uni = 3;
  p.stateless_reset_token =
      std::array<uint8_t, 16>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  return p;
}

inline constexpr std::array<Level, 3> kCryptoLevels = {Level::initial, Level::handshake,
                                                       Level::application};

inline size_t index_of(Level level) {
  return static_cast<size_t>(level);
}

// The message types in a run of whole handshake messages.
inline std::vector<messages::HandshakeType> message_types(const std::vector<uint8_t>& bytes) {
  std::vector<messages::HandshakeType> types;
  size_t pos = 0;
  while (bytes.size() - pos >= 4) {
    types.push_back(static_cast<messages::HandshakeType>(bytes[pos]));
    pos += 4 + ((size_t{bytes[pos + 1]} << 16) | (size_t{bytes[pos + 2]} << 8) | bytes[pos + 3]);
  }
  EXPECT_EQ(pos, bytes.size());
  return types;
}

// One side's CRYPTO data as sent, per level (indexed by Level).
using SentCrypto = std::array<std::vector<uint8_t>, 4>;

// Moves what `from` has to send to `to`, level by level, in chunks of at most
// `chunk` bytes (in order); keeps a copy in `sent`. Returns the first error
// `to` reported.
inline TransportError transfer(TlsHandshake& from, TlsHandshake& to, SentCrypto& sent,
                               size_t chunk = SIZE_MAX) {
  for (Level level : kCryptoLevels) {
    while (!from.pending_crypto(level).empty()) {
      const std::span<const uint8_t> data = from.pending_crypto(level);
      const uint64_t offset = from.pending_crypto_offset(level);
      const size_t n = std::min(chunk, data.size());
      std::vector<uint8_t>& log = sent[index_of(level)];
      log.insert(log.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(n));
      const std::vector<uint8_t> piece(data.begin(), data.begin() + static_cast<ptrdiff_t>(n));
      from.consume_crypto(level, n);
      if (const TransportError err = to.receive_crypto(level, offset, piece);
          err != TransportError::no_error) {
        return err;
      }
    }
  }
  return TransportError::no_error;
}

struct QuicTlsPair {
  QuicTlsPair(std::shared_ptr<const Config> client_cfg = quic_client_config(),
              std::shared_ptr<const Config> server_cfg = quic_server_config())
      : client(TlsHandshake::client(std::move(client_cfg), "localhost", client_parameters())),
        server(TlsHandshake::server(std::move(server_cfg), server_parameters())) {}

  // Exchanges CRYPTO data until neither side has any to send.
  void pump(size_t chunk = SIZE_MAX) {
    for (int round = 0; round < 10; ++round) {
      bool moved = false;
      for (Level level : kCryptoLevels) {
        moved = moved || !client->pending_crypto(level).empty() ||
                !server->pending_crypto(level).empty();
      }
      if (!moved) return;
      transfer(*client, *server, client_sent, chunk);
      transfer(*server, *client, server_sent, chunk);
    }
  }

  std::unique_ptr<TlsHandshake> client;
  std::unique_ptr<TlsHandshake> server;
  SentCrypto client_sent;
  SentCrypto server_sent;
};

}  // namespace adieu::quic::test
