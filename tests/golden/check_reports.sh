#!/bin/sh
# tests/golden/check_reports.sh - `--svg FILE` and `--html FILE`.
# Usage: check_reports.sh [--update] path/to/smtptrace
# For each capture: the SVG equals report-NAME.svg (golden; --update
# rewrites it); the SVG and the HTML are well-formed XML (xml.etree) and
# the HTML parses (html.parser); neither refers to anything outside itself
# (no href/src, no url() but #fragments, no @import, no script); no raw
# control byte from the wire got through (hostile-text); rendered by
# rsvg-convert, and the HTML parsed and rendered by Chromium's headless shell,
# when they are installed (deps.sh installs both).  A symlink as FILE is refused.
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
# A real browser engine, when Debian's chromium-headless-shell is there
# (deps.sh installs it): the HTML as Chromium parsed it holds every section,
# the SVG as an SVG element, and the answers with real line breaks; and it
# renders to a screenshot.
browser() {
	timeout 120 chromium-headless-shell --no-sandbox --disable-gpu --user-data-dir="$tmp/chrome" \
		--window-size=1200,1600 "$@" 2>/dev/null
}
if command -v chromium-headless-shell >/dev/null 2>&1; then
	for name in lab-gateway hostile-text; do
		browser --dump-dom "file://$tmp/$name.html" >"$tmp/$name.dom" || { bad "chromium exit $?"; continue; }
		r=$(python3 - "$tmp/$name.dom" <<'PY'
import sys
dom = open(sys.argv[1], encoding="utf-8").read()
for need in ("<h3>Ladder</h3>", "<svg", "<h3>Timeline</h3>", "<h3>Answers</h3>", "Lab checklist"):
    if need not in dom:
        print("the browser's DOM lacks", need); sys.exit(1)
pre = dom.split("<h3>Answers</h3>", 1)[1]
if "\\x0a" in pre or pre.count("\n") < 10:
    print("the answers lost their line breaks"); sys.exit(1)
PY
) || { bad "$r"; continue; }
		pass=$((pass + 1))
	done
	name=screenshot
	if (cd "$tmp" && browser --screenshot="$tmp/shot.png" "file://$tmp/lab-gateway.html" >/dev/null) &&
	   [ "$(wc -c <"$tmp/shot.png")" -gt 20000 ]; then
		pass=$((pass + 1))
	else
		bad "chromium rendered no screenshot"
	fi
else
	echo "reports: chromium-headless-shell not installed: HTML checked by parsers only"
fi
name=symlink
ln -s "$tmp/target" "$tmp/link.svg"
"$bin" analyze "$here/caps/eth-basic.pcap" --summary --svg "$tmp/link.svg" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 70 ] && [ ! -e "$tmp/target" ]; then pass=$((pass + 1)); else bad "exit $rc"; fi
command -v rsvg-convert >/dev/null 2>&1 || echo "reports: rsvg-convert not installed: SVGs checked as XML only"
echo "reports: $pass passed, $fail failed"
[ $fail = 0 ]
