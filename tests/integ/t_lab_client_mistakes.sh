#!/bin/bash
# A hand-written lab client (tests/lib/lab_client.py: raw socket, bare-LF
# command lines, the message sent before the 354) against aiosmtpd in the
# lab, captured by dumpcap: `analyze` of that capture reports exactly those
# two mistakes, in the JSON (client_mistakes), the text and --answers.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need dumpcap
lab_up || t_fail "lab_up failed"
lab_sink_start plain --port 2527 || t_fail "aiosmtpd did not start"
cap=$LAB_DIR/lab-client.pcapng
lab_capture_start "$LAB_NS_SERVER" veth0 "$cap" "arp or tcp port 2527" || t_fail "dumpcap did not start"
ip netns exec "$LAB_NS_CLIENT" "$PY" "$(dirname "$0")/../lib/lab_client.py" "$LAB_SERVER_IP" 2527 \
	>"$LAB_DIR/client.out" 2>&1; crc=$?
lab_capture_stop "$cap"
[ -n "${KEEP_CAPTURES:-}" ] && cp "$cap" "$KEEP_CAPTURES/"
[ $crc = 0 ] || { t_show "$LAB_DIR/client.out"; t_fail "the lab client failed (exit $crc)"; }
st_analyze "$cap" --json --port 2527
[ "$A_RC" = 0 ] && [ ! -s "$A_ERR" ] || { t_show "$A_ERR"; t_fail "analyze --json exited $A_RC"; }
kinds=$($PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join(sorted({m["kind"] for s in d["sessions"] for m in s["client_mistakes"]})))' "$A_OUT") ||
	t_fail "JSON unreadable"
[ "$kinds" = "bare_lf message_before_354" ] || t_fail "client_mistakes kinds: '$kinds'"
st_analyze "$cap" --port 2527 --no-color
grep -q 'Client mistakes: bare LF line endings (EHLO in frame' "$A_OUT" || { t_show "$A_OUT"; t_fail "no Client mistakes line"; }
grep -q 'command DATA.*\[client mistake: bare LF line ending\]' "$A_OUT" || t_fail "DATA frame not tagged"
grep -q '\[client mistake: message sent before the 354\]' "$A_OUT" || t_fail "message frame not tagged"
st_analyze "$cap" --port 2527 --answers
grep -q '✘ the message (frame [0-9]*) was sent before the 354' "$A_OUT" || { t_show "$A_OUT"; t_fail "answers: no before-354"; }
t_pass "bare LF and the message before the 354 reported (text, JSON, answers)"
