#!/usr/bin/python3
"""tls_sink.py - sink.py's message sink with TLS, for t_send_starttls.sh.

Listens on --port (STARTTLS offered and required before MAIL, as a public
submission server does) and on --smtps-port (implicit TLS, RFC 8314), with
the certificate --cert and key --key.  Messages go to --dir as msg-N.eml /
msg-N.env (sink.Handler).  Needs Debian's python3-aiosmtpd.
"""
import argparse
import asyncio
import os
import signal
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sink import Handler  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=25)
    ap.add_argument("--smtps-port", type=int, default=465)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--ready")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    from aiosmtpd.smtp import SMTP
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = Handler(a.dir, "nobody")
    kw = dict(decode_data=False, hostname="mx.lab.test", data_size_limit=None, loop=loop)
    starttls = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, tls_context=ctx, require_starttls=True, **kw),
        host=a.host, port=a.port, reuse_address=True))
    smtps = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, **kw), host=a.host, port=a.smtps_port, ssl=ctx,
        reuse_address=True))
    stop = loop.create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, lambda: stop.done() or stop.set_result(None))
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(a.ready + ".tmp", a.ready)
    loop.run_until_complete(stop)
    starttls.close()
    smtps.close()
    loop.close()


if __name__ == "__main__":
    main()
