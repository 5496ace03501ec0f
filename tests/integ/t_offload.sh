#!/bin/bash
# With the veth offloads left on (TSO/GSO/GRO: the capture sees segments
# larger than the MTU), a 1 MB body arrives and the analysis agrees with tshark.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need tshark
export LAB_OFFLOAD=on
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"
body=$LAB_DIR/body.txt cap=$LAB_DIR/offload.pcapng
$PY -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(14000):
        f.write(("." if i % 50 == 0 else "") + "%06d offload test line %s\n" % (i, "x" * 50))
' "$body"
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
	--subject "offload" --body-file "$body" --timeout 30 -w "$cap" --no-color
t_expect_rc 0
lab_wait_file "$LAB_SINK_DIR/msg-1.eml" 10 || t_fail "no message arrived"
r=$($STJSON body "$LAB_SINK_DIR/msg-1.eml" "$body") || t_fail "body: $r"
st_analyze "$cap" --json
[ "$A_RC" = 0 ] || { t_show "$A_ERR"; t_fail "analyze exited $A_RC"; }
r=$($AGREE "$cap" "$A_OUT") || { echo "$r" >&2; t_fail "$(echo "$r" | tail -n 1)"; }
big=$(tshark -r "$cap" -Y 'frame.len > 1514' 2>/dev/null | wc -l)
t_pass "1 MB intact with offloads on ($big frames > 1514 bytes), $(echo "$r" | tail -n 1)"
