/* smtp-cmd.c - the client direction: command lines (and what HELO, MAIL and
 * RCPT tell about the session), commands answered before their line ended,
 * and the bytes held while DATA or STARTTLS waits for the reply that
 * decides how to read them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtp-int.h"
#include "util-mem.h"

/* ---- held bytes ---------------------------------------------------------- */

/* Keep client bytes until the reply decides; past HOLD_LIMIT they are not
 * kept but recorded as a gap, so the offsets after them stay right. */
static void hold_bytes(struct dissector *d, uint64_t off, const uint8_t *p, size_t n)
{
	if (!d->nheld && !d->nhgap)
		d->held_off = off;
	if (d->nheld + n > HOLD_LIMIT) {
		size_t keep = HOLD_LIMIT - d->nheld;
		d->s->smtp.held_dropped += n - keep;
		if (keep)
			hold_bytes(d, off, p, keep);
		hold_gap(d, off + keep, n - keep);
		return;
	}
	if (d->nheld + n > d->capheld) {
		size_t cap = d->capheld ? d->capheld : 4096;
		while (cap < d->nheld + n)
			cap *= 2;
		d->held = xrealloc(d->held, cap);
		d->capheld = cap;
	}
	memcpy(d->held + d->nheld, p, n);
	d->nheld += n;
}

/* A gap while holding: remember where it falls among the held bytes. */
void hold_gap(struct dissector *d, uint64_t off, uint64_t n)
{
	if (!d->nheld && !d->nhgap)
		d->held_off = off;
	if (d->nhgap && d->hgap[d->nhgap - 1].at == d->nheld)
		d->hgap[d->nhgap - 1].n += n;
	else if (d->nhgap < sizeof d->hgap / sizeof d->hgap[0]) {
		d->hgap[d->nhgap].at = d->nheld;
		d->hgap[d->nhgap++].n = n;
	} else
		d->hgap[d->nhgap - 1].n += n;   /* never more than a handful */
}

/* Replay what was held now that the reply decided what it is: through the
 * stack, so after a STARTTLS 220 the bytes reach the TLS layer. */
void release_held(struct dissector *d)
{
	if (!d->nheld && !d->nhgap)
		return;
	uint8_t *h = d->held;
	size_t n = d->nheld, pos = 0, ng = d->nhgap;
	uint64_t off = d->held_off;
	struct hgap g[sizeof d->hgap / sizeof d->hgap[0]];
	memcpy(g, d->hgap, ng * sizeof g[0]);
	d->held = NULL;
	d->nheld = d->capheld = 0;
	d->nhgap = 0;
	for (size_t i = 0; i <= ng; i++) {
		size_t upto = i < ng ? g[i].at : n;
		if (upto > pos) {
			app_data(d->stack, DIR_C2S, off, h + pos, upto - pos);
			off += upto - pos;
			pos = upto;
		}
		if (i < ng) {
			app_gap(d->stack, DIR_C2S, off, g[i].n);
			off += g[i].n;
		}
	}
	free(h);
}

/* ---- what a command tells -------------------------------------------------- */

/* "MAIL FROM:<a@b> SIZE=1" -> "a@b" (at most cap-1 bytes) */
static void path_arg(const char *line, size_t len, char *out, size_t cap)
{
	const char *lt = memchr(line, '<', len);
	const char *c = memchr(line, ':', len);
	size_t i = 0;
	const char *p, *end = line + len;
	if (lt) {
		for (p = lt + 1; p < end && *p != '>' && i + 1 < cap; p++)
			out[i++] = *p;
	} else if (c) {
		for (p = c + 1; p < end && *p == ' '; p++)
			;
		for (; p < end && *p != ' ' && i + 1 < cap; p++)
			out[i++] = *p;
	}
	out[i] = '\0';
}

static void add_rcpt(struct smtp_summary *sum, const char *line, size_t len)
{
	sum->nrcpt++;
	if (sum->nrcpt_kept >= SMTP_MAX_RCPTS)
		return;
	char r[128];
	path_arg(line, len, r, sizeof r);
	sum->rcpt = xrealloc(sum->rcpt, (sum->nrcpt_kept + 1) * sizeof *sum->rcpt);
	sum->rcpt[sum->nrcpt_kept++] = xstrdup(r);
}

/* What a HELO/EHLO/MAIL/RCPT line tells about the session. */
static void command_effects(struct dissector *d, const char *verb, const char *line, size_t len)
{
	struct smtp_summary *sum = &d->s->smtp;
	if (is_verb(verb, "EHLO") || is_verb(verb, "HELO") || is_verb(verb, "LHLO")) {
		const char *a = len > 5 ? line + 5 : "";
		size_t al = len > 5 ? len - 5 : 0;
		if (al >= sizeof sum->helo)
			al = sizeof sum->helo - 1;
		memcpy(sum->helo, a, al);
		sum->helo[al] = '\0';
	} else if (is_verb(verb, "MAIL")) {
		sum->transactions++;
		if (!sum->mail_from[0])
			path_arg(line, len, sum->mail_from, sizeof sum->mail_from);
	} else if (is_verb(verb, "RCPT"))
		add_rcpt(sum, line, len);
}

/* ---- commands answered before their line ended ----------------------------- */

/* A command that may be answered before its line is complete (the capture
 * missed its tail): everything but those that change how the bytes after
 * them are read, and AUTH, whose line must be seen whole to be redacted. */
int early_ok(const char *verb)
{
	return known_verb(verb) && !is_verb(verb, "DATA") && !is_verb(verb, "BDAT") &&
	       !is_verb(verb, "STARTTLS") && !is_verb(verb, "AUTH");
}

/* The early command's line is complete (o1: its end), or was cut by a gap. */
void finish_early(struct dissector *d, const char *line, size_t len, uint64_t o1, int cut)
{
	struct session *s = d->s;
	struct exchange *x = &s->ex[d->early_ex - 1];
	char verb[16];
	d->early_ex = 0;
	x->req_end = o1;
	x->has_req_end = 1;
	free(x->line);
	x->line = NULL;
	if (cut) {
		char buf[TEXT_LIMIT + 32];
		size_t l = len > TEXT_LIMIT ? TEXT_LIMIT : len;
		if (l)
			memcpy(buf, line, l);
		memcpy(buf + l, " [cut by a gap]", 16);
		x->line = dup_text(buf, l + 15, TEXT_LIMIT + 15);
	} else
		x->line = dup_text(line, len, TEXT_LIMIT);
	smtp_command_verb(line, len, verb);
	command_effects(d, verb, line, len);
}

/* A command line cut by a gap: its tail was lost. */
void client_gap_cmd(struct dissector *d, uint64_t off, uint64_t n)
{
	struct session *s = d->s;
	struct line_asm *la = &d->la[0];
	char verb[16] = "";
	if (la->len)
		smtp_command_verb(la->buf, la->len, verb);
	if (d->early_ex)
		finish_early(d, la->buf, la->len, off + n, 1);
	else if (!d->resync[0] && !d->auth_cont && early_ok(verb) && n <= LINE_LIMIT &&
	         !ex_full(d)) {
		struct exchange *x = new_ex(d, EXK_COMMAND);
		memcpy(x->verb, verb, sizeof verb);
		x->req_off = la->off;
		x->pipelined = owed(d) > 0;
		push_pending(d, s->nex - 1);
		d->early_ex = s->nex;
		finish_early(d, la->buf, la->len, off + n, 1);
	}
	d->resync[0] = 1;
}

/* ---- command lines ----------------------------------------------------- */

/* A line that is not a command right after the end of a message whose
 * reply is still owed: the "end" was a line '.' inside the message that
 * the client did not dot-stuff (RFC 5321 4.5.2) - its mistake, not
 * pipelining. */
static void stray_after_eod(struct dissector *d, struct exchange *x)
{
	struct session *s = d->s;
	if (!d->after_eod)
		return;
	struct exchange *m = &s->ex[d->after_eod - 1];
	if (m->reply_code || known_verb(x->verb)) {
		d->after_eod = 0;
		return;
	}
	x->stray = 1;
	x->pipelined = 0;
	if (m->bi)
		m->bi->unstuffed_dot = 1;
}

/* The replies that answered nothing since the last command came before
 * this one. */
static void name_unexpected(struct dissector *d, const char *verb)
{
	struct session *s = d->s;
	for (size_t i = d->unexp_from; i && i < s->nex; i++) {
		struct exchange *x = &s->ex[i - 1];
		if (x->kind == EXK_REPLY && !x->unexpected) {
			x->unexpected = UNEXP_BEFORE;
			memcpy(x->before, verb, sizeof x->before);
		}
	}
	d->unexp_from = 0;
}

/* An answer to a 334 challenge (without a server side in the capture: any
 * line after AUTH that is not a command). */
static void auth_response(struct dissector *d, const char *line, size_t len, uint64_t o0,
                          uint64_t o1)
{
	struct session *s = d->s;
	if (ex_full(d))
		return;
	struct exchange *x = new_ex(d, EXK_AUTH);
	x->req_off = o0;
	x->req_end = o1;
	x->has_req_end = 1;
	auth_line(d, x, d->auth_mech, line, len, d->auth_step++);
	d->auth_cont = 0;
	push_pending(d, s->nex - 1);
}

/* DATA and STARTTLS: hold what follows until the reply decides. */
static void hold_for_reply(struct dissector *d, const char *verb, uint64_t o1)
{
	struct session *s = d->s;
	d->hold_for = (int)(s->nex - 1);
	if (is_verb(verb, "DATA") && !d->server_bytes && !d->greeted) {
		/* no server side in this capture: assume the 354 */
		d->cmode = CM_BODY_HDR;
		start_body(d, o1, NULL);
	} else
		d->cmode = CM_HOLD;
}

/* A new command.  Returns 1 when the bytes after it are read otherwise. */
static int command(struct dissector *d, const char *verb, const char *line, size_t len,
                   uint64_t o0, uint64_t o1)
{
	struct session *s = d->s;
	if (ex_full(d))
		return 0;              /* counted, not kept */
	struct exchange *x = new_ex(d, EXK_COMMAND);
	memcpy(x->verb, verb, sizeof x->verb);
	x->req_off = o0;
	x->req_end = o1;
	x->has_req_end = 1;
	x->pipelined = owed(d) > 0;
	push_pending(d, s->nex - 1);
	name_unexpected(d, verb);
	stray_after_eod(d, x);
	if (is_verb(verb, "AUTH")) {
		auth_command(d, x, line, len);
		return 0;
	}
	x->line = dup_text(line, len, TEXT_LIMIT);
	command_effects(d, verb, line, len);
	if (is_verb(verb, "DATA") || is_verb(verb, "STARTTLS")) {
		hold_for_reply(d, verb, o1);
		return 1;
	}
	if (is_verb(verb, "BDAT")) {
		bdat_command(d, x, line, len, o1);
		return 1;
	}
	return 0;
}

static int client_line(void *ctx, const char *line, size_t len, uint64_t o0,
                       uint64_t o1, size_t overlong)
{
	struct dissector *d = ctx;
	struct session *s = d->s;
	char verb[16];

	if (d->cmode == CM_BODY_HDR)
		return body_line(ctx, line, len, o0, o1, overlong);
	smtp_command_verb(line, len, verb);
	if (d->resync[0]) {
		if (!known_verb(verb) || (d->wait_reply && !d->replies && d->server_bytes)) {
			if (d->wait_reply)
				s->smtp.skipped[DIR_C2S] += o1 - o0;
			return 0;          /* the rest of a line cut by a gap */
		}
		d->resync[0] = 0;
		d->wait_reply = 0;
	}
	int bare = line_bare_lf(len, overlong, o0, o1);
	if (d->early_ex) {
		if (s->ex[d->early_ex - 1].req_off == o0) {
			s->ex[d->early_ex - 1].bare_lf = (uint8_t)bare;
			finish_early(d, line, len, o1, 0);   /* already answered */
			return 0;
		}
		d->early_ex = 0;
	}
	if (known_verb(verb))
		d->auth_open = 0;
	size_t at = s->nex;        /* the exchange this line makes, if any */
	int r = 0;
	if (d->auth_cont || (d->auth_open && !d->server_bytes))
		auth_response(d, line, len, o0, o1);
	else
		r = command(d, verb, line, len, o0, o1);
	if (s->nex > at)
		s->ex[at].bare_lf = (uint8_t)bare;
	return r;
}

void client_bytes(struct dissector *d, uint64_t off, const uint8_t *p, size_t n)
{
	if (d->eod_check && n)
		eod_check(d, off, p, n);
	while (n) {
		size_t used;
		enum cmode was = d->cmode;
		struct body_info *b = cur_body(d);
		switch (d->cmode) {
		case CM_TLS:
			return;
		case CM_HOLD:
			hold_bytes(d, off, p, n);
			return;
		case CM_BODY:
			used = body_scan(d, off, p, n);
			break;
		case CM_BDAT:
			used = bdat_bytes(d, off, p, n);
			break;
		default:
			used = line_asm_feed(&d->la[0], p, n, client_line, d);
			break;
		}
		if (!used)
			return;            /* cannot happen; never spin */
		if (was == CM_BODY_HDR || was == CM_BODY || was == CM_BDAT)
			data_keep(d, b, off, p, used);
		p += used;
		n -= used;
		off += used;
	}
}
