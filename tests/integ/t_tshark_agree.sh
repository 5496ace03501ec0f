#!/bin/bash
# Every frame tshark marks with an SMTP command or reply code is, in our JSON,
# in the request/reply frames of an exchange with the same command/code.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need tshark
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"
body=$LAB_DIR/body.txt cap=$LAB_DIR/agree.pcapng
t_make_body "$body"
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test --to nobody@lab.test --to bob@lab.test \
	--subject "agree" --body-file "$body" --timeout 20 --fresh-arp -w "$cap" --no-color
t_expect_rc 13
st_analyze "$cap" --json
r=$($AGREE "$cap" "$A_OUT") || { echo "$r" >&2; t_show "$A_OUT"; t_fail "$(echo "$r" | tail -n 1)"; }
t_pass "$(echo "$r" | tail -n 1)"
