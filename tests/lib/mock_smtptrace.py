#!/usr/bin/python3
"""mock_smtptrace.py - a stand-in for the smtptrace binary, built from
python's smtplib, dumpcap and tshark, so the test harness itself
(scripts/lab.sh, tests/integ/*, tests/lib/agree.py, stjson.py) can be
checked before or independently of the real binary:

    SMTPTRACE_MOCK=1 sh tests/integ/run.sh tests/lib/mock_smtptrace.py

It implements only what the integration tests use: `send` (--server --from
--to --subject --body --body-file --helo --timeout --fresh-arp -w --json
--no-color -q -i) and `analyze FILE [--json] [--port P]`, with the exit
codes of the spec.  Its JSON follows the documented shape (sessions, frames
with no/time/proto/dir/role/summary, exchanges with kind/command/
request_frames/reply_code/reply_frames) but is derived from tshark, so it is
no reference for the real analysis.
"""
import json
import os
import re
import smtplib
import socket
import subprocess
import sys
import time


def die(code, msg):
    sys.stderr.write("mock_smtptrace: %s\n" % msg)
    sys.exit(code)


def tshark_rows(cap, port):
    fields = ["frame.number", "frame.time_relative", "arp.opcode", "tcp.stream", "tcp.flags.syn",
              "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.len", "ip.src", "ipv6.src",
              "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport", "smtp.req.command", "smtp.response",
              "_ws.col.Info", "tls.record.content_type"]
    cmd = ["tshark", "-r", cap, "-2", "-T", "fields", "-E", "separator=\x01", "-E", "occurrence=a",
           "-E", "aggregator=\x02"]
    if port not in (25, 587):
        cmd += ["-d", "tcp.port==%d,smtp" % port]
    for f in fields:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        die(8, "tshark: " + p.stderr.strip())
    for line in p.stdout.splitlines():
        v = line.split("\x01")
        v += [""] * (len(fields) - len(v))
        yield dict(zip(fields, v))


def analyze_doc(cap, port):
    if not os.path.exists(cap):
        die(8, "%s: cannot open" % cap)
    sessions = {}
    arp = []
    for r in tshark_rows(cap, port):
        no = int(r["frame.number"])
        t = round(float(r["frame.time_relative"] or 0), 9)
        if r["arp.opcode"]:
            arp.append({"no": no, "time": t, "proto": "ARP", "dir": "other", "role": "arp",
                        "summary": r["_ws.col.Info"]})
            continue
        if r["tcp.stream"] == "":
            continue
        sid = int(r["tcp.stream"])
        src = r["ip.src"] or r["ipv6.src"]
        dst = r["ip.dst"] or r["ipv6.dst"]
        s = sessions.setdefault(sid, {"client": None, "server": None, "frames": [], "exchanges": [],
                                      "_hs": 0, "_pending": []})
        sport, dport = int(r["tcp.srcport"]), int(r["tcp.dstport"])
        if s["client"] is None:
            if dport == port or sport != port:
                s["client"], s["server"] = "%s:%d" % (src, sport), "%s:%d" % (dst, dport)
            else:
                s["client"], s["server"] = "%s:%d" % (dst, dport), "%s:%d" % (src, sport)
        d = "c2s" if "%s:%d" % (src, sport) == s["client"] else "s2c"
        syn, ack = r["tcp.flags.syn"] in ("1", "True"), r["tcp.flags.ack"] in ("1", "True")
        role = ""
        if syn and not ack and s["_hs"] == 0:
            s["_hs"] = 1; role = "handshake 1/3"
        elif syn and ack and s["_hs"] == 1:
            s["_hs"] = 2; role = "handshake 2/3"
        elif s["_hs"] == 2 and ack and d == "c2s" and int(r["tcp.len"] or 0) == 0:
            s["_hs"] = 3; role = "handshake 3/3"
        proto = "TCP"
        cmds = [c for c in r["smtp.req.command"].split("\x02") if c]
        rsps = [c for c in r["smtp.response"].split("\x02") if c]
        if r["tls.record.content_type"]:
            proto = "TLS"
        if cmds or rsps:
            proto = "SMTP"
        s["frames"].append({"no": no, "time": t, "proto": proto, "dir": d, "role": role,
                            "summary": r["_ws.col.Info"]})
        for c in cmds:
            e = {"kind": "command", "command": c.upper(), "request_frames": [no],
                 "reply_code": None, "reply_frames": []}
            s["exchanges"].append(e)
            s["_pending"].append(e)
        for line in rsps:
            m = re.match(r"(\d{3})([ -]?)", line)
            if not m:
                continue
            code, last = int(m.group(1)), m.group(2) != "-"
            if not s["exchanges"] and not s["_pending"]:
                e = {"kind": "greeting", "command": None, "request_frames": [],
                     "reply_code": None, "reply_frames": []}
                s["exchanges"].append(e)
                s["_pending"].append(e)
            if not s["_pending"]:
                continue
            e = s["_pending"][0]
            e["reply_code"] = code
            if no not in e["reply_frames"]:
                e["reply_frames"].append(no)
            if last:
                s["_pending"].pop(0)
                if e.get("command") == "DATA" and code == 354:
                    b = {"kind": "body", "command": None, "request_frames": [],
                         "reply_code": None, "reply_frames": []}
                    s["exchanges"].append(b)
                    s["_pending"].append(b)
    out = []
    for i, sid in enumerate(sorted(sessions), 1):
        s = sessions[sid]
        for k in ("_hs", "_pending"):
            del s[k]
        if i == 1 and arp:
            s["frames"] = sorted(arp + s["frames"], key=lambda f: f["no"])
        out.append(dict(index=i, **s))
    if not out and arp:
        out.append({"index": 1, "client": None, "server": None, "frames": arp, "exchanges": []})
    return {"tool": "smtptrace", "version": "mock", "sessions": out}


def cmd_analyze(a):
    cap = a[0]
    port = int(a[a.index("--port") + 1]) if "--port" in a else 25
    doc = analyze_doc(cap, port)
    if "--json" in a:
        print(json.dumps(doc, indent=1))
    else:
        for s in doc["sessions"]:
            for f in s["frames"]:
                print("%5d %10.6f %-5s %-4s %-14s %s" % (f["no"], f["time"], f["proto"], f["dir"], f["role"], f["summary"]))
    return 0


def cmd_send(a):
    o = {"to": []}
    i = 0
    flags = {"--fresh-arp", "--json", "--no-color", "-q", "--no-capture"}
    while i < len(a):
        k = a[i]
        if k in flags:
            o[k] = True; i += 1; continue
        if i + 1 >= len(a):
            die(2, "option %s needs a value" % k)
        if k == "--to":
            o["to"].append(a[i + 1])
        else:
            o[k] = a[i + 1]
        i += 2
    srv = o.get("--server") or die(2, "--server missing")
    m = re.match(r"^\[([^]]+)\](?::(\d+))?$", srv) or re.match(r"^([^:]+)(?::(\d+))?$", srv)
    host, port = m.group(1), int(m.group(2) or 25)
    if "--body" in o:
        body = o["--body"].encode()
    elif "--body-file" in o:
        body = open(o["--body-file"], "rb").read()
    else:
        body = sys.stdin.buffer.read()
    body = re.sub(rb"(?<!\r)\n", b"\r\n", body)
    msg = ("From: <%s>\r\nTo: %s\r\nSubject: %s\r\n\r\n" % (
        o["--from"], ", ".join("<%s>" % t for t in o["to"]), o.get("--subject", ""))).encode() + body
    tmo = float(o.get("--timeout", 30))
    dev = re.search(r" dev (\S+)", subprocess.run(["ip", "route", "get", host], stdout=subprocess.PIPE,
                                                   text=True).stdout).group(1)
    dev = o.get("-i", dev)
    cap = o.get("-w") or time.strftime("captures/smtptrace-%Y%m%d-%H%M%S-") + host + ".pcapng"
    if "--fresh-arp" in o:
        subprocess.run(["ip", "neigh", "flush", "dev", dev], stderr=subprocess.DEVNULL)
        subprocess.run(["ip", "-6", "neigh", "flush", "dev", dev], stderr=subprocess.DEVNULL)
    log = open(cap + ".log", "w+")
    dc = subprocess.Popen(["dumpcap", "-q", "-i", dev, "-w", cap, "-f", "arp or icmp6 or tcp port %d" % port],
                          stderr=log)
    for _ in range(200):
        log.seek(0)
        if "Capturing on" in log.read() or dc.poll() is not None:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    tr = sys.stderr if "--json" in o else sys.stdout
    rc = 0
    try:
        c = smtplib.SMTP(timeout=tmo, local_hostname=o.get("--helo", "client.lab.test"))
        c.set_debuglevel(0 if "-q" in o else 1)
        smtplib.stderr = tr
        c.connect(host, port)
        refused = c.sendmail(o["--from"], o["to"], msg)
        if refused:
            for r, (code, text) in refused.items():
                print("<** %d %s (%s)" % (code, text.decode(), r), file=tr)
            rc = 13
        c.quit()
    except smtplib.SMTPRecipientsRefused:
        rc = 13
    except smtplib.SMTPServerDisconnected as e:
        rc = 5 if "timed out" in str(e) else 6
    except smtplib.SMTPSenderRefused:
        rc = 12
    except smtplib.SMTPDataError:
        rc = 15
    except smtplib.SMTPHeloError:
        rc = 11
    except smtplib.SMTPConnectError:
        rc = 10
    except (ConnectionRefusedError, OSError) as e:
        if isinstance(e, (socket.timeout, TimeoutError)):
            rc = 5
        elif isinstance(e, ConnectionRefusedError) or getattr(e, "errno", 0) in (101, 113):
            rc = 4
        else:
            rc = 6
    time.sleep(0.3)
    dc.send_signal(2)
    dc.wait()
    print("capture saved to %s" % cap, file=tr)
    if "--json" in o:
        doc = analyze_doc(cap, port)
        doc["sender"] = {"exit_code": rc, "capture": {"file": cap, "ps_drop": 0, "ps_ifdrop": 0}}
        print(json.dumps(doc, indent=1))
    return rc


def main(argv):
    if not argv:
        die(2, "usage: mock_smtptrace.py send|analyze ...")
    if argv[0] == "send":
        return cmd_send(argv[1:])
    if argv[0] == "analyze":
        return cmd_analyze(argv[1:])
    die(2, "unknown command %s" % argv[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
