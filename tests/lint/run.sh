#!/bin/sh
# tests/lint/run.sh [-v] [BUILD] - `make lint`: cppcheck and clang-tidy over src/
# with the checked-in configuration, and the include rules
# (tests/lint/includes.sh).
#
#  - cppcheck: --enable=warning,portability,performance (its "style" class
#    is mostly false positives on this code with cppcheck 2.10); findings
#    to ignore go in tests/lint/cppcheck.supp (cppcheck's own format).
#  - clang-tidy: .clang-tidy at the top; the checks it lists under
#    WarningsAsErrors fail, the advisory ones are counted (-v lists them).
#    A reviewed false positive goes in tests/lint/tidy.supp as
#    "FILE CHECK  # why" (FILE relative to the top, e.g. src/client.c).
#    Files are checked in parallel (LINT_JOBS, default: the CPU count); a
#    file's result is kept in BUILD/lint-cache (default build) under a key
#    made of the file, every header, .clang-tidy and the clang-tidy
#    version, so only what changed is analysed again.
#  - includes.sh: see its header and docs/architecture.md.
#  - docs.sh: --help and the man page name the same options; the man page's
#    and README's output samples are lines of golden outputs.
# Prints "lint: N passed, N failed" (one test a tool); a missing tool is
# skipped, or fails under CI=true.
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
cache=${1:-build}/lint-cache
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
jobs=${LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}
tmp=$(mktemp -d /tmp/smtptrace-lint.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
pass=0 fail=0 skip=0

missing() { # TOOL
	echo "lint: SKIP $1: not installed (scripts/deps.sh installs it)"
	if [ "${CI:-}" = true ]; then fail=$((fail + 1)); else skip=$((skip + 1)); fi
}

# --- cppcheck
if command -v cppcheck >/dev/null 2>&1; then
	if cppcheck --enable=warning,portability,performance --std=c11 --inline-suppr \
		--suppressions-list=tests/lint/cppcheck.supp -D_GNU_SOURCE -Iinclude \
		--quiet --error-exitcode=1 -j "$jobs" src/ 2>"$tmp/cppcheck"; then
		pass=$((pass + 1)); echo "lint: cppcheck: clean"
	else
		fail=$((fail + 1)); echo "lint: cppcheck: FAIL"; sed 's/^/    /' "$tmp/cppcheck"
	fi
else
	missing cppcheck
fi

# --- clang-tidy
if command -v clang-tidy >/dev/null 2>&1; then
	flags="-std=c11 -D_GNU_SOURCE -Iinclude $($PKG_CONFIG --cflags libpcap libssl libcrypto 2>/dev/null)"
	mkdir -p "$cache" || exit 2
	common=$( (clang-tidy --version; echo "$flags"; cat .clang-tidy include/*.h src/*.h 2>/dev/null) | cksum | tr ' ' -)
	todo=
	for f in src/*.c; do
		key=$(basename "$f").$( (echo "$common"; cat "$f") | cksum | tr ' ' -)
		if [ -f "$cache/$key" ]; then
			cp "$cache/$key" "$tmp/tidy.$(basename "$f")"
		else
			todo="$todo $f:$key"
		fi
	done
	export flags tmp cache
	# one output file a source file, LINT_JOBS at a time; cached when
	# clang-tidy ran to the end
	printf '%s\n' $todo | grep . | xargs -P "$jobs" -I{} sh -c '
		f=${1%%:*} key=${1#*:} o="$tmp/tidy.$(basename "${1%%:*}")"
		clang-tidy --quiet "$f" -- $flags >"$o" 2>&1
		[ $? -le 1 ] && cp "$o" "$cache/$key"' sh {}
	cat "$tmp"/tidy.* 2>/dev/null | grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' |
		sed "s|^$root/||" | sort -u >"$tmp/tidy"
	# drop the reviewed false positives
	: >"$tmp/tidy.kept"
	while IFS= read -r line; do
		f=${line%%:*}
		chk=$(printf '%s\n' "$line" | sed -n 's/.*\[\([^],]*\)[],].*/\1/p')
		if grep -q "^$f $chk\\( \\|\$\\)" tests/lint/tidy.supp 2>/dev/null; then
			continue
		fi
		printf '%s\n' "$line" >>"$tmp/tidy.kept"
	done <"$tmp/tidy"
	grep -E ': error:' "$tmp/tidy.kept" >"$tmp/tidy.err"
	grep -vE ': error:' "$tmp/tidy.kept" >"$tmp/tidy.adv"
	nadv=$(wc -l <"$tmp/tidy.adv" | tr -d ' ')
	if [ -s "$tmp/tidy.err" ]; then
		fail=$((fail + 1)); echo "lint: clang-tidy: FAIL"; sed 's/^/    /' "$tmp/tidy.err"
	else
		pass=$((pass + 1)); echo "lint: clang-tidy: clean ($nadv advisory warnings)"
	fi
	if [ "$nadv" -gt 0 ]; then
		if [ $verbose = 1 ]; then
			sed 's/^/    /' "$tmp/tidy.adv"
		else
			sed -n 's/.*\[\([^],]*\)[],].*/\1/p' "$tmp/tidy.adv" | sort | uniq -c |
				sed 's/^ */    /; s/$/ (advisory; sh tests\/lint\/run.sh -v lists them)/'
		fi
	fi
else
	missing clang-tidy
fi

# --- include rules
if sh tests/lint/includes.sh "$root" >"$tmp/includes"; then
	pass=$((pass + 1)); grep -v ': [0-9]* passed, ' "$tmp/includes" | grep -v '^includes: allowed' | sed 's/^/    /'
	echo "lint: includes: clean"
else
	fail=$((fail + 1)); echo "lint: includes: FAIL"; grep -v ': [0-9]* passed, ' "$tmp/includes" | sed 's/^/    /'
fi

# --- the documentation against the program (options, output samples)
if sh tests/lint/docs.sh "${1:-build}/smtptrace" >"$tmp/docs"; then
	pass=$((pass + 1)); echo "lint: docs: clean"
else
	fail=$((fail + 1)); echo "lint: docs: FAIL"; grep -v ': [0-9]* passed, ' "$tmp/docs" | sed 's/^/    /'
fi

if [ $skip -gt 0 ]; then
	echo "lint: $pass passed, $fail failed, $skip skipped"
else
	echo "lint: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
