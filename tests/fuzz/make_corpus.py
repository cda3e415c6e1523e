#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/ from RFC 8448's traces.

Run by hand when a fuzzer is added or its input format changes:
    python3 tests/fuzz/make_corpus.py [path/to/rfc8448/transcripts.vec] [--engine-build DIR]
With --engine-build (a build with the fuzzers, e.g. build/fuzz), the
engine_tls12_client/server seeds are written too: TLS 1.2 flights that those
fuzzers record between two engines and replay (see tls12_flights.h).
The seeds are committed; run_fuzzers.sh copies them before fuzzing so the
committed corpora never grow.
"""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = sys.argv[1:]
ENGINE_BUILD = None
if "--engine-build" in ARGS:
    at = ARGS.index("--engine-build")
    ENGINE_BUILD = ARGS[at + 1]
    del ARGS[at:at + 2]
TRACES = (ARGS[0] if ARGS else
          os.path.join(HERE, "..", "data", "rfc8448", "transcripts.vec"))


def load_traces(path):
    sections, current = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith("["):
            current = sections.setdefault(line[1:-1], {})
        elif "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            try:
                current[key.strip()] = bytes.fromhex("".join(value.split()))
            except ValueError:  # CurrentTimestamp is decimal
                pass
    return sections


def body(message):
    """A handshake message without its 4-byte header."""
    assert int.from_bytes(message[1:4], "big") == len(message) - 4
    return message[4:]


def chunk(flag, data):
    """A chunk of record_decoder_fuzzer's encrypted mode."""
    return bytes([flag]) + struct.pack(">H", len(data)) + data


def extension(client_hello_body, wanted):
    """The extension_data of extension `wanted` in a ClientHello body."""
    at = 2 + 32
    at += 1 + client_hello_body[at]                                   # legacy_session_id
    at += 2 + int.from_bytes(client_hello_body[at:at + 2], "big")     # cipher_suites
    at += 1 + client_hello_body[at]                                   # legacy_compression_methods
    end = at + 2 + int.from_bytes(client_hello_body[at:at + 2], "big")
    at += 2
    while at < end:
        ext_type = int.from_bytes(client_hello_body[at:at + 2], "big")
        size = int.from_bytes(client_hello_body[at + 2:at + 4], "big")
        if ext_type == wanted:
            return client_hello_body[at + 4:at + 4 + size]
        at += 4 + size
    raise KeyError(wanted)


def offered_psks(identities, binders):
    """OfferedPsks (RFC 8446 section 4.2.11): [(identity, age)], [binder]."""
    ids = b"".join(struct.pack(">H", len(i)) + i + struct.pack(">I", age) for i, age in identities)
    bs = b"".join(bytes([len(b)]) + b for b in binders)
    return struct.pack(">H", len(ids)) + ids + struct.pack(">H", len(bs)) + bs


def vec(width, data):
    """A vector with a `width`-byte length prefix."""
    return len(data).to_bytes(width, "big") + data


def ext(ext_type, data):
    """One Extension: type, extension_data<0..2^16-1>."""
    return struct.pack(">H", ext_type) + vec(2, data)


def tls12_hello_extensions():
    """The TLS 1.2 extensions that ClientHello and ServerHello parse into fields."""
    return (ext(0x0017, b"")                      # extended_master_secret (RFC 7627)
            + ext(0xff01, vec(1, b""))            # renegotiation_info (RFC 5746)
            + ext(0x000b, vec(1, b"\x00"))        # ec_point_formats (RFC 8422)
            + ext(0x0001, b"\x02")                # max_fragment_length (RFC 6066)
            + ext(0x001c, struct.pack(">H", 16385)))  # record_size_limit (RFC 8449)


def write(name, seeds):
    folder = os.path.join(HERE, "corpus", name)
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        os.remove(os.path.join(folder, old))
    for seed_name, data in seeds.items():
        with open(os.path.join(folder, seed_name), "wb") as f:
            f.write(data)


def main():
    t = load_traces(TRACES)
    short = {
        "Simple_1RTT_Handshake": "simple",
        "Resumed_0RTT_Handshake": "resumed",
        "HelloRetryRequest_Handshake": "hrr",
        "Client_Authentication_Handshake": "client_auth",
        "Middlebox_Compatibility_Mode": "middlebox",
    }

    def per_section(key, transform=body):
        seeds = {}
        for section, name in short.items():
            if key in t[section] and transform(t[section][key]) not in seeds.values():
                seeds[name] = transform(t[section][key])
        return seeds

    record_body = lambda record: body(record[5:])
    write("client_hello", {**per_section("Record_ClientHello_1", record_body),
                           "hrr_second": record_body(t["HelloRetryRequest_Handshake"]["Record_ClientHello_2"])})
    write("server_hello", {**per_section("Message_ServerHello"),
                           "hrr_request": record_body(t["HelloRetryRequest_Handshake"]["Record_HelloRetryRequest"])})
    write("encrypted_extensions", per_section("Message_EncryptedExtensions"))
    write("certificate", per_section("Message_Server_Certificate"))
    write("certificate_request", per_section("Message_CertificateRequest"))
    write("certificate_verify", per_section("Message_Server_CertificateVerify"))
    write("finished", per_section("Message_Server_Finished"))
    ticket = t["Simple_1RTT_Handshake"]["SessionTicket"]
    write("new_session_ticket", {
        "simple": bytes.fromhex("0000001e fad6aac5 02 0000 00b2") + ticket + bytes.fromhex("0008 002a 0004 00000400"),
        "no_extensions": bytes.fromhex("00001c20 01020304 00 0004 aabbccdd 0000"),
    })
    write("key_update", {"not_requested": b"\x00", "requested": b"\x01"})

    # TLS 1.2 messages, hand-built from RFC 5246 section 7.4, RFC 8422 and
    # RFC 5077 (RFC 8448 has no TLS 1.2 trace).
    x25519_point, p256_point = bytes([0x9f] * 32), b"\x04" + bytes([0x61] * 64)
    ecdsa_signature = (bytes.fromhex("3045 0220") + bytes([0x11] * 32) + bytes.fromhex("022100")
                       + bytes([0x22] * 32))
    write("server_key_exchange", {
        "x25519_rsa_pss": b"\x03\x00\x1d" + vec(1, x25519_point) + b"\x08\x04" + vec(2, bytes([0xab] * 256)),
        "p256_ecdsa": b"\x03\x00\x17" + vec(1, p256_point) + b"\x04\x03" + vec(2, ecdsa_signature),
        "empty_signature": b"\x03\x00\x1d" + vec(1, x25519_point) + b"\x08\x04" + vec(2, b""),
        "bad_explicit_prime": b"\x01\x00\x1d" + vec(1, x25519_point) + b"\x08\x04" + vec(2, b""),
    })
    write("client_key_exchange", {"x25519": vec(1, x25519_point), "p256": vec(1, p256_point)})
    write("server_hello_done", {"empty": b""})
    write("hello_request", {"empty": b""})
    # The RFC 8448 server certificate, as a TLS 1.2 certificate_list.
    tls13_cert = body(t["Simple_1RTT_Handshake"]["Message_Server_Certificate"])
    cert = tls13_cert[1 + 3 + 3:1 + 3 + 3 + int.from_bytes(tls13_cert[4:7], "big")]
    write("tls12_certificate", {
        "rfc8448_server": vec(3, vec(3, cert)),
        "two_certificates": vec(3, vec(3, cert) + vec(3, b"\x30\x00")),
        "no_certificate": vec(3, b""),
    })
    write("tls12_certificate_request", {
        "ecdsa_rsa_with_cas": vec(1, b"\x40\x01") + vec(2, bytes.fromhex("0403 0804 0401"))
        + vec(2, vec(2, b"\x30\x00") + vec(2, bytes.fromhex("3003020101"))),
        "no_cas": vec(1, b"\x40") + vec(2, bytes.fromhex("0403")) + vec(2, b""),
    })
    write("tls12_new_session_ticket", {
        "rfc8448_ticket": struct.pack(">I", 7200) + vec(2, t["Simple_1RTT_Handshake"]["SessionTicket"]),
        "empty_ticket": struct.pack(">I", 0) + vec(2, b""),
    })
    tls12_random = bytes(range(32))
    write("tls12_client_hello", {
        **per_section("Record_ClientHello_1", record_body),
        "tls12": b"\x03\x03" + tls12_random + vec(1, b"") + vec(2, bytes.fromhex("c02b c02f cca9 00ff"))
        + vec(1, b"\x00") + vec(2, ext(0x000a, vec(2, bytes.fromhex("001d 0017")))
                               + ext(0x000d, vec(2, bytes.fromhex("0403 0804")))
                               + tls12_hello_extensions() + ext(0x0023, bytes([0x5c] * 40))
                               + ext(0x0005, bytes.fromhex("0100000000"))),
        "tls12_fallback": b"\x03\x03" + tls12_random + vec(1, b"") + vec(2, bytes.fromhex("c02b 5600"))
        + vec(1, b"\x00") + vec(2, ext(0x0023, b"") + ext(0xff01, vec(1, bytes(12)))),
    })
    write("tls12_server_hello", {
        **per_section("Message_ServerHello"),
        "hrr_request": record_body(t["HelloRetryRequest_Handshake"]["Record_HelloRetryRequest"]),
        "tls12": b"\x03\x03" + tls12_random + vec(1, bytes([0x33] * 32)) + b"\xc0\x2b\x00"
        + vec(2, tls12_hello_extensions() + ext(0x0023, b"") + ext(0x0000, b"")),
        "tls12_renegotiation_only": b"\x03\x03" + tls12_random + vec(1, b"") + b"\xc0\x30\x00"
        + vec(2, ext(0xff01, vec(1, bytes(24)))),
        # A TLS 1.3 ServerHello whose TLS 1.2 extensions stay unknown.
        "tls13_with_ems": b"\x03\x03" + tls12_random + vec(1, b"") + b"\x13\x01\x00"
        + vec(2, ext(0x0017, b"") + ext(0x002b, b"\x03\x04")),
    })

    # psk_extension_fuzzer: one extension_data, tried as a ClientHello
    # pre_shared_key, a psk_key_exchange_modes and a ServerHello
    # pre_shared_key.
    resumed_ch = body(t["Resumed_0RTT_Handshake"]["Record_ClientHello_1"][5:])
    b32, b48 = bytes(range(32)), bytes(range(100, 148))
    write("psk_extension", {
        "rfc8448_resumed": extension(resumed_ch, 41),
        "one_psk": offered_psks([(b"ticket-1", 0x01020304)], [b32]),
        "two_psks": offered_psks([(b"ticket-1", 1), (b"\xaa" * 40, 0xffffffff)], [b32, b48]),
        "sha384_binder": offered_psks([(b"external-psk", 0)], [b48]),
        "max_binder": offered_psks([(b"x", 7)], [b"\x5a" * 255]),
        "ke_modes": extension(resumed_ch, 45),
        "ke_modes_both": bytes.fromhex("020100"),
        "selected_identity": bytes.fromhex("0000"),
        "selected_identity_1": bytes.fromhex("0001"),
        # Malformed: more binders than identities, a 31-byte binder (in a list long
        # enough for the list's own minimum), an empty
        # identity, trailing bytes, a truncated binders list.
        "bad_count": offered_psks([(b"ticket-1", 0)], [b32, b32]),
        "bad_short_binder": offered_psks([(b"ticket-1", 0), (b"t", 0)], [b32, b32[:31]]),
        "bad_empty_identity": offered_psks([(b"", 0), (b"t", 0)], [b32, b32]),
        "bad_trailing": offered_psks([(b"ticket-1", 0)], [b32]) + b"\x00",
        "bad_truncated": offered_psks([(b"ticket-1", 0)], [b32])[:-5],
    })

    simple = t["Simple_1RTT_Handshake"]
    ee = simple["Message_EncryptedExtensions"]
    fin = simple["Message_Server_Finished"]
    write("record_decoder", {
        # byte 0: bit 0 encrypted, bits 1-2 cipher suite.
        "plain_client_hello": b"\x00" + simple["Record_ClientHello_1"],
        "plain_server_hello_ccs": b"\x00" + simple["Record_ServerHello"] + bytes.fromhex("140303000101"),
        "plain_alert": b"\x00" + bytes.fromhex("15030300020100"),
        "aes128_flight": b"\x01" + chunk(1, ee + b"\x16") + chunk(1, fin + b"\x16\x00\x00\x00"),
        "aes256_app_data": b"\x03" + chunk(1, b"hello\x17") + chunk(1, b"\x01\x00\x15") + chunk(1, b"\x00" * 4),
        "chacha_ccs_then_record": b"\x05" + chunk(1, fin + b"\x16") + chunk(0, bytes.fromhex("140303000101")),
        "aes128_rfc_ciphertext": b"\x01" + chunk(0, simple["Record_ServerHandshakeMessages"]),
    })

    # engine_pair: a config byte (bits 0-1 the versions: 0 both, 1 TLS 1.2
    # only, 2 the server TLS 1.2 only, 3 the client; bit 2 half-close; bit 3
    # client certificates; bit 4 a server session cache), then (op, arg)
    # pairs: op bit 0 picks the side, (op >> 1) % 12 the action.
    def op(action, server, arg):
        return bytes([(action << 1) | server, arg])
    deliver = lambda server: op(0, server, 0)
    # Four flights: enough for either version, full or resumed, with client
    # certificates and tickets.
    handshake = deliver(0) + deliver(1) + deliver(0) + deliver(1)
    write_into_consume = (op(9, 0, 20) + deliver(1) + op(10, 1, 5) + op(9, 0, 21) + op(10, 1, 0)
                          + deliver(1))
    echo = op(4, 0, 10) + deliver(0) + op(7, 1, 200) + op(4, 1, 12) + deliver(1) + op(7, 0, 200)
    close_exchange = op(5, 0, 0) + deliver(0) + op(7, 1, 0) + op(4, 1, 7) + deliver(1) + op(7, 0, 255)
    resume = op(11, 0, 3)  # close, then a new pair offering the client's session
    key_updates = op(6, 0, 1) + op(6, 1, 0) + op(4, 0, 9) + deliver(0) + deliver(1) + op(7, 1, 100)
    # The KeyUpdate op with arg bit 1: the server asks for the client's
    # certificate after the handshake (the client always offers it); data
    # crosses the exchange.
    post_handshake_auth = (op(6, 1, 2) + op(4, 0, 6) + deliver(1) + deliver(0) + op(7, 1, 100)
                           + op(6, 1, 2) + op(6, 1, 2) + deliver(1) + deliver(0))
    write("engine_pair", {
        "handshake_write_into_consume": b"\x00" + handshake + write_into_consume,
        "tls12_write_into_consume": b"\x01" + handshake + write_into_consume,
        "tls12_echo_close_answer": b"\x01" + handshake + echo + close_exchange,
        "tls12_echo_half_close": b"\x05" + handshake + echo + close_exchange,
        "tls12_key_update": b"\x01" + handshake + key_updates,
        "tls13_key_update": b"\x00" + handshake + key_updates,
        "tls13_post_handshake_auth_certificate": b"\x08" + handshake + post_handshake_auth,
        "tls13_post_handshake_auth_none": b"\x00" + handshake + post_handshake_auth + close_exchange,
        "tls12_post_handshake_auth_refused": b"\x01" + handshake + post_handshake_auth,
        "tls12_server_only": b"\x02" + handshake + echo,
        "tls12_client_only": b"\x03" + handshake + echo,
        "tls12_client_certificate": b"\x09" + handshake + echo + close_exchange,
        # A server that ends without close_notify loses its cached session
        # (UncleanSessionPolicy::remove): the session-id seeds close first.
        "tls12_resume_ticket": b"\x01" + handshake + echo + resume + handshake + echo,
        "tls12_resume_session_id": b"\x11" + handshake + echo + close_exchange + resume + handshake
        + echo,
        "tls12_resume_client_certificate": b"\x19" + handshake + close_exchange + resume + handshake
        + echo,
        "tls13_resume_ticket": b"\x00" + handshake + echo + resume + handshake + echo,
        "tls13_resume_session_cache": b"\x10" + handshake + echo + close_exchange + op(5, 1, 0)
        + deliver(1) + resume + handshake + echo,
        "tls12_flip_record": b"\x01" + handshake + op(4, 0, 30) + op(2, 0, 20) + op(7, 1, 0),
        "tls12_cut_records": b"\x01" + handshake + op(4, 0, 30) + op(4, 0, 5) + op(1, 0, 17)
        + op(1, 0, 29) + op(0, 0, 0) + op(7, 1, 0),
    })

    if ENGINE_BUILD:
        write_engine_seeds(ENGINE_BUILD)


def write_engine_seeds(build):
    """The recorded TLS 1.2 flights of the engine_tls12_* fuzzers: each fuzzer
    records them itself (tls12_flights.h) and checks that they replay."""
    import subprocess
    for name in ("engine_tls12_client", "engine_tls12_server"):
        binary = os.path.join(build, "tests", "fuzz", name + "_fuzzer")
        folder = os.path.join(HERE, "corpus", name)
        os.makedirs(folder, exist_ok=True)
        for old in os.listdir(folder):
            os.remove(os.path.join(folder, old))
        subprocess.run([binary], env={**os.environ, "ADIEU_FUZZ_WRITE_SEEDS": folder}, check=True)


if __name__ == "__main__":
    main()
