#!/bin/sh
# tests/lint/includes.sh [ROOT] - the include rules of docs/architecture.md,
# checked over src/*.c and include/*.h, following project headers
# ("quoted" includes found in include/ or src/) transitively:
#
#  1. the analysis side never includes the client or its transport:
#     engine*, flow-*, tcp-*, smtp*, tls-*, dec-*, decode*, print-*, reasm*,
#     stream*, scan*, session*, timeline*, out-*, out, render* must not
#     reach client*.h or transport*.h;
#  2. the engine and the TCP/SMTP/TLS/decoder layers never include an
#     output: engine*, flow-*, tcp-*, smtp*, tls-*, dec-*, decode*, print-*,
#     reasm*, stream*, scan*, session*, timeline* must not reach out-*.h,
#     out.h or render*.h;
#  3. decoders know nothing above them: print-* and dec-* include only
#     decode*.h, dec-*.h and extract.h of the project's headers, and no
#     libpcap, OpenSSL or libmagic header.
#
# Both today's file names and the stage prefixes are matched.  Known
# violations being removed are listed in tests/lint/includes.allow
# ("FILE HEADER" a line): they are reported but do not fail; an allow line
# that no longer matches anything is reported as stale.
# Prints "includes: N passed, N failed" (one test a rule) and exits 1 on a
# violation.
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root" || exit 2
allow=tests/lint/includes.allow

# direct FILE: the project headers FILE includes with quotes (paths)
direct() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1" |
	while read -r h; do
		for d in "$(dirname "$1")" include src; do
			[ -f "$d/$h" ] && { echo "$d/$h"; break; }
		done
	done
}
# closure FILE: every project header FILE reaches, one a line (basename)
closure() {
	seen=" "
	todo=$1
	while [ -n "$todo" ]; do
		set -- $todo
		f=$1; shift; todo=$*
		for h in $(direct "$f"); do
			case $seen in *" $h "*) continue ;; esac
			seen="$seen$h "
			todo="$todo $h"
		done
	done
	for h in $seen; do basename "$h"; done
}
# system FILE: the <angle> includes of FILE
system() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$1"
}

viol=0 allowed=0
r1=0 r2=0 r3=0
used_allow=
report() { # RULE FILE HEADER WHY
	if [ -f "$allow" ] && grep -q "^$2 $3\( \|\$\)" "$allow"; then
		allowed=$((allowed + 1)); used_allow="$used_allow|$2 $3|"
		echo "includes: allowed (includes.allow): $2 reaches $3: $4"
		return
	fi
	viol=$((viol + 1))
	eval "r$1=\$((r$1 + 1))"
	echo "includes: rule $1: $2 reaches $3: $4"
}

for f in src/*.c include/*.h; do
	[ -f "$f" ] || continue
	b=$(basename "$f"); n=${b%.*}
	analysis=0 core=0 decoder=0
	case $n in
	smtptrace*) ;;          # the program's top-level header, not a layer
	engine*|flow-*|flow_*|tcp-*|tcp_*|smtp*|tls-*|tls_*|dec-*|dec_*|decode*|print-*|\
	reasm*|stream*|scan*|session*|timeline*)
		analysis=1 core=1 ;;
	out-*|out|render*) analysis=1 ;;
	esac
	case $n in print-*|dec-*|dec_*) decoder=1 ;; esac
	[ $analysis = 1 ] || continue
	hs=$(closure "$f")
	for h in $hs; do
		case $h in client*.h|transport*.h)
			report 1 "$f" "$h" "the analysis side never includes the client" ;;
		esac
		if [ $core = 1 ]; then
			case $h in out-*.h|out.h|render*.h)
				report 2 "$f" "$h" "the engine and the protocol layers never include an output" ;;
			esac
		fi
		if [ $decoder = 1 ]; then
			case $h in decode*.h|dec-*.h|dec_*.h|extract.h) ;;
			*) report 3 "$f" "$h" "decoders include only decode headers and extract.h" ;;
			esac
		fi
	done
	if [ $decoder = 1 ]; then
		for h in $(system "$f"); do
			case $h in pcap.h|pcap/pcap.h|openssl/*|magic.h)
				report 3 "$f" "<$h>" "decoders include only decode headers, extract.h and libc" ;;
			esac
		done
	fi
done

if [ -f "$allow" ]; then
	grep -v '^[[:space:]]*\(#\|$\)' "$allow" | while read -r file hdr _; do
		case $used_allow in *"|$file $hdr|"*) ;;
		*) echo "includes: stale line in $allow (no longer needed): $file $hdr" ;;
		esac
	done
fi
fail=0
for r in $r1 $r2 $r3; do [ "$r" -gt 0 ] && fail=$((fail + 1)); done
[ $allowed -gt 0 ] && echo "includes: $allowed known violation(s) allowed by $allow"
echo "includes: $((3 - fail)) passed, $fail failed"
[ $viol -eq 0 ]
