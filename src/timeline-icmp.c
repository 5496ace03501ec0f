/* timeline-icmp.c - the ICMP errors about a session (flow-icmp.c put them
 * among its frames): which of the session's segments each one quotes, and
 * the errors grouped by sender, type, code and direction, with what the
 * sender of the quoted segments did next - for a path MTU error
 * (fragmentation needed, packet too big), the retransmissions after it and
 * the segment sizes before and after.  No wording here. */
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "timeline.h"
#include "util-mem.h"

#define QUOTE_LOOKBACK 4096     /* frames searched back for the quoted segment */

static int is_pmtu(const struct frame_rec *f)
{
	return f->family == 6 ? f->icmp.type == 2 : f->icmp.type == 3 && f->icmp.code == 4;
}

/* The frame (index) the ICMP frame i quotes: the latest segment before it
 * in the quoted direction with the quoted sequence number; -1 if none. */
static long quoted_index(const struct timeline *t, size_t i)
{
	const struct frame_rec *f = &t->frames[i];
	if (f->icmp.quote < ICMPQ_SEQ)
		return -1;
	size_t stop = i > QUOTE_LOOKBACK ? i - QUOTE_LOOKBACK : 0;
	for (size_t j = i; j-- > stop;) {
		const struct frame_rec *g = &t->frames[j];
		if (g->dir == f->icmp.qdir && g->seq == f->icmp.qseq && (g->len || (g->flags & TH_SYN)))
			return (long)j;
	}
	return -1;
}

static struct tl_icmp *group_of(struct timeline *t, const struct frame_rec *f)
{
	size_t n = f->family == 6 ? 16 : 4;
	for (size_t k = 0; k < t->nicmp; k++) {
		struct tl_icmp *g = &t->icmp[k];
		if (g->family == f->family && g->type == f->icmp.type && g->code == f->icmp.code &&
		    g->qdir == f->icmp.qdir && !memcmp(g->from, f->icmp.from, n))
			return g;
	}
	if (t->nicmp == TL_ICMP_GROUPS)
		return NULL;
	if (!t->icmp)
		t->icmp = xcalloc(TL_ICMP_GROUPS, sizeof *t->icmp);
	struct tl_icmp *g = &t->icmp[t->nicmp++];
	g->family = f->family;
	g->type = f->icmp.type;
	g->code = f->icmp.code;
	g->qdir = f->icmp.qdir;
	g->pmtu = (uint8_t)is_pmtu(f);
	memcpy(g->from, f->icmp.from, sizeof g->from);
	return g;
}

static void group_add(struct tl_icmp *g, const struct frame_rec *f, const struct frame_rec *q)
{
	if ((g->nframes & (g->nframes - 1)) == 0)      /* 0, 1, 2, 4 ...: full */
		g->frames = xrealloc(g->frames, (g->nframes ? 2 * g->nframes : 1) * sizeof *g->frames);
	g->frames[g->nframes++] = f->no;
	if (f->icmp.mtu && (!g->mtu || f->icmp.mtu < g->mtu))
		g->mtu = f->icmp.mtu;
	if (q && q->len > g->seglen)
		g->seglen = q->len;
}

/* What the quoted side sent after the group's first error. */
static void after(const struct timeline *t, struct tl_icmp *g)
{
	const struct frame_rec *first = tl_find(t, g->frames[0]);
	for (size_t j = (size_t)(first - t->frames) + 1; j < t->nframes; j++) {
		const struct frame_rec *f = &t->frames[j];
		if (f->dir != g->qdir || !f->len)
			continue;
		if (f->ta & TA_RETRANS)
			g->retrans++;
		if (f->len > g->maxlen_after)
			g->maxlen_after = f->len;
	}
}

void tl_icmp_facts(struct timeline *t)
{
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		if (f->proto != FP_ICMP)
			continue;
		long q = quoted_index(t, i);
		t->fm[i].quoted = q < 0 ? 0 : t->frames[q].no;
		struct tl_icmp *g = group_of(t, f);
		if (g)
			group_add(g, f, q < 0 ? NULL : &t->frames[q]);
		else
			t->icmp_ungrouped++;
	}
	for (size_t k = 0; k < t->nicmp; k++)
		after(t, &t->icmp[k]);
}

void tl_icmp_free(struct timeline *t)
{
	for (size_t k = 0; k < t->nicmp; k++)
		free(t->icmp[k].frames);
	free(t->icmp);
	t->icmp = NULL;
	t->nicmp = 0;
}
