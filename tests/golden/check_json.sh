#!/bin/sh
# check_json.sh - every --json golden output validates against the
# documented schema (docs/json-schema.json).
here=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0
for name in $(awk '!/^#/ && / --json/ {print $1}' "$here/TESTLIST"); do
	if /usr/bin/python3 "$here/../lib/check_schema.py" "$here/../../docs/json-schema.json" "$here/$name.out" >/dev/null; then
		pass=$((pass + 1))
	else
		echo "check_json: $name.out does not match docs/json-schema.json" >&2
		fail=$((fail + 1))
	fi
done
echo "schema: $pass passed, $fail failed"
[ $fail -eq 0 ]
