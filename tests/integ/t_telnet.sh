#!/bin/bash
# smtptrace telnet from a pipe to aiosmtpd in the lab: a typo'd command
# gets a 5xx and the dialogue goes on; DATA mode is followed (the body and
# the lone "." labelled); the mail arrives; the timeline shows exactly what
# was typed (the typo included) and the capture holds it (tshark agrees).
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need tshark
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"

cap=$LAB_DIR/telnet.pcapng out=$LAB_DIR/telnet.out err=$LAB_DIR/telnet.err
printf '%s\n' "EHLO client.lab.test" "MAIL FORM:<student@lab.test>" "MAIL FROM:<student@lab.test>" \
	"RCPT TO:<ta@lab.test>" "DATA" "Subject: typed by hand" "" "hello from a pipe" "." "QUIT" |
	ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" telnet "$LAB_SERVER_IP" -w "$cap" --no-color \
		--timeout 10 >"$out" 2>"$err"
rc=$?
[ $rc = 0 ] || { t_show "$out" "$err"; t_fail "telnet exited $rc"; }
expect() { grep -q -- "$1" "$out" || { t_show "$out" "$err"; t_fail "transcript lacks: $1"; }; }
expect '^ -> MAIL FORM:<student@lab.test>$'
expect '^<-  5[0-9][0-9] '
expect '^=== DATA mode: '
expect '^ -> hello from a pipe$'
expect '^=== end of data (the lone "."'
expect '^<-  221 '
lab_wait_file "$LAB_SINK_DIR/msg-1.eml" 5 || { t_show "$out" "$err"; t_fail "no message arrived"; }
grep -q '^Subject: typed by hand' "$LAB_SINK_DIR/msg-1.eml" || t_fail "wrong message"
grep -q 'hello from a pipe' "$LAB_SINK_DIR/msg-1.eml" || t_fail "body missing"
# the timeline: the typo as a command with its 5xx, the message, QUIT
expect 'SMTP command MAIL  "MAIL FORM:<student@lab.test>"'
expect 'SMTP reply to MAIL: 5[0-9][0-9]'
expect 'SMTP end of data'
expect 'Saved: '
# the capture: every typed line on the wire, in order (tshark's SMTP dissector)
cmds=$(tshark -r "$cap" -Y 'smtp.req' -T fields -e smtp.req.command 2>/dev/null | tr '\n' ' ')
[ "$cmds" = "EHLO MAIL MAIL RCPT DATA QUIT " ] || { tshark -r "$cap" >&2; t_fail "tshark sees commands: $cmds"; }
st_analyze "$cap"
[ "$A_RC" = 0 ] || { t_show "$A_OUT" "$A_ERR"; t_fail "analyze exited $A_RC"; }
# --json: one valid document on stdout, the transcript on stderr
printf 'NOOP\nQUIT\n' | ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" telnet "$LAB_SERVER_IP:25" --json \
	-w "$LAB_DIR/t2.pcapng" >"$LAB_DIR/t2.json" 2>"$LAB_DIR/t2.err" || { t_show "$LAB_DIR/t2.err"; t_fail "telnet --json failed"; }
r=$($STJSON valid "$LAB_DIR/t2.json") || { t_show "$LAB_DIR/t2.json"; t_fail "telnet --json: $r"; }
grep -q '^ -> NOOP$' "$LAB_DIR/t2.err" || { t_show "$LAB_DIR/t2.err"; t_fail "telnet --json: no transcript on stderr"; }
t_pass "typed dialogue with a typo (5xx), DATA mode labelled, mail delivered, timeline and capture agree; --json valid"
