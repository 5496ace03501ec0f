#!/usr/bin/env python3
"""pcap2seed.py - turn a capture into seed inputs for tests/fuzz/fuzz_engine.c.

    pcap2seed.py [--format N] [--relink TYPE] [--max-bytes N] IN OUT

IN is a classic pcap (microsecond or nanosecond, either byte order) or a
pcapng file (EPB and SPB blocks; each frame takes the link type of its
interface's IDB).  The seed is: one byte choosing the link type (0 EN10MB,
1 LINUX_SLL, 2 LINUX_SLL2, 3 NULL, 4 RAW), one byte of options (the format:
0 text, 1 JSON, 2 summary), then each frame as a 2-byte big-endian length
followed by its bytes (frames over 65535 bytes are cut).

--relink sll|sll2|null|raw rewraps Ethernet frames in another link layer
(frames that are not IP are dropped for null and raw), so one Ethernet
capture seeds every link type.  --max-bytes splits a long capture into
several seeds, OUT, OUT.1, OUT.2, ..., each at most that size (whole frames).

Standard library only.  Exit status 0 when at least one seed was written,
1 when the input held no usable frame, 2 on a bad file or usage."""
import struct
import sys

DLT_NULL, DLT_EN10MB, DLT_RAW_A, DLT_RAW_B = 0, 1, 12, 14
LINKTYPE_RAW, DLT_LINUX_SLL, DLT_IPV4, DLT_IPV6, DLT_LINUX_SLL2 = 101, 113, 228, 229, 276
SELECTOR = {DLT_EN10MB: 0, DLT_LINUX_SLL: 1, DLT_LINUX_SLL2: 2, DLT_NULL: 3,
            DLT_RAW_A: 4, DLT_RAW_B: 4, LINKTYPE_RAW: 4, DLT_IPV4: 4, DLT_IPV6: 4}


class BadFile(Exception):
    pass


def read_pcap(buf):
    """Classic pcap: yield (linktype, frame)."""
    magic = buf[:4]
    table = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">",
             b"\x4d\x3c\xb2\xa1": "<", b"\xa1\xb2\x3c\x4d": ">"}
    e = table[magic]
    if len(buf) < 24:
        raise BadFile("pcap header cut short")
    linktype = struct.unpack(e + "I", buf[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(buf):
        _sec, _frac, caplen, _wirelen = struct.unpack(e + "IIII", buf[off:off + 16])
        off += 16
        frame = buf[off:off + caplen]
        off += caplen
        yield linktype, frame
        if len(frame) < caplen:
            return


def read_pcapng(buf):
    """pcapng: yield (linktype, frame) for EPB and SPB blocks."""
    off = 0
    e = "<"
    ifaces = []          # (linktype, snaplen) per interface of the section
    while off + 12 <= len(buf):
        btype = struct.unpack(e + "I", buf[off:off + 4])[0]
        if buf[off:off + 4] == b"\x0a\x0d\x0d\x0a":
            bom = buf[off + 8:off + 12]
            if bom == b"\x4d\x3c\x2b\x1a":
                e = "<"
            elif bom == b"\x1a\x2b\x3c\x4d":
                e = ">"
            else:
                raise BadFile("bad pcapng byte-order magic")
            btype = 0x0A0D0D0A
            ifaces = []
        blen = struct.unpack(e + "I", buf[off + 4:off + 8])[0]
        if blen < 12 or blen % 4 or off + blen > len(buf):
            return       # cut short or corrupt: keep what was read
        body = buf[off + 8:off + blen - 4]
        if btype == 1 and len(body) >= 8:                      # IDB
            lt, _res, snap = struct.unpack(e + "HHI", body[:8])
            ifaces.append((lt, snap))
        elif btype == 6 and len(body) >= 20:                   # EPB
            ifid, _th, _tl, caplen, _orig = struct.unpack(e + "IIIII", body[:20])
            if ifid < len(ifaces):
                yield ifaces[ifid][0], body[20:20 + caplen]
        elif btype == 3 and len(body) >= 4 and ifaces:         # SPB: interface 0
            orig = struct.unpack(e + "I", body[:4])[0]
            lt, snap = ifaces[0]
            caplen = min(orig, snap) if snap else orig
            yield lt, body[4:4 + min(caplen, len(body) - 4)]
        off += blen


def read_capture(path):
    with open(path, "rb") as f:
        buf = f.read()
    if buf[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        return list(read_pcap(buf))
    if buf[:4] == b"\x0a\x0d\x0d\x0a":
        return list(read_pcapng(buf))
    raise BadFile("not a pcap or pcapng file")


def relink(frame, to):
    """Rewrap an Ethernet frame; None to drop it."""
    if len(frame) < 14:
        return None
    etype = struct.unpack(">H", frame[12:14])[0]
    payload = frame[14:]
    if etype == 0x8100 and len(frame) >= 18:                   # one VLAN tag
        etype = struct.unpack(">H", frame[16:18])[0]
        payload = frame[18:]
    src = frame[6:12] + b"\0\0"
    if to == "sll":
        return struct.pack(">HHH", 0, 1, 6) + src + struct.pack(">H", etype) + payload
    if to == "sll2":
        return struct.pack(">HHIHBB", etype, 0, 2, 1, 0, 6) + src + payload
    if etype not in (0x0800, 0x86DD):
        return None
    if to == "raw":
        return payload
    if to == "null":   # host byte order (little-endian); 30 is AF_INET6 on macOS
        return struct.pack("<I", 2 if etype == 0x0800 else 30) + payload
    raise ValueError(to)


def main(argv):
    fmt, to, max_bytes = 0, None, 0
    args = []
    i = 1
    try:
        while i < len(argv):
            a = argv[i]
            if a == "--format":
                fmt = int(argv[i + 1]); i += 2
            elif a == "--relink":
                to = argv[i + 1]; i += 2
                if to not in ("sll", "sll2", "null", "raw"):
                    raise ValueError(to)
            elif a == "--max-bytes":
                max_bytes = int(argv[i + 1]); i += 2
            else:
                args.append(a); i += 1
    except (IndexError, ValueError):
        args = []
    if len(args) != 2 or not 0 <= fmt <= 255:
        sys.stderr.write(__doc__)
        return 2
    src, out = args
    try:
        frames = read_capture(src)
    except (OSError, BadFile, KeyError, struct.error) as ex:
        sys.stderr.write("pcap2seed: %s: %s\n" % (src, ex))
        return 2
    if not frames:
        sys.stderr.write("pcap2seed: %s: no frames\n" % src)
        return 1
    linktype = frames[0][0]
    if to:
        if linktype != DLT_EN10MB:
            sys.stderr.write("pcap2seed: %s: --relink needs an Ethernet capture\n" % src)
            return 1
        linktype = {"sll": DLT_LINUX_SLL, "sll2": DLT_LINUX_SLL2,
                    "null": DLT_NULL, "raw": LINKTYPE_RAW}[to]
    if linktype not in SELECTOR:
        sys.stderr.write("pcap2seed: %s: link type %d not fuzzed\n" % (src, linktype))
        return 1
    head = bytes([SELECTOR[linktype], fmt])
    seeds, cur = [], bytearray(head)
    for lt, fr in frames:
        if to:
            if lt != DLT_EN10MB:
                continue
            fr = relink(fr, to)
            if fr is None:
                continue
        elif lt != frames[0][0]:
            continue     # a second interface of another link type
        fr = fr[:65535]
        rec = struct.pack(">H", len(fr)) + fr
        if max_bytes and len(cur) > len(head) and len(cur) + len(rec) > max_bytes:
            seeds.append(bytes(cur))
            cur = bytearray(head)
        cur += rec
    if len(cur) > len(head):
        seeds.append(bytes(cur))
    if not seeds:
        sys.stderr.write("pcap2seed: %s: no usable frames\n" % src)
        return 1
    for n, s in enumerate(seeds):
        with open(out if n == 0 else "%s.%d" % (out, n), "wb") as f:
            f.write(s)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
