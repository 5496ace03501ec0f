#!/usr/bin/env python3
"""tls2seed.py CAPTURE.pcap KEYS OUT - make a fuzz_tls seed (see the input
layout in tests/fuzz/fuzz_tls.c) from a capture of one TLS connection over
Ethernet/IPv4 (the captures of tests/golden/caps/tls) and its key log."""
import struct
import sys


def packets(path):
    data = open(path, 'rb').read()
    magic = struct.unpack('<I', data[:4])[0]
    end = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + 'IIII', data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def main():
    cap, keys, out = sys.argv[1:4]
    client_port, nxt, buf = None, [None, None], [b'', b'']
    records, cr, sh = [], b'\0' * 32, b'\0' * 37
    for p in packets(cap):
        if len(p) < 34 or p[12:14] != b'\x08\x00' or p[23] != 6:
            continue
        ihl = (p[14] & 15) * 4
        tot = struct.unpack('>H', p[16:18])[0]
        t = p[14 + ihl:14 + tot]
        sport, = struct.unpack('>H', t[:2])
        seq, = struct.unpack('>I', t[4:8])
        flags, thl = t[13], (t[12] >> 4) * 4
        if flags & 2 and not flags & 0x10:
            client_port = sport
        d = 0 if sport == client_port else 1
        if flags & 2:
            nxt[d] = (seq + 1) & 0xffffffff
            continue
        pay = t[thl:]
        if nxt[d] is None or not pay:
            continue
        skip = (nxt[d] - seq) & 0xffffffff
        if skip >= len(pay):
            continue
        buf[d] += pay[skip:]
        nxt[d] = (nxt[d] + len(pay) - skip) & 0xffffffff
        while len(buf[d]) >= 5 and len(buf[d]) >= 5 + struct.unpack('>H', buf[d][3:5])[0]:
            n = 5 + struct.unpack('>H', buf[d][3:5])[0]
            rec, buf[d] = buf[d][:n], buf[d][n:]
            if rec[0] == 22 and rec[5] == 1:
                cr = rec[11:43]
            elif rec[0] == 22 and rec[5] == 2:
                sh = server_hello(rec[9:])
            records.append(bytes([d]) + rec)
    text = open(keys, 'rb').read()
    with open(out, 'wb') as f:
        f.write(struct.pack('>H', len(text)) + text + cr + sh + b''.join(records))


def server_hello(b):
    version, = struct.unpack('>H', b[:2])
    rnd, sid = b[2:34], b[34]
    suite, = struct.unpack('>H', b[35 + sid:37 + sid])
    off, etm = 38 + sid, 0
    end = off + 2 + struct.unpack('>H', b[off:off + 2])[0]
    off += 2
    while off + 4 <= end:
        typ, ln = struct.unpack('>HH', b[off:off + 4])
        if typ == 43:
            version, = struct.unpack('>H', b[off + 4:off + 6])
        if typ == 22:
            etm = 1
        off += 4 + ln
    return struct.pack('>HHB', version, suite, etm) + rnd


main()
