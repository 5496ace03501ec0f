#!/bin/sh
# exit_checks.sh - inputs the golden runner cannot take (they write to
# stderr): a capture cut short in a record (exit 9, what was read is still
# printed, as text and as valid JSON) and a file that is not a capture
# (exit 8, nothing on stdout).  Three checks; each counts once however
# many of its conditions fail.
bin=${1:-build/smtptrace}
here=$(cd "$(dirname "$0")" && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
pass=0 fail=0
# result NAME PROBLEMS: one check's outcome ("" = passed)
result() {
	if [ -z "$2" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); printf '%s' "$2"; fi
}

p=
out=$("$bin" analyze "$here/caps/cut-short.pcap" --no-color 2>/dev/null); rc=$?
[ $rc -eq 9 ] || p="${p}exit_checks: cut-short: exit $rc, want 9
"
printf '%s\n' "$out" | grep -q '^Input error: capture cut short' || p="${p}exit_checks: cut-short: no input-error line
"
printf '%s\n' "$out" | grep -q 'reply to QUIT: 221' || p="${p}exit_checks: cut-short: frames before the cut missing
"
result cut-short "$p"

p=
out=$("$bin" analyze "$here/caps/cut-short.pcap" --json 2>/dev/null); rc=$?
[ $rc -eq 9 ] && printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' ||
	p="exit_checks: cut-short --json: exit $rc or invalid JSON
"
result cut-short-json "$p"

p=
out=$("$bin" analyze "$here/caps/not-a-capture.txt" 2>/dev/null); rc=$?
[ $rc -eq 8 ] || p="exit_checks: not-a-capture: exit $rc, want 8
"
[ -z "$out" ] || p="${p}exit_checks: not-a-capture: stdout not empty
"
result not-a-capture "$p"

echo "exit_checks: $pass passed, $fail failed"
[ $fail -eq 0 ]
