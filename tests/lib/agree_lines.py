#!/usr/bin/python3
"""agree_lines.py - are the reply lines we keep the lines tshark shows?

usage: agree_lines.py CAPTURE OUR.json [PORT] [--keylog KEYS]

For each SMTP session, the lines of every reply in stream order: ours are
each exchange's "reply_lines" (ordered by its first reply frame), tshark's
the smtp.rsp.parameter fields of the frames it marks smtp.response, in
frame order.  Our exchange with reply_line_count N takes the next N of
tshark's lines; the lines we kept must equal the first of them (cut to 512
bytes when reply_lines_cut says so): the bound of 64 lines per reply is
allowed for, nothing else.  With --keylog (or a pcapng's secrets) tshark
decrypts TLS, so the replies read from decrypted TLS are compared too;
without secrets they are left out on both sides.  Sessions are matched by
client port, in order.  PORT: as in agree.py.

Prints "reply lines agreeing A of B"; exits 0 when all agree (0 of 0: a capture
with no reply, e.g. only the client side), 1 otherwise,
2 on tool errors.
"""
import json
import subprocess
import sys

SMTP_PORTS = {25, 587}
CUT = 512


def tshark_lines(cap, port, keylog):
    cmd = ["tshark", "-r", cap, "-2", "-Y", "smtp.response", "-T", "fields",
           "-e", "tcp.stream", "-e", "tcp.dstport", "-e", "smtp.rsp.parameter",
           "-E", "occurrence=a", "-E", "aggregator=\x01"]
    if keylog:
        cmd += ["-o", "tls.keylog_file:" + keylog]
    if port == 465:
        cmd += ["-d", "tls.port==465,smtp"]
    elif port not in SMTP_PORTS:
        cmd += ["-d", "tcp.port==%d,smtp" % port]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace"))
        raise SystemExit(2)
    streams = {}
    for line in p.stdout.decode("utf-8", "replace").split("\n"):
        if not line:
            continue
        f = line.split("\t") + ["", ""]
        key = (int(f[0]), int(f[1]))
        streams.setdefault(key, []).extend(f[2].split("\x01"))
    by_port = {}
    for (stream, cport) in sorted(streams):
        by_port.setdefault(cport, []).append(streams[(stream, cport)])
    return by_port


def main(argv):
    args = [a for a in argv[1:]]
    keylog = None
    if "--keylog" in args:
        i = args.index("--keylog")
        keylog = args[i + 1]
        del args[i:i + 2]
    cap, ours = args[0], args[1]
    port = int(args[2]) if len(args) > 2 else 25
    doc = json.load(open(ours, encoding="utf-8"))
    theirs = tshark_lines(cap, port, keylog)
    seen = {}
    good = total = 0
    for s in doc["sessions"]:
        cport = int(s["client"].rsplit(":", 1)[1])
        k = seen.get(cport, 0)
        seen[cport] = k + 1
        lines = theirs.get(cport, [])
        lines = lines[k] if k < len(lines) else []
        tls = keylog is not None or cap.endswith(".pcapng")
        reps = [x for x in s["exchanges"] if x.get("reply_code") and x["reply_frames"] and
                (tls or not x["tls"])]
        reps.sort(key=lambda x: x["reply_frames"][0])
        at = 0
        for x in reps:
            n = x["reply_line_count"]
            want = lines[at:at + n][:len(x["reply_lines"])]
            at += n
            if x.get("reply_lines_cut"):
                want = [w.encode()[:CUT].decode("utf-8", "replace") for w in want]
            total += 1
            if want == x["reply_lines"]:
                good += 1
            else:
                print("session %d, reply %d in frame %d: ours %r, tshark %r" % (
                      s["index"], x["reply_code"], x["reply_frames"][0],
                      x["reply_lines"][:3], want[:3]))
        if at != len(lines):
            total += 1
            print("session %d: tshark shows %d reply lines, ours account for %d" %
                  (s["index"], len(lines), at))
    print("reply lines agreeing %d of %d" % (good, total))
    return 0 if good == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
