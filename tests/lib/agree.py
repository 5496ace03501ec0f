#!/usr/bin/python3
"""agree.py - does smtptrace's analysis agree with tshark's SMTP dissector?

usage: agree.py CAPTURE OUR.json [PORT] [-v] [--keylog KEYS]

Every frame that tshark marks with smtp.req.command must be, in our JSON, in
the request_frames of an exchange whose command is that command; every frame
tshark marks with smtp.response.code must be in the reply_frames of an
exchange whose reply_code is that code (a frame carrying several pipelined
commands or replies must satisfy each).  Allowances: tshark shortens
commands to 4 letters (STARTTLS is "STAR"), so ours need only start with
tshark's; a 334 (AUTH challenge) may sit in an AUTH exchange whatever its
final code; a code listed in an exchange key whose name contains "codes"
(e.g. "reply_codes") counts like reply_code.  PORT (default 25): the server port;
for a port tshark does not decode as SMTP, `-d tcp.port==PORT,smtp` is added.

With --keylog KEYS, tshark decrypts TLS with that NSS key log (as we do with
`analyze --keylog KEYS`; a pcapng's Decryption Secrets Blocks it reads by
itself), so the commands and replies inside TLS are compared too; the count
of those is printed as "(N inside TLS)".

Prints "frames agreeing A of B" (and one line per disagreement); exits 0 when
A == B > 0, 1 otherwise, 2 on usage or tool errors.
"""
import json
import subprocess
import sys

SMTP_PORTS = {25, 587}


def tshark_marks(cap, port, keylog=None):
    cmd = ["tshark", "-r", cap, "-2", "-T", "fields",
           "-e", "frame.number", "-e", "smtp.req.command", "-e", "smtp.response.code",
           "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,",
           "-o", "tcp.desegment_tcp_streams:TRUE"]
    if keylog:
        cmd += ["-o", "tls.keylog_file:" + keylog]
    if port == 465:                 # implicit TLS (RFC 8314): SMTP over TLS
        cmd += ["-d", "tls.port==465,smtp"]
    elif port not in SMTP_PORTS:
        cmd += ["-d", "tcp.port==%d,smtp" % port]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit("agree: tshark failed (exit %d)" % p.returncode)
    marks = []
    for line in p.stdout.splitlines():
        f = line.split("\t")
        while len(f) < 3:
            f.append("")
        no = int(f[0])
        cmds = [c.strip().upper() for c in f[1].split(",") if c.strip()]
        codes = sorted({int(c) for c in f[2].split(",") if c.strip()})
        if cmds or codes:
            marks.append((no, cmds, codes))
    return marks


def our_exchanges(doc):
    out = []
    for s in doc.get("sessions", []):
        for e in s.get("exchanges", []) or []:
            out.append(e)
    return out


def frame_numbers(lst):
    """request_frames/reply_frames: numbers, or objects with "no"."""
    nums = set()
    for x in lst or []:
        if isinstance(x, dict):
            x = x.get("no")
        if isinstance(x, int):
            nums.add(x)
    return nums


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    keylog = None
    if "--keylog" in args:
        k = args.index("--keylog")
        if k + 1 >= len(args):
            sys.stderr.write(__doc__)
            return 2
        keylog = args[k + 1]
        del args[k:k + 2]
    if len(args) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    cap, js = args[0], args[1]
    port = int(args[2]) if len(args) == 3 else 25
    try:
        with open(js) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print("agree: cannot read our JSON %s: %s" % (js, e))
        return 2
    marks = tshark_marks(cap, port, keylog)
    exch = our_exchanges(doc)
    in_tls = set()   # frames of exchanges read from decrypted TLS
    for e in exch:
        if e.get("tls") is True:
            in_tls |= frame_numbers(e.get("request_frames")) | frame_numbers(e.get("reply_frames"))
    req_of = []   # (set of request frames, COMMAND)
    rep_of = []   # (set of reply frames, code)
    for e in exch:
        c = e.get("command")
        req_of.append((frame_numbers(e.get("request_frames")), (c or "").upper()))
        alt = set()
        for k, v in e.items():   # e.g. "reply_codes": every code of a multi-step exchange
            if "codes" in k and isinstance(v, list):
                alt.update(x for x in v if isinstance(x, int))
        rep_of.append((frame_numbers(e.get("reply_frames")), e.get("reply_code"), alt, (c or "").upper()))
    good = tls_good = 0
    for no, cmds, codes in marks:
        bad = []
        for c in cmds:
            # tshark keeps only the first 4 letters: STARTTLS is "STAR"
            if not any(no in fr and oc.startswith(c) for fr, oc in req_of):
                mine = [oc for fr, oc in req_of if no in fr]
                bad.append("tshark: command %s; ours: %s" % (c, mine or "in no request"))
        for code in codes:
            if not any(no in fr and (code == oc or code in alt or (code == 334 and cmd == "AUTH"))
                       for fr, oc, alt, cmd in rep_of):
                mine = [oc for fr, oc, _, _ in rep_of if no in fr]
                bad.append("tshark: reply %d; ours: %s" % (code, mine or "in no reply"))
        if bad:
            print("  frame %d: %s" % (no, "; ".join(bad)))
        else:
            good += 1
            tls_good += no in in_tls
            if verbose:
                print("  frame %d: ok %s %s" % (no, ",".join(cmds), ",".join(map(str, codes))))
    print("frames agreeing %d of %d%s" % (good, len(marks),
          " (%d inside TLS)" % tls_good if in_tls or keylog else ""))
    if not marks:
        print("agree: tshark marked no SMTP frame (wrong port?)")
        return 1
    return 0 if good == len(marks) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
