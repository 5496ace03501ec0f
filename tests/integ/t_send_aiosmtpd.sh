#!/bin/bash
# tsan
# smtptrace send across the lab router to aiosmtpd, with --fresh-arp: exit 0,
# the message arrives byte for byte (leading dots, a lone dot, bare-LF body
# made CRLF), the capture exists, and analyze --json of it shows ARP, the
# three handshake frames and every command; sent again without --fresh-arp,
# the timeline still names the gateway behind the server side MAC.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"

body=$LAB_DIR/body.txt cap=$LAB_DIR/send.pcapng
t_make_body "$body"
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
	--subject "integ aiosmtpd" --body-file "$body" --helo client.lab.test \
	--timeout 20 --fresh-arp -w "$cap" --no-color
t_expect_rc 0

lab_wait_file "$LAB_SINK_DIR/msg-1.eml" 5 || t_fail "no message arrived"
grep -qx 'RCPT TO:<ta@lab.test>' "$LAB_SINK_DIR/msg-1.env" || { t_show "$LAB_SINK_DIR/msg-1.env"; t_fail "wrong envelope"; }
grep -qx 'MAIL FROM:<student@lab.test>' "$LAB_SINK_DIR/msg-1.env" || { t_show "$LAB_SINK_DIR/msg-1.env"; t_fail "wrong envelope sender"; }
r=$($STJSON body "$LAB_SINK_DIR/msg-1.eml" "$body") || { t_show "$LAB_SINK_DIR/msg-1.eml"; t_fail "message body: $r"; }
grep -q '^Subject: integ aiosmtpd' "$LAB_SINK_DIR/msg-1.eml" || t_fail "no Subject header"

[ -s "$cap" ] || t_fail "capture $cap missing or empty"
st_analyze "$cap" --json
[ "$A_RC" = 0 ] || { t_show "$A_ERR"; t_fail "analyze exited $A_RC"; }
r=$($STJSON valid "$A_OUT") || t_fail "analyze --json: $r"
r=$($STJSON send-check "$A_OUT" --arp --handshake 3 --commands EHLO,MAIL,RCPT,DATA,QUIT) ||
	{ t_show "$A_OUT"; t_fail "analyze --json: $r"; }

# Again without --fresh-arp: the gateway is in the neighbour cache now, no
# ARP is captured, and the MACs line still names the gateway (from the route).
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
	--subject "integ aiosmtpd 2" --body-file "$body" --timeout 20 -w "$LAB_DIR/send2.pcapng" --no-color
t_expect_rc 0
grep -q "^  MACs: .*(the gateway $LAB_ROUTER_IP_C)\$" "$T_OUT" ||
	{ t_show "$T_OUT"; t_fail "no gateway note on the MACs line without an ARP"; }
grep -q "^  ARP: none: the next hop $LAB_ROUTER_IP_C was already in the neighbour cache" "$T_OUT" ||
	{ t_show "$T_OUT"; t_fail "no 'ARP: none' line for the cached gateway"; }
t_pass "delivered byte for byte; capture has ARP, handshake, EHLO MAIL RCPT DATA QUIT; gateway named without ARP"
