/* test_client_ext.c - the client and EHLO extensions: --pipeline (RFC
 * 2920), SIZE (RFC 1870), 8BITMIME's message variant (RFC 6152), SMTPUTF8
 * (RFC 6531), --quit-after at each stage. */
#include "fake-smtp.h"

static const char *const ehlo_all =
        "S250-mx\r\n250-PIPELINING\r\n250-SIZE 100000\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n";

/* Run against script; check the exit code and the verbs/reply codes. */
static void run(const char *const *s, struct client_opts *o, int want_rc, const char *verbs,
                struct client_result *r, struct fake *f, char **tr)
{
	int rc = run_pair(s, o, r, f, tr);
	CHECK(rc == want_rc);
	if (rc != want_rc)
		fprintf(stderr, "  rc %d, error: %s\n", rc, r->error);
	verbs_are(r, verbs);
}

static void done(struct client_result *r, char *tr)
{
	client_result_free(r);
	free(tr);
}

static void test_pipeline(void)
{
	const char *const s[] = {
		"S220 hi\r\n", "R", ehlo_all, "R", "R", "R", "R",
		"S250 ok\r\n550 no such user\r\n250 ok\r\n354 go\r\n",
		"D", "S250 queued\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	o.to = two;
	o.nto = 2;
	o.pipeline = 1;
	run(s, &o, EX_RCPT, "EHLO/250 MAIL/250 RCPT/550 RCPT/250 DATA/354 ./250 QUIT/221",
	    &r, &f, &tr);
	check_records(&r, &f);
	char want[128];
	snprintf(want, sizeof want, "MAIL FROM:<alice@example.com> SIZE=%zu\r\nRCPT TO:<bad@"
	         "example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n", o.msg_len);
	CHECK(strstr(f.got, want) != NULL);
	CHECK(strstr(r.error, "RCPT TO:<bad@example.org> rejected: 550 no such user") != NULL);
	done(&r, tr);

	/* MAIL refused: the RCPT and DATA replies are still read, then QUIT. */
	const char *const s2[] = {
		"S220 hi\r\n", "R", ehlo_all, "R", "R", "R",
		"S550 go away\r\n503 need MAIL\r\n503 need RCPT\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	opts_init(&o, NULL);
	o.pipeline = 1;
	run(s2, &o, EX_MAIL, "EHLO/250 MAIL/550 RCPT/503 DATA/503 QUIT/221", &r, &f, &tr);
	CHECK(strstr(r.error, "MAIL FROM:<alice@example.com> rejected: 550 go away") != NULL);
	CHECK(r.stage == STAGE_MAIL);
	done(&r, tr);

	/* Not offered: a clear error, QUIT. */
	const char *const s3[] = {
		"S220 hi\r\n", "R", "S250 mx\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	opts_init(&o, NULL);
	o.pipeline = 1;
	run(s3, &o, EX_EXTENSION, "EHLO/250 QUIT/221", &r, &f, &tr);
	CHECK_STR(r.error, "--pipeline: the server does not offer PIPELINING");
	CHECK(r.stage == STAGE_MAIL);
	done(&r, tr);
}

static void test_size_utf8_8bit(void)
{
	const char *const small[] = {
		"S220 hi\r\n", "R", "S250-mx\r\n250 SIZE 10\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	run(small, &o, EX_EXTENSION, "EHLO/250 QUIT/221", &r, &f, &tr);
	char want[128];
	snprintf(want, sizeof want, "the message is %zu octets; the server takes at most 10 "
	         "(SIZE, RFC 1870)", o.msg_len);
	CHECK_STR(r.error, want);
	done(&r, tr);

	static const char *const utf8_to[] = { "b\xc3\xb6" "b@example.org" };
	const char *const plain[] = {
		"S220 hi\r\n", "R", "S250 mx\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	opts_init(&o, NULL);
	o.to = utf8_to;
	run(plain, &o, EX_EXTENSION, "EHLO/250 QUIT/221", &r, &f, &tr);
	CHECK_STR(r.error, "an address is not ASCII and the server does not offer SMTPUTF8 "
	          "(RFC 6531)");
	done(&r, tr);

	const char *const full[] = {
		"S220 hi\r\n", "R", ehlo_all, "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S354 go\r\n", "D", "S250 ok\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	static const char m8[] = "Subject: 8\r\n\r\nGr\xc3\xbc\xc3\x9f" "e\r\n";
	opts_init(&o, NULL);
	o.to = utf8_to;
	o.msg8 = m8;
	o.msg8_len = sizeof m8 - 1;
	run(full, &o, 0, "EHLO/250 MAIL/250 RCPT/250 DATA/354 ./250 QUIT/221", &r, &f, &tr);
	snprintf(want, sizeof want, "MAIL FROM:<alice@example.com> SIZE=%zu BODY=8BITMIME "
	         "SMTPUTF8\r\n", sizeof m8 - 1);
	CHECK(strstr(f.got, want) != NULL);
	CHECK(strstr(f.got, m8) != NULL);
	done(&r, tr);

	/* Without 8BITMIME the 7bit message goes, with no BODY parameter. */
	const char *const no8[] = {
		"S220 hi\r\n", "R", "S250 mx\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S354 go\r\n", "D", "S250 ok\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	opts_init(&o, NULL);
	o.msg8 = m8;
	o.msg8_len = sizeof m8 - 1;
	run(no8, &o, 0, "EHLO/250 MAIL/250 RCPT/250 DATA/354 ./250 QUIT/221", &r, &f, &tr);
	CHECK(strstr(f.got, "MAIL FROM:<alice@example.com>\r\n") != NULL);
	CHECK(strstr(f.got, "..hidden dot") != NULL && !strstr(f.got, "Gr\xc3\xbc"));
	done(&r, tr);
}

static void test_quit_after(void)
{
	static const struct {
		int q;
		const char *verbs;
	} cases[] = {
		{ QUIT_AFTER_CONNECT, "QUIT/221" },
		{ QUIT_AFTER_GREETING, "QUIT/221" },
		{ QUIT_AFTER_EHLO, "EHLO/250 QUIT/221" },
		{ QUIT_AFTER_TLS, "EHLO/250 QUIT/221" },
		{ QUIT_AFTER_AUTH, "EHLO/250 QUIT/221" },
		{ QUIT_AFTER_MAIL, "EHLO/250 MAIL/250 QUIT/221" },
		{ QUIT_AFTER_RCPT, "EHLO/250 MAIL/250 RCPT/250 QUIT/221" },
		{ QUIT_AFTER_DATA, "EHLO/250 MAIL/250 RCPT/250 DATA/354 ./250 QUIT/221" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		static const char *const s[] = { "S220 hi\r\n", "A", NULL };
		struct client_opts o;
		struct client_result r;
		struct fake f;
		char *tr;
		opts_init(&o, NULL);
		o.quit_after = cases[i].q;
		run_pair(s, &o, &r, &f, &tr);
		verbs_are(&r, cases[i].verbs);
		CHECK(r.exit_code == 0 && r.stage == STAGE_DONE);
		char said[64];
		snprintf(said, sizeof said, "--quit-after %s: stopping here",
		         client_quit_after_name(cases[i].q));
		CHECK(cases[i].q == QUIT_AFTER_DATA || strstr(tr, said) != NULL);
		done(&r, tr);
	}
	CHECK(client_quit_after_parse("RCPT") == QUIT_AFTER_RCPT);
	CHECK(client_quit_after_parse("body") == -1);
}

/* With AUTH (client-auth.c): AUTH after EHLO, then the pipelined group;
 * --quit-after tls stops before AUTH, --quit-after auth after it. */
static void test_auth_order(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250-mx\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n",
		"R", "S235 ok\r\n", "R", "R", "R", "S250 ok\r\n250 ok\r\n354 go\r\n",
		"D", "S250 queued\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	o.auth.user = "bob";
	o.auth.secret = "s3cret";
	o.auth.allow_plaintext = 1;
	o.pipeline = 1;
	run(s, &o, 0, "EHLO/250 AUTH/235 MAIL/250 RCPT/250 DATA/354 ./250 QUIT/221", &r, &f, &tr);
	const char *auth = strstr(f.got, "AUTH PLAIN "), *mail = strstr(f.got, "MAIL FROM:");
	CHECK(auth && mail && auth < mail);
	CHECK(strstr(f.got, "MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.org>\r\n"
	             "DATA\r\n") != NULL);
	done(&r, tr);

	static const char *const a[] = {
		"S220 hi\r\n", "R", "S250-mx\r\n250 AUTH PLAIN\r\n", "R", "S235 ok\r\n",
		"R", "S221 bye\r\n", "E", NULL,
	};
	opts_init(&o, NULL);
	o.auth.user = "bob";
	o.auth.secret = "s3cret";
	o.auth.allow_plaintext = 1;
	o.quit_after = QUIT_AFTER_AUTH;
	run(a, &o, 0, "EHLO/250 AUTH/235 QUIT/221", &r, &f, &tr);
	CHECK(strstr(tr, "--quit-after auth: stopping here") != NULL);
	done(&r, tr);

	static const char *const t[] = {
		"S220 hi\r\n", "R", "S250-mx\r\n250 AUTH PLAIN\r\n", "R", "S221 bye\r\n",
		"E", NULL,
	};
	opts_init(&o, NULL);
	o.auth.user = "bob";
	o.auth.secret = "s3cret";
	o.auth.allow_plaintext = 1;
	o.quit_after = QUIT_AFTER_TLS;
	run(t, &o, 0, "EHLO/250 QUIT/221", &r, &f, &tr);
	CHECK(strstr(f.got, "AUTH") == NULL);
	CHECK(strstr(tr, "--quit-after tls: stopping here") != NULL);
	done(&r, tr);
}

int main(void)
{
	test_pipeline();
	test_size_utf8_8bit();
	test_quit_after();
	test_auth_order();
	return UNIT_DONE();
}
