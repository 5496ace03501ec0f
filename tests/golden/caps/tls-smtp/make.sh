#!/bin/bash
# make.sh - the reference SMTP-over-TLS captures (with their key logs) of
# tests/golden: curl (OpenSSL) and msmtp (GnuTLS) send one small message to
# tests/lib/tls_sink.py (aiosmtpd) on 127.0.0.1, STARTTLS or implicit TLS,
# TLS 1.3 and 1.2 with GCM, ChaCha20 and a CBC suite, while dumpcap records
# the loopback traffic.  Both clients write SSLKEYLOGFILE.  Also one capture
# whose secrets are injected into a Decryption Secrets Block (editcap
# --inject-secrets), read without --keylog.  Needs root (a network
# namespace of its own: unshare -n; dumpcap on its lo).
# Run from this directory; rewrites the captures (the golden outputs then
# need `make golden-update`).  Traffic: loopback only.
set -eu
# a loopback of our own (standard ports 587 and 465, nobody else's traffic)
if [ -z "${TLS_SMTP_NETNS:-}" ]; then
	exec env TLS_SMTP_NETNS=1 unshare -n sh -c 'ip link set lo up && exec bash "$0"' "$0"
fi
here=$(cd "$(dirname "$0")" && pwd)
lib=$here/../../../lib
tmp=$(mktemp -d)
trap 'kill $sink 2>/dev/null; rm -rf "$tmp"' EXIT
P=587 S=465
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" -subj /CN=mx.lab.test \
	-addext subjectAltName=DNS:mx.lab.test 2>/dev/null
/usr/bin/python3 "$lib/tls_sink.py" --dir "$tmp/mail" --host 127.0.0.1 --port $P --smtps-port $S \
	--cert "$tmp/cert.pem" --key "$tmp/key.pem" --ready "$tmp/ready" 2>"$tmp/sink.log" &
sink=$!
for _ in $(seq 50); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
printf 'From: a@lab.test\r\nTo: b@lab.test\r\nSubject: over TLS\r\n\r\nHello inside TLS.\r\n' >"$tmp/body"

cap() { # NAME PORT CMD...
	local name=$1 port=$2; shift 2
	rm -f "$here/$name.keys"
	dumpcap -q -i lo -f "tcp port $port" -P -w "$tmp/$name.pcap" 2>/dev/null &
	local dc=$!
	sleep 1
	SSLKEYLOGFILE=$here/$name.keys "$@" <"$tmp/body" >/dev/null 2>&1 || echo "$name: client failed" >&2
	sleep 0.5
	kill -INT $dc; wait $dc || true
	cp "$tmp/$name.pcap" "$here/$name.pcap"
}
curl_() { # PORT SCHEME ARGS...
	local port=$1 scheme=$2; shift 2
	curl -s --resolve mx.lab.test:$port:127.0.0.1 "$scheme://mx.lab.test:$port" \
		--cacert "$tmp/cert.pem" --mail-from a@lab.test --mail-rcpt b@lab.test \
		--upload-file - "$@"
}
msmtp_() { # PORT STARTTLS PRIORITIES
	msmtp --host=127.0.0.1 --port=$1 --tls=on --tls-starttls=$2 --tls-certcheck=off \
		--tls-priorities="$3" --from=a@lab.test --domain=client.lab.test b@lab.test
}
cap curl-starttls-t13-aes128gcm $P curl_ $P smtp --ssl-reqd --tls13-ciphers TLS_AES_128_GCM_SHA256
cap curl-smtps-t13-chacha $S curl_ $S smtps --tls13-ciphers TLS_CHACHA20_POLY1305_SHA256
cap curl-starttls-t12-aes256gcm $P curl_ $P smtp --ssl-reqd --tls-max 1.2 --ciphers ECDHE-ECDSA-AES256-GCM-SHA384
cap curl-starttls-t12-cbc $P curl_ $P smtp --ssl-reqd --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-SHA256
cap msmtp-starttls-t13-aes256gcm $P msmtp_ $P on 'NORMAL:-CIPHER-ALL:+AES-256-GCM'
cap msmtp-smtps-t12-chacha $S msmtp_ $S off 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+CHACHA20-POLY1305'
cap msmtp-starttls-t12-cbc $P msmtp_ $P on 'NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1'
# the same dialogue in plaintext (bench/run.sh compares it with the TLS one)
/usr/bin/python3 "$lib/sink.py" --dir "$tmp/plain" --host 127.0.0.1 --port 25 --ready "$tmp/ready25" \
	2>"$tmp/sink25.log" &
sink25=$!
for _ in $(seq 50); do [ -e "$tmp/ready25" ] && break; sleep 0.1; done
cap curl-plain 25 curl_ 25 smtp
kill $sink25
rm -f "$here/curl-plain.keys"
# secrets inside the capture (pcapng DSB), no key log beside it
editcap --inject-secrets "tls,$here/curl-starttls-t13-aes128gcm.keys" \
	"$here/curl-starttls-t13-aes128gcm.pcap" "$here/dsb-starttls-t13.pcapng"
