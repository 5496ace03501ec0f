#!/bin/bash
# scripts/demo.sh - `make demo`: send one email across a small namespace lab
# (client -> router -> server running postfix) with smtptrace, show the
# annotated timeline, the message as the server stored it, and where the
# capture is.  Needs root.  Usage: scripts/demo.sh [path/to/smtptrace]
# DEMO_SERVER=aiosmtpd uses the aiosmtpd sink instead of postfix.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-./smtptrace}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "demo: $bin not found - run make first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "demo: needs root (network namespaces)" >&2; exit 1; }

for t in ip ethtool dumpcap postfix /usr/bin/python3; do
	if ! command -v "$t" >/dev/null 2>&1 || ! /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
		echo "demo: installing the missing tools (scripts/deps.sh)..."
		sh "$top/scripts/deps.sh" -q || exit 1
		break
	fi
done

. "$top/scripts/lab.sh"
trap lab_down EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

lab_up || exit 1
server=${DEMO_SERVER:-postfix}
if [ "$server" = postfix ]; then
	if ! lab_postfix_start; then
		echo "demo: postfix did not start; using the aiosmtpd sink instead" >&2
		server=aiosmtpd
	fi
fi
[ "$server" = aiosmtpd ] && { lab_sink_start sink || exit 1; }

cd "$top" || exit 1
mkdir -p captures
cap=captures/demo-$(date +%Y%m%d-%H%M%S).pcapng
body="Hello TA,

this message went client -> router -> server through three network namespaces.
.This line starts with a dot: on the wire it is sent as '..This', see DATA.
Cheers,
student"

echo
echo "== ip netns exec $LAB_NS_CLIENT smtptrace send --server $LAB_SERVER_IP ... --fresh-arp -w $cap"
echo "   client 192.0.2.10 -> router 192.0.2.1 / 198.51.100.1 -> $server on $LAB_SERVER_IP"
echo
ip netns exec "$LAB_NS_CLIENT" "$bin" send --server "$LAB_SERVER_IP" \
	--from student@lab.test --to ta@lab.test --subject "Lab 3 demo" \
	--body "$body" --helo client.lab.test --fresh-arp -w "$cap"
rc=$?
echo
[ $rc = 0 ] || echo "demo: smtptrace exited $rc"

echo "== the message as the server stored it ($server)"
if [ "$server" = postfix ]; then
	if lab_postfix_wait_mail ta 1 15; then
		f=$(ls "$LAB_PF_MAIL"/ta/new/* | head -n 1)
		echo "   ($f; postfix added the Return-Path, Delivered-To and Received lines)"
		sed 's/^/   | /' "$f"
	else
		echo "   (nothing delivered; postfix log:)"; sed 's/^/   | /' "$LAB_PF_LOG"
	fi
else
	if lab_wait_file "$LAB_SINK_DIR/msg-1.eml" 5; then
		sed 's/^/   | /' "$LAB_SINK_DIR/msg-1.eml"
	else
		echo "   (nothing arrived)"
	fi
fi
echo
if [ -s "$cap" ]; then
	chmod 644 "$cap"
	echo "== capture: $top/$cap"
	echo "   open it in Wireshark:   wireshark $cap"
	echo "   or in a terminal:       tshark -r $cap"
	echo "   or again with us:       ./smtptrace analyze $cap"
else
	echo "demo: no capture was written"
fi
exit $rc
