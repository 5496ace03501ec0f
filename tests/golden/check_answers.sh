#!/bin/sh
# tests/golden/check_answers.sh - the numbers of `--answers` against tshark
# for the same capture: ports, MACs, raw ISNs, the handshake frames, iRTT
# (tcp.analysis.initial_rtt) and how many segments carried the message; and
# the same numbers in --json's structured fields (handshake.client_isn,
# server_isn, syn_options, frames[].arp).
# Usage: check_answers.sh path/to/smtptrace.  Skipped without tshark.
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null 2>&1 || { echo "answers-tshark: skipped (no tshark)"; exit 0; }
tmp=$(mktemp -d /tmp/smtptrace-answ.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
bad() { echo "answers-tshark: $name: $*" >&2; fail=$((fail + 1)); ok=0; }
same() { [ -n "$2" ] && [ "$2" = "$3" ] || bad "$1: ours '$2', tshark '$3'"; }
ts() { tshark -n -r "$in" "$@" 2>/dev/null; }

for name in eth-basic lab-gateway null-bigbody ipv6-nd.pcapng offload lab-before-354; do
	case $name in *.pcapng) in=$here/caps/$name; name=${name%.pcapng} ;; *) in=$here/caps/$name.pcap ;; esac
	"$bin" analyze "$in" --answers >"$tmp/a" 2>/dev/null || { bad "analyze failed"; continue; }
	ok=1
	syn=$(ts -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e frame.number -e tcp.srcport \
		-e tcp.dstport -e tcp.seq_raw -e eth.src -e eth.dst | head -1)
	synack=$(ts -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 1' -T fields -e frame.number -e tcp.seq_raw | head -1)
	ack3=$(ts -Y 'tcp.analysis.initial_rtt && tcp.flags.syn == 0' -T fields -e frame.number \
		-e tcp.analysis.initial_rtt | head -1)
	set -- $syn
	same "client port" "$(sed -n 's/^- Client: IP .*, port \([0-9]*\) .*/\1/p' "$tmp/a")" "$2"
	same "server port" "$(sed -n 's/^- Server: IP .*, port \([0-9]*\) .*/\1/p' "$tmp/a")" "$3"
	same "client ISN" "$(sed -n "s/^- Client's raw ISN: \([0-9]*\) .*/\1/p" "$tmp/a")" "$4"
	if [ -n "$5" ]; then
		same "MACs" "$(sed -n 's/^- MACs on the client.s frames: source \([^,]*\), destination \([^ ]*\).*/\1 \2/p' \
			"$tmp/a")" "$5 $6"
	fi
	hs="$1"
	set -- $synack
	same "server ISN" "$(sed -n "s/^- Server's raw ISN: \([0-9]*\);.*/\1/p" "$tmp/a")" "$2"
	hs="$hs $1"
	set -- $ack3
	same "handshake frames" "$(sed -n 's/^- Frames: SYN \([0-9]*\), SYN\/ACK \([0-9]*\), ACK \([0-9]*\)$/\1 \2 \3/p' \
		"$tmp/a")" "$hs $1"
	same "iRTT" "$(sed -n 's/^- iRTT .*: \([0-9.]*\) s$/\1/p' "$tmp/a")" "$(printf '%.6f' "$2")"
	seg=$(sed -n 's/^- [0-9]* bytes in \([0-9]*\) segments\{0,1\} (frames\{0,1\} \([0-9]*\)[^0-9]*\([0-9]*\),.*/\1 \2 \3/p' \
		"$tmp/a")
	set -- $seg
	last=${3:-$2}
	n=$(ts -Y "frame.number >= $2 && frame.number <= $last && tcp.len > 0 && tcp.srcport == $(echo $syn |
		cut -d' ' -f2) && !tcp.analysis.retransmission" | wc -l)
	same "message segments" "$1" "$n"
	# the JSON's structured fields: raw ISNs, SYN options, the first ARP frame
	"$bin" analyze "$in" --json >"$tmp/j" 2>/dev/null || bad "analyze --json failed"
	j() { /usr/bin/python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))["sessions"][0]
h = s["handshake"]; o = h.get("syn_options", {}).get("client", {}); a = [f["arp"] for f in s["frames"] if "arp" in f]
print(eval(sys.argv[2]))' "$tmp/j" "$1" 2>/dev/null; }
	set -- $syn
	same "json client_isn" "$(j 'h.get("client_isn")')" "$4"
	same "json client mss" "$(j 'o.get("mss")')" "$(ts -Y "frame.number == $1" -T fields -e tcp.options.mss_val)"
	set -- $synack
	same "json server_isn" "$(j 'h.get("server_isn")')" "$2"
	arp=$(ts -Y 'arp' -T fields -e arp.src.hw_mac -e arp.src.proto_ipv4 -e arp.dst.hw_mac -e arp.dst.proto_ipv4 | head -1)
	[ -z "$arp" ] || same "json arp" "$(j '" ".join(a[0][k] for k in ("sender_mac", "sender_ip", "target_mac", "target_ip"))')" \
		"$(echo $arp)"
	[ $ok = 1 ] && pass=$((pass + 1))
done
echo "answers-tshark: $pass passed, $fail failed"
[ $fail = 0 ]
