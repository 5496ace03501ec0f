#!/bin/bash
# The live timeline (send --json) equals analyze --json of the saved capture,
# sender-only keys aside.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"
body=$LAB_DIR/body.txt cap=$LAB_DIR/live.pcapng
t_make_body "$body"
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test --to bob@lab.test \
	--subject "live vs analyze" --body-file "$body" --timeout 20 --fresh-arp -w "$cap" --json
t_expect_rc 0
r=$($STJSON valid "$T_OUT") || { t_show "$T_OUT"; t_fail "send --json stdout: $r"; }
st_analyze "$cap" --json
[ "$A_RC" = 0 ] || { t_show "$A_ERR"; t_fail "analyze exited $A_RC"; }
r=$($STJSON same-sessions "$T_OUT" "$A_OUT") || { t_show "$T_OUT" "$A_OUT"; t_fail "$r"; }
t_pass "send --json sessions == analyze --json sessions"
