#!/bin/bash
# tsan
# Ctrl-C while the server keeps silent: exit 130, the capture is saved and
# the timeline of what happened (the handshake) is still printed.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start silent --silent || t_fail "silent server did not start"
T_OUT=$LAB_DIR/send.out T_ERR=$LAB_DIR/send.err
ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" send --server "$LAB_SERVER_IP" \
	--from student@lab.test --to ta@lab.test --body x -w "$LAB_DIR/t.pcapng" \
	--no-color >"$T_OUT" 2>"$T_ERR" </dev/null &
pid=$!
# wait for the connection, then interrupt
for _ in $(seq 50); do
	grep -q "Connected" "$T_OUT" 2>/dev/null && break
	sleep 0.1
done
kill -INT $pid
wait $pid
T_RC=$?
t_expect_rc 130
grep -q "interrupted while waiting for the greeting" "$T_ERR" || { t_show "$T_OUT" "$T_ERR"; t_fail "no 'interrupted' line"; }
grep -q "handshake 3/3" "$T_OUT" || { t_show "$T_OUT" "$T_ERR"; t_fail "no timeline"; }
[ -s "$LAB_DIR/t.pcapng" ] || t_fail "no capture"
t_pass "exit 130, capture saved, timeline printed"
