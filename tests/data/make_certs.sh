#!/bin/sh
# Regenerates the test certificates and keys in this directory with the
# openssl CLI (OpenSSL 3.0 or later). The outputs are committed, so tests
# never run this; run it only to change or renew the set (see README.md).
#
#   sh tests/data/make_certs.sh            # writes into the script's folder
#   sh tests/data/make_certs.sh OUTDIR     # writes elsewhere
#
# Keys are fresh each run; file names, subjects, extensions and serial
# numbers are fixed. Validity is 36500 days except expired-leaf.
set -eu

out=${1:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$out"
cd "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

DAYS=36500
SANS="DNS:localhost,DNS:adieu.test,IP:127.0.0.1"

# Extension profiles for `openssl req -x509` (roots) and `openssl x509 -req`.
cat >"$work/ext.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SANS

[server_rsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $SANS

[other_name]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:other.test

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[selfsigned]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
subjectAltName = $SANS
EOF

# A minimal `openssl ca` setup, used only for expired-leaf (x509 -req in
# OpenSSL 3.0 cannot set a validity that ended in the past).
mkdir -p "$work/ca/new"
: >"$work/ca/index.txt"
cat >"$work/ca.cnf" <<EOF
[ca]
default_ca = adieu_ca
[adieu_ca]
dir = $work/ca
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
organizationName = optional
commonName = supplied
EOF

# key NAME TYPE: writes NAME.key (PKCS#8 PEM).
key() {
  case $2 in
    p256) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
    p384) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
    rsa) openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    rsa-pss) openssl genpkey -quiet -algorithm RSA-PSS -pkeyopt rsa_keygen_bits:2048 -out "$1.key" ;;
    ed25519) openssl genpkey -quiet -algorithm ED25519 -out "$1.key" ;;
    ed448) openssl genpkey -quiet -algorithm ED448 -out "$1.key" ;;
    p521) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out "$1.key" ;;
  esac
}

# root NAME CN SERIAL: self-signed CA.
root() {
  openssl req -new -x509 -config "$work/ext.cnf" -extensions root -key "$1.key" \
    -subj "/O=adieu tests/CN=$2" -days $DAYS -set_serial "$3" -sha256 -out "$1.pem"
}

# issue NAME CN ISSUER PROFILE SERIAL: NAME.pem signed by ISSUER.pem/.key.
issue() {
  openssl req -new -config "$work/ext.cnf" -key "$1.key" -subj "/O=adieu tests/CN=$2" \
    -out "$work/$1.csr"
  openssl x509 -req -in "$work/$1.csr" -CA "$3.pem" -CAkey "$3.key" -extfile "$work/ext.cnf" \
    -extensions "$4" -days $DAYS -set_serial "$5" -sha256 -out "$1.pem"
}

# ECDSA P-256 hierarchy.
key ecdsa-root p256
root ecdsa-root "adieu ECDSA root" 4096
key ecdsa-intermediate p256
issue ecdsa-intermediate "adieu ECDSA intermediate" ecdsa-root intermediate 4097
key ecdsa-leaf p256
issue ecdsa-leaf localhost ecdsa-intermediate server 4098

# RSA-2048 hierarchy.
key rsa-root rsa
root rsa-root "adieu RSA root" 8192
key rsa-intermediate rsa
issue rsa-intermediate "adieu RSA intermediate" rsa-root intermediate 8193
key rsa-leaf rsa
issue rsa-leaf localhost rsa-intermediate server_rsa 8194
# An RSASSA-PSS key (id-RSASSA-PSS SubjectPublicKeyInfo): rsa_pss_pss_*.
key rsa-pss-leaf rsa-pss
issue rsa-pss-leaf localhost rsa-intermediate server 8195

# Other key types and names under the ECDSA intermediate.
key ed25519-leaf ed25519
issue ed25519-leaf localhost ecdsa-intermediate server 4099
key p384-leaf p384
issue p384-leaf localhost ecdsa-intermediate server 4100
key ed448-leaf ed448
issue ed448-leaf localhost ecdsa-intermediate server 4110
key p521-leaf p521
issue p521-leaf localhost ecdsa-intermediate server 4111
key client-leaf p256
issue client-leaf "adieu client" ecdsa-intermediate client 4101
key other-name-leaf p256
issue other-name-leaf other.test ecdsa-intermediate other_name 4102

key expired-leaf p256
openssl req -new -config "$work/ext.cnf" -key expired-leaf.key -subj "/O=adieu tests/CN=localhost" \
  -out "$work/expired-leaf.csr"
echo 1007 >"$work/ca/serial"
openssl ca -batch -notext -config "$work/ca.cnf" -cert ecdsa-intermediate.pem \
  -keyfile ecdsa-intermediate.key -in "$work/expired-leaf.csr" -extfile "$work/ext.cnf" \
  -extensions server -startdate 20000101000000Z -enddate 20010101000000Z \
  -out expired-leaf.pem 2>/dev/null

# Trusted by nobody.
key selfsigned p256
openssl req -new -x509 -config "$work/ext.cnf" -extensions selfsigned -key selfsigned.key \
  -subj "/O=adieu tests/CN=localhost" -days $DAYS -set_serial 1 -sha256 -out selfsigned.pem

# Chains as a peer sends them (leaf first) and the intermediates alone.
cat ecdsa-intermediate.pem >ecdsa-chain.pem
cat rsa-intermediate.pem >rsa-chain.pem
for leaf in ecdsa p384 p521 ed25519 ed448 client; do
  cat $leaf-leaf.pem ecdsa-intermediate.pem >$leaf-fullchain.pem
done
for leaf in rsa rsa-pss; do
  cat $leaf-leaf.pem rsa-intermediate.pem >$leaf-fullchain.pem
done
cat ecdsa-root.pem rsa-root.pem >ca-bundle.pem

# Sanity: every chain verifies against its root.
for leaf in ecdsa p384 p521 ed25519 ed448 client other-name; do
  openssl verify -CAfile ecdsa-root.pem -untrusted ecdsa-chain.pem $leaf-leaf.pem >/dev/null
done
for leaf in rsa rsa-pss; do
  openssl verify -CAfile rsa-root.pem -untrusted rsa-chain.pem $leaf-leaf.pem >/dev/null
done
echo "certificates written to $out"
