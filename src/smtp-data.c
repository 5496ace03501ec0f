/* smtp-data.c - --show-data: a copy of each message's bytes as they were on
 * the wire (dot-stuffing, line endings and the end-of-data line as sent,
 * BDAT chunk octets), kept only when asked (app_opts.keep_data), at most
 * keep_data octets a message, grown within the session's memory budget;
 * what is not kept is counted.  A gap ends the copy (the rest is counted). */
#include <stdlib.h>
#include <string.h>
#include "smtp-int.h"
#include "util-mem.h"

/* Room for n more octets in b->data, within the cap and the budget: how
 * many fit. */
static size_t room(struct dissector *d, struct body_info *b, size_t n)
{
	size_t cap = d->keep_data;
	if (b->ndata >= cap || b->data_gap)
		return 0;
	size_t want = n < cap - b->ndata ? n : cap - b->ndata;
	if (b->ndata + want <= b->capdata)
		return want;
	size_t ncap = b->capdata ? b->capdata : 4096;
	while (ncap < b->ndata + want)
		ncap *= 2;
	if (ncap > cap)
		ncap = cap;
	if (session_mem_take(d->s, ncap - b->capdata))
		return b->capdata - b->ndata;       /* no more room: what is there */
	b->data = xrealloc(b->data, ncap);
	b->capdata = ncap;
	return want;
}

void data_keep(struct dissector *d, struct body_info *b, uint64_t off, const uint8_t *p,
               size_t n)
{
	if (!d->keep_data || !b || !n)
		return;
	if (!b->ndata && !b->data_not_shown)
		b->data_off = off;
	size_t k = room(d, b, n);
	if (k) {
		memcpy(b->data + b->ndata, p, k);
		b->ndata += k;
	}
	b->data_not_shown += n - k;
}

void data_gap(struct dissector *d, struct body_info *b, uint64_t n)
{
	if (!d->keep_data || !b)
		return;
	b->data_gap = 1;
	b->data_not_shown += n;
}
