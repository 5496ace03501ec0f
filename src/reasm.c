/* reasm.c - per-direction TCP stream reassembly.
 *
 * In-order bytes go straight to the sink without a copy.  A segment that
 * starts beyond the next expected offset waits in a sorted queue (copied)
 * until the hole is filled, until the peer acknowledges past the hole (then
 * the bytes were received but not captured: a gap), until the queue grows
 * past its bound, or until the session ends.  The sink always sees the
 * stream in order, each byte once, with explicit gaps. */
#include <stdlib.h>
#include <string.h>
#include "session.h"

#define OOO_LIMIT (4u << 20)    /* bytes queued per direction before giving up on a hole */

struct ooo_seg {
	struct ooo_seg *next;
	uint64_t off;
	uint32_t len;            /* captured bytes held */
	uint32_t wire;           /* wire length (>= len when truncated) */
	uint8_t data[];
};

static void deliver(struct session *s, int dir, uint64_t off, const uint8_t *p,
                    uint32_t cap, uint32_t wire, const struct reasm_sink *k)
{
	struct dirstate *d = &s->d[dir];
	/* trim what was already delivered */
	if (off < d->next) {
		uint64_t skip = d->next - off;
		if (skip >= wire)
			return;
		off += skip;
		wire -= (uint32_t)skip;
		if (skip >= cap) { p += cap; cap = 0; }
		else { p += skip; cap -= (uint32_t)skip; }
	}
	if (cap)
		k->data(s, dir, off, p, cap);
	if (wire > cap) {                       /* cut by the snaplen */
		k->gap(s, dir, off + cap, wire - cap);
		d->gap_bytes += wire - cap;
	}
	d->next = off + wire;
}

/* Hand over queued segments that have become contiguous. */
static void drain(struct session *s, int dir, const struct reasm_sink *k)
{
	struct dirstate *d = &s->d[dir];
	struct ooo_seg *q;
	while ((q = d->ooo_q) && q->off <= d->next) {
		d->ooo_q = q->next;
		d->ooo_bytes -= q->len;
		deliver(s, dir, q->off, q->data, q->len, q->wire, k);
		free(q);
	}
}

static void enqueue(struct dirstate *d, uint64_t off, const uint8_t *p,
                    uint32_t cap, uint32_t wire)
{
	struct ooo_seg **pp = &d->ooo_q, *q;
	while (*pp && (*pp)->off < off)
		pp = &(*pp)->next;
	if (*pp && (*pp)->off == off && (*pp)->wire >= wire)
		return;                         /* same bytes queued already */
	q = malloc(sizeof *q + cap);
	if (!q)
		return;                         /* lost: becomes a gap later */
	q->off = off;
	q->len = cap;
	q->wire = wire;
	memcpy(q->data, p, cap);
	q->next = *pp;
	*pp = q;
	d->ooo_bytes += cap;
}

/* Give up on the hole before the first queued segment. */
static void skip_hole(struct session *s, int dir, const struct reasm_sink *k)
{
	struct dirstate *d = &s->d[dir];
	if (!d->ooo_q)
		return;
	uint64_t n = d->ooo_q->off - d->next;
	if (n) {
		k->gap(s, dir, d->next, n);
		d->gap_bytes += n;
		d->next = d->ooo_q->off;
	}
	drain(s, dir, k);
}

unsigned reasm_segment(struct session *s, int dir, uint64_t off, uint32_t len,
                       const uint8_t *p, uint32_t cap, const struct reasm_sink *k)
{
	struct dirstate *d = &s->d[dir];
	unsigned ta = 0;
	uint64_t end = off + len;

	if (cap < len)
		ta |= TA_TRUNC;
	if (end <= d->next) {
		/* nothing new: a keep-alive probe is one byte (or none) just below next */
		if (len <= 1 && off + 1 == d->next)
			ta |= TA_KEEPALIVE;
		else
			ta |= TA_RETRANS;
		return ta;
	}
	if (off < d->max_end && off >= d->next && end > d->max_end)
		ta |= TA_RETRANS;               /* overlaps queued data */
	else if (off < d->max_end && off > d->next)
		ta |= TA_OOO;
	if (off > d->max_end)
		ta |= TA_GAP;                   /* something before it was not (yet) seen */
	else if (off < d->next)
		ta |= TA_RETRANS;               /* partly new */
	else if (off == d->next && d->ooo_q)
		ta |= TA_OOO;                   /* fills the hole */
	if (end > d->max_end)
		d->max_end = end;

	if (off <= d->next) {
		deliver(s, dir, off, p, cap, len, k);
		drain(s, dir, k);
	} else {
		enqueue(d, off, p, cap, len);
		if (d->ooo_bytes > OOO_LIMIT)
			skip_hole(s, dir, k);
	}
	return ta;
}

void reasm_acked(struct session *s, int dir, uint64_t acked, const struct reasm_sink *k)
{
	struct dirstate *d = &s->d[dir];
	/* The receiver has everything below `acked`: a hole below it was lost
	 * by the capture, not by the network. */
	while (d->ooo_q && acked > d->next && d->ooo_q->off < acked)
		skip_hole(s, dir, k);
	if (!d->ooo_q && acked > d->next) {
		/* the tail of a hole with nothing queued after it; a FIN takes
		 * one sequence number but carries no byte */
		if (d->fin && acked > d->fin_off)
			acked = d->fin_off;
		if (acked > d->next) {
			k->gap(s, dir, d->next, acked - d->next);
			d->gap_bytes += acked - d->next;
			d->next = acked;
			if (acked > d->max_end)
				d->max_end = acked;
		}
	}
}

void reasm_flush(struct session *s, int dir, const struct reasm_sink *k)
{
	while (s->d[dir].ooo_q)
		skip_hole(s, dir, k);
}

void reasm_free(struct session *s)
{
	for (int dir = 0; dir < 2; dir++) {
		struct ooo_seg *q = s->d[dir].ooo_q, *n;
		for (; q; q = n) {
			n = q->next;
			free(q);
		}
		s->d[dir].ooo_q = NULL;
		s->d[dir].ooo_bytes = 0;
	}
}
