/* smtp-rlines.c - every line of a server reply, kept for the outputs (the
 * EHLO extensions, multi-line 5xx explanations): gathered line by line as
 * the reply assembles (so a reply split across segments is whole), handed
 * to its exchange when it completes.  Bounded: SMTP_RLINES_MAX lines of
 * SMTP_RLINE_MAX bytes per reply, SMTP_RLINES_SESSION bytes per session,
 * and the engine's memory budget; what is not kept is counted. */
#include <stdlib.h>
#include <string.h>
#include "smtp-int.h"
#include "util-mem.h"

#define RL_BUF_KEEP 4096   /* a bigger gathering buffer is freed after each reply */

void rl_add(struct dissector *d, const char *line, size_t len, size_t overlong)
{
	struct rl_acc *a = &d->rl;
	struct reply_line r;
	if (!smtp_parse_reply_line(line, len, &r))
		return;
	if (a->n >= SMTP_RLINES_MAX) {
		a->lost++;
		return;
	}
	size_t n = r.text_len;
	if (n > SMTP_RLINE_MAX || overlong) {
		if (n > SMTP_RLINE_MAX)
			n = SMTP_RLINE_MAX;
		a->cut++;
	}
	size_t need = a->len + (a->n ? 1 : 0) + n + 1;
	if (need > a->cap) {
		size_t cap = a->cap ? a->cap : 256;
		while (cap < need)
			cap *= 2;
		a->buf = xrealloc(a->buf, cap);
		a->cap = cap;
	}
	if (a->n)
		a->buf[a->len++] = '\n';
	memcpy(a->buf + a->len, r.text, n);
	a->len += n;
	a->buf[a->len] = '\0';
	a->n++;
}

void rl_drop(struct dissector *d)
{
	struct rl_acc *a = &d->rl;
	if (a->cap > RL_BUF_KEEP) {
		free(a->buf);
		a->buf = NULL;
		a->cap = 0;
	}
	a->len = 0;
	a->n = a->cut = 0;
	a->lost = 0;
}

void rl_give(struct dissector *d, struct exchange *x)
{
	struct rl_acc *a = &d->rl;
	struct smtp_summary *sum = &d->s->smtp;
	uint64_t need = (uint64_t)a->len + 1;
	free(x->rlines);           /* a reply given twice (never expected): the last wins */
	x->rlines = NULL;
	x->rlines_len = 0;
	x->rlines_kept = x->rlines_cut = 0;
	x->rlines_lost = a->lost;
	if (a->n && sum->rlines_bytes + need <= SMTP_RLINES_SESSION &&
	    session_mem_take(d->s, need) == 0) {
		x->rlines = xmalloc(need);
		memcpy(x->rlines, a->buf, need);
		x->rlines_len = (uint32_t)a->len;
		x->rlines_kept = a->n;
		x->rlines_cut = a->cut;
		sum->rlines_bytes += need;
	} else
		x->rlines_lost += a->n;
	rl_drop(d);
}

void rl_free(struct dissector *d)
{
	free(d->rl.buf);
	memset(&d->rl, 0, sizeof d->rl);
}
