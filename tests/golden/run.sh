#!/bin/sh
# tests/golden/run.sh - golden tests for `smtptrace analyze` (like tcpdump's
# TESTrun).  Usage: run.sh [--update] [-v] path/to/smtptrace [NAME...]
#
# TESTLIST lines:  NAME INPUT-CAPTURE [OPTIONS...]    (# comments, blank lines)
# For each: cd tests/golden; TZ=UTC smtptrace analyze INPUT OPTIONS --no-color
# stdout must equal NAME.out exactly, stderr must be empty, and the exit
# status must equal the number in NAME.rc (no NAME.rc: 0).  --update rewrites
# NAME.out from the current output and records the exit status: NAME.rc is
# written when it is not 0 and removed when it is.
# NAMEs given after the binary select tests.  Prints
# "golden: N passed, N failed" (GOLDEN_LABEL replaces "golden"); exits 1
# when any failed.
update=0 verbose=0
while [ $# -gt 0 ]; do
	case $1 in
	--update) update=1 ;;
	-v) verbose=1 ;;
	-*) echo "usage: $0 [--update] [-v] SMTPTRACE [NAME...]" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 1 ] || { echo "usage: $0 [--update] [-v] SMTPTRACE [NAME...]" >&2; exit 2; }
bin=$1; shift
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "golden: $bin: not executable" >&2; echo "golden: 0 passed, 1 failed"; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
cd "$here" || exit 1
tmp=$(mktemp -d /tmp/smtptrace-golden.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass=0 fail=0 updated=0
selected() {
	[ $# -eq 0 ] && return 0
	for s; do [ "$s" = "$name" ] && return 0; done
	return 1
}
# want_rc: the expected exit status of test $name.
want_rc() {
	if [ -f "$name.rc" ]; then tr -dc 0-9 <"$name.rc"; else echo 0; fi
}
# "$@" holds the selected names; the loop reads TESTLIST on fd 3.
while read -r name input opts <&3; do
	case $name in ''|'#'*) continue ;; esac
	selected "$@" || continue
	out=$tmp/$name.out err=$tmp/$name.err
	# shellcheck disable=SC2086  # options are split like the shell would
	TZ=UTC "$bin" analyze "$input" $opts --no-color >"$out" 2>"$err" </dev/null
	rc=$?
	if [ $update = 1 ]; then
		if [ -s "$err" ]; then
			echo "golden: $name: stderr not empty (exit $rc), not updated:" >&2
			sed 's/^/    /' "$err" >&2
			fail=$((fail + 1))
			continue
		fi
		if ! cmp -s "$out" "$name.out"; then
			cp "$out" "$name.out"; updated=$((updated + 1))
			echo "golden: $name: updated"
		fi
		if [ $rc != "$(want_rc)" ]; then
			if [ $rc = 0 ]; then rm -f "$name.rc"; else echo $rc >"$name.rc"; fi
			updated=$((updated + 1))
			echo "golden: $name: exit status $rc recorded"
		fi
		pass=$((pass + 1))
		continue
	fi
	ok=1
	if [ ! -f "$name.out" ]; then
		echo "golden: FAIL $name: no $name.out (run make golden-update)"; ok=0
	elif ! cmp -s "$out" "$name.out"; then
		echo "golden: FAIL $name (exit $rc): stdout differs from $name.out:"
		diff -u "$name.out" "$out" | sed 's/^/    /' | head -n 200
		ok=0
	fi
	if [ $rc != "$(want_rc)" ]; then
		echo "golden: FAIL $name: exit status $rc, want $(want_rc) ($name.rc)"
		ok=0
	fi
	if [ -s "$err" ]; then
		echo "golden: FAIL $name (exit $rc): stderr not empty:"
		sed 's/^/    /' "$err" | head -n 50
		ok=0
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1)); [ $verbose = 1 ] && echo "golden: ok $name"
	else
		fail=$((fail + 1))
	fi
done 3<TESTLIST

[ $update = 1 ] && echo "golden: $updated file(s) updated"
echo "${GOLDEN_LABEL:-golden}: $pass passed, $fail failed"
[ $fail -eq 0 ]
