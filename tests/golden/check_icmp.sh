#!/bin/sh
# tests/golden/check_icmp.sh - the ICMP errors `--json` shows in a session
# against tshark for the same capture: for every frame with proto "ICMP",
# its type, code and MTU, and the quoted segment's ports, as tshark decodes
# them (icmp.* / icmpv6.*, the quoted tcp.srcport/dstport).
# Usage: check_icmp.sh path/to/smtptrace.  Skipped without tshark.
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null 2>&1 || { echo "icmp-tshark: skipped (no tshark)"; exit 0; }
tmp=$(mktemp -d /tmp/smtptrace-icmp.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

for name in icmp-pmtu icmp-pmtu6 icmp-refused icmp-trunc icmp-unknown impaired/pmtu-sender.pcapng; do
	case $name in *.pcapng) in=$here/caps/$name ;; *) in=$here/caps/$name.pcap ;; esac
	"$bin" analyze "$in" --json >"$tmp/j" 2>/dev/null || { echo "icmp-tshark: $name: analyze failed" >&2; fail=$((fail + 1)); continue; }
	# ours: "no type code mtu sport dport", one line per ICMP frame shown
	/usr/bin/python3 - "$tmp/j" >"$tmp/ours" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["sessions"]:
    for f in s["frames"]:
        if f["proto"] == "ICMP":
            i = f["icmp"]
            q = i["quote"]
            print(f["no"], i["type"], i["code"], i["mtu"] or "",
                  q["src"].rsplit(":", 1)[1], q["dst"].rsplit(":", 1)[1])
PY
	# tshark's, for the same frames
	: >"$tmp/theirs"
	for no in $(cut -d' ' -f1 "$tmp/ours"); do
		tshark -n -r "$in" -Y "frame.number == $no" -T fields -E occurrence=f \
			-e frame.number -e icmp.type -e icmp.code -e icmp.mtu -e icmpv6.type -e icmpv6.code \
			-e icmpv6.mtu -e tcp.srcport -e tcp.dstport 2>/dev/null |
		awk -F'\t' '{ t = $2 != "" ? $2 : $5; c = $2 != "" ? $3 : $6; m = $2 != "" ? $4 : $7;
		             print $1, t, c, m, $8, $9 }' >>"$tmp/theirs"
	done
	if [ ! -s "$tmp/ours" ] && [ "$name" != icmp-unknown ]; then
		echo "icmp-tshark: $name: no ICMP frame in any session" >&2; fail=$((fail + 1))
	elif [ -s "$tmp/ours" ] && [ "$name" = icmp-unknown ]; then
		echo "icmp-tshark: $name: an ICMP error about no session was shown in one" >&2; fail=$((fail + 1))
	elif cmp -s "$tmp/ours" "$tmp/theirs"; then
		pass=$((pass + 1))
	else
		echo "icmp-tshark: $name: ours and tshark's differ:" >&2
		diff "$tmp/ours" "$tmp/theirs" >&2
		fail=$((fail + 1))
	fi
done
echo "icmp-tshark: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
