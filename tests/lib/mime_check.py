#!/usr/bin/env python3
"""mime_check.py MSG [--subject S] [--text F] [--html F] [--inline F]... [--attach F]...
             [--from S] [--lf] [-q]

Parse MSG (a built or delivered message) with Python's email package
(policy=email.policy.default) and check it against the inputs it was made of:
  - every line ends CRLF (LF with --lf: maildir files) and is at most 998 octets;
  - the decoded Subject (and From) equal the given text;
  - the text/plain and text/html bodies equal the files (line endings aside);
  - each --inline file is a part with Content-ID <stem>, byte-identical;
  - each --attach file is a part with that filename, byte-identical;
  - no other leaf parts; the parser found no defects.
Prints "ok" or one line per failure and exits 1."""
import argparse
import email
import email.policy
import os
import sys


def norm(b):
    return b.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def check_lines(raw, lf, fails):
    lines = raw.split(b"\n")
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        if not lf and not last and not line.endswith(b"\r"):
            fails.append("line %d does not end CRLF" % (i + 1))
            return
        if len(line.rstrip(b"\r")) > 998:
            fails.append("line %d is %d octets (> 998)" % (i + 1, len(line.rstrip(b"\r"))))
            return


def leaves(msg):
    return [p for p in msg.walk() if not p.is_multipart()]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("msg")
    ap.add_argument("--subject")
    ap.add_argument("--from", dest="from_")
    ap.add_argument("--text")
    ap.add_argument("--html")
    ap.add_argument("--inline", action="append", default=[])
    ap.add_argument("--attach", action="append", default=[])
    ap.add_argument("--lf", action="store_true")
    ap.add_argument("--quiet", "-q", action="store_true", help="print nothing when ok")
    a = ap.parse_args()
    raw = read(a.msg)
    fails = []
    check_lines(raw, a.lf, fails)
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if a.subject is not None and str(msg["Subject"]) != a.subject:
        fails.append("Subject %r != %r" % (str(msg["Subject"]), a.subject))
    if a.from_ is not None and str(msg["From"]) != a.from_:
        fails.append("From %r != %r" % (str(msg["From"]), a.from_))
    parts = leaves(msg)
    used = set()

    def take(pred, what):
        for i, p in enumerate(parts):
            if i not in used and pred(p):
                used.add(i)
                return p
        fails.append("no part for " + what)
        return None

    def is_body(sub):
        return lambda p: p.get_content_type() == "text/" + sub and \
            p.get_content_disposition() is None
    for sub, path in (("plain", a.text), ("html", a.html)):
        if path is None:
            continue
        p = take(is_body(sub), "text/" + sub)
        if p is not None and norm(p.get_payload(decode=True)) != norm(read(path)):
            fails.append("text/%s body differs from %s" % (sub, path))
    for path in a.inline:
        stem = os.path.splitext(os.path.basename(path))[0]
        p = take(lambda q: q.get("Content-ID", "").strip() == "<%s>" % stem, "cid:" + stem)
        if p is not None and p.get_payload(decode=True) != read(path):
            fails.append("inline %s differs" % path)
    for path in a.attach:
        name = os.path.basename(path)
        p = take(lambda q: q.get_filename() == name, "attachment " + name)
        if p is not None and p.get_payload(decode=True) != read(path):
            fails.append("attachment %s differs" % path)
    extra = [parts[i].get_content_type() for i in range(len(parts)) if i not in used]
    if extra and (a.text or a.html or a.inline or a.attach):
        fails.append("unexpected parts: " + ", ".join(extra))
    for p in msg.walk():
        for d in p.defects:
            fails.append("defect: %s" % type(d).__name__)
    if fails or not a.quiet:
        print("\n".join(fails) if fails else "ok")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
