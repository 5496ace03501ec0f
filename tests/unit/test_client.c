/* test_client.c - client_run against a scripted fake server in a thread,
 * over a socketpair or a 127.0.0.1 listener (loopback only). */
#include "client.h"
#include "client-reply.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fake-smtp.h"

static void test_ok_split_greeting(void)
{
	static const char *const s[] = {
		"S2", "W", "S20 mx.example", "W", "S ESMTP\r", "W", "S\n",
		"R", "S250-mx.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
		"R", "S250\r\n",                       /* bare code */
		"R", "S250 2.1.5 ok\r\n", "R", "S354 go\r\n",
		"D", "S250 2.0.0 queued\r\n", "R", "S221 2.0.0 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == 0);
	CHECK_STR(r.error, "");
	CHECK(r.stage == STAGE_DONE && r.last_code == 221 && r.rcpt_accepted == 1);
	verbs_are(&r, "EHLO/250 MAIL/250 RCPT/250 DATA/354 ./250 QUIT/221");
	check_records(&r, &f);
	CHECK(strstr(f.got, "\r\n..hidden dot\r\n") != NULL);
	CHECK(strstr(tr, "<-  220 mx.example ESMTP\n") != NULL);
	CHECK(strstr(tr, " -> MAIL FROM:<alice@example.com>\n<-  250\n") != NULL);
	CHECK(strstr(tr, " -> ..hidden dot\n -> bye\n -> .\n") != NULL);
	CHECK(r.t_connected > 0 && r.t_quit >= r.t_connected);
	client_result_free(&r);
	free(tr);
}

/* A server that sends its replies before being asked is stopped at the
 * first reply: the rest would be paired with the wrong commands. */
static void test_replies_in_one_write(void)
{
	static const char *const s[] = {
		"S220 hi\r\n250-x\r\n250 ok\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_PROTOCOL);
	CHECK_STR(r.error, "unexpected data after the greeting, before our next command: \"250-x\"");
	CHECK(r.stage == STAGE_GREETING && r.nsent == 0 && f.got_len == 0);
	client_result_free(&r);
	free(tr);

	/* Two replies to EHLO in one write: the second is not MAIL's. */
	static const char *const s2[] = {
		"S220 hi\r\n", "R", "S250 surprise\r\n250-mx\r\n250 8BITMIME\r\n", "E", NULL,
	};
	opts_init(&o, NULL);
	CHECK(run_pair(s2, &o, &r, &f, &tr) == EX_PROTOCOL);
	CHECK_STR(r.error, "unexpected data after the reply to EHLO, before our next command: "
	          "\"250-mx\"");
	verbs_are(&r, "EHLO/0");
	client_result_free(&r);
	free(tr);
}

/* RFC 5321 4.2.1: a multi-line reply whose codes differ is a refusal. */
static void test_mixed_codes(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S250-looks ok\r\n550 actually no\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_RCPT);
	CHECK_STR(r.error, "RCPT TO:<bob@example.org> rejected: 250/550 looks ok actually no "
	          "(mixed reply codes)");
	CHECK(r.rcpt_accepted == 0 && r.rcpt_rejected == 1);
	verbs_are(&r, "EHLO/250 MAIL/250 RCPT/550 QUIT/221");
	client_result_free(&r);
	free(tr);
}

/* Continuation lines without end: stopped at RR_REPLY_LINES lines. */
static void test_flood(void)
{
	static char flood[20 * 1100 + 1];
	for (int i = 0; i < 1100; i++)
		memcpy(flood + i * 20, "250-xxxxxxxxxxxxxx\r\n", 20);
	char *step = malloc(sizeof flood + 1);
	step[0] = 'S';
	memcpy(step + 1, flood, sizeof flood);
	const char *s[] = { "S220 hi\r\n", "R", step, "E", NULL };
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_PROTOCOL);
	CHECK_STR(r.error, "reply longer than 1000 lines while waiting for the reply to EHLO");
	CHECK(r.stage == STAGE_EHLO);
	client_result_free(&r);
	free(tr);

	/* One line without end. */
	memset(step + 1, 'x', 5000);
	memcpy(step + 1, "250 ", 4);
	step[5001] = '\0';
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_PROTOCOL);
	CHECK_STR(r.error, "reply line longer than 2048 bytes while waiting for the reply to EHLO");
	client_result_free(&r);
	free(tr);
	free(step);
}

/* Escapes, raw C1, UTF-8 C1 and bidi overrides never reach the transcript. */
static void test_hostile_text(void)
{
	static const char *const s[] = {
		"S220 hi \x1b]52;c;aGk=\x07 \x9b" "31m \xc2\x9b \xe2\x80\xae" "abc\r\n",
		"R", "S421 \x1b[2J no\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_HELO);
	CHECK(strchr(tr, 0x1b) == NULL && strchr(tr, 0x07) == NULL && strchr(tr, (char)0x9b) == NULL);
	CHECK(strstr(tr, "\xe2\x80\xae") == NULL && strstr(tr, "\xc2\x9b") == NULL);
	CHECK(strstr(tr, "<-  220 hi \\x1b]52;c;aGk=\\x07 \\x9b31m") != NULL);
	CHECK(strchr(r.error, 0x1b) == NULL);
	CHECK_STR(r.error, "EHLO client.test rejected: 421 \\x1b[2J no");
	client_result_free(&r);
	free(tr);
}

/* The EHLO reply's extensions end up in the result. */
static void test_caps(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R",
		"S250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8bitmime\r\n"
		"250-STARTTLS\r\n250-AUTH PLAIN login X-bad!\r\n250-CHUNKING\r\n250-DSN\r\n"
		"250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES\r\n",
		"R", "S250 ok\r\n", "R", "S250 ok\r\n", "R", "S354 go\r\n",
		"D", "S250 ok\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	o.tls.mode = CLIENT_TLS_NO;     /* STARTTLS is offered: used by default */
	CHECK(run_pair(s, &o, &r, &f, &tr) == 0);
	CHECK(r.got_ehlo == 1 && r.caps.size == 10240000);
	CHECK(strstr(tr, "=== STARTTLS offered, not used (--no-starttls)\n") != NULL);
	CHECK(r.caps.flags == (SMTP_CAP_PIPELINING | SMTP_CAP_SIZE | SMTP_CAP_8BITMIME |
	      SMTP_CAP_STARTTLS | SMTP_CAP_AUTH | SMTP_CAP_CHUNKING | SMTP_CAP_DSN |
	      SMTP_CAP_SMTPUTF8 | SMTP_CAP_ENHANCEDSTATUSCODES));
	CHECK_STR(r.caps.auth, "PLAIN LOGIN");
	client_result_free(&r);
	free(tr);
}

/* RFC 5321 4.5.3.1 limits, before anything is sent. */
static void test_check_args(void)
{
	char local[80], domain[300], err[200];
	memset(local, 'a', 65);
	strcpy(local + 65, "@example.org");
	memset(domain, 'd', 258);
	memcpy(domain, "x@", 2);
	domain[258] = '\0';          /* a domain of 256 octets */
	struct client_opts o;
	opts_init(&o, NULL);
	CHECK(client_check_args(&o, err, sizeof err) == 0 && err[0] == '\0');
	const char *to[1] = { local };
	o.to = to;
	CHECK(client_check_args(&o, err, sizeof err) == EX_USAGE_);
	CHECK(strstr(err, "--to: the local part of 'aaaa") && strstr(err, "is 65 octets (RFC 5321 allows 64)"));
	to[0] = domain;
	CHECK(client_check_args(&o, err, sizeof err) == EX_USAGE_);
	CHECK(strstr(err, "the domain of 'x@ddd") != NULL);
	memcpy(domain, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx@", 38);
	domain[255] = '\0';          /* a path of 257 octets */
	CHECK(client_check_args(&o, err, sizeof err) == EX_USAGE_);
	CHECK(strstr(err, "is 255 octets (RFC 5321 allows 256 with the angle brackets)") != NULL);
	domain[254] = '\0';          /* 256: just fits */
	CHECK(client_check_args(&o, err, sizeof err) == 0);
	o.to = one;
	o.from = domain + 1;
	domain[254] = 'd';
	CHECK(client_check_args(&o, err, sizeof err) == 0);
	o.from = "";                   /* the null reverse-path */
	CHECK(client_check_args(&o, err, sizeof err) == 0);

	/* client_run refuses too, before the greeting is read. */
	static const char *const quiet[] = { "E", NULL };
	struct client_result r;
	struct fake f;
	char *tr;
	to[0] = local;
	o.to = to;
	o.from = "a@b";
	CHECK(run_pair(quiet, &o, &r, &f, &tr) == EX_USAGE_);
	CHECK(f.got_len == 0 && strstr(r.error, "local part") != NULL);
	client_result_free(&r);
	free(tr);
}

static void test_helo_fallback(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S502 5.5.1 EHLO not implemented\r\n", "R", "S250 hello\r\n",
		"R", "S250 ok\r\n", "R", "S250 ok\r\n", "R", "S354 go\r\n",
		"D", "S250 ok\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == 0);
	CHECK(r.used_helo == 1);
	verbs_are(&r, "EHLO/502 HELO/250 MAIL/250 RCPT/250 DATA/354 ./250 QUIT/221");
	CHECK(strstr(tr, "<** 502 5.5.1 EHLO not implemented\n -> HELO client.test\n") != NULL);
	check_records(&r, &f);
	client_result_free(&r);
	free(tr);
}

static void test_one_rcpt_rejected(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S550 5.1.1 user unknown\r\n", "R", "S250 ok\r\n", "R", "S354 go\r\n",
		"D", "S250 ok\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	o.to = two;
	o.nto = 2;
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_RCPT);
	CHECK_STR(r.error, "1 of 2 recipients rejected: RCPT TO:<bad@example.org> rejected: "
	          "550 5.1.1 user unknown; message sent to the others");
	CHECK(r.rcpt_accepted == 1 && r.rcpt_rejected == 1 && r.stage == STAGE_DONE);
	verbs_are(&r, "EHLO/250 MAIL/250 RCPT/550 RCPT/250 DATA/354 ./250 QUIT/221");
	check_records(&r, &f);
	client_result_free(&r);
	free(tr);
}

static void test_all_rcpt_rejected(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S550 5.1.1 user unknown\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_RCPT);
	CHECK_STR(r.error, "RCPT TO:<bob@example.org> rejected: 550 5.1.1 user unknown");
	CHECK(r.stage == STAGE_RCPT);
	verbs_are(&r, "EHLO/250 MAIL/250 RCPT/550 QUIT/221");
	check_records(&r, &f);
	client_result_free(&r);
	free(tr);
}

static void test_data_rejected(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S554-5.7.1 no thanks\r\n554 5.7.1 really\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_DATA);
	CHECK_STR(r.error, "DATA rejected: 554 5.7.1 no thanks 5.7.1 really");
	CHECK(r.stage == STAGE_DATA);
	verbs_are(&r, "EHLO/250 MAIL/250 RCPT/250 DATA/554 QUIT/221");
	CHECK(strstr(tr, "<** 554-5.7.1 no thanks\n<** 554 5.7.1 really\n") != NULL);
	check_records(&r, &f);
	client_result_free(&r);
	free(tr);
}

static void test_message_rejected(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S354 go\r\n", "D", "S554 5.6.0 spam\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_MESSAGE);
	CHECK_STR(r.error, "message rejected after end of data: 554 5.6.0 spam");
	CHECK(r.stage == STAGE_BODY);
	check_records(&r, &f);
	client_result_free(&r);
	free(tr);
}

static void test_silent_server(void)
{
	static const char *const s[] = { "E", NULL };
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	client_set_all_timeouts(&o.to_s, 0.2);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_TIMEOUT);
	CHECK_STR(r.error, "timeout after 0.2 s waiting for the greeting");
	CHECK(r.stage == STAGE_GREETING && r.nsent == 0 && f.got_len == 0);
	CHECK(strstr(tr, "*** timeout after 0.2 s") != NULL);
	client_result_free(&r);
	free(tr);
}

/* The server stops reading during the message: the block timeout fires. */
static void test_block_timeout(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S354 go\r\n", "H", "E", NULL,
	};
	size_t n = 8 << 20;
	char *big = malloc(n);
	memset(big, 'x', n);
	for (size_t i = 99; i < n; i += 100)
		big[i] = '\n';
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	client_set_all_timeouts(&o.to_s, 0.2);
	o.msg = big;
	o.msg_len = n;
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_TIMEOUT);
	CHECK_STR(r.error, "timeout after 0.2 s sending the message");
	CHECK(r.stage == STAGE_BODY && r.nsent == 5 && r.sent[4].is_body);
	CHECK(r.sent[4].end == r.bytes_out && r.bytes_out < n);
	client_result_free(&r);
	free(tr);
	free(big);
}

static void test_server_closes(void)
{
	static const char *const s[] = { "S220 hi\r\n", "R", "C", NULL };
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_LOST);
	CHECK_STR(r.error, "connection closed by the server while waiting for the reply to EHLO");
	CHECK(r.stage == STAGE_EHLO);
	check_records(&r, &f);
	client_result_free(&r);
	free(tr);
}

static void test_malformed_and_injection(void)
{
	static const char *const s[] = { "S220 hi\r\n", "R", "Shello there\r\n", "E", NULL };
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	CHECK(run_pair(s, &o, &r, &f, &tr) == EX_HELO);
	CHECK_STR(r.error, "malformed reply while waiting for the reply to EHLO: \"hello there\"");
	client_result_free(&r);
	free(tr);

	static const char *const quiet[] = { "E", NULL };
	static const char *const evil[] = { "x@y>\r\nRCPT TO:<evil@example.org" };
	opts_init(&o, NULL);
	o.to = evil;
	CHECK(run_pair(quiet, &o, &r, &f, &tr) == EX_USAGE_);
	CHECK_STR(r.error, "--to: address contains a line break");
	CHECK(f.got_len == 0);
	client_result_free(&r);
	free(tr);
}

static void test_long_body_transcript(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S354 go\r\n", "D", "S250 ok\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	char body[400] = "";
	for (int i = 1; i <= 30; i++)
		sprintf(body + strlen(body), "line %02d\r\n", i);
	struct client_opts o;
	struct client_result r;
	struct fake f;
	char *tr;
	opts_init(&o, NULL);
	o.msg = body;
	o.msg_len = strlen(body);
	CHECK(run_pair(s, &o, &r, &f, &tr) == 0);
	CHECK(strstr(tr, " -> line 10\n -> [... 20 more lines, 180 bytes ...]\n -> .\n") != NULL);
	CHECK(strstr(tr, "line 11") == NULL);
	check_records(&r, &f);
	client_result_free(&r);
	free(tr);
}

/* A real TCP connection to a 127.0.0.1 listener, and a refused one. */
static void test_loopback(void)
{
	static const char *const s[] = {
		"S220 hi\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n", "R", "S250 ok\r\n",
		"R", "S354 go\r\n", "D", "S250 ok\r\n", "R", "S221 bye\r\n", "E", NULL,
	};
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(bind(lfd, (struct sockaddr *)&sa, sl) == 0 && listen(lfd, 1) == 0);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	struct fake *f = calloc(1, sizeof *f);
	f->listen_fd = lfd;
	f->script = s;
	pthread_t th;
	pthread_create(&th, NULL, server, f);
	char *tr;
	size_t trlen;
	FILE *tf = open_memstream(&tr, &trlen);
	struct client_opts o;
	struct client_result r;
	opts_init(&o, tf);
	int cfd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(client_run(cfd, (struct sockaddr *)&sa, sl, &o, &r) == 0);
	pthread_join(th, NULL);
	fclose(tf);
	char want[128];
	snprintf(want, sizeof want, "=== Trying 127.0.0.1:%u...\n=== Connected to 127.0.0.1.\n"
	         "<-  220 hi\n", ntohs(sa.sin_port));
	CHECK(strncmp(tr, want, strlen(want)) == 0);
	check_records(&r, f);
	client_result_free(&r);
	free(tr);
	close(lfd);
	free(f);

	/* A bound socket that does not listen refuses connections. */
	int bfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = 0;
	sl = sizeof sa;
	bind(bfd, (struct sockaddr *)&sa, sl);
	getsockname(bfd, (struct sockaddr *)&sa, &sl);
	opts_init(&o, NULL);
	cfd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(client_run(cfd, (struct sockaddr *)&sa, sl, &o, &r) == EX_CONNECT);
	snprintf(want, sizeof want, "connection refused by 127.0.0.1:%u", ntohs(sa.sin_port));
	CHECK_STR(r.error, want);
	CHECK(r.stage == STAGE_CONNECT);
	client_result_free(&r);
	close(bfd);
}

static void test_names_and_timeouts(void)
{
	CHECK_STR(smtp_stage_name(STAGE_GREETING), "greeting");
	CHECK_STR(smtp_stage_name(STAGE_BODY), "end of data");
	struct client_timeouts t;
	client_default_timeouts(&t);
	CHECK(t.greeting == 300 && t.data == 120 && t.block == 180 && t.final == 600);
	client_set_all_timeouts(&t, 7);
	CHECK(t.connect == 7 && t.final == 7 && t.other == 7);
}

static void rr_put(struct reply_reader *rr, const char *s, size_t n)
{
	size_t room;
	uint8_t *p = rr_space(rr, &room);
	CHECK(room >= n);
	memcpy(p, s, n);
	rr_filled(rr, n);
}

/* The reader alone: what stays buffered after a reply, mixed codes, bounds. */
static void test_reader(void)
{
	struct reply_reader rr;
	char peek[64];
	rr_init(&rr, NULL, NULL);
	CHECK(rr_next(&rr) == RR_NEED);
	rr_put(&rr, "220 a\r\n250-b\r\n", 14);
	CHECK(rr_next(&rr) == RR_REPLY && rr.ra.r.code == 220 && rr_buffered(&rr) == 7);
	rr_peek(&rr, peek, sizeof peek);
	CHECK_STR(peek, "250-b");
	CHECK(rr_next(&rr) == RR_NEED && rr_buffered(&rr) == 0);
	rr_put(&rr, "550 c\r\n250 \x1b" "d", 13);
	CHECK(rr_next(&rr) == RR_REPLY && rr.ra.r.code == 250 && rr.other_code == 550);
	CHECK(rr.ra.r.nlines == 2 && rr_buffered(&rr) == 6);
	rr_peek(&rr, peek, sizeof peek);
	CHECK_STR(peek, "250 \\x1bd");
	/* unread bytes move to the front when more room is asked for */
	size_t room;
	rr_space(&rr, &room);
	CHECK(room == sizeof rr.in - 6);
	CHECK(rr_discard(&rr) == 6 && rr_buffered(&rr) == 0);
	rr_put(&rr, "221 e\r\n", 7);
	CHECK(rr_next(&rr) == RR_REPLY && rr.ra.r.code == 221 && rr.other_code == 0);
	CHECK(rr_next(&rr) == RR_NEED);
	rr_put(&rr, "hello\r\n", 7);
	CHECK(rr_next(&rr) == RR_MALFORMED && rr_next(&rr) == RR_MALFORMED);
	CHECK_STR(rr.bad, "hello");
	rr_free(&rr);

	rr_init(&rr, NULL, NULL);
	char big[RR_LINE_MAX + 10];
	memset(big, 'x', sizeof big);
	memcpy(big, "250 ", 4);
	rr_put(&rr, big, sizeof big);
	CHECK(rr_next(&rr) == RR_LONG_LINE);
	rr_free(&rr);
}

int main(void)
{
	test_reader();
	test_ok_split_greeting();
	test_replies_in_one_write();
	test_mixed_codes();
	test_flood();
	test_hostile_text();
	test_caps();
	test_check_args();
	test_helo_fallback();
	test_one_rcpt_rejected();
	test_all_rcpt_rejected();
	test_data_rejected();
	test_message_rejected();
	test_silent_server();
	test_block_timeout();
	test_server_closes();
	test_malformed_and_injection();
	test_long_body_transcript();
	test_loopback();
	test_names_and_timeouts();
	return UNIT_DONE();
}
