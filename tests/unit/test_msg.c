/* test_msg.c - msg_build: headers, RFC 2047 subject, injection refusal,
 * raw mode. */
#include "msg.h"
#include "unit.h"

#include <stdlib.h>

static const char *const two[] = { "bob@example.org", "carol@example.net" };

static void base_opts(struct msg_opts *o)
{
	memset(o, 0, sizeof *o);
	o->from = "alice@example.com";
	o->to = two;
	o->nto = 2;
	o->subject = "Hello";
	o->body = "line one\nline two\r\n.dot\rend";
	o->body_len = strlen(o->body);
	o->date = 1700000000;           /* Tue, 14 Nov 2023 22:13:20 +0000 */
	o->message_id = "<1@example.com>";
}

static char *build(const struct msg_opts *o, size_t *n, char *err)
{
	return msg_build(o, n, err, 128);
}

static void test_plain(void)
{
	struct msg_opts o;
	base_opts(&o);
	size_t n;
	char err[128] = "";
	char *m = build(&o, &n, err);
	CHECK(m != NULL);
	if (!m)
		return;
	const char *want =
	        "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	        "From: alice@example.com\r\n"
	        "To: bob@example.org, carol@example.net\r\n"
	        "Subject: Hello\r\n"
	        "Message-ID: <1@example.com>\r\n"
	        "MIME-Version: 1.0\r\n"
	        "Content-Type: text/plain; charset=utf-8\r\n"
	        "Content-Transfer-Encoding: 8bit\r\n"
	        "\r\n"
	        "line one\r\nline two\r\n.dot\r\nend";
	CHECK_MEM(m, n, want, strlen(want));
	free(m);
}

static void test_generated_id_and_no_subject(void)
{
	struct msg_opts o;
	base_opts(&o);
	o.message_id = NULL;
	o.subject = NULL;
	size_t n;
	char err[128];
	char *m = build(&o, &n, err);
	CHECK(m && strstr(m, "Message-ID: <1700000000.") != NULL);
	CHECK(m && strstr(m, "@example.com>\r\n") != NULL);
	CHECK(m && strstr(m, "Subject:") == NULL);
	free(m);
	/* No domain in from: the HELO name is used. */
	o.from = "root";
	o.helo = "client.example";
	m = build(&o, &n, err);
	CHECK(m && strstr(m, "@client.example>\r\n") != NULL);
	free(m);
}

static void test_utf8_subject(void)
{
	struct msg_opts o;
	base_opts(&o);
	o.subject = "Gr\xc3\xbc\xc3\x9f""e";       /* "Grüße" */
	size_t n;
	char err[128];
	char *m = build(&o, &n, err);
	CHECK(m && strstr(m, "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n") != NULL);
	free(m);
	/* A long subject becomes several encoded-words of at most 75 chars,
	 * never splitting a character. */
	char longs[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(longs, "\xc3\xa9");               /* 80 bytes of "é" */
	o.subject = longs;
	m = build(&o, &n, err);
	CHECK(m != NULL);
	if (m) {
		const char *s = strstr(m, "Subject: ");
		const char *e = strstr(s, "\r\nMessage-ID");
		int ok = s && e, words = 0;
		for (const char *w = s; ok && (w = strstr(w, "=?UTF-8?B?")) && w < e; w++) {
			const char *end = strstr(w, "?=");
			ok &= end && end - w + 2 <= 75;
			words++;
		}
		CHECK(ok && words == 2);
		CHECK(strstr(s, "?=\r\n =?UTF-8?B?") != NULL);
		/* 44 bytes (22 chars) in the first word: 44 -> 60 base64 chars. */
		CHECK(strncmp(s + 9 + 10 + 60, "?=", 2) == 0);
	}
	free(m);
}

static void test_injection(void)
{
	struct msg_opts o;
	size_t n;
	char err[128];
	base_opts(&o);
	o.subject = "hi\r\nBcc: evil@example.com";
	CHECK(build(&o, &n, err) == NULL);
	CHECK_STR(err, "--subject: text contains a line break");
	base_opts(&o);
	o.from = "a@b\nX: y";
	CHECK(build(&o, &n, err) == NULL);
	CHECK_STR(err, "--from: address contains a line break");
	static const char *const bad[] = { "ok@x", "x@y\r" };
	base_opts(&o);
	o.to = bad;
	CHECK(build(&o, &n, err) == NULL);
	CHECK_STR(err, "--to: address contains a line break");
	/* RFC 5321 limits: found here, before connecting */
	char longto[100];
	memset(longto, 'a', 65);
	strcpy(longto + 65, "@example.org");
	const char *const lt[] = { longto };
	base_opts(&o);
	o.to = lt;
	CHECK(build(&o, &n, err) == NULL);
	CHECK(strstr(err, "--to: the local part of 'aaa") && strstr(err, "is 65 octets (RFC 5321 allows 64)"));
	CHECK(msg_header_value_ok("plain") == 0);
	CHECK(msg_header_value_ok("a\rb") == -1);
	CHECK(msg_header_value_ok(NULL) == -1);
}

static void test_raw(void)
{
	struct msg_opts o;
	base_opts(&o);
	o.raw = 1;
	o.body = "From: Alice <alice@example.com>\nSubject: mine\n\tcontinued\n\nbody\n";
	o.body_len = strlen(o.body);
	size_t n;
	char err[128];
	char *m = build(&o, &n, err);
	const char *want =
	        "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
	        "Message-ID: <1@example.com>\r\n"
	        "From: Alice <alice@example.com>\r\nSubject: mine\r\n\tcontinued\r\n\r\nbody\r\n";
	CHECK(m != NULL);
	if (m)
		CHECK_MEM(m, n, want, strlen(want));
	free(m);
	/* With Date and Message-ID given, nothing is added. */
	o.body = "Subject: x\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
	         "message-id: <z@q>\r\n\r\nhi\r\n";
	o.body_len = strlen(o.body);
	m = build(&o, &n, err);
	CHECK(m != NULL);
	if (m)
		CHECK_MEM(m, n, o.body, o.body_len);
	free(m);
	/* Not a header block (no empty line / not a field): full headers. */
	o.body = "Just text: with a colon\nand more\n";
	o.body_len = strlen(o.body);
	m = build(&o, &n, err);
	CHECK(m && strncmp(m, "Date: ", 6) == 0 && strstr(m, "From: alice@example.com\r\n"));
	free(m);
	o.body = "X-Note: no From or Subject\n\nbody\n";
	o.body_len = strlen(o.body);
	m = build(&o, &n, err);
	CHECK(m && strstr(m, "Subject: Hello\r\n") != NULL);
	free(m);
}

static void test_fold_to(void)
{
	static const char *const many[] = {
		"aaaaaaaaaaaaaaaa@example.com", "bbbbbbbbbbbbbbbb@example.com",
		"cccccccccccccccc@example.com", "dddddddddddddddd@example.com",
	};
	struct msg_opts o;
	base_opts(&o);
	o.to = many;
	o.nto = 4;
	size_t n;
	char err[128];
	char *m = build(&o, &n, err);
	CHECK(m != NULL);
	if (!m)
		return;
	/* Every header line is at most 78 characters. */
	int ok = 1;
	for (const char *p = m; *p && strncmp(p, "\r\n", 2) != 0;) {
		const char *e = strstr(p, "\r\n");
		ok &= e - p <= 78;
		p = e + 2;
	}
	CHECK(ok);
	CHECK(strstr(m, "To: aaaaaaaaaaaaaaaa@example.com, bbbbbbbbbbbbbbbb@example.com,\r\n"
	                " cccccccccccccccc@example.com,") != NULL);
	free(m);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_plain();
	test_generated_id_and_no_subject();
	test_utf8_subject();
	test_injection();
	test_raw();
	test_fold_to();
	return UNIT_DONE();
}
