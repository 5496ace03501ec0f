/* smtp-reply.c - the server direction: reply lines assembled into replies,
 * each paired with the oldest command waiting for one (pipelining), and
 * judged: a 354 opens the message, a 220 to STARTTLS starts TLS, a 334
 * asks for an AUTH response. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "smtp-int.h"

/* The reply to DATA or STARTTLS that decides how the held bytes read. */
static void judge_hold(struct dissector *d, struct exchange *x, int code)
{
	struct session *s = d->s;
	d->hold_s2c_gap = 0;
	if (is_verb(x->verb, "DATA")) {
		if (code == 354) {
			uint64_t at = x->req_end;
			d->cmode = CM_BODY_HDR;
			line_asm_reset(&d->la[0], at);
			start_body(d, at, NULL);
		} else {
			d->cmode = CM_CMD;
			line_asm_reset(&d->la[0], x->req_end);
		}
		release_held(d);
	} else if (is_verb(x->verb, "STARTTLS")) {
		if (code == 220) {
			d->cmode = CM_TLS;
			s->starttls = 1;
			s->tls_off[DIR_C2S] = x->req_end;
			d->tls_s2c = 1;
			app_handoff(d->stack, d, &app_tls, DIR_C2S, x->req_end);
			release_held(d);
		} else {
			d->cmode = CM_CMD;
			line_asm_reset(&d->la[0], x->req_end);
			release_held(d);
		}
	}
}

static void judge(struct dissector *d, struct exchange *x, int code);

/* Do the held client bytes begin with a command line? */
static int held_is_command(const struct dissector *d)
{
	char verb[16];
	size_t n = d->nheld < 16 ? d->nheld : 16;
	size_t vl = smtp_command_verb((const char *)d->held, n, verb);
	return vl && known_verb(verb) &&
	       (vl == d->nheld || d->held[vl] == ' ' || d->held[vl] == '\r' || d->held[vl] == '\n');
}

int infer_354(struct dissector *d)
{
	struct session *s = d->s;
	if (d->cmode != CM_HOLD || !d->hold_s2c_gap || d->hold_for < 0 || !d->nheld ||
	    d->pend_head == d->npend || d->pend[d->pend_head] != (size_t)d->hold_for)
		return 0;
	struct exchange *x = &s->ex[d->hold_for];
	if (!is_verb(x->verb, "DATA") || x->reply_code || held_is_command(d))
		return 0;
	pop_pending(d);
	x->reply_code = 354;
	x->reply_lines = 0;       /* no line of it was seen */
	static const char why[] = "(not captured: inferred, the client went on with the message)";
	x->reply_text = dup_text(why, sizeof why - 1, TEXT_LIMIT);
	judge(d, x, 354);
	return 1;
}

static void judge(struct dissector *d, struct exchange *x, int code)
{
	struct session *s = d->s;
	struct smtp_summary *sum = &s->smtp;
	if (sum->ncodes < (int)(sizeof sum->codes / sizeof sum->codes[0]))
		sum->codes[sum->ncodes++] = code;
	if (x->kind == EXK_GREETING) {
		d->greeted = 1;
		return;
	}
	if ((x->kind == EXK_COMMAND && is_verb(x->verb, "AUTH")) || x->kind == EXK_AUTH) {
		d->auth_cont = code == 334;
		return;
	}
	if (x->kind == EXK_COMMAND && (int)(x - s->ex) == d->hold_for && d->cmode == CM_HOLD)
		judge_hold(d, x, code);
}

/* A command whose line has begun but not ended, answered already (the
 * capture missed its tail), or NULL. */
static struct exchange *early_target(struct dissector *d)
{
	struct session *s = d->s;
	struct line_asm *la = &d->la[0];
	if (!d->greeted || d->cmode != CM_CMD || d->resync[0] || d->auth_cont ||
	    d->early_ex || la->len < 4 || s->nex >= SMTP_MAX_EXCHANGES)
		return NULL;
	char verb[16];
	smtp_command_verb(la->buf, la->len, verb);
	if (!early_ok(verb))
		return NULL;
	struct exchange *x = new_ex(d, EXK_COMMAND);
	memcpy(x->verb, verb, sizeof verb);
	x->req_off = la->off;
	x->req_end = la->off + line_asm_pending(la);
	x->line = dup_text(la->buf, la->len, TEXT_LIMIT);
	d->early_ex = s->nex;
	return x;
}

/* Can `code` answer exchange x?  Only the codes that belong to one command
 * are checked; 421 (closing) answers anything. */
static int plausible(const struct exchange *x, int code)
{
	int auth = x->kind == EXK_AUTH || (x->kind == EXK_COMMAND && is_verb(x->verb, "AUTH"));
	switch (code) {
	case 220: return x->kind == EXK_COMMAND && is_verb(x->verb, "STARTTLS");
	case 221: return x->kind == EXK_COMMAND && is_verb(x->verb, "QUIT");
	case 354: return x->kind == EXK_COMMAND && is_verb(x->verb, "DATA");
	case 235: case 334: return auth;
	default: return 1;
	}
}

/* A reply that answers no command: named now, or by the next command. */
static struct exchange *unexpected(struct dissector *d, const struct exchange *waiting)
{
	struct session *s = d->s;
	char verb[16];
	if (waiting)
		snprintf(verb, sizeof verb, "%s", waiting->kind == EXK_BODY ? "DATA" : waiting->verb);
	if (ex_full(d))
		return NULL;           /* counted, not kept */
	struct exchange *x = new_ex(d, d->greeted ? EXK_REPLY : EXK_GREETING);
	if (x->kind != EXK_REPLY)
		return x;
	if (waiting) {
		x->unexpected = UNEXP_REPLY;
		memcpy(x->before, verb, sizeof x->before);
	} else if (d->wait_reply)
		x->unexpected = UNEXP_START;
	else if (!d->unexp_from && !d->resync[0])     /* not a command lost in a gap */
		d->unexp_from = s->nex;
	return x;
}

/* The exchange a complete reply with `code` belongs to: the oldest command
 * waiting for one, if the code can answer it; else a command whose line has
 * begun but not ended; else a greeting or a reply that answers nothing. */
static struct exchange *reply_target(struct dissector *d, int code)
{
	struct session *s = d->s;
	if (d->pend_head < d->npend) {
		struct exchange *w = &s->ex[d->pend[d->pend_head]];
		if (code && !plausible(w, code))
			return unexpected(d, w);
		return &s->ex[pop_pending(d)];
	}
	struct exchange *x = early_target(d);
	if (x)
		return x;
	return unexpected(d, NULL);
}

/* A reply is complete: act on it.  A reply to a message whose end was not
 * seen, after bytes of it were lost, means the end of data was among them. */
static void reply_done(struct dissector *d, struct exchange *x)
{
	struct session *s = d->s;
	if (d->body_ex && x == &s->ex[d->body_ex - 1] &&
	    (d->cmode == CM_BODY || d->cmode == CM_BODY_HDR) && x->bi && x->bi->gap) {
		end_body(d, d->c2s_end);
		x->bi->complete = 0;
		d->resync[0] = 1;
	}
	judge(d, x, x->reply_code);
}

/* The first line's text of a reply assembled in ra. */
static char *first_text(const char *t, size_t cap)
{
	const char *nl = strchr(t, '\n');
	return dup_text(t, nl ? (size_t)(nl - t) : strlen(t), cap);
}

/* What a 2xx reply to EHLO/LHLO announced (the text is the whole reply). */
static void ehlo_caps(struct exchange *x, const char *text)
{
	struct smtp_caps c = { 0 };
	if (x->kind != EXK_COMMAND || x->reply_code / 100 != 2 || !text ||
	    (!is_verb(x->verb, "EHLO") && !is_verb(x->verb, "LHLO")))
		return;
	smtp_caps_parse(&c, text, strlen(text));
	x->caps = (uint16_t)c.flags;
}

static int server_line(void *ctx, const char *line, size_t len, uint64_t o0,
                       uint64_t o1, size_t overlong)
{
	struct dissector *d = ctx;
	struct session *s = d->s;
	if (!d->rep_open) {
		d->rep_start = o0;
		d->rep_open = 1;
	}
	int r = reply_asm_line(&d->ra, line, len);
	if (r < 0)
		rl_drop(d);
	else
		rl_add(d, line, len, overlong);
	if (r < 0) {
		if (!d->replies && s->smtp.midstream)
			s->smtp.skipped[DIR_S2C] += o1 - o0;
		d->rep_open = 0;
		return 0;              /* not a reply line: skipped (resync) */
	}
	d->resync[1] = 0;
	if (r == 0)
		return 0;
	d->rep_open = 0;
	d->replies++;

	/* RFC 5321 4.2.1: a multi-line reply whose lines carry different
	 * codes is malformed; its last line is taken as the answer */
	struct reply_line last;
	int code = d->ra.r.code;
	if (d->ra.r.inconsistent && smtp_parse_reply_line(line, len, &last))
		code = last.code;
	infer_354(d);
	struct exchange *x = reply_target(d, code);
	if (!x) {
		rl_drop(d);
		return 0;
	}
	rl_give(d, x);
	x->reply_code = code;
	x->reply_lines = d->ra.r.nlines;
	x->reply_inconsistent = d->ra.r.inconsistent;
	x->reply_text = first_text(d->ra.r.text ? d->ra.r.text : "", TEXT_LIMIT);
	x->rep_off = d->rep_start;
	x->rep_end = o1;
	ehlo_caps(x, d->ra.r.text);
	reply_done(d, x);
	if (d->tls_s2c) {
		s->tls_off[DIR_S2C] = o1;
		app_handoff(d->stack, d, &app_tls, DIR_S2C, o1);
		return 1;              /* what follows the 220 is TLS */
	}
	return 0;
}

/* The code of a partial reply line cut by a gap ("250-..." or "250 ..."), 0 if none. */
static int partial_code(const struct line_asm *la)
{
	const char *b = la->buf;
	if (la->len < 3 || b[0] < '2' || b[0] > '5' || !isdigit((unsigned char)b[1]) ||
	    !isdigit((unsigned char)b[2]) || (la->len > 3 && b[3] != ' ' && b[3] != '-'))
		return 0;
	return (b[0] - '0') * 100 + (b[1] - '0') * 10 + (b[2] - '0');
}

/* Close a reply cut by a gap at the gap's end. */
static void close_cut_reply(struct dissector *d, int code, int lines, const char *text,
                            size_t tlen, uint64_t start, uint64_t end)
{
	struct session *s = d->s;
	struct exchange *x = reply_target(d, code);
	if (!x)
		return;
	rl_give(d, x);
	x->reply_code = code;
	x->reply_lines = lines;
	x->reply_text = dup_text(text, tlen, TEXT_LIMIT);
	x->rep_off = start;
	x->rep_end = end;
	reply_done(d, x);
	if (d->tls_s2c && !s->tls_off[DIR_S2C]) {
		s->tls_off[DIR_S2C] = end;
		app_handoff(d->stack, d, &app_tls, DIR_S2C, end);
	}
}

/* A server gap: when it begins inside a reply (a line or a multi-line reply
 * open), the rest of that reply is in the gap: close it there, so the
 * replies after the gap still pair with the right commands. */
void server_gap(struct dissector *d, uint64_t off, uint64_t n)
{
	struct session *s = d->s;
	struct line_asm *la = &d->la[1];
	int code = 0, lines = 0;
	const char *text = "";
	size_t tlen = 0;
	uint64_t start = la->off;
	if (d->ra.active) {
		code = d->ra.r.code;
		lines = d->ra.r.nlines + 1;
		text = d->ra.r.text ? d->ra.r.text : "";
		const char *nl = strchr(text, '\n');
		tlen = nl ? (size_t)(nl - text) : strlen(text);
		if (d->rep_open)
			start = d->rep_start;
	} else if ((code = partial_code(la)) != 0) {
		rl_drop(d);
		rl_add(d, la->buf, la->len, la->dropped);
		lines = 1;
		text = la->len > 4 ? la->buf + 4 : "";
		tlen = la->len > 4 ? la->len - 4 : 0;
	}
	if (code && !(d->tls_s2c && start >= s->tls_off[DIR_S2C]))
		close_cut_reply(d, code, lines, text, tlen, start, off + n);
	rl_drop(d);
	line_asm_reset(la, off + n);
	d->rep_open = 0;
	reply_asm_free(&d->ra);
	reply_asm_init(&d->ra, 4096);
	d->resync[1] = 1;
}

void server_bytes(struct dissector *d, uint64_t off, const uint8_t *p, size_t n)
{
	struct session *s = d->s;
	d->server_bytes += n;
	if (d->tls_s2c && off >= s->tls_off[DIR_S2C])
		return;
	size_t used = line_asm_feed(&d->la[1], p, n, server_line, d);
	(void)used;                    /* stopped early only at the STARTTLS 220 */
}
