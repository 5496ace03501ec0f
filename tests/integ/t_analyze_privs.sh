#!/bin/bash
# analyze run as root drops root once its file is open - also on a system
# without a "nobody" user (a private mount namespace where /etc/passwd has
# none, and nsswitch.conf reads files only): it becomes uid/gid 65534, never silently stays root; and it holds
# no CAP_NET_RAW/CAP_NET_ADMIN.  (No lab needed.)
. "$(dirname "$0")/../lib/common.sh"
[ "$(id -u)" = 0 ] || t_skip "needs root"
t_need unshare mkfifo
tmp=$(mktemp -d /tmp/t_analyze_privs.XXXXXX) || t_fail "mktemp"
trap 'rm -rf "$tmp"; lab_down' EXIT
mkfifo "$tmp/cap"
grep -v '^nobody:' /etc/passwd >"$tmp/passwd"
# nss-systemd makes up a "nobody" of its own: files only
sed -E 's/^(passwd|group|shadow):.*/\1: files/' /etc/nsswitch.conf >"$tmp/nsswitch.conf"
# In the namespace: analyze reads the fifo (held open, nothing written yet,
# so it waits after dropping privileges); report its ids and capabilities.
unshare -m bash -c '
	mount --bind "$1/passwd" /etc/passwd || exit 3
	mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf || exit 3
	getent passwd nobody >/dev/null && exit 4
	exec 3<>"$1/cap"
	"$2" analyze "$1/cap" >/dev/null 2>"$1/err" &
	pid=$!
	for _ in $(seq 50); do
		grep -q "^Uid:[[:space:]]*65534" /proc/$pid/status 2>/dev/null && break
		sleep 0.1
	done
	grep -E "^(Uid|Gid|CapEff|CapPrm):" /proc/$pid/status >"$1/status"
	kill $pid
' sh "$tmp" "$SMTPTRACE"
rc=$?
[ $rc = 3 ] && t_skip "cannot bind-mount /etc/passwd"
[ $rc = 4 ] && t_fail "nobody still resolvable in the namespace"
t_note "$(tr '\n' ' ' <"$tmp/status")"
grep -q "^Uid:[[:space:]]*65534" "$tmp/status" || { t_show "$tmp/status" "$tmp/err"; t_fail "analyze kept uid $(awk '/^Uid/{print $2}' "$tmp/status")"; }
grep -q "^Gid:[[:space:]]*65534" "$tmp/status" || t_fail "analyze kept its group"
eff=$(awk '/^CapEff/ {print $2}' "$tmp/status")
(( 0x$eff & 0x3000 )) && t_fail "analyze holds CAP_NET_RAW/CAP_NET_ADMIN ($eff)"
t_pass "no 'nobody' user: analyze runs as 65534:65534 without capabilities"
