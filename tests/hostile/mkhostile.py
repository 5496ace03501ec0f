#!/usr/bin/python3
"""mkhostile.py - write hostile captures for the memory and time bounds.

usage: mkhostile.py KIND N OUTFILE [M]

  syn N     N unanswered SYNs to port 25, each from its own client port/address
  syn80 N   the same to port 80 (never SMTP)
  ack N     N pure ACKs of one flow on port 443 (one side of a download)
  arp N M   N SMTP sessions left open (handshake + 220 greeting), then M ARP
            requests that concern none of them
  lf N      one SMTP session whose client sends N bytes of "\\n"
  stale N   N SMTP sessions opened and left open, one every 100 ms

Ethernet pcap, microsecond timestamps, correct checksums; deterministic.
Standard library only; the output is generated at test time, never committed.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from mkcaps import csum  # noqa: E402  (one checksum for both generators)

MAC_C = bytes.fromhex("020000000001")
MAC_S = bytes.fromhex("020000000002")
MAC_O = bytes.fromhex("020000000099")  # a host no session talks to


def tcp4(src, dst, sport, dport, seq, ack, flags, payload=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      5 << 4, flags, 65535, 0, 0)
    ph = src + dst + struct.pack("!BBH", 0, 6, len(hdr) + len(payload))
    c = csum(ph + hdr + payload)
    hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
    tot = 20 + len(hdr) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return MAC_C + MAC_S + b"\x08\x00" + ip + hdr + payload


def arp(spa, tpa):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, MAC_O, spa,
                       b"\0" * 6, tpa)
    return b"\xff" * 6 + MAC_O + b"\x08\x06" + body


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb", buffering=1 << 20)
        self.f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        self.us = 1_000_000_000 * 1_000_000  # some fixed epoch, in microseconds

    def put(self, frame, step_us=1):
        self.us += step_us
        self.f.write(struct.pack("<IIII", self.us // 1_000_000, self.us % 1_000_000,
                                 len(frame), len(frame)))
        self.f.write(frame)

    def close(self):
        self.f.close()


def client_addr(i):
    return bytes([10, 1 + (i >> 16) % 200, (i >> 8) & 255, i & 255])


SRV = bytes([192, 0, 2, 25])
A, S, F, R, P = 0x10, 0x02, 0x01, 0x04, 0x08


def gen_syn(w, n, port):
    for i in range(n):
        w.put(tcp4(client_addr(i), SRV, 1024 + i % 60000, port, 1000 + i, 0, S))


def gen_ack(w, n):
    c, s = bytes([10, 0, 0, 1]), bytes([198, 51, 100, 7])
    for i in range(n):
        w.put(tcp4(c, s, 50000, 443, 1, 1 + 1448 * i, A))


def open_session(w, i, gap_us=1):
    c = client_addr(i)
    cp = 1024 + i % 60000
    w.put(tcp4(c, SRV, cp, 25, 100, 0, S), gap_us)
    w.put(tcp4(SRV, c, 25, cp, 500, 101, S | A))
    w.put(tcp4(c, SRV, cp, 25, 101, 501, A))
    g = b"220 mx.example ESMTP\r\n"
    w.put(tcp4(SRV, c, 25, cp, 501, 101, P | A, g))
    return c, cp, 501 + len(g)


def gen_arp(w, n, m):
    for i in range(n):
        open_session(w, i)
    for j in range(m):
        w.put(arp(bytes([172, 16, (j >> 8) & 255, j & 255]), bytes([172, 17, 0, 1])))


def gen_stale(w, n):
    for i in range(n):
        open_session(w, i, 100_000)


def gen_lf(w, n):
    c, cp, sseq = open_session(w, 0)
    seq, chunk = 101, 1400
    for off in range(0, n, chunk):
        k = min(chunk, n - off)
        w.put(tcp4(c, SRV, cp, 25, seq, sseq, P | A, b"\n" * k))
        seq += k


def main():
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    w = Writer(out)
    if kind == "syn":
        gen_syn(w, n, 25)
    elif kind == "syn80":
        gen_syn(w, n, 80)
    elif kind == "ack":
        gen_ack(w, n)
    elif kind == "arp":
        gen_arp(w, n, int(sys.argv[4]))
    elif kind == "stale":
        gen_stale(w, n)
    elif kind == "lf":
        gen_lf(w, n)
    else:
        sys.exit("mkhostile.py: unknown kind " + kind)
    w.close()


if __name__ == "__main__":
    main()
