/* client-reply.c - the client's strict reply reader; see client-reply.h.
 *
 * Strict where RFC 5321 is: every line of a reply must be a reply line
 * (4.2), lines longer than RR_LINE_MAX end the dialogue (4.5.3.1.5 allows
 * 512 octets), and a reply is bounded in lines and bytes so a server
 * flooding continuation lines cannot fill memory or the transcript.  A reply
 * whose continuation lines carry another code is kept whole and flagged
 * (other_code); the client judges it a refusal (4.2.1). */
#include "client-reply.h"
#include "util-text.h"

#include <string.h>

static int rr_line(void *ctx, const char *line, size_t len, uint64_t a,
                   uint64_t b, size_t overlong)
{
	struct reply_reader *rr = ctx;
	struct reply_line rl;
	int ok = smtp_parse_reply_line(line, len, &rl);
	rr->lines++;
	rr->bytes += (size_t)(b - a);
	if (rr->on_line)
		rr->on_line(rr->ctx, line, len, ok ? rl.code : 0);
	if (overlong) {
		rr->st = RR_LONG_LINE;
		return 1;
	}
	if (!ok) {
		text_safe(rr->bad, sizeof rr->bad, line, len < 60 ? len : 60, NULL);
		rr->st = RR_MALFORMED;
		return 1;
	}
	int first = !rr->ra.active;
	int r = reply_asm_line(&rr->ra, line, len);
	if (!first && rl.code != rr->ra.r.code && !rr->other_code)
		rr->other_code = rl.code;
	if (r == 1) {
		rr->st = RR_REPLY;
		return 1;
	}
	if (rr->lines >= RR_REPLY_LINES || rr->bytes >= RR_REPLY_BYTES) {
		rr->st = RR_TOO_LONG;
		return 1;
	}
	return 0;
}

void rr_init(struct reply_reader *rr, rr_line_fn fn, void *ctx)
{
	memset(rr, 0, sizeof *rr);
	line_asm_init(&rr->la, RR_LINE_MAX, 0);
	reply_asm_init(&rr->ra, RR_TEXT_MAX);
	rr->on_line = fn;
	rr->ctx = ctx;
}

void rr_free(struct reply_reader *rr)
{
	line_asm_free(&rr->la);
	reply_asm_free(&rr->ra);
}

enum rr_status rr_next(struct reply_reader *rr)
{
	if (rr->st == RR_REPLY) {       /* the last reply was taken: start anew */
		rr->st = RR_NEED;
		rr->lines = rr->bytes = 0;
		rr->other_code = 0;
	}
	if (rr->st != RR_NEED)
		return rr->st;
	if (rr->in_pos < rr->in_len)
		rr->in_pos += line_asm_feed(&rr->la, rr->in + rr->in_pos,
		                            rr->in_len - rr->in_pos, rr_line, rr);
	if (rr->st == RR_NEED) {
		size_t part = line_asm_pending(&rr->la);
		if (part > RR_LINE_MAX)
			rr->st = RR_LONG_LINE;
		else if (rr->bytes + part > RR_REPLY_BYTES)
			rr->st = RR_TOO_LONG;
	}
	return rr->st;
}

uint8_t *rr_space(struct reply_reader *rr, size_t *n)
{
	if (rr->in_pos > 0) {           /* keep what is unread at the front */
		memmove(rr->in, rr->in + rr->in_pos, rr->in_len - rr->in_pos);
		rr->in_len -= rr->in_pos;
		rr->in_pos = 0;
	}
	*n = sizeof rr->in - rr->in_len;
	return rr->in + rr->in_len;
}

void rr_filled(struct reply_reader *rr, size_t n)
{
	rr->in_len += n;
}

size_t rr_buffered(const struct reply_reader *rr)
{
	return rr->in_len - rr->in_pos + line_asm_pending(&rr->la);
}

size_t rr_discard(struct reply_reader *rr)
{
	size_t n = rr_buffered(rr);
	rr->in_pos = rr->in_len = 0;
	line_asm_reset(&rr->la, rr->la.off + line_asm_pending(&rr->la));
	return n;
}

void rr_peek(const struct reply_reader *rr, char *out, size_t cap)
{
	const struct line_asm *la = &rr->la;
	char buf[64];
	size_t n = la->len < 60 ? la->len : 60;
	if (n)
		memcpy(buf, la->buf, n);
	const uint8_t *p = rr->in + rr->in_pos;
	size_t avail = rr->in_len - rr->in_pos;
	for (size_t i = 0; i < avail && n < 60 && p[i] != '\n'; i++)
		buf[n++] = (char)p[i];
	if (n && buf[n - 1] == '\r')
		n--;
	text_safe(out, cap, buf, n, NULL);
}
