/* test_reply_lines.c - every reply line kept (smtp-rlines.c): an EHLO reply
 * split at every pair of byte positions gives the same lines; the bounds
 * (64 lines, 512 bytes a line, 1 MiB a session) hold and are counted; a
 * non-reply line drops what was gathered; the extension table's meanings
 * (smtp-caps.c) and the model's accessors (timeline-reply.c). */
#include <stdlib.h>
#include <string.h>
#include "session.h"
#include "smtp_line.h"
#include "timeline.h"
#include "smtp-feed.h"
#include "unit.h"

static const char EHLO_REPLY[] =
	"250-mx.example.net Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
	"250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-X-FOO bar\r\n250 8BITMIME\r\n";
static const char EHLO_LINES[] = "mx.example.net Hello\nPIPELINING\nSIZE 10240000\n"
	"STARTTLS\nAUTH PLAIN LOGIN\nX-FOO bar\n8BITMIME";

static const struct exchange *ehlo(const struct session *s)
{
	return find(s, EXK_COMMAND, "EHLO", 0);
}

/* The reply in three segments, split at every pair of positions. */
static void test_split3(void)
{
	size_t n = sizeof EHLO_REPLY - 1;
	int bad = 0;
	for (size_t a = 0; a <= n; a++)
		for (size_t b = a; b <= n; b++) {
			struct feed f;
			f_init(&f);
			sv(&f, "220 mx ready\r\n");
			c(&f, "EHLO me\r\n");
			f_send(&f, DIR_S2C, EHLO_REPLY, a);
			f_send(&f, DIR_S2C, EHLO_REPLY + a, b - a);
			f_send(&f, DIR_S2C, EHLO_REPLY + b, n - b);
			const struct exchange *x = ehlo(&f.s);
			if (!x || x->reply_code != 250 || x->rlines_kept != 7 || x->rlines_lost ||
			    x->rlines_len != sizeof EHLO_LINES - 1 ||
			    memcmp(x->rlines, EHLO_LINES, x->rlines_len))
				bad++;
			f_free(&f);
		}
	CHECK(bad == 0);
}

static void test_extensions(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx ready\r\n");
	c(&f, "EHLO me\r\n");
	sv(&f, EHLO_REPLY);
	const struct exchange *x = ehlo(&f.s);
	CHECK(x && tl_has_extensions(x));
	struct tl_ext e;
	size_t cur = 0;
	char got[1024] = "";
	while (x && tl_ext_next(x, &cur, &e)) {
		size_t o = strlen(got);
		snprintf(got + o, sizeof got - o, "%.*s|%.*s|%s\n", (int)e.nlen, e.name, (int)e.plen,
		         e.params, e.meaning);
	}
	CHECK_STR(got, "PIPELINING||commands may be sent in groups (RFC 2920)\n"
	          "SIZE|10240000|largest message accepted: 10,240,000 bytes (RFC 1870)\n"
	          "STARTTLS||can switch to TLS (RFC 3207)\n"
	          "AUTH|PLAIN LOGIN|login mechanisms offered (RFC 4954)\n"
	          "X-FOO|bar|(not known to smtptrace)\n"
	          "8BITMIME||8-bit message bodies accepted (RFC 6152)\n");
	/* the greeting has lines but no extensions */
	CHECK(!tl_has_extensions(&f.s.ex[0]) && f.s.ex[0].rlines_kept == 1);
	f_free(&f);
}

/* 100 continuation lines: 64 kept, the rest counted; an over-long line cut. */
static void test_bounds(void)
{
	struct feed f;
	char line[700];
	f_init(&f);
	sv(&f, "220 mx ready\r\n");
	c(&f, "EHLO me\r\n");
	sv(&f, "250-mx\r\n");
	memset(line, 'A', sizeof line);
	memcpy(line, "250-", 4);
	memcpy(line + 600, "\r\n", 3);
	sv(&f, line);                                  /* a 596-byte extension line */
	for (int i = 0; i < 99; i++) {
		snprintf(line, sizeof line, "250%cX-EXT%d\r\n", i == 98 ? ' ' : '-', i);
		sv(&f, line);
	}
	const struct exchange *x = ehlo(&f.s);
	CHECK(x && x->reply_lines == 101 && x->rlines_kept == SMTP_RLINES_MAX);
	CHECK(x && x->rlines_lost == 101 - SMTP_RLINES_MAX && x->rlines_cut == 1);
	const char *p;
	size_t n, cur = 0;
	int k = 0;
	while (x && tl_reply_next(x, &cur, &p, &n))
		CHECK(k++ != 1 || n == SMTP_RLINE_MAX);
	CHECK(k == SMTP_RLINES_MAX);
	/* the next reply starts afresh */
	c(&f, "QUIT\r\n");
	sv(&f, "221-bye\r\n221 now\r\n");
	const struct exchange *q = &f.s.ex[f.s.nex - 1];
	CHECK(q->rlines_kept == 2 && !q->rlines_lost && !q->rlines_cut);
	f_free(&f);
}

/* The session's budget: past SMTP_RLINES_SESSION bytes, lines are counted only. */
static void test_session_budget(void)
{
	struct feed f;
	static char line[SMTP_RLINE_MAX + 16];
	f_init(&f);
	sv(&f, "220 mx ready\r\n");
	memset(line, 'x', sizeof line);
	memcpy(line, "250 ", 4);
	memcpy(line + 4 + SMTP_RLINE_MAX, "\r\n", 3);
	unsigned fits = SMTP_RLINES_SESSION / (SMTP_RLINE_MAX + 1);
	for (unsigned i = 0; i < fits + 10; i++) {
		c(&f, "NOOP\r\n");
		sv(&f, line);
	}
	const struct exchange *last = &f.s.ex[f.s.nex - 1];
	CHECK(f.s.smtp.rlines_bytes <= SMTP_RLINES_SESSION);
	CHECK(last->reply_code == 250 && !last->rlines && last->rlines_lost == 1);
	CHECK(f.s.ex[1].rlines_kept == 1);
	f_free(&f);
}

/* A line that is not a reply line drops the lines gathered so far. */
static void test_not_reply(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx ready\r\n");
	c(&f, "EHLO me\r\n");
	sv(&f, "250-mx\r\n250-JUNK\r\nthis is not a reply\r\n250 ok\r\n");
	const struct exchange *x = ehlo(&f.s);
	CHECK(x && x->rlines_kept == 1 && x->rlines && !strcmp(x->rlines, "ok"));
	f_free(&f);
}

static void test_meaning_table(void)
{
	char b[96];
	CHECK_STR(smtp_ext_meaning("PIPELINING", 10, b, sizeof b), "commands may be sent in groups (RFC 2920)");
	CHECK_STR(smtp_ext_meaning("pipelining", 10, b, sizeof b), "commands may be sent in groups (RFC 2920)");
	CHECK_STR(smtp_ext_meaning("SIZE 10240000", 13, b, sizeof b),
	          "largest message accepted: 10,240,000 bytes (RFC 1870)");
	CHECK_STR(smtp_ext_meaning("SIZE 999", 8, b, sizeof b), "largest message accepted: 999 bytes (RFC 1870)");
	CHECK_STR(smtp_ext_meaning("SIZE", 4, b, sizeof b), "sizes may be declared, no fixed limit (RFC 1870)");
	CHECK_STR(smtp_ext_meaning("SIZE 0", 6, b, sizeof b), "sizes may be declared, no fixed limit (RFC 1870)");
	CHECK_STR(smtp_ext_meaning("AUTH=LOGIN", 10, b, sizeof b), "login mechanisms offered (RFC 4954)");
	CHECK_STR(smtp_ext_meaning("STARTTLS", 8, b, sizeof b), "can switch to TLS (RFC 3207)");
	CHECK_STR(smtp_ext_meaning("SIZEX", 5, b, sizeof b), "(not known to smtptrace)");
	CHECK_STR(smtp_ext_meaning("", 0, b, sizeof b), "(not known to smtptrace)");
	CHECK_STR(smtp_ext_meaning("XYZZY 1 2", 9, b, 8), "(not kn");     /* cut to the buffer */
	size_t k, pl;
	const char *pp;
	smtp_ext_split("AUTH  PLAIN LOGIN \r", 19, &k, &pp, &pl);
	CHECK(k == 4 && pl == 11 && !memcmp(pp, "PLAIN LOGIN", 11));
	smtp_ext_split("AUTH=LOGIN", 10, &k, &pp, &pl);
	CHECK(k == 4 && pl == 5 && !memcmp(pp, "LOGIN", 5));
	smtp_ext_split("DSN", 3, &k, &pp, &pl);
	CHECK(k == 3 && pl == 0);
	/* the client's capability set still parses the same table */
	struct smtp_caps caps;
	static const char t[] = "mx\nPIPELINING\nSIZE 100\nETRN\nAUTH PLAIN";
	smtp_caps_parse(&caps, t, sizeof t - 1);
	CHECK(caps.flags == (SMTP_CAP_PIPELINING | SMTP_CAP_SIZE | SMTP_CAP_AUTH) && caps.size == 100);
}

int main(void)
{
	UNIT_RUN(test_split3);
	UNIT_RUN(test_extensions);
	UNIT_RUN(test_bounds);
	UNIT_RUN(test_session_budget);
	UNIT_RUN(test_not_reply);
	UNIT_RUN(test_meaning_table);
	return UNIT_DONE();
}
