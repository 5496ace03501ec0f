#!/usr/bin/python3
"""repcap.py IN.pcap N OUT.pcap - N copies of the one TCP session of IN (a
classic little-endian pcap, Ethernet + IPv4, as tests/golden/caps/tls-smtp
holds), one after another, each from its own client port (TCP checksums
recomputed).  For bench/run.sh: the TLS and plaintext benchmark captures.
The TLS copies keep their client random, so IN's key log decrypts them all."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden"))
from mkcaps import csum  # noqa: E402  (the Internet checksum of the crafted corpus)


def main(src, n, dst):
    raw = open(src, "rb").read()
    if raw[:4] != b"\xd4\xc3\xb2\xa1":
        raise SystemExit("repcap: %s: not a little-endian microsecond pcap" % src)
    hdr, pkts, at = raw[:24], [], 24
    while at + 16 <= len(raw):
        ts, us, cap, wire = struct.unpack("<IIII", raw[at:at + 16])
        pkts.append((ts * 1000000 + us, bytearray(raw[at + 16:at + 16 + cap]), wire))
        at += 16 + cap
    t0 = pkts[0][0]
    span = pkts[-1][0] - t0 + 1000
    sport = struct.unpack("!H", pkts[0][1][34:36])[0]      # the SYN's source: the client
    with open(dst, "wb") as o:
        o.write(hdr)
        for k in range(n):
            port = 1024 + k % 60000
            for t, p, wire in pkts:
                p = bytearray(p)
                ihl = (p[14] & 15) * 4
                tcp = 14 + ihl
                for off in (tcp, tcp + 2):
                    if struct.unpack("!H", p[off:off + 2])[0] == sport:
                        p[off:off + 2] = struct.pack("!H", port)
                tot = struct.unpack("!H", p[16:18])[0]
                seg = p[tcp:14 + tot]
                seg[16:18] = b"\0\0"
                pseudo = bytes(p[26:34]) + struct.pack("!BBH", 0, 6, len(seg))
                seg[16:18] = struct.pack("!H", csum(pseudo + bytes(seg)))
                p[tcp:14 + tot] = seg
                t2 = t + k * span
                o.write(struct.pack("<IIII", t2 // 1000000, t2 % 1000000, len(p), wire))
                o.write(p)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
