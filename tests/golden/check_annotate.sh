#!/bin/sh
# tests/golden/check_annotate.sh - `smtptrace annotate` against golden files.
# Usage: check_annotate.sh [--update] path/to/smtptrace
#
# For each capture below: annotate it, then
#   - the packet comments (tshark: frame number, comment) equal
#     annotate-NAME.comments byte for byte (--update rewrites them);
#   - every frame of a traced session has one (all frames of these captures);
#   - the packets and their timestamps are the input's (tshark -x, epoch);
#   - the file is 0600, and a symlink as OUT is refused (exit 70);
# and on the TLS fixture rewritten by editcap with a DSB and a comment of
# its own: both survive (capinfos counts 1 secret, tshark decrypts the EHLO
# with no key option, the old comment comes first).
# Skipped (with a line) without tshark.
update=0
[ "$1" = --update ] && { update=1; shift; }
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
here=$(cd "$(dirname "$0")" && pwd)
command -v tshark >/dev/null 2>&1 || { echo "annotate: skipped (no tshark)"; exit 0; }
tmp=$(mktemp -d /tmp/smtptrace-annot.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
bad() { echo "annotate: $name: $*" >&2; fail=$((fail + 1)); }
ts() { tshark -n -r "$1" -T fields -e frame.time_epoch -e frame.len 2>/dev/null; }

for name in eth-basic starttls interleaved bare-lf; do
	in=$here/caps/$name.pcap out=$tmp/$name.pcapng
	"$bin" annotate "$in" -w "$out" 2>"$tmp/err" || { bad "exit $?: $(cat "$tmp/err")"; continue; }
	tshark -n -r "$out" -T fields -e frame.number -e frame.comment >"$tmp/c" 2>/dev/null
	if [ $update = 1 ]; then cp "$tmp/c" "$here/annotate-$name.comments"; fi
	cmp -s "$tmp/c" "$here/annotate-$name.comments" ||
		{ diff "$here/annotate-$name.comments" "$tmp/c" | head -20 >&2; bad "comments differ"; continue; }
	grep -qv "	smtptrace session" "$tmp/c" && { bad "a frame without a comment"; continue; }
	ts "$in" >"$tmp/a"; ts "$out" >"$tmp/b"
	cmp -s "$tmp/a" "$tmp/b" || { bad "timestamps or lengths changed"; continue; }
	tshark -n -r "$in" -x >"$tmp/a" 2>/dev/null; tshark -n -r "$out" -x >"$tmp/b" 2>/dev/null
	cmp -s "$tmp/a" "$tmp/b" || { bad "packet bytes changed"; continue; }
	[ "$(stat -c %a "$out")" = 600 ] || { bad "mode $(stat -c %a "$out")"; continue; }
	pass=$((pass + 1))
done

name=symlink
ln -s "$tmp/target" "$tmp/link"
"$bin" annotate "$here/caps/eth-basic.pcap" -w "$tmp/link" 2>"$tmp/err"
rc=$?
if [ $rc = 70 ] && [ ! -e "$tmp/target" ] && grep -q symlink "$tmp/err"; then pass=$((pass + 1))
else bad "exit $rc, $(cat "$tmp/err")"; fi

name=tls-dsb
data=$here/../unit/data
if editcap --inject-secrets "tls,$data/tls13-ehlo.keylog" -a "3:their own comment" \
	"$data/tls13-ehlo.pcapng" "$tmp/in.pcapng" 2>/dev/null; then
	"$bin" annotate "$tmp/in.pcapng" --port 24433 -w "$tmp/o.pcapng" 2>/dev/null
	c3=$(tshark -n -r "$tmp/o.pcapng" -Y frame.number==3 -T fields -e frame.comment 2>/dev/null)
	case $c3 in "their own comment | smtptrace session 1: handshake 3/3 (ACK)") ok=1 ;; *) ok=0 ;; esac
	if [ $ok = 1 ] && capinfos "$tmp/o.pcapng" 2>/dev/null | grep -q 'decryption secrets in file: 1' &&
		tshark -n -r "$tmp/o.pcapng" -o data.show_as_text:TRUE -Y tls.app_data \
			-T fields -e data.text 2>/dev/null | grep -q 'EHLO secret-hello-text'; then
		pass=$((pass + 1))
	else bad "frame 3 comment '$c3', or the DSB lost"; fi
else echo "annotate: tls-dsb skipped (editcap cannot inject secrets)"; fi

echo "annotate: $pass passed, $fail failed"
[ $fail = 0 ]
