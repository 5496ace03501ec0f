/* timeline.c - build the timeline of a finished session (timeline.h): the
 * frame <-> exchange map, ACK attribution, handshake and gaps.  The facts
 * (RTTs, gateway, why no ARP, sender check) are in timeline-facts.c, the
 * roles in timeline-roles.c, the words in timeline-words.c. */
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "timeline.h"
#include "util-mem.h"


static int cmp_frame(const void *a, const void *b)
{
	const struct frame_rec *x = a, *y = b;
	return x->no < y->no ? -1 : x->no > y->no;
}

/* Frames in frame-number order: the session's own array unless an ARP
 * frame was adopted late, then a sorted copy. */
static void order_frames(struct timeline *t, const struct session *s)
{
	t->frames = s->frames;
	t->nframes = s->nframes;
	for (size_t i = 1; i < s->nframes; i++)
		if (s->frames[i].no < s->frames[i - 1].no) {
			t->owned = xmalloc(s->nframes * sizeof *t->owned);
			memcpy(t->owned, s->frames, s->nframes * sizeof *t->owned);
			qsort(t->owned, s->nframes, sizeof *t->owned, cmp_frame);
			t->frames = t->owned;
			return;
		}
}

static int cmp_req(const void *a, const void *b, void *arg)
{
	const struct exchange *ex = arg;
	const struct exchange *x = &ex[*(const size_t *)a], *y = &ex[*(const size_t *)b];
	return x->req_off < y->req_off ? -1 : x->req_off > y->req_off;
}

static int cmp_rep(const void *a, const void *b, void *arg)
{
	const struct exchange *ex = arg;
	const struct exchange *x = &ex[*(const size_t *)a], *y = &ex[*(const size_t *)b];
	return x->rep_off < y->rep_off ? -1 : x->rep_off > y->rep_off;
}

static void index_exchanges(struct timeline *t, const struct session *s)
{
	for (size_t i = 0; i < s->nex; i++) {
		if (s->ex[i].req_end > s->ex[i].req_off)
			t->by_req[t->nreq++] = i;
		if (s->ex[i].reply_code && s->ex[i].rep_end > s->ex[i].rep_off)
			t->by_rep[t->nrep++] = i;
	}
	qsort_r(t->by_req, t->nreq, sizeof *t->by_req, cmp_req, s->ex);
	qsort_r(t->by_rep, t->nrep, sizeof *t->by_rep, cmp_rep, s->ex);
}

static void find_handshake(struct timeline *t, const struct session *s)
{
	int synack_seen = 0;
	size_t syn_i = 0;
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		if (f->dir > 1)
			continue;
		/* step 1 is the SYN the SYN/ACK answers: the last one before it
		 * (the iRTT excludes a SYN retransmission timeout) */
		if ((f->flags & (TH_SYN | TH_ACK)) == TH_SYN && f->dir == DIR_C2S && !synack_seen &&
		    !(f->ta & (TA_PORTREUSE | TA_DUP | TA_BADCSUM))) {
			if (t->hs[0])
				t->fm[syn_i].hs = 0;
			t->hs[0] = f->no; t->fm[i].hs = 1; t->hsf[0] = f; syn_i = i;
		} else if ((f->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) && f->dir == DIR_S2C && !t->hs[1]) {
			t->hs[1] = f->no; t->fm[i].hs = 2; t->hsf[1] = f; synack_seen = 1;
		} else if (synack_seen && !t->hs[2] && f->dir == DIR_C2S && (f->flags & TH_ACK) &&
		           !(f->flags & (TH_SYN | TH_RST)) && f->ack == s->d[DIR_S2C].isn + 1) {
			t->hs[2] = f->no; t->fm[i].hs = 3; t->hsf[2] = f;
		}
	}
}

/* bytes never captured before a segment: its start minus the furthest
 * byte seen so far in its direction */
static void find_gaps(struct timeline *t)
{
	uint64_t far[2] = { 0, 0 };
	int seen[2] = { 0, 0 }, gap[2] = { 0, 0 };
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		if (f->dir > 1 || !f->len)
			continue;
		int d = f->dir;
		if (seen[d] && f->off > far[d]) {
			uint64_t n = f->off - far[d];
			t->fm[i].gapn = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
			gap[d] = 1;
		}
		t->fm[i].after_gap = (uint8_t)gap[d];
		if (!seen[d] || f->off + f->len > far[d])
			far[d] = f->off + f->len;
		seen[d] = 1;
	}
}

/* first index in `list` whose range end is beyond `off` */
static size_t lower(const struct session *s, const size_t *list, size_t n, uint64_t off, int rep)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct exchange *x = &s->ex[list[mid]];
		uint64_t end = rep ? x->rep_end : x->req_end;
		if (end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_tls(const struct session *s, const struct frame_rec *f)
{
	if (f->dir > 1 || !f->len)
		return 0;
	if (s->tls_implicit)
		return 1;
	return s->starttls && (s->tls_off[f->dir] || f->dir == DIR_C2S) && f->off >= s->tls_off[f->dir] &&
	       (f->dir == DIR_S2C ? s->tls_off[DIR_S2C] != 0 : 1);
}

static void add_frame(uint32_t **v, uint32_t *n, size_t *cap, uint32_t no)
{
	if (*n && (*v)[*n - 1] == no)
		return;
	xgrow(v, cap, (size_t)*n + 1, sizeof **v, 4);
	(*v)[(*n)++] = no;
}

/* Which exchanges each payload frame carries. */
static void map_payload(struct timeline *t, const struct session *s, size_t i)
{
	const struct frame_rec *f = &t->frames[i];
	struct tl_frame *m = &t->fm[i];
	if (is_tls(s, f)) {              /* records: their decrypted exchanges, if any */
		m->tls = 1;
		m->proto = FP_TLS;
	}
	int rep = f->dir == DIR_S2C;
	const size_t *list = rep ? t->by_rep : t->by_req;
	size_t n = rep ? t->nrep : t->nreq, j = lower(s, list, n, f->off, rep);
	uint64_t end = f->off + f->len;
	m->first = (uint32_t)j;
	for (; j < n; j++) {
		const struct exchange *x = &s->ex[list[j]];
		struct tl_exchange *tx = &t->ex[list[j]];
		if ((rep ? x->rep_off : x->req_off) >= end)
			break;
		m->count++;
		if (rep)
			add_frame(&tx->rep, &tx->nrep, &tx->caprep, f->no);
		else
			add_frame(&tx->req, &tx->nreq, &tx->capreq, f->no);
	}
	if (m->count && !m->tls)
		m->proto = FP_SMTP;
	if (m->count == 1 && !(f->ta & (TA_RETRANS | TA_DUP | TA_BADCSUM))) {
		struct tl_exchange *tx = &t->ex[list[m->first]];
		m->segk = rep ? ++tx->norig_rep : ++tx->norig_req;
	}
}

struct ack_walk {
	uint64_t last[2];
	uint32_t last32[2];
	int have[2], fin_acked[2];
	size_t jr, jp;
};

/* What the ACK of frame i acknowledges first: requests (server frames) or
 * replies (client frames), and the peer's FIN. */
static void map_ack(struct timeline *t, const struct session *s, size_t i, struct ack_walk *w)
{
	const struct frame_rec *f = &t->frames[i];
	struct tl_frame *m = &t->fm[i];
	int peer = !f->dir;
	uint32_t a32 = f->ack - (s->d[peer].isn + 1);
	if (!w->have[peer]) {
		w->last[peer] = a32;
		w->have[peer] = 1;
	} else
		w->last[peer] += (uint64_t)(int64_t)(int32_t)(a32 - w->last32[peer]);
	w->last32[peer] = a32;
	uint64_t acked = w->last[peer];
	if (s->d[peer].fin && !w->fin_acked[peer] && acked >= s->d[peer].fin_off + 1) {
		w->fin_acked[peer] = 1;
		m->acks_fin = 1;
	}
	if (f->dir == DIR_S2C) {          /* the server acknowledges requests */
		m->acked_first = (uint32_t)t->nack;
		while (w->jr < t->nreq && s->ex[t->by_req[w->jr]].has_req_end &&
		       acked >= s->ex[t->by_req[w->jr]].req_end) {
			t->ex[t->by_req[w->jr]].ack_frame = f->no;
			t->ack_list[t->nack++] = t->by_req[w->jr++];
		}
		m->acked_count = (uint32_t)t->nack - m->acked_first;
	} else {                           /* the client acknowledges replies */
		m->acked_first = (uint32_t)t->nrack;
		while (w->jp < t->nrep && acked >= s->ex[t->by_rep[w->jp]].rep_end)
			t->rack_list[t->nrack++] = t->by_rep[w->jp++];
		m->acked_count = (uint32_t)t->nrack - m->acked_first;
		m->acks_reply = 1;
	}
}

void tl_build(struct timeline *t, const struct session *s, uint64_t t0,
              const struct sender_info *sender)
{
	memset(t, 0, sizeof *t);
	t->s = s;
	t->t0 = t0;
	order_frames(t, s);
	t->fm = xcalloc(t->nframes, sizeof *t->fm);
	t->ex = xcalloc(s->nex, sizeof *t->ex);
	t->by_req = xmalloc(s->nex * sizeof *t->by_req);
	t->by_rep = xmalloc(s->nex * sizeof *t->by_rep);
	t->ack_list = xmalloc(s->nex * sizeof *t->ack_list);
	t->rack_list = xmalloc(s->nex * sizeof *t->rack_list);
	index_exchanges(t, s);
	find_handshake(t, s);
	find_gaps(t);
	struct ack_walk w;
	memset(&w, 0, sizeof w);
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		t->fm[i].proto = f->proto;
		if (f->dir > 1)
			continue;
		if (f->len)
			map_payload(t, s, i);
		if (f->flags & TH_ACK)
			map_ack(t, s, i, &w);
	}
	tl_facts(t, sender);
	tl_mistakes(t);
}

void tl_free(struct timeline *t)
{
	for (size_t i = 0; t->ex && i < t->s->nex; i++) {
		free(t->ex[i].req);
		free(t->ex[i].rep);
	}
	free(t->ex);
	free(t->fm);
	free(t->by_req);
	free(t->by_rep);
	free(t->ack_list);
	free(t->rack_list);
	free(t->owned);
	tl_icmp_free(t);
	tl_mistakes_free(t);
	memset(t, 0, sizeof *t);
}

size_t tl_frame_ex(const struct timeline *t, size_t i, uint32_t c)
{
	const size_t *list = t->frames[i].dir == DIR_S2C ? t->by_rep : t->by_req;
	return list[t->fm[i].first + c];
}

size_t tl_acked_ex(const struct timeline *t, size_t i, uint32_t c)
{
	const size_t *list = t->fm[i].acks_reply ? t->rack_list : t->ack_list;
	return list[t->fm[i].acked_first + c];
}

const struct frame_rec *tl_find(const struct timeline *t, uint32_t no)
{
	size_t lo = 0, hi = t->nframes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->frames[mid].no < no) lo = mid + 1;
		else hi = mid;
	}
	return lo < t->nframes && t->frames[lo].no == no ? &t->frames[lo] : NULL;
}
