/* smtp-diss.c - the SMTP dissector over reassembled TCP streams: its
 * lifecycle, entry points, the queue of replies owed, gap routing.
 *
 * Two resumable parsers, one per direction, fed in capture order.  Client
 * bytes are commands (split into lines), a message body after a 354 reply
 * (scanned fast for the end-of-data line), BDAT chunks, AUTH responses after
 * a 334, or TLS after STARTTLS.  Server bytes are replies, paired with the
 * commands waiting for them in order (which is what makes pipelining work).
 * Every command and reply keeps its byte range in its stream; render.c maps
 * those ranges onto the frames that carried them. */
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "smtp-int.h"
#include "util-mem.h"

/* ---- small helpers ------------------------------------------------------- */

/* Whether a byte of w is below 0x20 or is 0x7f (exact as a yes/no for the
 * whole word; tab counts too, and is told apart byte by byte). */
static int word_has_ctl(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t del = w ^ (ones * 0x7f);
	return ((((w - ones * 0x20) & ~w) | ((del - ones) & ~del)) & high) != 0;
}

char *dup_text(const char *p, size_t n, size_t limit)
{
	if (n > limit)
		n = limit;
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = '\0';
	/* control characters (rare) would drive the user's terminal; eight
	 * bytes a step while there are none (this copy is made for every
	 * command, reply line and header kept) */
	size_t i = 0;
	for (uint64_t w; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		if (word_has_ctl(w))
			break;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			s[i] = '?';
	}
	return s;
}

struct exchange *new_ex(struct dissector *d, int kind)
{
	struct session *s = d->s;
	if (s->nex == s->capex)
		xgrow(&s->ex, &s->capex, s->nex + 1, sizeof *s->ex, 16);
	struct exchange *x = &s->ex[s->nex++];
	memset(x, 0, sizeof *x);
	x->kind = (uint8_t)kind;
	x->plain = (uint8_t)d->inner;
	return x;
}

int ex_full(struct dissector *d)
{
	if (d->s->nex < SMTP_MAX_EXCHANGES)
		return 0;
	d->s->smtp.ex_dropped++;
	return 1;
}

void push_pending(struct dissector *d, size_t idx)
{
	if (d->pend_head > 0 && d->pend_head == d->npend)
		d->pend_head = d->npend = 0;
	if (d->npend == d->cappend)
		xgrow(&d->pend, &d->cappend, d->npend + 1, sizeof *d->pend, 16);
	d->pend[d->npend++] = idx;
}

long pop_pending(struct dissector *d)
{
	if (d->pend_head == d->npend)
		return -1;
	return (long)d->pend[d->pend_head++];
}

size_t owed(const struct dissector *d)
{
	return d->npend - d->pend_head;
}

int is_verb(const char *v, const char *w)
{
	return strcmp(v, w) == 0;
}

int known_verb(const char *v)
{
	static const char *const verbs[] = {
		"HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "VRFY", "EXPN",
		"HELP", "NOOP", "QUIT", "STARTTLS", "AUTH", "ETRN", "TURN", "ATRN",
		"LHLO", "XCLIENT", "XFORWARD", NULL
	};
	for (int i = 0; verbs[i]; i++)
		if (strcmp(v, verbs[i]) == 0)
			return 1;
	return 0;
}

/* ---- the parser (app.h) -------------------------------------------------- */

static void *smtp_create(struct app_stack *a)
{
	struct dissector *d = xcalloc(1, sizeof *d);
	line_asm_init(&d->la[0], LINE_LIMIT, 0);
	line_asm_init(&d->la[1], LINE_LIMIT, 0);
	reply_asm_init(&d->ra, 4096);
	d->show_secrets = a->o.show_secrets;
	d->keep_data = a->o.keep_data;
	d->hold_for = -1;
	d->s = a->s;
	d->stack = a;
	d->inner = a != &a->s->app;
	d->greeted = d->inner;         /* after STARTTLS: no greeting */
	d->started = d->inner;         /* plaintext starts at its offset 0 */
	return d;
}

/* The capture began after the session did (no SYN either way): the client
 * may be in the middle of a message.  Client lines are skipped until a
 * known verb after a server reply, server lines until a reply-code line. */
static void check_start(struct dissector *d)
{
	struct session *s = d->s;
	d->started = 1;
	if (s->d[DIR_C2S].syn || s->d[DIR_S2C].syn || d->stack->n > 1 || d->stack->l[0].ctx != d)
		return;
	s->smtp.midstream = 1;
	d->greeted = 1;                /* the greeting is before the capture */
	d->resync[0] = 1;
	d->wait_reply = 1;
}

static void smtp_p_data(void *ctx, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	struct dissector *d = ctx;
	if (!d->started)
		check_start(d);
	if (dir == DIR_C2S) {
		if (off + n > d->c2s_end)
			d->c2s_end = off + n;
		client_bytes(d, off, p, n);
	} else
		server_bytes(d, off, p, n);
}

static void smtp_p_gap(void *ctx, int dir, uint64_t off, uint64_t n)
{
	struct dissector *d = ctx;
	if (dir == DIR_S2C) {
		if (d->cmode == CM_HOLD)
			d->hold_s2c_gap = 1;
		if (!(d->tls_s2c && off >= d->s->tls_off[DIR_S2C]))
			server_gap(d, off, n);
		return;
	}
	if (off + n > d->c2s_end)
		d->c2s_end = off + n;
	switch (d->cmode) {
	case CM_HOLD:
		hold_gap(d, off, n);
		return;
	case CM_BODY_HDR:
	case CM_BODY:
		body_gap(d, off, n);
		break;
	case CM_BDAT:
		bdat_gap(d, off, n);
		break;
	case CM_CMD:
		client_gap_cmd(d, off, n);
		break;
	default:
		break;
	}
	line_asm_reset(&d->la[0], off + n);
}

static void smtp_p_end(void *ctx)
{
	struct dissector *d = ctx;
	struct session *s = d->s;
	if (d->cmode == CM_HOLD) {
		infer_354(d);
		release_held(d);
	}
	if (d->body_ex) {
		struct exchange *x = &s->ex[d->body_ex - 1];
		x->req_end = d->c2s_end;
	}
	mfeed_finish(d);           /* a message cut short: the parts seen */
}

static void smtp_p_destroy(void *ctx)
{
	struct dissector *d = ctx;
	mfeed_drop(d);
	line_asm_free(&d->la[0]);
	line_asm_free(&d->la[1]);
	reply_asm_free(&d->ra);
	rl_free(d);
	free(d->held);
	free(d->pend);
	free(d);
}

const struct app_parser app_smtp = {
	.name = "smtp",
	.detect = smtp_looks_like,
	.create = smtp_create,
	.data = smtp_p_data,
	.gap = smtp_p_gap,
	.end = smtp_p_end,
	.destroy = smtp_p_destroy,
	.label = NULL,
};

/* ---- the session's entry points -------------------------------------------- */

void smtp_new(struct session *s, int show_secrets)
{
	struct app_opts o = { .show_secrets = show_secrets };
	smtp_open(s, &o);
}

void smtp_open(struct session *s, const struct app_opts *o)
{
	app_open(&s->app, s, s->tls_implicit ? &app_tls : &app_smtp, o);
}

void smtp_data(struct session *s, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	if (s->app.n)
		app_data(&s->app, dir, off, p, n);
}

void smtp_gap(struct session *s, int dir, uint64_t off, uint64_t n)
{
	if (s->app.n)
		app_gap(&s->app, dir, off, n);
}

void smtp_end(struct session *s)
{
	if (s->app.n)
		app_end(&s->app);
}

void smtp_free(struct session *s)
{
	app_close(&s->app);
	for (uint32_t i = 0; i < s->smtp.nrcpt_kept; i++)
		free(s->smtp.rcpt[i]);
	free(s->smtp.rcpt);
	s->smtp.rcpt = NULL;
	s->smtp.nrcpt_kept = 0;
}

/* The exchanges the dissector made (their texts and message summaries):
 * the session keeps them after smtp_free() until its outputs have run. */
void smtp_exchanges_free(struct session *s)
{
	for (size_t i = 0; i < s->nex; i++) {
		struct exchange *x = &s->ex[i];
		free(x->line);
		free(x->reply_text);
		free(x->rlines);
		if (x->bi) {
			free(x->bi->from); free(x->bi->to); free(x->bi->subject);
			free(x->bi->msgid); free(x->bi->date); free(x->bi->parts);
			free(x->bi->data);
			free(x->bi);
		}
	}
	free(s->ex);
	s->ex = NULL;
	s->nex = s->capex = 0;
}
