#!/bin/sh
# bench/run.sh BUILD_DIR - time `smtptrace analyze` against tshark and
# against a bare libpcap read loop, on two generated captures: the default
# mix (1M packets) and the "mail" mix (bodies of tens of KB, several
# recipients, a quarter of the sessions on port 10025).
# See docs/benchmark.md.  Not a test: exits 0 unless something failed to run.
#
# Environment: BENCH_PACKETS (default 1000000), BENCH_MAIL_PACKETS (default
# BENCH_PACKETS), BENCH_SEED (default 1), BENCH_RUNS (default 3),
# BENCH_SMALL_PACKETS (default 100000), BENCH_TSHARK=0 to skip tshark,
# BENCH_TLS_SESSIONS (default 10000): the TLS benchmark repeats the reference
# STARTTLS session of tests/golden/caps/tls-smtp (curl, TLS 1.3 AES-128-GCM)
# this many times (bench/repcap.py) and times analyze with its key log
# (decrypting), without it, and the same dialogue in plaintext repeated as often.
# T_*, R_*, N_* are assigned by eval in measure():
# shellcheck disable=SC2154
set -u

BUILD=${1:-build}
PACKETS=${BENCH_PACKETS:-1000000}
MPACKETS=${BENCH_MAIL_PACKETS:-$PACKETS}
SMALL=${BENCH_SMALL_PACKETS:-100000}
SEED=${BENCH_SEED:-1}
RUNS=${BENCH_RUNS:-3}
OUT=bench/out
ST=$BUILD/smtptrace
GENCAP=$BUILD/gencap
LOOP=$BUILD/pcaploop
BIG=$OUT/big.pcap
MAIL=$OUT/mail.pcap
SMALLF=$OUT/small.pcap
failed=0

for b in "$ST" "$GENCAP" "$LOOP"; do
	if [ ! -x "$b" ]; then
		echo "bench: $b not built (run: make bench)" >&2
		exit 1
	fi
done
if ! command -v python3 >/dev/null 2>&1; then
	echo "bench: python3 is needed to measure time and peak RSS" >&2
	exit 1
fi
mkdir -p "$OUT"

# --- the captures: regenerated only when the parameters or gencap change
gen() { # FILE PACKETS [MIX]
	mix=${3:-bench}
	key="packets=$2 seed=$SEED mix=$mix gencap=$(cksum < bench/gencap.c | cut -d' ' -f1)"
	if [ -s "$1" ] && [ -f "$1.params" ] && [ "$(cat "$1.params")" = "$key" ]; then
		echo "bench: reusing $1 ($key)"
		return 0
	fi
	rm -f "$1" "$1.params"
	echo "bench: generating $1 ($key)"
	if ! "$GENCAP" -o "$1" -p "$2" -s "$SEED" -m "$mix"; then
		echo "bench: gencap failed" >&2
		exit 1
	fi
	echo "$key" > "$1.params"
}
gen "$BIG" "$PACKETS"
gen "$SMALLF" "$SMALL"
gen "$MAIL" "$MPACKETS" mail
TLSN=${BENCH_TLS_SESSIONS:-10000}
TLSREF=tests/golden/caps/tls-smtp/curl-starttls-t13-aes128gcm
PLAINREF=tests/golden/caps/tls-smtp/curl-plain
TLSF=$OUT/tls.pcap
PLAINF=$OUT/plain.pcap
rep() { # REF OUT
	key="sessions=$TLSN ref=$(cksum < "$1.pcap" | cut -d' ' -f1)"
	if [ -s "$2" ] && [ -f "$2.params" ] && [ "$(cat "$2.params")" = "$key" ]; then
		echo "bench: reusing $2 ($key)"
		return 0
	fi
	echo "bench: generating $2 ($key)"
	python3 bench/repcap.py "$1.pcap" "$TLSN" "$2" || { echo "bench: repcap failed" >&2; exit 1; }
	echo "$key" > "$2.params"
}
rep "$TLSREF" "$TLSF"
rep "$PLAINREF" "$PLAINF"

# --- the measuring wrapper: wall time (best of N) and peak RSS (the
# largest of the runs) of one child, stdout to /dev/null.  The peak RSS comes
# from GNU time when /usr/bin/time exists: a child of python3 itself would
# report python's own ~13 MB as its peak (Linux keeps the high-water mark of
# the memory it had before exec).  Without it, wait4()'s figure is used.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
GNUTIME=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$TMP/t" true 2>/dev/null; then
	GNUTIME=/usr/bin/time
else
	echo "bench: /usr/bin/time (GNU time) not found: peak RSS includes ~13 MB of python3"
fi
cat > "$TMP/measure.py" <<'EOF'
import os, sys, time
runs, maxsecs, errf, gnutime = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
cmd = sys.argv[6:]
rssf = errf + ".rss"
if gnutime:
    cmd = [gnutime, "-f", "%M", "-o", rssf, "--"] + cmd
best, rss, done, cpu = None, 0, 0, None
for i in range(runs):
    with open(os.devnull, "wb") as null, open(errf, "wb") as err:
        t0 = time.perf_counter()
        try:
            pid = os.posix_spawnp(cmd[0], cmd, os.environ,
                                  file_actions=[(os.POSIX_SPAWN_DUP2, null.fileno(), 1),
                                                (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        except OSError as e:
            print("FAIL cannot run %s: %s" % (cmd[0], e)); sys.exit(1)
        _, status, ru = os.wait4(pid, 0)
        wall = time.perf_counter() - t0
    done += 1
    if status != 0:
        print("FAIL exit status %d" % os.waitstatus_to_exitcode(status))
        sys.exit(1)
    best = wall if best is None else min(best, wall)
    c = ru.ru_utime + ru.ru_stime
    cpu = c if cpu is None else min(cpu, c)
    r = ru.ru_maxrss
    if gnutime:
        try:
            with open(rssf) as f:
                r = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    rss = max(rss, r)
    if wall > maxsecs:
        break
print("%.3f %d %d %.3f" % (best, rss, done, cpu))
EOF

# measure NAME RUNS MAXSECS CMD... -> sets T_NAME, R_NAME (KiB), N_NAME and
# C_NAME (the best user + system CPU time, which a loaded machine inflates
# far less than the wall time)
measure() {
	name=$1 runs=$2 maxs=$3
	shift 3
	res=$(python3 "$TMP/measure.py" "$runs" "$maxs" "$TMP/$name.err" "$GNUTIME" -- "$@")
	case $res in
	FAIL*)
		echo "bench: $name: $* : ${res#FAIL }" >&2
		sed -n '1,20p' "$TMP/$name.err" >&2
		failed=1
		eval "T_$name=; R_$name=; N_$name=0; C_$name="
		return 1 ;;
	esac
	# shellcheck disable=SC2086
	set -- $res
	eval "T_$name=$1; R_$name=$2; N_$name=$3; C_$name=$4"
	printf '  %-8s %8.3f s  (best of %d)  peak RSS %7.1f MiB  cpu %7.3f s\n' "$name" "$1" "$3" \
		"$(echo "$2" | awk '{ print $1 / 1024 }')" "$4"
}

ratio() { # A B -> A/B or "n/a"
	if [ -n "$1" ] && [ -n "$2" ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
	else
		echo "n/a"
	fi
}

# timings PREFIX FILE PACKETS: floor, floor_b, json, summary and tshark of
# one capture, as ${PREFIX}floor ... (PREFIX "" or "m")
timings() {
	p=$1 f=$2
	echo "bench: timings on $f: $3 packets, $(wc -c < "$f" | tr -d ' ') bytes (wall clock, page cache warm)"
	cat "$f" > /dev/null
	measure "${p}floor" "$RUNS" 1e9 "$LOOP" "$f"
	measure "${p}floor_b" "$RUNS" 1e9 "$LOOP" -b "$f"
	measure "${p}json" "$RUNS" 1e9 "$ST" analyze --json "$f"
	measure "${p}summary" "$RUNS" 1e9 "$ST" analyze --summary "$f"
	eval "T_${p}tshark="
	if [ "${BENCH_TSHARK:-1}" != 0 ] && command -v tshark >/dev/null 2>&1; then
		# once only when a run takes over 60 s
		measure "${p}tshark" "$RUNS" 60 tshark -r "$f" -Y smtp -T fields \
			-e frame.number -e smtp.req.command -e smtp.response.code \
			-d tcp.port==587,smtp -d tcp.port==2525,smtp -d tcp.port==10025,smtp
		eval "n=\${N_${p}tshark:-0}"
		if [ "$n" -gt 0 ] && [ "$n" -lt "$RUNS" ]; then
			echo "           (tshark took over 60 s: run only once)"
		fi
	else
		echo "  tshark   skipped (not installed or BENCH_TSHARK=0)"
	fi
}
timings "" "$BIG" "$PACKETS"
timings m "$MAIL" "$MPACKETS"

echo "bench: TLS: $TLSN STARTTLS sessions, decrypted with the key log, vs the same dialogue in plaintext"
cat "$TLSF" "$PLAINF" > /dev/null
measure tlsdec "$RUNS" 1e9 "$ST" analyze --summary --keylog "$TLSREF.keys" "$TLSF"
measure tlsenc "$RUNS" 1e9 "$ST" analyze --summary "$TLSF"
measure plain "$RUNS" 1e9 "$ST" analyze --summary "$PLAINF"
measure tlsjson "$RUNS" 1e9 "$ST" analyze --json --keylog "$TLSREF.keys" "$TLSF"
measure tlsfloor "$RUNS" 1e9 "$LOOP" "$TLSF"

echo "bench: memory: analyze --summary on $SMALL vs $PACKETS packets"
cat "$SMALLF" > /dev/null
measure small "$RUNS" 1e9 "$ST" analyze --summary "$SMALLF"

# --- instruction counts: user-space instructions retired do not depend on
# the machine's load (8 jobs on 2 cores make the wall times above noise).
# perf stat when the kernel gives this process counters, else valgrind's
# callgrind (no cache simulation; about 50x slower, so several minutes).
# BENCH_INSN=0 skips them.  Caveats: neither counts the kernel's work
# (read() copying the file), which is most of the floor's wall time; and
# under valgrind OpenSSL sees no SHA-NI/AVX-512 and takes its generic code,
# so the TLS ratio over-weights the key schedule's SHA-256.
INSN_TOOL=
if [ "${BENCH_INSN:-1}" != 0 ]; then
	if command -v perf >/dev/null 2>&1 &&
	   perf stat -x, -e instructions:u -o "$TMP/probe" true 2>/dev/null &&
	   grep -q '^[0-9][0-9]*,' "$TMP/probe"; then
		INSN_TOOL=perf
	elif command -v valgrind >/dev/null 2>&1; then
		INSN_TOOL=callgrind
	fi
fi
# insns NAME CMD... -> I_NAME (empty if not measured)
insns() {
	name=$1
	shift
	eval "I_$name="
	if [ "$INSN_TOOL" = perf ]; then
		perf stat -x, -e instructions:u -o "$TMP/$name.insn" -- "$@" >/dev/null 2>"$TMP/$name.err"
		rc=$?
		n=$(grep 'instructions' "$TMP/$name.insn" | cut -d, -f1)
	else
		valgrind --tool=callgrind --callgrind-out-file=/dev/null -- "$@" >/dev/null 2>"$TMP/$name.err"
		rc=$?
		n=$(sed -n 's/.*Collected : *\([0-9][0-9]*\).*/\1/p' "$TMP/$name.err" | tail -n 1)
	fi
	case $rc:$n in
	0:[0-9]*) ;;
	*)
		echo "bench: $name: instructions not counted ($INSN_TOOL, exit $rc): $*" >&2
		sed -n '1,10p' "$TMP/$name.err" >&2
		failed=1
		return 1 ;;
	esac
	eval "I_$name=$n"
	printf '  %-8s %14s instructions\n' "$name" "$n"
}
if [ -n "$INSN_TOOL" ]; then
	echo "bench: user-space instructions ($INSN_TOOL), one run each"
	insns floor "$LOOP" "$BIG"
	insns floor_b "$LOOP" -b "$BIG"
	insns summary "$ST" analyze --summary "$BIG"
	insns mfloor "$LOOP" "$MAIL"
	insns mfloor_b "$LOOP" -b "$MAIL"
	insns msummary "$ST" analyze --summary "$MAIL"
	insns tlsdec "$ST" analyze --summary --keylog "$TLSREF.keys" "$TLSF"
	insns plain "$ST" analyze --summary "$PLAINF"
else
	echo "bench: instruction counts skipped (BENCH_INSN=0, or neither perf counters nor valgrind)"
fi

echo
echo "bench: results (one run of $0)"
r1=$(ratio "$T_tshark" "$T_json")
r2=$(ratio "$T_summary" "$T_floor")
r2b=$(ratio "$T_summary" "$T_floor_b")
m1=$(ratio "$T_mtshark" "$T_mjson")
m2=$(ratio "$T_msummary" "$T_mfloor")
m2b=$(ratio "$T_msummary" "$T_mfloor_b")
r3=$(ratio "$R_summary" "$R_small")
f1=$(ratio "$PACKETS" "$SMALL")
verdict() { # VALUE OP LIMIT
	[ "$1" = n/a ] && { echo "n/a"; return; }
	awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
		ok = (op == ">=") ? (v >= l) : (v <= l); print ok ? "met" : "NOT met" }'
}
x() { if [ "$1" = n/a ]; then echo n/a; else echo "${1}x"; fi; }
# also NAME_A NAME_B: the same ratio in CPU time and in instructions
also() {
	eval "c1=\${C_$1:-} c2=\${C_$2:-} i1=\${I_$1:-} i2=\${I_$2:-}"
	printf '        the same in CPU time (user + system): %s, in user-space instructions: %s\n' \
		"$(x "$(ratio "$c1" "$c2")")" "$(x "$(ratio "$i1" "$i2")")"
}
echo "  default mix ($BIG):"
echo "    tshark / analyze --json      : $(x "$r1")   (target >= 30x: $(verdict "$r1" '>=' 30))"
echo "    analyze --summary / pcaploop : $(x "$r2")   (target <= 1.5x: $(verdict "$r2" '<=' 1.5))"
also summary floor
echo "    analyze --summary / pcaploop -b (the same 1 MiB read buffer as smtptrace): $(x "$r2b")"
also summary floor_b
echo "  mail mix ($MAIL):"
echo "    tshark / analyze --json      : $(x "$m1")   (target >= 30x: $(verdict "$m1" '>=' 30))"
echo "    analyze --summary / pcaploop : $(x "$m2")   (target <= 1.5x: $(verdict "$m2" '<=' 1.5))"
also msummary mfloor
echo "    analyze --summary / pcaploop -b: $(x "$m2b")"
also msummary mfloor_b
t1=$(ratio "$T_tlsdec" "$T_plain")
t2=$(ratio "$T_tlsdec" "$T_tlsenc")
echo "  TLS ($TLSN sessions, $TLSF vs $PLAINF):"
echo "    analyze --keylog (decrypting) / the same sessions in plaintext: $(x "$t1")   (target <= 2x: $(verdict "$t1" '<=' 2))"
also tlsdec plain
echo "    analyze --keylog / the same TLS capture without keys: $(x "$t2")"
echo "  peak RSS of --summary, ${PACKETS} vs ${SMALL} packets: $(x "$r3") for a $(x "$f1") larger file"
echo "                                 (target: far below ${f1}x: $(verdict "$r3" '<=' 3))"
printf '  peak RSS (MiB): floor %s, json %s, summary %s, tshark %s, summary-small %s\n' \
	"$(ratio "${R_floor:-}" 1024)" "$(ratio "${R_json:-}" 1024)" \
	"$(ratio "${R_summary:-}" 1024)" "$(ratio "${R_tshark:-}" 1024)" \
	"$(ratio "${R_small:-}" 1024)"
printf '  peak RSS (MiB), mail mix: json %s, summary %s, tshark %s\n' \
	"$(ratio "${R_mjson:-}" 1024)" "$(ratio "${R_msummary:-}" 1024)" "$(ratio "${R_mtshark:-}" 1024)"
# --- send's fixed cost: a one-line mail to a local aiosmtpd on loopback,
# with the capture (on lo) and without.  Needs root (CAP_NET_RAW) and
# python3-aiosmtpd; skipped otherwise.  BENCH_SEND_RUNS (default 9).
bench_send() {
	sruns=${BENCH_SEND_RUNS:-9}
	echo
	echo "bench: send: one-line mail to aiosmtpd on 127.0.0.1 (best of $sruns)"
	spy=/usr/bin/python3          # the distribution's, with python3-aiosmtpd
	[ -x "$spy" ] || spy=python3
	if [ "$(id -u)" != 0 ] || ! "$spy" -c 'import aiosmtpd' 2>/dev/null; then
		echo "  send     skipped (needs root and python3-aiosmtpd)"
		return 0
	fi
	sport=$((30000 + $$ % 20000))
	"$spy" -m aiosmtpd -n -l "127.0.0.1:$sport" >/dev/null 2>&1 &
	spid=$!
	python3 -c 'import socket, sys, time
for _ in range(100):
    try: socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError: time.sleep(0.05)
sys.exit(1)' "$sport" || { echo "bench: aiosmtpd did not start" >&2; kill "$spid"; failed=1; return 1; }
	set -- "$ST" send -s "127.0.0.1:$sport" -f bench@example.test -t sink@example.test \
		--body hi -q --no-color
	measure send_cap "$sruns" 1e9 "$@" -i lo -w "$TMP/send.pcapng"
	measure send_nocap "$sruns" 1e9 "$@" --no-capture
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
	ms=$(awk -v t="${T_send_cap:-0}" 'BEGIN { printf "%.1f", t * 1000 }')
	mib=$(ratio "${R_send_cap:-}" 1024)
	echo "  send with capture: $ms ms (target <= 25: $(verdict "$ms" '<=' 25)), $mib MiB (target <= 24: $(verdict "$mib" '<=' 24))"
	echo "  the capture's own cost (with - without): $(awk -v a="${T_send_cap:-0}" \
		-v b="${T_send_nocap:-0}" 'BEGIN { printf "%.1f", (a - b) * 1000 }') ms"
}
bench_send

if [ "$failed" != 0 ]; then
	echo "bench: something failed to run (see above)" >&2
	exit 1
fi
exit 0
