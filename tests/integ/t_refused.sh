#!/bin/bash
# A port with no listener: exit 4 (connection refused), capture still saved
# with the SYN and the RST.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab
lab_up || t_fail "lab_up failed"
cap=$LAB_DIR/refused.pcapng
st_send --server "$LAB_SERVER_IP:2999" --from student@lab.test --to ta@lab.test \
	--body "x" --timeout 10 -w "$cap" --no-color
t_expect_rc 4
[ -s "$cap" ] || t_fail "capture not saved"
n=$(tshark -r "$cap" -Y 'tcp.flags.reset == 1' 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || t_fail "no RST in the capture"
t_pass "exit 4, capture saved with the RST"
