#!/bin/bash
# smtptrace analyze on captures of reference clients (swaks plain, pipelined,
# STARTTLS, AUTH PLAIN, AUTH LOGIN, IPv6; curl; msmtp) talking to postfix,
# aiosmtpd and smtp-sink in the lab: analyze --json exits 0 with nothing on
# stderr, and agrees with tshark frame by frame (tests/lib/agree.py).
# The captures (dumpcap in the server namespace) stay in the lab's temporary
# directory; KEEP_CAPTURES=DIR copies them to DIR (golden-test inputs).
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd; t_need tshark dumpcap swaks curl msmtp postfix openssl
lab_up || t_fail "lab_up failed"
lab_postfix_start --tls || t_fail "postfix did not start"
lab_sink_start auth --port 2525 --auth || t_fail "aiosmtpd (auth) did not start"
lab_sink_start plain --port 2527 || t_fail "aiosmtpd did not start"
lab_smtpsink_start 2526 || t_fail "smtp-sink did not start"

S=$LAB_SERVER_IP
msg=$LAB_DIR/msg.txt
printf 'From: <student@lab.test>\nTo: <ta@lab.test>\nSubject: reference client\n\nHello.\n.leading dot\nBye.\n' > "$msg"
SW=(swaks --helo client.lab.test --from student@lab.test --to ta@lab.test --timeout 20 --body "Hello.")
# name port command...   (port: the server port, for analyze --port and tshark -d)
cases=(
	"swaks-plain|25|${SW[*]} --server $S"
	"swaks-pipeline|25|${SW[*]} --server $S --pipeline"
	"swaks-tls|25|${SW[*]} --server $S --tls"
	"swaks-ipv6|25|${SW[*]} --server $LAB_SERVER_IP6"
	"swaks-two-rcpt-one-rejected|25|swaks --helo client.lab.test --from student@lab.test --to ta@lab.test,nobody@lab.test --timeout 20 --server $S"
	"swaks-auth-plain|2525|${SW[*]} --server $S:2525 --auth PLAIN --auth-user test --auth-password testpass"
	"swaks-auth-login|2525|${SW[*]} --server $S:2525 --auth LOGIN --auth-user test --auth-password testpass"
	"swaks-smtp-sink|2526|${SW[*]} --server $S:2526 --pipeline"
	"curl|2526|curl -sS --max-time 20 --url smtp://$S:2526/client.lab.test --mail-from student@lab.test --mail-rcpt ta@lab.test --upload-file $msg"
	"msmtp|2527|msmtp --file=/dev/null --host=$S --port=2527 --domain=client.lab.test --from=student@lab.test --auth=off --tls=off ta@lab.test"
)
nfail=0 nok=0 tot_a=0 tot_b=0
for c in "${cases[@]}"; do
	name=${c%%|*} rest=${c#*|}
	port=${rest%%|*} cmd=${rest#*|}
	cap=$LAB_DIR/ref-$name.pcapng
	# dumpcap (not smtptrace) can miss the start of an exchange on a loaded
	# machine: when the capture holds no SYN to the port, capture it again, once
	for try in 1 2; do
		lab_capture_start "$LAB_NS_SERVER" veth0 "$cap" "arp or icmp6 or tcp port $port" || t_fail "dumpcap did not start"
		if [ "$name" = msmtp ]; then
			ip netns exec "$LAB_NS_CLIENT" $cmd <"$msg" >"$LAB_DIR/$name.client" 2>&1; crc=$?
		else
			ip netns exec "$LAB_NS_CLIENT" $cmd </dev/null >"$LAB_DIR/$name.client" 2>&1; crc=$?
		fi
		lab_capture_stop "$cap"
		syns=$(tshark -r "$cap" -Y "tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.dstport == $port" 2>/dev/null | wc -l)
		[ $crc != 0 ] || [ "$syns" -gt 0 ] && break
		t_note "$name: dumpcap missed the connection (no SYN in the capture), capturing again"
	done
	if [ $crc != 0 ]; then
		t_show "$LAB_DIR/$name.client"
		t_note "$name: the client failed (exit $crc)"; nfail=$((nfail + 1)); continue
	fi
	popt=()
	[ "$port" != 25 ] && popt=(--port "$port")
	st_analyze "$cap" --json "${popt[@]}"
	if [ "$A_RC" != 0 ] || [ -s "$A_ERR" ]; then
		t_show "$A_ERR"; t_note "$name: analyze exited $A_RC / stderr not empty"; nfail=$((nfail + 1)); continue
	fi
	r=$($AGREE "$cap" "$A_OUT" "$port")
	arc=$?
	last=$(echo "$r" | grep '^frames agreeing' | tail -n 1)
	set -- $last
	tot_a=$((tot_a + ${3:-0})) tot_b=$((tot_b + ${5:-0}))
	if [ $arc != 0 ]; then
		echo "$r" | sed 's/^/    /' >&2
		t_note "$name: $last - DISAGREES with tshark"; nfail=$((nfail + 1))
	else
		t_note "$name: $last"; nok=$((nok + 1))
	fi
done
if [ -n "${KEEP_CAPTURES:-}" ]; then
	mkdir -p "$KEEP_CAPTURES" && cp "$LAB_DIR"/ref-*.pcapng "$KEEP_CAPTURES"/ &&
		t_note "captures copied to $KEEP_CAPTURES"
fi
[ $nfail = 0 ] || t_fail "$nfail of ${#cases[@]} reference captures failed ($tot_a of $tot_b frames agreeing)"
t_pass "${#cases[@]} reference clients: $tot_a of $tot_b frames agree with tshark"
