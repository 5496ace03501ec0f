/* test_verdict.c - timeline-verdict.c over hand-made sessions: the outcome
 * (accepted / deferred / rejected / incomplete / no mail) and which reply
 * decided it, how the session ended, the capture point and the clamped
 * server-work estimate, and the slowest step with who it waited for. */
#include <stdlib.h>
#include "decode.h"
#include "session.h"
#include "timeline.h"
#include "util-fmt.h"
#include "unit.h"

#define MS 1000000ull

static struct exchange exs[16];
static size_t nexs;

static void add(int kind, const char *verb, const char *line, int code)
{
	struct exchange *x = &exs[nexs++];
	memset(x, 0, sizeof *x);
	x->kind = (uint8_t)kind;
	snprintf(x->verb, sizeof x->verb, "%s", verb);
	x->line = (char *)line;
	x->reply_code = code;
}

/* A session with the exchanges added so far and no frames (the outcome
 * needs none). */
static void judge(struct session *s, struct timeline *t)
{
	memset(s, 0, sizeof *s);
	s->first_closer = -1;
	s->ex = exs;
	s->nex = nexs;
	tl_build(t, s, 0, NULL);
}

static void envelope(int mail, int rcpt)
{
	nexs = 0;
	add(EXK_GREETING, "", NULL, 220);
	add(EXK_COMMAND, "EHLO", "EHLO c", 250);
	add(EXK_COMMAND, "MAIL", "MAIL FROM:<a@b>", mail);
	add(EXK_COMMAND, "RCPT", "RCPT TO:<c@d>", rcpt);
}

static void test_accepted(void)
{
	struct session s;
	struct timeline t;
	envelope(250, 550);
	add(EXK_COMMAND, "RCPT", "RCPT TO:<e@f>", 250);       /* a second RCPT succeeds */
	add(EXK_COMMAND, "DATA", "DATA", 354);
	add(EXK_BODY, "", NULL, 250);
	add(EXK_COMMAND, "QUIT", "QUIT", 221);
	judge(&s, &t);
	CHECK(t.verdict.outcome == TLV_ACCEPTED && t.verdict.accepted == 1 && t.verdict.transactions == 1);
	CHECK(!t.verdict.has_fail && t.verdict.end == TLE_QUIT && !t.verdict.has_slow);
	tl_free(&t);
}

static void test_deferred(void)
{
	struct session s;
	struct timeline t;
	envelope(451, 0);
	nexs--;                                              /* no RCPT */
	add(EXK_COMMAND, "QUIT", "QUIT", 221);
	judge(&s, &t);
	CHECK(t.verdict.outcome == TLV_DEFERRED && t.verdict.has_fail && t.verdict.fail_ex == 2);
	struct sbuf b;
	sb_init(&b);
	tlw_verdict(&t, &b);
	CHECK_STR(b.b, "Verdict: temporarily refused (4xx, try again later) at MAIL: 451; ended with QUIT");
	tl_free(&t);
}

static void test_rejected_after_helo_fallback(void)
{
	struct session s;
	struct timeline t;
	nexs = 0;
	add(EXK_GREETING, "", NULL, 220);
	add(EXK_COMMAND, "EHLO", "EHLO c", 502);             /* retried as HELO: not the verdict */
	add(EXK_COMMAND, "HELO", "HELO c", 250);
	add(EXK_COMMAND, "MAIL", "MAIL FROM:<a@b>", 250);
	add(EXK_COMMAND, "RCPT", "RCPT TO:<c@d>", 550);
	add(EXK_COMMAND, "DATA", "DATA", 554);
	add(EXK_COMMAND, "QUIT", "QUIT", 221);
	judge(&s, &t);
	CHECK(t.verdict.outcome == TLV_REJECTED && t.verdict.fail_ex == 4);
	tl_free(&t);
}

static void test_no_mail_and_auth(void)
{
	struct session s;
	struct timeline t;
	nexs = 0;
	add(EXK_GREETING, "", NULL, 220);
	add(EXK_COMMAND, "AUTH", "AUTH PLAIN x", 235);
	add(EXK_COMMAND, "AUTH", "AUTH PLAIN x", 503);       /* already authenticated */
	add(EXK_COMMAND, "NOOP", "NOOP", 500);               /* does not decide anything */
	add(EXK_COMMAND, "QUIT", "QUIT", 221);
	judge(&s, &t);
	CHECK(t.verdict.outcome == TLV_NO_MAIL && !t.verdict.has_fail);
	tl_free(&t);
}

static void test_bdat_and_cut_short(void)
{
	struct session s;
	struct timeline t;
	envelope(250, 250);
	add(EXK_COMMAND, "BDAT", "BDAT 100", 250);           /* not the last chunk */
	judge(&s, &t);
	CHECK(t.verdict.accepted == 0);
	tl_free(&t);
	add(EXK_COMMAND, "BDAT", "BDAT 20 last", 250);
	judge(&s, &t);
	CHECK(t.verdict.outcome == TLV_ACCEPTED && t.verdict.accepted == 1 && t.verdict.end == TLE_NO_QUIT);
	tl_free(&t);
	envelope(250, 0);                                    /* RCPT never answered */
	memset(&s, 0, sizeof s);
	s.first_closer = -1;
	s.cut_short = 1;
	s.ex = exs;
	s.nex = nexs;
	tl_build(&t, &s, 0, NULL);
	CHECK(t.verdict.outcome == TLV_INCOMPLETE && t.verdict.end == TLE_CUT_SHORT);
	tl_free(&t);
}

/* Many refused RCPTs, then one accepted and DATA deferred: the RCPTs were
 * retried with success, DATA decides; linear over the session's bound. */
static void test_many_retries(void)
{
	enum { N = SMTP_MAX_EXCHANGES };
	struct exchange *ex = calloc(N, sizeof *ex);
	struct session s;
	struct timeline t;
	CHECK(ex != NULL);
	if (!ex)
		return;
	for (size_t i = 0; i < N; i++) {
		ex[i].kind = EXK_COMMAND;
		strcpy(ex[i].verb, "RCPT");
		ex[i].reply_code = 550;
	}
	strcpy(ex[0].verb, "MAIL");
	ex[0].reply_code = 250;
	ex[N - 2].reply_code = 250;
	strcpy(ex[N - 1].verb, "DATA");
	ex[N - 1].reply_code = 451;
	memset(&s, 0, sizeof s);
	s.first_closer = -1;
	s.ex = ex;
	s.nex = N;
	tl_build(&t, &s, 0, NULL);
	CHECK(t.verdict.outcome == TLV_DEFERRED && t.verdict.fail_ex == N - 1 && t.verdict.transactions == 1);
	tl_free(&t);
	free(ex);
}

static struct frame_rec tcp(uint32_t no, int dir, uint8_t flags, uint64_t ts, uint64_t off, uint32_t len)
{
	struct frame_rec f = { .no = no, .dir = (uint8_t)dir, .flags = flags, .ts_ns = ts, .off = off,
	                       .len = len, .proto = FP_TCP, .wscale = -1 };
	f.seq = (dir ? 5000u : 1000u) + (uint32_t)off + !(flags & TH_SYN);
	f.ack = flags & TH_ACK ? (dir ? 1001u : 5001u) : 0;
	return f;
}

/* SYN, SYN/ACK (syn_synack later), ACK (synack_ack later), greeting,
 * EHLO, ACK with a zero window, window update 2 s later, reply. */
static void timed(struct session *s, struct frame_rec *fr, uint64_t a, uint64_t b, int zerowin)
{
	memset(s, 0, sizeof *s);
	s->first_closer = -1;
	s->d[0].isn = 1000;
	s->d[1].isn = 5000;
	uint64_t t = 0;
	fr[0] = tcp(1, DIR_C2S, TH_SYN, t, 0, 0);
	fr[1] = tcp(2, DIR_S2C, TH_SYN | TH_ACK, t += a, 0, 0);
	fr[2] = tcp(3, DIR_C2S, TH_ACK, t += b, 0, 0);
	fr[3] = tcp(4, DIR_S2C, TH_PSH | TH_ACK, t += 3 * MS, 0, 10);
	fr[4] = tcp(5, DIR_C2S, TH_PSH | TH_ACK, t += 1 * MS, 0, 8);
	fr[5] = tcp(6, DIR_S2C, TH_ACK, t += 1 * MS, 10, 0);
	fr[5].ta = zerowin ? TA_ZEROWIN : 0;
	fr[6] = tcp(7, DIR_S2C, TH_ACK, t += 2000 * MS, 10, 0);
	fr[7] = tcp(8, DIR_S2C, TH_PSH | TH_ACK, t += 1 * MS, 10, 12);
	s->frames = fr;
	s->nframes = 8;
	nexs = 0;
	add(EXK_GREETING, "", NULL, 220);
	exs[0].rep_off = 0, exs[0].rep_end = 10;
	add(EXK_COMMAND, "EHLO", "EHLO c", 250);
	exs[1].req_off = 0, exs[1].req_end = 8, exs[1].has_req_end = 1;
	exs[1].rep_off = 10, exs[1].rep_end = 22;
	s->ex = exs;
	s->nex = nexs;
}

static void test_timing(void)
{
	struct session s;
	struct frame_rec fr[8];
	struct timeline t;
	timed(&s, fr, 40 * MS, MS / 5, 1);                   /* at the client */
	tl_build(&t, &s, 0, NULL);
	CHECK(t.cpoint == TLCP_CLIENT && t.has_rtt_used && t.rtt_used_ns == 40 * MS);
	CHECK(t.has_greet && t.greet_ns == 3 * MS);
	CHECK(t.ex[0].has_est && t.ex[0].est_clamped && t.ex[0].est_ns == 0);   /* never negative */
	CHECK(t.ex[1].has_resp && t.ex[1].resp_ns == 2002 * MS && !t.ex[1].est_clamped &&
	      t.ex[1].est_ns == 1962 * MS);
	CHECK(t.verdict.has_slow && t.verdict.slow_ns == 2002 * MS && t.verdict.slow_from == 5 &&
	      t.verdict.slow_to == 8 && t.verdict.wait == TLWT_ZEROWIN_SERVER);
	struct sbuf b;
	sb_init(&b);
	tlw_est(&t.ex[0], &b);
	CHECK_STR(b.b, "\u22480");
	tl_free(&t);

	timed(&s, fr, MS / 20, 40 * MS, 0);                  /* at the server */
	tl_build(&t, &s, 0, NULL);
	CHECK(t.cpoint == TLCP_SERVER && t.rtt_used_ns == MS / 20);
	CHECK(t.verdict.wait == TLWT_SERVER_REPLY && t.verdict.has_slow_ex && t.verdict.slow_ex == 1);
	tl_free(&t);

	timed(&s, fr, 20 * MS, 15 * MS, 0);                  /* on the path */
	tl_build(&t, &s, 0, NULL);
	CHECK(t.cpoint == TLCP_PATH);
	tl_free(&t);
	timed(&s, fr, 30000, 20000, 0);                      /* loopback */
	tl_build(&t, &s, 0, NULL);
	CHECK(t.cpoint == TLCP_LOCAL);
	tl_free(&t);
}

int main(void)
{
	UNIT_RUN(test_accepted);
	UNIT_RUN(test_deferred);
	UNIT_RUN(test_rejected_after_helo_fallback);
	UNIT_RUN(test_no_mail_and_auth);
	UNIT_RUN(test_bdat_and_cut_short);
	UNIT_RUN(test_many_retries);
	UNIT_RUN(test_timing);
	return UNIT_DONE();
}
