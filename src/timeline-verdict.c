/* timeline-verdict.c - the response time split and the session's verdict
 * (timeline.h).
 *
 * Timing: the command -> reply time as captured holds the round trip
 * between the capture point and the server; SYN -> SYN/ACK is that round
 * trip (at the client one whole RTT, at the server almost nothing), so it
 * is what is subtracted to estimate the server's own work.  The two halves
 * of the handshake also say where the capture was taken.
 *
 * Verdict: which transactions were accepted (2xx after the end of data or
 * BDAT LAST), the 4xx/5xx that decided otherwise, how the session ended,
 * and the slowest step of the dialogue with who it waited for. */
#include <string.h>
#include <strings.h>
#include "decode.h"
#include "timeline.h"

#define LOCAL_RTT_NS 200000ull   /* below this the capture point does not matter */
/* what happened between two steps, by direction d (DIR_C2S / DIR_S2C) */
#define SEEN_RETX(d)    (1u << (d))
#define SEEN_ZEROWIN(d) (1u << (8 + (d)))

static void capture_point(struct timeline *t)
{
	if (!t->has_synack)
		return;
	t->has_rtt_used = 1;
	t->rtt_used_ns = t->synack_ns;
	if (!t->has_irtt || t->irtt_ns < t->synack_ns)
		return;
	uint64_t a = t->synack_ns, b = t->irtt_ns - t->synack_ns;
	if (a + b < LOCAL_RTT_NS)
		t->cpoint = TLCP_LOCAL;
	else if (b * 4 <= a)
		t->cpoint = TLCP_CLIENT;
	else if (a * 4 <= b)
		t->cpoint = TLCP_SERVER;
	else
		t->cpoint = TLCP_PATH;
}

/* handshake ACK -> the greeting's first frame (slow banners, tarpits) */
static void greeting_wait(struct timeline *t)
{
	const struct session *s = t->s;
	for (size_t i = 0; i < s->nex; i++) {
		if (s->ex[i].kind != EXK_GREETING || !t->ex[i].nrep)
			continue;
		const struct frame_rec *g = tl_find(t, t->ex[i].rep[0]);
		if (t->hsf[2] && g && g->ts_ns >= t->hsf[2]->ts_ns) {
			t->has_greet = 1;
			t->greet_ns = g->ts_ns - t->hsf[2]->ts_ns;
		}
		return;
	}
}

static void estimate(const struct timeline *t, struct tl_exchange *x, uint64_t resp)
{
	if (!t->has_rtt_used)
		return;
	x->has_est = 1;
	x->est_clamped = resp <= t->rtt_used_ns;
	x->est_ns = x->est_clamped ? 0 : resp - t->rtt_used_ns;
}

void tl_timing(struct timeline *t)
{
	capture_point(t);
	greeting_wait(t);
	for (size_t i = 0; i < t->s->nex; i++) {
		struct tl_exchange *x = &t->ex[i];
		if (x->has_resp)
			estimate(t, x, x->resp_ns);
		else if (t->s->ex[i].kind == EXK_GREETING && t->has_greet)
			estimate(t, x, t->greet_ns);
	}
}

/* ---- verdict ---- */

static int is_verb(const struct exchange *x, const char *v)
{
	return x->kind == EXK_COMMAND && !strcmp(x->verb, v);
}

static int is_helo(const struct exchange *x)
{
	return is_verb(x, "EHLO") || is_verb(x, "HELO") || is_verb(x, "LHLO");
}

/* "BDAT 123 LAST": the last token is LAST */
static int bdat_last(const struct exchange *x)
{
	if (!is_verb(x, "BDAT") || !x->line)
		return 0;
	size_t n = strlen(x->line);
	while (n && (x->line[n - 1] == ' ' || x->line[n - 1] == '\r' || x->line[n - 1] == '\n'))
		n--;
	return n >= 5 && x->line[n - 5] == ' ' && !strncasecmp(x->line + n - 4, "LAST", 4);
}

/* Verbs answered 2xx later in the session, seen walking backwards; a
 * small set (a retried command is one of a handful of verbs), so the walk
 * stays linear even over 10000 exchanges. */
#define LATER_MAX 32
struct later_ok {
	char verb[LATER_MAX][16];
	size_t n;
	int helo, auth;          /* a HELO/EHLO/LHLO, an AUTH step succeeded anywhere */
};

static int later_has(const struct later_ok *l, const char *verb)
{
	for (size_t k = 0; k < l->n; k++)
		if (!strcmp(l->verb[k], verb))
			return 1;
	return 0;
}

/* Does this failure not count: a command that does not decide the mail's
 * fate, or one the client retried with success (HELO and AUTH set the
 * session's state, so a success before or after counts; other commands
 * only when retried after)? */
static int failure_ignored(const struct exchange *x, const struct later_ok *l)
{
	static const char *const minor[] = { "QUIT", "NOOP", "RSET", "VRFY", "EXPN", "HELP" };
	for (size_t k = 0; k < sizeof minor / sizeof *minor; k++)
		if (is_verb(x, minor[k]))
			return 1;
	if (is_helo(x))
		return l->helo;
	if (is_verb(x, "AUTH") || x->kind == EXK_AUTH)
		return l->auth;
	return x->kind == EXK_COMMAND && strcmp(x->verb, "MAIL") && later_has(l, x->verb);
}

/* The first failure that counts: walk backwards, the last one kept wins. */
static void deciding_failure(const struct session *s, struct tl_verdict *v)
{
	struct later_ok l;
	memset(&l, 0, sizeof l);
	for (size_t i = 0; i < s->nex; i++) {
		int ok = s->ex[i].reply_code / 100 == 2;
		l.helo |= ok && is_helo(&s->ex[i]);
		l.auth |= ok && (is_verb(&s->ex[i], "AUTH") || s->ex[i].kind == EXK_AUTH);
	}
	for (size_t i = s->nex; i-- > 0;) {
		const struct exchange *x = &s->ex[i];
		int cls = x->reply_code / 100;
		if ((cls == 4 || cls == 5) && !failure_ignored(x, &l)) {
			v->has_fail = 1;
			v->fail_ex = i;
		} else if (cls == 2 && x->kind == EXK_COMMAND && l.n < LATER_MAX && !later_has(&l, x->verb))
			memcpy(l.verb[l.n++], x->verb, sizeof x->verb);
	}
}

static void outcome(struct timeline *t)
{
	const struct session *s = t->s;
	struct tl_verdict *v = &t->verdict;
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		if (is_verb(x, "MAIL"))
			v->transactions++;
		if ((x->kind == EXK_BODY || bdat_last(x)) && x->reply_code / 100 == 2)
			v->accepted++;
	}
	deciding_failure(s, v);
	if (v->accepted)
		v->outcome = TLV_ACCEPTED;
	else if (v->has_fail)
		v->outcome = s->ex[v->fail_ex].reply_code / 100 == 4 ? TLV_DEFERRED : TLV_REJECTED;
	else if (v->transactions || s->cut_short || s->smtp.midstream || s->d[0].rst || s->d[1].rst)
		v->outcome = TLV_INCOMPLETE;
	else
		v->outcome = TLV_NO_MAIL;
}

static void ending(struct timeline *t)
{
	const struct session *s = t->s;
	struct tl_verdict *v = &t->verdict;
	int quit = 0;
	for (size_t i = 0; i < s->nex; i++)
		quit |= is_verb(&s->ex[i], "QUIT") && s->ex[i].reply_code == 221;
	if (s->cut_short)
		v->end = TLE_CUT_SHORT;
	else if (s->d[DIR_C2S].rst)
		v->end = TLE_RESET_CLIENT;
	else if (s->d[DIR_S2C].rst)
		v->end = TLE_RESET_SERVER;
	else
		v->end = quit ? TLE_QUIT : TLE_NO_QUIT;
}

/* A step of the dialogue: new payload, a SYN, a FIN or a RST. */
static int is_step(const struct frame_rec *f)
{
	if (f->dir > 1 || (f->ta & (TA_RETRANS | TA_DUP | TA_BADCSUM | TA_KEEPALIVE | TA_ZWPROBE)))
		return 0;
	return f->len || (f->flags & (TH_SYN | TH_FIN | TH_RST));
}

/* Who the step ending with frame q (index iq) waited for, given what
 * happened between: a zero window, a retransmission, a capture gap. */
static void attribute(struct timeline *t, size_t iq, uint32_t between)
{
	const struct frame_rec *q = &t->frames[iq];
	struct tl_verdict *v = &t->verdict;
	v->wait_dir = q->dir;
	if (between & (SEEN_ZEROWIN(DIR_C2S) | SEEN_ZEROWIN(DIR_S2C))) {   /* who advertised it */
		int srv = !!(between & SEEN_ZEROWIN(DIR_S2C));
		v->wait = srv ? TLWT_ZEROWIN_SERVER : TLWT_ZEROWIN_CLIENT;
		v->wait_dir = srv ? DIR_S2C : DIR_C2S;
	} else if (between & (SEEN_RETX(DIR_C2S) | SEEN_RETX(DIR_S2C))) {
		v->wait = TLWT_RETRANS;
		v->wait_dir = between & SEEN_RETX(DIR_C2S) ? DIR_C2S : DIR_S2C;
	} else if (t->fm[iq].gapn)
		v->wait = TLWT_GAP;
	else if (q->flags & (TH_FIN | TH_RST))
		v->wait = TLWT_CLOSE;
	else if (q->flags & TH_SYN)
		v->wait = TLWT_HANDSHAKE;
	else if (q->dir == DIR_C2S)
		v->wait = TLWT_CLIENT;
	else
		v->wait = TLWT_SERVER_REPLY;
	v->has_slow_ex = t->fm[iq].count > 0 && !(q->flags & (TH_FIN | TH_RST));
	if (v->has_slow_ex) {
		v->slow_ex = tl_frame_ex(t, iq, 0);
		const struct exchange *x = &t->s->ex[v->slow_ex];
		if (v->wait == TLWT_SERVER_REPLY && x->kind == EXK_GREETING)
			v->wait = TLWT_GREETING;
		else if (v->wait == TLWT_SERVER_REPLY && x->kind == EXK_REPLY && x->unexpected != UNEXP_START &&
		         x->reply_code >= 400)
			v->wait = TLWT_CLIENT;   /* nothing was owed: the server gave up waiting (421 timeout) */
	}
}

static void slowest(struct timeline *t)
{
	struct tl_verdict *v = &t->verdict;
	size_t ip = 0, best_q = 0;
	int have_p = 0;
	uint32_t between = 0, best_between = 0;
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		if (f->dir > 1)
			continue;
		if (!is_step(f)) {
			if (f->ta & TA_ZEROWIN)
				between |= SEEN_ZEROWIN(f->dir);
			if (f->ta & TA_RETRANS)
				between |= SEEN_RETX(f->dir);
			continue;
		}
		uint64_t p_ts = t->frames[ip].ts_ns;
		if (have_p && f->ts_ns >= p_ts && (!v->has_slow || f->ts_ns - p_ts > v->slow_ns)) {
			v->has_slow = 1;
			v->slow_ns = f->ts_ns - p_ts;
			v->slow_from = t->frames[ip].no;
			v->slow_to = f->no;
			best_q = i;
			best_between = between;
		}
		ip = i;
		have_p = 1;
		between = (f->ta & TA_ZEROWIN) ? SEEN_ZEROWIN(f->dir) : 0;
	}
	if (v->has_slow)
		attribute(t, best_q, best_between);
}

void tl_judge(struct timeline *t)
{
	memset(&t->verdict, 0, sizeof t->verdict);
	outcome(t);
	ending(t);
	slowest(t);
}
