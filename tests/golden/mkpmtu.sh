#!/bin/bash
# mkpmtu.sh - a real path MTU exchange in the namespace lab.
#
# usage (root): bash tests/golden/mkpmtu.sh OUTDIR
#
# Client -> router -> server (scripts/lab.sh), the kernel forwarding.  The
# router's server-side interface has an MTU of 1400 while both hosts keep
# 1500: the server offers MSS 1460, the client sends 1460-byte segments with
# DF set, the router drops them and answers ICMP fragmentation needed
# (next-hop MTU 1400); the client's kernel lowers the path MTU and sends the
# data again in smaller segments.  swaks sends a ~30 KB message to aiosmtpd;
# dumpcap records at the sender (OUTDIR/pmtu-sender.pcapng).  The capture is
# committed: tests never need the lab.
set -u
out=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lab.sh"
trap lab_down EXIT INT TERM
LAB_QUIET=1 lab_up || exit 1
lab_r ip link set dev veth-s mtu 1400
lab_sink_start sink || exit 1
lab_capture_start "$LAB_NS_CLIENT" veth0 "$LAB_DIR/s.pcapng" "tcp port 25 or icmp" || exit 1
body=$LAB_DIR/body.txt
python3 - "$body" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(400):
        f.write("line %04d of a message bigger than the path MTU, padded to look like text\n" % i)
PY
lab_c timeout 60 swaks --server $LAB_SERVER_IP --from student@lab.test --to ta@lab.test \
	--helo client.lab.test --body @"$body" --timeout 50 >"$out/pmtu.swaks.log" 2>&1
echo "swaks exit $?" >&2
sleep 1
lab_capture_stop "$LAB_DIR/s.pcapng"
cp "$LAB_DIR/s.pcapng" "$out/pmtu-sender.pcapng"
