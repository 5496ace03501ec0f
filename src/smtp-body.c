/* smtp-body.c - the message: after a 354 the header section line by line
 * (From, To, Subject, Message-ID, Date kept), then the body scanned fast
 * for the end-of-data line while counting lines and stuffed dots; BDAT
 * chunks counted by octets; gaps inside a message. */
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "smtp-int.h"
#include "util-mem.h"

struct body_info *cur_body(struct dissector *d)
{
	return d->body_ex ? d->bi : NULL;
}

void start_body(struct dissector *d, uint64_t off, struct exchange *owner)
{
	struct session *s = d->s;
	struct exchange *x = owner;
	if (!x) {
		x = new_ex(d, EXK_BODY);
		x->req_off = x->req_end = off;
		push_pending(d, s->nex - 1);
	}
	x->bi = xcalloc(1, sizeof *x->bi);
	x->bi->in_headers = 1;
	mfeed_start(d, x->bi, owner == NULL);    /* BDAT chunks are not dot-stuffed */
	d->body_ex = (size_t)(x - s->ex) + 1;
	d->bi = x->bi;
	d->hdr_cur = NULL;
	d->bs = BS_BOL;
}

void end_body(struct dissector *d, uint64_t end)
{
	struct session *s = d->s;
	struct exchange *x = &s->ex[d->body_ex - 1];
	mfeed_finish(d);
	x->req_end = end;
	x->has_req_end = 1;
	if (x->bi)
		x->bi->complete = 1;
	d->after_eod = d->body_ex;
	d->body_ex = 0;
	d->cmode = CM_CMD;
	line_asm_reset(&d->la[0], end);
}

/* A folded header line continues the field kept last (up to FIELD_LIMIT). */
static void header_fold(struct dissector *d, const char *line, size_t len)
{
	if (!d->hdr_cur || !*d->hdr_cur)
		return;
	size_t have = strlen(*d->hdr_cur);
	if (have >= FIELD_LIMIT)
		return;
	size_t add = len > FIELD_LIMIT - have ? FIELD_LIMIT - have : len;
	char *n = xrealloc(*d->hdr_cur, have + add + 1);
	for (size_t i = 0; i < add; i++)
		n[have + i] = line[i] == '\t' ? ' ' : line[i];
	n[have + add] = '\0';
	*d->hdr_cur = n;
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
	if (len && (line[0] == ' ' || line[0] == '\t')) {
		header_fold(d, line, len);
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
int body_line(void *ctx, const char *line, size_t len, uint64_t o0, uint64_t o1,
              size_t overlong)
{
	struct dissector *d = ctx;
	struct body_info *b = cur_body(d);
	const char *u;
	size_t ulen;
	int eod = smtp_dot_unstuff_line(line, len, &u, &ulen);
	if (b && line_bare_lf(len, overlong, o0, o1))
		b->bare_lf++;
	if (eod && !overlong) {
		end_body(d, o1);
		return 1;
	}
	if (eod) {
		u = line;
		ulen = len;
	}
	if (!b)
		return 0;
	mfeed_line(d, u, ulen);
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
	struct dissector *d = ctx;
	struct body_info *b = cur_body(d);
	(void)o0; (void)o1; (void)overlong;
	if (!b || len == 0) {
		if (b)
			b->in_headers = 0;
		return 1;
	}
	header_field(d, b, line, len);
	return 0;
}

/* One byte at the start of a line or after a leading dot.  Returns the
 * length of the end-of-data line when p[i] completes one, else 0. */
static size_t bol_step(struct dissector *d, uint8_t c, uint64_t *lines, uint64_t *dots)
{
	switch (d->bs) {
	case BS_BOL:
		d->bs = c == '.' ? BS_DOT : c == '\n' ? BS_BOL : BS_MID;
		*lines += c == '\n';
		return 0;
	case BS_DOT:
		if (c == '\r') {
			d->bs = BS_DOTCR;
			return 0;
		}
		if (c == '\n')                 /* ".\n": a bare-LF end of data */
			return 2;
		break;
	default:                               /* BS_DOTCR */
		if (c == '\n')
			return 3;
		break;
	}
	(*dots)++;                             /* a stuffed dot */
	d->bs = BS_MID;
	return 0;
}

/* Body after the header section: count lines and stuffed dots, find the
 * end-of-data line; no copy, no per-line call.  Returns bytes consumed (up
 * to and including the end-of-data line when found). */
size_t body_scan(struct dissector *d, uint64_t off, const uint8_t *p, size_t n)
{
	struct body_info *b = cur_body(d);
	size_t i = 0, eodlen = 0;
	uint64_t lines = 0, dots = 0;
	while (i < n && !eodlen) {
		if (d->bs == BS_MID) {
			/* skip whole lines at once up to one that starts with '.' */
			size_t at = i + scan_lf_dot(p + i, n - i, &lines);
			if (at >= n)
				break;
			i = at + 1;
			lines++;
			d->bs = BS_BOL;
			continue;
		}
		uint8_t c = p[i++];
		if (d->bs == BS_DOT && c != '\r' && c != '\n') {
			dots++;                /* not consumed: the line goes on */
			d->bs = BS_MID;
			i--;
			continue;
		}
		eodlen = bol_step(d, c, &lines, &dots);
	}
	if (!eodlen)
		i = n;
	/* the end-of-data line is not message text (its start, when in an
	 * earlier segment, waits in the feed's buffer and is dropped) */
	mfeed_bytes(d, p, i - (eodlen < i ? eodlen : i));
	if (b) {
		/* the end-of-data line (".\r\n" or ".\n") is not message content;
		 * part of it may have been counted with the previous segment */
		b->size += i - dots;
		b->size = b->size >= eodlen ? b->size - eodlen : 0;
		b->lines += lines;
		b->stuffed += dots;
		b->bare_lf += eodlen == 2;     /* ".\n" */
	}
	if (eodlen)
		end_body(d, off + i);
	return i;
}

/* ---- BDAT (RFC 3030) ---------------------------------------------------- */

/* "BDAT size [LAST]" (RFC 3030 2): is the last token LAST, in any case? */
static int bdat_is_last(const char *q, const char *end)
{
	while (q < end && *q == ' ')
		q++;
	const char *w = q;
	while (q < end && *q != ' ')
		q++;
	while (end > q && end[-1] == ' ')
		end--;
	return q - w == 4 && q == end && strncasecmp(w, "LAST", 4) == 0;
}

/* The chunk is over: with LAST, so is the message. */
static void bdat_chunk_done(struct dissector *d, struct body_info *b)
{
	if (d->bdat_last && b) {
		b->complete = 1;
		d->body_ex = 0;
		mfeed_finish(d);
	}
}

/* "BDAT size [LAST]": the chunk follows the line, raw. */
void bdat_command(struct dissector *d, struct exchange *x, const char *line, size_t len,
                  uint64_t o1)
{
	struct session *s = d->s;
	unsigned long long sz = 0;
	const char *q = line + 4, *end = line + len;
	while (q < end && *q == ' ')
		q++;
	while (q < end && *q >= '0' && *q <= '9' && sz < (1ULL << 40))
		sz = sz * 10 + (unsigned)(*q++ - '0');
	d->bdat_left = sz;
	d->bdat_last = bdat_is_last(q, end);
	d->bdat_ex = (size_t)(x - s->ex);
	if (!d->body_ex)
		start_body(d, o1, x);      /* headers are parsed from the first chunk on */
	d->cmode = sz ? CM_BDAT : CM_CMD;
	if (!sz)
		bdat_chunk_done(d, cur_body(d));
}

size_t bdat_bytes(struct dissector *d, uint64_t off, const uint8_t *p, size_t n)
{
	struct session *s = d->s;
	struct exchange *x = &s->ex[d->bdat_ex];
	size_t used = n < d->bdat_left ? n : (size_t)d->bdat_left;
	d->bdat_left -= used;
	x->req_end = off + used;
	struct body_info *b = cur_body(d);
	mfeed_bytes(d, p, used);
	if (b) {
		b->size += used;
		for (size_t i = 0; i < used; i++)
			b->lines += p[i] == '\n';
		/* a header line split across two chunks is lost: the line
		 * assembler is reset between chunks for the next BDAT command */
		if (b->in_headers)
			line_asm_feed(&d->la[0], p, used, bdat_header_line, d);
	}
	if (!d->bdat_left) {
		d->cmode = CM_CMD;
		line_asm_reset(&d->la[0], off + used);
		bdat_chunk_done(d, b);
	}
	return used;
}

/* ---- gaps inside a message ---------------------------------------------- */

void body_gap(struct dissector *d, uint64_t off, uint64_t n)
{
	struct session *s = d->s;
	struct body_info *b = cur_body(d);
	if (b) {
		b->gap += n;
		b->size += n;
		b->in_headers = 0;
	}
	mfeed_gap(d);
	data_gap(d, b, n);
	d->cmode = CM_BODY;
	d->bs = BS_MID;
	if (s->ex[d->body_ex - 1].reply_code) {
		/* The server answered the message already: its end may be in
		 * the gap.  If the bytes right after the gap are a command, it
		 * was (eod_check decides). */
		d->eod_check = 1;
		d->eod_check_off = off + n;
	}
}

void bdat_gap(struct dissector *d, uint64_t off, uint64_t n)
{
	struct session *s = d->s;
	struct body_info *b = cur_body(d);
	if (b) {
		b->gap += n;
		b->size += n < d->bdat_left ? n : d->bdat_left;
	}
	mfeed_gap(d);
	data_gap(d, b, n < d->bdat_left ? n : d->bdat_left);
	if (n >= d->bdat_left) {
		d->bdat_left = 0;
		d->cmode = CM_CMD;
		d->resync[0] = 1;
	} else
		d->bdat_left -= n;
	s->ex[d->bdat_ex].req_end = off + n;
}

/* The first bytes after a gap in an answered message: a command there
 * means the end of data was in the gap. */
void eod_check(struct dissector *d, uint64_t off, const uint8_t *p, size_t n)
{
	d->eod_check = 0;
	if (off != d->eod_check_off || (d->cmode != CM_BODY && d->cmode != CM_BODY_HDR) ||
	    !d->body_ex)
		return;
	char verb[16];
	size_t vl = smtp_command_verb((const char *)p, n < 16 ? n : 16, verb);
	if (vl && vl < n && known_verb(verb) &&
	    (p[vl] == ' ' || p[vl] == '\r' || p[vl] == '\n')) {
		struct body_info *b = cur_body(d);
		end_body(d, off);
		if (b)
			b->complete = 0;
	}
}
