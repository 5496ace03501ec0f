#!/bin/bash
# Ctrl-C while the SYN is unanswered (an address on the server's subnet
# that nobody holds): exit 130 "interrupted while connecting" (it was exit 4
# "Connection reset by peer"), the capture with the SYN saved, and the
# --json document's exit_code is the process's, 130.
# tsan
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need tshark
lab_up || t_fail "lab_up failed"
T_OUT=$LAB_DIR/send.json T_ERR=$LAB_DIR/send.err cap=$LAB_DIR/t.pcapng
ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" send --server 198.51.100.77 \
	--from student@lab.test --to ta@lab.test --body x -w "$cap" \
	--json >"$T_OUT" 2>"$T_ERR" </dev/null &
pid=$!
for _ in $(seq 50); do
	grep -q "Trying" "$T_ERR" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5
kill -INT $pid
wait $pid
T_RC=$?
t_expect_rc 130
grep -q "interrupted while connecting" "$T_ERR" || { t_show "$T_ERR"; t_fail "no 'interrupted while connecting'"; }
# (the client's transcript line may still name the reset our own shutdown
# caused; the verdict must not)
grep -qi "^smtptrace: .*reset" "$T_ERR" && { t_show "$T_ERR"; t_fail "reports a reset"; }
code=$($STJSON get "$T_OUT" sender.exit_code) || { t_show "$T_OUT"; t_fail "no sender.exit_code"; }
[ "$code" = 130 ] || t_fail "JSON exit_code $code, process 130"
n=$(tshark -r "$cap" -Y 'tcp.flags.syn == 1' 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || t_fail "no SYN in the saved capture"
t_pass "exit 130 while connecting, JSON says 130, SYN saved"
