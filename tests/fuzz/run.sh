#!/bin/sh
# tests/fuzz/run.sh [SECONDS] - build the engine fuzzer with clang's
# libFuzzer + ASan + UBSan, seed a corpus from the project's captures and run
# it for SECONDS (default: $FUZZ_SECONDS, else 60).  See docs/fuzzing.md.
# FUZZ_TARGET=tls fuzzes the TLS key log parser and record decryption
# instead (tests/fuzz/fuzz_tls.c, seeded from tests/golden/caps/tls);
# FUZZ_TARGET=reply the client's reply reader (tests/fuzz/fuzz_reply.c: the
# whole client against a hostile server).
#
# Environment: FUZZ_SECONDS, FUZZ_JOBS (parallel fuzzing processes, default
# 1), CLANG (default clang), FUZZ_ARGS (extra libFuzzer flags), FUZZ_TARGET
# (engine, the default, tls or reply).
# Exit status: 0 no crash, 1 a crash/leak/timeout was found (saved under
# build-fuzz/crashes/), 2 the fuzzer could not be built or run.
set -u

cd "$(dirname "$0")/../.." || exit 2
SECONDS_=${1:-${FUZZ_SECONDS:-60}}
JOBS=${FUZZ_JOBS:-1}
CLANG=${CLANG:-clang}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
B=build-fuzz
TARGET=${FUZZ_TARGET:-engine}
case $TARGET in
engine|reply|tls) ;;
*) echo "fuzz: FUZZ_TARGET must be engine, tls or reply, not '$TARGET'" >&2; exit 2 ;;
esac

case $SECONDS_ in
''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number, not '$SECONDS_'" >&2; exit 2 ;;
esac
if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "fuzz: $CLANG not found (apt-get install clang)" >&2
	exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "fuzz: python3 not found (needed to convert the seed captures)" >&2
	exit 2
fi
CORPUS=$B/corpus
[ "$TARGET" = reply ] && CORPUS=$B/corpus-reply
mkdir -p "$CORPUS" "$B/seeds" "$B/crashes" || exit 2

# --- build -----------------------------------------------------------------
PCAP_CFLAGS=$($PKG_CONFIG --cflags libpcap 2>/dev/null)
PCAP_LIBS=$($PKG_CONFIG --libs libpcap 2>/dev/null || echo -lpcap)
SSL_LIBS=$($PKG_CONFIG --libs libssl libcrypto 2>/dev/null || echo '-lssl -lcrypto')
# what src/ links besides libpcap: libmagic (MIME types), libresolv (MX)
SSL_LIBS="$SSL_LIBS $($PKG_CONFIG --libs libmagic 2>/dev/null || echo -lmagic) -lresolv"
FUZZ_CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Iinclude"
SRCS=
for f in src/*.c; do
	[ "$f" = src/main.c ] || SRCS="$SRCS $f"
done
VERSION=$(sed -n 's/^VERSION *:*= *//p' Makefile 2>/dev/null | head -n 1)

# run_fuzzer BINARY CORPUS DICT|- [SEED-DIR...]: run for SECONDS_, report
# and exit with this script's status.
run_fuzzer() {
	bin=$1 corpus=$2 dict=$3
	shift 3
	before=$(ls "$B/crashes" | wc -l)
	echo "fuzz: running $bin for $SECONDS_ s ($JOBS process(es)); crashes go to $B/crashes/"
	FORK=
	[ "$JOBS" -gt 1 ] 2>/dev/null && FORK="-fork=$JOBS"
	DICT=
	[ "$dict" = - ] || DICT="-dict=$dict"
	# shellcheck disable=SC2086
	"$bin" $FORK -max_total_time="$SECONDS_" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 $DICT -artifact_prefix="$B/crashes/" \
		-print_final_stats=1 ${FUZZ_ARGS:-} "$corpus" "$@" > "$B/fuzz.log" 2>&1
	rc=$?
	after=$(ls "$B/crashes" | wc -l)
	grep '^stat::' "$B/fuzz.log"
	if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
		# the sanitizer's or libFuzzer's report, without the shadow-byte legend
		grep -m 1 -A 12 -e 'ERROR: ' -e 'runtime error' -e '^SUMMARY' "$B/fuzz.log" >&2 ||
			tail -n 25 "$B/fuzz.log" >&2
		echo "fuzz: FAILED (libFuzzer exit $rc); new files in $B/crashes/:" >&2
		ls -t "$B/crashes" | head -n $((after - before > 0 ? after - before : 1)) >&2
		echo "fuzz: reproduce with: $bin $B/crashes/FILE; full log in $B/fuzz.log" >&2
		exit 1
	fi
	echo "fuzz: no crash in $SECONDS_ s; corpus now $(ls "$corpus" | wc -l | tr -d ' ') inputs (log: $B/fuzz.log)"
	exit 0
}

if [ "$TARGET" = tls ]; then
	echo "fuzz: building $B/fuzz_tls with $CLANG"
	# shellcheck disable=SC2086
	# the key log and the decryption layer (the record parser tls-layer.c
	# and its hooks belong to the engine: they need app.c and the dissector)
	"$CLANG" $FUZZ_CFLAGS -o "$B/fuzz_tls" tests/fuzz/fuzz_tls.c \
		$(ls src/tls-*.c | grep -v -e tls-layer.c -e tls-hooks.c) \
		src/util-mem.c $SSL_LIBS -lpthread || { echo "fuzz: build failed" >&2; exit 2; }
	mkdir -p "$B/tls-corpus" "$B/tls-seeds" || exit 2
	rm -f "$B/tls-seeds"/*
	for f in tests/golden/caps/tls/*.pcap; do
		n=$(basename "$f" .pcap)
		python3 tests/fuzz/tls2seed.py "$f" "${f%.pcap}.keys" "$B/tls-seeds/$n" || exit 2
	done
	echo "fuzz: $(ls "$B/tls-seeds" | wc -l | tr -d ' ') seed files, $(ls "$B/tls-corpus" | wc -l | tr -d ' ') in the kept corpus"
	run_fuzzer "$B/fuzz_tls" "$B/tls-corpus" - "$B/tls-seeds"
fi
echo "fuzz: building $B/fuzz_$TARGET with $CLANG"
# shellcheck disable=SC2086
if ! "$CLANG" $FUZZ_CFLAGS $PCAP_CFLAGS -DSMTPTRACE_VERSION="\"${VERSION:-fuzz}\"" \
	-o "$B/fuzz_$TARGET" "tests/fuzz/fuzz_$TARGET.c" $SRCS $PCAP_LIBS $SSL_LIBS -lpthread; then
	echo "fuzz: build failed" >&2
	exit 2
fi

# --- seeds -----------------------------------------------------------------
# Regenerated every run into $B/seeds; what the fuzzer finds goes to
# $B/corpus and is kept between runs.
rm -f "$B/seeds"/*
n=0
seed_from() { # CAPTURE NAME
	for fmt in 0 1 2; do
		python3 tests/fuzz/pcap2seed.py --format "$fmt" --max-bytes 32768 \
			"$1" "$B/seeds/$2.f$fmt" 2>/dev/null && n=$((n + 1))
	done
	# an Ethernet capture also seeds the other link types
	for l in sll sll2 null raw; do
		python3 tests/fuzz/pcap2seed.py --relink "$l" --max-bytes 32768 \
			"$1" "$B/seeds/$2.$l" 2>/dev/null && n=$((n + 1))
	done
}
# the reply fuzzer: whole dialogues as the server's reads (fuzz_reply.c)
reply_seeds() {
	python3 - "$B/seeds" <<'PY'
import os, sys
d = sys.argv[1]
def seed(name, flags, reads):
    b = bytes([flags])
    for r in reads:
        while len(r) > 255:
            b += bytes([255]) + r[:255]
            r = r[255:]
        b += bytes([len(r)]) + r
    open(os.path.join(d, name), "wb").write(b)
ok = [b"220 mx ESMTP\r\n", b"250-mx\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2\r\n250 STARTTLS\r\n",
      b"250 2.1.0 ok\r\n", b"250 2.1.5 ok\r\n", b"354 go\r\n", b"250 2.0.0 queued\r\n", b"221 bye\r\n"]
seed("ok", 0, ok)
seed("starttls", 8, ok[:2] + [b"220 go\r\n250 injected\r\n"])
seed("ok-split", 0, [c for r in ok for c in (r[:2], b"", r[2:])])
seed("two-rcpt", 1, ok[:3] + [b"550 5.1.1 no\r\n", b"250-looks ok\r\n550 no\r\n"] + ok[4:])
seed("early", 0, [b"".join(ok)])
seed("helo", 0, [ok[0], b"502 no\r\n", b"250 hi\r\n"] + ok[2:])
seed("flood", 0, [ok[0]] + [b"250-x\r\n" * 40] * 30)
seed("esc", 0, [b"220 \x1b]52;c;x\x07 \x9b \xc2\x9b \xe2\x80\xae\r\n", b"421 \x1b[2J\r\n"])
seed("reader", 4, ok)
# AUTH (flags 16; mechanism in bits 5-6: auto/PLAIN, LOGIN, CRAM-MD5, XOAUTH2)
seed("auth-plain", 16, ok[:2] + [b"235 ok\r\n"] + ok[2:])
seed("auth-login", 16 | 32, ok[:2] + [b"334 VXNlcm5hbWU6\r\n", b"334 UGFzc3dvcmQ6\r\n",
     b"235 ok\r\n"] + ok[2:])
seed("auth-cram", 16 | 64, ok[:2] + [b"334 PDEyMzRAbXg+\r\n", b"535 no\r\n", b"221 bye\r\n"])
seed("auth-xoauth2", 16 | 96, ok[:2] + [b"334 eyJzdGF0dXMiOiI0MDEifQ==\r\n", b"535 no\r\n",
     b"221 bye\r\n"])
PY
}
if [ "$TARGET" = reply ]; then
	reply_seeds && n=$(ls "$B/seeds" | wc -l)
fi
[ "$TARGET" = reply ] ||
for f in tests/golden/*.pcap* tests/golden/*/*.pcap* ../shared/captures/*.pcap; do
	[ -f "$f" ] || continue
	seed_from "$f" "$(basename "$(dirname "$f")")-$(basename "$f" | tr -c 'A-Za-z0-9._\n-' _)"
done
# synthetic sessions from the benchmark generator: IPv6, pipelining,
# retransmissions, dot-stuffing, ports 587/2525
if [ "$TARGET" = engine ] && cc -std=c11 -D_GNU_SOURCE -O2 -o "$B/gencap" bench/gencap.c 2>/dev/null; then
	for s in 11 12 13; do
		"$B/gencap" -o "$B/gen$s.pcap" -p 400 -c 2 -s "$s" 2>/dev/null &&
			seed_from "$B/gen$s.pcap" "gencap$s"
	done
fi
echo "fuzz: $(ls "$B/seeds" | wc -l | tr -d ' ') seed files, $(ls "$CORPUS" | wc -l | tr -d ' ') in the kept corpus"

# a dictionary of SMTP and protocol tokens
cat > "$B/smtp.dict" <<'EOF'
"EHLO "
"HELO "
"MAIL FROM:<"
"RCPT TO:<"
"DATA\x0d\x0a"
"QUIT\x0d\x0a"
"RSET\x0d\x0a"
"STARTTLS\x0d\x0a"
"AUTH LOGIN\x0d\x0a"
"AUTH PLAIN "
"BDAT "
" LAST\x0d\x0a"
"220 "
"250-"
"250 "
"334 "
"354 "
"421 "
"550 "
"\x0d\x0a"
"\x0d\x0a.\x0d\x0a"
"\x0d\x0a..\x0d\x0a"
"\x08\x00\x45\x00"
"\x86\xdd\x60\x00"
"\x00\x19"
"\x02\x4b"
"\x09\xdd"
EOF

# --- fuzz ------------------------------------------------------------------
run_fuzzer "$B/fuzz_$TARGET" "$CORPUS" "$B/smtp.dict" "$B/seeds"
