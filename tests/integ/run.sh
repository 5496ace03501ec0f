#!/bin/sh
# tests/integ/run.sh - run the integration tests (tests/integ/t_*.sh).
# Usage: run.sh [--tsan] [-v] path/to/smtptrace [NAME...]
#
# Each test exits 0 (pass), 1 (fail) or 77 (skip) and prints one line; its
# stderr is kept and shown when it fails (always with -v).  Without root or
# without `ip netns` everything is skipped with one clear line.  --tsan runs
# only the tests with a "# tsan" tag line (the capture-thread tests), with
# TSAN_OPTIONS="halt_on_error=1 exitcode=66".  Prints
# "integ: N passed, N failed, N skipped"; exits 1 when any failed.
# Under CI=true a suite where every test was skipped (no root, no netns, or
# each test skipping itself) is a failure: it counts as one failed test, so
# CI cannot pass without ever running send or the capture thread.
tsan=0 verbose=0
while [ $# -gt 0 ]; do
	case $1 in
	--tsan) tsan=1 ;;
	-v) verbose=1 ;;
	-*) echo "usage: $0 [--tsan] [-v] SMTPTRACE [NAME...]" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -ge 1 ] || { echo "usage: $0 [--tsan] [-v] SMTPTRACE [NAME...]" >&2; exit 2; }
bin=$1; shift
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
label=${INTEG_LABEL:-integ}
[ $tsan = 1 ] && label=integ-tsan

tests=
for t in "$here"/t_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ $# -gt 0 ]; then
		sel=0
		for s; do [ "$s" = "$name" ] && sel=1; done
		[ $sel = 1 ] || continue
	fi
	if [ $tsan = 1 ] && ! grep -q '^# tsan' "$t"; then continue; fi
	tests="$tests $t"
done
ntests=$(echo $tests | wc -w)

why=
if [ "$(id -u)" != 0 ]; then
	why="not root"
elif ! command -v ip >/dev/null 2>&1; then
	why="no ip(8)"
else
	probe=st-$$-probe
	if ip netns add $probe 2>/dev/null; then
		ip netns del $probe
	else
		why="ip netns unavailable (ip netns add failed)"
	fi
fi
# all_skipped SKIPPED: the closing line when nothing ran.
all_skipped() {
	if [ "${CI:-}" = true ] && [ "$1" -gt 0 ]; then
		echo "$label: FAIL: all $1 tests skipped under CI=true"
		echo "$label: 0 passed, 1 failed, $1 skipped"
		exit 1
	fi
	echo "$label: 0 passed, 0 failed, $1 skipped"
	exit 0
}
if [ -n "$why" ]; then
	echo "$label: SKIP all $ntests tests: $why (the integration tests need root and network namespaces)"
	all_skipped "$ntests"
fi

export SMTPTRACE="$bin"
if [ $tsan = 1 ]; then
	export INTEG_TSAN=1
	export TSAN_OPTIONS="halt_on_error=1 exitcode=66"
fi
logdir=$(mktemp -d /tmp/smtptrace-integ.XXXXXX) || exit 1
trap 'rm -rf "$logdir"' EXIT
trap 'exit 130' INT TERM

pass=0 fail=0 skip=0
for t in $tests; do
	name=$(basename "$t" .sh)
	limit=300
	case $name in t_big|t_ref_clients) limit=900 ;; esac
	before=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)
	# Tests get "[--tsan] SMTPTRACE" as arguments (and $SMTPTRACE), and run
	# under the shell their first line names.
	case $(head -n 1 "$t") in *bash*) shell=bash ;; *) shell=sh ;; esac
	if [ $tsan = 1 ]; then set -- --tsan "$bin"; else set -- "$bin"; fi
	timeout -k 30 $limit $shell "$t" "$@" >"$logdir/$name.out" 2>"$logdir/$name.err" </dev/null
	rc=$?
	line=$(grep . "$logdir/$name.out" | tail -n 1)
	# A test killed by the timeout may leave its lab behind: remove the
	# namespaces that appeared during this test and whose creator is gone.
	after=$(ip netns list 2>/dev/null | awk '{print $1}' | sort)
	for ns in $(printf '%s\n' "$after" | grep '^st-[0-9]*-' | grep -vxF "$before"); do
		pid=$(echo "$ns" | cut -d- -f2)
		kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
	done
	[ -n "$line" ] || line="$name: (no output)"
	case $rc in
	0) pass=$((pass + 1)); echo "  $line" ;;
	77) skip=$((skip + 1)); echo "  $line" ;;
	*)
		fail=$((fail + 1))
		[ $rc = 124 ] && line="$line (timed out after ${limit}s)"
		echo "  $line (exit $rc)"
		;;
	esac
	if [ $rc != 0 ] && [ $rc != 77 ] || [ $verbose = 1 ]; then
		[ -s "$logdir/$name.err" ] && tail -n 60 "$logdir/$name.err" | sed 's/^/      /'
	fi
done
[ $pass -eq 0 ] && [ $fail -eq 0 ] && all_skipped "$skip"
echo "$label: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
