#!/bin/sh
# exit_checks.sh - inputs the golden runner cannot take (they write to
# stderr): a capture cut short in a record (exit 9, what was read is still
# printed), a file that is not a capture (exit 8, nothing on stdout) and
# --session N past the last session (exit 2, one line on stderr).
bin=${1:-build/smtptrace}
here=$(cd "$(dirname "$0")" && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
fail=0
out=$("$bin" analyze "$here/caps/cut-short.pcap" --no-color 2>/dev/null); rc=$?
[ $rc -eq 9 ] || { echo "exit_checks: cut-short: exit $rc, want 9"; fail=1; }
printf '%s\n' "$out" | grep -q '^Input error: capture cut short' || { echo "exit_checks: cut-short: no input-error line"; fail=1; }
printf '%s\n' "$out" | grep -q 'reply to QUIT: 221' || { echo "exit_checks: cut-short: frames before the cut missing"; fail=1; }
out=$("$bin" analyze "$here/caps/cut-short.pcap" --json 2>/dev/null); rc=$?
[ $rc -eq 9 ] && printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' ||
	{ echo "exit_checks: cut-short --json: exit $rc or invalid JSON"; fail=1; }
out=$("$bin" analyze "$here/caps/not-a-capture.txt" 2>/dev/null); rc=$?
[ $rc -eq 8 ] || { echo "exit_checks: not-a-capture: exit $rc, want 8"; fail=1; }
[ -z "$out" ] || { echo "exit_checks: not-a-capture: stdout not empty"; fail=1; }
err=$("$bin" analyze "$here/caps/eth-basic.pcap" --session 2 --summary 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] || { echo "exit_checks: --session past the last: exit $rc, want 2"; fail=1; }
[ "$err" = "smtptrace: --session 2: $here/caps/eth-basic.pcap has 1 SMTP session" ] ||
	{ echo "exit_checks: --session past the last: stderr '$err'"; fail=1; }
"$bin" analyze "$here/caps/eth-basic.pcap" --session 1 --summary >/dev/null 2>&1 ||
	{ echo "exit_checks: --session 1: exit $?, want 0"; fail=1; }
echo "exit_checks: $((3 - fail)) passed, $fail failed"
exit $fail
