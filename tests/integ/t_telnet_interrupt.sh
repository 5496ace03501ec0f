#!/bin/bash
# smtptrace telnet interrupted (SIGINT) while the input is still open: exit
# 130, the capture is saved with what was typed, the timeline is printed,
# and the interrupt is not reported as the server closing.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"

cap=$LAB_DIR/ti.pcapng out=$LAB_DIR/ti.out fifo=$LAB_DIR/in
mkfifo "$fifo"
ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" telnet "$LAB_SERVER_IP" -w "$cap" --no-color \
	<"$fifo" >"$out" 2>&1 &
pid=$!
exec 3>"$fifo"
printf 'EHLO client.lab.test\n' >&3
i=0
until grep -q '^<-  250 ' "$out"; do
	i=$((i + 1)); [ $i -gt 100 ] && { kill "$pid"; t_show "$out"; t_fail "no reply to EHLO"; }
	sleep 0.05
done
kill -INT "$pid"
wait "$pid"; rc=$?
exec 3>&-
[ $rc = 130 ] || { t_show "$out"; t_fail "exit $rc, want 130"; }
grep -q 'connection closed by the server' "$out" && { t_show "$out"; t_fail "the interrupt was reported as the server's close"; }
grep -q 'SMTP command EHLO' "$out" || { t_show "$out"; t_fail "no timeline with the EHLO"; }
[ -s "$cap" ] || t_fail "no capture saved"
st_analyze "$cap" --summary
[ "$A_RC" = 0 ] || { t_show "$A_OUT" "$A_ERR"; t_fail "analyze of the saved capture exited $A_RC"; }
t_pass "exit 130, capture saved, timeline with the typed EHLO"
