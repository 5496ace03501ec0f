/* client-tls.c - the TLS transport (transport.h) with OpenSSL 3, and the
 * client's TLS start: SNI, TLS 1.2 at least, verification against the
 * system store or --cafile with the host name (or address) checked, the
 * NSS key log kept for the capture, and what the handshake gave shown in the
 * transcript.  Used for STARTTLS (RFC 3207) and implicit TLS (RFC 8314). */
#include "client-int.h"
#include "util-mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct tls {
	SSL_CTX *ctx;
	SSL *ssl;
	struct client_tls_info *info;   /* where the key log goes */
	FILE *keylog;
};

/* ---- the transport -------------------------------------------------------- */

/* Map an SSL_ERROR_* to read(2)'s conventions. */
static ssize_t tls_result(struct transport *t, int ok, size_t n)
{
	struct tls *s = t->impl;
	if (ok > 0)
		return (ssize_t)n;
	switch (SSL_get_error(s->ssl, ok)) {
	case SSL_ERROR_WANT_READ:
		t->want = POLLIN;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		t->want = POLLOUT;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (errno == 0)
			errno = ECONNRESET;
		return -1;
	default:
		errno = EPROTO;
		return -1;
	}
}

static ssize_t tls_read(struct transport *t, void *buf, size_t n)
{
	struct tls *s = t->impl;
	size_t got = 0;
	ERR_clear_error();
	errno = 0;
	int ok = SSL_read_ex(s->ssl, buf, n, &got);
	return tls_result(t, ok, got);
}

static ssize_t tls_write(struct transport *t, const void *buf, size_t n)
{
	struct tls *s = t->impl;
	size_t put = 0;
	ERR_clear_error();
	errno = 0;
	int ok = SSL_write_ex(s->ssl, buf, n, &put);
	return tls_result(t, ok, put);
}

static size_t tls_pending(const struct transport *t)
{
	const struct tls *s = t->impl;
	return (size_t)SSL_pending(s->ssl);
}

static int tls_wait(struct transport *t, short events, int timeout_ms)
{
	const struct tls *s = t->impl;
	if ((events & POLLIN) && SSL_has_pending(s->ssl))
		return 1;       /* a record already read, maybe not yet decrypted */
	struct pollfd p = { .fd = t->fd, .events = events };
	int r = poll(&p, 1, timeout_ms);
	return r > 0 ? 1 : r;
}

/* close_notify, then the TCP half-close. */
static int tls_shutdown(struct transport *t)
{
	struct tls *s = t->impl;
	SSL_shutdown(s->ssl);
	return shutdown(t->fd, SHUT_WR);
}

static void tls_free(struct tls *s)
{
	SSL_free(s->ssl);
	SSL_CTX_free(s->ctx);
	free(s);
}

static void tls_close(struct transport *t)
{
	tls_free(t->impl);
	t->impl = NULL;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static const struct transport_ops tls_ops = {
	.name = "TLS", .read = tls_read, .write = tls_write, .pending = tls_pending,
	.wait = tls_wait, .shutdown = tls_shutdown, .close = tls_close,
};

/* ---- setting up ----------------------------------------------------------- */

static int tls_index = -1;

static void keylog_cb(const SSL *ssl, const char *line)
{
	struct tls *s = SSL_get_ex_data(ssl, tls_index);
	if (!s)
		return;
	size_t n = strlen(line);
	struct client_tls_info *in = s->info;
	in->keylog = xrealloc(in->keylog, in->keylog_len + n + 2);
	memcpy(in->keylog + in->keylog_len, line, n);
	in->keylog_len += n;
	in->keylog[in->keylog_len++] = '\n';
	in->keylog[in->keylog_len] = '\0';
	if (s->keylog) {
		fprintf(s->keylog, "%s\n", line);
		fflush(s->keylog);
	}
}

static void ssl_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();
	if (e)
		ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "%s", errno ? strerror(errno) : "connection closed");
	ERR_clear_error();
}

static int is_address(const char *name)
{
	unsigned char a[16];
	return inet_pton(AF_INET, name, a) == 1 || inet_pton(AF_INET6, name, a) == 1;
}

/* Context and connection: 0, or -1 with the reason in err. */
static int tls_new(struct tls *s, const struct client_tls_opts *to, const char *name,
                   int fd, char *err, size_t errlen)
{
	if (tls_index < 0)
		tls_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
	s->ctx = SSL_CTX_new(TLS_client_method());
	if (!s->ctx || !SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION))
		goto fail;
	/* Verified after the handshake, so that opportunistic TLS can go on. */
	SSL_CTX_set_verify(s->ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_options(s->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_keylog_callback(s->ctx, keylog_cb);
	if (to->cafile ? !SSL_CTX_load_verify_locations(s->ctx, to->cafile, NULL)
	               : !SSL_CTX_set_default_verify_paths(s->ctx))
		goto fail;
	s->ssl = SSL_new(s->ctx);
	if (!s->ssl || !SSL_set_fd(s->ssl, fd) || !SSL_set_ex_data(s->ssl, tls_index, s))
		goto fail;
	if (is_address(name)) {
		if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl), name))
			goto fail;
	} else if (!SSL_set_tlsext_host_name(s->ssl, name) || !SSL_set1_host(s->ssl, name)) {
		goto fail;
	}
	return 0;
fail:
	ssl_error(err, errlen);
	if (to->cafile && strstr(err, "system lib"))
		snprintf(err, errlen, "cannot read --cafile %s", to->cafile);
	return -1;
}

/* ---- what the handshake gave ---------------------------------------------- */

static void name_str(const X509_NAME *n, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	buf[0] = '\0';
	if (!b)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	int k = BIO_read(b, buf, (int)len - 1);
	buf[k > 0 ? k : 0] = '\0';
	BIO_free(b);
}

static void cert_info(struct client_tls_info *in, SSL *ssl)
{
	snprintf(in->version, sizeof in->version, "%s", SSL_get_version(ssl));
	snprintf(in->cipher, sizeof in->cipher, "%s", SSL_get_cipher_name(ssl));
	X509 *cert = SSL_get1_peer_certificate(ssl);
	long v = SSL_get_verify_result(ssl);
	in->verified = cert && v == X509_V_OK;
	snprintf(in->verify_error, sizeof in->verify_error, "%s",
	         in->verified ? "" : cert ? X509_verify_cert_error_string(v) : "no certificate");
	if (!cert)
		return;
	name_str(X509_get_subject_name(cert), in->subject, sizeof in->subject);
	name_str(X509_get_issuer_name(cert), in->issuer, sizeof in->issuer);
	struct tm tm;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm))
		strftime(in->expires, sizeof in->expires, "%Y-%m-%d %H:%M:%S UTC", &tm);
	X509_free(cert);
}

static void show_info(struct smtp *c, const struct client_tls_info *in)
{
	tr_printf(c, TR_INFO, "TLS started: %s, %s", in->version, in->cipher);
	tr_printf(c, TR_INFO, "Certificate: subject %s", in->subject[0] ? in->subject : "(none)");
	tr_printf(c, TR_INFO, "Certificate: issuer %s, expires %s", in->issuer, in->expires);
	if (in->verified)
		tr_printf(c, TR_INFO, "Certificate verified for %s", in->name);
}

/* ---- the handshake -------------------------------------------------------- */

static int handshake(struct smtp *c, struct tls *s, double timeout, char *err, size_t errlen)
{
	double deadline = client_mono() + timeout;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		int ok = SSL_connect(s->ssl);
		if (ok == 1)
			return 0;
		int e = SSL_get_error(s->ssl, ok);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			ssl_error(err, errlen);
			return -1;
		}
		int w = client_wait(c, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
		if (w <= 0) {
			if (w == 0)
				snprintf(err, errlen, "timeout after %g s", timeout);
			else
				snprintf(err, errlen, "%s", strerror(c->err));
			return -1;
		}
	}
}

static int required(const struct smtp *c)
{
	return c->o->tls.mode == CLIENT_TLS_STARTTLS || c->res->tls.implicit;
}

/* An unverified certificate: fatal when TLS is required (unless
 * --insecure), said loudly otherwise. */
static int judge_cert(struct smtp *c, const struct client_tls_info *in)
{
	if (in->verified)
		return 0;
	if (required(c) && !c->o->tls.insecure) {
		client_fail(c, EX_TLS_VERIFY, "certificate of %s did not verify: %s "
		            "(--insecure goes on anyway)", in->name, in->verify_error);
		return -1;
	}
	tr_printf(c, TR_FAIL, "encrypted, server NOT authenticated: %s%s", in->verify_error,
	          c->o->tls.insecure ? " (--insecure)" : " (opportunistic STARTTLS)");
	return 0;
}

int client_tls_start(struct smtp *c)
{
	struct client_tls_info *in = &c->res->tls;
	const struct client_tls_opts *to = &c->o->tls;
	const char *name = to->name ? to->name : c->o->server_name ? c->o->server_name : c->host;
	snprintf(in->name, sizeof in->name, "%s", name);
	struct tls *s = xcalloc(1, sizeof *s);
	s->info = in;
	s->keylog = to->keylog;
	char err[256];
	enum smtp_state was = c->state;
	state_set(c, SMTP_TLS);
	if (tls_new(s, to, name, c->tp->fd, err, sizeof err) != 0 ||
	    handshake(c, s, state_timeout(c), err, sizeof err) != 0) {
		tls_free(s);
		client_fail(c, EX_TLS, "TLS handshake with %s failed: %s", c->peer, err);
		return -1;
	}
	c->tp->ops = &tls_ops;
	c->tp->impl = s;
	in->active = 1;
	cert_info(in, s->ssl);
	show_info(c, in);
	if (judge_cert(c, in) != 0)
		return -1;
	state_set(c, was);
	return 0;
}

FILE *client_keylog_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		snprintf(err, errlen, "--keylog %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}
