/* timeline-mistakes.c - the mistakes a (hand-written) client made in a
 * session, found once for every view: bare LF line endings, the message
 * sent before the 354, a command sent before the previous reply ended
 * (a multi-line reply read only in part; pipelining the server did not
 * announce, or past a command that must end a pipelined group), a lone
 * "." in the message not dot-stuffed, no QUIT, and a client silence the
 * server ended with a timeout.  Legitimate PIPELINING and CHUNKING (BDAT),
 * lower-case verbs and HELO instead of EHLO are not mistakes.
 *
 * "Sent before the reply" is judged by frame order: whatever the capture
 * point, a reply the client waited for passes it before the command the
 * reply allowed.  Words in timeline-mistakes-words.c. */
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "timeline.h"
#include "util-mem.h"

/* a silence shorter than this before a 421 or a close is not a stall */
#define STALL_MIN_NS 1000000000ull

struct mbuild {
	struct timeline *t;
	size_t cap;
};

static struct tl_mistake *add(struct mbuild *mb, int kind, size_t ex)
{
	struct timeline *t = mb->t;
	xgrow(&t->mistakes, &mb->cap, t->nmistakes + 1, sizeof *t->mistakes, 8);
	struct tl_mistake *m = &t->mistakes[t->nmistakes++];
	memset(m, 0, sizeof *m);
	m->kind = (uint8_t)kind;
	m->ex = ex == TL_NO_EX ? TL_NO_EX : (uint32_t)ex;
	m->other = TL_NO_EX;
	return m;
}

static void add_fr(struct tl_mistake *m, uint32_t no)
{
	if (no && m->nfr < TL_MISTAKE_FRAMES && (!m->nfr || m->fr[m->nfr - 1] != no))
		m->fr[m->nfr++] = no;
}

static uint32_t first_req(const struct timeline *t, size_t i)
{
	return t->ex[i].nreq ? t->ex[i].req[0] : 0;
}

static uint32_t last_req(const struct timeline *t, size_t i)
{
	return t->ex[i].nreq ? t->ex[i].req[t->ex[i].nreq - 1] : 0;
}

/* A command the client typed, not message text read as one. */
static int is_cmd(const struct exchange *x)
{
	return x->kind == EXK_COMMAND && !x->stray;
}

static void bare_lf(struct mbuild *mb, size_t i)
{
	const struct timeline *t = mb->t;
	const struct exchange *x = &t->s->ex[i];
	int line = (is_cmd(x) || x->kind == EXK_AUTH) && x->bare_lf;
	int msg = x->bi && x->bi->bare_lf;
	if (!line && !msg)
		return;
	struct tl_mistake *m = add(mb, TLM_BARE_LF, i);
	add_fr(m, first_req(t, i));
	add_fr(m, last_req(t, i));
	m->note = last_req(t, i);
	m->count = msg ? (uint32_t)(x->bi->bare_lf > UINT32_MAX ? UINT32_MAX : x->bi->bare_lf) : 1;
}

/* The nearest exchange before i the client sent something for (or the
 * greeting), or TL_NO_EX. */
static size_t prev_request(const struct session *s, size_t i)
{
	while (i--)
		if (s->ex[i].kind != EXK_REPLY)
			return s->ex[i].kind == EXK_COMMAND && s->ex[i].stray ? TL_NO_EX : i;
	return TL_NO_EX;
}

static void before_354(struct mbuild *mb, size_t b)
{
	const struct timeline *t = mb->t;
	const struct session *s = t->s;
	if (s->ex[b].kind != EXK_BODY)
		return;
	size_t d = prev_request(s, b);
	if (d == TL_NO_EX || strcmp(s->ex[d].verb, "DATA") ||
	    s->ex[d].reply_code != 354 || !t->ex[d].nrep || !t->ex[b].nreq ||
	    t->ex[b].req[0] >= t->ex[d].rep[0])
		return;
	struct tl_mistake *m = add(mb, TLM_BEFORE_354, b);
	m->other = (uint32_t)d;
	add_fr(m, t->ex[b].req[0]);
	add_fr(m, t->ex[d].rep[0]);
	m->note = t->ex[b].req[0];
}

/* RFC 2920 3.1: only these may be followed by more commands in a group
 * (and the message itself, and BDAT chunks, RFC 3030 4). */
static int may_continue_group(const struct exchange *p)
{
	static const char *const ok[] = { "MAIL", "RCPT", "RSET", "BDAT", "SEND", "SOML", "SAML" };
	if (p->kind == EXK_BODY)
		return 1;
	for (size_t k = 0; k < sizeof ok / sizeof *ok; k++)
		if (!strcmp(p->verb, ok[k]))
			return 1;
	return 0;
}

/* Command i sent before the reply to the one before it had ended. */
static void early_command(struct mbuild *mb, size_t i, unsigned caps)
{
	const struct timeline *t = mb->t;
	const struct session *s = t->s;
	const struct exchange *x = &s->ex[i];
	if (!is_cmd(x) || !x->pipelined)
		return;
	size_t p = prev_request(s, i);   /* walks back over replies: once per command */
	if (p == TL_NO_EX || s->ex[p].kind == EXK_GREETING ||
	    !t->ex[i].nreq || !t->ex[p].nrep)
		return;
	const struct tl_exchange *tp = &t->ex[p];
	uint32_t at = t->ex[i].req[0], last = tp->rep[tp->nrep - 1];
	int kind;
	if (s->ex[p].reply_lines > 1 && at > tp->rep[0] && at < last)
		kind = TLM_BEFORE_REPLY_END;
	else if (at >= tp->rep[0])
		return;
	else if (!(caps & SMTP_CAP_PIPELINING))
		kind = TLM_PIPELINING_UNANNOUNCED;
	else if (!may_continue_group(&s->ex[p]))
		kind = TLM_PIPELINING_GROUP;
	else
		return;                /* legitimate pipelining */
	struct tl_mistake *m = add(mb, kind, i);
	m->other = (uint32_t)p;
	add_fr(m, at);
	add_fr(m, kind == TLM_BEFORE_REPLY_END ? last : tp->rep[0]);
	m->note = at;
}

static void unstuffed_dot(struct mbuild *mb, size_t b)
{
	const struct timeline *t = mb->t;
	const struct session *s = t->s;
	if (!s->ex[b].bi || !s->ex[b].bi->unstuffed_dot)
		return;
	struct tl_mistake *m = add(mb, TLM_UNSTUFFED_DOT, b);
	add_fr(m, last_req(t, b));
	for (size_t i = b + 1; i < s->nex && s->ex[i].kind != EXK_BODY; i++)
		if (s->ex[i].kind == EXK_COMMAND && s->ex[i].stray) {
			if (m->other == TL_NO_EX) {
				m->other = (uint32_t)i;
				m->note = first_req(t, i);
				add_fr(m, m->note);
				add_fr(m, t->ex[i].nrep ? t->ex[i].rep[0] : 0);
			}
			m->count++;
		}
	if (!m->note)
		m->note = last_req(t, b);
}

static void per_exchange(struct mbuild *mb)
{
	const struct session *s = mb->t->s;
	unsigned caps = 0;
	for (size_t i = 0; i < s->nex; i++) {
		bare_lf(mb, i);
		before_354(mb, i);
		early_command(mb, i, caps);
		unstuffed_dot(mb, i);
		if (s->ex[i].kind == EXK_COMMAND && s->ex[i].reply_code / 100 == 2 &&
		    (!strcmp(s->ex[i].verb, "EHLO") || !strcmp(s->ex[i].verb, "LHLO") ||
		     !strcmp(s->ex[i].verb, "HELO")))
			caps = s->ex[i].caps;   /* HELO: no extensions */
		else if (s->ex[i].kind == EXK_COMMAND && !strcmp(s->ex[i].verb, "STARTTLS"))
			caps = 0;               /* forgotten: the client must EHLO again */
	}
}

/* The last frame with payload before frame index fi, or SIZE_MAX. */
static size_t last_payload_before(const struct timeline *t, size_t fi)
{
	while (fi--)
		if (t->frames[fi].dir <= DIR_S2C && t->frames[fi].len)
			return fi;
	return SIZE_MAX;
}

/* The server ended a client silence: frame index fi (its 421 or FIN). */
static void stall(struct mbuild *mb, size_t fi, size_t ex)
{
	const struct timeline *t = mb->t;
	size_t lp = last_payload_before(t, fi);
	if (lp == SIZE_MAX || t->frames[fi].ts_ns < t->frames[lp].ts_ns + STALL_MIN_NS)
		return;
	if (ex == TL_NO_EX && t->frames[lp].dir != DIR_S2C)
		return;                /* a close after the client's own last word */
	struct tl_mistake *m = add(mb, TLM_SERVER_TIMEOUT, ex);
	m->wait_ns = t->frames[fi].ts_ns - t->frames[lp].ts_ns;
	if (t->fm[lp].count)
		m->other = (uint32_t)tl_frame_ex(t, lp, t->fm[lp].count - 1);
	add_fr(m, t->frames[lp].no);
	add_fr(m, t->frames[fi].no);
	m->note = t->frames[fi].no;
}

static int has_verb(const struct session *s, const char *verb, int *plain)
{
	int found = 0;
	for (size_t i = 0; i < s->nex; i++) {
		*plain |= s->ex[i].plain;
		found |= is_cmd(&s->ex[i]) && !strcmp(s->ex[i].verb, verb);
	}
	return found;
}

/* Session end: no QUIT, or a timeout. */
static void ending(struct mbuild *mb)
{
	const struct timeline *t = mb->t;
	const struct session *s = t->s;
	int plain = 0, quit = has_verb(s, "QUIT", &plain), c421 = 0;
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		if (x->reply_code != 421 || !t->ex[i].nrep)
			continue;
		c421 = 1;
		/* unsolicited, or the answer to a message whose end never came */
		if (x->kind == EXK_REPLY || (x->kind == EXK_BODY && x->bi && !x->bi->complete)) {
			const struct frame_rec *f = tl_find(t, t->ex[i].rep[0]);
			if (f)
				stall(mb, (size_t)(f - t->frames), i);
		}
	}
	if (quit || c421 || s->cut_short || s->nex < 2 || ((s->starttls || s->tls_implicit) && !plain))
		return;
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		if (f->dir > DIR_S2C || !(f->flags & (TH_FIN | TH_RST)))
			continue;
		if (f->dir == DIR_C2S) {
			struct tl_mistake *m = add(mb, TLM_NO_QUIT, TL_NO_EX);
			add_fr(m, f->no);
			m->note = f->no;
		} else
			stall(mb, i, TL_NO_EX);
		return;
	}
}

static int cmp_first_frame(const void *a, const void *b)
{
	const struct tl_mistake *x = a, *y = b;
	uint32_t fx = x->nfr ? x->fr[0] : 0, fy = y->nfr ? y->fr[0] : 0;
	if (fx != fy)
		return fx < fy ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

static int cmp_note(const void *a, const void *b, void *arg)
{
	const struct tl_mistake *m = arg;
	uint32_t x = m[*(const size_t *)a].note, y = m[*(const size_t *)b].note;
	return (x > y) - (x < y);
}

void tl_mistakes(struct timeline *t)
{
	struct mbuild mb = { .t = t };
	per_exchange(&mb);
	ending(&mb);
	if (!t->nmistakes)
		return;
	qsort(t->mistakes, t->nmistakes, sizeof *t->mistakes, cmp_first_frame);
	t->mistake_by_note = xmalloc(t->nmistakes * sizeof *t->mistake_by_note);
	for (size_t k = 0; k < t->nmistakes; k++)
		if (t->mistakes[k].note)
			t->mistake_by_note[t->nmistake_notes++] = k;
	qsort_r(t->mistake_by_note, t->nmistake_notes, sizeof *t->mistake_by_note, cmp_note, t->mistakes);
}

void tl_mistakes_free(struct timeline *t)
{
	free(t->mistakes);
	free(t->mistake_by_note);
	t->mistakes = NULL;
	t->mistake_by_note = NULL;
	t->nmistakes = t->nmistake_notes = 0;
}
