#!/bin/bash
# smtptrace send against a real postfix with STARTTLS (lab_postfix_start
# --tls: a self-signed certificate for mx.lab.test made by openssl now) and
# a postfix without TLS or SASL: the STARTTLS policy (RFC 7435 / RFC 3207).
# Default: STARTTLS used when offered, the unverified certificate said loudly,
# the capture carries its TLS secrets (no AUTH) and tshark decrypts it with
# no options; --starttls with the certificate as --cafile verifies; without
# it 18; --no-starttls stays in plaintext and says so; a server that offers
# no STARTTLS: --starttls 17, default goes on in plaintext and says so,
# --auth-user refused without TLS (19), --allow-plaintext-auth to a server
# without AUTH (19).
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need postfix openssl
lab_up || t_fail "lab_up failed"
lab_postfix_start --tls || t_fail "postfix --tls did not start"
TLS_CONF=$LAB_PF_DIR TLS_MAIL=$LAB_PF_MAIL TLS_LOG=$LAB_PF_LOG
lab_postfix_start --name plainpf --port 2525 || t_fail "plain postfix did not start"
body=$LAB_DIR/body.txt
t_make_body "$body"
p_send() { # SERVER [ARGS...]
	local srv=$1; shift
	st_send --server "$srv" --from student@lab.test --to ta@lab.test --subject "interop" \
		--body-file "$body" --timeout 20 --no-color "$@"
}
expect_out() { grep -qF -- "$1" "$T_OUT" || { t_show "$T_OUT" "$T_ERR"; t_fail "output lacks: $1"; }; }
expect_err() { grep -qF -- "$1" "$T_ERR" || { t_show "$T_OUT" "$T_ERR"; t_fail "stderr lacks: $1"; }; }
n=0
delivered() { # WHAT
	n=$((n + 1))
	lab_wait_glob "$TLS_MAIL/ta/new/*" "$n" 20 || { t_show "$TLS_LOG"; t_fail "$1: not delivered"; }
}

# 1. no flags: opportunistic STARTTLS, unverified, on; secrets embedded
p_send "$LAB_SERVER_IP" -w "$LAB_DIR/opp.pcapng"
t_expect_rc 0
delivered opportunistic
expect_out '=== STARTTLS offered: used (opportunistic)'
expect_out '*** encrypted, server NOT authenticated: self-signed certificate (opportunistic STARTTLS)'
expect_out '=== TLS secrets embedded in the capture (Wireshark decrypts it as is)'
if command -v tshark >/dev/null 2>&1; then
	cmds=$(tshark -r "$LAB_DIR/opp.pcapng" -Y smtp.req -T fields -e smtp.req.command 2>/dev/null | tr '\n' ' ')
	case $cmds in
	"EHLO STAR"*" EHLO MAIL RCPT DATA QUIT "*) ;;
	*) t_fail "opportunistic: tshark with no options sees '$cmds'" ;;
	esac
fi

# 2. --starttls, the certificate trusted: verified, delivered
p_send "$LAB_SERVER_IP" --starttls --cafile "$TLS_CONF/cert.pem" --tls-name mx.lab.test --no-capture
t_expect_rc 0
delivered required
expect_out '=== Certificate verified for mx.lab.test'

# 3. --starttls, not trusted: 18, nothing delivered
p_send "$LAB_SERVER_IP" --starttls --tls-name mx.lab.test --no-capture
t_expect_rc 18
expect_err 'certificate of mx.lab.test did not verify: self-signed certificate'

# 4. --no-starttls: plaintext, said
p_send "$LAB_SERVER_IP" --no-starttls --no-capture
t_expect_rc 0
delivered no-starttls
expect_out '=== STARTTLS offered, not used (--no-starttls)'
grep -q '^ -> STARTTLS' "$T_OUT" && t_fail "--no-starttls sent STARTTLS"

# 5. a server without STARTTLS
p_send "$LAB_SERVER_IP:2525" --starttls --no-capture
t_expect_rc 17
expect_err '--starttls: the server does not offer STARTTLS'
p_send "$LAB_SERVER_IP:2525" --no-capture
t_expect_rc 0
expect_out '=== STARTTLS not offered: going on without TLS'
export SMTPTRACE_PASSWORD=not-sent-anywhere
p_send "$LAB_SERVER_IP:2525" --auth-user student --no-capture
t_expect_rc 19
expect_err 'refusing to send AUTH credentials without TLS (STARTTLS not offered: going on without TLS)'
p_send "$LAB_SERVER_IP:2525" --auth-user student --allow-plaintext-auth --no-capture
t_expect_rc 19
expect_err 'the server does not offer AUTH'
grep -rqF not-sent-anywhere "$T_OUT" "$T_ERR" && t_fail "the password shows"
unset SMTPTRACE_PASSWORD

t_pass "postfix STARTTLS: opportunistic (loud, decryptable capture), required+verified, 18, --no-starttls; no STARTTLS: 17, plaintext said, AUTH refused 19"
