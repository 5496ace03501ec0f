#!/bin/sh
# check_json.sh - every --json golden output validates against the
# documented schema (docs/json-schema.json) and is strict UTF-8 (RFC 8259:
# invalid bytes from the wire appear as U+FFFD, controls as \u escapes).
here=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0
for name in $(awk '!/^#/ && / --json/ {print $1}' "$here/TESTLIST"); do
	if ! /usr/bin/python3 -c 'import json, sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))' \
	        "$here/$name.out" 2>/dev/null; then
		echo "check_json: $name.out is not strict UTF-8 JSON" >&2
		fail=$((fail + 1))
	elif /usr/bin/python3 "$here/../lib/check_schema.py" "$here/../../docs/json-schema.json" "$here/$name.out" >/dev/null; then
		pass=$((pass + 1))
	else
		echo "check_json: $name.out does not match docs/json-schema.json" >&2
		fail=$((fail + 1))
	fi
done
echo "schema: $pass passed, $fail failed"
[ $fail -eq 0 ]
