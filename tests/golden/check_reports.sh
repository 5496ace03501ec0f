#!/bin/sh
# tests/golden/check_reports.sh - `--svg FILE` and `--html FILE`.
# Usage: check_reports.sh [--update] path/to/smtptrace
# For each capture: the SVG equals report-NAME.svg (golden; --update
# rewrites it); the SVG and the HTML are well-formed XML (xml.etree) and
# the HTML parses (html.parser); neither refers to anything outside itself
# (no href/src, no url() but #fragments, no @import, no script); no raw
# control byte from the wire got through (hostile-text); rendered by
# rsvg-convert when it is installed.  A symlink as FILE is refused.
update=0
[ "$1" = --update ] && { update=1; shift; }
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/smtptrace-rep.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
bad() { echo "reports: $name: $*" >&2; fail=$((fail + 1)); }
for name in eth-basic lab-gateway hostile-text interleaved null-bigbody; do
	in=$here/caps/$name.pcap
	(cd "$tmp" && "$bin" analyze "$in" --summary --svg "$name.svg" --html "$name.html" >/dev/null 2>"$name.err") ||
		{ bad "exit $?: $(cat "$tmp/$name.err")"; continue; }
	[ $update = 1 ] && cp "$tmp/$name.svg" "$here/report-$name.svg"
	cmp -s "$tmp/$name.svg" "$here/report-$name.svg" || { bad "SVG differs from report-$name.svg"; continue; }
	r=$(python3 - "$tmp/$name.svg" "$tmp/$name.html" <<'PY'
import re, sys, xml.etree.ElementTree as ET
from html.parser import HTMLParser
for p in sys.argv[1:]:
    data = open(p, "rb").read()
    text = data.decode("utf-8")            # valid UTF-8 or an exception
    ET.fromstring(data)                     # well-formed
    if p.endswith(".html"):
        HTMLParser().feed(text)
    if re.search(r'\b(href|src)\s*=|@import|<script|url\((?!#)', text):
        print(p, "refers outside itself"); sys.exit(1)
    if re.search(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]', text):
        print(p, "holds a control character"); sys.exit(1)
PY
) || { bad "$r"; continue; }
	if command -v rsvg-convert >/dev/null 2>&1; then
		rsvg-convert "$tmp/$name.svg" -o "$tmp/$name.png" 2>/dev/null || { bad "rsvg-convert failed"; continue; }
	fi
	pass=$((pass + 1))
done
name=symlink
ln -s "$tmp/target" "$tmp/link.svg"
"$bin" analyze "$here/caps/eth-basic.pcap" --summary --svg "$tmp/link.svg" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 70 ] && [ ! -e "$tmp/target" ]; then pass=$((pass + 1)); else bad "exit $rc"; fi
command -v rsvg-convert >/dev/null 2>&1 || echo "reports: rsvg-convert not installed: SVGs checked as XML only"
echo "reports: $pass passed, $fail failed"
[ $fail = 0 ]
