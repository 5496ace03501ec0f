/* msg.c - build the RFC 5322 message the client sends: headers, an empty
 * line, the body with CRLF line endings.  The body is not folded or
 * rewrapped; only its line endings are normalised. */
#include "msg.h"
#include "mime.h"
#include "client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

int msg_header_value_ok(const char *s)
{
	return s && !strpbrk(s, "\r\n") ? 0 : -1;
}

/* RFC 5322 3.3 date-time, always with English names and a numeric zone
 * (strftime's %a/%b would follow the locale). */
static void put_date(FILE *f, time_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	char zone[8] = "+0000";
	tzset();    /* localtime_r need not read TZ itself */
	if (!localtime_r(&t, &tm))
		gmtime_r(&t, &tm);
	else
		strftime(zone, sizeof zone, "%z", &tm);
	fprintf(f, "Date: %s, %d %s %d %02d:%02d:%02d %s\r\n",
	        days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	        tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

static const char *domain_of(const struct msg_opts *o)
{
	const char *at = strrchr(o->from, '@');
	if (at && at[1])
		return at + 1;
	return o->helo && *o->helo ? o->helo : "localhost";
}

static void put_message_id(FILE *f, const struct msg_opts *o, time_t t)
{
	if (o->message_id) {
		fprintf(f, "Message-ID: %s\r\n", o->message_id);
		return;
	}
	unsigned long long r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (unsigned long long)clock() ^ ((unsigned long long)t << 20);
	fprintf(f, "Message-ID: <%lld.%ld.%016llx@%s>\r\n", (long long)t,
	        (long)getpid(), r, domain_of(o));
}

/* To: all recipients, folded before a line would pass 78 characters. */
static void put_to(FILE *f, const struct msg_opts *o)
{
	size_t col = 3;
	fputs("To:", f);
	for (int i = 0; i < o->nto; i++) {
		size_t w = strlen(o->to[i]) + 2;
		if (i > 0 && col + w > 78) {
			fputs(",\r\n", f);
			col = 0;
		} else if (i > 0) {
			fputc(',', f);
			col++;
		}
		fprintf(f, " %s", o->to[i]);
		col += w - 1;
	}
	fputs("\r\n", f);
}

/* Write bytes with every line ending (CRLF, bare LF, bare CR) as CRLF. */
static void put_crlf(FILE *f, const char *p, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\r' && p[i] != '\n')
			continue;
		fwrite(p + start, 1, i - start, f);
		fputs("\r\n", f);
		if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	fwrite(p + start, 1, n - start, f);
}

/* Whether the header block at the start of `b` has a field named `name`.
 * `hlen` is the length of the block, the empty line excluded. */
static int has_field(const char *b, size_t hlen, const char *name)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < hlen;) {
		if (hlen - i > nl && strncasecmp(b + i, name, nl) == 0 && b[i + nl] == ':')
			return 1;
		const char *e = memchr(b + i, '\n', hlen - i);
		if (!e)
			break;
		i = (size_t)(e - b) + 1;
	}
	return 0;
}

/* A header field line: "Name:" with printable non-colon name characters
 * (RFC 5322 2.2), or a continuation starting with white space. */
static int is_field_line(const char *p, size_t n, int first)
{
	if (!first && n > 0 && (p[0] == ' ' || p[0] == '\t'))
		return 1;
	size_t i = 0;
	while (i < n && p[i] > ' ' && p[i] < 0x7f && p[i] != ':')
		i++;
	return i > 0 && i < n && p[i] == ':';
}

/* Length of the header block at the start of the body (up to, not
 * including, the empty line), or -1 when the body does not start with one. */
static long header_block_len(const char *b, size_t n)
{
	for (size_t i = 0; i < n;) {
		const char *e = memchr(b + i, '\n', n - i);
		size_t len = e ? (size_t)(e - (b + i)) : n - i;
		if (len && b[i + len - 1] == '\r')
			len--;
		if (len == 0)
			return i ? (long)i : -1;
		if (!e || !is_field_line(b + i, len, i == 0))
			return -1;
		i = (size_t)(e - b) + 1;
	}
	return -1;
}

/* Line breaks (header and command injection) and, through
 * client_check_args(), RFC 5321's size limits on what the client sends:
 * msg_build() runs before connecting, so these are usage errors. */
static int check_inputs(const struct msg_opts *o, char *err, size_t errlen)
{
	struct client_opts co = {
		.from = o->from, .to = o->to, .nto = o->nto, .helo = o->helo ? o->helo : "localhost",
	};
	if (client_check_args(&co, err, errlen))
		return -1;
	const char *what = NULL;
	if (o->subject && msg_header_value_ok(o->subject))
		what = "--subject: text contains a line break";
	else if (o->message_id && msg_header_value_ok(o->message_id))
		what = "Message-ID contains a line break";
	if (what)
		snprintf(err, errlen, "%s", what);
	return what ? -1 : 0;
}

int msg_has_headers(const char *body, size_t len)
{
	long hl = body ? header_block_len(body, len) : -1;
	return hl > 0 && (has_field(body, (size_t)hl, "From") || has_field(body, (size_t)hl, "Subject"));
}

char *msg_build(const struct msg_opts *o, size_t *out_len, char *err, size_t errlen)
{
	if (check_inputs(o, err, errlen))
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f) {
		snprintf(err, errlen, "out of memory building the message");
		return NULL;
	}
	time_t t = o->date ? o->date : time(NULL);
	const char *body = o->body ? o->body : "";
	long hl = o->raw && !o->mime ? header_block_len(body, o->body_len) : -1;
	if (o->raw && !o->mime && msg_has_headers(body, o->body_len)) {
		/* The user wrote the headers: add only what a message must have. */
		if (!has_field(body, (size_t)hl, "Date"))
			put_date(f, t);
		if (!has_field(body, (size_t)hl, "Message-ID"))
			put_message_id(f, o, t);
	} else {
		put_date(f, t);
		fprintf(f, "From: %s\r\n", o->from);
		if (o->nto > 0)
			put_to(f, o);
		if (o->subject)
			mime_put_text_field(f, "Subject", o->subject);
		put_message_id(f, o, t);
		if (o->mime && mime_write(f, o->mime, err, errlen)) {
			fclose(f);
			free(buf);
			return NULL;
		}
		if (!o->mime)
			fputs("MIME-Version: 1.0\r\n"
			      "Content-Type: text/plain; charset=utf-8\r\n"
			      "Content-Transfer-Encoding: 8bit\r\n\r\n", f);
	}
	if (!o->mime)
		put_crlf(f, body, o->body_len);
	if (ferror(f) | fclose(f)) {
		free(buf);
		snprintf(err, errlen, "out of memory building the message");
		return NULL;
	}
	*out_len = len;
	return buf;
}
