/* test_mime_scan.c - the incremental part lister: messages the writer
 * builds, hand-made ones, and hostile input (depth, count, length caps). */
#include "mime.h"
#include "unit.h"

#include <stdlib.h>

/* Feed a CRLF (or LF) text line by line, then end. */
static void feed(struct mime_scan *s, const char *m, size_t n)
{
	mime_scan_init(s);
	for (size_t i = 0; i < n;) {
		const char *e = memchr(m + i, '\n', n - i);
		size_t len = e ? (size_t)(e - (m + i)) : n - i;
		size_t l2 = len && m[i + len - 1] == '\r' ? len - 1 : len;
		mime_scan_line(s, m + i, l2);
		i += len + (e ? 1 : 0);
	}
	mime_scan_end(s);
}

static void feed_str(struct mime_scan *s, const char *m)
{
	feed(s, m, strlen(m));
}

static void test_built(void)
{
	static unsigned char bin[3000], png[600];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 13);
	const char *text = "Gr\xc3\xbc\xc3\x9f" "e =\nline two\n";
	const char *html = "<p>hi</p>";
	struct mime_file inl = { "pic.png", png, sizeof png, "image/png" };
	struct mime_file att = { "d\xc3\xa4ten.bin", bin, sizeof bin, NULL };
	struct mime_opts o = { .text = text, .text_len = strlen(text), .html = html,
	                       .html_len = strlen(html), .inl = &inl, .ninl = 1,
	                       .att = &att, .natt = 1, .seed = 3 };
	char *m = NULL, err[128];
	size_t n = 0;
	FILE *f = open_memstream(&m, &n);
	fputs("Subject: x\r\n", f);
	CHECK(mime_write(f, &o, err, sizeof err) == 0);
	fclose(f);
	static struct mime_scan s;
	feed(&s, m, n);
	/* mixed( alternative( text, related( html, png ) ), bin ): the
	 * multiparts are listed too, before their parts */
	CHECK(s.nparts == 7 && s.dropped == 0 && s.too_deep == 0);
	CHECK_STR(s.part[0].type, "multipart/mixed");
	CHECK(s.part[0].multipart && s.part[0].depth == 0);
	CHECK_STR(s.part[1].type, "multipart/alternative");
	CHECK(s.part[1].multipart && s.part[1].depth == 1);
	CHECK_STR(s.part[2].type, "text/plain");
	CHECK_STR(s.part[2].charset, "utf-8");
	CHECK(s.part[2].size == strlen(text) + 2 && s.part[2].depth == 2);  /* LF -> CRLF */
	CHECK(s.part[2].encoding == MIME_TE_QP && s.part[2].wire > s.part[2].size);
	CHECK_STR(s.part[3].type, "multipart/related");
	CHECK_STR(s.part[4].type, "text/html");
	CHECK(s.part[4].size == strlen(html) && s.part[4].depth == 3 && !s.part[4].multipart);
	CHECK_STR(s.part[5].type, "image/png");
	CHECK_STR(s.part[5].name, "pic.png");
	CHECK_STR(s.part[5].content_id, "pic");
	CHECK(s.part[5].disposition == MIME_DISP_INLINE && s.part[5].encoding == MIME_TE_BASE64);
	/* base64 of 600 octets: 800 characters in 11 lines, CRLF after each */
	CHECK(s.part[5].size == sizeof png && s.part[5].wire == 800 + 11 * 2);
	CHECK_STR(s.part[6].type, "application/octet-stream");
	CHECK_STR(s.part[6].name, "d\xc3\xa4ten.bin");
	CHECK(s.part[6].size == sizeof bin && s.part[6].depth == 1);
	CHECK(s.part[6].disposition == MIME_DISP_ATTACHMENT);
	free(m);
}

static void test_single_and_fields(void)
{
	static struct mime_scan s;
	feed_str(&s, "Subject: x\r\n\r\nhello\r\nworld\r\n");
	CHECK(s.nparts == 1 && s.part[0].depth == 0 && s.part[0].size == 14);
	CHECK_STR(s.part[0].type, "text/plain");
	/* Folded Content-Type, RFC 2231 continuations, transport padding,
	 * quoted-printable size, a plain name overridden by filename. */
	feed_str(&s, "Content-Type: Multipart/Mixed;\n"
	             "\tboundary=\"b 1\"\n\npreamble\n--b 1  \n"
	             "Content-Type: application/pdf; name=\"fallback.pdf\"\n"
	             "Content-Disposition: attachment;\n filename*0*=utf-8''%C3%A9t;\n"
	             " filename*1*=%C3%A9.pdf\n"
	             "Content-Transfer-Encoding: Quoted-Printable\n\n"
	             "a=3Db=\nc\n--b 1--\nepilogue\n--b 1\nnot a part\n");
	CHECK(s.nparts == 2);
	CHECK_STR(s.part[1].type, "application/pdf");
	CHECK_STR(s.part[1].name, "\xc3\xa9t\xc3\xa9.pdf");
	CHECK(s.part[1].size == 4 && s.part[1].depth == 1 && s.part[1].wire == 9);
	feed_str(&s, "Content-Type: multipart/mixed; boundary=q\n\n--q\n"
	             "Content-Type: image/gif; name=\"only name.gif\"\n\nxx\n--q--\n");
	CHECK(s.nparts == 2 && !strcmp(s.part[1].name, "only name.gif") && s.part[1].size == 2);
	/* RFC 2047 encoded-words in a name (adjacent words join; Latin-1 to
	 * UTF-8), a Content-ID, an unknown encoding */
	feed_str(&s, "Content-Type: text/plain; name=\"=?utf-8?B?w6k=?= =?ISO-8859-1?Q?t=E9_x?=.txt\"\n"
	             "Content-ID:  <a@b> \nContent-Transfer-Encoding: x-uue\n\nab\n");
	CHECK_STR(s.part[0].name, "\xc3\xa9t\xc3\xa9 x.txt");
	CHECK_STR(s.part[0].content_id, "a@b");
	CHECK(s.part[0].encoding == MIME_TE_OTHER && s.part[0].size == 4);
	/* a line given in pieces (mime_scan_more) counts whole */
	mime_scan_init(&s);
	mime_scan_line(&s, "Content-Transfer-Encoding: base64", 33);
	mime_scan_line(&s, "", 0);
	mime_scan_line(&s, "QUJD", 4);
	mime_scan_more(&s, "REVG", 4);
	mime_scan_end(&s);
	CHECK(s.part[0].size == 6 && s.part[0].wire == 10);
	/* No Content-Type, or a broken one: text/plain. */
	feed_str(&s, "Content-Type: ;;\n\nx\n");
	CHECK_STR(s.part[0].type, "text/plain");
}

static char *repeat(const char *unit, int times, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail);
	char *p = malloc(ul * (size_t)times + tl + 1);
	for (int i = 0; i < times; i++)
		memcpy(p + ul * (size_t)i, unit, ul);
	memcpy(p + ul * (size_t)times, tail, tl + 1);
	return p;
}

static void test_hostile(void)
{
	static struct mime_scan s;
	/* 20 nested multiparts: 8 followed, the rest are leaves. */
	char *m = malloc(20 * 64 + 8), *w = m;
	for (int i = 0; i < 20; i++)
		w += sprintf(w, "Content-Type: multipart/mixed; boundary=z%d\n\n--z%d\n", i, i);
	strcpy(w, "\nx\n");
	feed_str(&s, m);
	CHECK(s.too_deep == 1 && s.nparts == MIME_SCAN_DEPTH + 1 && s.nbnd == MIME_SCAN_DEPTH);
	free(m);
	/* 100 parts: the multipart and 63 recorded, 37 counted. */
	char *body = repeat("--p\nContent-Type: text/x-a\n\nbody\n", 100, "--p--\n");
	m = malloc(strlen(body) + 64);
	sprintf(m, "Content-Type: multipart/mixed; boundary=p\n\n%s", body);
	feed_str(&s, m);
	CHECK(s.nparts == MIME_SCAN_PARTS && s.dropped == 37);
	free(m);
	free(body);
	/* An endless header field and a long name: cut, never overrun. */
	char *name = repeat("n", 5000, "\"\n\nx\n");
	m = malloc(strlen(name) + 64);
	sprintf(m, "Content-Type: image/png; name=\"%s", name);
	feed_str(&s, m);
	CHECK(s.nparts == 1 && s.part[0].name_cut == 1 && strlen(s.part[0].name) == 127);
	free(m);
	sprintf(name, "Content-Disposition: inline; filename=\"%0200d\"\n\nx\n", 7);
	feed_str(&s, name);
	CHECK(s.nparts == 1 && s.part[0].name_cut == 1 && strlen(s.part[0].name) == 127);
	/* A boundary too long to keep is not followed. */
	sprintf(name, "Content-Type: multipart/mixed; boundary=%090d\n\n--x\n", 1);
	feed_str(&s, name);
	CHECK(s.nparts == 1 && s.nbnd == 0);
	free(name);
	/* Garbage bytes, NULs, lone dashes. */
	static const char junk[] = "\0\0--\n--\n\xff\xfe:\n\n--\n=\n";
	feed(&s, junk, sizeof junk - 1);
	CHECK(s.nparts == 1);
}

/* Random lines drawn from MIME-ish pieces: never a crash, caps hold. */
static void test_random(void)
{
	static const char *const bits[] = {
		"--a", "--a--", "--b", "Content-Type: multipart/mixed; boundary=a",
		"Content-Type: multipart/x; boundary=\"b\"", " ;name*0*=x''%4", "", "\t=",
		"Content-Transfer-Encoding: base64", "Content-Disposition: a; filename=\"",
		"QUJD", "=4", "=\xff", "\"\\",
	};
	static struct mime_scan s;
	unsigned x = 12345;
	int ok = 1;
	for (int round = 0; round < 300; round++) {
		mime_scan_init(&s);
		char line[256];
		for (int i = 0; i < 200; i++) {
			size_t n = 0;
			for (int k = (int)((x = x * 1103515245 + 12345) >> 16) % 4; k >= 0; k--) {
				const char *b = bits[((x = x * 1103515245 + 12345) >> 16) % 14];
				size_t bl = strlen(b);
				if (n + bl < sizeof line)
					memcpy(line + n, b, bl), n += bl;
			}
			mime_scan_line(&s, line, n);
		}
		mime_scan_end(&s);
		ok &= s.nparts <= MIME_SCAN_PARTS && s.nbnd <= MIME_SCAN_DEPTH;
	}
	CHECK(ok);
}

int main(void)
{
	test_random();
	test_built();
	test_single_and_fields();
	test_hostile();
	return UNIT_DONE();
}
