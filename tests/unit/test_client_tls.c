/* test_client_tls.c - the client's STARTTLS and implicit TLS against an
 * OpenSSL server in a thread over a socketpair, with a certificate made at
 * test time (CN and SAN mx.test). */
#include "client.h"
#include "unit.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static EVP_PKEY *key;
static X509 *cert;
static char cafile[] = "/tmp/smtptrace-test-ca.XXXXXX";

static void make_cert(void)
{
	key = EVP_EC_gen("P-256");
	cert = X509_new();
	X509_set_version(cert, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
	X509_gmtime_adj(X509_getm_notBefore(cert), -60);
	X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
	X509_set_pubkey(cert, key);
	X509_NAME *n = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"mx.test", -1, -1, 0);
	X509_set_issuer_name(cert, n);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, "DNS:mx.test");
	X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(cert, key, EVP_sha256());
	int fd = mkstemp(cafile);
	FILE *f = fdopen(fd, "w");
	PEM_write_X509(f, cert);
	fclose(f);
}

/* Steps: "S<bytes>" send, "R" read a line, "D" read to the end of data,
 * "T" TLS accept, "E" read until EOF. */
struct srv {
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	const char *const *script;
	char got[8192];
	size_t got_len;
};

static int getbyte(struct srv *s)
{
	unsigned char ch;
	int n = s->ssl ? SSL_read(s->ssl, &ch, 1) : (int)recv(s->fd, &ch, 1, 0);
	if (n != 1)
		return -1;
	if (s->got_len < sizeof s->got - 1)
		s->got[s->got_len++] = (char)ch;
	return ch;
}

static int step(struct srv *s, const char *st)
{
	size_t n = strlen(st + 1);
	switch (st[0]) {
	case 'S':
		return (s->ssl ? SSL_write(s->ssl, st + 1, (int)n) : (int)send(s->fd, st + 1, n, 0)) > 0 ? 0 : -1;
	case 'R':
		for (int ch; (ch = getbyte(s)) != '\n';)
			if (ch < 0)
				return -1;
		return 0;
	case 'D':
		while (s->got_len < 5 || memcmp(s->got + s->got_len - 5, "\r\n.\r\n", 5))
			if (getbyte(s) < 0)
				return -1;
		return 0;
	case 'T':
		s->ssl = SSL_new(s->ctx);
		SSL_set_fd(s->ssl, s->fd);
		return SSL_accept(s->ssl) == 1 ? 0 : -1;
	default:  /* 'E' */
		while (getbyte(s) >= 0)
			;
		return 0;
	}
}

static void *server(void *arg)
{
	struct srv *s = arg;
	for (const char *const *st = s->script; *st && step(s, *st) == 0; st++)
		;
	if (s->ssl)
		SSL_free(s->ssl);
	close(s->fd);
	return NULL;
}

static const char *const one[] = { "bob@example.org" };

static int run(const char *const *script, struct client_opts *o, struct client_result *r,
               char **tr, struct srv *s)
{
	int sv[2];
	size_t trlen;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	memset(s, 0, sizeof *s);
	s->fd = sv[1];
	s->script = script;
	s->ctx = SSL_CTX_new(TLS_server_method());
	SSL_CTX_use_certificate(s->ctx, cert);
	SSL_CTX_use_PrivateKey(s->ctx, key);
	FILE *tf = open_memstream(tr, &trlen);
	o->transcript = tf;
	pthread_t th;
	pthread_create(&th, NULL, server, s);
	int rc = client_run(sv[0], NULL, 0, o, r);
	pthread_join(th, NULL);
	fclose(tf);
	SSL_CTX_free(s->ctx);
	return rc;
}

static void opts(struct client_opts *o, enum client_tls_mode m)
{
	memset(o, 0, sizeof *o);
	o->helo = "client.test";
	o->from = "alice@example.com";
	o->to = one;
	o->nto = 1;
	o->msg = "Subject: t\r\n\r\nhi\r\n";
	o->msg_len = strlen(o->msg);
	client_set_all_timeouts(&o->to_s, 3);
	o->tls.mode = m;
	o->tls.name = "mx.test";
	o->tls.cafile = cafile;
}

#define EHLO1 "S250-mx.test\r\n250-SIZE 100\r\n250 STARTTLS\r\n"
#define TAIL "R", "S250 ok\r\n", "R", "S250 ok\r\n", "R", "S354 go\r\n", "D", \
	"S250 queued\r\n", "R", "S221 bye\r\n", "E", NULL

static void test_starttls_ok(void)
{
	static const char *const s[] = {
		"S220 mx.test ESMTP\r\n", "R", EHLO1, "R", "S220 go ahead\r\n", "T",
		"R", "S250-mx.test\r\n250 SIZE 200\r\n", TAIL,
	};
	struct client_opts o;
	struct client_result r;
	struct srv sv;
	char *tr;
	opts(&o, CLIENT_TLS_STARTTLS);
	CHECK(run(s, &o, &r, &tr, &sv) == 0);
	CHECK_STR(r.error, "");
	CHECK(r.tls.active && r.tls.verified && !r.tls.implicit && r.tls.discarded == 0);
	CHECK(strncmp(r.tls.version, "TLSv1.", 6) == 0 && r.tls.cipher[0]);
	CHECK_STR(r.tls.subject, "CN=mx.test");
	CHECK(r.tls.expires[0] == '2');
	/* only the EHLO inside TLS counts */
	CHECK(r.caps.size == 200 && !(r.caps.flags & SMTP_CAP_STARTTLS));
	CHECK(r.nsent == 8 && !r.sent[1].tls && r.sent[2].tls && r.sent[7].tls);
	CHECK(strstr(tr, " -> STARTTLS\n<-  220 go ahead\n=== TLS started: TLSv1.") != NULL);
	CHECK(strstr(tr, "=== Certificate verified for mx.test\n -> EHLO client.test\n") != NULL);
	CHECK(r.tls.keylog && strstr(r.tls.keylog, "CLIENT_HANDSHAKE_TRAFFIC_SECRET ") != NULL);
	CHECK(strstr(sv.got, "MAIL FROM") != NULL);
	client_result_free(&r);
	free(tr);
}

/* CVE-2011-0411: bytes after the 220 are not read as replies. */
static void test_starttls_injection(void)
{
	static const char *const s[] = {
		"S220 mx.test ESMTP\r\n", "R", EHLO1, "R", "S220 go ahead\r\n250 injected\r\n", "T",
		"R", "S250 mx.test\r\n", TAIL,
	};
	struct client_opts o;
	struct client_result r;
	struct srv sv;
	char *tr;
	opts(&o, CLIENT_TLS_STARTTLS);
	CHECK(run(s, &o, &r, &tr, &sv) == 0);
	CHECK(r.tls.discarded == 14);
	CHECK(strstr(tr, "*** discarded 14 bytes the server sent after its 220 to STARTTLS, before "
	             "TLS (an injection attempt or a broken server): \"250 injected\"\n") != NULL);
	client_result_free(&r);
	free(tr);
}

static void test_verify_fails(void)
{
	static const char *const s[] = {
		"S220 mx.test ESMTP\r\n", "R", EHLO1, "R", "S220 go ahead\r\n", "T", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct srv sv;
	char *tr;
	opts(&o, CLIENT_TLS_STARTTLS);
	o.tls.name = "other.test";
	CHECK(run(s, &o, &r, &tr, &sv) == EX_TLS_VERIFY);
	CHECK_STR(r.error, "certificate of other.test did not verify: hostname mismatch "
	          "(--insecure goes on anyway)");
	CHECK(r.stage == STAGE_TLS && r.tls.active && !r.tls.verified);
	client_result_free(&r);
	free(tr);

	/* Opportunistic: goes on, says so. */
	static const char *const s2[] = {
		"S220 mx.test ESMTP\r\n", "R", EHLO1, "R", "S220 go ahead\r\n", "T",
		"R", "S250 mx.test\r\n", TAIL,
	};
	opts(&o, CLIENT_TLS_MAY);
	o.tls.cafile = NULL;
	CHECK(run(s2, &o, &r, &tr, &sv) == 0);
	CHECK(r.tls.active && !r.tls.verified);
	CHECK(strstr(tr, "*** encrypted, server NOT authenticated: self-signed certificate "
	             "(opportunistic STARTTLS)") != NULL);
	client_result_free(&r);
	free(tr);
}

static void test_not_offered(void)
{
	static const char *const s[] = {
		"S220 mx.test ESMTP\r\n", "R", "S250 mx.test\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct srv sv;
	char *tr;
	opts(&o, CLIENT_TLS_STARTTLS);
	CHECK(run(s, &o, &r, &tr, &sv) == EX_TLS);
	CHECK_STR(r.error, "--starttls: the server does not offer STARTTLS: 250 mx.test");
	client_result_free(&r);
	free(tr);

	static const char *const s2[] = {
		"S220 mx.test ESMTP\r\n", "R", EHLO1, "R", "S454 4.7.0 TLS not available\r\n",
		"R", "S221 bye\r\n", "E", NULL,
	};
	opts(&o, CLIENT_TLS_STARTTLS);
	CHECK(run(s2, &o, &r, &tr, &sv) == EX_TLS);
	CHECK_STR(r.error, "STARTTLS rejected: 454 4.7.0 TLS not available");
	client_result_free(&r);
	free(tr);
}

/* Implicit TLS; a server that does not speak TLS fails the handshake. */
static void test_smtps(void)
{
	static const char *const s[] = {
		"T", "S220 mx.test ESMTP\r\n", "R", "S250 mx.test\r\n", TAIL,
	};
	struct client_opts o;
	struct client_result r;
	struct srv sv;
	char *tr;
	opts(&o, CLIENT_TLS_SMTPS);
	CHECK(run(s, &o, &r, &tr, &sv) == 0);
	CHECK(r.tls.implicit && r.tls.verified && r.sent[0].tls);
	client_result_free(&r);
	free(tr);

	static const char *const plain[] = { "S220 mx.test ESMTP\r\n", "E", NULL };
	opts(&o, CLIENT_TLS_SMTPS);
	CHECK(run(plain, &o, &r, &tr, &sv) == EX_TLS);
	CHECK(strncmp(r.error, "TLS handshake with the server failed: ", 38) == 0);
	CHECK(r.stage == STAGE_TLS && !r.tls.active);
	client_result_free(&r);
	free(tr);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);    /* as send.c does: SSL writes use write(2) */
	make_cert();
	test_starttls_ok();
	test_starttls_injection();
	test_verify_fails();
	test_not_offered();
	test_smtps();
	unlink(cafile);
	X509_free(cert);
	EVP_PKEY_free(key);
	return UNIT_DONE();
}
