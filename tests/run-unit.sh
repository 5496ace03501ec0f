#!/bin/sh
# Run every unit-test binary given.  Each ends with unit.h's line
# "FILE: T tests, F failed; C checks, G failed".  Prints the total as
# "unit: T passed, F failed (C checks, G failed)": tests are counted, not
# checks.  A binary that exits non-zero or prints no such line counts as one
# failed test.  UNIT_LABEL replaces "unit" in that line.
pass=0; fail=0; checks=0; cfail=0; bad=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	re='.*: \([0-9][0-9]*\) tests, \([0-9][0-9]*\) failed; \([0-9][0-9]*\) checks, \([0-9][0-9]*\) failed$'
	printf '%s\n' "$out" | grep -v "^$re" >&2
	line=$(printf '%s\n' "$out" | grep "^$re" | tail -n 1)
	set -- $(printf '%s\n' "$line" | sed -n "s/^$re/\\1 \\2 \\3 \\4/p")
	if [ $# -eq 4 ] && [ $rc -eq 0 ] && [ "$2" -eq 0 ] && [ "$4" -eq 0 ]; then
		pass=$((pass + $1)); checks=$((checks + $3))
	elif [ $# -eq 4 ]; then
		[ "$2" -gt 0 ] || set -- "$1" 1 "$3" "$4"   # exit status says failed
		pass=$((pass + $1 - $2)); fail=$((fail + $2))
		checks=$((checks + $3)); cfail=$((cfail + $4)); bad=$((bad + 1))
		echo "FAIL: $t (exit $rc)" >&2
	else
		fail=$((fail + 1)); bad=$((bad + 1))
		echo "FAIL: $t (exit $rc, no summary line)" >&2
	fi
done
echo "${UNIT_LABEL:-unit}: $pass passed, $fail failed ($checks checks, $cfail failed)"
[ $bad -eq 0 ]
