#!/bin/bash
# Capabilities are dropped once the capture handle is open: during the
# dialogue no thread of smtptrace holds CAP_NET_RAW or CAP_NET_ADMIN (in
# its effective or permitted set) and NoNewPrivs is set - run as root with
# -Z root (stays uid 0), and as an unprivileged user with a setcap copy.
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start silent --silent || t_fail "silent server did not start"
mkdir -p "$LAB_DIR/w" && chmod 777 "$LAB_DIR/w"

# check LABEL CMD...: start CMD (it must exec smtptrace), wait for the
# connection, inspect every thread, interrupt it.
check() {
	local label=$1; shift
	T_OUT=$LAB_DIR/$label.out T_ERR=$LAB_DIR/$label.err
	"$@" >"$T_OUT" 2>"$T_ERR" </dev/null &
	local pid=$! t bad=
	for _ in $(seq 50); do
		grep -q "Connected" "$T_OUT" 2>/dev/null && break
		sleep 0.1
	done
	grep -q "Connected" "$T_OUT" || { kill $pid; t_show "$T_OUT" "$T_ERR"; t_fail "$label: no connection"; }
	for t in /proc/$pid/task/*; do
		local eff prm nnp
		eff=$(awk '/^CapEff/ {print $2}' "$t/status")
		prm=$(awk '/^CapPrm/ {print $2}' "$t/status")
		nnp=$(awk '/^NoNewPrivs/ {print $2}' "$t/status")
		t_note "$label ${t##*/}: CapEff $eff CapPrm $prm NoNewPrivs $nnp"
		(( (0x$eff | 0x$prm) & 0x3000 )) && bad="$bad ${t##*/}:caps"
		[ "$nnp" = 1 ] || bad="$bad ${t##*/}:nnp"
	done
	kill -INT $pid
	wait $pid
	[ -z "$bad" ] || t_fail "$label: still privileged:$bad"
	[ -s "$LAB_DIR/w/$label.pcapng" ] || t_fail "$label: no capture"
}

SEND=(send --server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test --body x --no-color)
check root ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" "${SEND[@]}" -Z root -w "$LAB_DIR/w/root.pcapng"
note=root
if command -v setcap >/dev/null && command -v setpriv >/dev/null; then
	cp "$SMTPTRACE" "$LAB_DIR/st" && chmod 755 "$LAB_DIR/st"
	if setcap cap_net_raw,cap_net_admin=eip "$LAB_DIR/st" 2>/dev/null; then
		check setcap ip netns exec "$LAB_NS_CLIENT" setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$LAB_DIR/st" "${SEND[@]}" -w "$LAB_DIR/w/setcap.pcapng"
		note="$note, setcap"
	fi
fi
t_pass "no CAP_NET_RAW/CAP_NET_ADMIN during the dialogue ($note)"
