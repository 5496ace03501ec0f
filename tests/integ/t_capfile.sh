#!/bin/bash
# The capture file, as root: 0600 at umask 000; a planted symlink (-w, or
# captures/ itself) or a group/world-writable captures/ refused (exit 7);
# under sudo (SUDO_UID/SUDO_GID) the file and captures/ belong to that user,
# a malformed SUDO_UID is refused; -w /dev/full is exit 7 before
# connecting, a disk that fills up mid-capture and a full standard output
# are exit 70, never "Saved:".
. "$(dirname "$0")/../lib/common.sh"
t_need_lab; t_need_aiosmtpd
lab_up || t_fail "lab_up failed"
lab_sink_start sink || t_fail "aiosmtpd did not start"
W=$LAB_DIR/work
mkdir -p "$W" && chmod 755 "$W"
ARGS=(--server "$LAB_SERVER_IP" --from student@lab.test --to ta@lab.test --no-color -q)

# run DIR [ARGS...]: smtptrace send in the client namespace, cwd DIR
run() {
	local dir=$1; shift
	T_OUT=$LAB_DIR/out T_ERR=$LAB_DIR/err
	(cd "$dir" && ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" send "${ARGS[@]}" "$@" \
		>"$T_OUT" 2>"$T_ERR" </dev/null)
	T_RC=$?
	t_note "send $* (in $dir) -> $T_RC: $(tail -n 1 "$T_ERR")"
}
no_saved() { ! grep -q "^Saved:" "$T_OUT" || { t_show "$T_OUT"; t_fail "$1: says Saved:"; }; }

# 0600 whatever the umask
old_umask=$(umask); umask 000
run "$W" --body x -w "$W/a.pcapng"
umask "$old_umask"
t_expect_rc 0
[ "$(stat -c %a "$W/a.pcapng")" = 600 ] || t_fail "umask 000: mode $(stat -c %a "$W/a.pcapng")"

# -w through a planted symlink
echo keep >"$W/target"
ln -s "$W/target" "$W/link.pcapng"
run "$W" --body x -w "$W/link.pcapng"
t_expect_rc 7
[ "$(cat "$W/target")" = keep ] || t_fail "-w followed the symlink"
grep -q symlink "$T_ERR" || { t_show "$T_ERR"; t_fail "-w symlink: no reason given"; }

# captures/ as a planted symlink, then world-writable
mkdir -p "$W/s1" "$W/elsewhere" && ln -s "$W/elsewhere" "$W/s1/captures"
run "$W/s1" --body x
t_expect_rc 7
[ -z "$(ls "$W/elsewhere")" ] || t_fail "captures/ symlink followed"
mkdir -p "$W/s2/captures" && chmod 777 "$W/s2/captures"
run "$W/s2" --body x
t_expect_rc 7
[ -z "$(ls "$W/s2/captures")" ] || t_fail "world-writable captures/ used"

# under sudo: the invoking user's file and directory; bad SUDO_UID refused
mkdir -p "$W/s3" && chmod 777 "$W/s3"
SUDO_UID=65534 SUDO_GID=65534 run "$W/s3" --body x
t_expect_rc 0
f=$(ls "$W"/s3/captures/*.pcapng 2>/dev/null | head -n 1)
[ -n "$f" ] || t_fail "sudo: no capture in captures/"
[ "$(stat -c %u:%g:%a "$f")" = 65534:65534:600 ] || t_fail "sudo: file is $(stat -c %u:%g:%a "$f")"
[ "$(stat -c %u:%a "$W/s3/captures")" = 65534:700 ] || t_fail "sudo: captures/ is $(stat -c %u:%a "$W/s3/captures")"
SUDO_UID=12x SUDO_GID=0 run "$W" --body x -w "$W/b.pcapng"
t_expect_rc 2

# unwritable: before connecting (exit 7), when the disk fills (70), stdout (70)
run "$W" --body x -w /dev/full
t_expect_rc 7
no_saved "/dev/full"
grep -q "No space left" "$T_ERR" || { t_show "$T_ERR"; t_fail "/dev/full: no reason"; }
head -c 300000 /dev/urandom | base64 >"$W/body.txt"
mkdir -p "$W/tiny"
T_OUT=$LAB_DIR/out T_ERR=$LAB_DIR/err
ip netns exec "$LAB_NS_CLIENT" sh -c 'mount -t tmpfs -o size=64k tmpfs "$1" && shift &&
	"$@"' sh "$W/tiny" "$SMTPTRACE" send "${ARGS[@]}" --body-file "$W/body.txt" \
	-w "$W/tiny/c.pcapng" >"$T_OUT" 2>"$T_ERR" </dev/null
T_RC=$?
t_expect_rc 70
no_saved "full disk"
grep -q "No space left" "$T_ERR" || { t_show "$T_ERR"; t_fail "full disk: no reason"; }
(cd "$W" && ip netns exec "$LAB_NS_CLIENT" "$SMTPTRACE" send "${ARGS[@]}" --body x \
	-w "$W/d.pcapng" >/dev/full 2>"$LAB_DIR/err" </dev/null)
T_RC=$?
t_expect_rc 70
t_pass "0600, symlinks and open captures/ refused, sudo-owned, /dev/full 7, full disk 70, stdout 70"
