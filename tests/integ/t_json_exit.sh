#!/bin/bash
# send --json: the JSON's sender.exit_code is the process's exit code, for a
# Ctrl-C while the server keeps silent (130) and for a delivered mail (0).
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start silent --silent || t_fail "silent server did not start"
T_OUT=$LAB_DIR/send.json T_ERR=$LAB_DIR/send.err
ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" send --server "$LAB_SERVER_IP" --json \
	--from student@lab.test --to ta@lab.test --body x -w "$LAB_DIR/t.pcapng" \
	>"$T_OUT" 2>"$T_ERR" </dev/null &
pid=$!
for _ in $(seq 50); do
	grep -q "Connected" "$T_ERR" 2>/dev/null && break
	sleep 0.1
done
kill -INT $pid
wait $pid
T_RC=$?
t_expect_rc 130
code=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sender"]["exit_code"])' "$T_OUT") ||
	{ t_show "$T_OUT" "$T_ERR"; t_fail "no valid JSON"; }
[ "$code" = 130 ] || { t_show "$T_OUT" "$T_ERR"; t_fail "JSON exit_code $code, process 130"; }
t_pass "send --json interrupted: JSON exit_code 130 == process exit code"
