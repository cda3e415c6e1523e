#!/usr/bin/env python3
"""Markdown tables of docs/performance.md from an adieu-bench --tsv file.

    build/release/bench/adieu-bench --rounds=15 --tsv=docs/performance-figures.tsv
    scripts/performance_tables.py docs/performance-figures.tsv [--version=1.3|1.2]

Prints, for the version asked (TLS 1.3 by default), the tables of handshake
rates, allocations per handshake, bulk MB/s, idle connections and close (TLS
1.3 only), and the limits, in the page's format: each library's median with
its spread (half the range of the rounds, relative to the median), the
adieu/OpenSSL ratio (the median of the round-by-round ratios) with its range,
and each library's fraction of the limit. The columns of the file are
described in bench/data_file.h.
"""

import argparse
import sys

# The sections of a version, as adieu-bench names their groups, and how the
# page names their rows.
HANDSHAKE_GROUPS = {
    "1.3": [
        ("ECDSA full handshake", "hs_ecdsa", "ECDSA chain, full"),
        ("RSA full handshake", "hs_rsa", "RSA chain, full"),
        ("resumed, stateless", "hs_resumed_stateless", "resumed, stateless ticket"),
        ("resumed, stateful", "hs_resumed_stateful", "resumed, stateful ticket"),
    ],
    "1.2": [
        ("TLS 1.2 ECDSA full handshake", "tls12_hs_ecdsa", "ECDHE-ECDSA, full"),
        ("TLS 1.2 RSA full handshake", "tls12_hs_rsa", "ECDHE-RSA, full"),
        ("TLS 1.2 resumed, stateless", "tls12_hs_resumed_stateless", "resumed, RFC 5077 ticket"),
        ("TLS 1.2 resumed, stateful", "tls12_hs_resumed_stateful", "resumed, session id"),
    ],
}
SUITES = [("aes128gcm", "AES-128-GCM"), ("aes256gcm", "AES-256-GCM"),
          ("chacha20poly1305", "ChaCha20-Poly1305")]
SIZES = [("16k", "16 KiB"), ("1k", "1 KiB")]


def read(path):
    rows = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or line.startswith("group\t"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 12:
                continue
            group, name, label, unit, better, who, value, lo, hi, rounds, of_limit, status = cols[:12]
            rows.setdefault(name, {"group": group, "label": label, "unit": unit})[who] = {
                "value": float(value), "min": float(lo), "max": float(hi),
                "rounds": int(rounds), "of_limit": of_limit, "status": status}
    return rows


def number(v):
    magnitude = abs(v)
    if magnitude >= 100:
        return f"{v:,.0f}"
    if magnitude >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def spread(figure):
    if figure["rounds"] == 1:
        return "(once)"
    middle = figure["value"]
    s = 0 if middle == 0 else (figure["max"] - figure["min"]) / 2 / abs(middle) * 100
    if s < 0.05:
        return "±0%"
    return f"±{s:.0f}%" if s >= 1 else f"±{s:.1f}%"


def cell(figure):
    if figure is None or not figure["status"].startswith("ok"):
        return "-"
    return f"{number(figure['value'])} {spread(figure)}"


def ratio_cell(ratio, with_range=True):
    if ratio is None or ratio["status"] != "ok":
        return "-"
    text = f"{ratio['value']:.2f}x"
    if with_range and ratio["rounds"] > 1:
        text += f" ({ratio['min']:.2f}–{ratio['max']:.2f})"
    return text


def limit_cell(figure):
    if figure is None or figure["of_limit"] in ("", "nan"):
        return ""
    return f"{float(figure['of_limit']) * 100:.0f}%"


def table(header, lines, left=1):
    """`left`: how many columns, from the first, are text (left-aligned)."""
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if i < left else "---:" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out)


def comparison(rows, items, with_limit, with_range=True):
    lines = []
    for name, label in items:
        row = rows.get(name)
        if row is None:
            continue
        line = [label, cell(row.get("adieu")), cell(row.get("openssl")),
                ratio_cell(row.get("ratio"), with_range)]
        if with_limit:
            line += [limit_cell(row.get("adieu")), limit_cell(row.get("openssl"))]
        lines.append(line)
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tsv")
    parser.add_argument("--version", choices=["1.3", "1.2"], default="1.3")
    args = parser.parse_args()
    rows = read(args.tsv)
    v = args.version
    prefix = "tls12_" if v == "1.2" else ""

    rates, allocs = [], []
    for _, key, label in HANDSHAKE_GROUPS[v]:
        for side, text in (("client", "client"), ("server", "server"), ("both", "both ends")):
            rates.append((f"{key}_{side}_per_s", f"{label}: {text}"))
        for side in ("client", "server"):
            allocs.append((f"{key}_{side}_allocs", f"{label}: {side}"))
    print(f"### TLS {v} handshakes per second\n")
    print(table(["handshakes/s", "adieu", "OpenSSL", "adieu / OpenSSL", "adieu, of limit",
                 "OpenSSL, of limit"], comparison(rows, rates, True)))
    print(f"\n### TLS {v} allocations per handshake\n")
    print(table(["allocations per handshake", "adieu", "OpenSSL", "adieu / OpenSSL"],
                comparison(rows, allocs, False, with_range=False)))

    bulk = []
    for zero_copy in ("", "_zerocopy"):
        for suite, suite_label in SUITES:
            for size, size_label in SIZES:
                for way in ("encrypt", "decrypt"):
                    label = f"{suite_label}, {size_label}{', zero-copy' if zero_copy else ''}: {way}"
                    bulk.append((f"{prefix}bulk_{suite}_{size}{zero_copy}_{way}_MBps", label))
    print(f"\n### TLS {v} bulk MB/s\n")
    print(table(["MB/s", "adieu", "OpenSSL", "adieu / OpenSSL", "adieu, of limit",
                 "OpenSSL, of limit"], comparison(rows, bulk, True)))

    if v == "1.3":
        idle = []
        for chain, chain_label in (("ecdsa", "ECDSA"), ("rsa", "RSA")):
            for side in ("client", "server"):
                idle.append((f"idle_{chain}_{side}_bytes", f"{chain_label}: {side}"))
        for side in ("client", "server"):
            idle.append((f"idle_ecdsa_{side}_bytes_release_buffers",
                         f"ECDSA: {side}, libssl with `SSL_MODE_RELEASE_BUFFERS`"))
        print("\n### Idle connections\n")
        print(table(["bytes held per idle connection", "adieu", "OpenSSL", "adieu / OpenSSL"],
                    comparison(rows, idle, False, with_range=False)))
        close = [("close_us", "bidirectional close_notify, both ends"),
                 ("teardown_us", "freeing both ends")]
        print()
        print(table(["µs per connection", "adieu", "OpenSSL", "adieu / OpenSSL"],
                    comparison(rows, close, False)))

    limits = []
    for name, row in rows.items():
        is_version = name.startswith("limit_tls12_") if v == "1.2" else not name.startswith(
            "limit_tls12_")
        if not name.startswith("limit_") or not is_version or "libcrypto" not in row:
            continue
        figure = row["libcrypto"]
        if not figure["status"].startswith("ok"):
            continue
        unit = "µs" if row["unit"] == "us" else row["unit"]
        limits.append([row["label"], unit, number(figure["value"]),
                       f"{number(figure['min'])}–{number(figure['max'])}"])
    print(f"\n### TLS {v} limits: libcrypto alone\n")
    print(table(["libcrypto alone", "unit", "best round", "range over the rounds"], limits, 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
