#!/bin/bash
# One of two recipients rejected (550): exit 13, the other one still gets it.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"
body=$LAB_DIR/body.txt
t_make_body "$body"
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to nobody@lab.test --to ta@lab.test \
	--subject "one rejected" --body-file "$body" --timeout 20 -w "$LAB_DIR/r.pcapng" --no-color
t_expect_rc 13
lab_wait_file "$LAB_SINK_DIR/msg-1.eml" 5 || t_fail "the accepted recipient got nothing"
grep -qx 'RCPT TO:<ta@lab.test>' "$LAB_SINK_DIR/msg-1.env" || { t_show "$LAB_SINK_DIR/msg-1.env"; t_fail "envelope lacks ta@lab.test"; }
grep -q nobody "$LAB_SINK_DIR/msg-1.env" && t_fail "rejected recipient in the envelope"
r=$($STJSON body "$LAB_SINK_DIR/msg-1.eml" "$body") || t_fail "body: $r"
grep -q '550' "$T_OUT" || { t_show "$T_OUT"; t_fail "transcript does not show the 550"; }
[ -s "$LAB_DIR/r.pcapng" ] || t_fail "no capture"
t_pass "exit 13, ta@lab.test still got the message"
