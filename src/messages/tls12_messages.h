// TLS 1.2 handshake message codecs (RFC 5246 section 7.4) for the ECDHE key
// exchange, the only one adieu's TLS 1.2 speaks: the messages TLS 1.3 does not
// have, and the TLS 1.2 forms of Certificate, CertificateRequest and
// NewSessionTicket. The conventions are messages.h's: parse() reads a message
// body (without the 4-byte handshake header) and returns Error::none or the
// error whose alert must be sent; serialize() appends the whole message,
// header included.
//
// TLS 1.2's CertificateVerify and Finished are messages.h's CertificateVerify
// (a DigitallySigned has the same bytes as TLS 1.3's scheme + signature) and
// Finished (any non-empty verify_data; TLS 1.2's is kTls12VerifyDataSize).
// ClientHello and ServerHello carry the TLS 1.2 extensions (messages.h).
#pragma once

#include <adieu/error.h>

#include <array>
#include <cstdint>
#include <vector>

#include "messages/handshake_types.h"
#include "messages/messages.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace adieu::messages {

// ClientCertificateType values of a TLS 1.2 CertificateRequest (RFC 5246
// section 7.4.4, RFC 8422 section 5.5).
constexpr uint8_t kClientCertRsaSign = 1;
constexpr uint8_t kClientCertEcdsaSign = 64;

// HelloRequest (RFC 5246 section 7.4.1.1): an empty body.
struct HelloRequest {
  Error parse(Bytes body);  // decode_error unless empty
  void serialize(wire::Writer& out) const;
};

// ServerKeyExchange for ECDHE (RFC 8422 section 5.4, RFC 5246 section 7.4.3):
//   ServerECDHParams { ECCurveType curve_type = named_curve(3);
//                      NamedCurve namedcurve; opaque point<1..2^8-1>; }
//   DigitallySigned { SignatureAndHashAlgorithm algorithm;
//                     opaque signature<0..2^16-1>; }
// A curve_type other than named_curve is an illegal_parameter (explicit
// curves are deprecated by RFC 8422 section 5.4; OpenSSL sends the same).
struct ServerKeyExchange {
  uint16_t named_curve = 0;  // the NamedGroup (x25519 is 0x001d)
  ByteVec point;             // the server's ephemeral public key
  uint16_t scheme = 0;       // SignatureAndHashAlgorithm, as a SignatureScheme
  ByteVec signature;

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;

  // ServerECDHParams exactly as on the wire: its encoding has one form, so
  // these are the bytes that were parsed (the body's first params_size()).
  void write_params(wire::Writer& out) const;
  ByteVec params() const;
  size_t params_size() const { return 1 + 2 + 1 + point.size(); }
  // What the signature covers: client_random + server_random + params
  // (RFC 8422 section 5.4, RFC 5246 section 7.4.3).
  ByteVec signed_content(const std::array<uint8_t, 32>& client_random,
                         const std::array<uint8_t, 32>& server_random) const;
};

// ServerHelloDone (RFC 5246 section 7.4.5): an empty body.
struct ServerHelloDone {
  Error parse(Bytes body);  // decode_error unless empty
  void serialize(wire::Writer& out) const;
};

// ClientKeyExchange for ECDHE (RFC 8422 section 5.7):
// ClientECDiffieHellmanPublic { opaque ecdh_Yc<1..2^8-1>; } (the explicit
// form; the implicit one belongs to fixed-ECDH client certificates, which
// adieu does not do).
struct ClientKeyExchange {
  ByteVec point;  // ecdh_Yc: the client's ephemeral public key

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

// TLS 1.2 CertificateRequest (RFC 5246 section 7.4.4):
//   ClientCertificateType certificate_types<1..2^8-1>;
//   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
//   DistinguishedName certificate_authorities<0..2^16-1>;
//   opaque DistinguishedName<1..2^16-1>;
struct Tls12CertificateRequest {
  ByteVec certificate_types;                     // kClientCertEcdsaSign...
  std::vector<uint16_t> signature_algorithms;    // non-empty
  std::vector<ByteVec> certificate_authorities;  // DER names, may be empty

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

// TLS 1.2 Certificate (RFC 5246 section 7.4.2):
//   opaque ASN.1Cert<1..2^24-1>; ASN.1Cert certificate_list<0..2^24-1>;
// An empty list is a client without a certificate (section 7.4.6).
struct Tls12Certificate {
  std::vector<ByteVec> certificate_list;  // DER, the sender's first

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

// TLS 1.2 NewSessionTicket (RFC 5077 section 3.3):
//   uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>;
// An empty ticket is allowed: a server that announced a ticket and then
// decided against it sends one (section 3.3).
struct Tls12NewSessionTicket {
  uint32_t ticket_lifetime_hint = 0;  // seconds; 0 is "unspecified"
  ByteVec ticket;

  Error parse(Bytes body);
  void serialize(wire::Writer& out) const;
};

}  // namespace adieu::messages
