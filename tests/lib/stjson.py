#!/usr/bin/python3
"""stjson.py - checks on smtptrace's JSON and on delivered messages, for the
integration tests.  Each subcommand prints one line on failure and exits 1.

  stjson.py valid FILE
      FILE holds exactly one JSON document with "tool": "smtptrace" and a
      "sessions" list.
  stjson.py send-check FILE [--arp] [--handshake N] [--commands C,C,...]
      --arp: at least one frame with proto "ARP" (anywhere in the document);
      --handshake N: exactly N frames whose role contains "handshake";
      --commands: every listed command appears as an exchange "command".
  stjson.py same-sessions LIVE.json ANALYZE.json [--ignore KEY,...]
      the "sessions" of both are equal; keys present only in LIVE whose name
      starts with "sender" or is listed with --ignore are ignored (reported);
      floats compared to 1e-6.
  stjson.py drops FILE
      every numeric value under a key containing "drop" is 0.
  stjson.py body EML BODYFILE
      the part of EML after the first empty line (CRLF CRLF) equals BODYFILE
      with every line ending made CRLF (a final CRLF added when missing).
  stjson.py get FILE PATH     print a value, e.g. sessions.0.server
"""
import json
import sys


def load(path):
    with open(path) as f:
        text = f.read()
    dec = json.JSONDecoder()
    doc, end = dec.raw_decode(text.lstrip())
    rest = text.lstrip()[end:].strip()
    if rest:
        raise ValueError("text after the JSON document: %r" % rest[:60])
    return doc


def walk(x, path=""):
    yield path, x
    if isinstance(x, dict):
        for k, v in x.items():
            yield from walk(v, "%s.%s" % (path, k) if path else k)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from walk(v, "%s.%d" % (path, i))


def all_frames(doc):
    for _, v in walk(doc):
        if isinstance(v, dict) and "proto" in v and ("no" in v or "role" in v):
            yield v


def cmd_valid(a):
    doc = load(a[0])
    if not isinstance(doc, dict) or doc.get("tool") != "smtptrace" or not isinstance(doc.get("sessions"), list):
        print("not a smtptrace JSON document (tool/sessions missing)")
        return 1
    return 0


def cmd_send_check(a):
    doc = load(a[0])
    opts = a[1:]
    err = []
    frames = list(all_frames(doc))
    if "--arp" in opts:
        if not any(str(f.get("proto", "")).upper() == "ARP" for f in frames):
            err.append("no ARP frame")
    if "--handshake" in opts:
        n = int(opts[opts.index("--handshake") + 1])
        hs = [f for s in doc.get("sessions", []) for f in s.get("frames", [])
              if "handshake" in str(f.get("role") or "")]
        if len(hs) != n:
            err.append("%d handshake frames, want %d" % (len(hs), n))
    if "--commands" in opts:
        want = opts[opts.index("--commands") + 1].upper().split(",")
        have = {str(e.get("command") or "").upper()
                for s in doc.get("sessions", []) for e in s.get("exchanges", [])}
        miss = [c for c in want if c not in have]
        if miss:
            err.append("commands missing from exchanges: %s (have %s)" % (",".join(miss), ",".join(sorted(have))))
    if err:
        print("; ".join(err))
        return 1
    return 0


def compare(a, b, path, ignore, ignored, diffs):
    if len(diffs) > 20:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                if k.startswith("sender") or k in ignore:
                    ignored.add(k)
                else:
                    diffs.append("%s.%s: only in live" % (path, k))
                continue
            compare(a[k], b[k], "%s.%s" % (path, k), ignore, ignored, diffs)
        for k in b:
            if k not in a:
                diffs.append("%s.%s: only in analyze" % (path, k))
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            diffs.append("%s: %d items live, %d analyze" % (path, len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, "%s.%d" % (path, i), ignore, ignored, diffs)
    elif isinstance(a, float) or isinstance(b, float):
        if not (isinstance(a, (int, float)) and isinstance(b, (int, float))) or abs(a - b) > 1e-6:
            diffs.append("%s: live %r, analyze %r" % (path, a, b))
    elif a != b:
        diffs.append("%s: live %r, analyze %r" % (path, a, b))


def cmd_same_sessions(a):
    live, ana = load(a[0]), load(a[1])
    ignore = set()
    if "--ignore" in a:
        ignore = set(a[a.index("--ignore") + 1].split(","))
    ignored, diffs = set(), []
    compare(live.get("sessions"), ana.get("sessions"), "sessions", ignore, ignored, diffs)
    if ignored:
        sys.stderr.write("same-sessions: ignored live-only keys: %s\n" % ",".join(sorted(ignored)))
    if diffs:
        print("sessions differ: " + "; ".join(diffs[:8]))
        return 1
    if not live.get("sessions"):
        print("no sessions")
        return 1
    return 0


def cmd_drops(a):
    doc = load(a[0])
    bad, seen = [], 0
    for p, v in walk(doc):
        last = p.rsplit(".", 1)[-1].lower()
        if "drop" in last and isinstance(v, (int, float)) and not isinstance(v, bool):
            seen += 1
            if v != 0:
                bad.append("%s=%s" % (p, v))
    if bad:
        print("drops reported: " + ", ".join(bad))
        return 1
    if not seen:
        sys.stderr.write("drops: no drop counter in the JSON\n")
    return 0


def crlf(b):
    out = bytearray()
    prev = 0
    for ch in b:
        if ch == 0x0A and prev != 0x0D:
            out += b"\r"
        out.append(ch)
        prev = ch
    if not out.endswith(b"\r\n"):
        out += b"\r\n"
    return bytes(out)


def cmd_body(a):
    with open(a[0], "rb") as f:
        msg = f.read()
    with open(a[1], "rb") as f:
        body = f.read()
    i = msg.find(b"\r\n\r\n")
    if i < 0:
        print("no empty line after the header in %s" % a[0])
        return 1
    got, want = msg[i + 4:], crlf(body)
    if got != want:
        n = next((k for k in range(min(len(got), len(want))) if got[k] != want[k]), min(len(got), len(want)))
        print("body differs at byte %d (got %d bytes, want %d): got %r want %r"
              % (n, len(got), len(want), got[max(0, n - 20):n + 20], want[max(0, n - 20):n + 20]))
        return 1
    return 0


def cmd_get(a):
    v = load(a[0])
    for k in a[1].split("."):
        v = v[int(k)] if isinstance(v, list) else v[k]
    print(v if not isinstance(v, (dict, list)) else json.dumps(v))
    return 0


CMDS = {"valid": cmd_valid, "send-check": cmd_send_check, "same-sessions": cmd_same_sessions,
        "drops": cmd_drops, "body": cmd_body, "get": cmd_get}


def main(argv):
    if not argv or argv[0] not in CMDS:
        sys.stderr.write(__doc__)
        return 2
    try:
        return CMDS[argv[0]](argv[1:])
    except (OSError, ValueError, KeyError, IndexError) as e:
        print("%s: %s" % (argv[0], e))
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
