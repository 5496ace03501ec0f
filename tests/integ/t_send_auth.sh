#!/bin/bash
# smtptrace send with AUTH through a submission server in the lab
# (tests/lib/auth_sink.py: aiosmtpd requiring STARTTLS then AUTH on 587, and
# implicit TLS then AUTH on 465), with a test CA and a server certificate made
# by openssl now: each mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2) delivers
# the body intact; the password never shows in stdout, stderr, the JSON or
# the capture; the TLS secrets are kept out of the capture after AUTH unless
# --embed-secrets, and then tshark decrypts it with no options; a wrong
# password exits 19; an unverified certificate exits 18 when TLS is
# required, and with opportunistic STARTTLS the credentials are withheld
# (19); --no-starttls against a server that wants STARTTLS: exit 12 with a
# hint; --allow-plaintext-auth sends them in the clear and the timeline
# redacts them.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need openssl
lab_up || t_fail "lab_up failed"
d=$LAB_DIR/auth
mkdir -p "$d"
PW='Corr3ct-h0rse_b4ttery'
printf '%s\n' "$PW" > "$d/pw"
chmod 644 "$d/pw"       # read as the sudo user / nobody after privileges are dropped
B64PW=$(printf '%s' "$PW" | base64)
{
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$d/ca.key" -out "$d/ca.pem" -subj "/CN=smtptrace lab CA" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/key.pem" -out "$d/srv.csr" -subj /CN=mx.lab.test &&
	printf 'subjectAltName=DNS:mx.lab.test\n' > "$d/ext" &&
	openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 2 -extfile "$d/ext" -out "$d/cert.pem"
} >"$d/openssl.log" 2>&1 || { t_show "$d/openssl.log"; t_fail "openssl failed"; }
ip netns exec "$LAB_NS_SERVER" "$PY" "$T_LIB/auth_sink.py" --dir "$d/mail" --host "$LAB_SERVER_IP" \
	--port 587 --smtps-port 465 --plain-port 2526 --cert "$d/cert.pem" --key "$d/key.pem" --user student \
	--password-file "$d/pw" --ready "$d/ready" 2>"$d/log" &
LAB_PIDS+=($!)
lab_wait_file "$d/ready" 15 || { t_show "$d/log"; t_fail "auth sink did not start"; }
body=$LAB_DIR/body.txt
t_make_body "$body"
n=0     # messages delivered so far
a_send() { # SERVER [ARGS...]
	local srv=$1; shift
	st_send --server "$srv" --from student@lab.test --to ta@lab.test --subject "with AUTH" \
		--body-file "$body" --timeout 20 --no-color --cafile "$d/ca.pem" \
		--tls-name mx.lab.test --auth-user student "$@"
}
expect_out() { grep -qF -- "$1" "$T_OUT" || { t_show "$T_OUT" "$T_ERR"; t_fail "output lacks: $1"; }; }
delivered() { # WHAT
	n=$((n + 1))
	lab_wait_file "$d/mail/msg-$n.eml" 5 || t_fail "$1: no message arrived"
	r=$($STJSON body "$d/mail/msg-$n.eml" "$body") || t_fail "$1: body: $r"
}
no_password() { # WHAT FILE...
	local what=$1; shift
	if grep -aqF -e "$PW" -e "$B64PW" "$@" 2>/dev/null; then
		t_show "$@"; t_fail "$what: the password shows"
	fi
}

# 1. each mechanism over STARTTLS (587); the secrets stay out of the capture
for mech in PLAIN LOGIN CRAM-MD5 XOAUTH2; do
	a_send "$LAB_SERVER_IP:587" --starttls --auth "$mech" --auth-password-file "$d/pw" \
		-w "$d/$mech.pcapng"
	t_expect_rc 0
	cp "$T_OUT" "$d/$mech.out"
	delivered "$mech"
	case $mech in
	PLAIN|XOAUTH2) expect_out " -> AUTH $mech ****" ;;
	*) expect_out " -> AUTH $mech" ;;
	esac
	expect_out "=== Authenticated (AUTH $mech)"
	expect_out '=== TLS secrets not embedded in the capture because AUTH credentials were sent; use --keylog FILE or --embed-secrets'
	no_password "$mech" "$T_OUT" "$T_ERR" "$d/$mech.pcapng"
	if command -v tshark >/dev/null 2>&1 &&
	   tshark -r "$d/$mech.pcapng" -Y smtp.req 2>/dev/null | grep -q 'C: MAIL'; then
		t_fail "$mech: tshark decrypts a capture that should carry no secrets"
	fi
done

# 2. implicit TLS (465), the mechanism chosen (PLAIN first), the password from
#    the environment; --embed-secrets: tshark decrypts the capture as is
export SMTPTRACE_PASSWORD=$PW
a_send "$LAB_SERVER_IP:465" --embed-secrets --json -w "$d/smtps.pcapng"
t_expect_rc 0
delivered smtps
unset SMTPTRACE_PASSWORD
$STJSON valid "$T_OUT" >/dev/null || { t_show "$T_OUT"; t_fail "smtps: JSON not valid"; }
grep -qF '=== TLS secrets embedded in the capture (Wireshark decrypts it as is; --embed-secrets: it reveals the AUTH password)' "$T_ERR" ||
	{ t_show "$T_ERR"; t_fail "smtps: embedding not said"; }
grep -qF ' -> AUTH PLAIN ****' "$T_ERR" || { t_show "$T_ERR"; t_fail "smtps: AUTH PLAIN not chosen"; }
no_password smtps "$T_OUT" "$T_ERR"
if command -v tshark >/dev/null 2>&1; then
	cmds=$(tshark -r "$d/smtps.pcapng" -Y smtp.req -T fields -e smtp.req.command 2>/dev/null | tr '\n' ' ')
	case $cmds in
	"EHLO AUTH MAIL RCPT DATA QUIT "*) ;;
	*) t_fail "smtps --embed-secrets: tshark with no options sees '$cmds'" ;;
	esac
	tshark -r "$d/smtps.pcapng" -T fields -e frame.comment -e pkt_comment 2>/dev/null > "$d/comments"
	no_password "capture comments" "$d/comments"
fi
st_analyze "$d/smtps.pcapng" --json
no_password "analyze --json of the embedded capture" "$A_OUT" "$A_ERR"

# 3. a wrong password: 19, nothing after AUTH but QUIT
printf 'wrong\n' > "$d/bad"; chmod 644 "$d/bad"
a_send "$LAB_SERVER_IP:587" --starttls --auth-password-file "$d/bad" --no-capture
t_expect_rc 19
grep -qF 'AUTH PLAIN failed: 535 5.7.8 Authentication credentials invalid' "$T_ERR" ||
	{ t_show "$T_ERR"; t_fail "wrong password: no AUTH error"; }
grep -q '^ -> MAIL' "$T_OUT" && t_fail "wrong password: MAIL sent"

# 4. the certificate does not verify (no --cafile): required TLS -> 18;
#    opportunistic STARTTLS goes on, loudly, but withholds the credentials (19)
st_send --server "$LAB_SERVER_IP:587" --from student@lab.test --to ta@lab.test --body x \
	--timeout 20 --no-color --no-capture --starttls --tls-name mx.lab.test \
	--auth-user student --auth-password-file "$d/pw"
t_expect_rc 18
st_send --server "$LAB_SERVER_IP:587" --from student@lab.test --to ta@lab.test --body x \
	--timeout 20 --no-color --no-capture --tls-name mx.lab.test \
	--auth-user student --auth-password-file "$d/pw"
t_expect_rc 19
expect_out '=== STARTTLS offered: used (opportunistic)'
expect_out '*** encrypted, server NOT authenticated: '
grep -qF 'refusing to send AUTH credentials to a server whose certificate did not verify' "$T_ERR" ||
	{ t_show "$T_ERR"; t_fail "opportunistic, unverified: credentials not withheld"; }
grep -q '^ -> AUTH' "$T_OUT" && t_fail "opportunistic, unverified: AUTH sent"

# 5. --no-starttls to a server that wants STARTTLS: 530, exit 12, a hint;
#    with --auth-user the credentials are not sent in the clear (19)
st_send --server "$LAB_SERVER_IP:587" --from student@lab.test --to ta@lab.test --body x \
	--timeout 20 --no-color --no-capture --no-starttls
t_expect_rc 12
grep -qF '(the server wants TLS first: drop --no-starttls)' "$T_ERR" || { t_show "$T_ERR"; t_fail "530: no hint"; }
a_send "$LAB_SERVER_IP:587" --no-starttls --auth-password-file "$d/pw" --no-capture
t_expect_rc 19
grep -qF 'refusing to send AUTH credentials without TLS (STARTTLS offered, not used (--no-starttls))' "$T_ERR" ||
	{ t_show "$T_ERR"; t_fail "plaintext AUTH not refused"; }
no_password plaintext "$T_OUT" "$T_ERR"

# 6. --allow-plaintext-auth: sent, said; the timeline (from the capture)
#    redacts it as analyze does, and so does analyze --json
a_send "$LAB_SERVER_IP:2526" --allow-plaintext-auth --auth-password-file "$d/pw" -w "$d/plain.pcapng"
t_expect_rc 0
delivered plaintext
expect_out '=== STARTTLS not offered: going on without TLS'
expect_out '=== the capture holds the AUTH credentials in plaintext (--allow-plaintext-auth): keep it private'
no_password "plaintext AUTH, send's output" "$T_OUT" "$T_ERR"
grep -aqF "$B64PW" "$d/plain.pcapng" 2>/dev/null || grep -aq 'AUTH PLAIN ' "$d/plain.pcapng" ||
	t_fail "plaintext AUTH not in the capture (the test proves nothing)"
grep -qF 'password redacted' "$T_OUT" || { t_show "$T_OUT"; t_fail "timeline does not redact AUTH"; }
st_analyze "$d/plain.pcapng" --json
no_password "plaintext AUTH, analyze --json" "$A_OUT" "$A_ERR"

t_pass "AUTH PLAIN/LOGIN/CRAM-MD5/XOAUTH2 over STARTTLS and implicit TLS delivered; secrets kept out of the capture unless --embed-secrets (then tshark decrypts); wrong password 19; unverified 18 / withheld 19; 530 hint"
