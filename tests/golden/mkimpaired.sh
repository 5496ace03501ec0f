#!/bin/bash
# mkimpaired.sh - make impaired SMTP captures in the namespace lab.
#
# usage (root): bash tests/golden/mkimpaired.sh PYNETEM OUTDIR NAME SEED C2S-SPEC S2C-SPEC [RATE]
#
# Client -> router -> server (scripts/lab.sh).  In the router, kernel
# forwarding is switched off and PYNETEM (a user-space netem, e.g.
# ../shared/tools/pynetem.py) forwards instead, impairing frames that go to
# the server with C2S-SPEC and frames that go to the client with S2C-SPEC
# (loss=P,dup=P,delay=MS,jitter=MS,reorder=P,corrupt=P; '-' for none).
# RATE (e.g. 512kbit): a tbf with a short queue on the router's server-side
# interface (pynetem's sends beyond it are dropped: losses in bursts).
# NETEM=0: no pynetem, the kernel forwards (with OFFLOAD=1: a capture whose
# client frames carry checksums left to the NIC).
# swaks sends a ~30 KB message to aiosmtpd; dumpcap records at the sender
# (OUTDIR/NAME-sender.pcapng) and on the router's server side
# (OUTDIR/NAME-router.pcapng); pynetem's log is OUTDIR/NAME.netem.log.
# The captures are committed: tests never need the lab or pynetem.
set -u
pynetem=$(readlink -f "$1") out=$(readlink -f "$2") name=$3 seed=$4 c2s=$5 s2c=$6 rate=${7:-}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../scripts/lab.sh"
trap lab_down EXIT INT TERM
LAB_QUIET=1 lab_up || exit 1
# Checksums computed in software on every veth, and verified on receipt:
# a corrupted frame is then dropped by the receiver, as on a real wire.
# With OFFLOAD=1 the client keeps transmit checksum offload: its frames
# carry unfinished checksums in the sender-side capture.
for pair in "$LAB_NS_CLIENT:veth0" "$LAB_NS_ROUTER:veth-c" "$LAB_NS_ROUTER:veth-s" "$LAB_NS_SERVER:veth0"; do
	[ "${OFFLOAD:-0}" = 1 ] && continue
	ip netns exec "${pair%%:*}" ethtool -K "${pair#*:}" tx off rx off >/dev/null 2>&1
done
[ "${NETEM:-1}" = 1 ] && lab_r sysctl -qw net.ipv4.ip_forward=0
cmac=$(lab_c cat /sys/class/net/veth0/address)
smac=$(lab_s cat /sys/class/net/veth0/address)
[ -n "$rate" ] && lab_r tc qdisc add dev veth-s root tbf rate "$rate" burst 3kb latency 15ms
[ "${NETEM:-1}" = 1 ] && lab_r python3 "$pynetem" "$out/$name.netem.log" "$seed" veth-c "$cmac" veth-s "$smac" \
	"$LAB_ROUTER_IP_C,$LAB_ROUTER_IP_S" "$s2c" "$c2s" &
[ "${NETEM:-1}" = 1 ] && LAB_PIDS+=($!)
sleep 0.5
lab_sink_start sink || exit 1
lab_capture_start "$LAB_NS_CLIENT" veth0 "$LAB_DIR/s.pcapng" "tcp port 25" || exit 1
lab_capture_start "$LAB_NS_ROUTER" veth-s "$LAB_DIR/r.pcapng" "tcp port 25" || exit 1
body=$LAB_DIR/body.txt
python3 - "$body" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(400):
        f.write("line %04d of an impaired message, padded to look like real text ....\n" % i)
EOF
lab_c timeout 60 swaks --server $LAB_SERVER_IP --from student@lab.test --to ta@lab.test \
	--helo client.lab.test --body @"$body" --timeout 50 >"$out/$name.swaks.log" 2>&1
echo "swaks exit $?" >&2
sleep 1
lab_capture_stop "$LAB_DIR/s.pcapng"
lab_capture_stop "$LAB_DIR/r.pcapng"
cp "$LAB_DIR/s.pcapng" "$out/$name-sender.pcapng"
cp "$LAB_DIR/r.pcapng" "$out/$name-router.pcapng"
