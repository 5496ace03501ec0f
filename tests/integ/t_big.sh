#!/bin/bash
# A 20 MB body with offloads off: exit 0, no capture drops reported, tshark
# finds no lost segment, the message arrives intact, tshark agrees.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need tshark
export LAB_OFFLOAD=off
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"
body=$LAB_DIR/big.txt cap=$LAB_DIR/big.pcapng
$PY - "$body" 20 <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
line = 0
with open(path, "w") as f:
    n = 0
    while n < mb * 1024 * 1024:
        s = "%08d %s\n" % (line, ("abcdefghijklmnopqrstuvwxyz0123456789" * 2)[: 60 + line % 7])
        if line % 101 == 0:
            s = "." + s
        f.write(s); n += len(s); line += 1
PY
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
	--subject "big" --body-file "$body" --timeout 60 -w "$cap" --json
t_expect_rc 0
r=$($STJSON drops "$T_OUT") || t_fail "$r"
if grep -v '^ *\(->\|<-\|<\*\*\|\*\*\)' "$T_ERR" | grep -qi 'drop'; then
	grep -i drop "$T_ERR" | head -n 5 >&2; t_fail "send reports drops"
fi
lost=$(tshark -r "$cap" -Y tcp.analysis.lost_segment 2>/dev/null | wc -l)
[ "$lost" = 0 ] || t_fail "tshark: $lost lost segments in the capture"
lab_wait_file "$LAB_SINK_DIR/msg-1.eml" 30 || t_fail "no message arrived"
r=$($STJSON body "$LAB_SINK_DIR/msg-1.eml" "$body") || t_fail "body: $r"
st_analyze "$cap" --json
r=$($AGREE "$cap" "$A_OUT") || { echo "$r" >&2; t_fail "$(echo "$r" | tail -n 1)"; }
t_pass "20 MB intact, no drops, no lost segments, $(echo "$r" | tail -n 1)"
