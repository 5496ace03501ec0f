#!/bin/sh
# tests/lint/docs.sh BINARY - the documentation agrees with the program:
#  1. every long option of `smtptrace --help` is in docs/smtptrace.1, and
#     every option the man page names is one the program takes (--help or
#     src/cli-opts.c's long_opts: aliases such as --no-colour);
#  2. every line of the man page's OUTPUT samples (its .nf blocks) and of
#     README.md's timeline sample (the block starting "Session 1:") is a line
#     of some golden output (tests/golden/*.out): the samples are the
#     program's real output, regenerated when it changes.  Lines of only
#     "…" (an excerpt left out) and empty lines are skipped.
# Prints "docs: N passed, N failed" and exits 1 on a mismatch.
bin=${1:-build/smtptrace}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
tmp=$(mktemp -d /tmp/smtptrace-docs.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
bad() { echo "docs: $*"; fail=$((fail + 1)); }

# --- 1. options
if [ -x "$bin" ]; then
	"$bin" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$tmp/help"
	sed 's/\\-/-/g' docs/smtptrace.1 | grep -o -- '--[a-z][a-z0-9-]*' | sort -u >"$tmp/man"
	sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)",.*/--\1/p' src/cli-opts.c | sort -u >"$tmp/prog"
	sort -u "$tmp/help" "$tmp/prog" >"$tmp/known"
	n=0
	for o in $(comm -23 "$tmp/help" "$tmp/man"); do bad "$o is in --help but not in docs/smtptrace.1"; n=1; done
	for o in $(comm -23 "$tmp/man" "$tmp/known"); do bad "docs/smtptrace.1 names $o, which smtptrace does not take"; n=1; done
	for o in $(comm -23 "$tmp/prog" "$tmp/man"); do bad "$o (src/cli-opts.c) is not in docs/smtptrace.1"; n=1; done
	[ $n = 0 ] && pass=$((pass + 1))
else
	bad "no binary $bin (make first)"
fi

# --- 2. samples
cat tests/golden/*.out >"$tmp/golden"
# the man page's OUTPUT section: lines inside .nf/.fi, roff escapes undone
awk '/^\.SH /{out = ($0 ~ /^\.SH OUTPUT/)} out && /^\.fi/{nf = 0} out && nf {print} out && /^\.nf/{nf = 1}' \
	docs/smtptrace.1 | sed 's/\\-/-/g; s/\\e/\\/g; s/\\(dq/"/g' >"$tmp/man.samples"
awk '/^```/{if (inb) {inb = 0; done = 1} else if (!done) {getline l; if (l ~ /^Session 1:/) {inb = 1; print l}}; next}
	inb {print}' README.md >"$tmp/readme.samples"
for f in man readme; do
	n=0
	while IFS= read -r line; do
		case $line in ''|*[!\ …]*) ;; *) continue ;; esac
		[ -z "$line" ] && continue
		grep -qxF -- "$line" "$tmp/golden" || { bad "$f sample line not in any golden output: $line"; n=1; }
	done <"$tmp/$f.samples"
	[ -s "$tmp/$f.samples" ] || { bad "$f: no sample found"; n=1; }
	[ $n = 0 ] && pass=$((pass + 1))
done
echo "docs: $pass passed, $fail failed"
[ $fail -eq 0 ]
