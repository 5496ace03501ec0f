#!/usr/bin/env python3
"""tshark2oracle.py - turn `tshark -x` output into one line per TLS record
tshark decrypted: "FRAME HEX" (FRAME counted from 1, HEX the plaintext
without the TLS 1.3 inner content type).  Reads stdin, writes stdout.

In `tshark -x` output a frame with one data source is a bare hex dump after
a blank line; a frame with several starts with "Frame (N bytes):" and each
further source has its own "NAME (N bytes):" heading."""
import re
import sys

head = re.compile(r'^(.+) \((\d+) bytes\):$')
frame, source, want, data, out = 0, None, 0, [], []


def flush():
    global data
    if source == 'Decrypted TLS':
        got = bytes.fromhex(''.join(data))
        if len(got) != want:
            sys.exit('tshark2oracle: frame %d: %d bytes, heading says %d' % (frame, len(got), want))
        out.append('%d %s' % (frame, got.hex()))
    data = []


prev = ''
for line in sys.stdin.read().splitlines():
    m = head.match(line)
    if m:
        flush()
        source, want = m.group(1), int(m.group(2))
        if source == 'Frame':
            frame += 1
    elif line.startswith('0000 ') and prev.strip() == '':
        flush()
        frame += 1
        source = 'Frame'
    if re.match(r'^[0-9a-f]{4}  ', line):
        data.append(line[6:6 + 3 * 16].replace(' ', ''))
    prev = line
flush()
print('\n'.join(out))
