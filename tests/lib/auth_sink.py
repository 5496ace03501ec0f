#!/usr/bin/python3
"""auth_sink.py - a submission server for t_send_auth.sh: sink.py's message
sink behind TLS and AUTH, as public submission servers are.

--port: STARTTLS offered and required before anything else, then AUTH
required before MAIL (RFC 4954: 530 otherwise), AUTH refused without TLS.
--smtps-port: implicit TLS (RFC 8314), then AUTH required.
--plain-port (optional): no TLS, AUTH required and accepted in plaintext.
Mechanisms: aiosmtpd's PLAIN and LOGIN, and here CRAM-MD5 (RFC 2195) and
XOAUTH2 (the token must equal the password).  One account, --user with the
password read from the file --password-file.  Needs Debian's python3-aiosmtpd.
"""
import argparse
import asyncio
import base64
import hmac
import os
import signal
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sink import Handler  # noqa: E402
from aiosmtpd.smtp import SMTP, AuthResult, auth_mechanism  # noqa: E402


class AuthHandler(Handler):
    def __init__(self, outdir, user, password):
        super().__init__(outdir, "nobody")
        self.user, self.password = user.encode(), password.encode()

    def check(self, server, mechanism, auth_data):
        ok = auth_data.login == self.user and auth_data.password == self.password
        return AuthResult(success=ok, handled=False)

    @auth_mechanism("CRAM-MD5")
    async def auth_CRAM_MD5(self, server, args):
        challenge = b"<%d.%d@mx.lab.test>" % (os.getpid(), id(server))
        resp = await server.challenge_auth(challenge)
        if not isinstance(resp, bytes) or b" " not in resp:
            return AuthResult(success=False, handled=False)
        user, digest = resp.rsplit(b" ", 1)
        want = hmac.new(self.password, challenge, "md5").hexdigest().encode()
        return AuthResult(success=user == self.user and hmac.compare_digest(digest, want),
                          handled=False)

    @auth_mechanism("XOAUTH2")
    async def auth_XOAUTH2(self, server, args):
        try:
            raw = base64.b64decode(args[1], validate=True) if len(args) > 1 else b""
        except ValueError:
            raw = b""
        want = b"user=%s\x01auth=Bearer %s\x01\x01" % (self.user, self.password)
        if raw == want:
            return AuthResult(success=True)
        # Google's way: a 334 with a JSON error, the client answers an empty line
        await server.challenge_auth(b'{"status":"401","schemes":"bearer"}')
        return AuthResult(success=False, handled=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=587)
    ap.add_argument("--smtps-port", type=int, default=465)
    ap.add_argument("--plain-port", type=int, default=0)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--ready")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    with open(a.password_file) as f:
        password = f.readline().rstrip("\r\n")
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(a.cert, a.key)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = AuthHandler(a.dir, a.user, password)
    kw = dict(decode_data=False, hostname="mx.lab.test", data_size_limit=None, loop=loop,
              authenticator=lambda s, sess, env, mech, data: handler.check(s, mech, data),
              auth_required=True)
    sub = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, tls_context=ctx, require_starttls=True, auth_require_tls=True, **kw),
        host=a.host, port=a.port, reuse_address=True))
    smtps = loop.run_until_complete(loop.create_server(
        lambda: SMTP(handler, auth_require_tls=False, **kw), host=a.host, port=a.smtps_port,
        ssl=ctx, reuse_address=True))
    servers = [sub, smtps]
    if a.plain_port:      # no TLS at all, AUTH allowed without it (--allow-plaintext-auth)
        servers.append(loop.run_until_complete(loop.create_server(
            lambda: SMTP(handler, auth_require_tls=False, **kw), host=a.host,
            port=a.plain_port, reuse_address=True)))
    stop = loop.create_future()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, lambda: stop.done() or stop.set_result(None))
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(a.ready + ".tmp", a.ready)
    loop.run_until_complete(stop)
    for srv in servers:
        srv.close()
    loop.close()


if __name__ == "__main__":
    main()
