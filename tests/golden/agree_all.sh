#!/bin/sh
# agree_all.sh - tshark agreement over the crafted corpus and the shared
# captures: for each, "frames agreeing A of B" from tests/lib/agree.py and
# "reply lines agreeing A of B" from tests/lib/agree_lines.py.
# Then (without CAPTURE arguments) the TCP labels on the impaired captures
# (caps/impaired/NAME-sender + NAME-router) against what really happened,
# from tests/lib/tcptruth.py: ours must be right on at least TRUTH_MIN
# percent (default 97) of the frames of each pair.
# usage: agree_all.sh path/to/smtptrace [CAPTURE...]
# Prints "agree: N passed, N failed" (one test a capture or impaired pair); exits 1 when any
# capture disagrees.  Without tshark it skips (a failure under CI=true).
bin=${1:-build/smtptrace}; shift 2>/dev/null
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tcp=0
[ $# -gt 0 ] || { tcp=1; set -- "$here"/caps/*.pcap; }
[ $tcp = 0 ] || set -- "$@" "$here"/caps/*.pcapng "$here"/caps/tls-smtp/*.pcap \
	"$here"/caps/tls-smtp/*.pcapng "$root"/../shared/captures/*.pcap
tmp=$(mktemp /tmp/agree.XXXXXX.json) || exit 2
trap 'rm -f "$tmp"' EXIT
if ! command -v tshark >/dev/null 2>&1; then
	echo "agree: SKIP: no tshark (scripts/deps.sh installs it)"
	if [ "${CI:-}" = true ]; then echo "agree: 0 passed, 1 failed"; exit 1; fi
	echo "agree: 0 passed, 0 failed"; exit 0
fi
bad=0 good=0
for cap in "$@"; do
	[ -f "$cap" ] || continue
	# not comparable: cut-short and the fuzzer's inputs; smtps*: implicit TLS
	# (tshark shows no SMTP inside TLS without keys); midstream: tshark reads
	# the message body of a capture that starts mid-message as commands,
	# where we resynchronise at real SMTP on purpose; icmp-refused: no SMTP
	# at all (every SYN refused by ICMP; check_icmp.sh compares its ICMP).
	case $(basename "$cap") in cut-short.pcap|fuzz-*|smtps*|midstream.pcap|icmp-refused.pcap) continue ;; esac
	port=25
	case $(basename "$cap") in
	port2525*) port=2525 ;; port10025*|split-greeting*) port=10025 ;; lab-client-aiosmtpd*) port=2527 ;;
	auth-*|starttls*|*-starttls-*) port=587 ;; *-smtps-*) port=465 ;;
	esac
	# SMTP inside TLS: both sides decrypt with the key log beside the capture
	keys=${cap%.*}.keys kl=
	[ -f "$keys" ] && kl="--keylog $keys"
	"$bin" analyze "$cap" --json $kl >"$tmp" 2>/dev/null
	res=$(/usr/bin/python3 "$root/tests/lib/agree.py" "$cap" "$tmp" $port $kl 2>&1)
	rc=$?
	printf '%-34s %s\n' "$(basename "$cap")" "$(printf '%s\n' "$res" | grep 'frames agreeing' | tail -n 1)"
	[ $rc -eq 0 ] && good=$((good + 1))
	[ $rc -eq 0 ] || { bad=$((bad + 1)); printf '%s\n' "$res" | grep -v 'frames agreeing' | sed 's/^/    /'; }
	# every reply line we keep is the line tshark shows (tests/lib/agree_lines.py);
	# not comparable: tshark does not put together a reply line split across
	# TCP segments (ehlo-*, sll2-pipe-split), and shows C1, bidi and invalid
	# bytes its own way (hostile-text)
	case $(basename "$cap") in ehlo-*|sll2-pipe-split*|hostile-text*) continue ;; esac
	res=$(/usr/bin/python3 "$root/tests/lib/agree_lines.py" "$cap" "$tmp" $port $kl 2>&1)
	rc=$?
	printf '%-34s %s\n' "" "$(printf '%s\n' "$res" | tail -n 1)"
	[ $rc -eq 0 ] && good=$((good + 1))
	[ $rc -eq 0 ] || { bad=$((bad + 1)); printf '%s\n' "$res" | sed 's/^/    /'; }
done
if [ $tcp = 1 ]; then
	for snd in "$here"/caps/impaired/*-sender.pcapng; do
		rtr=${snd%-sender.pcapng}-router.pcapng
		[ -f "$rtr" ] || continue
		res=$(/usr/bin/python3 "$root/tests/lib/tcptruth.py" --bin "$bin" --min "${TRUTH_MIN:-97}" "$snd" "$rtr" 2>&1)
		rc=$?
		printf 'tcp %-30s %s\n' "$(basename "${snd%-sender.pcapng}")" "$(printf '%s\n' "$res" | tail -n 1)"
		[ $rc -eq 0 ] && good=$((good + 1))
		[ $rc -eq 0 ] || { bad=$((bad + 1)); printf '%s\n' "$res" | sed 's/^/    /'; }
	done
fi
echo "agree: $good passed, $bad failed"
[ $bad -eq 0 ]
