#!/usr/bin/env python3
"""mkcaps_verdict.py - captures for the response time split and the verdict
line (timeline-verdict.c).  Uses mkcaps.py's packet builders; writes
caps/verdict-*.pcap.

  verdict-deferred.pcap     MAIL answered 451 (greylisting): temporarily
                            refused, then QUIT
  verdict-rcpt-rejected.pcap RCPT answered 550: rejected, DATA not tried
  verdict-zerowin.pcap      the server's window closes for 7.9 s in the
                            middle of the message (zero-window probes in
                            between): the slowest step is the zero window
  verdict-slow-banner.pcap  the greeting 5 s after the handshake (a tarpit):
                            "greeting after handshake: 5000 ms"
  verdict-server-side.pcap  captured at the server: SYN -> SYN/ACK 0.05 ms,
                            SYN/ACK -> ACK 40 ms; each reply 3 ms after its
                            command, which is the server's own work
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkcaps as m  # noqa: E402


def handshake(cv, syn_synack, synack_ack):
    """The three-way handshake with chosen halves (seconds)."""
    mss = struct.pack("!BBH", 2, 4, cv.mss)
    ws = struct.pack("!BBB", 3, 3, 7) + b"\x01"
    sack = b"\x04\x02\x01\x01"
    cv.pkt(0, m.TH_SYN, opts=mss + sack + ws, win=64240, dt=0.001)
    cv.seq[0] += 1
    cv.rcv[1] = cv.seq[0]
    cv.pkt(1, m.TH_SYN | m.TH_ACK, opts=mss + sack + ws, win=65160, dt=syn_synack)
    cv.seq[1] += 1
    cv.rcv[0] = cv.seq[1]
    cv.win = [502, 509]
    cv.pkt(0, m.TH_ACK, dt=synack_ack)


def v_deferred():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("451 4.7.1 Greylisted, please try again in 300 seconds\r\n", dt=0.012)
    m.std_quit(cv)
    return cap


def v_rcpt_rejected():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("RCPT TO:<nobody@example.net>\r\n")
    cv.s("550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown\r\n")
    m.std_quit(cv)
    return cap


def v_zerowin():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    m.std_envelope(cv)
    body = (m.message("Stalled", 100) + ".\r\n").encode()
    cv.c(body[:1460], flags=m.TH_ACK)
    cv.ack(1, win=0)                                     # the server's buffer is full
    for dt in (0.4, 0.8, 1.6, 3.2):                      # zero-window probes, backing off
        cv.pkt(0, m.TH_ACK, seq=cv.seq[0] - 1, dt=dt)
        cv.ack(1, win=0)
    cv.ack(1, win=509, dt=1.9)                           # window update
    cv.c(body[1460:], flags=m.TH_PSH | m.TH_ACK)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0009\r\n", dt=0.005)
    m.std_quit(cv)
    return cap


def v_slow_banner():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    cv.handshake()
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=5.0)
    cv.c("EHLO client.example.org\r\n")
    cv.s(m.EHLO_REPLY)
    m.std_quit(cv)
    return cap


def v_server_side():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    handshake(cv, 0.00005, 0.040)
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.002)
    cv.c("EHLO client.example.org\r\n", dt=0.060)
    cv.s(m.EHLO_REPLY, dt=0.003)
    cv.c("MAIL FROM:<alice@example.org>\r\n", dt=0.040)
    cv.s("250 2.1.0 Ok\r\n", dt=0.003)
    cv.c("RCPT TO:<bob@example.net>\r\n", dt=0.040)
    cv.s("250 2.1.5 Ok\r\n", dt=0.003)
    cv.c("DATA\r\n", dt=0.040)
    cv.s("354 End data with <CR><LF>.<CR><LF>\r\n", dt=0.003)
    cv.c(m.message("Server side") + ".\r\n", dt=0.040)
    cv.s("250 2.0.0 Ok: queued as 4SVZ1x0010\r\n", dt=0.025)
    cv.c("QUIT\r\n", dt=0.040)
    cv.s("221 2.0.0 Bye\r\n", dt=0.001)
    cv.close(1)
    return cap


CAPS = [("verdict-deferred.pcap", v_deferred), ("verdict-rcpt-rejected.pcap", v_rcpt_rejected),
        ("verdict-zerowin.pcap", v_zerowin), ("verdict-slow-banner.pcap", v_slow_banner),
        ("verdict-server-side.pcap", v_server_side)]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "caps")
    for name, build in CAPS:
        m.IPID[0] = 0x1000
        build().write_pcap(os.path.join(outdir, name))


if __name__ == "__main__":
    main()
