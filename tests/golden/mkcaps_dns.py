#!/usr/bin/env python3
"""mkcaps_dns.py - captures where the DNS lookup and failed connection
attempts lead to a session (flow-dns.h).  Uses mkcaps.py's builders;
writes caps/dns-*.pcap.

  dns-mx-fallback.pcap  MX lab.test -> mx1 10, mx2 20, mx3 30; an unrelated
                        NXDOMAIN; A mx1 (192.0.2.99): three SYNs, no answer;
                        A mx2 (192.0.2.98): SYN answered by RST; A mx3: a
                        CNAME to host3.lab.test, 192.0.2.25 (AAAA: none);
                        then the session to 192.0.2.25 that delivers.
  dns-hostile.pcap      the MX answer's second record is a compression
                        pointer loop (malformed), the A answer is cut by the
                        snaplen after its first record (truncated); the
                        session still shows both, flagged.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkcaps as m  # noqa: E402

RESOLVER = "192.0.2.53"
RMAC = b"\x02\x00\x00\x00\x00\x35"
CLIENT = "192.0.2.10"


def qname(name):
    out = b""
    for label in name.split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(owner, typ, rdata):
    """owner: bytes (a pointer like b'\\xc0\\x0c', or a full name)."""
    return owner + struct.pack("!HHIH", typ, 1, 300, len(rdata)) + rdata


def dns_msg(ident, name, qtype, answers=(), response=False, rcode=0):
    flags = (0x8180 | rcode) if response else 0x0100
    return struct.pack("!HHHHHH", ident, flags, 1, len(answers), 0, 0) + \
        qname(name) + struct.pack("!HH", qtype, 1) + b"".join(answers)


def udp(cap, src, dst, sport, dport, payload, smac, dmac, snap=None):
    s, d = m.ip4(src), m.ip4(dst)
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    c = m.csum(s + d + struct.pack("!xBH", 17, 8 + len(payload)) + hdr + payload) or 0xffff
    seg = hdr[:6] + struct.pack("!H", c) + payload
    cap.add(m.Frame(cap.tick(0.002), 0x0800, m.ipv4_pkt(s, d, 17, seg), smac, dmac, snap=snap))


def lookup(cap, ident, name, qtype, answers=(), rcode=0, port=40000 + 1, snap=None):
    udp(cap, CLIENT, RESOLVER, port, 53, dns_msg(ident, name, qtype), m.CMAC, RMAC)
    udp(cap, RESOLVER, CLIENT, 53, port, dns_msg(ident, name, qtype, answers, True, rcode),
        RMAC, m.CMAC, snap=snap)


def mx(pref, host):
    return struct.pack("!H", pref) + qname(host)


def conv(cap, sip, cport):
    return m.Conv(cap, cip=CLIENT, sip=sip, cport=cport, sport=25)


def dead(cap, sip, cport, nsyn):
    cv = conv(cap, sip, cport)
    for k in range(nsyn):
        cv.pkt(0, m.TH_SYN, opts=struct.pack("!BBH", 2, 4, 1460), win=64240, dt=1.0 * (1 << k))
    cap.tick(2.0)


def refused(cap, sip, cport):
    cv = conv(cap, sip, cport)
    cv.pkt(0, m.TH_SYN, opts=struct.pack("!BBH", 2, 4, 1460), win=64240, dt=0.001)
    cv.seq[0] += 1
    cv.rcv[1] = cv.seq[0]
    cv.pkt(1, m.TH_RST | m.TH_ACK, win=0, dt=0.0004)


def deliver(cap, sip, cport):
    cv = conv(cap, sip, cport)
    m.std_open(cv)
    m.std_mail(cv, m.message("Fallback") + ".\r\n")
    m.std_quit(cv)


def mx_fallback():
    cap = m.Capture("eth")
    lookup(cap, 0x1001, "lab.test", 15, [rr(b"\xc0\x0c", 15, mx(10, "mx1.lab.test")),
                                         rr(b"\xc0\x0c", 15, mx(20, "mx2.lab.test")),
                                         rr(b"\xc0\x0c", 15, mx(30, "mx3.lab.test"))])
    lookup(cap, 0x1002, "elsewhere.test", 1, rcode=3, port=40002)
    lookup(cap, 0x1003, "mx1.lab.test", 1, [rr(b"\xc0\x0c", 1, m.ip4("192.0.2.99"))], port=40003)
    dead(cap, "192.0.2.99", 41001, 3)
    lookup(cap, 0x1004, "mx2.lab.test", 1, [rr(b"\xc0\x0c", 1, m.ip4("192.0.2.98"))], port=40004)
    refused(cap, "192.0.2.98", 41002)
    lookup(cap, 0x1005, "mx3.lab.test", 28, port=40005)
    lookup(cap, 0x1006, "mx3.lab.test", 1, [rr(b"\xc0\x0c", 5, qname("host3.lab.test")),
                                            rr(qname("host3.lab.test"), 1, m.ip4("192.0.2.25"))],
           port=40006)
    deliver(cap, "192.0.2.25", 41003)
    return cap


def hostile():
    cap = m.Capture("eth")
    loop = rr(b"\xc0\x0c", 15, struct.pack("!H", 20) + b"\x03mx9\xc0\x00")
    bad = dns_msg(0x2001, "lab.test", 15, [rr(b"\xc0\x0c", 15, mx(10, "mx1.lab.test")), loop], True)
    # the second record's exchange points at offset 0x2c: itself -> a loop
    at = bad.index(b"\x03mx9")
    bad = bad[:at + 4] + struct.pack("!H", 0xc000 | at) + bad[at + 6:]
    udp(cap, CLIENT, RESOLVER, 40011, 53, dns_msg(0x2001, "lab.test", 15), m.CMAC, RMAC)
    udp(cap, RESOLVER, CLIENT, 53, 40011, bad, RMAC, m.CMAC)
    ans = [rr(b"\xc0\x0c", 1, m.ip4("192.0.2.25")), rr(b"\xc0\x0c", 1, m.ip4("192.0.2.26"))]
    full = 14 + 20 + 8 + len(dns_msg(0x2002, "mx1.lab.test", 1, ans, True))
    lookup(cap, 0x2002, "mx1.lab.test", 1, ans, port=40012, snap=full - 6)
    deliver(cap, "192.0.2.25", 41011)
    return cap


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "caps")
    for name, build in (("dns-mx-fallback.pcap", mx_fallback), ("dns-hostile.pcap", hostile)):
        m.IPID[0] = 0x1000
        build().write_pcap(os.path.join(outdir, name))


if __name__ == "__main__":
    main()
