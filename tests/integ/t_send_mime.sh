#!/bin/bash
# A MIME message (non-ASCII subject and text with a line over 998 octets, an
# HTML part showing an inline image, a binary attachment with a non-ASCII
# name) sent to postfix with --pipeline: delivered, and parsed back with
# Python's email package every part is byte-identical and the subject
# decodes equal (tests/lib/mime_check.py).  MAIL, RCPT and DATA travel in one
# TCP segment (tshark agrees); MAIL carries SIZE= and BODY=8BITMIME.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need postfix tshark
lab_up || t_fail "lab_up failed"
lab_postfix_start || t_fail "postfix did not start"

d=$LAB_DIR/files
mkdir -p "$d"
$PY - "$d" <<'EOF' || t_fail "could not make the test files"
import os, sys
d = sys.argv[1]
long = "L" * 1500
open(d + "/body.txt", "wb").write(
    ("Grüße aus dem Labor.\n.leading dot\n" + long + "\nlast line\n").encode())
open(d + "/page.html", "wb").write(
    '<html><body><p>Grüße</p><img src="cid:pic"></body></html>\n'.encode())
open(d + "/pic.png", "wb").write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
open(d + "/Bericht über Daten.bin", "wb").write(bytes((i * 7 + 3) % 256 for i in range(5000)) + b"\r\n.\r\n")
EOF
subject="Grüße — ein Test mit Anhängen"
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
	--subject "$subject" --body-file "$d/body.txt" --html-file "$d/page.html" \
	--inline "$d/pic.png" --attach "$d/Bericht über Daten.bin" --pipeline \
	--timeout 20 -w "$LAB_DIR/mime.pcapng" --no-color --show-data
t_expect_rc 0
lab_postfix_wait_mail ta 1 20 || { t_show "$LAB_PF_LOG"; t_fail "postfix did not deliver"; }
f=$(ls "$LAB_PF_MAIL"/ta/new/* | head -n 1)
r=$($PY "$T_LIB/mime_check.py" "$f" --lf --subject "$subject" --text "$d/body.txt" \
	--html "$d/page.html" --inline "$d/pic.png" --attach "$d/Bericht über Daten.bin") ||
	{ t_show "$f"; t_fail "delivered message: $r"; }

grep -q ' -> MAIL FROM:<student@lab.test> SIZE=[0-9]* BODY=8BITMIME$' "$T_OUT" ||
	{ t_show "$T_OUT"; t_fail "MAIL FROM without SIZE= and BODY=8BITMIME"; }
# One frame carries MAIL, RCPT and DATA (RFC 2920), as tshark dissects it.
cmds=$(tshark -r "$LAB_DIR/mime.pcapng" -Y 'smtp.req.command == "MAIL"' \
	-T fields -e smtp.req.command 2>/dev/null)
[ "$cmds" = "MAIL,RCPT,DATA" ] || { t_note "tshark: '$cmds'"; t_fail "MAIL, RCPT and DATA not in one segment"; }
grep -Eq 'Sender check: ([0-9]+) of \1 writes found' "$T_OUT" ||
	{ t_show "$T_OUT"; t_fail "the timeline does not find every write of the pipelined group"; }
# The timeline lists the parts of the message it sent, as attached: the
# structure mixed( alternative( text, related( html, png ) ), bin ) and each
# file's name and decoded size (the image type is what libmagic says of the bytes).
parts=$(grep -E '^ +part [0-9]+: ' "$T_OUT" | sed 's/^ *//')
want='part 1: multipart/mixed
part 2: multipart/alternative
part 3: text/plain; charset=utf-8, * B (quoted-printable)
part 4: multipart/related
part 5: text/html; charset=utf-8, * B*
part 6: */* pic.png, * B base64 → 1,032 B, inline cid:pic
part 7: application/octet-stream "Bericht über Daten.bin", * B base64 → 5,005 B, attachment'
n=0
while IFS= read -r w; do
	n=$((n + 1))
	got=$(printf '%s\n' "$parts" | sed -n "${n}p")
	# shellcheck disable=SC2053 # $w is a glob pattern
	[[ $got == $w ]] || { t_show "$T_OUT"; t_fail "part $n: '$got', expected '$w'"; }
done <<< "$want"
[ "$(printf '%s\n' "$parts" | wc -l)" -eq 7 ] || { t_show "$T_OUT"; t_fail "not 7 parts listed"; }
# --show-data: the message as sent follows, from a segment mark to the
# end-of-data line.
sed -n '/^  Message as sent/,$p' "$T_OUT" > "$LAB_DIR/data.txt"
grep -q '^  \[frame [0-9]*\]$' "$LAB_DIR/data.txt" && grep -q '^    \.\\r\\n$' "$LAB_DIR/data.txt" &&
	grep -q '^    MIME-Version: 1.0\\r\\n$' "$LAB_DIR/data.txt" ||
	{ t_show "$T_OUT"; t_fail "--show-data: no message as sent with frame marks and its end-of-data line"; }
t_pass "MIME message delivered intact (every part byte-identical), its 7 parts listed as attached, --show-data shows it as sent; pipelined MAIL,RCPT,DATA in one segment"
