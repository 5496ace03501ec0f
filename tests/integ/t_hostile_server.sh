#!/bin/bash
# A scripted hostile server (tests/lib/hostile_server.py) in the lab: an
# early talker, one unsolicited line after the greeting, a mixed-code reply
# to RCPT, a flood of continuation lines, terminal escapes in replies and an
# over-long reply line, a reply injected with the 220 to STARTTLS.  Each
# case asserts the exit code and the message; the
# escapes case asserts that neither the transcript nor the timeline (text,
# --summary) carries ESC, BEL, raw C1 0x9b, UTF-8 C1 or RLO raw.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need openssl
lab_up || t_fail "lab_up failed"
HS_DIR=$LAB_DIR/hostile
mkdir -p "$HS_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-keyout "$HS_DIR/key.pem" -out "$HS_DIR/cert.pem" -subj /CN=mx.lab.test \
	-addext subjectAltName=DNS:mx.lab.test 2>"$HS_DIR/openssl.log" ||
	{ t_show "$HS_DIR/openssl.log"; t_fail "openssl req failed"; }
ip netns exec "$LAB_NS_SERVER" "$PY" "$T_LIB/hostile_server.py" --host "$LAB_SERVER_IP" \
	--port 2501 --ready "$HS_DIR/ready" --cert "$HS_DIR/cert.pem" --key "$HS_DIR/key.pem" \
	2>"$HS_DIR/log" &
LAB_PIDS+=($!)
lab_wait_file "$HS_DIR/ready" 15 || { t_show "$HS_DIR/log"; t_fail "hostile server did not start"; }

body=$LAB_DIR/body.txt
t_make_body "$body"
# hs_send PORT CAPTURE [ARGS...]
hs_send() {
	local port=$1 cap=$2; shift 2
	st_send --server "$LAB_SERVER_IP:$port" --from student@lab.test --to ta@lab.test \
		--body-file "$body" --timeout 20 -w "$cap" --no-color "$@"
}
# expect_err TEXT: the error message on stderr contains TEXT
expect_err() {
	grep -qF -- "$1" "$T_ERR" || { t_show "$T_OUT" "$T_ERR"; t_fail "stderr lacks: $1"; }
}
# no_raw FILE WHAT: no terminal-driving bytes in FILE
no_raw() {
	local bad
	bad=$($PY - "$1" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
bad = [n for n, s in ((("ESC", b"\x1b"), ("BEL", b"\x07"), ("UTF-8 C1", b"\xc2\x9b"),
                      ("RLO", b"\xe2\x80\xae"))) if s in b]
# a raw 0x9b that is not the second byte of a UTF-8 sequence
if any(b[i] == 0x9b and not (i and 0xc2 <= b[i - 1] <= 0xf4) for i in range(len(b))):
    bad.append("raw C1 0x9b")
print(" ".join(bad))
PY
)
	[ -z "$bad" ] || { t_show "$1"; t_fail "$2 contains raw: $bad"; }
}

# 1. early talker: the replies to MAIL, RCPT and DATA come with EHLO's
hs_send 2501 "$LAB_DIR/early.pcapng"
t_expect_rc 16
expect_err 'unexpected data after the reply to EHLO, before our next command: "250 2.1.0 ok"'
grep -q '^ -> MAIL' "$T_OUT" && { t_show "$T_OUT"; t_fail "early: MAIL was sent"; }
[ -s "$LAB_DIR/early.pcapng" ] || t_fail "early: no capture kept"

# 2. one unsolicited line after the greeting
hs_send 2502 "$LAB_DIR/unsol.pcapng"
t_expect_rc 16
expect_err 'unexpected data after the greeting, before our next command: "250 unsolicited"'

# 3. 250-/550 to RCPT is a refusal
hs_send 2503 "$LAB_DIR/mixed.pcapng"
t_expect_rc 13
expect_err 'RCPT TO:<ta@lab.test> rejected: 250/550 2.1.5 looks ok 5.1.1 actually no (mixed reply codes)'
grep -q '^ -> DATA' "$T_OUT" && { t_show "$T_OUT"; t_fail "mixed: DATA was sent"; }

# 4. continuation lines without end: stopped at 1000 lines, well before the timeout
start=$(date +%s)
hs_send 2504 "$LAB_DIR/flood.pcapng"
took=$(( $(date +%s) - start ))
t_expect_rc 16
expect_err 'reply longer than 1000 lines while waiting for the reply to EHLO'
[ "$took" -lt 15 ] || t_fail "flood: took $took s (the timeout is 20 s)"
n=$(grep -c '^<-  250-x' "$T_OUT")
[ "$n" -le 1000 ] || t_fail "flood: $n flood lines in the transcript"
[ -s "$LAB_DIR/flood.pcapng" ] || t_fail "flood: no capture kept"

# 5. a reply line of 5000 bytes
hs_send 2506 "$LAB_DIR/long.pcapng"
t_expect_rc 16
expect_err 'reply line longer than 2048 bytes while waiting for the reply to EHLO'

# 6. a reply injected with the 220 to STARTTLS is discarded, not read as the
#    reply to the EHLO inside TLS
hs_send 2507 "$LAB_DIR/inject.pcapng" --starttls --cafile "$HS_DIR/cert.pem" --tls-name mx.lab.test
t_expect_rc 0
grep -qF '*** discarded 14 bytes the server sent after its 220 to STARTTLS, before TLS (an injection attempt or a broken server): "250 injected"' "$T_OUT" ||
	{ t_show "$T_OUT" "$T_ERR"; t_fail "starttls-inject: not discarded and reported"; }
grep -q '=== Certificate verified for mx.lab.test' "$T_OUT" || { t_show "$T_OUT"; t_fail "starttls-inject: no TLS"; }

# 7. terminal escapes: the mail is accepted; nothing raw reaches the terminal
hs_send 2505 "$LAB_DIR/esc.pcapng"
t_expect_rc 0
grep -qF 'hi \x1b]52;c;ZWNobyBwd25lZA==\x07' "$T_OUT" || { t_show "$T_OUT"; t_fail "escapes: not shown as \\xNN"; }
# the client's transcript (before the timeline) and its error output first
sed '/^Session 1:/,$d' "$T_OUT" > "$LAB_DIR/esc.transcript"
grep -q '^<-  221' "$LAB_DIR/esc.transcript" || { t_show "$T_OUT"; t_fail "escapes: no transcript"; }
no_raw "$LAB_DIR/esc.transcript" "send's transcript"
no_raw "$T_ERR" "send's stderr"
# then the timelines (the dissector's and the renderer's part)
no_raw "$T_OUT" "send's timeline"
st_analyze "$LAB_DIR/esc.pcapng" --no-color
no_raw "$A_OUT" "analyze's timeline"
st_analyze "$LAB_DIR/esc.pcapng" --summary
no_raw "$A_OUT" "analyze --summary"

t_pass "early talker, unsolicited line, mixed codes, flood, long line, STARTTLS injection, escapes: exit codes and messages as documented"
