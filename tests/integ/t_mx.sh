#!/bin/bash
# send without --server: the recipients' domain's MX, through a dnsmasq in
# the lab (the client namespace's resolver points at it, nothing else).
#   lab.test   MX 10 mx1 (198.51.100.26: refused), MX 20 mx2 (the sink):
#              the dead preferred host is passed, the mail delivered, the DNS
#              exchange (MX query and answer) is in the capture and at the
#              top of the delivering session's timeline, with the refused
#              mx1 as an attempt before it (and the sender's facts on it alone);
#   multi.test MX 10 mxa (198.51.100.26 and .27: refused, no host), MX 20
#              mxb (the sink; an AAAA too, where nothing listens): every
#              address tried in turn, the IPv6 attempt captured as well; the
#              delivering session lists them (no answer, refused) at its top;
#   nomx.test  no MX, an A record (the sink): delivered to the A (RFC 5321 5.1);
#   null.test  MX "." (RFC 7505): exit 3, "accepts no mail", nothing sent;
#   two domains: a usage error (2);
#   telnet mx2.lab.test: the A query in its capture.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need dnsmasq tshark
trap 'lab_dns_down; lab_down' EXIT
lab_up || t_fail "lab_up failed"
lab_s ip addr add 198.51.100.26/24 dev "$LAB_SERVER_IF" || t_fail "cannot add .26"
lab_sink_start sink || t_fail "aiosmtpd did not start"
lab_dns_start \
	--mx-host=lab.test,mx1.lab.test,10 --mx-host=lab.test,mx2.lab.test,20 \
	--host-record=mx1.lab.test,198.51.100.26 --host-record=mx2.lab.test,$LAB_SERVER_IP \
	--mx-host=multi.test,mxa.multi.test,10 --mx-host=multi.test,mxb.multi.test,20 \
	--host-record=mxa.multi.test,198.51.100.26 --host-record=mxa.multi.test,198.51.100.27 \
	--host-record=mxb.multi.test,$LAB_SERVER_IP,$LAB_SERVER_IP6 \
	--host-record=nomx.test,$LAB_SERVER_IP \
	--dns-rr=null.test,15,000000 --local=/test/ || t_fail "dnsmasq did not start"

common=(--from student@lab.test --subject "integ mx" --body "hello via MX" --helo client.lab.test --no-color)

# 1: MX, past the dead preferred host; the DNS exchange captured
cap=$LAB_DIR/mx.pcapng
st_send --to ta@lab.test "${common[@]}" --timeout 5 -w "$cap"
cp "$T_OUT" "$LAB_DIR/mx.out"
t_expect_rc 0
grep -q '^=== MX lab.test: mx1.lab.test preference 10' "$T_OUT" || { t_show "$T_OUT"; t_fail "no MX line in the transcript"; }
grep -q '^\*\*\* connection refused by 198.51.100.26:25 (mx1.lab.test, MX preference 10)' "$T_OUT" ||
	{ t_show "$T_OUT"; t_fail "the refused preferred host is not said"; }
grep -q "Connected to $LAB_SERVER_IP" "$T_OUT" || { t_show "$T_OUT"; t_fail "not connected to mx2"; }
lab_wait_file "$LAB_SINK_DIR/msg-1.eml" 5 || t_fail "no message arrived through the MX"
grep -qx 'RCPT TO:<ta@lab.test>' "$LAB_SINK_DIR/msg-1.env" || t_fail "wrong envelope"
q=$(tshark -r "$cap" -Y 'dns.flags.response == 0 && dns.qry.type == 15' -T fields -e dns.qry.name 2>/dev/null | head -1)
[ "$q" = lab.test ] || { tshark -r "$cap" >&2; t_fail "no MX query for lab.test in the capture"; }
a=$(tshark -r "$cap" -Y 'dns.flags.response == 1 && dns.qry.type == 15' -T fields -e dns.mx.mail_exchange 2>/dev/null | head -1)
case $a in *mx1.lab.test*mx2.lab.test* | *mx2.lab.test*mx1.lab.test*) ;; *)
	tshark -r "$cap" >&2; t_fail "no MX answer in the capture ($a)" ;; esac
syns=$(tshark -r "$cap" -Y 'tcp.flags.syn == 1 && tcp.flags.ack == 0' -T fields -e ip.dst 2>/dev/null | sort -u | tr '\n' ' ')
[ "$syns" = "198.51.100.25 198.51.100.26 " ] || { tshark -r "$cap" >&2; t_fail "SYNs to: $syns"; }
st_analyze "$cap"
[ "$A_RC" = 0 ] || { t_show "$A_OUT" "$A_ERR"; t_fail "analyze of the MX capture exited $A_RC"; }
# the timeline of the delivering session: the lookup at its top, the refused
# preferred host listed as an attempt, the sender's facts on it alone
tl=$(awk "/^Session .* -> server $LAB_SERVER_IP:25/,0" "$T_OUT")
printf '%s\n' "$tl" | grep -q -- '--- DNS  DNS query MX lab.test' || { t_show "$T_OUT"; t_fail "no DNS query MX at the top of the timeline"; }
printf '%s\n' "$tl" | grep -q 'DNS answer: .*mx1.lab.test preference 10' || { t_show "$T_OUT"; t_fail "no DNS MX answer in the timeline"; }
printf '%s\n' "$tl" | grep -q "DNS answer: mx2.lab.test is $LAB_SERVER_IP" || { t_show "$T_OUT"; t_fail "no DNS A answer for mx2 in the timeline"; }
first=$(printf '%s\n' "$tl" | awk '$1 ~ /^[0-9]+$/ {print $4; exit}')
[ "$first" = DNS ] || { t_show "$T_OUT"; t_fail "the first frame of the session is $first, not DNS"; }
printf '%s\n' "$tl" | grep -Eq '^  Attempts before this connection: 198\.51\.100\.26:25 refused \(RST frame [0-9]+\)' ||
	{ t_show "$T_OUT"; t_fail "no attempts line for the refused mx1"; }
[ "$(grep -c '^  Sender check:' "$T_OUT")" = 1 ] || { t_show "$T_OUT"; t_fail "the sender check is not on the delivering session alone"; }
printf '%s\n' "$tl" | grep -q '^  Sender check:' || { t_show "$T_OUT"; t_fail "no sender check on the delivering session"; }
grep -q 'DNS query MX lab.test' "$A_OUT" || { t_show "$A_OUT"; t_fail "analyze of the capture: no DNS query MX"; }

# 2: every address of mxa, then mxb
st_send --to ta@multi.test "${common[@]}" --timeout 2 -w "$LAB_DIR/multi.pcapng"
t_expect_rc 0
for ip in 198.51.100.26 198.51.100.27; do
	grep -q "^=== Trying $ip:25 (mxa.multi.test, MX preference 10)" "$T_OUT" ||
		{ t_show "$T_OUT"; t_fail "$ip of mxa not tried"; }
done
[ "$(grep -c '^\*\*\* .*(mxa.multi.test, MX preference 10)' "$T_OUT")" = 2 ] ||
	{ t_show "$T_OUT"; t_fail "the two failures of mxa are not said"; }
grep "^\*\*\*" "$T_OUT" >&2
# the delivering session lists the dead (no answer) and refused addresses of mxa
att=$(awk "/^Session .* -> server $LAB_SERVER_IP:25/,0" "$T_OUT" | grep '^  Attempts before this connection:')
case $att in *"198.51.100.27:25 no answer (SYN frame"*"198.51.100.26:25 refused (RST frame"* | \
             *"198.51.100.26:25 refused (RST frame"*"198.51.100.27:25 no answer (SYN frame"*) ;;
*) t_show "$T_OUT"; t_fail "attempts line of the delivering session: $att" ;; esac
# mxb has an AAAA too (the sink listens on IPv4 only): tried, and captured
grep -q "^=== Trying \[$LAB_SERVER_IP6\]:25 (mxb.multi.test, MX preference 20)" "$T_OUT" ||
	{ t_show "$T_OUT"; t_fail "the AAAA of mxb not tried"; }
n=$(tshark -r "$LAB_DIR/multi.pcapng" -Y "ipv6.dst == $LAB_SERVER_IP6 && tcp.flags.syn == 1" 2>/dev/null | wc -l)
[ "$n" -ge 1 ] || { tshark -r "$LAB_DIR/multi.pcapng" >&2; t_fail "the IPv6 SYN to mxb is not in the capture"; }
lab_wait_file "$LAB_SINK_DIR/msg-2.eml" 5 || t_fail "multi.test: no message arrived"

# 3: no MX: the domain's A
st_send --to ta@nomx.test "${common[@]}" --timeout 5 -w "$LAB_DIR/nomx.pcapng" --json
t_expect_rc 0
grep -q '^=== MX nomx.test: none' "$T_ERR" || { t_show "$T_ERR"; t_fail "no-MX fallback not said"; }
r=$($STJSON valid "$T_OUT") || { t_show "$T_OUT"; t_fail "--json: $r"; }
lab_wait_file "$LAB_SINK_DIR/msg-3.eml" 5 || t_fail "nomx.test: no message arrived"

# 4: null MX
st_send --to ta@null.test "${common[@]}" --timeout 5 -w "$LAB_DIR/null.pcapng"
t_expect_rc 3
grep -q 'null.test accepts no mail.*null MX' "$T_ERR" || { t_show "$T_ERR"; t_fail "null MX not explained"; }
n=$(tshark -r "$LAB_DIR/null.pcapng" -Y 'tcp' 2>/dev/null | wc -l)
[ "$n" = 0 ] || t_fail "null MX: $n TCP frames sent"
[ -n "$(tshark -r "$LAB_DIR/null.pcapng" -Y 'dns.flags.response == 1' 2>/dev/null)" ] ||
	t_fail "null MX: the DNS answer is not in the capture"

# 5: recipients in two domains
st_send --to ta@lab.test --to bob@nomx.test "${common[@]}"
t_expect_rc 2
grep -q 'different domains' "$T_ERR" || { t_show "$T_ERR"; t_fail "two domains not explained"; }
[ ! -e "$LAB_SINK_DIR/msg-4.eml" ] || t_fail "a message arrived that should not have"
# 6: telnet to a name: its lookup is captured too
printf 'QUIT\n' | ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" telnet mx2.lab.test -w "$LAB_DIR/tn.pcapng" \
	--no-color >"$LAB_DIR/tn.out" 2>&1 || { t_show "$LAB_DIR/tn.out"; t_fail "telnet mx2.lab.test failed"; }
q=$(tshark -r "$LAB_DIR/tn.pcapng" -Y 'dns.flags.response == 0 && dns.qry.type == 1' -T fields -e dns.qry.name 2>/dev/null | head -1)
[ "$q" = mx2.lab.test ] || { t_show "$LAB_DIR/tn.out"; t_fail "telnet: no A query for mx2.lab.test in the capture"; }
head -30 "$LAB_DIR/mx.out" >&2
t_pass "MX past a refused host, every address of a host, no-MX A fallback (--json valid), null MX (3), two domains (2), telnet NAME; DNS in the captures"
