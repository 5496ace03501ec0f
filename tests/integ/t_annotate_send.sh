#!/bin/bash
# smtptrace send across the lab router to aiosmtpd (--fresh-arp): its saved
# capture carries a packet comment on every frame (ARP, handshake, each
# command and reply, teardown), the command's comment names its reply frame,
# and the section header comment names the command line and the server.
# Fails on main before the annotated pcapng (no frame.comment at all).
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
command -v tshark >/dev/null 2>&1 || t_skip "no tshark"
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"

cap=$LAB_DIR/send.pcapng
st_send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test \
	--subject "integ annotate" --body "hello" --helo client.lab.test \
	--timeout 20 --fresh-arp -w "$cap" --no-color
t_expect_rc 0
[ -s "$cap" ] || t_fail "capture $cap missing or empty"
f=$LAB_DIR/fields.txt
tshark -n -r "$cap" -T fields -E separator='|' -e frame.number -e frame.comment >"$f" 2>/dev/null ||
	t_fail "tshark cannot read $cap"
n=$(wc -l <"$f"); nc=$(grep -c '|smtptrace session 1: ' "$f")
[ "$n" -gt 10 ] && [ "$n" = "$nc" ] || { t_show "$f"; t_fail "$nc of $n frames commented"; }
grep -q 'ARP request for the next hop' "$f" || { t_show "$f"; t_fail "no ARP comment"; }
grep -q 'handshake 1/3 (SYN)' "$f" || { t_show "$f"; t_fail "no handshake comment"; }
grep -Eq 'command MAIL \(exchange [0-9]+\); reply 250 in frame [0-9]+ after' "$f" ||
	{ t_show "$f"; t_fail "no MAIL comment naming its reply"; }
grep -q 'reply to QUIT: 221' "$f" || { t_show "$f"; t_fail "no 221 comment"; }
capinfos "$cap" 2>/dev/null | grep -q "command line: smtptrace send --server $LAB_SERVER_IP" ||
	{ capinfos "$cap" >&2; t_fail "section comment without the command line"; }
[ "$(stat -c %a "$cap")" = 600 ] || t_fail "capture mode $(stat -c %a "$cap")"
# the same capture, read back: the lab checklist is all ticks, no mistakes
st_analyze "$cap" --answers
[ "$A_RC" = 0 ] || { t_show "$A_ERR"; t_fail "analyze --answers exited $A_RC"; }
grep -q '^- ✘' "$A_OUT" && { t_show "$A_OUT"; t_fail "--answers: a ✘ on a correct send"; }
grep -q '^- ✔ ARP (or ND) for the next hop: frames' "$A_OUT" || { t_show "$A_OUT"; t_fail "--answers: no ARP tick"; }
grep -q 'client ARPs for its gateway\|ARPs for the server itself\|gateway' "$A_OUT" || { t_show "$A_OUT"; t_fail "--answers: no ARP why"; }
t_pass "$n of $n frames of send's capture carry their role as a packet comment; --answers all ticks"
