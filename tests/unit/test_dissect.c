/* test_dissect.c - the SMTP dissector (smtp.c) fed directly with stream
 * bytes: end of data split at every byte position, dot-unstuffing counts,
 * bare-LF end of data, pipelined reply pairing, gaps. */
#include <stdlib.h>
#include <string.h>
#include "session.h"
#include "tls-record.h"
#include "smtp-feed.h"
#include "unit.h"

static void open_data(struct feed *f)
{
	sv(f, "220 mx ready\r\n");
	c(f, "EHLO me\r\n");
	sv(f, "250-mx\r\n250 PIPELINING\r\n");
	c(f, "MAIL FROM:<a@b>\r\n");
	sv(f, "250 ok\r\n");
	c(f, "RCPT TO:<c@d>\r\n");
	sv(f, "250 ok\r\n");
	c(f, "DATA\r\n");
	sv(f, "354 go\r\n");
}

/* Body: 2 header lines + 4 body lines; two of them stuffed. */
static const char BODY[] =
	"Subject: split\r\n"
	"\r\n"
	"line one\r\n"
	"..starts with a dot\r\n"
	"..\r\n"
	"last\r\n"
	".\r\n"
	"QUIT\r\n";
#define BODY_SIZE (16 + 2 + 10 + 20 + 3 + 6)   /* unstuffed, end-of-data line excluded */
#define BODY_LINES 6
#define BODY_STUFFED 2

static void check_body(struct feed *f, const char *what, size_t k)
{
	const struct exchange *m = find(&f->s, EXK_BODY, NULL, 0);
	const struct exchange *q = find(&f->s, EXK_COMMAND, "QUIT", 0);
	CHECK(m && m->bi);
	if (!m || !m->bi)
		return;
	if (m->bi->size != BODY_SIZE || m->bi->lines != BODY_LINES ||
	    m->bi->stuffed != BODY_STUFFED || !m->bi->complete || !q)
		fprintf(stderr, "%s split at %zu: size %llu lines %llu stuffed %llu complete %d quit %p\n",
		        what, k, (unsigned long long)m->bi->size, (unsigned long long)m->bi->lines,
		        (unsigned long long)m->bi->stuffed, m->bi->complete, (const void *)q);
	CHECK(m->bi->size == BODY_SIZE);
	CHECK(m->bi->lines == BODY_LINES);
	CHECK(m->bi->stuffed == BODY_STUFFED);
	CHECK(m->bi->complete);
	CHECK(m->has_req_end && m->req_end == m->req_off + sizeof BODY - 1 - 6);
	CHECK(q != NULL);
	CHECK(m->bi->subject && !strcmp(m->bi->subject, "split"));
}

static void test_eod_every_split(void)
{
	size_t n = sizeof BODY - 1;
	for (size_t k = 0; k <= n; k++) {
		struct feed f;
		f_init(&f);
		open_data(&f);
		f_send(&f, DIR_C2S, BODY, k);
		f_send(&f, DIR_C2S, BODY + k, n - k);
		check_body(&f, "two segments", k);
		f_free(&f);
	}
	/* byte by byte */
	struct feed f;
	f_init(&f);
	open_data(&f);
	for (size_t k = 0; k < n; k++)
		f_send(&f, DIR_C2S, BODY + k, 1);
	check_body(&f, "byte by byte", 0);
	f_free(&f);
	/* three segments: every pair of cut points in the last 20 bytes */
	for (size_t a = n - 20; a < n; a++)
		for (size_t b = a; b <= n; b++) {
			f_init(&f);
			open_data(&f);
			f_send(&f, DIR_C2S, BODY, a);
			f_send(&f, DIR_C2S, BODY + a, b - a);
			f_send(&f, DIR_C2S, BODY + b, n - b);
			check_body(&f, "three segments", a * 1000 + b);
			f_free(&f);
		}
}

static void test_bare_lf(void)
{
	static const char body[] = "Subject: lf\n\nline\n..dot\n.\nQUIT\n";
	for (size_t k = 0; k < sizeof body - 1; k++) {
		struct feed f;
		f_init(&f);
		open_data(&f);
		f_send(&f, DIR_C2S, body, k);
		f_send(&f, DIR_C2S, body + k, sizeof body - 1 - k);
		const struct exchange *m = find(&f.s, EXK_BODY, NULL, 0);
		CHECK(m && m->bi && m->bi->complete);
		if (m && m->bi) {
			CHECK(m->bi->size == 12 + 1 + 5 + 5);
			CHECK(m->bi->lines == 4);
			CHECK(m->bi->stuffed == 1);
		}
		CHECK(find(&f.s, EXK_COMMAND, "QUIT", 0) != NULL);
		f_free(&f);
	}
}

/* A line that only looks like the end: ".x", ". ", "..\r\n" are content. */
static void test_not_eod(void)
{
	static const char body[] = "a\r\n.x\r\n. \r\n...\r\n.\r\n";
	struct feed f;
	f_init(&f);
	open_data(&f);
	c(&f, "\r\n");                       /* empty header section */
	c(&f, body);
	const struct exchange *m = find(&f.s, EXK_BODY, NULL, 0);
	CHECK(m && m->bi && m->bi->complete);
	if (m && m->bi) {
		CHECK(m->bi->size == 2 + 3 + 3 + 3 + 4);
		CHECK(m->bi->lines == 5);
		CHECK(m->bi->stuffed == 3);
	}
	f_free(&f);
}

static void test_pipelining(void)
{
	static const char replies[] =
		"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550-5.1.1 no\r\n550 5.1.1 such user\r\n354 go\r\n";
	for (size_t k = 0; k < sizeof replies - 1; k++) {
		struct feed f;
		f_init(&f);
		sv(&f, "220 mx\r\n");
		c(&f, "EHLO me\r\n");
		sv(&f, "250 PIPELINING\r\n");
		c(&f, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRCPT TO:<x@d>\r\nDATA\r\n");
		f_send(&f, DIR_S2C, replies, k);
		f_send(&f, DIR_S2C, replies + k, sizeof replies - 1 - k);
		c(&f, "Subject: p\r\n\r\nhi\r\n.\r\n");
		sv(&f, "250 queued\r\n");
		const struct exchange *m = find(&f.s, EXK_COMMAND, "MAIL", 0);
		const struct exchange *r1 = find(&f.s, EXK_COMMAND, "RCPT", 0);
		const struct exchange *r2 = find(&f.s, EXK_COMMAND, "RCPT", 1);
		const struct exchange *d = find(&f.s, EXK_COMMAND, "DATA", 0);
		const struct exchange *b = find(&f.s, EXK_BODY, NULL, 0);
		CHECK(m && m->reply_code == 250 && !m->pipelined);
		CHECK(r1 && r1->reply_code == 250 && r1->pipelined);
		CHECK(r2 && r2->reply_code == 550 && r2->reply_lines == 2);
		CHECK(d && d->reply_code == 354 && d->pipelined);
		CHECK(b && b->reply_code == 250 && b->bi && b->bi->complete && b->bi->size == 18);
		f_free(&f);
	}
}

static void test_data_rejected(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nRSET\r\n");
	sv(&f, "250 ok\r\n550 no\r\n554 no valid recipients\r\n250 reset\r\n");
	c(&f, "QUIT\r\n");
	sv(&f, "221 bye\r\n");
	CHECK(find(&f.s, EXK_BODY, NULL, 0) == NULL);
	const struct exchange *r = find(&f.s, EXK_COMMAND, "RSET", 0);
	const struct exchange *q = find(&f.s, EXK_COMMAND, "QUIT", 0);
	CHECK(r && r->reply_code == 250);
	CHECK(q && q->reply_code == 221);
	f_free(&f);
}

static void test_bdat(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "MAIL FROM:<a@b>\r\n");
	sv(&f, "250 ok\r\n");
	c(&f, "BDAT 10\r\n0123\r\n");
	c(&f, "6789BDAT 5 LAST\r\n.\r\n\r\nQUIT\r\n");
	sv(&f, "250 a\r\n250 b\r\n221 c\r\n");
	const struct exchange *b1 = find(&f.s, EXK_COMMAND, "BDAT", 0);
	const struct exchange *b2 = find(&f.s, EXK_COMMAND, "BDAT", 1);
	const struct exchange *q = find(&f.s, EXK_COMMAND, "QUIT", 0);
	CHECK(b1 && b1->bi && b1->bi->size == 15 && b1->bi->complete);
	CHECK(b2 && b2->reply_code == 250);
	CHECK(q && q->reply_code == 221);
	f_free(&f);
}

/* The segment with the tail of a command is lost; the server's reply shows it. */
static void test_gap_command(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "MAIL FROM:<a@");
	gap(&f, DIR_C2S, 4);                /* "b>\r\n" */
	sv(&f, "250 ok\r\n");
	c(&f, "RCPT TO:<c@d>\r\n");
	sv(&f, "250 ok\r\n");
	const struct exchange *m = find(&f.s, EXK_COMMAND, "MAIL", 0);
	const struct exchange *r = find(&f.s, EXK_COMMAND, "RCPT", 0);
	CHECK(m && m->reply_code == 250 && m->has_req_end);
	CHECK(r && r->reply_code == 250);
	CHECK(find(&f.s, EXK_REPLY, NULL, 0) == NULL);
	f_free(&f);

	/* the reply comes before the tail (captured later as a retransmission
	 * the reassembly drops; the gap arrives with the server's ACK) */
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "NOOP ");
	sv(&f, "250 ok\r\n");
	gap(&f, DIR_C2S, 3);
	c(&f, "QUIT\r\n");
	sv(&f, "221 bye\r\n");
	m = find(&f.s, EXK_COMMAND, "NOOP", 0);
	CHECK(m && m->reply_code == 250 && m->has_req_end && m->req_end == 8);
	r = find(&f.s, EXK_COMMAND, "QUIT", 0);
	CHECK(r && r->reply_code == 221);
	f_free(&f);
}

/* A gap in the middle of a multi-line reply: the replies after it still
 * pair with the right commands. */
static void test_gap_reply(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "EHLO me\r\n");
	sv(&f, "250-mx\r\n250-SIZE 1");
	gap(&f, DIR_S2C, 30);
	c(&f, "MAIL FROM:<a@b>\r\n");
	sv(&f, "250 ok\r\n");
	const struct exchange *e = find(&f.s, EXK_COMMAND, "EHLO", 0);
	const struct exchange *m = find(&f.s, EXK_COMMAND, "MAIL", 0);
	CHECK(e && e->reply_code == 250);
	CHECK(m && m->reply_code == 250 && m->rep_off == e->rep_end);
	f_free(&f);
}

/* BDAT LAST in any case ends the message; a reply arriving during a chunk
 * does not make the chunk's bytes belong to it (F5). */
static void test_bdat_last_case(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "MAIL FROM:<a@b>\r\n");
	sv(&f, "250 ok\r\n");
	c(&f, "bdat 10\r\n01234");
	sv(&f, "250 early\r\n");             /* answers MAIL? no: an extra reply */
	c(&f, "56789");
	c(&f, "bdat 0 last\r\nQUIT\r\n");
	sv(&f, "250 a\r\n250 b\r\n221 c\r\n");
	const struct exchange *b1 = find(&f.s, EXK_COMMAND, "BDAT", 0);
	const struct exchange *b2 = find(&f.s, EXK_COMMAND, "BDAT", 1);
	CHECK(b1 && b1->bi && b1->bi->size == 10 && b1->bi->complete);
	CHECK(b1 && b2 && b1->req_end == b2->req_off);
	f_free(&f);
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "BDAT 3 Last\r\nabc");
	sv(&f, "250 ok\r\n");
	b1 = find(&f.s, EXK_COMMAND, "BDAT", 0);
	CHECK(b1 && b1->bi && b1->bi->complete && b1->bi->size == 3);
	f_free(&f);
}

/* Bytes held past the hold limit while DATA waits become a gap (F3). */
static void test_hold_limit(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "MAIL FROM:<a@b>\r\n");
	sv(&f, "250 ok\r\n");
	c(&f, "RCPT TO:<c@d>\r\n");
	sv(&f, "250 ok\r\n");
	c(&f, "DATA\r\n");
	size_t n = 300 << 10;
	char *big = malloc(n);
	memset(big, 'x', n);
	for (size_t i = 99; i < n; i += 100)
		big[i] = '\n';
	f_send(&f, DIR_C2S, big, n);
	c(&f, ".\r\n");
	sv(&f, "354 go\r\n");
	sv(&f, "250 queued\r\n");
	const struct exchange *m = find(&f.s, EXK_BODY, NULL, 0);
	CHECK(m && m->bi && m->bi->gap == n + 3 - (256u << 10));
	CHECK(m && m->req_end == f.off[DIR_C2S]);
	CHECK(m && m->reply_code == 250);
	free(big);
	f_free(&f);
}

/* 250-looks ok / 550 no: inconsistent, judged by the last line (RFC 5321 4.2.1). */
static void test_mixed_codes(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "RCPT TO:<c@d>\r\n");
	sv(&f, "250-looks ok\r\n550 actually no\r\n");
	const struct exchange *r = find(&f.s, EXK_COMMAND, "RCPT", 0);
	CHECK(r && r->reply_code == 550 && r->reply_inconsistent && r->reply_lines == 2);
	f_free(&f);
}

/* Detection on short first segments: "can't tell yet" while the bytes could
 * still begin SMTP (F6). */
static void test_looks_like_short(void)
{
	CHECK(smtp_looks_like(DIR_S2C, (const uint8_t *)"22", 2) == -1);
	CHECK(smtp_looks_like(DIR_S2C, (const uint8_t *)"220", 3) == -1);
	CHECK(smtp_looks_like(DIR_S2C, (const uint8_t *)"2x", 2) == 0);
	CHECK(smtp_looks_like(DIR_S2C, (const uint8_t *)"\x16\x03", 2) == 0);
	CHECK(smtp_looks_like(DIR_C2S, (const uint8_t *)"eh", 2) == -1);
	CHECK(smtp_looks_like(DIR_C2S, (const uint8_t *)"GET", 3) == 0);
	CHECK(smtp_looks_like(DIR_S2C, (const uint8_t *)"220 mx", 6) == 1);
	CHECK(smtp_looks_like(DIR_C2S, (const uint8_t *)"ehlo x", 6) == 1);
	CHECK(smtp_looks_like(DIR_C2S, (const uint8_t *)"", 0) == -1);
}

/* A session keeps at most SMTP_MAX_EXCHANGES exchanges; the rest are
 * counted (3 MB of empty lines took 704 MB before). */
static void test_exchange_cap(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	for (int i = 0; i < SMTP_MAX_EXCHANGES + 5; i++)
		c(&f, "\r\n");
	sv(&f, "500 what\r\n");
	CHECK(f.s.nex == SMTP_MAX_EXCHANGES);
	CHECK(f.s.smtp.ex_dropped == 6);     /* the greeting + 9,999 lines kept */
	f_free(&f);
}

/* Recipients are kept as an array: a quoted comma stays inside its address. */
static void test_rcpt_array(void)
{
	struct feed f;
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "MAIL FROM:<a@b>\r\nRCPT TO:<\"x,y\"@d>\r\nRCPT TO:<e@f>\r\n");
	CHECK(f.s.smtp.nrcpt == 2 && f.s.smtp.nrcpt_kept == 2);
	CHECK_STR(f.s.smtp.rcpt[0], "\"x,y\"@d");
	CHECK_STR(f.s.smtp.rcpt[1], "e@f");
	CHECK(f.s.smtp.transactions == 1);
	CHECK_STR(f.s.smtp.mail_from, "a@b");
	f_free(&f);
}

/* STARTTLS: the client's first TLS bytes sent before the 220 (held), and
 * TLS right behind the 220 in the server's segment, reach the TLS parser
 * from the exact offsets. */
static void test_starttls_handoff(void)
{
	static const char rec[] = "\x17\x03\x03\x00\x03" "abc";  /* application data */
	struct feed f;
	char buf[200];
	f_init(&f);
	sv(&f, "220 mx\r\n");
	c(&f, "EHLO me\r\n");
	sv(&f, "250 STARTTLS\r\n");
	c(&f, "STARTTLS\r\n");
	uint64_t c_tls = f.off[DIR_C2S];
	f_send(&f, DIR_C2S, rec, 8);
	uint64_t s_220 = f.off[DIR_S2C];
	char seg[64];
	memcpy(seg, "220 go\r\n", 8);
	memcpy(seg + 8, rec, 8);
	f_send(&f, DIR_S2C, seg, 16);
	CHECK(f.s.starttls && f.s.tls_off[DIR_C2S] == c_tls && f.s.tls_off[DIR_S2C] == s_220 + 8);
	CHECK(f.s.app.n == 2);
	CHECK(app_label(&f.s.app, DIR_C2S, c_tls, 8, buf, sizeof buf));
	CHECK_STR(buf, "TLS application data");
	CHECK(app_label(&f.s.app, DIR_S2C, s_220, 16, buf, sizeof buf));
	CHECK_STR(buf, "TLS application data");
	CHECK(!app_label(&f.s.app, DIR_C2S, 0, c_tls, buf, sizeof buf));
	f_free(&f);
}

/* The decryption seam: a fake decrypter (the plaintext is the fragment)
 * makes the tls layer feed a second SMTP parser at plaintext offsets, and
 * the offset map leads back to the stream. */
static int fake_dec_n;
static void *fake_create(void *arg, struct session *s) { (void)s; return arg; }
static void fake_destroy(void *dec) { (void)dec; fake_dec_n = -1; }
static int fake_record(void *dec, int dir, uint8_t type, uint16_t version, const uint8_t *rec,
                       size_t n, uint8_t *out, size_t *outn, uint8_t *inner)
{
	(void)dec; (void)dir; (void)version;
	fake_dec_n++;
	memcpy(out, rec, n);
	*outn = n;
	*inner = type;
	return 1;
}

static void tls_rec(struct feed *f, int dir, const char *text)
{
	char b[64];
	size_t n = strlen(text);
	b[0] = 23; b[1] = 3; b[2] = 3; b[3] = 0; b[4] = (char)n;
	memcpy(b + 5, text, n);
	f_send(f, dir, b, n + 5);
}

static void test_decrypt_seam(void)
{
	static int arg;
	const struct tls_dec_hooks hooks = { fake_create, fake_record, fake_destroy, &arg };
	struct app_opts o = { .show_secrets = 0, .dec = &hooks };
	struct feed f;
	memset(&f, 0, sizeof f);
	f.s.d[DIR_C2S].syn = 1;
	app_open(&f.s.app, &f.s, &app_smtp, &o);
	sv(&f, "220 mx\r\n");
	c(&f, "STARTTLS\r\n");
	sv(&f, "220 go\r\n");
	uint64_t c_tls = f.off[DIR_C2S], s_tls = f.off[DIR_S2C];
	tls_rec(&f, DIR_C2S, "EHLO inner\r\n");
	tls_rec(&f, DIR_S2C, "250 hi\r\n");
	tls_rec(&f, DIR_C2S, "QUIT\r\n");
	tls_rec(&f, DIR_S2C, "221 bye\r\n");
	app_end(&f.s.app);
	const struct exchange *e = find(&f.s, EXK_COMMAND, "EHLO", 0);
	const struct exchange *q = find(&f.s, EXK_COMMAND, "QUIT", 0);
	const struct exchange *st = find(&f.s, EXK_COMMAND, "STARTTLS", 0);
	CHECK(fake_dec_n == 4);
	CHECK(st && !st->plain && st->reply_code == 220);
	/* at the end, the plaintext ranges became those of the records */
	CHECK(e && e->plain && e->reply_code == 250 && e->req_off == c_tls && e->req_end == c_tls + 17);
	CHECK(q && q->plain && q->reply_code == 221 && q->req_off == c_tls + 17 &&
	      q->req_end == c_tls + 17 + 11);
	CHECK(e && e->rep_off == s_tls && e->rep_end == s_tls + 13);
	CHECK(f.s.app.n == 2);
	const void *tl = f.s.app.l[1].ctx;
	CHECK(tls_inner(tl) != NULL);
	CHECK(tls_plain_to_stream(tl, DIR_C2S, 0) == c_tls + 5);
	CHECK(tls_plain_to_stream(tl, DIR_C2S, 12) == c_tls + 5 + 12 + 5);   /* QUIT's record */
	CHECK(tls_plain_to_stream(tl, DIR_S2C, 3) == s_tls + 5 + 3);
	CHECK_STR(f.s.smtp.helo, "inner");
	f_free(&f);
	CHECK(fake_dec_n == -1);
}

int main(void)
{
	test_eod_every_split();
	test_bare_lf();
	test_not_eod();
	test_pipelining();
	test_data_rejected();
	test_bdat();
	test_gap_command();
	test_gap_reply();
	test_bdat_last_case();
	test_hold_limit();
	test_mixed_codes();
	test_looks_like_short();
	test_exchange_cap();
	test_rcpt_array();
	test_starttls_handoff();
	test_decrypt_seam();
	return UNIT_DONE();
}
