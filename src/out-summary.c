/* out-summary.c - one line per session, like Zeek's conn.log; written
 * without printf because --summary runs over millions of frames. */
#include "out.h"
#include "session.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-fmt.h"

/* " from=<a@b>", or " from=-" when there was no such command */
static void put_path(FILE *o, const char *key, const char *path)
{
	fputs_unlocked(key, o);
	if (!path) {
		putc_unlocked('-', o);
		return;
	}
	putc_unlocked('<', o);
	put_safe(o, path);
	putc_unlocked('>', o);
}

/* " to=<a@b,c@d>", or " to=-" */
static void put_rcpts(FILE *o, const struct session *s)
{
	PUT_LIT(o, " to=");
	for (uint32_t i = 0; i < s->smtp.nrcpt_kept; i++) {
		putc_unlocked(i ? ',' : '<', o);
		put_safe(o, s->smtp.rcpt[i]);
	}
	putc_unlocked(s->smtp.nrcpt_kept ? '>' : '-', o);
}

static void put_codes(FILE *o, const struct session *s)
{
	PUT_LIT(o, " codes=");
	for (int i = 0; i < s->smtp.ncodes; i++) {
		if (i)
			putc_unlocked(',', o);
		put_u(o, (uint64_t)s->smtp.codes[i]);
	}
	if (!s->smtp.ncodes)
		putc_unlocked('-', o);
}

/* " verdict=rejected@RCPT:550", " verdict=accepted"; " slowest=7.912s@22-32:zero_window_server"
 * when the frames were kept (timeline-verdict.c) */
static void put_verdict(FILE *o, const struct timeline *t)
{
	const struct tl_verdict *v = &t->verdict;
	PUT_LIT(o, " verdict=");
	fputs_unlocked(tlw_outcome(v->outcome), o);
	if (v->has_fail) {
		const struct exchange *x = &t->s->ex[v->fail_ex];
		char vb[24];
		putc_unlocked('@', o);
		put_safe(o, x->kind == EXK_BODY ? "end-of-data" : x->kind == EXK_GREETING ? "greeting" :
		         x->kind == EXK_COMMAND ? tlw_ex_label(x, vb, sizeof vb) : tlw_kind(x->kind));
		putc_unlocked(':', o);
		put_u(o, (uint64_t)x->reply_code);
	}
	if (!v->has_slow)
		return;
	PUT_LIT(o, " slowest=");
	put_secs_n(o, v->slow_ns, 0, 3);
	putc_unlocked('s', o);
	putc_unlocked('@', o);
	put_u(o, v->slow_from);
	putc_unlocked('-', o);
	put_u(o, v->slow_to);
	putc_unlocked(':', o);
	fputs_unlocked(tlw_wait(v->wait), o);
}

void summary_session(void *ctx, const struct session *s, const struct timeline *t)
{
	struct out_ctx *c = ctx;
	FILE *o = c->o.out;
	char cl[ADDR_EP_MAX], sv[ADDR_EP_MAX];
	addr_ep(s->family, s->cip, s->cport, cl, sizeof cl);
	addr_ep(s->family, s->sip, s->sport, sv, sizeof sv);
	put_u(o, s->index);
	putc_unlocked(' ', o);
	put_reltime(o, t->t0, s->first_ts, 6);
	putc_unlocked(' ', o);
	fputs_unlocked(cl, o);
	putc_unlocked(' ', o);
	fputs_unlocked(sv, o);
	PUT_LIT(o, " helo=");
	put_safe(o, s->smtp.helo[0] ? s->smtp.helo : "-");
	put_path(o, " from=", s->smtp.transactions ? s->smtp.mail_from : NULL);
	put_rcpts(o, s);
	put_codes(o, s);
	PUT_LIT(o, " c2s=");
	put_u(o, s->d[0].paybytes);
	PUT_LIT(o, " s2c=");
	put_u(o, s->d[1].paybytes);
	PUT_LIT(o, " dur=");
	put_secs_n(o, s->last_ts - s->first_ts, 0, 6);
	PUT_LIT(o, " hist=");
	fputs_unlocked(s->history[0] ? s->history : "-", o);
	if (s->tls_implicit || s->starttls)
		PUT_LIT(o, " tls");
	put_verdict(o, t);
	putc_unlocked('\n', o);
}

void summary_end(void *ctx, const struct engine_stats *st)
{
	struct out_ctx *c = ctx;
	if (st->input_error) {
		fputs("# input error: ", c->o.out);
		put_safe(c->o.out, st->input_error);
		putc('\n', c->o.out);
	}
}
