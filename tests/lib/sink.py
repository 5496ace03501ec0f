#!/usr/bin/python3
"""sink.py - a small SMTP server for the smtptrace lab and tests (aiosmtpd).

Every message received is written, byte for byte as aiosmtpd hands it over
after dot-unstuffing (decode_data=False, envelope.original_content), to
DIR/msg-N.eml, and its envelope to DIR/msg-N.env:

    MAIL FROM:<a@b>
    RCPT TO:<c@d>
    ...

Options:
  --dir DIR          where to write messages (required)
  --host ADDR        address to listen on (default 127.0.0.1; "::" and
                     IPv4 addresses both work)
  --port P           port (default 25)
  --ready FILE       written (with the pid) once the socket listens
  --reject-prefix S  RCPT whose local part starts with S gets
                     "550 5.1.1 user unknown" (default "nobody"; "" = none)
  --silent           accept TCP connections and never send the greeting
                     (for timeout tests): read and discard what comes
  --auth             offer AUTH PLAIN LOGIN (without TLS) and accept the
                     user "test" with the password "testpass"
  --hostname NAME    name in the greeting and EHLO reply (default mx.lab.test)

Runs until SIGTERM/SIGINT.  Needs Debian's python3-aiosmtpd, so run it with
/usr/bin/python3.
"""
import argparse
import asyncio
import os
import signal
import sys


def parse_args():
    ap = argparse.ArgumentParser(description="aiosmtpd sink for smtptrace tests")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=25)
    ap.add_argument("--ready")
    ap.add_argument("--reject-prefix", default="nobody")
    ap.add_argument("--silent", action="store_true")
    ap.add_argument("--auth", action="store_true")
    ap.add_argument("--hostname", default="mx.lab.test")
    return ap.parse_args()


class Handler:
    def __init__(self, outdir, reject_prefix):
        self.outdir = outdir
        self.reject_prefix = reject_prefix.lower()
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if self.reject_prefix and local.startswith(self.reject_prefix):
            return "550 5.1.1 user unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        data = envelope.original_content
        if data is None:
            data = envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        base = os.path.join(self.outdir, "msg-%d" % self.n)
        with open(base + ".env.tmp", "w") as f:
            f.write("MAIL FROM:<%s>\n" % envelope.mail_from)
            for r in envelope.rcpt_tos:
                f.write("RCPT TO:<%s>\n" % r)
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        # .eml last: a test that sees msg-N.eml can read msg-N.env too.
        os.rename(base + ".env.tmp", base + ".env")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 OK queued as msg-%d" % self.n


def authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult, LoginPassword
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == b"test" and auth_data.password == b"testpass")
    return AuthResult(success=ok, handled=False)


class Silent(asyncio.Protocol):
    """Accepts, never greets, discards input."""
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        pass


def main():
    a = parse_args()
    os.makedirs(a.dir, exist_ok=True)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    if a.silent:
        factory = Silent
    else:
        from aiosmtpd.smtp import SMTP
        handler = Handler(a.dir, a.reject_prefix)
        kw = dict(decode_data=False, hostname=a.hostname, data_size_limit=None,
                  loop=loop)
        if a.auth:
            kw.update(authenticator=authenticator, auth_require_tls=False)

        def factory():
            return SMTP(handler, **kw)
    server = loop.run_until_complete(
        loop.create_server(factory, host=a.host, port=a.port, reuse_address=True))
    stop = loop.create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, lambda: stop.done() or stop.set_result(None))
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(a.ready + ".tmp", a.ready)
    print("sink: listening on %s port %d%s" % (a.host, a.port, " (silent)" if a.silent else ""),
          file=sys.stderr, flush=True)
    loop.run_until_complete(stop)
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()


if __name__ == "__main__":
    main()
