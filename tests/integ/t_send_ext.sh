#!/bin/bash
# --quit-after at each stage against postfix: exit 0, the commands on the
# wire (as tshark reads the capture) stop there with QUIT, and analyze reads
# the capture.  A non-ASCII address to a server without SMTPUTF8 is refused
# before MAIL with exit 20.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need postfix tshark
lab_up || t_fail "lab_up failed"
lab_postfix_start || t_fail "postfix did not start"

check_stage() {
	local stage=$1 want=$2 cap=$LAB_DIR/q-$1.pcapng
	st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
		--subject "quit after $stage" --body "hi" --quit-after "$stage" \
		--timeout 20 -w "$cap" --no-color
	t_expect_rc 0
	local got
	got=$(tshark -r "$cap" -Y smtp.req -T fields -e smtp.req.command 2>/dev/null | tr '\n' ' ')
	[ "$got" = "$want " ] || { t_show "$T_OUT"; t_fail "--quit-after $stage: sent '$got', want '$want'"; }
	[ "$stage" = data ] || grep -q -- "--quit-after $stage: stopping here" "$T_OUT" ||
		{ t_show "$T_OUT"; t_fail "--quit-after $stage: not said in the transcript"; }
	st_analyze "$cap"
	[ "$A_RC" = 0 ] || { t_show "$A_OUT" "$A_ERR"; t_fail "analyze of --quit-after $stage exited $A_RC"; }
}
check_stage connect "QUIT"
check_stage greeting "QUIT"
check_stage ehlo "EHLO QUIT"
check_stage tls "EHLO QUIT"
check_stage auth "EHLO QUIT"
check_stage mail "EHLO MAIL QUIT"
check_stage rcpt "EHLO MAIL RCPT QUIT"
check_stage data "EHLO MAIL RCPT DATA QUIT"

# With STARTTLS offered: ehlo stops before STARTTLS, tls after the TLS
# handshake and the EHLO inside it (judged from the transcript: the capture
# holds that part encrypted).
lab_postfix_start --tls --port 587 --name pftls || t_fail "postfix with TLS did not start"
for stage in ehlo tls; do
	st_send --server "$LAB_SERVER_IP:587" --from student@lab.test --to ta@lab.test \
		--body "hi" --starttls --insecure --quit-after $stage --timeout 20 \
		-w "$LAB_DIR/tls-$stage.pcapng" --no-color
	t_expect_rc 0
	sent=$(sed -n 's/^ -> \([A-Z]*\).*/\1/p' "$T_OUT" | tr '\n' ' ')
	want="EHLO QUIT "; [ $stage = tls ] && want="EHLO STARTTLS EHLO QUIT "
	[ "$sent" = "$want" ] && grep -q -- "--quit-after $stage: stopping here" "$T_OUT" ||
		{ t_show "$T_OUT"; t_fail "--quit-after $stage with STARTTLS: sent '$sent', want '$want'"; }
done

st_send --server "$LAB_SERVER_IP" --from student@lab.test --to "bö@lab.test" \
	--body "hi" --timeout 20 --no-capture --no-color
t_expect_rc 20
grep -q "does not offer SMTPUTF8" "$T_OUT" "$T_ERR" || { t_show "$T_OUT" "$T_ERR"; t_fail "no SMTPUTF8 error"; }
t_pass "--quit-after stops at each of 8 stages with QUIT (ehlo/tls also around STARTTLS); SMTPUTF8 refused clearly (exit 20)"
