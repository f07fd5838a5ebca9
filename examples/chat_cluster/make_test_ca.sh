#!/bin/sh
# make_test_ca.sh DIR [NODE...]: a throwaway certificate authority for the
# chat cluster's TLS node links (docs/cluster.md), made with the openssl
# command. Writes DIR/ca.pem (give it to every node as --tls-ca) and, for
# each NODE (default: "node"), DIR/NODE.pem and DIR/NODE.key signed by it.
# For tests and trying things out only: the CA key sits next to the
# certificates, unprotected, and everything expires after 30 days.
set -eu
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  echo "usage: $0 DIR [NODE...]" >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "error: needs the openssl command (apt install openssl)" >&2; exit 1; }
dir=$1
shift
[ $# -gt 0 ] || set -- node
mkdir -p "$dir"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$dir/ca.key" -out "$dir/ca.pem" -days 30 -subj "/CN=actors chat test CA" 2>/dev/null
for node in "$@"; do
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$dir/$node.key" -out "$dir/$node.csr" -subj "/CN=$node" 2>/dev/null
  openssl x509 -req -in "$dir/$node.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
    -CAcreateserial -out "$dir/$node.pem" -days 30 2>/dev/null
  rm -f "$dir/$node.csr"
done
rm -f "$dir/ca.srl"
echo "wrote $dir/ca.pem and a certificate and key for: $*"
