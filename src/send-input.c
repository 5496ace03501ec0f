/* send-input.c - `send`'s options turned into a message: the -Z user and
 * the server argument checked (or, without one, the recipients' domain), the EHLO name checked, the body read, the
 * message built. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "exitcodes.h"
#include "msg.h"
#include "send-int.h"
#include "util-mem.h"

char *send_read_all(FILE *f, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf = xmalloc(cap);

	for (;;) {
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
		if (n + 1 == cap)
			xgrow(&buf, &cap, n + 2, 1, 8192);
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int load_body(const struct send_args *a, char **body, size_t *len)
{
	FILE *f = stdin;
	const char *name = "standard input";

	if (a->body) {
		*len = strlen(a->body);
		*body = xstrdup(a->body);
		return 0;
	}
	if (a->body_file && strcmp(a->body_file, "-")) {
		name = a->body_file;
		if (!(f = fopen(a->body_file, "rb")))
			return st_fail(EX_USAGE_, "--body-file %s: %s", a->body_file, strerror(errno));
	} else if (isatty(STDIN_FILENO))
		fprintf(stderr, "smtptrace: reading the message body from the terminal; end it with Ctrl-D\n");
	*body = send_read_all(f, len);
	if (f != stdin)
		fclose(f);
	if (!*body)
		return st_fail(EX_USAGE_, "reading the body from %s: %s", name, strerror(errno));
	return 0;
}

/* HOST, HOST:PORT, [V6]:PORT, bare V6 */
static int split_server(const char *arg, struct send_input *in)
{
	const char *colon = strrchr(arg, ':');
	char *end;

	snprintf(in->port, sizeof in->port, "25");
	if (arg[0] == '[') {
		const char *rb = strchr(arg, ']');
		if (!rb || (rb[1] && rb[1] != ':'))
			return -1;
		snprintf(in->host, sizeof in->host, "%.*s", (int)(rb - arg - 1), arg + 1);
		if (rb[1] == ':')
			snprintf(in->port, sizeof in->port, "%s", rb + 2);
	} else if (colon && strchr(arg, ':') == colon) {
		snprintf(in->host, sizeof in->host, "%.*s", (int)(colon - arg), arg);
		snprintf(in->port, sizeof in->port, "%s", colon + 1);
	} else
		snprintf(in->host, sizeof in->host, "%s", arg);
	long p = strtol(in->port, &end, 10);
	return in->host[0] && in->port[0] && !*end && p > 0 && p < 65536 ? 0 : -1;
}

/* The domain of an address: after the last '@'.  NULL when there is none. */
static const char *domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at && at[1] ? at + 1 : NULL;
}

/* No --server: where the recipients' mail goes (RFC 5321 5.1) - their
 * domain's MX, or an address literal ([192.0.2.1], [IPv6:2001:db8::1])
 * itself.  Every recipient in the same domain: one session, one timeline. */
static int recipient_domain(const struct send_args *a, struct send_input *in)
{
	const char *d = domain_of(a->to[0]);

	if (!d)
		return st_fail(EX_USAGE_, "--to %s: no domain, and no --server to send it to", a->to[0]);
	for (int i = 1; i < a->nto; i++) {
		const char *e = domain_of(a->to[i]);
		if (!e || strcasecmp(d, e))
			return st_fail(EX_USAGE_, "recipients in different domains (%s, %s): without "
			               "--server, send once per domain", d, e ? e : a->to[i]);
	}
	snprintf(in->port, sizeof in->port, "25");
	if (d[0] == '[') {              /* an address literal: that host, no MX */
		size_t n = strcspn(d + 1, "]");
		const char *ip = d + 1;
		if (!strncasecmp(ip, "IPv6:", 5))
			ip += 5, n -= 5;
		if (d[1 + strcspn(d + 1, "]")] != ']' || n == 0 || n >= sizeof in->host)
			return st_fail(EX_USAGE_, "--to %s: malformed address literal", a->to[0]);
		snprintf(in->host, sizeof in->host, "%.*s", (int)n, ip);
		return 0;
	}
	if (strlen(d) >= sizeof in->host)
		return st_fail(EX_USAGE_, "--to %s: domain too long", a->to[0]);
	snprintf(in->host, sizeof in->host, "%s", d);
	in->by_mx = 1;
	return 0;
}

static int check_helo(struct send_args *a, struct send_input *in)
{
	if (!a->helo) {
		if (gethostname(in->helo_buf, sizeof in->helo_buf))
			snprintf(in->helo_buf, sizeof in->helo_buf, "localhost");
		in->helo_buf[sizeof in->helo_buf - 1] = '\0';
		a->helo = in->helo_buf;
	}
	if (msg_header_value_ok(a->helo) || strchr(a->helo, ' '))
		return st_fail(EX_USAGE_, "--helo: '%s' is not a host name", a->helo);
	return 0;
}

int send_input_load(struct send_args *a, struct send_input *in)
{
	char errbuf[256], *body = NULL;
	size_t body_len = 0;
	int rc;

	memset(in, 0, sizeof *in);
	if (a->user && !getpwnam(a->user))
		return st_fail(EX_USAGE_, "-Z %s: no such user", a->user);
	if (!a->server && (rc = recipient_domain(a, in)))
		return rc;
	if (a->server && split_server(a->server, in))
		return st_fail(EX_USAGE_, "--server %s: expected HOST, HOST:PORT or [IPv6]:PORT",
		               a->server);
	if ((rc = check_helo(a, in)) || (rc = load_body(a, &body, &body_len)))
		return rc;
	struct msg_opts mo = {
		.from = a->from, .to = a->to, .nto = a->nto, .subject = a->subject,
		.body = body, .body_len = body_len, .helo = a->helo, .raw = 1,
	};
	/* A body without its own headers goes through the MIME writer even with
	 * nothing attached: 7bit when ASCII, else 8bit only for a server that
	 * takes 8BITMIME and quoted-printable for one that does not. */
	if (send_mime_wanted(a) || !msg_has_headers(body, body_len)) {
		rc = send_mime_build(a, &mo, in);
		free(body);
		return rc;
	}
	in->msg = msg_build(&mo, &in->msg_len, errbuf, sizeof errbuf);
	free(body);
	if (!in->msg)
		return st_fail(EX_USAGE_, "%s", errbuf);
	return 0;
}

int send_input_server(const struct send_args *a, struct send_input *in)
{
	memset(in, 0, sizeof *in);
	if (a->user && !getpwnam(a->user))
		return st_fail(EX_USAGE_, "-Z %s: no such user", a->user);
	if (split_server(a->server, in))
		return st_fail(EX_USAGE_, "%s: expected HOST, HOST:PORT or [IPv6]:PORT", a->server);
	return 0;
}

void send_input_free(struct send_input *in)
{
	free(in->msg);
	free(in->msg8);
	in->msg = in->msg8 = NULL;
}
