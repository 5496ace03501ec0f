/* test_mime.c - the MIME writer: encoders, structure, limits, and a round
 * trip through Python's email package (tests/lib/mime_check.py). */
#include "mime.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

/* Run fn(f, arg) into a memory stream; return the NUL-terminated text. */
static char *mem(void (*fn)(FILE *, const void *), const void *arg, size_t *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, arg);
	fclose(f);
	if (n)
		*n = len;
	return buf;
}

static int all_lines_at_most(const char *s, size_t max)
{
	for (const char *p = s; *p;) {
		const char *e = strstr(p, "\r\n");
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > max)
			return 0;
		if (!e)
			break;
		p = e + 2;
	}
	return 1;
}

static void expect(void (*fn)(FILE *, const void *), const char *arg, const char *want)
{
	char *s = mem(fn, arg, NULL);
	CHECK_STR(s, want);
	free(s);
}

static void b64_of(FILE *f, const void *a) { mime_put_base64(f, a, strlen(a)); }
static void qp_of(FILE *f, const void *a) { mime_put_qp(f, a, strlen(a)); }

static void test_base64(void)
{
	expect(b64_of, "Man", "TWFu\r\n");
	char *s, in[200];
	memset(in, 'x', sizeof in - 1);
	in[sizeof in - 1] = 0;
	s = mem(b64_of, in, NULL);
	/* 199 octets: 57+57+57+28 -> three 76-column lines and one of 40. */
	CHECK(s && strlen(s) == 3 * 78 + 40 + 2);
	CHECK(s && s[76] == '\r' && s[77] == '\n');
	CHECK(all_lines_at_most(s, 76));
	free(s);
}

static void test_qp(void)
{
	expect(qp_of, "a=b\nx \nGr\xc3\xbc\xc3\x9f" "e\r\n\tend\t",
	       "a=3Db\r\nx=20\r\nGr=C3=BC=C3=9Fe\r\n\tend=09");
	char *s, in[300];
	memset(in, 'a', sizeof in - 1);
	in[sizeof in - 1] = 0;
	in[74] = '=';          /* an escape that would straddle column 76 */
	s = mem(qp_of, in, NULL);
	CHECK(s && all_lines_at_most(s, 76));
	CHECK(s && strstr(s, "=\r\n=3D") != NULL);
	free(s);
}

static void field_of(FILE *f, const void *a) { mime_put_text_field(f, "Subject", a); }
static void mbox_of(FILE *f, const void *a) { mime_put_mailbox_field(f, "From", a); }
static void param_of(FILE *f, const void *a) { mime_put_param(f, "filename", a); }

static void test_headers(void)
{
	expect(field_of, "Hello", "Subject: Hello\r\n");
	expect(field_of, "Gr\xc3\xbc\xc3\x9f" "e", "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n");
	expect(mbox_of, "\"J\xc3\xb6rg\" <j@example.org>",
	       "From: =?UTF-8?B?SsO2cmc=?= <j@example.org>\r\n");
	expect(mbox_of, "Alice <a@example.org>", "From: Alice <a@example.org>\r\n");
	expect(param_of, "report.pdf", ";\r\n filename=\"report.pdf\"");
	expect(param_of, "\xc3\xa9t\xc3\xa9 1.pdf", ";\r\n filename*0*=utf-8''%C3%A9t%C3%A9%201.pdf");
	char *s, longname[200];
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	s = mem(param_of, longname, NULL);
	CHECK(s && strstr(s, "filename*3*=") && !strstr(s, "filename*4*="));
	CHECK(s && all_lines_at_most(s, 78));
	free(s);
}

struct built { const struct mime_opts *o; };
static void write_of(FILE *f, const void *a)
{
	char err[128];
	mime_write(f, ((const struct built *)a)->o, err, sizeof err);
}

static char *build(const struct mime_opts *o, size_t *n)
{
	struct built b = { o };
	return mem(write_of, &b, n);
}

static void test_text_encodings(void)
{
	struct mime_opts o = { .text = "plain\n", .text_len = 6, .seed = 1 };
	char *s = build(&o, NULL);
	CHECK_STR(s, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	             "Content-Transfer-Encoding: 7bit\r\n\r\nplain\r\n");
	free(s);
	o.text = "\xc3\xa9\n";
	o.text_len = 3;
	s = build(&o, NULL);
	CHECK(s && strstr(s, "quoted-printable\r\n\r\n=C3=A9\r\n"));
	CHECK(!mime_needs_8bit(&o));
	free(s);
	o.eightbit = 1;
	s = build(&o, NULL);
	CHECK(s && strstr(s, "8bit\r\n\r\n\xc3\xa9\r\n"));
	CHECK(mime_needs_8bit(&o));
	free(s);
	/* A 2000-octet line is never sent as is, even with 8BITMIME. */
	char *big = malloc(2001);
	memset(big, 'z', 2000);
	big[2000] = 0;
	o.text = big;
	o.text_len = 2000;
	s = build(&o, NULL);
	CHECK(s && strstr(s, "quoted-printable") && all_lines_at_most(s, 998));
	free(s);
	free(big);
}

static void test_boundary_collision(void)
{
	static const unsigned char bin[] = { 0, 1, 2 };
	struct mime_file att = { "a.bin", bin, 3, NULL };
	struct mime_opts o = { .text = "x", .text_len = 1, .att = &att, .natt = 1, .seed = 7 };
	char *s = build(&o, NULL);
	const char *b = s ? strstr(s, "boundary=\"") : NULL;
	CHECK(b != NULL);
	if (!b) {
		free(s);
		return;
	}
	/* Put that very boundary line into the text: another one is drawn. */
	char text[64];
	snprintf(text, sizeof text, "--%.20s\n", b + 10);
	o.text = text;
	o.text_len = strlen(text);
	char *s2 = build(&o, NULL);
	const char *b2 = s2 ? strstr(s2, "boundary=\"") : NULL;
	CHECK(b2 && strncmp(b + 10, b2 + 10, 20) != 0);
	CHECK(b2 && !strstr(text, b2 + 10 + 0) && memcmp(text + 2, b2 + 10, 20) != 0);
	free(s);
	free(s2);
}

static void test_errors(void)
{
	static const unsigned char px[] = { 1 };
	struct mime_file img[2] = { { "pic.png", px, 1, "image/png" }, { "pic.jpg", px, 1, NULL } };
	struct mime_opts o = { .text = "x", .text_len = 1, .inl = img, .ninl = 1 };
	char err[128] = "";
	FILE *f = fopen("/dev/null", "w");
	CHECK(mime_write(f, &o, err, sizeof err) == -1);
	CHECK_STR(err, "--inline: an inline image needs --html-file to show it");
	o.html = "<p>";
	o.html_len = 3;
	o.ninl = 2;
	CHECK(mime_write(f, &o, err, sizeof err) == -1);
	CHECK_STR(err, "--inline: two images would both be cid:pic");
	o.ninl = 1;
	CHECK(mime_write(f, &o, err, sizeof err) == 0);
	struct mime_file bad = { "a", px, 1, "text/plain; x=\"y\"" };
	o.att = &bad;
	o.natt = 1;
	CHECK(mime_write(f, &o, err, sizeof err) == -1);
	CHECK(strncmp(err, "--attach-type: ", 15) == 0);
	fclose(f);
}

static void test_guess_type(void)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
	                                     0, 0, 0, 13, 'I', 'H', 'D', 'R',
	                                     0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0 };
	char buf[64];
	CHECK_STR(mime_guess_type(png, sizeof png, buf, sizeof buf), "image/png");
	static const unsigned char junk[] = { 0xff, 0x00, 0x13, 0x37, 0xfe, 0x01 };
	const char *t = mime_guess_type(junk, sizeof junk, buf, sizeof buf);
	CHECK(t && strchr(t, '/') != NULL);
}

/* ---- round trip through Python's email package ---- */

static int put_file(const char *dir, const char *name, const void *p, size_t n, char *path)
{
	snprintf(path, 256, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(p, 1, n, f);
	return fclose(f);
}

static const char *const SUBJ = "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln \xe2\x80\x94 "
                                "a subject long enough to need two encoded-words";

/* Build a message with every kind of part into dir/msg.eml. */
static int write_message(const char *dir, int eightbit, char paths[5][256])
{
	static unsigned char bin[3000], png[600];
	for (size_t i = 0; i < sizeof bin; i++)
		bin[i] = (unsigned char)(i * 7 + (i >> 8));
	memcpy(png, "\x89PNG\r\n\x1a\n", 8);
	for (size_t i = 8; i < sizeof png; i++)
		png[i] = (unsigned char)(i ^ 0x5a);
	char text[1400] = "Hello \xc3\xa9l\xc3\xa8ve,\n.leading dot\nFrom here\r\ntrail \n";
	size_t tl = strlen(text);
	memset(text + tl, 'L', 1100);                   /* a line over 998 octets */
	tl += 1100;
	const char *html = "<html><body><p>Gr\xc3\xbc\xc3\x9f" "e</p>"
	                   "<img src=\"cid:pic\"></body></html>\n";
	int bad = put_file(dir, "text.txt", text, tl, paths[0]) |
	          put_file(dir, "page.html", html, strlen(html), paths[1]) |
	          put_file(dir, "pic.png", png, sizeof png, paths[2]) |
	          put_file(dir, "d\xc3\xa4ten \xe2\x80\x94 bin\xc3\xa4r.bin", bin, sizeof bin, paths[3]);
	struct mime_file inl = { "pic.png", png, sizeof png, "image/png" };
	struct mime_file att = { "d\xc3\xa4ten \xe2\x80\x94 bin\xc3\xa4r.bin", bin, sizeof bin, NULL };
	struct mime_opts o = { .text = text, .text_len = tl, .html = html, .html_len = strlen(html),
	                       .inl = &inl, .ninl = 1, .att = &att, .natt = 1, .eightbit = eightbit };
	snprintf(paths[4], 256, "%s/msg.eml", dir);
	FILE *f = fopen(paths[4], "wb");
	if (!f || bad)
		return -1;
	mime_put_mailbox_field(f, "From", "J\xc3\xb6rg M\xc3\xbcller <j@example.org>");
	fputs("To: bob@example.org\r\n", f);
	mime_put_text_field(f, "Subject", SUBJ);
	char err[128];
	int rc = mime_write(f, &o, err, sizeof err);
	return fclose(f) | rc;
}

static void test_round_trip(void)
{
	const char *checker = "tests/lib/mime_check.py";
	if (system("command -v python3 >/dev/null 2>&1") != 0 || access(checker, R_OK) != 0) {
		fprintf(stderr, "test_mime: python3 or %s missing: round trip skipped\n", checker);
		return;
	}
	for (int eightbit = 0; eightbit < 2; eightbit++) {
		char dir[] = "/tmp/st-mime-XXXXXX", paths[5][256], cmd[2048];
		CHECK(mkdtemp(dir) != NULL);
		CHECK(write_message(dir, eightbit, paths) == 0);
		snprintf(cmd, sizeof cmd, "python3 %s -q '%s' --subject '%s' --from '%s' --text '%s' "
		         "--html '%s' --inline '%s' --attach '%s' >&2", checker, paths[4], SUBJ,
		         "J\xc3\xb6rg M\xc3\xbcller <j@example.org>", paths[0], paths[1], paths[2],
		         paths[3]);
		CHECK(system(cmd) == 0);
		if (getenv("KEEP")) continue;
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		CHECK(system(cmd) == 0);
	}
}

int main(void)
{
	test_base64();
	test_qp();
	test_headers();
	test_text_encodings();
	test_boundary_collision();
	test_errors();
	test_guess_type();
	test_round_trip();
	return UNIT_DONE();
}
