#!/bin/bash
# smtptrace send over TLS to aiosmtpd in the lab (tests/lib/tls_sink.py), with
# a certificate made by `openssl req` now: --starttls against a server that
# requires STARTTLS (delivered, certificate verified, EHLO again inside TLS,
# key log written, tshark decrypts the capture with it), the same without
# the CA (exit 18), without --tls-name when connecting by address (exit 18,
# the address is checked), --insecure (goes on, says so), and implicit TLS on
# port 465 (the default there).
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need openssl
lab_up || t_fail "lab_up failed"
d=$LAB_DIR/tls
mkdir -p "$d"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$d/key.pem" -out "$d/cert.pem" -subj /CN=mx.lab.test \
	-addext subjectAltName=DNS:mx.lab.test 2>"$d/openssl.log" ||
	{ t_show "$d/openssl.log"; t_fail "openssl req failed"; }
ip netns exec "$LAB_NS_SERVER" "$PY" "$T_LIB/tls_sink.py" --dir "$d/mail" --host "$LAB_SERVER_IP" \
	--port 25 --smtps-port 465 --cert "$d/cert.pem" --key "$d/key.pem" --ready "$d/ready" \
	2>"$d/log" &
LAB_PIDS+=($!)
lab_wait_file "$d/ready" 15 || { t_show "$d/log"; t_fail "TLS sink did not start"; }
body=$LAB_DIR/body.txt
t_make_body "$body"
tls_send() { # SERVER [ARGS...]
	local srv=$1; shift
	st_send --server "$srv" --from student@lab.test --to ta@lab.test --subject "over TLS" \
		--body-file "$body" --timeout 20 --no-color "$@"
}
expect_out() { grep -qF -- "$1" "$T_OUT" || { t_show "$T_OUT" "$T_ERR"; t_fail "transcript lacks: $1"; }; }

# 1. STARTTLS required and verified; the capture decrypts with the key log
tls_send "$LAB_SERVER_IP" --starttls --cafile "$d/cert.pem" --tls-name mx.lab.test \
	--keylog "$d/keys.txt" -w "$d/starttls.pcapng"
t_expect_rc 0
lab_wait_file "$d/mail/msg-1.eml" 5 || t_fail "no message arrived"
r=$($STJSON body "$d/mail/msg-1.eml" "$body") || t_fail "body: $r"
expect_out ' -> STARTTLS'
expect_out '=== TLS started: TLSv1.3, '
expect_out '=== Certificate: subject CN=mx.lab.test'
expect_out '=== Certificate verified for mx.lab.test'
[ "$(grep -c '^ -> EHLO' "$T_OUT")" = 2 ] || { t_show "$T_OUT"; t_fail "EHLO not sent again inside TLS"; }
grep -q '^CLIENT_HANDSHAKE_TRAFFIC_SECRET ' "$d/keys.txt" || t_fail "no key log lines in $d/keys.txt"
[ "$(stat -c %a "$d/keys.txt")" = 600 ] || t_fail "key log file is not 0600"
if command -v tshark >/dev/null 2>&1; then
	cmds=$(tshark -r "$d/starttls.pcapng" -o "tls.keylog_file:$d/keys.txt" -Y smtp.req \
		-T fields -e smtp.req.command 2>/dev/null | tr '\n' ' ')
	case $cmds in
	"EHLO STAR"*" EHLO MAIL RCPT DATA QUIT "*) ;;   # tshark shows STARTTLS as STAR
	*) t_fail "tshark with our key log sees: '$cmds'" ;;
	esac
fi

# 2. not trusted: exit 18, nothing sent inside TLS
tls_send "$LAB_SERVER_IP" --starttls --tls-name mx.lab.test --no-capture
t_expect_rc 18
grep -qF 'certificate of mx.lab.test did not verify: self-signed certificate' "$T_ERR" ||
	{ t_show "$T_ERR"; t_fail "no verification error"; }

# 3. by address, the address is what is checked
tls_send "$LAB_SERVER_IP" --starttls --cafile "$d/cert.pem" --no-capture
t_expect_rc 18
grep -qF "certificate of $LAB_SERVER_IP did not verify" "$T_ERR" || { t_show "$T_ERR"; t_fail "address not checked"; }

# 4. --insecure goes on, loudly
tls_send "$LAB_SERVER_IP" --starttls --insecure --no-capture
t_expect_rc 0
expect_out '*** encrypted, server NOT authenticated: self-signed certificate (--insecure)'

# 5. implicit TLS is the default on port 465
tls_send "$LAB_SERVER_IP:465" --cafile "$d/cert.pem" --tls-name mx.lab.test -w "$d/smtps.pcapng"
t_expect_rc 0
expect_out '=== TLS started: TLSv1.3'
grep -q '^ -> STARTTLS' "$T_OUT" && t_fail "STARTTLS sent on port 465"
lab_wait_file "$d/mail/msg-3.eml" 5 || t_fail "implicit TLS: no message arrived"

t_pass "STARTTLS verified and decryptable with the key log; unverified 18; --insecure; implicit TLS on 465"
