#!/bin/bash
# smtptrace send to a real postfix (private instance in the server namespace),
# over IPv4 and over IPv6 ([addr]:port form): exit 0 and the message is in the
# recipient's maildir with our body intact (postfix adds trace headers).
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need postfix
lab_up || t_fail "lab_up failed"
lab_postfix_start || t_fail "postfix did not start"

body=$LAB_DIR/body.txt
t_make_body "$body"
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
	--subject "integ postfix v4" --body-file "$body" --timeout 20 -w "$LAB_DIR/v4.pcapng" --no-color
t_expect_rc 0
lab_postfix_wait_mail ta 1 20 || { t_show "$LAB_PF_LOG"; t_fail "postfix did not deliver (IPv4)"; }

st_send --server "[$LAB_SERVER_IP6]:25" --from student@lab.test --to bob@lab.test \
	--subject "integ postfix v6" --body-file "$body" --timeout 20 -w "$LAB_DIR/v6.pcapng" --no-color
t_expect_rc 0
lab_postfix_wait_mail bob 1 20 || { t_show "$LAB_PF_LOG"; t_fail "postfix did not deliver (IPv6)"; }

for f in "$LAB_PF_MAIL"/ta/new/* "$LAB_PF_MAIL"/bob/new/*; do
	# maildir files use LF line endings; compare the body in CRLF form
	sed 's/$/\r/' "$f" > "$f.crlf"
	r=$($STJSON body "$f.crlf" "$body") || { t_show "$f"; t_fail "body in $f: $r"; }
done
grep -q '^Subject: integ postfix v4' "$LAB_PF_MAIL"/ta/new/* || t_fail "Subject missing (v4)"
for c in v4 v6; do
	st_analyze "$LAB_DIR/$c.pcapng" --json
	r=$($STJSON send-check "$A_OUT" --handshake 3 --commands EHLO,MAIL,RCPT,DATA,QUIT) ||
		{ t_show "$A_OUT" "$A_ERR"; t_fail "analyze $c: $r"; }
	r=$($AGREE "$LAB_DIR/$c.pcapng" "$A_OUT") || { echo "$r" >&2; t_fail "tshark disagrees ($c): $(echo "$r" | tail -n 1)"; }
done
t_pass "postfix delivered over IPv4 and IPv6; analysis agrees with tshark"
