/* test_wrap.c - util-wrap: terminal widths and folding that loses nothing. */
#include <stdio.h>
#include <stdlib.h>
#include "util-wrap.h"
#include "unit.h"

/* wrap_put of s at width w (first line from column at, then indent) into buf. */
static const char *put(const char *s, size_t at, size_t indent, size_t w)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	wrap_put(f, s, strlen(s), at, indent, w, NULL);
	fclose(f);
	return buf;
}

/* s with every space and newline removed. */
static const char *nospace(const char *s)
{
	static char buf[2][4096];
	static int k;
	char *o = buf[k ^= 1];
	size_t n = 0;
	for (; *s && n + 1 < sizeof buf[0]; s++)
		if (*s != ' ' && *s != '\n')
			o[n++] = *s;
	o[n] = '\0';
	return o;
}

/* Each line of out (after `indent` spaces on further lines) no wider than
 * room; returns 1 when all are. */
static int lines_fit(const char *out, size_t first_room, size_t room)
{
	size_t lim = first_room;
	for (const char *l = out; *l; ) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		if (wrap_cols(l, n) > lim)
			return 0;
		lim = room;
		l += n + (e != NULL);
	}
	return 1;
}

static void test_cols(void)
{
	CHECK(wrap_cols("abc", 3) == 3);
	CHECK(wrap_cols("caf\xc3\xa9", 5) == 4);                /* é: one column */
	CHECK(wrap_cols("\xe6\x97\xa5\xe6\x9c\xac", 6) == 4);    /* 日本: two each */
	CHECK(wrap_cols("e\xcc\x81", 3) == 1);                   /* e + combining acute */
	CHECK(wrap_cols("\xff", 1) == 1);                        /* not UTF-8: one */
}

static void test_next(void)
{
	CHECK(wrap_next("hello world", 11, 20) == 11);           /* fits */
	CHECK(wrap_next("hello world", 11, 8) == 6);             /* break after the space */
	CHECK(wrap_next("hello   world", 13, 8) == 8);           /* the whole space run */
	CHECK(wrap_next("abcdefghij", 10, 4) == 4);              /* a word longer than the room */
	CHECK(wrap_next("\xe6\x97\xa5\xe6\x9c\xac", 6, 3) == 3); /* not inside a character */
	CHECK(wrap_next("\xe6\x97\xa5", 3, 1) == 3);             /* at least one character */
	CHECK(wrap_next("caf\xc3\xa9 x", 7, 4) == 6);            /* é is one column */
}

static void test_put(void)
{
	CHECK_STR(put("hello world again", 0, 2, 11), "hello world\n  again");
	CHECK_STR(put("abcdefghij", 0, 0, 4), "abcd\nefgh\nij");
	CHECK_STR(put("ab cdefghijkl m", 2, 2, 6), "ab\n  cdef\n  ghij\n  kl m");
	CHECK_STR(put("x  ", 0, 0, 10), "x  ");                  /* trailing spaces kept at the end */
}

/* A real frame line at 80, 60 and 40 columns: every byte there, no line too wide. */
static void test_lossless(void)
{
	static const char *const lines[] = {
		"reply to EHLO: 250 (requested action okay, completed)  \"250-mx.example.net Hello "
		"client.example.org [192.0.2.10]\" (+7 lines)  [PSH,ACK] seq=33 ack=26 len=171 win=65152",
		"command MAIL  \"MAIL FROM:<j\xc3\xbcrgen.m\xc3\xbcller@b\xc3\xbc" "cher.example>\" "
		"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d  [PSH,ACK] seq=1",
		"\"250-AUTH=PLAIN_LOGIN_CRAM-MD5_XOAUTH2_DIGEST-MD5_NTLM_GSSAPI_SCRAM-SHA-256-PLUS\"  ack=9",
	};
	static const size_t widths[] = { 80, 60, 40 };
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		for (size_t k = 0; k < 3; k++) {
			const char *out = put(lines[i], 28, 28, widths[k]);
			CHECK_STR(nospace(out), nospace(lines[i]));
			CHECK(lines_fit(out, widths[k] - 28, widths[k]));
			/* wrap_next's lines, joined, are the line byte for byte */
			char joined[4096];
			size_t n = 0, len = strlen(lines[i]), room = widths[k] - 28;
			for (size_t off = 0, step; off < len; off += step) {
				step = wrap_next(lines[i] + off, len - off, room);
				memcpy(joined + n, lines[i] + off, step);
				n += step;
			}
			CHECK_MEM(joined, n, lines[i], len);
		}
}

static void test_pair(void)
{
	char buf[512];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	wrap_pair(f, 4, "role", "  ", "details here", NULL, 40, 4);   /* fits: one line */
	wrap_pair(f, 4, "role", "  ", "details here", NULL, 0, 4);    /* width 0: one line */
	wrap_pair(f, 4, "role", "  ", "details here and more", NULL, 24, 4);   /* folds */
	wrap_pair(f, 30, "role   ", " ", "details and more", NULL, 40, 30);  /* indent leaves 20 */
	fclose(f);
	CHECK_STR(buf, "role  details here\nrole  details here\nrole\n    details here and\n    more\n"
	          "role\n                    details and more\n");
}

int main(void)
{
	UNIT_RUN(test_cols);
	UNIT_RUN(test_next);
	UNIT_RUN(test_put);
	UNIT_RUN(test_lossless);
	UNIT_RUN(test_pair);
	return UNIT_DONE();
}
