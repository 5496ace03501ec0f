#!/bin/bash
# A server that accepts and never greets; --timeout 2: exit 5 within a few seconds.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start silent --silent || t_fail "silent server did not start"
start=$(date +%s)
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
	--body "x" --timeout 2 -w "$LAB_DIR/t.pcapng" --no-color
took=$(( $(date +%s) - start ))
t_expect_rc 5
[ $took -le 10 ] || t_fail "took ${took}s with --timeout 2"
[ -s "$LAB_DIR/t.pcapng" ] || t_fail "no capture"
t_pass "exit 5 after ${took}s"
