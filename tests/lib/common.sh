# tests/lib/common.sh - sourced by tests/integ/t_*.sh (bash).
#
# Each test prints exactly one line on stdout ("ok NAME: ...", "FAIL NAME:
# ...", "skip NAME: ...") and exits 0 / 1 / 77; details go to stderr, which
# tests/integ/run.sh keeps and shows on failure.  The lab is torn down on
# every exit path.
#
# Environment: SMTPTRACE (the binary; default build/smtptrace), INTEG_TSAN=1
# in --tsan mode, KEEP_CAPTURES=DIR (t_ref_clients.sh copies its captures).

T_NAME=$(basename "$0" .sh)
T_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ST_TOP=$(cd "$T_LIB/../.." && pwd)
SMTPTRACE=${SMTPTRACE:-$ST_TOP/build/smtptrace}
case $SMTPTRACE in /*) ;; *) SMTPTRACE=$ST_TOP/$SMTPTRACE ;; esac
PY=/usr/bin/python3
STJSON="$PY $T_LIB/stjson.py"
AGREE="$PY $T_LIB/agree.py"

LAB_QUIET=1
. "$ST_TOP/scripts/lab.sh"

t_pass() { echo "ok $T_NAME: $*"; exit 0; }
t_fail() { echo "FAIL $T_NAME: $*"; exit 1; }
t_skip() { echo "skip $T_NAME: $*"; exit 77; }
t_note() { echo "  [$T_NAME] $*" >&2; }

trap lab_down EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t_need_lab() {
	[ "$(id -u)" = 0 ] || t_skip "needs root"
	[ -x "$SMTPTRACE" ] || t_fail "no binary $SMTPTRACE"
}
t_need_aiosmtpd() { $PY -c 'import aiosmtpd' 2>/dev/null || t_skip "no python3-aiosmtpd"; }
t_need() { local c; for c; do command -v "$c" >/dev/null 2>&1 || t_skip "no $c"; done; }

# st_send [ARGS...]: smtptrace send in the client namespace.  stdout, stderr
# and exit code in $T_OUT, $T_ERR, $T_RC.
st_send() {
	T_OUT=$LAB_DIR/send.out T_ERR=$LAB_DIR/send.err
	ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" send "$@" >"$T_OUT" 2>"$T_ERR" </dev/null
	T_RC=$?
	t_note "smtptrace send $* -> exit $T_RC"
	if [ "${INTEG_TSAN:-0}" = 1 ] && grep -q "ThreadSanitizer" "$T_ERR"; then
		sed 's/^/    /' "$T_ERR" >&2
		t_fail "ThreadSanitizer report (exit $T_RC)"
	fi
	return 0
}

# st_analyze FILE [ARGS...]: smtptrace analyze (in the root namespace).
st_analyze() {
	local f=$1; shift
	A_OUT=$LAB_DIR/analyze.out A_ERR=$LAB_DIR/analyze.err
	"$SMTPTRACE" analyze "$f" "$@" >"$A_OUT" 2>"$A_ERR" </dev/null
	A_RC=$?
	t_note "smtptrace analyze $f $* -> exit $A_RC"
	return 0
}

# t_show FILE...: copy files to stderr (indented) for the failure log.
t_show() {
	local f
	for f; do
		[ -f "$f" ] || continue
		echo "  --- $f" >&2
		head -c 20000 "$f" | sed 's/^/    /' >&2
	done
}

# t_expect_rc WANT: fail (with the transcript) unless $T_RC is WANT.
t_expect_rc() {
	if [ "$T_RC" != "$1" ]; then
		t_show "$T_OUT" "$T_ERR"
		t_fail "send exited $T_RC, want $1"
	fi
}

# Message body with the tricky lines: leading dots, a lone dot, bare LF.
t_make_body() {
	printf 'Hello from the smtptrace lab.\n.leading dot\n..two dots\n.\nA line after a lone dot.\n\nLast line.\n' > "$1"
}
