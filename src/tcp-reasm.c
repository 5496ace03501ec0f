/* tcp-reasm.c - one direction of a byte stream, reassembled (tcp-reasm.h).
 *
 * In-order bytes go straight to the sink without a copy.  A segment that
 * starts beyond the next expected offset waits in a sorted queue (copied)
 * until the hole is filled, until the receiver acknowledges past the hole
 * (then the bytes were received but not captured: a gap), until the queue
 * grows past its bound (the hole becomes a gap, counted as dropped), or
 * until the stream ends. */
#include <stdlib.h>
#include <string.h>
#include "tcp-reasm.h"
#include "util-mem.h"

struct stream_seg {
	struct stream_seg *next;
	uint64_t off;
	uint32_t len;            /* captured bytes held */
	uint32_t wire;           /* wire length (>= len when truncated) */
	uint8_t data[];
};

void stream_init(struct stream *st, int dir, const struct stream_sink *k, void *ctx)
{
	memset(st, 0, sizeof *st);
	st->dir = dir;
	st->k = k;
	st->ctx = ctx;
	st->limit = STREAM_HOLD_LIMIT;
}

static void gap(struct stream *st, uint64_t off, uint64_t n)
{
	st->k->gap(st->ctx, st->dir, off, n);
	st->gap_bytes += n;
}

static void deliver(struct stream *st, uint64_t off, const uint8_t *p, uint32_t cap, uint32_t wire)
{
	/* trim what was already delivered */
	if (off < st->next) {
		uint64_t skip = st->next - off;
		if (skip >= wire)
			return;
		off += skip;
		wire -= (uint32_t)skip;
		if (skip >= cap) { p += cap; cap = 0; }
		else { p += skip; cap -= (uint32_t)skip; }
	}
	if (cap)
		st->k->data(st->ctx, st->dir, off, p, cap);
	if (wire > cap)                         /* cut by the snaplen */
		gap(st, off + cap, wire - cap);
	st->next = off + wire;
}

/* Hand over held segments that have become contiguous. */
static void drain(struct stream *st)
{
	struct stream_seg *q;
	while ((q = st->q) && q->off <= st->next) {
		st->q = q->next;
		st->held -= q->len;
		deliver(st, q->off, q->data, q->len, q->wire);
		free(q);
	}
}

static void enqueue(struct stream *st, uint64_t off, const uint8_t *p, uint32_t cap, uint32_t wire)
{
	struct stream_seg **pp = &st->q, *q;
	while (*pp && (*pp)->off < off)
		pp = &(*pp)->next;
	if (*pp && (*pp)->off == off && (*pp)->wire >= wire)
		return;                         /* same bytes held already */
	q = xmalloc(sizeof *q + cap);
	q->off = off;
	q->len = cap;
	q->wire = wire;
	memcpy(q->data, p, cap);
	q->next = *pp;
	*pp = q;
	st->held += cap;
}

/* Give up on the hole before the first held segment. */
static void skip_hole(struct stream *st)
{
	if (!st->q)
		return;
	if (st->q->off > st->next) {
		gap(st, st->next, st->q->off - st->next);
		st->next = st->q->off;
	}
	drain(st);
}

void stream_segment(struct stream *st, uint64_t off, uint32_t len, const uint8_t *p, uint32_t cap)
{
	if (!st->k) {
		if (off <= st->next && off + len > st->next)
			st->next = off + len;
		return;
	}
	if (off + len <= st->next)
		return;
	if (off <= st->next) {
		deliver(st, off, p, cap, len);
		drain(st);
		return;
	}
	enqueue(st, off, p, cap, len);
	while (st->held > st->limit && st->q) {
		uint64_t before = st->gap_bytes;
		skip_hole(st);
		st->dropped += st->gap_bytes - before;
	}
}

int stream_seen(const struct stream *st, uint64_t off, uint64_t end)
{
	uint64_t covered = 0, at = off;
	if (end <= st->next)
		return 2;
	if (at < st->next) {
		covered += st->next - at;
		at = st->next;
	}
	for (const struct stream_seg *q = st->q; q && q->off < end; q = q->next) {
		uint64_t qe = q->off + q->wire;
		if (qe <= at)
			continue;
		if (q->off > at)
			at = q->off;
		covered += (qe < end ? qe : end) - at;
		at = qe < end ? qe : end;
	}
	return covered == 0 ? 0 : covered >= end - off ? 2 : 1;
}

void stream_acked(struct stream *st, uint64_t acked, uint64_t limit)
{
	if (!st->k) {
		if (acked > st->next)
			st->next = acked < limit ? acked : limit;
		return;
	}
	while (st->q && acked > st->next && st->q->off < acked)
		skip_hole(st);
	if (acked > limit)              /* a FIN takes a sequence number, not a byte */
		acked = limit;
	if (acked > st->next) {         /* a hole before what is held, or the tail */
		gap(st, st->next, acked - st->next);
		st->next = acked;
		drain(st);
	}
}

void stream_flush(struct stream *st, uint64_t end)
{
	if (!st->k)
		return;
	while (st->q)
		skip_hole(st);
	if (end > st->next && end != UINT64_MAX) {
		gap(st, st->next, end - st->next);
		st->next = end;
	}
}

void stream_free(struct stream *st)
{
	struct stream_seg *q = st->q, *n;
	for (; q; q = n) {
		n = q->next;
		free(q);
	}
	st->q = NULL;
	st->held = 0;
}
