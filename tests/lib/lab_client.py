#!/usr/bin/env python3
"""lab_client.py HOST PORT - a hand-written lab client with two classic
mistakes, for tests/integ/t_lab_client_mistakes.sh: its command lines end
with a bare LF, and it sends the message right after DATA without waiting
for the 354 (the message itself is well-formed: CRLF, ".\\r\\n").  It reads
every other reply whole (up to the line "NNN "), and ends with QUIT."""
import socket
import sys


def reply(f):
    """Read one whole reply; return its code."""
    while True:
        line = f.readline()
        if not line:
            sys.exit("connection closed")
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3])


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    s = socket.create_connection((host, port), timeout=20)
    f = s.makefile("rb")
    assert reply(f) == 220
    for cmd, want in ((b"EHLO student.lab.test\n", 250), (b"MAIL FROM:<student@lab.test>\n", 250),
                      (b"RCPT TO:<ta@lab.test>\n", 250)):
        s.sendall(cmd)
        assert reply(f) == want, cmd
    s.sendall(b"DATA\n" + b"Subject: lab 3\r\n\r\nhello it is me\r\n.\r\n")
    assert reply(f) == 354
    assert reply(f) == 250
    s.sendall(b"QUIT\n")
    assert reply(f) == 221
    s.close()


if __name__ == "__main__":
    main()
