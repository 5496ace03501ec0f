#!/usr/bin/python3
"""seed2pcap.py INPUT OUTPUT.pcap - turn a fuzzer input (the layout of
fuzz_engine.c) back into a classic pcap file, so that a crash the fuzzer
found becomes a regression capture for the golden tests.  Prints the
smtptrace analyze options the input selected."""
import struct
import sys

LINKTYPES = [1, 113, 276, 0, 101]          # EN10MB, SLL, SLL2, NULL, RAW


def main():
    data = open(sys.argv[1], 'rb').read()
    if len(data) < 2:
        sys.exit('seed2pcap: input shorter than 2 bytes')
    link, fl = LINKTYPES[data[0] % 5], data[1]
    snapped = fl & 0x80
    out = [struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, link)]
    p, n = 2, 0
    while p + 2 <= len(data):
        ln = data[p] << 8 | data[p + 1]
        frame = data[p + 2:p + 2 + ln]
        p += 2 + ln
        n += 1
        ts = n * 1000                       # 1 ms a frame, as the harness
        out.append(struct.pack('<IIII', ts // 1000000, ts % 1000000, len(frame),
                               len(frame) + (64 if snapped else 0)) + frame)
    open(sys.argv[2], 'wb').write(b''.join(out))
    opts = [['', '--json', '--summary'][(fl & 3) % 3]]
    opts += ['--raw-seq'] if fl & 4 else []
    opts += ['--show-secrets'] if fl & 8 else []
    opts += ['--port 25'] if fl & 0x20 else []
    opts += ['--session 1'] if fl & 0x40 else []
    print(' '.join(o for o in opts if o))


main()
