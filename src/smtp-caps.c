/* smtp-caps.c - the EHLO reply's extension keywords as a capability set
 * (smtp_line.h).  Pure functions over the reply text. */
#include "smtp_line.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Every EHLO keyword smtptrace knows: its capability flag (0: not one the
 * client acts on) and what it means, for people (smtp_ext_meaning). */
static const struct {
	const char *kw;
	unsigned flag;
	const char *meaning;
} cap_names[] = {
	{ "PIPELINING", SMTP_CAP_PIPELINING, "commands may be sent in groups (RFC 2920)" },
	{ "SIZE", SMTP_CAP_SIZE, "largest message accepted (RFC 1870)" },
	{ "8BITMIME", SMTP_CAP_8BITMIME, "8-bit message bodies accepted (RFC 6152)" },
	{ "SMTPUTF8", SMTP_CAP_SMTPUTF8, "UTF-8 addresses and headers accepted (RFC 6531)" },
	{ "STARTTLS", SMTP_CAP_STARTTLS, "can switch to TLS (RFC 3207)" },
	{ "AUTH", SMTP_CAP_AUTH, "login mechanisms offered (RFC 4954)" },
	{ "CHUNKING", SMTP_CAP_CHUNKING, "the message may be sent in BDAT chunks (RFC 3030)" },
	{ "DSN", SMTP_CAP_DSN, "delivery status notifications on request (RFC 3461)" },
	{ "ENHANCEDSTATUSCODES", SMTP_CAP_ENHANCEDSTATUSCODES,
	  "replies carry x.y.z status codes (RFC 2034)" },
	{ "BINARYMIME", 0, "binary message bodies, sent with BDAT (RFC 3030)" },
	{ "ETRN", 0, "the client may ask for the mail queued for it (RFC 1985)" },
	{ "VRFY", 0, "addresses may be verified (RFC 5321)" },
	{ "EXPN", 0, "mailing lists may be expanded (RFC 5321)" },
	{ "HELP", 0, "HELP is answered (RFC 5321)" },
	{ "DELIVERBY", 0, "a delivery deadline may be set (RFC 2852)" },
	{ "REQUIRETLS", 0, "TLS may be required all the way (RFC 8689)" },
	{ "MT-PRIORITY", 0, "messages may carry a priority (RFC 6710)" },
	{ "LIMITS", 0, "the server's limits per session (RFC 9422)" },
	{ "XCLIENT", 0, "a proxy may pass on the real client (Postfix)" },
	{ "XFORWARD", 0, "a proxy may pass on client details for logging (Postfix)" },
};
#define NCAPS (sizeof cap_names / sizeof cap_names[0])

/* SIZE's argument: digits only, saturating; 0 if absent or malformed. */
static uint64_t parse_size(const char *p, size_t n)
{
	uint64_t v = 0;
	if (n == 0 || n > 19)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return 0;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	return v;
}

static int mech_ok(const char *p, size_t n)
{
	if (n == 0 || n > 20)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '-' && p[i] != '_')
			return 0;
	return 1;
}

/* AUTH's arguments: mechanism names separated by spaces. */
static void parse_auth(struct smtp_caps *caps, const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && p[i] == ' ')
			i++;
		size_t s = i;
		while (i < n && p[i] != ' ')
			i++;
		size_t have = strlen(caps->auth);
		if (!mech_ok(p + s, i - s) || have + (i - s) + 2 > sizeof caps->auth)
			continue;
		if (have)
			caps->auth[have++] = ' ';
		for (size_t k = s; k < i; k++)
			caps->auth[have++] = (char)toupper((unsigned char)p[k]);
		caps->auth[have] = '\0';
	}
}

/* One extension line: KEYWORD [SP params] (also the old "AUTH=..." form). */
static void parse_line(struct smtp_caps *caps, const char *p, size_t n)
{
	size_t k = 0;
	while (k < n && p[k] != ' ' && p[k] != '=')
		k++;
	const char *arg = k < n ? p + k + 1 : p + n;
	size_t alen = k < n ? n - k - 1 : 0;
	for (size_t i = 0; i < NCAPS; i++) {
		if (strlen(cap_names[i].kw) != k || strncasecmp(p, cap_names[i].kw, k) != 0)
			continue;
		caps->flags |= cap_names[i].flag;
		if (cap_names[i].flag == SMTP_CAP_SIZE)
			caps->size = parse_size(arg, alen);
		else if (cap_names[i].flag == SMTP_CAP_AUTH)
			parse_auth(caps, arg, alen);
		return;
	}
}

void smtp_caps_parse(struct smtp_caps *caps, const char *text, size_t len)
{
	memset(caps, 0, sizeof *caps);
	const char *p = memchr(text, '\n', len);   /* skip the server's name */
	while (p) {
		p++;
		size_t left = len - (size_t)(p - text);
		const char *e = memchr(p, '\n', left);
		size_t n = e ? (size_t)(e - p) : left;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\r'))
			n--;
		parse_line(caps, p, n);
		p = e;
	}
}

size_t smtp_caps_format(const struct smtp_caps *caps, char *buf, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NCAPS; i++) {
		if (!(caps->flags & cap_names[i].flag))
			continue;
		int w = snprintf(buf + o, cap - o, "%s%s", o ? " " : "", cap_names[i].kw);
		if (cap_names[i].flag == SMTP_CAP_SIZE && caps->size && w >= 0 && o + (size_t)w < cap)
			w += snprintf(buf + o + (size_t)w, cap - o - (size_t)w, "=%llu",
			              (unsigned long long)caps->size);
		if (cap_names[i].flag == SMTP_CAP_AUTH && caps->auth[0] && w >= 0 && o + (size_t)w < cap)
			w += snprintf(buf + o + (size_t)w, cap - o - (size_t)w, "=%s", caps->auth);
		if (w < 0 || o + (size_t)w >= cap)
			break;
		o += (size_t)w;
	}
	buf[o] = '\0';
	return o;
}

void smtp_ext_split(const char *line, size_t n, size_t *kwlen, const char **params,
                    size_t *plen)
{
	size_t k = 0;
	while (k < n && line[k] != ' ' && line[k] != '=')
		k++;
	*kwlen = k;
	size_t a = k < n ? k + 1 : n;
	while (a < n && line[a] == ' ')
		a++;
	size_t e = n;
	while (e > a && (line[e - 1] == ' ' || line[e - 1] == '\r'))
		e--;
	*params = line + a;
	*plen = e - a;
}

/* "10,240,000" */
static void thousands(uint64_t v, char *out, size_t cap)
{
	char d[24], g[32];
	int n = snprintf(d, sizeof d, "%llu", (unsigned long long)v);
	size_t o = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			g[o++] = ',';
		g[o++] = d[i];
	}
	g[o] = '\0';
	snprintf(out, cap, "%s", g);
}

const char *smtp_ext_meaning(const char *line, size_t n, char *buf, size_t cap)
{
	size_t k, plen;
	const char *params;
	smtp_ext_split(line, n, &k, &params, &plen);
	for (size_t i = 0; i < NCAPS; i++) {
		if (strlen(cap_names[i].kw) != k || strncasecmp(line, cap_names[i].kw, k) != 0)
			continue;
		uint64_t v = cap_names[i].flag == SMTP_CAP_SIZE ? parse_size(params, plen) : 0;
		char num[32];
		if (v) {
			thousands(v, num, sizeof num);
			snprintf(buf, cap, "largest message accepted: %s bytes (RFC 1870)", num);
		} else if (cap_names[i].flag == SMTP_CAP_SIZE)
			snprintf(buf, cap, "sizes may be declared, no fixed limit (RFC 1870)");
		else
			snprintf(buf, cap, "%s", cap_names[i].meaning);
		return buf;
	}
	snprintf(buf, cap, "(not known to smtptrace)");
	return buf;
}
