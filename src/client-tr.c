/* client-tr.c - the client's transcript in swaks' conventions ("=== " info,
 * " -> " sent, "<-  " received, "<** " an error reply, "*** " our error).
 * Every byte from the server goes through text_safe (util-text.h): C0/C1,
 * ESC, raw and UTF-8-encoded C1, bidi overrides are shown as \xNN. */
#include "client-int.h"
#include "util-text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SAFE_MAX (RR_LINE_MAX * 4 + 8)   /* \xNN per byte at worst */
#define BODY_SHOWN  20          /* a longer body is abbreviated in the transcript */
#define BODY_HEAD   10          /* lines shown of an abbreviated body */

void tr_line(struct smtp *c, enum tr_kind k, const char *p, size_t n)
{
	static const char *const prefix[] = { "=== ", " -> ", "<-  ", "<** ", "*** " };
	static const char *const colour[] = { "", "\033[32m", "\033[36m", "\033[31m", "\033[31m" };
	FILE *f = c->o->transcript;
	if (!f)
		return;
	char buf[SAFE_MAX];
	text_safe(buf, sizeof buf, p, n, NULL);
	int col = c->o->color && k != TR_INFO;
	fprintf(f, "%s%s%s%s\n", col ? colour[k] : "", prefix[k], buf, col ? "\033[0m" : "");
}

void tr_printf(struct smtp *c, enum tr_kind k, const char *fmt, ...)
{
	if (!c->o->transcript)
		return;
	char buf[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tr_line(c, k, buf, strlen(buf));
}

/* The reply reader's line callback. */
void tr_reply_line(void *ctx, const char *line, size_t len, int code)
{
	tr_line(ctx, code && code < 400 ? TR_RECV : TR_ERR, line, len);
}

void reply_str(const struct smtp *c, const struct smtp_reply *r, char *buf, size_t len)
{
	char text[RR_TEXT_MAX + 1];
	memcpy(text, r->text, r->text_len);
	for (size_t i = 0; i < r->text_len; i++)
		if (text[i] == '\n')
			text[i] = ' ';
	int other = c->rr.other_code;
	char code[16];
	snprintf(code, sizeof code, other ? "%d/%d" : "%d", r->code, other);
	int n = snprintf(buf, len, "%s%s", code, r->text_len ? " " : "");
	if (n < 0 || (size_t)n >= len)
		return;
	const char *note = other ? " (mixed reply codes)" : "";
	size_t room = len - (size_t)n - strlen(note);
	if (len > (size_t)n + strlen(note))
		text_safe(buf + n, room, text, r->text_len, NULL);
	strncat(buf, note, len - strlen(buf) - 1);
}

/* The dot-stuffed message as sent; a long one shows its first lines. */
void tr_body(struct smtp *c, const char *p, size_t n)
{
	size_t lines = 0;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))); q++)
		lines++;
	size_t body_lines = lines - 1;   /* the final "." is always shown */
	size_t shown = body_lines > BODY_SHOWN ? BODY_HEAD : body_lines;
	size_t i = 0;
	for (size_t l = 0; l < lines; l++) {
		const char *e = memchr(p + i, '\n', n - i);
		size_t len = (size_t)(e - (p + i)) - 1;   /* stuffed lines end in CRLF */
		if (l < shown || l == lines - 1)
			tr_line(c, TR_SENT, p + i, len);
		if (l == shown && shown < body_lines) {
			tr_printf(c, TR_SENT, "[... %zu more lines, %zu bytes ...]",
			          body_lines - shown, n - 3 - i);
		}
		i = (size_t)(e - p) + 1;
	}
}
