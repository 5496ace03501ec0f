/* client-args.c - what the client will send, checked before connecting:
 * no line breaks (command injection) and RFC 5321 4.5.3.1's size limits. */
#include "client.h"
#include "msg.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LOCAL_MAX   64          /* 4.5.3.1.1 */
#define DOMAIN_MAX  255         /* 4.5.3.1.2 */
#define PATH_MAX_   256         /* 4.5.3.1.3, with the angle brackets */
#define LINE_MAX_   512         /* 4.5.3.1.4, with CRLF */

/* One address as --from/--to: 0, or EX_USAGE_ with the reason in err. */
static int check_addr(const char *opt, const char *a, const char *verb,
                      char *err, size_t errlen)
{
	if (!a || msg_header_value_ok(a)) {
		snprintf(err, errlen, "%s: address contains a line break", opt);
		return EX_USAGE_;
	}
	size_t n = strlen(a);
	const char *at = strrchr(a, '@');
	size_t local = at ? (size_t)(at - a) : n, domain = at ? n - local - 1 : 0;
	if (local > LOCAL_MAX)
		snprintf(err, errlen, "%s: the local part of '%.40s...' is %zu octets "
		         "(RFC 5321 allows %d)", opt, a, local, LOCAL_MAX);
	else if (domain > DOMAIN_MAX)
		snprintf(err, errlen, "%s: the domain of '%.40s...' is %zu octets "
		         "(RFC 5321 allows %d)", opt, a, domain, DOMAIN_MAX);
	else if (n + 2 > PATH_MAX_)
		snprintf(err, errlen, "%s: '%.40s...' is %zu octets (RFC 5321 allows "
		         "%d with the angle brackets)", opt, a, n, PATH_MAX_);
	else if (strlen(verb) + n + 4 > LINE_MAX_)
		snprintf(err, errlen, "%s: the command line for '%.40s...' would exceed "
		         "%d octets (RFC 5321)", opt, a, LINE_MAX_);
	else
		return 0;
	return EX_USAGE_;
}

int client_check_args(const struct client_opts *o, char *err, size_t errlen)
{
	int code = check_addr("--from", o->from, "MAIL FROM:<", err, errlen);
	if (code)
		return code;
	if (!o->helo || msg_header_value_ok(o->helo)) {
		snprintf(err, errlen, "--helo: name contains a line break");
		return EX_USAGE_;
	}
	if (strlen(o->helo) > DOMAIN_MAX) {
		snprintf(err, errlen, "--helo: '%.40s...' is %zu octets (RFC 5321 allows %d)",
		         o->helo, strlen(o->helo), DOMAIN_MAX);
		return EX_USAGE_;
	}
	if (o->nto < 1 || !o->to) {
		snprintf(err, errlen, "no recipients");
		return EX_USAGE_;
	}
	for (int i = 0; i < o->nto; i++)
		if ((code = check_addr("--to", o->to[i], "RCPT TO:<", err, errlen)))
			return code;
	if (errlen)
		err[0] = '\0';
	return 0;
}

static const char *const quit_names[] = {
	[QUIT_AFTER_NONE] = "", [QUIT_AFTER_CONNECT] = "connect",
	[QUIT_AFTER_GREETING] = "greeting", [QUIT_AFTER_EHLO] = "ehlo", [QUIT_AFTER_TLS] = "tls",
	[QUIT_AFTER_AUTH] = "auth", [QUIT_AFTER_MAIL] = "mail", [QUIT_AFTER_RCPT] = "rcpt",
	[QUIT_AFTER_DATA] = "data",
};

int client_quit_after_parse(const char *s)
{
	for (int i = QUIT_AFTER_CONNECT; i <= QUIT_AFTER_DATA; i++)
		if (!strcasecmp(s, quit_names[i]))
			return i;
	return -1;
}

const char *client_quit_after_name(int q)
{
	return q > 0 && q <= QUIT_AFTER_DATA ? quit_names[q] : "";
}
