/* smtp-caps.c - the EHLO reply's extension keywords as a capability set
 * (smtp_line.h).  Pure functions over the reply text. */
#include "smtp_line.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *kw;
	unsigned flag;
} cap_names[] = {
	{ "PIPELINING", SMTP_CAP_PIPELINING }, { "SIZE", SMTP_CAP_SIZE },
	{ "8BITMIME", SMTP_CAP_8BITMIME }, { "SMTPUTF8", SMTP_CAP_SMTPUTF8 },
	{ "STARTTLS", SMTP_CAP_STARTTLS }, { "AUTH", SMTP_CAP_AUTH },
	{ "CHUNKING", SMTP_CAP_CHUNKING }, { "DSN", SMTP_CAP_DSN },
	{ "ENHANCEDSTATUSCODES", SMTP_CAP_ENHANCEDSTATUSCODES },
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
