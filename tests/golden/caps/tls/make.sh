#!/bin/sh
# tests/golden/caps/tls/make.sh - remake the TLS reference captures: one
# openssl s_server / s_client exchange per suite on 127.0.0.1 (loopback
# only), captured with dumpcap, the client's secrets in NAME.keys, and
# tshark's decryption of every record in NAME.tshark (the oracle that
# tests/unit/test_tls_caps.c compares our decryption with).
#
# Needs root (dumpcap on lo), openssl, dumpcap, tshark, python3.  Run it
# from anywhere; it rewrites the files next to it.  Usage: make.sh [NAME...]
# `make.sh --oracle` only re-runs tshark over the committed captures and
# says whether its decryption still equals the committed NAME.tshark files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
oracle() { # NAME: tshark's decryption of NAME.pcap on stdout
	tshark -r "$here/$1.pcap" -o "tls.keylog_file:$here/$1.keys" \
		-d "tcp.port==$(tshark -r "$here/$1.pcap" -c 1 -T fields -e tcp.dstport 2>/dev/null),tls" \
		-x 2>/dev/null | python3 "$here/tshark2oracle.py"
}
if [ "${1:-}" = --oracle ]; then
	rc=0
	for f in "$here"/*.pcap; do
		n=$(basename "$f" .pcap)
		if oracle "$n" | cmp -s - "$here/$n.tshark"; then echo "$n: same"
		else echo "$n: DIFFERENT"; rc=1; fi
	done
	exit $rc
fi
tmp=$(mktemp -d)
trap 'kill $(cat "$tmp"/*.pid 2>/dev/null) 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
port=${TLS_CAP_PORT:-44390}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-subj /CN=tls.test -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null

# NAME  VERSION-OPTION  SUITE-OPTION  EXTRA-CLIENT-OPTIONS
cases='
t12-aes128gcm	-tls1_2	-cipher=ECDHE-ECDSA-AES128-GCM-SHA256	-
t12-aes256gcm	-tls1_2	-cipher=ECDHE-ECDSA-AES256-GCM-SHA384	-
t12-chacha	-tls1_2	-cipher=ECDHE-ECDSA-CHACHA20-POLY1305	-
t12-cbc-sha1	-tls1_2	-cipher=ECDHE-ECDSA-AES128-SHA	-no_etm
t12-cbc-sha1-etm	-tls1_2	-cipher=ECDHE-ECDSA-AES256-SHA	-
t12-cbc-sha256	-tls1_2	-cipher=ECDHE-ECDSA-AES128-SHA256	-no_etm
t12-cbc-sha384-etm	-tls1_2	-cipher=ECDHE-ECDSA-AES256-SHA384	-
t13-aes128gcm	-tls1_3	-ciphersuites=TLS_AES_128_GCM_SHA256	-
t13-aes256gcm	-tls1_3	-ciphersuites=TLS_AES_256_GCM_SHA384	-
t13-chacha	-tls1_3	-ciphersuites=TLS_CHACHA20_POLY1305_SHA256	-
t13-keyupdate	-tls1_3	-ciphersuites=TLS_AES_128_GCM_SHA256	keyupdate
'

one() { # NAME VERSION SUITE EXTRA
	name=$1 ver=$2 suite=$(echo "$3" | tr = ' ') extra=$4
	port=$((port + 1))
	rm -f "$here/$name.pcap" "$here/$name.keys" "$tmp/cap.pcapng"
	dumpcap -q -i lo -f "tcp port $port" -w "$tmp/cap.pcapng" >/dev/null 2>&1 &
	echo $! > "$tmp/dumpcap.pid"
	# shellcheck disable=SC2086
	openssl s_server -quiet -rev -accept "127.0.0.1:$port" -cert "$tmp/cert.pem" \
		-key "$tmp/key.pem" $ver $suite >/dev/null 2>&1 &
	echo $! > "$tmp/server.pid"
	sleep 1.5
	copt=
	[ "$extra" = - ] || [ "$extra" = keyupdate ] || copt=$extra
	{
		printf 'EHLO client.test\r\n'; sleep 0.3
		[ "$extra" = keyupdate ] && { printf 'K\n'; sleep 0.3; }
		printf 'MAIL FROM:<a@tls.test>\r\n'; sleep 0.3
		printf 'QUIT\r\n'; sleep 0.5
	} | openssl s_client -connect "127.0.0.1:$port" -servername tls.test \
		-keylogfile "$here/$name.keys" $ver $suite $copt >/dev/null 2>&1 || true
	sleep 0.5
	kill "$(cat "$tmp/server.pid")" 2>/dev/null || true
	sleep 0.5
	kill -INT "$(cat "$tmp/dumpcap.pid")" 2>/dev/null || true
	wait "$(cat "$tmp/dumpcap.pid")" 2>/dev/null || true
	rm -f "$tmp/server.pid" "$tmp/dumpcap.pid"
	# plain pcap (what the unit test reads), then tshark's decryption
	editcap -F pcap "$tmp/cap.pcapng" "$here/$name.pcap"
	oracle "$name" > "$here/$name.tshark"
	echo "$name: $(wc -l < "$here/$name.tshark") decrypted records"
}

echo "$cases" | while IFS='	' read -r name ver suite extra; do
	[ -n "$name" ] || continue
	if [ $# -gt 0 ]; then
		case " $* " in *" $name "*) ;; *) continue ;; esac
	fi
	one "$name" "$ver" "$suite" "$extra"
done
