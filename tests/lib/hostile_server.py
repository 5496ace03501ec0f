#!/usr/bin/python3
"""hostile_server.py - a scripted SMTP server that breaks the rules, for
tests/integ/t_hostile_server.sh (run in the lab's server namespace).

One listening port per case, from --port (default 2501) upwards, in the
order of CASES below; each connection runs its case's script:

    ("S", bytes)   send the bytes in one write (one TCP segment when small)
    ("R",)         read one line
    ("D",)         read up to the end of data (CRLF.CRLF)
    ("E",)         read until the client closes
    ("F", bytes)   send the line again and again until the client closes
    ("T",)         TLS from here on (server side; --cert and --key)

Options: --host ADDR, --port FIRST, --ready FILE (written once every port
listens), --cert FILE --key FILE (for the STARTTLS case).  Runs until
killed.  Only the standard library.
"""
import argparse
import socket
import ssl
import sys
import threading

HOSTILE = (b"hi \x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b[2J \x9b31m raw-C1 "
           b"\xc2\x9b utf8-C1 \xe2\x80\xae RLO-text")

OK_TAIL = [("S", b"250 2.1.0 ok\r\n"), ("R",), ("S", b"250 2.1.5 ok\r\n"), ("R",),
           ("S", b"354 go ahead\r\n"), ("D",), ("S", b"250 2.0.0 queued\r\n"),
           ("R",), ("S", b"221 2.0.0 bye\r\n"), ("E",)]

CASES = [
    # 2501: replies to EHLO, MAIL, RCPT and DATA all at once, unasked
    ("early", [("S", b"220 mx.lab.test ESMTP\r\n"), ("R",),
               ("S", b"250-mx.lab.test\r\n250 8BITMIME\r\n250 2.1.0 ok\r\n"
                     b"250 2.1.5 ok\r\n354 go ahead\r\n"), ("E",)]),
    # 2502: one unsolicited line right after the greeting
    ("unsolicited", [("S", b"220 mx.lab.test ESMTP\r\n250 unsolicited\r\n"), ("R",),
                     ("S", b"250 mx.lab.test\r\n"), ("R",)] + OK_TAIL),
    # 2503: RCPT answered "250-looks ok" / "550 actually no"
    ("mixed", [("S", b"220 mx.lab.test ESMTP\r\n"), ("R",), ("S", b"250 mx.lab.test\r\n"),
               ("R",), ("S", b"250 2.1.0 ok\r\n"), ("R",),
               ("S", b"250-2.1.5 looks ok\r\n550 5.1.1 actually no\r\n"), ("R",),
               ("S", b"221 2.0.0 bye\r\n"), ("E",)]),
    # 2504: continuation lines without end
    ("flood", [("S", b"220 mx.lab.test ESMTP\r\n"), ("R",),
               ("F", b"250-" + b"x" * 30 + b"\r\n")]),
    # 2505: terminal escapes in the greeting and in replies; the mail goes through
    ("escapes", [("S", b"220-mx.lab.test " + HOSTILE + b"\r\n220 ESMTP\r\n"), ("R",),
                 ("S", b"250-mx.lab.test\r\n250 " + HOSTILE + b"\r\n"), ("R",),
                 ("S", b"250 2.1.0 " + HOSTILE + b"\r\n"), ("R",),
                 ("S", b"250 2.1.5 ok\r\n"), ("R",),
                 ("S", b"354 go ahead\r\n"), ("D",), ("S", b"250 2.0.0 " + HOSTILE + b"\r\n"),
                 ("R",), ("S", b"221 2.0.0 bye\r\n"), ("E",)]),
    # 2506: a reply line of 5000 bytes
    ("longline", [("S", b"220 mx.lab.test ESMTP\r\n"), ("R",),
                  ("S", b"250 " + b"y" * 5000 + b"\r\n"), ("E",)]),
    # 2507: a reply injected with the 220 to STARTTLS (CVE-2011-0411 class):
    # read as the reply to the EHLO inside TLS it would hide a refusal
    ("starttls-inject", [("S", b"220 mx.lab.test ESMTP\r\n"), ("R",),
                         ("S", b"250-mx.lab.test\r\n250 STARTTLS\r\n"), ("R",),
                         ("S", b"220 go ahead\r\n250 injected\r\n"), ("T",), ("R",),
                         ("S", b"250-mx.lab.test\r\n250 SIZE 1000\r\n"), ("R",)] + OK_TAIL),
]
TLS_CTX = None


def read_until(conn, buf, end):
    while end not in buf:
        d = conn.recv(4096)
        if not d:
            raise EOFError
        buf += d
    i = buf.index(end) + len(end)
    return buf[i:]


def run(conn, script):
    buf = b""
    try:
        for step in script:
            if step[0] == "S":
                conn.sendall(step[1])
            elif step[0] == "R":
                buf = read_until(conn, buf, b"\n")
            elif step[0] == "D":
                buf = read_until(conn, buf, b"\r\n.\r\n")
            elif step[0] == "T":
                conn = TLS_CTX.wrap_socket(conn, server_side=True)
            elif step[0] == "F":
                while True:
                    conn.sendall(step[1] * 64)
            elif step[0] == "E":
                while conn.recv(4096):
                    pass
    except (OSError, EOFError):
        pass
    finally:
        conn.close()


def serve(lsock, script):
    while True:
        conn, _ = lsock.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=run, args=(conn, script), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=2501)
    ap.add_argument("--ready")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    global TLS_CTX
    if a.cert:
        TLS_CTX = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        TLS_CTX.load_cert_chain(a.cert, a.key)
    threads = []
    for i, (_, script) in enumerate(CASES):
        fam = socket.AF_INET6 if ":" in a.host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a.host, a.port + i))
        s.listen(8)
        t = threading.Thread(target=serve, args=(s, script), daemon=True)
        t.start()
        threads.append(t)
    if a.ready:
        with open(a.ready, "w") as f:
            f.write("%d\n" % len(CASES))
    threads[0].join()


if __name__ == "__main__":
    sys.exit(main())
