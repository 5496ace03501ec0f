#!/usr/bin/python3
"""mkcaps.py - write the crafted SMTP captures of the golden corpus.

usage: mkcaps.py [OUTDIR]        (default: tests/golden/caps beside this file)

Every capture is deterministic (fixed addresses, ISNs and timestamps) and is
a realistic exchange with correct sequence/acknowledgement arithmetic, unless
the point of the capture is to break it.  Standard library only.  Formats:
pcap with microsecond or nanosecond timestamps, and pcapng (SHB + IDB + EPB)
written by hand.  Link types: Ethernet (1), 802.1Q VLAN on Ethernet, Linux
cooked v1 (113) and v2 (276), BSD NULL (0), raw IP (101).
"""
import base64
import os
import struct
import sys

# ---------------------------------------------------------------- checksums


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    if isinstance(a, bytes):
        return a
    # enough of inet_pton for the literal forms used here
    if "::" in a:
        head, tail = a.split("::")
        h = [int(x, 16) for x in head.split(":") if x]
        t = [int(x, 16) for x in tail.split(":") if x]
        words = h + [0] * (8 - len(h) - len(t)) + t
    else:
        words = [int(x, 16) for x in a.split(":")]
    return struct.pack("!8H", *words)


def mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


# ---------------------------------------------------------------- packets

TH_FIN, TH_SYN, TH_RST, TH_PSH, TH_ACK = 1, 2, 4, 8, 16


def tcp_seg(src, dst, sport, dport, seq, ack, flags, win, payload, opts=b"", v6=False):
    while len(opts) % 4:
        opts += b"\x01"
    off = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xffffffff, ack & 0xffffffff,
                      off << 4, flags, win, 0, 0) + opts
    if v6:
        pseudo = src + dst + struct.pack("!IxxxB", len(hdr) + len(payload), 6)
    else:
        pseudo = src + dst + struct.pack("!xBH", 6, len(hdr) + len(payload))
    c = csum(pseudo + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


IPID = [0x1000]


def ipv4_pkt(src, dst, proto, payload, ttl=64):
    IPID[0] += 1
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), IPID[0] & 0xffff, 0x4000,
                    ttl, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6_pkt(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim, src, dst) + payload


class Frame:
    """One frame before the link layer: ethertype + L3 bytes, MACs, times."""

    def __init__(self, ts, etype, l3, smac, dmac, snap=None, outgoing=False):
        self.ts, self.etype, self.l3 = ts, etype, l3
        self.smac, self.dmac = smac, dmac
        self.snap = snap        # keep at most this many bytes of the whole frame
        self.outgoing = outgoing


CMAC = mac("02:00:00:00:00:01")
SMAC = mac("02:00:00:00:00:02")
BCAST = b"\xff" * 6


class Conv:
    """A TCP connection with correct seq/ack arithmetic.

    c(data) / s(data) send one segment each way; the peer's ACK is implicit
    (it rides on its next segment) unless ack() is called."""

    def __init__(self, cap, cip, sip, cport, sport, v6=False, isn_c=1000, isn_s=5000,
                 mss=1460, win=64240, cmac=CMAC, smac=SMAC):
        self.cap, self.v6 = cap, v6
        conv = ip6 if v6 else ip4
        self.ip = [conv(cip), conv(sip)]
        self.port = [cport, sport]
        self.mac = [cmac, smac]
        self.seq = [isn_c, isn_s]      # next sequence number to send
        self.rcv = [0, 0]              # what each side acknowledges
        self.mss = mss
        self.win = [win, win]

    def pkt(self, d, flags, payload=b"", seq=None, ack=None, opts=b"", win=None, dt=0.0005,
            snap=None, wire_ip=None):
        s = self.seq[d] if seq is None else seq
        a = self.rcv[d] if ack is None else ack
        if not (flags & TH_ACK):
            a = 0
        w = self.win[d] if win is None else win
        seg = tcp_seg(self.ip[d], self.ip[1 - d], self.port[d], self.port[1 - d], s, a, flags,
                      w, payload, opts, self.v6)
        if self.v6:
            l3 = ipv6_pkt(self.ip[d], self.ip[1 - d], 6, seg)
        else:
            l3 = ipv4_pkt(self.ip[d], self.ip[1 - d], 6, seg)
        if wire_ip:
            l3 = wire_ip(l3)
        self.cap.add(Frame(self.cap.tick(dt), 0x86dd if self.v6 else 0x0800, l3,
                           self.mac[d], self.mac[1 - d], snap=snap, outgoing=(d == 0)))
        return s

    def handshake(self, wscale=7):
        mss = struct.pack("!BBH", 2, 4, self.mss)
        ws = struct.pack("!BBB", 3, 3, wscale) + b"\x01"
        sack = b"\x04\x02\x01\x01"
        self.pkt(0, TH_SYN, opts=mss + sack + ws, win=64240, dt=0.001)
        self.seq[0] += 1
        self.rcv[1] = self.seq[0]
        self.pkt(1, TH_SYN | TH_ACK, opts=mss + sack + ws, win=65160, dt=0.010)
        self.seq[1] += 1
        self.rcv[0] = self.seq[1]
        self.win = [502, 509]          # scaled by 128 after the handshake
        self.pkt(0, TH_ACK, dt=0.0002)

    def send(self, d, data, flags=TH_PSH | TH_ACK, dt=None, advance=True, **kw):
        if isinstance(data, str):
            data = data.encode()
        s = self.pkt(d, flags, data, dt=dt if dt is not None else (0.0003 if d == 0 else 0.004),
                     **kw)
        if advance:
            self.seq[d] += len(data)
            self.rcv[1 - d] = self.seq[d]
        return s

    def c(self, data, **kw):
        return self.send(0, data, **kw)

    def s(self, data, **kw):
        return self.send(1, data, **kw)

    def ack(self, d, dt=0.0002, **kw):
        self.pkt(d, TH_ACK, dt=dt, **kw)

    def body(self, data, seg=None):
        """Client data split into MSS-sized segments, ACKed every two."""
        seg = seg or self.mss
        n = 0
        for i in range(0, len(data), seg):
            self.c(data[i:i + seg], flags=TH_ACK if i + seg < len(data) else TH_PSH | TH_ACK,
                   dt=0.00005)
            n += 1
            if n % 2 == 0:
                self.ack(1)

    def close(self, first=0):
        self.pkt(first, TH_FIN | TH_ACK, dt=0.0003)
        self.seq[first] += 1
        self.rcv[1 - first] = self.seq[first]
        self.pkt(1 - first, TH_FIN | TH_ACK, dt=0.0002)
        self.seq[1 - first] += 1
        self.rcv[first] = self.seq[1 - first]
        self.pkt(first, TH_ACK, dt=0.0001)

    def rst(self, d):
        self.pkt(d, TH_RST | TH_ACK, dt=0.0003)


# ---------------------------------------------------------------- ARP / ND


def arp(cap, op, sha, spa, tha, tpa, dmac):
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, ip4(spa), tha, ip4(tpa))
    cap.add(Frame(cap.tick(0.0004), 0x0806, body, sha, dmac))


def nd(cap, typ, src, dst, target, lladdr, smac, dmac):
    srcb, dstb, tgt = ip6(src), ip6(dst), ip6(target)
    optt = 1 if typ == 135 else 2
    flags = 0 if typ == 135 else 0x60000000     # solicited + override
    icmp = struct.pack("!BBHI16s", typ, 0, 0, flags, tgt) + struct.pack("!BB6s", optt, 1, lladdr)
    pseudo = srcb + dstb + struct.pack("!IxxxB", len(icmp), 58)
    c = csum(pseudo + icmp)
    icmp = icmp[:2] + struct.pack("!H", c) + icmp[4:]
    cap.add(Frame(cap.tick(0.0004), 0x86dd, ipv6_pkt(srcb, dstb, 58, icmp, hlim=255), smac, dmac))


def solicited(addr):
    b = ip6(addr)
    return ip6("ff02::1:ff00:0")[:13] + b[13:]


# ---------------------------------------------------------------- writers

LINK = {"eth": 1, "vlan": 1, "sll": 113, "sll2": 276, "null": 0, "raw": 101}


class Capture:
    def __init__(self, link="eth", t0=1700000000, snaplen=262144):
        self.link, self.t = link, t0 * 1000000000     # integer nanoseconds
        self.frames = []
        self.snaplen = snaplen

    def tick(self, dt):
        self.t += int(round(dt * 1e9))
        return self.t

    def add(self, f):
        self.frames.append(f)

    def l2(self, f):
        et = f.etype
        if self.link == "eth":
            return f.dmac + f.smac + struct.pack("!H", et) + f.l3
        if self.link == "vlan":
            return f.dmac + f.smac + struct.pack("!HHH", 0x8100, 0x2000 | 42, et) + f.l3
        if self.link == "sll":
            pkttype = 4 if f.outgoing else 0
            return struct.pack("!HHH8sH", pkttype, 1, 6, f.smac + b"\0\0", et) + f.l3
        if self.link == "sll2":
            pkttype = 4 if f.outgoing else 0
            return struct.pack("!HHIHBB8s", et, 0, 2, 1, pkttype, 6, f.smac + b"\0\0") + f.l3
        if self.link == "null":
            af = 2 if et == 0x0800 else 30
            return struct.pack("<I", af) + f.l3
        if self.link == "raw":
            return f.l3
        raise ValueError(self.link)

    def records(self):
        for f in self.frames:
            data = self.l2(f)
            cap = data
            if f.snap is not None:
                cap = data[:f.snap]
            elif len(data) > self.snaplen:
                cap = data[:self.snaplen]
            yield f.ts, cap, len(data)

    def write_pcap(self, path, nano=False, cut=None):
        magic = 0xa1b23c4d if nano else 0xa1b2c3d4
        out = bytearray(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, self.snaplen,
                                    LINK[self.link]))
        for ts, data, wire in self.records():
            ns = ts
            sub = ns % 1000000000 if nano else (ns % 1000000000) // 1000
            out += struct.pack("<IIII", ns // 1000000000, sub, len(data), wire) + data
        if cut:
            out = out[:len(out) - cut]
        with open(path, "wb") as fh:
            fh.write(out)

    def write_pcapng(self, path, nano=False):
        def block(btype, body):
            body += b"\0" * (-len(body) % 4)
            n = len(body) + 12
            return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

        def opt(code, val):
            return struct.pack("<HH", code, len(val)) + val + b"\0" * (-len(val) % 4)

        shb = struct.pack("<IHHq", 0x1a2b3c4d, 1, 0, -1) + \
            opt(4, b"smtptrace mkcaps.py") + opt(0, b"")
        idb_opts = opt(2, b"eth0")
        if nano:
            idb_opts += opt(9, b"\x09")
        idb_opts += opt(0, b"")
        idb = struct.pack("<HHI", LINK[self.link], 0, self.snaplen) + idb_opts
        out = bytearray(block(0x0a0d0d0a, shb) + block(1, idb))
        for ts, data, wire in self.records():
            t = ts if nano else ts // 1000
            epb = struct.pack("<IIIII", 0, t >> 32, t & 0xffffffff, len(data), wire) + data
            out += block(6, epb)
        with open(path, "wb") as fh:
            fh.write(out)


# ---------------------------------------------------------------- content

EHLO_REPLY = ("250-mx.example.net Hello client.example.org [192.0.2.10]\r\n"
              "250-SIZE 52428800\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
              "250-CHUNKING\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n"
              "250 SMTPUTF8\r\n")


def message(subject="Test", nbody=3, extra=""):
    lines = ["From: Alice <alice@example.org>", "To: Bob <bob@example.net>",
             "Subject: " + subject, "Date: Tue, 14 Nov 2023 22:13:20 +0000",
             "Message-ID: <%s@example.org>" % subject.replace(" ", "-").lower(), ""]
    lines += ["Line %d of the body." % i for i in range(1, nbody + 1)]
    return "\r\n".join(lines) + "\r\n" + extra


def std_open(cv, greet="220 mx.example.net ESMTP ready\r\n", ehlo="EHLO client.example.org\r\n"):
    cv.handshake()
    cv.s(greet, dt=0.02)
    cv.c(ehlo)
    cv.s(EHLO_REPLY)


def std_envelope(cv, rcpts=("bob@example.net",), low=False, eol="\r\n"):
    """MAIL, RCPT for each recipient, DATA, each answered; the message is the caller's.
    eol: the client's line ending ("\n" for a bare-LF client)."""
    f = (lambda x: x.lower()) if low else (lambda x: x)
    cv.c(f("MAIL FROM:") + "<alice@example.org>" + eol)
    cv.s("250 2.1.0 Ok\r\n")
    for r in rcpts:
        cv.c(f("RCPT TO:") + "<%s>" % r + eol)
        cv.s("250 2.1.5 Ok\r\n")
    cv.c(f("DATA") + eol)
    cv.s("354 End data with <CR><LF>.<CR><LF>\r\n")


def std_mail(cv, body, rcpts=("bob@example.net",), low=False):
    std_envelope(cv, rcpts, low)
    cv.body(body.encode() if isinstance(body, str) else body)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0001\r\n", dt=0.005)


def std_quit(cv, first=0):
    cv.c("QUIT\r\n" if first == 0 else "quit\r\n")
    cv.s("221 2.0.0 Bye\r\n")
    cv.close(1)


def C4():
    return dict(cip="192.0.2.10", sip="198.51.100.25", cport=41000, sport=25)


def C6():
    return dict(cip="2001:db8::10", sip="2001:db8::25", cport=41000, sport=25, v6=True)


# ---------------------------------------------------------------- scenarios

def cap_eth_basic():
    cap = Capture("eth")
    arp(cap, 1, CMAC, "192.0.2.10", b"\0" * 6, "198.51.100.25", BCAST)
    arp(cap, 2, SMAC, "198.51.100.25", CMAC, "192.0.2.10", CMAC)
    cv = Conv(cap, **C4())
    std_open(cv)
    std_mail(cv, message("Basic") + ".\r\n")
    std_quit(cv)
    return cap


def cap_vlan_lower():
    cap = Capture("vlan")
    cv = Conv(cap, **C4())
    std_open(cv, ehlo="ehlo client.example.org\r\n")
    std_mail(cv, message("Lower") + ".\r\n", low=True)
    cv.c("quit\r\n")
    cv.s("221 2.0.0 Bye\r\n")
    cv.close(1)
    return cap


def cap_pipelining():
    """SLL v1: MAIL+RCPT+RCPT+DATA in one segment, the replies in one."""
    cap = Capture("sll")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\n"
         "RCPT TO:<carol@example.net>\r\nDATA\r\n")
    cv.s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n")
    cv.body((message("Pipelined") + ".\r\n").encode())
    cv.c("QUIT\r\n")
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0002\r\n221 2.0.0 Bye\r\n")
    cv.close(1)
    return cap


def cap_pipe_split():
    """SLL v2: the EHLO reply split mid-line; pipelined replies split over two
    segments, the second one also carrying the 354."""
    cap = Capture("sll2")
    cv = Conv(cap, **C4())
    cv.handshake()
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.02)
    cv.c("EHLO client.example.org\r\n")
    cut = EHLO_REPLY.index("PIPELINING") + 4
    cv.s(EHLO_REPLY[:cut])
    cv.ack(0)
    cv.s(EHLO_REPLY[cut:], dt=0.0001)
    cv.c("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\n"
         "RCPT TO:<nobody@example.net>\r\nDATA\r\n")
    cv.s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <nobody@exa")
    cv.ack(0)
    cv.s("mple.net>: Recipient address rejected\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
         dt=0.0001)
    cv.body((message("Split replies") + ".\r\n").encode())
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0003\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_ipv6_nd():
    cap = Capture("eth")
    nd(cap, 135, "2001:db8::10", solicited("2001:db8::25"), "2001:db8::25", CMAC, CMAC,
       b"\x33\x33\xff\x00\x00\x25")
    nd(cap, 136, "2001:db8::25", "2001:db8::10", "2001:db8::25", SMAC, SMAC, CMAC)
    cv = Conv(cap, **C6())
    std_open(cv)
    std_mail(cv, message("IPv6") + ".\r\n")
    std_quit(cv)
    return cap


def big_body():
    lines = []
    for i in range(1, 401):
        if i % 50 == 0:
            lines.append("..stuffed line %d starts with a dot" % i)   # "." on the wire doubled
        elif i % 77 == 0:
            lines.append("..")                                        # a lone "." unstuffed
        else:
            lines.append("Body line %03d: the quick brown fox jumps over the lazy dog" % i)
    return message("Big", 0) + "\r\n".join(lines) + "\r\n.\r\n"


def cap_bigbody():
    """BSD NULL, a 400-line body over many MSS-sized segments, dot-stuffed lines."""
    cap = Capture("null")
    cv = Conv(cap, **C4())
    std_open(cv)
    std_mail(cv, big_body())
    std_quit(cv)
    return cap


def cap_data_rejected():
    """Raw IP: 554 to DATA; the client's next bytes are commands (RSET, QUIT)."""
    cap = Capture("raw")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("RCPT TO:<bob@example.net>\r\n")
    cv.s("250 2.1.5 Ok\r\n")
    cv.c("DATA\r\n")
    cv.s("554 5.5.1 Error: no valid recipients\r\n")
    cv.c("RSET\r\n")
    cv.s("250 2.0.0 Ok\r\n")
    std_quit(cv)
    return cap


def cap_data_rejected_pipe():
    """Pipelined MAIL/RCPT/DATA, DATA refused; RSET and QUIT sent together
    before the refusal arrives (held bytes replayed as commands)."""
    cap = Capture("raw")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\nRCPT TO:<nobody@example.net>\r\nDATA\r\n")
    cv.s("250 2.1.0 Ok\r\n550 5.1.1 User unknown\r\n")
    cv.c("RSET\r\n")
    cv.s("554 5.5.1 Error: no valid recipients\r\n250 2.0.0 Ok\r\n")
    cv.c("QUIT\r\n")
    cv.s("221 2.0.0 Bye\r\n")
    cv.close(1)
    return cap


def cap_bdat():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org> BODY=BINARYMIME\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("RCPT TO:<bob@example.net>\r\n")
    cv.s("250 2.1.5 Ok\r\n")
    chunk1 = ("Subject: BDAT\r\n\r\n" + "x" * 81 + "\r\n").encode()
    assert len(chunk1) == 100, len(chunk1)
    chunk2 = (".dot line, not stuffed\r\n" + "y" * 24 + "\r\n").encode()
    assert len(chunk2) == 50, len(chunk2)
    cv.c(b"BDAT 100\r\n" + chunk1[:60])
    cv.c(chunk1[60:])
    cv.s("250 2.0.0 100 octets received\r\n")
    cv.c(b"BDAT 50 LAST\r\n" + chunk2)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0004\r\n")
    std_quit(cv)
    return cap


def cap_two_tx():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("RSET\r\n")
    cv.s("250 2.0.0 Ok\r\n")
    std_mail(cv, message("First") + ".\r\n")
    std_mail(cv, message("Second") + ".\r\n", rcpts=("carol@example.net", "dave@example.net"))
    std_quit(cv)
    return cap


def cap_auth_plain():
    cap = Capture("eth")
    cv = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41000, sport=587)
    std_open(cv)
    cv.c("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n")          # \0alice\0s3cret
    cv.s("235 2.7.0 Authentication successful\r\n")
    std_mail(cv, message("Auth plain") + ".\r\n")
    std_quit(cv)
    return cap


def cap_auth_login():
    cap = Capture("eth")
    cv = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41000, sport=587)
    std_open(cv)
    cv.c("AUTH LOGIN\r\n")
    cv.s("334 VXNlcm5hbWU6\r\n")
    cv.c("YWxpY2U=\r\n")                                  # alice
    cv.s("334 UGFzc3dvcmQ6\r\n")
    cv.c("czNjcmV0\r\n")                                  # s3cret
    cv.s("235 2.7.0 Authentication successful\r\n")
    cv.c("AUTH LOGIN YWxpY2U=\r\n")                       # again, with the username inline
    cv.s("503 5.5.1 Error: already authenticated\r\n")
    std_quit(cv)
    return cap


def tls_rec(ctype, n, fill):
    return struct.pack("!BHH", ctype, 0x0303, n) + bytes([fill]) * n


def cap_starttls():
    cap = Capture("eth")
    cv = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41000, sport=587)
    std_open(cv)
    cv.c("STARTTLS\r\n")
    cv.s("220 2.0.0 Ready to start TLS\r\n")
    cv.c(tls_rec(22, 300, 1))                            # ClientHello
    cv.s(tls_rec(22, 120, 2) + tls_rec(20, 1, 1) + tls_rec(23, 900, 3))
    cv.c(tls_rec(20, 1, 1) + tls_rec(23, 60, 4))
    cv.c(tls_rec(23, 40, 5))                             # "EHLO" inside TLS
    cv.s(tls_rec(23, 200, 6))
    cv.c(tls_rec(21, 2, 0))
    cv.close(0)
    return cap


def cap_port(port, greet="220 mx.example.net ESMTP ready\r\n"):
    cap = Capture("eth")
    cv = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41000, sport=port)
    std_open(cv, greet=greet)
    std_mail(cv, message("Port %d" % port) + ".\r\n")
    std_quit(cv)
    return cap


def drop_dir(cap, keep_etype_dir):
    cap.frames = [f for f in cap.frames if keep_etype_dir(f)]
    return cap


def cap_oneway(keep_client):
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    std_mail(cv, message("One way") + ".\r\n")
    std_quit(cv)
    return drop_dir(cap, lambda f: f.outgoing == keep_client)


def cap_retrans():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    s0 = cv.seq[0] - len("MAIL FROM:<alice@example.org>\r\n")
    # the server did not ACK in time: the client sends it again
    cv.send(0, "MAIL FROM:<alice@example.org>\r\n", seq=s0, advance=False, dt=0.2)
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("RCPT TO:<bob@example.net>\r\n")
    cv.s("250 2.1.5 Ok\r\n")
    cv.c("DATA\r\n")
    cv.s("354 End data with <CR><LF>.<CR><LF>\r\n")
    body = (message("Retrans", 150) + ".\r\n").encode()
    b0 = cv.seq[0]
    cv.c(body[:1460], flags=TH_ACK, dt=0.0001)
    cv.c(body[1460:2920], flags=TH_ACK, dt=0.0001)
    cv.ack(1, ack=b0 + 1460)                 # the second one did not arrive
    # the second body segment again
    cv.send(0, body[1460:2920], seq=b0 + 1460, advance=False, flags=TH_ACK, dt=0.2)
    cv.ack(1)
    cv.c(body[2920:], dt=0.0001)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0005\r\n", dt=0.005)
    std_quit(cv)
    return cap


def swapped_ids(later, earlier):
    """Capture `later` then `earlier`, with the IP IDs of the order they were sent."""
    i0 = IPID[0]
    IPID[0] = i0 + 1
    later()
    IPID[0] = i0
    earlier()
    IPID[0] = i0 + 2


def cap_ooo():
    """Two command segments and two body segments captured in swapped order
    (the network reordered them: each keeps the IP ID it was sent with, so
    the one captured second has the older ID)."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    m, r = "MAIL FROM:<alice@example.org>\r\n", "RCPT TO:<bob@example.net>\r\n"
    base = cv.seq[0]
    swapped_ids(lambda: cv.send(0, r, seq=base + len(m), advance=False),
                lambda: cv.send(0, m, seq=base, advance=False))
    cv.seq[0] = base + len(m) + len(r)
    cv.rcv[1] = cv.seq[0]
    cv.s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n")
    cv.c("DATA\r\n")
    cv.s("354 End data with <CR><LF>.<CR><LF>\r\n")
    body = (message("Out of order", 40) + ".\r\n").encode()
    b0 = cv.seq[0]
    swapped_ids(lambda: cv.send(0, body[1000:], seq=b0 + 1000, advance=False, flags=TH_PSH | TH_ACK),
                lambda: cv.send(0, body[:1000], seq=b0, advance=False, flags=TH_ACK))
    cv.seq[0] = b0 + len(body)
    cv.rcv[1] = cv.seq[0]
    cv.ack(1)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0006\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_tcp_impair():
    """One of each TCP finding under impairment: the SYN resent after 1 s
    (the iRTT is measured from the second one, which the SYN/ACK answers); a
    pure ACK repeated while the server has nothing outstanding (not a
    duplicate ACK); MAIL captured twice with the same IP ID (a network
    duplicate, not a retransmission); RCPT with a byte flipped on the way
    (bad checksum: not used as data) and then its good copy (a
    retransmission); the server's 221 lost before its FIN (a gap before a
    frame without payload); the client's FIN resent."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    opts = struct.pack("!BBH", 2, 4, cv.mss) + b"\x04\x02\x01\x01" + struct.pack("!BBB", 3, 3, 7) + b"\x01"
    cv.pkt(0, TH_SYN, opts=opts, win=64240, dt=0.001)
    cv.pkt(0, TH_SYN, opts=opts, win=64240, dt=1.0)
    cv.seq[0] += 1
    cv.rcv[1] = cv.seq[0]
    cv.pkt(1, TH_SYN | TH_ACK, opts=opts, win=65160, dt=0.010)
    cv.seq[1] += 1
    cv.rcv[0] = cv.seq[1]
    cv.win = [502, 509]
    cv.pkt(0, TH_ACK, dt=0.0002)
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.02)
    cv.ack(0)
    cv.ack(0, dt=0.05)                      # again: nothing of the server's is outstanding
    cv.c("EHLO client.example.org\r\n")
    cv.s(EHLO_REPLY)
    m = "MAIL FROM:<alice@example.org>\r\n"
    i0 = IPID[0]
    cv.c(m, advance=False)
    IPID[0] = i0                            # the same packet again
    cv.c(m, dt=0.0001)
    cv.s("250 2.1.0 Ok\r\n")
    r = "RCPT TO:<bob@example.net>\r\n"
    at = len(r) - r.index("bob") - 1        # the 'o' of bob, from the end

    def flip(l3):
        return l3[:-at] + bytes([l3[-at] ^ 0x20]) + l3[-at + 1:]
    cv.c(r, advance=False, wire_ip=flip)    # "bOb": the receiver drops it
    cv.c(r, dt=0.2)
    cv.s("250 2.1.5 Ok\r\n")
    cv.c("DATA\r\n")
    cv.s("354 End data with <CR><LF>.<CR><LF>\r\n")
    cv.body((message("Impaired", 20) + ".\r\n").encode())
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0009\r\n", dt=0.005)
    cv.c("QUIT\r\n")
    cv.seq[1] += len("221 2.0.0 Bye\r\n")  # the 221: not captured
    cv.pkt(1, TH_FIN | TH_ACK, dt=0.004)
    cv.seq[1] += 1
    cv.rcv[0] = cv.seq[1]
    cv.pkt(0, TH_FIN | TH_ACK, dt=0.0003)
    cv.pkt(0, TH_FIN | TH_ACK, dt=0.2)      # resent: its ACK did not come
    cv.seq[0] += 1
    cv.rcv[1] = cv.seq[0]
    cv.pkt(1, TH_ACK, dt=0.0002)
    return cap


def cap_lost(nbody=120):
    """Segments lost by the capture (the peer ACKs past them): one holding a
    whole command and half the next, and the second body segment: in the
    middle of the body (nbody=120), or the last one, with the end of data
    (nbody=80: the reply to the message shows that it ended; QUIT after it
    must parse as a command)."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    # lost: "RCPT TO:<bob@example.net>\r\nRCPT TO:<ca"   then "rol@example.net>\r\n" seen
    lost = "RCPT TO:<bob@example.net>\r\nRCPT TO:<ca"
    cv.seq[0] += len(lost)
    cv.c("rol@example.net>\r\n")
    cv.s("250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n")
    cv.c("DATA\r\n")
    cv.s("354 End data with <CR><LF>.<CR><LF>\r\n")
    body = (message("Lost", nbody) + ".\r\n").encode()
    for i in range(0, len(body), 1000):
        part = body[i:i + 1000]
        if i == 1000:
            cv.seq[0] += len(part)          # not captured
            cv.rcv[1] = cv.seq[0]
            continue
        cv.c(part, flags=TH_ACK if i + 1000 < len(body) else TH_PSH | TH_ACK, dt=0.0001)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0007\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_zerowin():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    std_envelope(cv)
    body = (message("Zero window", 100) + ".\r\n").encode()
    cv.c(body[:1460], flags=TH_ACK)
    cv.ack(1, win=0)                                     # receiver full
    # keep-alive / zero-window probe: seq = next - 1, no data
    cv.pkt(0, TH_ACK, seq=cv.seq[0] - 1, dt=0.5)
    cv.ack(1, win=0)
    cv.ack(1, win=509, dt=0.3)                           # window update
    cv.c(body[1460:], flags=TH_PSH | TH_ACK)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0008\r\n", dt=0.005)
    # idle: a keep-alive from the client and its answer
    cv.pkt(0, TH_ACK, seq=cv.seq[0] - 1, dt=30)
    cv.ack(1)
    std_quit(cv)
    return cap


def cap_rst():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("QUIT\r\n")
    cv.s("221 2.0.0 Bye\r\n")
    cv.rst(0)
    return cap


def cap_portreuse():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("NOOP\r\n")
    cv.s("250 2.0.0 Ok\r\n")
    std_quit(cv)
    cap.tick(5)
    cv2 = Conv(cap, isn_c=900000, isn_s=7000000, **C4())
    std_open(cv2)
    std_mail(cv2, message("Reuse") + ".\r\n")
    std_quit(cv2)
    return cap


def cap_offload():
    """Captured on the sending host with TSO: one 4000-byte body segment."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    std_envelope(cv)
    body = (message("Offload", 100) + ".\r\n").encode()
    cv.body(body, seg=4000)
    cv.ack(1)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0009\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_snaplen():
    """Captured with -s 128: long body segments are cut."""
    cap = Capture("eth", snaplen=128)
    cv = Conv(cap, **C4())
    std_open(cv)
    std_mail(cv, message("Snaplen", 40) + ".\r\n")
    std_quit(cv)
    return cap


def cap_malformed_ip():
    """A frame whose IPv4 header is broken (IHL 3) in the middle of a session,
    and one whose total length runs past the frame."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("NOOP\r\n")
    cv.s("250 2.0.0 Ok\r\n")
    cv.pkt(0, TH_ACK, wire_ip=lambda b: bytes([0x43]) + b[1:])
    cv.pkt(0, TH_ACK, wire_ip=lambda b: b[:2] + struct.pack("!H", 1400) + b[4:])
    std_quit(cv)
    return cap


def cap_trunc_tcp():
    """A frame whose TCP header the snaplen cut (the ports are there, the rest
    is not), and one whose IP datagram is too short for a TCP header: no
    phantom port-0 flow, both counted as not TCP."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.pkt(0, TH_ACK, snap=14 + 20 + 10)
    cv.pkt(0, TH_ACK, wire_ip=lambda b: b[:2] + struct.pack("!H", 30) + b[4:30])
    std_quit(cv)
    return cap


def cap_idle():
    """Session 1 goes quiet after EHLO and never comes back; session 2 starts
    11 minutes later: session 1 ends by the idle timeout (600 s), before it."""
    cap = Capture("eth")
    a = Conv(cap, **C4())
    std_open(a)
    cap.tick(660)
    b = Conv(cap, cip="192.0.2.11", sip="198.51.100.25", cport=52000, sport=25,
             isn_c=333, isn_s=444, cmac=mac("02:00:00:00:00:03"))
    std_open(b)
    std_quit(b)
    return cap


def cap_interleaved():
    cap = Capture("eth")
    a = Conv(cap, **C4())
    b = Conv(cap, cip="192.0.2.11", sip="198.51.100.25", cport=52000, sport=25,
             isn_c=333, isn_s=444, cmac=mac("02:00:00:00:00:03"))
    a.handshake()
    b.handshake()
    a.s("220 mx.example.net ESMTP ready\r\n")
    b.s("220 mx.example.net ESMTP ready\r\n")
    a.c("EHLO a.example.org\r\n")
    b.c("HELO b.example.org\r\n")
    b.s("250 mx.example.net\r\n")
    a.s(EHLO_REPLY)
    b.c("MAIL FROM:<bee@example.org>\r\n")
    a.c("MAIL FROM:<alice@example.org>\r\n")
    a.s("250 2.1.0 Ok\r\n")
    b.s("250 2.1.0 Ok\r\n")
    a.c("RCPT TO:<bob@example.net>\r\n")
    b.c("RCPT TO:<bob@example.net>\r\n")
    b.s("250 2.1.5 Ok\r\n")
    a.s("250 2.1.5 Ok\r\n")
    a.c("DATA\r\n")
    b.c("DATA\r\n")
    a.s("354 go ahead\r\n")
    b.s("354 go ahead\r\n")
    a.c(message("From A") + ".\r\n")
    b.c(message("From B") + ".\r\n")
    b.s("250 2.0.0 Ok: queued as B\r\n")
    a.s("250 2.0.0 Ok: queued as A\r\n")
    b.c("QUIT\r\n")
    a.c("QUIT\r\n")
    a.s("221 Bye\r\n")
    b.s("221 Bye\r\n")
    b.close(1)
    a.close(1)
    return cap


def cap_eod_split():
    """'.\\r\\n' split across segments: '\\r\\n.' | '\\r\\n'; the second
    message ends in '\\r\\n' | '.\\r' | '\\n'."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    for subj, cuts in (("EOD split 1", (-2,)), ("EOD split 2", (-3, -1))):
        cv.c("MAIL FROM:<alice@example.org>\r\n")
        cv.s("250 2.1.0 Ok\r\n")
        cv.c("RCPT TO:<bob@example.net>\r\n")
        cv.s("250 2.1.5 Ok\r\n")
        cv.c("DATA\r\n")
        cv.s("354 End data with <CR><LF>.<CR><LF>\r\n")
        body = (message(subj, 5) + ".\r\n").encode()
        prev = 0
        for c in cuts + (len(body),):
            c = c if c > 0 else len(body) + c
            cv.c(body[prev:c], dt=0.001)
            prev = c
        cv.s("250 2.0.0 Ok: queued\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_bare_lf():
    """A client that ends lines with a bare LF, the end of data too."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    cv.handshake()
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.02)
    cv.c("HELO client\n")
    cv.s("250 mx.example.net\r\n")
    std_envelope(cv, eol="\n")
    cv.c("Subject: bare LF\n\nline 1\n..dotted\nline 3\n.\n")
    cv.s("250 2.0.0 Ok: queued\r\n", dt=0.005)
    cv.c("QUIT\n")
    cv.s("221 Bye\r\n")
    cv.close(1)
    return cap


def cap_early_reply():
    """The server's reply is captured before the last segment of the command
    (the capture missed it; its retransmission follows the reply)."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    m = "MAIL FROM:<alice@example.org>\r\n"
    base = cv.seq[0]
    cv.send(0, m[:10], seq=base, advance=False)
    cv.seq[0] = base + len(m)                 # the rest left, not captured
    cv.rcv[1] = cv.seq[0]
    cv.s("250 2.1.0 Ok\r\n")
    cv.send(0, m[10:], seq=base + 10, advance=False, dt=0.2)   # retransmission
    cv.c("RCPT TO:<bob@example.net>\r\n")
    cv.s("250 2.1.5 Ok\r\n")
    std_quit(cv)
    return cap


def cap_ipv4_ns():
    """pcap with nanosecond timestamps over Ethernet, sub-µs spacing."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("NOOP\r\n")
    cap.t += 123
    cv.s("250 2.0.0 Ok\r\n", dt=0.000000456)
    std_quit(cv)
    return cap


# name, builder, writer
def corpus():
    return [
        ("eth-basic.pcap", cap_eth_basic, "pcap"),
        ("vlan-lowercase.pcapng", cap_vlan_lower, "pcapng"),
        ("sll-pipelining.pcap", cap_pipelining, "pcap-ns"),
        ("sll2-pipe-split.pcapng", cap_pipe_split, "pcapng-ns"),
        ("ipv6-nd.pcapng", cap_ipv6_nd, "pcapng"),
        ("null-bigbody.pcap", cap_bigbody, "pcap"),
        ("raw-data-rejected.pcap", cap_data_rejected, "pcap"),
        ("raw-data-rejected-pipe.pcap", cap_data_rejected_pipe, "pcap-ns"),
        ("bdat.pcap", cap_bdat, "pcap"),
        ("two-transactions.pcap", cap_two_tx, "pcap"),
        ("auth-plain.pcap", cap_auth_plain, "pcap"),
        ("auth-login.pcapng", cap_auth_login, "pcapng"),
        ("starttls.pcap", cap_starttls, "pcap"),
        ("port2525.pcap", lambda: cap_port(2525), "pcap"),
        ("port10025.pcap", lambda: cap_port(10025), "pcap"),
        ("oneway-client.pcap", lambda: cap_oneway(True), "pcap"),
        ("oneway-server.pcap", lambda: cap_oneway(False), "pcap"),
        ("retrans.pcap", cap_retrans, "pcap"),
        ("ooo.pcap", cap_ooo, "pcap"),
        ("lost.pcap", cap_lost, "pcap"),
        ("tcp-impair.pcap", cap_tcp_impair, "pcap"),
        ("lost-eod.pcap", lambda: cap_lost(nbody=80), "pcap"),
        ("zerowin-keepalive.pcap", cap_zerowin, "pcap"),
        ("rst.pcap", cap_rst, "pcap"),
        ("portreuse.pcap", cap_portreuse, "pcap"),
        ("offload.pcap", cap_offload, "pcap"),
        ("snaplen.pcap", cap_snaplen, "pcap"),
        ("malformed-ip.pcap", cap_malformed_ip, "pcap"),
        ("interleaved.pcap", cap_interleaved, "pcap"),
        ("trunc-tcp.pcap", cap_trunc_tcp, "pcap"),
        ("idle.pcap", cap_idle, "pcap"),
        ("eod-split.pcap", cap_eod_split, "pcap"),
        ("bare-lf.pcap", cap_bare_lf, "pcap"),
        ("early-reply.pcap", cap_early_reply, "pcap"),
        ("eth-ns.pcap", cap_ipv4_ns, "pcap-ns"),
        ("cut-short.pcap", cap_eth_basic, "pcap-cut"),
    ]


# ================================================================ dissector block
# Captures for the SMTP dissector, the parser table and the TLS record
# parser (H-smtpdis).  Listed in DISSECTOR_CAPS, written by main() after
# corpus().


def tls_hs(typ, body):
    return struct.pack("!B", typ) + struct.pack("!I", len(body))[1:] + body


def client_hello(sni):
    name = sni.encode()
    sni_ext = struct.pack("!HBH", len(name) + 3, 0, len(name)) + name
    exts = struct.pack("!HH", 0, len(sni_ext)) + sni_ext
    exts += struct.pack("!HH", 43, 3) + b"\x02\x03\x04"          # supported_versions
    body = (b"\x03\x03" + bytes(range(32)) + b"\x00" + struct.pack("!H", 4) +
            b"\x13\x02\x13\x01" + b"\x01\x00" + struct.pack("!H", len(exts)) + exts)
    return tls_hs(1, body)


def server_hello(version=0x0304, cipher=0x1302):
    exts = struct.pack("!HHH", 43, 2, version) if version == 0x0304 else b""
    body = (b"\x03\x03" + bytes(range(32, 64)) + b"\x00" + struct.pack("!H", cipher) +
            b"\x00" + (struct.pack("!H", len(exts)) + exts if exts else b""))
    return tls_hs(2, body)


def tls_record(ctype, frag, version=0x0303):
    return struct.pack("!BHH", ctype, version, len(frag)) + frag


def cap_tls_hello():
    """STARTTLS with real hellos: the ClientHello record split across two
    segments (SNI mx.example), ServerHello + ChangeCipherSpec + application
    data in one segment, an application-data record split over three."""
    cap = Capture("eth")
    cv = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41001, sport=587)
    std_open(cv)
    cv.c("STARTTLS\r\n")
    cv.s("220 2.0.0 Ready to start TLS\r\n")
    ch = tls_record(22, client_hello("mx.example"), version=0x0301)
    cv.c(ch[:3])
    cv.c(ch[3:])
    cv.s(tls_record(22, server_hello()) + tls_record(20, b"\x01") + tls_record(23, b"\x17" * 90))
    cv.c(tls_record(20, b"\x01") + tls_record(23, b"\x42" * 70))
    big = tls_record(23, b"\x55" * 3000)
    cv.c(big[:1000])
    cv.c(big[1000:2000])
    cv.c(big[2000:])
    cv.s(tls_record(23, b"\x66" * 40))
    cv.c(tls_record(21, b"\x99\x98"))
    cv.close(0)
    return cap


def cap_smtps():
    """Implicit TLS on port 465: TLS 1.2 ServerHello with a cipher suite."""
    cap = Capture("eth")
    cv = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41002, sport=465)
    cv.handshake()
    cv.c(tls_record(22, client_hello("smtp.example.net"), version=0x0301))
    cv.s(tls_record(22, server_hello(0x0303, 0xc02f) + tls_hs(11, b"\x00" * 300) +
                    tls_hs(14, b"")))
    cv.c(tls_record(22, tls_hs(16, b"\x20" * 33)) + tls_record(20, b"\x01") +
         tls_record(22, b"\x77" * 40))
    cv.s(tls_record(20, b"\x01") + tls_record(22, b"\x78" * 40))
    cv.c(tls_record(23, b"\x79" * 30))
    cv.close(0)
    return cap


def cap_smtps_empty():
    """Port 465, handshake and close, no payload: not labelled TLS."""
    cap = Capture("eth")
    cv = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41003, sport=465)
    cv.handshake()
    cv.close(0)
    return cap


def cap_split_greeting():
    """Port 10025 (not an SMTP port): the greeting arrives as "22" | "0 ..."
    and the client's EHLO as "EH" | "LO ...": SMTP all the same (F6)."""
    cap = Capture("eth")
    cv = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41004, sport=10025)
    cv.handshake()
    cv.s("22")
    cv.s("0 mx.example.net ESMTP ready\r\n")
    cv.c("EH")
    cv.c("LO client.example.org\r\n")
    cv.s("250 mx.example.net\r\n")
    std_quit(cv)
    return cap


def cap_rcpt_comma():
    """A recipient with a quoted comma: one address, not two."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    std_mail(cv, message("Comma") + ".\r\n", rcpts=('"smith, john"@example.net', "bob@example.net"))
    std_quit(cv)
    return cap


def cap_lost_354():
    """The 354 reply to DATA is not in the capture (the client ACKs past
    it); the client sends the message: it is a message, not commands (F2)."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("RCPT TO:<bob@example.net>\r\n")
    cv.s("250 2.1.5 Ok\r\n")
    cv.c("DATA\r\n")
    lost = "354 End data with <CR><LF>.<CR><LF>\r\n"
    cv.seq[1] += len(lost)                       # not captured
    cv.rcv[0] = cv.seq[1]
    cv.body((message("Lost 354", 4) + ".\r\n").encode())
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0354\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_midstream():
    """The capture starts in the middle of a message (no handshake): the
    body lines are not commands; the 250 is a reply whose command came
    before the capture; QUIT pairs with 221."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    cv.win = [502, 509]
    cv.rcv = [cv.seq[1], cv.seq[0]]
    body = "".join("Line %d of a long body. DATA HELO QUIT in the text\r\n" % i for i in range(60))
    cv.body(("with the rest of the header\r\n\r\n" + body + ".\r\n").encode())
    cv.s("250 2.0.0 Ok: queued as 4SVZ1xMID\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_unexpected():
    """A server that talks out of turn: a line right after the greeting,
    before EHLO (named 'unexpected reply before EHLO'), and a second 220
    that arrives after EHLO and before its reply (a 220 cannot answer EHLO:
    not paired with it).  Every later reply still pairs right."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    cv.handshake()
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.02)
    cv.s("250 talking early\r\n")
    cv.c("EHLO client.example.org\r\n")
    cv.s("220 mx.example.net still ready\r\n")
    cv.s(EHLO_REPLY)
    std_mail(cv, message("Unexpected") + ".\r\n")
    std_quit(cv)
    return cap


def cap_unstuffed_dot():
    """The client forgot to dot-stuff a line '.' in the message: the server
    takes it as the end of data; the text after it arrives as 'commands'
    (a client mistake, not pipelining)."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    std_envelope(cv)
    cv.body((message("Unstuffed", 2) + ".\r\nafter the dot\r\n.\r\n").encode())
    cv.s("250 2.0.0 Ok: queued as 4SVZ1xDOT\r\n", dt=0.005)
    cv.s("500 5.5.2 Error: bad syntax\r\n500 5.5.2 Error: bad syntax\r\n")
    std_quit(cv)
    return cap


DISSECTOR_CAPS = [
    ("tls-hello.pcap", cap_tls_hello, "pcap"),
    ("smtps.pcap", cap_smtps, "pcap"),
    ("smtps-empty.pcap", cap_smtps_empty, "pcap"),
    ("split-greeting.pcap", cap_split_greeting, "pcap"),
    ("rcpt-comma.pcap", cap_rcpt_comma, "pcap"),
    ("lost-354.pcap", cap_lost_354, "pcap"),
    ("midstream.pcap", cap_midstream, "pcap"),
    ("unexpected.pcap", cap_unexpected, "pcap"),
    ("unstuffed-dot.pcap", cap_unstuffed_dot, "pcap"),
]
# ================================================================ end of dissector block


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "caps")
    os.makedirs(outdir, exist_ok=True)
    for name, build, fmt in corpus() + DISSECTOR_CAPS:
        IPID[0] = 0x1000
        cap = build()
        path = os.path.join(outdir, name)
        if fmt == "pcap":
            cap.write_pcap(path)
        elif fmt == "pcap-ns":
            cap.write_pcap(path, nano=True)
        elif fmt == "pcap-cut":
            cap.write_pcap(path, cut=40)        # the last record loses its tail
        elif fmt == "pcapng":
            cap.write_pcapng(path)
        elif fmt == "pcapng-ns":
            cap.write_pcapng(path, nano=True)
    with open(os.path.join(outdir, "not-a-capture.txt"), "w") as fh:
        fh.write("This is not a capture file.\nHELO nobody\n")



# ---------------------------------------------------------------- hostile text
# (H-timeline) Wire bytes that must not drive the terminal nor break JSON:
# ESC/CSI, OSC 52 (clipboard write), raw C1 0x9b, C1 encoded in UTF-8
# (c2 9b), RIGHT-TO-LEFT OVERRIDE (e2 80 ae) and invalid UTF-8 (ff fe), in
# the EHLO argument, the envelope, a reply and a Subject.

HOSTILE = b"\x1b[31mred\x1b[0m \x1b]52;c;ZXZpbA==\x07 \x9b2J \xc2\x9b \xe2\x80\xaeevil \xff\xfe"


def cap_hostile_text():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    cv.handshake()
    cv.s(b"220 mx.example.net " + HOSTILE + b"\r\n", dt=0.02)
    cv.c(b"EHLO \x1b]52;c;SGk=\x07x\x9b\r\n")
    cv.s(b"250-mx.example.net " + HOSTILE + b"\r\n250 8BITMIME\r\n")
    cv.c(b"MAIL FROM:<a\x1b]52;c;SGk=\x07@example.org>\r\n")
    cv.s(b"250 2.1.0 Ok " + HOSTILE + b"\r\n")
    cv.c(b"RCPT TO:<b\xe2\x80\xae@example.net\xc2\x9b>\r\n")
    cv.s(b"250 2.1.5 Ok\r\n")
    cv.c(b"DATA\r\n")
    cv.s(b"354 End data with <CR><LF>.<CR><LF>\r\n")
    cv.body(b"From: Alice <alice@example.org>\r\nSubject: " + HOSTILE +
            b"\r\nMessage-ID: <h\x9b@example.org>\r\n\r\nHello.\r\n.\r\n")
    cv.s(b"550 5.7.1 " + HOSTILE + b"\r\n", dt=0.005)
    std_quit(cv)
    return cap


_corpus_before_hostile = corpus


def corpus():  # noqa: F811 - the hostile captures join the corpus
    return _corpus_before_hostile() + [("hostile-text.pcap", cap_hostile_text, "pcap")]


# ---------------------------------------------------------------- reply lines
# Every reply line kept: an EHLO reply split across three segments (inside a
# code, inside a line, between CR and LF) with an unknown extension and the
# old AUTH= form, and a 550 with 13 lines (10 shown, then "... N more");
# an EHLO reply with 100 continuation lines (64 kept) and a 600-byte line.

def cap_ehlo_split3():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    cv.handshake()
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.02)
    cv.c("EHLO client.example.org\r\n")
    reply = ("250-mx.example.net Hello client.example.org\r\n250-PIPELINING\r\n"
             "250-SIZE 10240000\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n"
             "250-AUTH=LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-DSN\r\n"
             "250-X-ACME-FROBNICATE 3\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
             "250 CHUNKING\r\n")
    a = reply.index("250-STARTTLS") + 2          # inside the code
    b = reply.index("250-ENHANCEDSTATUSCODES") - 1  # between CR and LF
    cv.s(reply[:a])
    cv.s(reply[a:b])
    cv.s(reply[b:])
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("RCPT TO:<nobody@example.net>\r\n")
    why = ["550-5.1.1 <nobody@example.net>: recipient unknown"]
    why += ["550-5.1.1 explanation line %d" % i for i in range(2, 13)]
    why += ["550 5.1.1 see https://example.net/help"]
    cv.s("\r\n".join(why) + "\r\n")
    std_quit(cv)
    return cap


def cap_ehlo_100():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    cv.handshake()
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.02)
    cv.c("EHLO client.example.org\r\n")
    lines = ["250-mx.example.net", "250-X-LONG " + "L" * 590]
    lines += ["250-X-EXT%02d" % i for i in range(1, 99)]
    lines += ["250 PIPELINING"]
    data = "\r\n".join(lines) + "\r\n"
    while data:                                   # MSS-sized segments
        cv.s(data[:1400])
        data = data[1400:]
    std_quit(cv)
    return cap


REPLY_LINE_CAPS = [
    ("ehlo-split3.pcap", cap_ehlo_split3, "pcap"),
    ("ehlo-100lines.pcap", cap_ehlo_100, "pcap"),
]
_corpus_before_reply_lines = corpus


def corpus():  # noqa: F811 - the reply-line captures join the corpus
    return _corpus_before_reply_lines() + REPLY_LINE_CAPS






# ---------------------------------------------------------------- MIME parts
# A multipart/mixed message: alternative( text (QP, a dot-stuffed line),
# related( html, inline png cid:pic ) ), an attachment with an RFC 2231
# non-ASCII file name and one with an RFC 2047 name; sent in segments cut
# inside a boundary line.  And a hostile one: 100 parts, 12 nested
# multiparts, a 5000-octet header field, a boundary never closed.

def mime_message():
    png = base64.b64encode(bytes(range(256)) * 3).decode()
    pdf = base64.b64encode(b"%PDF-1.4 " + b"x" * 500).decode()
    b64 = lambda t: "\r\n".join(t[i:i + 76] for i in range(0, len(t), 76))
    return ("From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\n"
            "Subject: parts\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"=_mix\"\r\n\r\n"
            "This is a multi-part message in MIME format.\r\n"
            "--=_mix\r\nContent-Type: multipart/alternative; boundary=alt1\r\n\r\n"
            "--alt1\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            "Gr=C3=BC=C3=9Fe, Bob.\r\n..a line that began with a dot\r\nbye=\r\n\r\n"
            "--alt1\r\nContent-Type: multipart/related; boundary=rel1\r\n\r\n"
            "--rel1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            "<p>Hi <img src=\"cid:pic\"></p>\r\n"
            "--rel1\r\nContent-Type: image/png; name=pic.png\r\n"
            "Content-Transfer-Encoding: base64\r\nContent-ID: <pic>\r\n"
            "Content-Disposition: inline; filename=pic.png\r\n\r\n" + b64(png) + "\r\n"
            "--rel1--\r\n--alt1--\r\n"
            "--=_mix\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Disposition: attachment;\r\n filename*0*=utf-8''r%C3%A9sum%C3%A9;\r\n"
            " filename*1*=%20final.pdf\r\n\r\n" + b64(pdf) + "\r\n"
            "--=_mix\r\nContent-Type: text/plain; name=\"=?iso-8859-1?Q?=E9t=E9?=.txt\"\r\n"
            "Content-Disposition: attachment\r\n\r\nsummer\r\n"
            "--=_mix--\r\n.\r\n")


def cap_mime_parts():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    std_envelope(cv)
    body = mime_message().encode()
    cut = body.index(b"--=_mix\r\nContent-Type: application/pdf") + 4
    cv.body(body[:cut], seg=400)               # the last segment ends in "--=_"
    cv.body(body[cut:], seg=700)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x00M1\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_mime_hostile():
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    std_envelope(cv)
    parts = "".join("--h\r\nContent-Type: text/x-%d\r\n\r\nbody %d\r\n" % (i, i) for i in range(100))
    nest = "".join("--n%d\r\nContent-Type: multipart/mixed; boundary=n%d\r\n\r\n" % (i, i + 1)
                   for i in range(12))
    body = ("Subject: hostile\r\nContent-Type: multipart/mixed; boundary=h\r\n\r\n" + parts +
            "--h\r\nX-Long: " + "y" * 5000 + "\r\nContent-Type: multipart/mixed; boundary=n0\r\n\r\n" +
            nest + "--n12\r\nContent-Type: text/plain\r\n\r\nnever closed\r\n.\r\n")
    cv.body(body.encode())
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x00M2\r\n", dt=0.005)
    std_quit(cv)
    return cap


_corpus_before_mime = corpus


def corpus():  # noqa: F811 - the MIME captures join the corpus
    return _corpus_before_mime() + [("mime-parts.pcap", cap_mime_parts, "pcap"),
                                    ("mime-hostile.pcap", cap_mime_hostile, "pcap")]


# ---------------------------------------------------------------- ICMP errors
# (H-icmp) ICMP errors about a session's segments: path MTU (fragmentation
# needed / packet too big, then smaller retransmissions), refusals
# (administratively prohibited, port unreachable), quotes cut short, and
# errors about no session at all.

GW4, GW6 = "192.0.2.1", "2001:db8::1"


def icmp4_err(cap, src, dst, typ, code, quoted, rest=b"\0\0\0\0", qlen=28, snap=None,
              smac=SMAC, dmac=CMAC):
    body = struct.pack("!BBH", typ, code, 0) + rest + quoted[:qlen]
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    cap.add(Frame(cap.tick(0.0003), 0x0800, ipv4_pkt(ip4(src), ip4(dst), 1, body, ttl=255),
                  smac, dmac, snap=snap))


def icmp6_err(cap, src, dst, typ, code, quoted, rest=b"\0\0\0\0", qlen=1232, smac=SMAC, dmac=CMAC):
    body = struct.pack("!BBH", typ, code, 0) + rest + quoted[:qlen]
    srcb, dstb = ip6(src), ip6(dst)
    c = csum(srcb + dstb + struct.pack("!IxxxB", len(body), 58) + body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    cap.add(Frame(cap.tick(0.0003), 0x86dd, ipv6_pkt(srcb, dstb, 58, body, hlim=255), smac, dmac))


def cap_icmp_pmtu(v6=False):
    """A 1500-byte path that is 1400 (1280 for IPv6) further on: four full
    segments each draw an error from the router, the client sends it all
    again in smaller segments."""
    cap = Capture("eth")
    cv = Conv(cap, **(C6() if v6 else C4()))
    std_open(cv)
    std_envelope(cv)
    body = (message("Path MTU", 300) + ".\r\n").encode()
    b0 = cv.seq[0]
    quoted = []
    for k in range(4):
        cv.c(body[k * 1460:(k + 1) * 1460], flags=TH_ACK, dt=0.00005)
        quoted.append(cap.frames[-1].l3)
    for k, q in enumerate(quoted):
        if v6:
            icmp6_err(cap, GW6, "2001:db8::10", 2, 0, q, rest=struct.pack("!I", 1280))
        else:
            # the first as RFC 792 asks (IP header + 8 bytes), the rest as Linux (576 bytes)
            icmp4_err(cap, GW4, "192.0.2.10", 3, 4, q, rest=struct.pack("!HH", 0, 1400),
                      qlen=28 if k == 0 else 548)
    seg = 1208 if v6 else 1348
    for off in range(0, len(body), seg):
        cv.send(0, body[off:off + seg], seq=b0 + off, advance=False, flags=TH_ACK, dt=0.00005)
        if (off // seg) % 2:
            cv.ack(1, ack=b0 + off + len(body[off:off + seg]))
    cv.seq[0] = b0 + len(body)
    cv.rcv[1] = cv.seq[0]
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0009\r\n", dt=0.005)
    std_quit(cv)
    return cap


def cap_icmp_refused():
    """IPv4: the router refuses the SYN (administratively prohibited), twice;
    IPv6: the server's host answers a SYN with port unreachable."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    cv.pkt(0, TH_SYN, opts=struct.pack("!BBH", 2, 4, 1460), win=64240)
    icmp4_err(cap, GW4, "192.0.2.10", 3, 13, cap.frames[-1].l3, qlen=548)
    cv.pkt(0, TH_SYN, opts=struct.pack("!BBH", 2, 4, 1460), win=64240, dt=1.0)
    icmp4_err(cap, GW4, "192.0.2.10", 3, 13, cap.frames[-1].l3, qlen=548)
    c6 = Conv(cap, **C6())
    c6.pkt(0, TH_SYN, opts=struct.pack("!BBH", 2, 4, 1440), win=64240)
    icmp6_err(cap, "2001:db8::25", "2001:db8::10", 1, 4, cap.frames[-1].l3)
    return cap


def cap_icmp_trunc():
    """A session with three broken errors: a quote with the ports but not
    the sequence number (malformed: RFC 792 asks for 8 bytes), one the
    snaplen cut inside the quoted TCP header (truncated), and one too short
    for the quoted IP header (malformed, about no session it can name)."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    q = cap.frames[-1].l3
    icmp4_err(cap, GW4, "192.0.2.10", 11, 0, q, qlen=24)
    icmp4_err(cap, GW4, "192.0.2.10", 3, 1, q, qlen=548, snap=14 + 20 + 8 + 26)
    icmp4_err(cap, GW4, "192.0.2.10", 3, 1, q, qlen=12)
    cv.s("250 2.1.0 Ok\r\n")
    std_quit(cv)
    return cap


def cap_icmp_unknown():
    """A plain session, an error about another connection (no session) and
    an echo request: both only counted."""
    cap = Capture("eth")
    cv = Conv(cap, **C4())
    std_open(cv)
    other = Conv(cap, cip="192.0.2.10", sip="198.51.100.25", cport=41999, sport=25)
    other.pkt(0, TH_SYN, win=64240)
    q = cap.frames.pop().l3
    icmp4_err(cap, GW4, "192.0.2.10", 3, 4, q, rest=struct.pack("!HH", 0, 1400), qlen=548)
    echo = struct.pack("!BBHHH", 8, 0, 0, 1, 1) + b"ping"
    echo = echo[:2] + struct.pack("!H", csum(echo)) + echo[4:]
    cap.add(Frame(cap.tick(0.0003), 0x0800, ipv4_pkt(ip4("192.0.2.10"), ip4(GW4), 1, echo), CMAC, SMAC))
    cv.c("QUIT\r\n")
    cv.s("221 2.0.0 Bye\r\n")
    cv.close(1)
    return cap


_corpus_before_icmp = corpus


def corpus():  # noqa: F811 - the ICMP captures join the corpus
    return _corpus_before_icmp() + [
        ("icmp-pmtu.pcap", cap_icmp_pmtu, "pcap"),
        ("icmp-pmtu6.pcap", lambda: cap_icmp_pmtu(v6=True), "pcap"),
        ("icmp-refused.pcap", cap_icmp_refused, "pcap"),
        ("icmp-trunc.pcap", cap_icmp_trunc, "pcap"),
        ("icmp-unknown.pcap", cap_icmp_unknown, "pcap"),
    ]


if __name__ == "__main__":
    main()
