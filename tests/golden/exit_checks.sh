#!/bin/sh
# exit_checks.sh - inputs the golden runner cannot take (they write to
# stderr): a capture cut short in a record (exit 9, what was read is still
# printed, as text and as valid JSON), a file that is not a capture (exit 8,
# nothing on stdout) and --session N past the last session (exit 2, one line
# on stderr).  Four checks; each counts once however many of its conditions
# fail.
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

p=
err=$("$bin" analyze "$here/caps/eth-basic.pcap" --session 2 --summary 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || p="exit_checks: --session past the last: exit $rc, want 2
"
[ "$err" = "smtptrace: --session 2: $here/caps/eth-basic.pcap has 1 SMTP session" ] ||
	p="${p}exit_checks: --session past the last: stderr '$err'
"
"$bin" analyze "$here/caps/eth-basic.pcap" --session 1 --summary >/dev/null 2>&1 ||
	p="${p}exit_checks: --session 1: exit $?, want 0
"
result session-past-last "$p"

echo "exit_checks: $pass passed, $fail failed"
[ $fail -eq 0 ]
