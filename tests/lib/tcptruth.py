#!/usr/bin/python3
"""tcptruth.py - what really happened to each TCP frame, and who labelled it right.

usage: tcptruth.py [-v] [--bin SMTPTRACE] [--min PCT] SENDER ROUTER [JUDGED...]

SENDER and ROUTER are two captures of the same impaired connections: at the
sending client, and at the router on the server's side (tests/golden/
mkimpaired.sh).  Together they hold every packet each side sent: the
client's as it sent them (SENDER), the server's before the impairment
(ROUTER).  Linux gives each packet of a connection the next IPv4 ID, so the
IDs order each side's packets as they were sent.  From that send order:

  new      a packet whose bytes (or SYN/FIN) start at or beyond everything
           the side sent before it: a first transmission;
  resend   one that starts below what the side sent before: a retransmission;
  late     (per judged capture) a first transmission captured after bytes
           beyond it: out of order;
  dup      a frame whose IP ID, seq and length were captured before in the
           same capture: the network duplicated it;
  keepalive  a segment of at most one byte just below what was sent before;
  dupack   a pure ACK repeating the side's previous ACK number and window
           while the peer has bytes (or a FIN) beyond it in the capture;
  ack      any other pure ACK.

Each JUDGED capture (default: both) is labelled by smtptrace (--json:
frames[].analysis, or for older binaries the bracketed labels of
frames[].role) and by tshark (tcp.analysis.*), both mapped onto these
classes, and compared.  Prints, per capture and in total, the frames
judged, how many each labelled right, and the same over the frames where
smtptrace and tshark disagree.  Exit 1 when smtptrace is right on fewer than
--min percent (default 0) of all frames.
"""
import json
import os
import subprocess
import sys

OURS_MAP = [  # first match wins
    ("duplicate", "dup"), ("keep_alive", "keepalive"), ("retransmission", "resend"),
    ("fast_retransmission", "resend"), ("spurious_retransmission", "resend"),
    ("out_of_order", "late"), ("duplicate_ack", "dupack"),
]
TSHARK_FIELDS = ["tcp.analysis.keep_alive", "tcp.analysis.retransmission",
                 "tcp.analysis.fast_retransmission", "tcp.analysis.spurious_retransmission",
                 "tcp.analysis.out_of_order", "tcp.analysis.duplicate_ack"]
TSHARK_CLASS = ["keepalive", "resend", "resend", "resend", "late", "dupack"]


def tshark_frames(cap):
    """frame number -> dict of the fields we need, and tshark's class."""
    fields = ["frame.number", "ip.src", "tcp.srcport", "tcp.dstport", "ip.id", "tcp.seq_raw",
              "tcp.ack_raw", "tcp.len", "tcp.flags", "tcp.window_size_value"] + TSHARK_FIELDS
    cmd = ["tshark", "-r", cap, "-Y", "tcp", "-T", "fields", "-E", "separator=\t",
           "-o", "tcp.relative_sequence_numbers:TRUE"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, check=True).stdout
    frames = []
    for line in out.splitlines():
        v = line.split("\t")
        v += [""] * (len(fields) - len(v))
        fl = int(v[8], 16)
        cls = "other"
        for val, c in zip(v[10:], TSHARK_CLASS):
            if val:
                cls = c
                break
        frames.append(dict(no=int(v[0]), src=v[1], sport=int(v[2]), dport=int(v[3]),
                           id=int(v[4], 16) if v[4].startswith("0x") else int(v[4] or 0),
                           seq=int(v[5]), ack=int(v[6]), len=int(v[7]), flags=fl,
                           win=int(v[9] or 0), tshark=cls))
    return frames


def conn_key(f):
    a, b = (f["sport"], f["dport"]), (f["dport"], f["sport"])
    return min(a, b), f["sport"] > f["dport"]   # (port pair, from the client: high port)


def seqspan(f):
    """(start, end) in sequence space, SYN and FIN counted."""
    n = f["len"] + (1 if f["flags"] & 0x02 else 0) + (1 if f["flags"] & 0x01 else 0)
    return f["seq"], f["seq"] + n


def sent_classes(frames_lists):
    """From every capture, the packets each side sent (one per IP ID), in ID
    order: (conn, dir, id) -> 'new' / 'resend' / 'keepalive' / None (pure ACK)."""
    pk = {}
    for frames in frames_lists:
        for f in frames:
            k = conn_key(f) + (f["id"],)
            pk.setdefault(k, f)
    by_side = {}
    for (conn, d, ipid), f in pk.items():
        by_side.setdefault((conn, d), []).append(f)
    truth = {}
    for side, lst in by_side.items():
        # SYNs first (Linux sends a SYN/ACK with ID 0), then the others by
        # 16-bit ID counted from a little before the first one captured
        rest = [f for f in lst if not f["flags"] & 0x02]
        base = rest[0]["id"] if rest else 0
        lst.sort(key=lambda f: -1 if f["flags"] & 0x02 else (f["id"] - base + 1000) & 0xffff)
        top = None
        for f in lst:
            a, b = seqspan(f)
            k = side + (f["id"],)
            if f["flags"] & 0x04:
                truth[k] = "other"
                continue
            if a == b:
                truth[k] = None
                if top is not None and a + 1 == top:
                    truth[k] = "keepalive"
                continue
            if top is None or a >= top:
                truth[k] = "new"
            elif f["len"] <= 1 and not f["flags"] & 0x03 and a + 1 == top:
                truth[k] = "keepalive"
            else:
                truth[k] = "resend"
            top = b if top is None else max(top, b)
    return truth


def judge_truth(frames, sent):
    """Per frame of one capture: the true class."""
    out = {}
    seen_ids = set()
    top = {}            # (conn, dir) -> highest seq end captured so far
    last_ack = {}       # (conn, dir) -> (ack, win) of its previous ACK (send order)
    for f in frames:
        side = conn_key(f)
        k = side + (f["id"],)
        ident = (k, f["seq"], f["len"], f["flags"])
        a, b = seqspan(f)
        if ident in seen_ids:
            out[f["no"]] = "dup"
            continue
        seen_ids.add(ident)
        cls = sent.get(k)
        if cls == "new" and side in top and a < top[side]:
            cls = "late"
        if cls is None:
            peer = (side[0], not side[1])
            prev = last_ack.get(side)
            dup = prev == (f["ack"], f["win"]) and not f["flags"] & 0x07
            cls = "dupack" if dup and top.get(peer, 0) > f["ack"] else "ack"
        if f["flags"] & 0x10:
            last_ack[side] = (f["ack"], f["win"])
        if not f["flags"] & 0x04:     # a bare ACK's seq shows what was sent before it too
            top[side] = max(top.get(side, b), b)
        out[f["no"]] = cls
    return out


def our_classes(binary, cap):
    p = subprocess.run([binary, "analyze", cap, "--json", "--port", "25"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    doc = json.loads(p.stdout)
    out = {}
    for s in doc.get("sessions", []):
        for fr in s.get("frames", []):
            if fr.get("dir") not in ("c2s", "s2c"):
                continue
            if "analysis" in fr:
                names = fr["analysis"]
            else:   # older binaries: the role's wording
                r = fr.get("role", "")
                names = [n for t, n in (("[retransmission]", "retransmission"),
                                        ("[out of order]", "out_of_order"),
                                        ("duplicate ACK", "duplicate_ack"),
                                        ("keep-alive", "keep_alive")) if t in r and
                         not (t == "keep-alive" and "keep-alive ACK" in r)]
            cls = "other"
            for n, c in OURS_MAP:
                if n in names:
                    cls = c
                    break
            out[fr["no"]] = cls
    return out


def right(label, truth):
    if truth in ("new", "ack", "other"):
        return label == "other"
    return label == truth


def judge(binary, cap, sent, verbose):
    frames = tshark_frames(cap)
    truth = judge_truth(frames, sent)
    ours = our_classes(binary, cap)
    n = ok_us = ok_ts = nd = nd_us = nd_ts = 0
    for f in frames:
        t = truth[f["no"]]
        u = ours.get(f["no"], "other")
        s = f["tshark"]
        n += 1
        ok_us += right(u, t)
        ok_ts += right(s, t)
        if u != s:
            nd += 1
            nd_us += right(u, t)
            nd_ts += right(s, t)
            if verbose:
                print("   frame %d: truth %s, ours %s, tshark %s" % (f["no"], t, u, s))
        elif verbose and not right(u, t):
            print("   frame %d: truth %s, both say %s" % (f["no"], t, u))
    return n, ok_us, ok_ts, nd, nd_us, nd_ts


def pct(a, b):
    return "%5.1f%%" % (100.0 * a / b) if b else "   - "


def main(argv):
    verbose = "-v" in argv
    argv = [a for a in argv if a != "-v"]
    binary, minpct = "build/smtptrace", 0.0
    while argv and argv[0].startswith("--"):
        if argv[0] == "--bin":
            binary = argv[1]
        elif argv[0] == "--min":
            minpct = float(argv[1])
        else:
            sys.stderr.write(__doc__)
            return 2
        argv = argv[2:]
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    sender, router = argv[0], argv[1]
    judged = argv[2:] or [sender, router]
    sent = sent_classes([tshark_frames(sender), tshark_frames(router)])
    tot = [0] * 6
    for cap in judged:
        r = judge(binary, cap, sent, verbose)
        tot = [a + b for a, b in zip(tot, r)]
        print("%-28s frames %4d: ours %s tshark %s | disagree %3d: ours %s tshark %s" %
              (os.path.basename(cap), r[0], pct(r[1], r[0]), pct(r[2], r[0]), r[3],
               pct(r[4], r[3]), pct(r[5], r[3])))
    print("total frames %d: ours %s tshark %s | disagree %d: ours %s tshark %s" %
          (tot[0], pct(tot[1], tot[0]), pct(tot[2], tot[0]), tot[3], pct(tot[4], tot[3]),
           pct(tot[5], tot[3])))
    return 1 if tot[0] and 100.0 * tot[1] / tot[0] < minpct else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
