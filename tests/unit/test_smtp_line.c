/* test_smtp_line.c - line assembler, reply parser/assembler, verbs,
 * code meanings, dot-stuffing. */
#include "smtp_line.h"
#include "unit.h"

#include <stdlib.h>

/* Collects lines as "text|start|end|overlong\n" for comparison. */
struct collect {
	char out[4096];
	size_t len;
	int stop_after;     /* stop after this many lines (0 = never) */
	int nlines;
};

static int collect_cb(void *ctx, const char *line, size_t len, uint64_t a,
                      uint64_t b, size_t overlong)
{
	struct collect *c = ctx;
	c->len += (size_t)snprintf(c->out + c->len, sizeof c->out - c->len,
	        "%.*s|%llu|%llu|%zu\n", (int)len, line, (unsigned long long)a,
	        (unsigned long long)b, overlong);
	c->nlines++;
	return c->stop_after && c->nlines == c->stop_after;
}

static void feed_split(const char *in, size_t n, size_t limit, size_t s1, size_t s2,
                       struct collect *c)
{
	struct line_asm la;
	line_asm_init(&la, limit, 100);
	memset(c, 0, sizeof *c);
	const uint8_t *p = (const uint8_t *)in;
	CHECK(line_asm_feed(&la, p, s1, collect_cb, c) == s1);
	CHECK(line_asm_feed(&la, p + s1, s2 - s1, collect_cb, c) == s2 - s1);
	CHECK(line_asm_feed(&la, p + s2, n - s2, collect_cb, c) == n - s2);
	line_asm_free(&la);
}

/* line_bare_lf over what the assembler hands out: CRLF, LF alone, an empty
 * line of each, and an overlong line whose CR fell past the limit. */
struct bare { int bare[8], n; };

static int bare_cb(void *ctx, const char *line, size_t len, uint64_t a, uint64_t b, size_t overlong)
{
	struct bare *c = ctx;
	(void)line;
	if (c->n < 8)
		c->bare[c->n++] = line_bare_lf(len, overlong, a, b);
	return 0;
}

static void test_line_bare_lf(void)
{
	static const char in[] = "EHLO a\r\nMAIL x\n\n\r\n0123456789\r\n0123456789\n";
	struct line_asm la;
	struct bare c = { { 0 }, 0 };
	line_asm_init(&la, 6, 0);
	CHECK(line_asm_feed(&la, (const uint8_t *)in, sizeof in - 1, bare_cb, &c) == sizeof in - 1);
	CHECK(c.n == 6);
	CHECK(!c.bare[0] && c.bare[1] && c.bare[2] && !c.bare[3] && !c.bare[4] && c.bare[5]);
	line_asm_free(&la);
}

static void test_line_asm_splits(void)
{
	static const char in[] = "250-mx.example\r\n250-SIZE 100\n\r\n250 OK\rX\r\ntail";
	size_t n = sizeof in - 1;
	struct collect whole;
	feed_split(in, n, 64, n, n, &whole);
	CHECK_STR(whole.out, "250-mx.example|100|116|0\n250-SIZE 100|116|129|0\n"
	          "|129|131|0\n250 OK\rX|131|141|0\n");
	/* Every pair of split points gives the same lines and offsets. */
	int same = 1;
	for (size_t s1 = 0; s1 <= n; s1++)
		for (size_t s2 = s1; s2 <= n; s2++) {
			struct collect c;
			feed_split(in, n, 64, s1, s2, &c);
			if (strcmp(c.out, whole.out) != 0) {
				same = 0;
				fprintf(stderr, "split %zu/%zu:\n%s", s1, s2, c.out);
			}
		}
	CHECK(same);
}

static void test_line_asm_limit(void)
{
	/* Limit 4: "abcdefg\r\n" keeps "abcd", drops 3; the CR past the limit
	 * is still recognised; "abcd\r\n" exactly fits. */
	static const char in[] = "abcdefg\r\nabcd\r\nab\n";
	size_t n = sizeof in - 1;
	struct collect whole;
	feed_split(in, n, 4, n, n, &whole);
	CHECK_STR(whole.out, "abcd|100|109|3\nabcd|109|115|0\nab|115|118|0\n");
	int same = 1;
	for (size_t s1 = 0; s1 <= n; s1++)
		for (size_t s2 = s1; s2 <= n; s2++) {
			struct collect c;
			feed_split(in, n, 4, s1, s2, &c);
			same &= strcmp(c.out, whole.out) == 0;
		}
	CHECK(same);
}

static void test_line_asm_stop(void)
{
	struct line_asm la;
	struct collect c;
	memset(&c, 0, sizeof c);
	c.stop_after = 1;
	line_asm_init(&la, 100, 0);
	const char *in = "DATA\r\nbody line\r\n";
	size_t used = line_asm_feed(&la, (const uint8_t *)in, strlen(in), collect_cb, &c);
	CHECK(used == 6);
	CHECK(c.nlines == 1);
	/* Partial data, pending count, reset. */
	used = line_asm_feed(&la, (const uint8_t *)"abc", 3, collect_cb, &c);
	CHECK(used == 3);
	CHECK(line_asm_pending(&la) == 3);
	line_asm_reset(&la, 1000);
	CHECK(line_asm_pending(&la) == 0);
	c.stop_after = 0;
	c.len = 0;
	line_asm_feed(&la, (const uint8_t *)"x\n", 2, collect_cb, &c);
	CHECK_STR(c.out, "x|1000|1002|0\n");
	line_asm_free(&la);
}

static void test_parse_reply_line(void)
{
	struct reply_line r;
	CHECK(smtp_parse_reply_line("250", 3, &r) == 1 && r.code == 250 && !r.more &&
	      r.text_len == 0);
	CHECK(smtp_parse_reply_line("250-", 4, &r) == 1 && r.more && r.text_len == 0);
	CHECK(smtp_parse_reply_line("250 ok", 6, &r) == 1 && !r.more && r.text_len == 2 &&
	      memcmp(r.text, "ok", 2) == 0);
	CHECK(smtp_parse_reply_line("554-5.7.1 no", 12, &r) == 1 && r.code == 554 && r.more);
	CHECK(smtp_parse_reply_line("199 x", 5, &r) == 0);
	CHECK(smtp_parse_reply_line("600 x", 5, &r) == 0);
	CHECK(smtp_parse_reply_line("25", 2, &r) == 0);
	CHECK(smtp_parse_reply_line("2500", 4, &r) == 0);
	CHECK(smtp_parse_reply_line("25x ok", 6, &r) == 0);
	CHECK(smtp_parse_reply_line("abc", 3, &r) == 0);
	CHECK(smtp_parse_reply_line("", 0, &r) == 0);
	CHECK(smtp_parse_reply_line("250\tok", 6, &r) == 0);
}

static void test_reply_asm(void)
{
	struct reply_asm ra;
	reply_asm_init(&ra, 20);
	CHECK(reply_asm_line(&ra, "250-first", 9) == 0);
	CHECK(reply_asm_line(&ra, "250-second", 10) == 0);
	CHECK(reply_asm_line(&ra, "250 third", 9) == 1);
	CHECK(ra.r.code == 250 && ra.r.nlines == 3 && !ra.r.inconsistent);
	CHECK_STR(ra.r.text, "first\nsecond\nthird");
	/* Bare code is a whole reply. */
	CHECK(reply_asm_line(&ra, "221", 3) == 1);
	CHECK(ra.r.code == 221 && ra.r.nlines == 1 && ra.r.text_len == 0);
	CHECK_STR(ra.r.text, "");
	/* Inconsistent continuation. */
	CHECK(reply_asm_line(&ra, "250-a", 5) == 0);
	CHECK(reply_asm_line(&ra, "251 b", 5) == 1);
	CHECK(ra.r.code == 250 && ra.r.inconsistent);
	/* Text capped at 20. */
	CHECK(reply_asm_line(&ra, "550-0123456789", 14) == 0);
	CHECK(reply_asm_line(&ra, "550 0123456789", 14) == 1);
	CHECK(ra.r.text_len == 20);
	CHECK_STR(ra.r.text, "0123456789\n012345678");
	/* Not a reply: reset. */
	CHECK(reply_asm_line(&ra, "250-a", 5) == 0);
	CHECK(reply_asm_line(&ra, "hello", 5) == -1);
	CHECK(reply_asm_line(&ra, "354 go", 6) == 1 && ra.r.code == 354 && ra.r.nlines == 1);
	reply_asm_free(&ra);
}

static void test_meaning_and_verb(void)
{
	CHECK_STR(smtp_code_meaning(250), "requested action okay, completed");
	CHECK_STR(smtp_code_meaning(354), "start mail input");
	CHECK_STR(smtp_code_meaning(550), "mailbox unavailable");
	CHECK_STR(smtp_code_meaning(535), "authentication credentials invalid");
	CHECK_STR(smtp_code_meaning(299), "positive completion");
	CHECK_STR(smtp_code_meaning(459), "transient negative completion");
	CHECK(smtp_code_meaning(999) != NULL);
	char v[16];
	CHECK(smtp_command_verb("mail FROM:<a@b>", 15, v) == 4);
	CHECK_STR(v, "MAIL");
	CHECK(smtp_command_verb("QUIT", 4, v) == 4);
	CHECK_STR(v, "QUIT");
	CHECK(smtp_command_verb(" x", 2, v) == 0);
	CHECK(smtp_command_verb("", 0, v) == 0);
	CHECK(smtp_command_verb("ABCDEFGHIJKLMNOPQRST", 20, v) == 15);
	CHECK_STR(v, "ABCDEFGHIJKLMNO");
}

static void stuff_case(const char *in, const char *want)
{
	size_t n;
	char *out = smtp_dot_stuff(in, strlen(in), &n);
	CHECK(out != NULL);
	if (!out)
		return;
	CHECK_MEM(out, n, want, strlen(want));
	free(out);
}

/* Unstuff the wire form line by line and compare with the input whose
 * line endings were normalised to LF. */
static void roundtrip(const char *in, const char *want_lf)
{
	size_t n;
	char *w = smtp_dot_stuff(in, strlen(in), &n);
	char back[512];
	size_t bl = 0;
	int ended = 0, crlf_only = 1;
	for (size_t i = 0; i < n && !ended;) {
		char *e = memchr(w + i, '\n', n - i);
		if (!e || e == w + i || e[-1] != '\r') {
			crlf_only = 0;
			break;
		}
		const char *l;
		size_t ll, len = (size_t)(e - (w + i)) - 1;
		if (smtp_dot_unstuff_line(w + i, len, &l, &ll))
			ended = (size_t)(e - w) + 1 == n;
		else {
			memcpy(back + bl, l, ll);
			bl += ll;
			back[bl++] = '\n';
		}
		i = (size_t)(e - w) + 1;
	}
	CHECK(crlf_only && ended);
	CHECK_MEM(back, bl, want_lf, strlen(want_lf));
	free(w);
}

static void test_dot_stuff(void)
{
	stuff_case("", ".\r\n");
	stuff_case(".", "..\r\n.\r\n");
	stuff_case("..", "...\r\n.\r\n");
	stuff_case("a\nb", "a\r\nb\r\n.\r\n");
	stuff_case("a\rb\r", "a\r\nb\r\n.\r\n");
	stuff_case("a\r\n.\r\n.x\n", "a\r\n..\r\n..x\r\n.\r\n");
	stuff_case("\n\n", "\r\n\r\n.\r\n");
	stuff_case("x.y\n .z", "x.y\r\n .z\r\n.\r\n");
	stuff_case("\r\r\n", "\r\n\r\n.\r\n");
	roundtrip("", "");
	roundtrip(".", ".\n");
	roundtrip("..\n.\n", "..\n.\n");
	roundtrip("a\rb\nc\r\nd", "a\nb\nc\nd\n");
	roundtrip(".\r\n..\r\n", ".\n..\n");
	const char *o;
	size_t ol;
	CHECK(smtp_dot_unstuff_line(".", 1, &o, &ol) == 1);
	CHECK(smtp_dot_unstuff_line("..", 2, &o, &ol) == 0 && ol == 1 && o[0] == '.');
	CHECK(smtp_dot_unstuff_line("", 0, &o, &ol) == 0 && ol == 0);
}

static void test_caps(void)
{
	struct smtp_caps c;
	char buf[256];
	static const char t1[] = "mx.example greets you\nPIPELINING\nSIZE\nAUTH=LOGIN\n"
	        "auth cram-md5 plain\nX-UNKNOWN 1\nSTARTTLS  \nSMTPUTF8";
	smtp_caps_parse(&c, t1, sizeof t1 - 1);
	CHECK(c.flags == (SMTP_CAP_PIPELINING | SMTP_CAP_SIZE | SMTP_CAP_AUTH |
	      SMTP_CAP_STARTTLS | SMTP_CAP_SMTPUTF8));
	CHECK(c.size == 0);
	CHECK_STR(c.auth, "LOGIN CRAM-MD5 PLAIN");
	smtp_caps_format(&c, buf, sizeof buf);
	CHECK_STR(buf, "PIPELINING SIZE SMTPUTF8 STARTTLS AUTH=LOGIN CRAM-MD5 PLAIN");

	/* The first line is the server's name, not a keyword; bad SIZE ignored. */
	static const char t2[] = "STARTTLS\nSIZE 12x\nSIZE 99999999999999999999\n8BITMIME";
	smtp_caps_parse(&c, t2, sizeof t2 - 1);
	CHECK(c.flags == (SMTP_CAP_SIZE | SMTP_CAP_8BITMIME) && c.size == 0);
	static const char t3[] = "x\nSIZE 52428800\nDSN\nCHUNKING\nENHANCEDSTATUSCODES";
	smtp_caps_parse(&c, t3, sizeof t3 - 1);
	CHECK(c.size == 52428800);
	CHECK(smtp_caps_format(&c, buf, 12) == 0 || strlen(buf) < 12);
	smtp_caps_format(&c, buf, sizeof buf);
	CHECK_STR(buf, "SIZE=52428800 CHUNKING DSN ENHANCEDSTATUSCODES");

	/* Many mechanisms: cut at the buffer, never past it. */
	char t4[2048] = "x\nAUTH";
	for (int i = 0; i < 100; i++)
		strcat(t4, " MECH-ABCDEFG");
	smtp_caps_parse(&c, t4, strlen(t4));
	CHECK(strlen(c.auth) < sizeof c.auth && strncmp(c.auth, "MECH-ABCDEFG MECH", 17) == 0);
	smtp_caps_parse(&c, "", 0);
	CHECK(c.flags == 0);
}

int main(void)
{
	test_caps();
	test_line_asm_splits();
	test_line_asm_limit();
	test_line_asm_stop();
	test_line_bare_lf();
	test_parse_reply_line();
	test_reply_asm();
	test_meaning_and_verb();
	test_dot_stuff();
	return UNIT_DONE();
}
