#!/usr/bin/env python3
"""mkcaps_lab.py - captures of small hand-written lab clients, correct and
buggy, for `--answers` (the lab checklist and the client-mistake list).
Uses mkcaps.py's packet builders; writes caps/lab-*.pcap.

  lab-gateway.pcap      correct client behind a router: ARP for the gateway
  lab-before-354.pcap   DATA and the message in one write, before the 354
  lab-lone-dot.pcap     a body line "." not dot-stuffed: the rest is read as
                        commands (500), then QUIT
  lab-multiline.pcap    MAIL sent after the first line of the EHLO reply
  lab-stalled.pcap      EHLO, then the client waits forever: 421 timeout
                        from the server, server closes, no QUIT
  lab-no-quit.pcap      a correct mail, then the client closes without QUIT
  lab-pipelining.pcap   correct pipelining: PIPELINING announced, MAIL, RCPT,
                        DATA in one write, QUIT after the end of data
                        (no mistake)
  lab-pipe-unannounced.pcap the same client (lower-case verbs: fine) against
                        a server that does not announce PIPELINING: a mistake
  lab-pipe-after-ehlo.pcap PIPELINING announced but MAIL sent with EHLO
                        before its reply (EHLO must end a group)
  lab-no-eod.pcap       bare LF lines, the message ended with "\n.\n"
                        missing: the server times out with 421
  lab-bdat.pcap         CHUNKING: BDAT chunks pipelined (no mistake)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkcaps as m  # noqa: E402

GWMAC = b"\x02\x00\x00\x00\x00\x0a"


def lab_gateway():
    cap = m.Capture("eth")
    m.arp(cap, 1, m.CMAC, "192.0.2.10", b"\0" * 6, "192.0.2.1", m.BCAST)
    m.arp(cap, 2, GWMAC, "192.0.2.1", m.CMAC, "192.0.2.10", m.CMAC)
    cv = m.Conv(cap, smac=GWMAC, **m.C4())
    m.std_open(cv)
    m.std_mail(cv, m.message("Gateway") + ".\r\n")
    m.std_quit(cv)
    return cap


def lab_before_354():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("RCPT TO:<bob@example.net>\r\n")
    cv.s("250 2.1.5 Ok\r\n")
    cv.c("DATA\r\n")
    cv.c(m.message("Eager") + ".\r\n")
    cv.s("354 End data with <CR><LF>.<CR><LF>\r\n")
    cv.s("250 2.0.0 Ok: queued\r\n", dt=0.005)
    m.std_quit(cv)
    return cap


def lab_lone_dot():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    m.std_envelope(cv)
    cv.c("Subject: dots\r\n\r\nfirst\r\n.\r\nsecond line\r\n.\r\n")
    cv.s("250 2.0.0 Ok: queued\r\n", dt=0.005)
    cv.s("500 5.5.2 Error: bad syntax\r\n")
    cv.s("500 5.5.2 Error: bad syntax\r\n")
    m.std_quit(cv)
    return cap


def lab_multiline():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    cv.handshake()
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.02)
    cv.c("EHLO client.example.org\r\n")
    cv.s("250-mx.example.net Hello\r\n250-PIPELINING\r\n")
    cv.c("MAIL FROM:<alice@example.org>\r\n")
    cv.s("250 8BITMIME\r\n")
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("QUIT\r\n")
    cv.s("221 2.0.0 Bye\r\n")
    cv.close(1)
    return cap


def lab_stalled():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    cv.s("421 4.4.2 mx.example.net Error: timeout exceeded\r\n", dt=300.0)
    cv.close(1)
    return cap


EHLO_NOPIPE = ("250-mx.example.net Hello client.example.org [192.0.2.10]\r\n"
               "250-SIZE 52428800\r\n250 8BITMIME\r\n")


def lab_no_quit():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    m.std_mail(cv, m.message("No quit") + ".\r\n")
    cv.close(0)
    return cap


def pipelined_mail(cv, low=False):
    f = (lambda x: x.lower()) if low else (lambda x: x)
    cv.c(f("MAIL FROM:") + "<alice@example.org>\r\n" + f("RCPT TO:") + "<bob@example.net>\r\n"
         + f("DATA") + "\r\n")
    cv.s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n")
    cv.c(m.message("Piped") + ".\r\nQUIT\r\n")
    cv.s("250 2.0.0 Ok: queued\r\n221 2.0.0 Bye\r\n", dt=0.005)
    cv.close(1)


def lab_pipelining():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    pipelined_mail(cv)
    return cap


def greeted(client_says):
    """Handshake, greeting, then the client's first write."""
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    cv.handshake()
    cv.s("220 mx.example.net ESMTP ready\r\n", dt=0.02)
    cv.c(client_says)
    return cap, cv


def lab_pipe_unannounced():
    cap, cv = greeted("ehlo client.example.org\r\n")
    cv.s(EHLO_NOPIPE)
    pipelined_mail(cv, low=True)
    return cap


def lab_pipe_after_ehlo():
    cap, cv = greeted("EHLO client.example.org\r\nMAIL FROM:<alice@example.org>\r\n")
    cv.s(m.EHLO_REPLY)
    cv.s("250 2.1.0 Ok\r\n")
    cv.c("QUIT\r\n")
    cv.s("221 2.0.0 Bye\r\n")
    cv.close(1)
    return cap


def lab_no_eod():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv, ehlo="EHLO client.example.org\n")
    m.std_envelope(cv, eol="\n")
    cv.c("Subject: no end\n\nhello\n")
    cv.s("421 4.4.2 mx.example.net Error: timeout exceeded\r\n", dt=300.0)
    cv.close(1)
    return cap


def lab_bdat():
    cap = m.Capture("eth")
    cv = m.Conv(cap, **m.C4())
    m.std_open(cv)
    body = m.message("Chunks")
    cv.c("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\n"
         "BDAT %d\r\n%sBDAT 0 LAST\r\n" % (len(body), body))
    cv.s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.0.0 %d octets received\r\n"
         "250 2.0.0 Ok: queued\r\n" % len(body))
    m.std_quit(cv)
    return cap


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "caps")
    for name, build in [("lab-gateway.pcap", lab_gateway), ("lab-before-354.pcap", lab_before_354),
                        ("lab-lone-dot.pcap", lab_lone_dot), ("lab-multiline.pcap", lab_multiline),
                        ("lab-stalled.pcap", lab_stalled), ("lab-no-quit.pcap", lab_no_quit),
                        ("lab-pipelining.pcap", lab_pipelining),
                        ("lab-pipe-unannounced.pcap", lab_pipe_unannounced),
                        ("lab-pipe-after-ehlo.pcap", lab_pipe_after_ehlo),
                        ("lab-no-eod.pcap", lab_no_eod), ("lab-bdat.pcap", lab_bdat)]:
        m.IPID[0] = 0x1000
        build().write_pcap(os.path.join(outdir, name))


if __name__ == "__main__":
    main()
