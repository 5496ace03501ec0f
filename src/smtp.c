/* smtp.c - the SMTP dissector over reassembled TCP streams.
 *
 * Two resumable parsers, one per direction, fed in capture order.  Client
 * bytes are commands (split into lines), a message body after a 354 reply
 * (scanned fast for the end-of-data line), BDAT chunks, AUTH responses after
 * a 334, or TLS after STARTTLS.  Server bytes are replies, paired with the
 * commands waiting for them in order (which is what makes pipelining work).
 * Every command and reply keeps its byte range in its stream; render.c maps
 * those ranges onto the frames that carried them. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "session.h"

#define LINE_LIMIT   4096      /* bytes kept of one line */
#define TEXT_LIMIT   160       /* bytes kept of a command or reply text */
#define FIELD_LIMIT  200       /* bytes kept of a message header field */
#define HOLD_LIMIT   (256u << 10)
#define HEADER_LIMIT (256u << 10) /* header section scanned line by line */

enum cmode {
	CM_CMD,          /* commands */
	CM_HOLD,         /* after DATA / STARTTLS: waiting for the reply */
	CM_BODY_HDR,     /* message header section, line by line */
	CM_BODY,         /* message body, fast scan */
	CM_BDAT,         /* BDAT chunk octets */
	CM_TLS,          /* encrypted: nothing more to read */
};

enum bscan { BS_BOL, BS_MID, BS_DOT, BS_DOTCR };

struct hgap {
	size_t at;               /* position among the held bytes */
	uint64_t n;              /* octets not captured there */
};

struct dissector {
	/* what a body segment touches comes first */
	enum cmode cmode;
	enum bscan bs;
	size_t body_ex;          /* exchange index + 1 of the message being read */
	struct body_info *bi;    /* that exchange's message (stable: ex[] may move) */
	uint64_t c2s_end;        /* end of the client bytes (and gaps) seen so far */
	struct line_asm la[2];
	struct reply_asm ra;
	int show_secrets;
	/* client bytes held while DATA or STARTTLS waits for its reply */
	uint8_t *held;
	size_t nheld, capheld;
	uint64_t held_off;
	int hold_for;            /* index of the exchange whose reply decides */
	/* replies owed, oldest first (exchange indices) */
	size_t *pend;
	size_t npend, cappend, pend_head;
	int greeted;
	uint64_t bdat_left;
	int auth_cont;           /* the next client line answers a 334 */
	char auth_mech[16];
	int auth_step;
	int resync[2];           /* after a gap: skip to a line that parses */
	uint64_t rep_start;      /* s2c offset of the reply being assembled */
	int rep_open;
	char **hdr_cur;          /* header field being continued, NULL if none */
	uint64_t server_bytes;
	int tls_s2c;             /* server bytes from tls_off[1] on are TLS */
	/* gaps inside the held bytes: [at held position] n bytes not captured */
	struct hgap hgap[16];
	size_t nhgap;
	size_t early_ex;         /* exchange index + 1 of a command answered before its LF */
	int auth_open;           /* AUTH sent: with no server side seen, responses may follow */
	int eod_check;           /* the message was answered and then a gap came: */
	uint64_t eod_check_off;  /* do the bytes at this offset begin a command? */
};

/* ---- small helpers ------------------------------------------------------- */

static char *dup_text(const char *p, size_t n, size_t limit)
{
	if (n > limit)
		n = limit;
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	/* control characters (rare) would drive the user's terminal */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			s[i] = '?';
	}
	return s;
}

static struct exchange *new_ex(struct session *s, int kind)
{
	if (s->nex == s->capex) {
		size_t cap = s->capex ? 2 * s->capex : 16;
		struct exchange *n = realloc(s->ex, cap * sizeof *n);
		if (!n)
			return NULL;
		s->ex = n;
		s->capex = cap;
	}
	struct exchange *x = &s->ex[s->nex++];
	memset(x, 0, sizeof *x);
	x->kind = (uint8_t)kind;
	return x;
}

static void push_pending(struct dissector *d, size_t idx)
{
	if (d->pend_head > 0 && d->pend_head == d->npend) {
		d->pend_head = d->npend = 0;
	}
	if (d->npend == d->cappend) {
		size_t cap = d->cappend ? 2 * d->cappend : 16;
		size_t *n = realloc(d->pend, cap * sizeof *n);
		if (!n)
			return;
		d->pend = n;
		d->cappend = cap;
	}
	d->pend[d->npend++] = idx;
}

static long pop_pending(struct dissector *d)
{
	if (d->pend_head == d->npend)
		return -1;
	return (long)d->pend[d->pend_head++];
}

static size_t owed(const struct dissector *d)
{
	return d->npend - d->pend_head;
}

size_t smtp_base64_decode(const char *in, size_t n, uint8_t *out, size_t outcap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)in[i], v;
		if (c >= 'A' && c <= 'Z') v = c - 'A';
		else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
		else if (c >= '0' && c <= '9') v = c - '0' + 52;
		else if (c == '+') v = 62;
		else if (c == '/') v = 63;
		else if (c == '=') break;
		else continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < outcap)
				out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

static int is_verb(const char *v, const char *w)
{
	return strcmp(v, w) == 0;
}

static int known_verb(const char *v)
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

/* ---- the message -------------------------------------------------------- */

static struct body_info *cur_body(struct session *s)
{
	struct dissector *d = s->ds;
	return d->body_ex ? d->bi : NULL;
}

static void start_body(struct session *s, uint64_t off, struct exchange *owner)
{
	struct dissector *d = s->ds;
	struct exchange *x = owner;
	if (!x) {
		x = new_ex(s, EXK_BODY);
		if (!x)
			return;
		x->req_off = x->req_end = off;
		push_pending(d, s->nex - 1);
	}
	x->bi = calloc(1, sizeof *x->bi);
	if (x->bi)
		x->bi->in_headers = 1;
	d->body_ex = (size_t)(x - s->ex) + 1;
	d->bi = x->bi;
	d->hdr_cur = NULL;
	d->bs = BS_BOL;
}

static void end_body(struct session *s, uint64_t end)
{
	struct dissector *d = s->ds;
	struct exchange *x = &s->ex[d->body_ex - 1];
	x->req_end = end;
	x->has_req_end = 1;
	if (x->bi)
		x->bi->complete = 1;
	d->body_ex = 0;
	d->cmode = CM_CMD;
	line_asm_reset(&d->la[0], end);
}

static void header_field(struct dissector *d, struct body_info *b, const char *line, size_t len)
{
	static const struct { const char *name; size_t off; } fields[] = {
		{ "from", offsetof(struct body_info, from) },
		{ "to", offsetof(struct body_info, to) },
		{ "subject", offsetof(struct body_info, subject) },
		{ "message-id", offsetof(struct body_info, msgid) },
		{ "date", offsetof(struct body_info, date) },
	};
	if (len && (line[0] == ' ' || line[0] == '\t')) {      /* folded */
		if (d->hdr_cur && *d->hdr_cur) {
			size_t have = strlen(*d->hdr_cur);
			if (have < FIELD_LIMIT) {
				size_t add = len > FIELD_LIMIT - have ? FIELD_LIMIT - have : len;
				char *n = realloc(*d->hdr_cur, have + add + 1);
				if (n) {
					for (size_t i = 0; i < add; i++)
						n[have + i] = line[i] == '\t' ? ' ' : line[i];
					n[have + add] = '\0';
					*d->hdr_cur = n;
				}
			}
		}
		return;
	}
	d->hdr_cur = NULL;
	const char *colon = memchr(line, ':', len);
	if (!colon)
		return;
	size_t nlen = (size_t)(colon - line);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strlen(fields[i].name) != nlen || strncasecmp(line, fields[i].name, nlen))
			continue;
		char **slot = (char **)((char *)b + fields[i].off);
		if (*slot)
			return;                    /* the first one counts */
		const char *v = colon + 1;
		while (v < line + len && (*v == ' ' || *v == '\t'))
			v++;
		*slot = dup_text(v, (size_t)(line + len - v), FIELD_LIMIT);
		d->hdr_cur = slot;
		return;
	}
}

/* Header section: one line at a time. */
static int body_line(void *ctx, const char *line, size_t len, uint64_t o0,
                     uint64_t o1, size_t overlong)
{
	struct session *s = ctx;
	struct dissector *d = s->ds;
	struct body_info *b = cur_body(s);
	const char *u;
	size_t ulen;
	int eod = smtp_dot_unstuff_line(line, len, &u, &ulen);
	if (eod && !overlong) {
		end_body(s, o1);
		return 1;
	}
	if (eod) {
		u = line;
		ulen = len;
	}
	if (!b)
		return 0;
	int stuffed = len > 0 && line[0] == '.';
	b->size += (o1 - o0) - (uint64_t)stuffed;
	b->lines++;
	b->stuffed += (uint64_t)stuffed;
	if (ulen == 0 || b->size > HEADER_LIMIT) {
		b->in_headers = 0;
		d->cmode = CM_BODY;
		d->bs = BS_BOL;
		return 1;
	}
	header_field(d, b, u, ulen);
	return 0;
}

/* A header line inside a BDAT chunk (chunks are not dot-stuffed and have
 * no end-of-data line; size and lines are counted by the caller). */
static int bdat_header_line(void *ctx, const char *line, size_t len, uint64_t o0,
                            uint64_t o1, size_t overlong)
{
	struct session *s = ctx;
	struct body_info *b = cur_body(s);
	(void)o0; (void)o1; (void)overlong;
	if (!b || len == 0) {
		if (b)
			b->in_headers = 0;
		return 1;
	}
	header_field(s->ds, b, line, len);
	return 0;
}

/* Body after the header section: count lines and stuffed dots, find the
 * end-of-data line; no copy, no per-line call.  Returns bytes consumed (up
 * to and including the end-of-data line when found). */
static size_t body_scan(struct session *s, uint64_t off, const uint8_t *p, size_t n)
{
	struct dissector *d = s->ds;
	struct body_info *b = cur_body(s);
	size_t i = 0, eodlen = 0;
	uint64_t lines = 0, dots = 0;
	while (i < n) {
		switch (d->bs) {
		case BS_MID: {
			/* skip whole lines at once up to one that starts with '.' */
			size_t at = i + scan_lf_dot(p + i, n - i, &lines);
			if (at >= n) {
				i = n;
				continue;
			}
			i = at + 1;
			lines++;
			d->bs = BS_BOL;
			break;
		}
		case BS_BOL:
			d->bs = p[i] == '.' ? BS_DOT : BS_MID;
			if (p[i] == '\n') {
				lines++;
				d->bs = BS_BOL;
			}
			i++;
			break;
		case BS_DOT:
			if (p[i] == '\r') {
				d->bs = BS_DOTCR;
				i++;
			} else if (p[i] == '\n') {         /* ".\n": a bare-LF end of data */
				i++;
				eodlen = 2;
				goto end;
			} else {
				dots++;
				d->bs = BS_MID;
			}
			break;
		case BS_DOTCR:
			if (p[i] == '\n') {
				i++;
				eodlen = 3;
				goto end;
			}
			dots++;
			d->bs = BS_MID;
			break;
		}
	}
	if (b) {
		b->size += n - dots;
		b->lines += lines;
		b->stuffed += dots;
	}
	return n;
end:
	if (b) {
		/* the end-of-data line (".\r\n" or ".\n") is not message content;
		 * part of it may have been counted with the previous segment */
		b->size += i - dots;
		b->size = b->size >= eodlen ? b->size - eodlen : 0;
		b->lines += lines;
		b->stuffed += dots;
	}
	end_body(s, off + i);
	return i;
}

/* ---- client side ------------------------------------------------------- */

static void hold_bytes(struct dissector *d, uint64_t off, const uint8_t *p, size_t n)
{
	if (!d->nheld)
		d->held_off = off;
	if (d->nheld + n > HOLD_LIMIT)
		n = HOLD_LIMIT - d->nheld;
	if (d->nheld + n > d->capheld) {
		size_t cap = d->capheld ? d->capheld : 4096;
		while (cap < d->nheld + n)
			cap *= 2;
		uint8_t *m = realloc(d->held, cap);
		if (!m)
			return;
		d->held = m;
		d->capheld = cap;
	}
	memcpy(d->held + d->nheld, p, n);
	d->nheld += n;
}

static void client_bytes(struct session *s, uint64_t off, const uint8_t *p, size_t n);

/* A gap while holding: remember where it falls among the held bytes. */
static void hold_gap(struct dissector *d, uint64_t off, uint64_t n)
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

/* Replay what was held now that the reply decided what it is. */
static void release_held(struct session *s)
{
	struct dissector *d = s->ds;
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
			client_bytes(s, off, h + pos, upto - pos);
			off += upto - pos;
			pos = upto;
		}
		if (i < ng) {
			smtp_gap(s, DIR_C2S, off, g[i].n);
			off += g[i].n;
		}
	}
	free(h);
}

static void auth_line(struct session *s, struct exchange *x, const char *mech,
                      const char *resp, size_t rlen, int step)
{
	struct dissector *d = s->ds;
	uint8_t dec[256];
	char buf[TEXT_LIMIT + 64];
	size_t n = smtp_base64_decode(resp, rlen, dec, sizeof dec);
	const char *what = "response";
	int secret = 1;
	if (rlen == 1 && resp[0] == '*') {
		snprintf(buf, sizeof buf, "* (authentication cancelled)");
		x->line = dup_text(buf, strlen(buf), TEXT_LIMIT);
		return;
	}
	if (strcmp(mech, "PLAIN") == 0) {
		/* authzid NUL authcid NUL passwd */
		uint8_t *z1 = memchr(dec, 0, n);
		if (z1) {
			uint8_t *z2 = memchr(z1 + 1, 0, n - (size_t)(z1 + 1 - dec));
			size_t ulen = z2 ? (size_t)(z2 - z1 - 1) : n - (size_t)(z1 + 1 - dec);
			char *user = dup_text((const char *)z1 + 1, ulen, 64);
			if (d->show_secrets && z2) {
				char *pw = dup_text((const char *)z2 + 1, n - (size_t)(z2 + 1 - dec), 64);
				snprintf(buf, sizeof buf, "user %s, password %s", user ? user : "?", pw ? pw : "?");
				free(pw);
			} else
				snprintf(buf, sizeof buf, "user %s, password redacted", user ? user : "?");
			free(user);
			x->line = dup_text(buf, strlen(buf), TEXT_LIMIT + 60);
			return;
		}
	} else if (strcmp(mech, "LOGIN") == 0) {
		what = step == 0 ? "username" : "password";
		secret = step != 0;
	}
	if (secret && !d->show_secrets) {
		snprintf(buf, sizeof buf, "%s (redacted, %zu bytes)", what, rlen);
	} else {
		char *t = dup_text((const char *)dec, n, 64);
		snprintf(buf, sizeof buf, "%s %s", what, t ? t : "?");
		free(t);
	}
	x->line = dup_text(buf, strlen(buf), TEXT_LIMIT + 60);
}

/* What a HELO/EHLO/MAIL/RCPT line tells about the session. */
static void command_effects(struct session *s, const char *verb, const char *line, size_t len)
{
	if (is_verb(verb, "EHLO") || is_verb(verb, "HELO") || is_verb(verb, "LHLO")) {
		const char *a = len > 5 ? line + 5 : "";
		size_t al = len > 5 ? len - 5 : 0;
		if (al >= sizeof s->helo) al = sizeof s->helo - 1;
		memcpy(s->helo, a, al);
		s->helo[al] = '\0';
	} else if (is_verb(verb, "MAIL")) {
		s->transactions++;
		if (!s->mail_from[0])
			path_arg(line, len, s->mail_from, sizeof s->mail_from);
	} else if (is_verb(verb, "RCPT")) {
		char r[128];
		path_arg(line, len, r, sizeof r);
		size_t have = strlen(s->rcpts);
		if (have + strlen(r) + 2 < sizeof s->rcpts)
			snprintf(s->rcpts + have, sizeof s->rcpts - have, "%s%s", have ? "," : "", r);
		s->nrcpt++;
	}
}

/* A command that may be answered before its line is complete (the capture
 * missed its tail): everything but those that change how the bytes after
 * them are read, and AUTH, whose line must be seen whole to be redacted. */
static int early_ok(const char *verb)
{
	return known_verb(verb) && !is_verb(verb, "DATA") && !is_verb(verb, "BDAT") &&
	       !is_verb(verb, "STARTTLS") && !is_verb(verb, "AUTH");
}

/* The early command's line is complete (o1: its end), or was cut by a gap. */
static void finish_early(struct session *s, const char *line, size_t len, uint64_t o1, int cut)
{
	struct dissector *d = s->ds;
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
	command_effects(s, verb, line, len);
}

static int client_line(void *ctx, const char *line, size_t len, uint64_t o0,
                       uint64_t o1, size_t overlong)
{
	struct session *s = ctx;
	struct dissector *d = s->ds;
	char verb[16];
	(void)overlong;

	if (d->cmode == CM_BODY_HDR)
		return body_line(ctx, line, len, o0, o1, overlong);
	smtp_command_verb(line, len, verb);
	if (d->resync[0]) {
		if (!known_verb(verb))
			return 0;          /* the rest of a line cut by a gap */
		d->resync[0] = 0;
	}
	if (d->early_ex) {
		if (s->ex[d->early_ex - 1].req_off == o0) {
			finish_early(s, line, len, o1, 0);   /* already answered */
			return 0;
		}
		d->early_ex = 0;
	}
	if (known_verb(verb))
		d->auth_open = 0;
	if (d->auth_cont || (d->auth_open && !d->server_bytes)) {
		/* an answer to a 334 challenge (without a server side in the
		 * capture: any line after AUTH that is not a command) */
		struct exchange *x = new_ex(s, EXK_AUTH);
		if (!x)
			return 0;
		x->req_off = o0;
		x->req_end = o1;
		x->has_req_end = 1;
		auth_line(s, x, d->auth_mech, line, len, d->auth_step++);
		d->auth_cont = 0;
		push_pending(d, s->nex - 1);
		return 0;
	}
	struct exchange *x = new_ex(s, EXK_COMMAND);
	if (!x)
		return 0;
	memcpy(x->verb, verb, sizeof verb);
	x->req_off = o0;
	x->req_end = o1;
	x->has_req_end = 1;
	x->pipelined = owed(d) > 0;
	push_pending(d, s->nex - 1);

	if (is_verb(verb, "AUTH")) {
		/* AUTH MECH [initial-response]: the response is a secret */
		d->auth_open = 1;
		char mech[16] = "";
		const char *sp = memchr(line, ' ', len), *r = NULL;
		size_t mlen = 0, rlen = 0;
		if (sp) {
			const char *m = sp + 1, *end = line + len;
			const char *sp2 = memchr(m, ' ', (size_t)(end - m));
			mlen = (size_t)((sp2 ? sp2 : end) - m);
			if (mlen >= sizeof mech) mlen = sizeof mech - 1;
			for (size_t i = 0; i < mlen; i++)
				mech[i] = (char)toupper((unsigned char)m[i]);
			mech[mlen] = '\0';
			if (sp2) { r = sp2 + 1; rlen = (size_t)(end - r); }
		}
		memcpy(d->auth_mech, mech, sizeof mech);
		d->auth_step = 0;
		if (r && rlen) {
			struct exchange tmp = { 0 };
			auth_line(s, &tmp, mech, r, rlen, d->auth_step++);
			char buf[TEXT_LIMIT + 96];
			snprintf(buf, sizeof buf, "AUTH %s (%s)", mech, tmp.line ? tmp.line : "");
			free(tmp.line);
			x->line = dup_text(buf, strlen(buf), sizeof buf);
		} else {
			char buf[40];
			snprintf(buf, sizeof buf, "AUTH %s", mech);
			x->line = dup_text(buf, strlen(buf), sizeof buf);
		}
		return 0;
	}
	x->line = dup_text(line, len, TEXT_LIMIT);
	command_effects(s, verb, line, len);

	if (is_verb(verb, "DATA")) {
		d->hold_for = (int)(s->nex - 1);
		if (!d->server_bytes && !d->greeted) {
			/* no server side in this capture: assume the 354 */
			d->cmode = CM_BODY_HDR;
			start_body(s, o1, NULL);
		} else
			d->cmode = CM_HOLD;
		return 1;
	} else if (is_verb(verb, "STARTTLS")) {
		d->hold_for = (int)(s->nex - 1);
		d->cmode = CM_HOLD;
		return 1;
	} else if (is_verb(verb, "BDAT")) {
		/* BDAT size [LAST]: the chunk follows the line, raw */
		unsigned long long sz = 0;
		const char *q = line + 4, *end = line + len;
		while (q < end && *q == ' ') q++;
		while (q < end && *q >= '0' && *q <= '9' && sz < (1ULL << 40))
			sz = sz * 10 + (unsigned)(*q++ - '0');
		d->bdat_left = sz;
		if (!d->body_ex) {
			start_body(s, o1, x);
			/* headers are parsed from the first chunk on */
		}
		d->cmode = sz ? CM_BDAT : CM_CMD;
		if (!sz && len >= 4 && strstr(x->line, "LAST") && x->bi) {
			x->bi->complete = 1;
			d->body_ex = 0;
		}
		return 1;
	}
	return 0;
}

static void client_bytes(struct session *s, uint64_t off, const uint8_t *p, size_t n)
{
	struct dissector *d = s->ds;
	if (d->eod_check && n) {
		d->eod_check = 0;
		if (off == d->eod_check_off && (d->cmode == CM_BODY || d->cmode == CM_BODY_HDR) &&
		    d->body_ex) {
			char verb[16];
			size_t vl = smtp_command_verb((const char *)p, n < 16 ? n : 16, verb);
			if (vl && vl < n && known_verb(verb) &&
			    (p[vl] == ' ' || p[vl] == '\r' || p[vl] == '\n')) {
				struct body_info *b = cur_body(s);
				end_body(s, off);       /* the end of data was in the gap */
				if (b)
					b->complete = 0;
			}
		}
	}
	while (n) {
		size_t used;
		switch (d->cmode) {
		case CM_TLS:
			return;
		case CM_HOLD:
			hold_bytes(d, off, p, n);
			return;
		case CM_BODY:
			used = body_scan(s, off, p, n);
			break;
		case CM_BDAT: {
			struct exchange *x = &s->ex[s->nex - 1];
			used = n < d->bdat_left ? n : (size_t)d->bdat_left;
			d->bdat_left -= used;
			x->req_end = off + used;
			struct body_info *b = cur_body(s);
			if (b) {
				b->size += used;
				for (size_t i = 0; i < used; i++)
					b->lines += p[i] == '\n';
				/* a header line split across two chunks is lost: the
				 * line assembler is reset between chunks for the next
				 * BDAT command */
				if (b->in_headers)
					line_asm_feed(&d->la[0], p, used, bdat_header_line, s);
			}
			if (!d->bdat_left) {
				d->cmode = CM_CMD;
				line_asm_reset(&d->la[0], off + used);
				if (x->line && strstr(x->line, "LAST") && b) {
					b->complete = 1;
					d->body_ex = 0;
				}
			}
			break;
		}
		default:
			used = line_asm_feed(&d->la[0], p, n, client_line, s);
			break;
		}
		if (!used)
			return;            /* cannot happen; never spin */
		p += used;
		n -= used;
		off += used;
	}
}

/* ---- server side --------------------------------------------------------- */

static void judge(struct session *s, struct exchange *x, int code)
{
	struct dissector *d = s->ds;
	if (s->ncodes < (int)(sizeof s->codes / sizeof s->codes[0]))
		s->codes[s->ncodes++] = code;
	if (x->kind == EXK_GREETING) {
		d->greeted = 1;
		return;
	}
	if ((x->kind == EXK_COMMAND && is_verb(x->verb, "AUTH")) || x->kind == EXK_AUTH) {
		d->auth_cont = code == 334;
		return;
	}
	if (x->kind != EXK_COMMAND || (int)(x - s->ex) != d->hold_for || d->cmode != CM_HOLD)
		return;
	if (is_verb(x->verb, "DATA")) {
		if (code == 354) {
			uint64_t at = x->req_end;
			d->cmode = CM_BODY_HDR;
			line_asm_reset(&d->la[0], at);
			start_body(s, at, NULL);
		} else {
			d->cmode = CM_CMD;
			line_asm_reset(&d->la[0], x->req_end);
		}
		release_held(s);
	} else if (is_verb(x->verb, "STARTTLS")) {
		if (code == 220) {
			d->cmode = CM_TLS;
			s->starttls = 1;
			s->tls_off[DIR_C2S] = x->req_end;
			d->tls_s2c = 1;
			free(d->held);
			d->held = NULL;
			d->nheld = d->capheld = 0;
		} else {
			d->cmode = CM_CMD;
			line_asm_reset(&d->la[0], x->req_end);
			release_held(s);
		}
	}
}

/* The exchange a complete reply belongs to: the oldest command waiting for
 * one; else a command whose line has begun but not ended (the capture missed
 * its tail; the server answered it); else a greeting or an unsolicited reply. */
static struct exchange *reply_target(struct session *s)
{
	struct dissector *d = s->ds;
	long i = pop_pending(d);
	if (i >= 0)
		return &s->ex[i];
	struct line_asm *la = &d->la[0];
	if (d->greeted && d->cmode == CM_CMD && !d->resync[0] && !d->auth_cont &&
	    !d->early_ex && la->len >= 4) {
		char verb[16];
		smtp_command_verb(la->buf, la->len, verb);
		if (early_ok(verb)) {
			struct exchange *x = new_ex(s, EXK_COMMAND);
			if (!x)
				return NULL;
			memcpy(x->verb, verb, sizeof verb);
			x->req_off = la->off;
			x->req_end = la->off + line_asm_pending(la);
			x->line = dup_text(la->buf, la->len, TEXT_LIMIT);
			d->early_ex = s->nex;
			return x;
		}
	}
	return new_ex(s, d->greeted ? EXK_REPLY : EXK_GREETING);
}

/* A reply is complete: act on it.  A reply to a message whose end was not
 * seen, after bytes of it were lost, means the end of data was among them. */
static void reply_done(struct session *s, struct exchange *x)
{
	struct dissector *d = s->ds;
	if (d->body_ex && x == &s->ex[d->body_ex - 1] &&
	    (d->cmode == CM_BODY || d->cmode == CM_BODY_HDR) && x->bi && x->bi->gap) {
		end_body(s, d->c2s_end);
		x->bi->complete = 0;
		d->resync[0] = 1;
	}
	judge(s, x, x->reply_code);
}

static int server_line(void *ctx, const char *line, size_t len, uint64_t o0,
                       uint64_t o1, size_t overlong)
{
	struct session *s = ctx;
	struct dissector *d = s->ds;
	(void)overlong;
	if (!d->rep_open) {
		d->rep_start = o0;
		d->rep_open = 1;
	}
	int r = reply_asm_line(&d->ra, line, len);
	if (r < 0) {
		d->rep_open = 0;
		return 0;              /* not a reply line: skipped (resync) */
	}
	d->resync[1] = 0;
	if (r == 0)
		return 0;
	d->rep_open = 0;

	struct exchange *x = reply_target(s);
	if (!x)
		return 0;
	x->reply_code = d->ra.r.code;
	x->reply_lines = d->ra.r.nlines;
	x->reply_inconsistent = d->ra.r.inconsistent;
	const char *t = d->ra.r.text ? d->ra.r.text : "";
	const char *nl = strchr(t, '\n');
	x->reply_text = dup_text(t, nl ? (size_t)(nl - t) : strlen(t), TEXT_LIMIT);
	x->rep_off = d->rep_start;
	x->rep_end = o1;
	reply_done(s, x);
	if (d->tls_s2c) {
		s->tls_off[DIR_S2C] = o1;
		return 1;              /* what follows the 220 is TLS */
	}
	return 0;
}

/* A reply to a server gap: when the gap begins inside a reply (a line or a
 * multi-line reply open), the rest of that reply is in the gap: close it
 * there, so the replies after the gap still pair with the right commands. */
static void server_gap(struct session *s, uint64_t off, uint64_t n)
{
	struct dissector *d = s->ds;
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
	} else if (la->len >= 3 && la->buf[0] >= '2' && la->buf[0] <= '5' &&
	           isdigit((unsigned char)la->buf[1]) && isdigit((unsigned char)la->buf[2]) &&
	           (la->len == 3 || la->buf[3] == ' ' || la->buf[3] == '-')) {
		code = (la->buf[0] - '0') * 100 + (la->buf[1] - '0') * 10 + (la->buf[2] - '0');
		lines = 1;
		text = la->len > 4 ? la->buf + 4 : "";
		tlen = la->len > 4 ? la->len - 4 : 0;
	}
	if (code && !(d->tls_s2c && start >= s->tls_off[DIR_S2C])) {
		struct exchange *x = reply_target(s);
		if (x) {
			x->reply_code = code;
			x->reply_lines = lines;
			x->reply_text = dup_text(text, tlen, TEXT_LIMIT);
			x->rep_off = start;
			x->rep_end = off + n;
			reply_done(s, x);
			if (d->tls_s2c && !s->tls_off[DIR_S2C])
				s->tls_off[DIR_S2C] = off + n;
		}
	}
	line_asm_reset(la, off + n);
	d->rep_open = 0;
	reply_asm_free(&d->ra);
	reply_asm_init(&d->ra, 4096);
	d->resync[1] = 1;
}

static void server_bytes(struct session *s, uint64_t off, const uint8_t *p, size_t n)
{
	struct dissector *d = s->ds;
	d->server_bytes += n;
	if (d->tls_s2c && off >= s->tls_off[DIR_S2C])
		return;
	size_t used = line_asm_feed(&d->la[1], p, n, server_line, s);
	(void)used;                    /* stopped early only at the STARTTLS 220 */
}

/* ---- entry points ------------------------------------------------------ */

struct dissector *smtp_new(struct session *s, int show_secrets)
{
	struct dissector *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	line_asm_init(&d->la[0], LINE_LIMIT, 0);
	line_asm_init(&d->la[1], LINE_LIMIT, 0);
	reply_asm_init(&d->ra, 4096);
	d->show_secrets = show_secrets;
	d->hold_for = -1;
	s->ds = d;
	if (s->tls_implicit) {
		d->cmode = CM_TLS;
		d->tls_s2c = 1;
	}
	return d;
}

void smtp_data(struct session *s, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	if (!s->ds)
		return;
	if (dir == DIR_C2S) {
		if (off + n > s->ds->c2s_end)
			s->ds->c2s_end = off + n;
		client_bytes(s, off, p, n);
	} else
		server_bytes(s, off, p, n);
}

void smtp_gap(struct session *s, int dir, uint64_t off, uint64_t n)
{
	struct dissector *d = s->ds;
	if (!d)
		return;
	if (dir == DIR_S2C) {
		if (!(d->tls_s2c && off >= s->tls_off[DIR_S2C]))
			server_gap(s, off, n);
		return;
	}
	if (off + n > d->c2s_end)
		d->c2s_end = off + n;
	if (d->cmode == CM_HOLD) {
		hold_gap(d, off, n);
		return;
	}
	struct body_info *b = cur_body(s);
	switch (d->cmode) {
	case CM_BODY_HDR:
	case CM_BODY:
		if (b) {
			b->gap += n;
			b->size += n;
			b->in_headers = 0;
		}
		d->cmode = CM_BODY;
		d->bs = BS_MID;
		if (s->ex[d->body_ex - 1].reply_code) {
			/* The server answered the message already: its end may be
			 * in the gap.  If the bytes right after the gap are a
			 * command, it was (client_bytes decides). */
			d->eod_check = 1;
			d->eod_check_off = off + n;
		}
		break;
	case CM_BDAT:
		if (b) {
			b->gap += n;
			b->size += n < d->bdat_left ? n : d->bdat_left;
		}
		if (n >= d->bdat_left) {
			d->bdat_left = 0;
			d->cmode = CM_CMD;
			d->resync[0] = 1;
		} else
			d->bdat_left -= n;
		s->ex[s->nex - 1].req_end = off + n;
		break;
	case CM_CMD: {
		/* a command line cut by the gap: its tail was lost */
		struct line_asm *la = &d->la[0];
		char verb[16] = "";
		if (la->len)
			smtp_command_verb(la->buf, la->len, verb);
		if (d->early_ex)
			finish_early(s, la->buf, la->len, off + n, 1);
		else if (!d->resync[0] && !d->auth_cont && early_ok(verb) && n <= LINE_LIMIT) {
			struct exchange *x = new_ex(s, EXK_COMMAND);
			if (x) {
				memcpy(x->verb, verb, sizeof verb);
				x->req_off = la->off;
				x->pipelined = owed(d) > 0;
				push_pending(d, s->nex - 1);
				d->early_ex = s->nex;
				finish_early(s, la->buf, la->len, off + n, 1);
			}
		}
		d->resync[0] = 1;
		break;
	}
	default:
		break;
	}
	line_asm_reset(&d->la[0], off + n);
}

void smtp_end(struct session *s)
{
	struct dissector *d = s->ds;
	if (!d)
		return;
	if (d->cmode == CM_HOLD)
		release_held(s);
	if (d->body_ex) {
		struct exchange *x = &s->ex[d->body_ex - 1];
		x->req_end = s->d[DIR_C2S].next;
	}
}

void smtp_free(struct session *s)
{
	struct dissector *d = s->ds;
	if (!d)
		return;
	line_asm_free(&d->la[0]);
	line_asm_free(&d->la[1]);
	reply_asm_free(&d->ra);
	free(d->held);
	free(d->pend);
	free(d);
	s->ds = NULL;
}

int smtp_looks_like(int dir, const uint8_t *p, size_t n)
{
	if (n < 4)
		return n == 0 ? -1 : 0;
	if (dir == DIR_S2C)
		return p[0] >= '2' && p[0] <= '5' && isdigit(p[1]) && isdigit(p[2]) &&
		       (p[3] == ' ' || p[3] == '-' || p[3] == '\r');
	char v[16];
	smtp_command_verb((const char *)p, n < 16 ? n : 16, v);
	return is_verb(v, "EHLO") || is_verb(v, "HELO") || is_verb(v, "LHLO");
}
