/* flow-attempt.c - failed connection attempts before a session
 * (flow-attempt.h): a ring of the connections seen to begin, and the copy a
 * new session takes of the ones that failed just before it. */
#include <stdlib.h>
#include <string.h>
#include "engine-int.h"
#include "util-mem.h"

struct att_ring {
	struct conn_attempt e[ATT_RING];
	size_t next, n;
};

/* Same client (with `send`, any address of this host), same server port,
 * recent, never answered, and not the session itself. */
static int failed_before(const struct engine *e, const struct session *s,
                         const struct conn_attempt *a, const struct flow *self)
{
	if (a->fl == self || a->answered || !a->nsyn || a->sport != s->sport ||
	    a->ts_last + ATT_WINDOW_S * 1000000000ull < e->ft.now)
		return 0;
	if (e->o.sender)
		return 1;
	return a->family == s->family && ft_same_ip(a->cip, s->cip, s->family);
}

static void take(struct engine *e, struct flow *f, const struct conn_attempt *a)
{
	struct session *s = &f->s;
	if (s->natt >= SESSION_MAX_ATT || ft_mem_take(&e->ft, sizeof *s->att)) {
		s->att_more++;
		return;
	}
	f->acct += sizeof *s->att;
	s->att = xrealloc(s->att, (s->natt + 1) * sizeof *s->att);
	s->att[s->natt] = *a;
	s->att[s->natt++].fl = NULL;
}

void att_begin(struct engine *e, struct flow *f)
{
	struct session *s = &f->s;
	if (!(e->needs & ENGINE_NEED_FRAMES))   /* only the timeline says them (not --summary) */
		return;
	if (!e->ar) {
		if (ft_mem_take(&e->ft, sizeof *e->ar))
			return;
		e->ar = xcalloc(1, sizeof *e->ar);
	}
	struct att_ring *r = e->ar;
	/* oldest first, so the list reads in the order they were tried */
	for (size_t k = 0; k < r->n; k++) {
		const struct conn_attempt *a = &r->e[(r->next + ATT_RING - r->n + k) % ATT_RING];
		if (failed_before(e, s, a, f))
			take(e, f, a);
	}
	struct conn_attempt *a = &r->e[r->next];
	memset(a, 0, sizeof *a);
	a->family = s->family;
	memcpy(a->cip, s->cip, sizeof a->cip);
	memcpy(a->sip, s->sip, sizeof a->sip);
	a->sport = s->sport;
	a->cport = s->cport;
	a->ts_last = e->ft.now;
	a->fl = f;
	f->att_slot = (uint8_t)(r->next + 1);
	r->next = (r->next + 1) % ATT_RING;
	if (r->n < ATT_RING)
		r->n++;
}

void att_frame(struct engine *e, struct flow *f, int dir, const struct pkt *p, uint32_t no,
               uint64_t ts)
{
	if (!e->ar || !f->att_slot)
		return;
	struct conn_attempt *a = &e->ar->e[f->att_slot - 1];
	if (a->fl != f || a->answered)
		return;
	uint8_t sa = p->flags & (TH_SYN | TH_ACK);
	if (dir == DIR_C2S && sa == TH_SYN) {
		if (a->nsyn < ATT_SYNS)
			a->syn[a->nsyn++] = no;
		else
			a->syn_more++;
		a->ts_last = ts;
	} else if (dir == DIR_S2C && sa == (TH_SYN | TH_ACK))
		a->answered = 1;
	else if (dir == DIR_S2C && (p->flags & TH_RST) && !a->rst_no && a->nsyn) {
		a->rst_no = no;
		a->ts_last = ts;
	}
}

void att_ring_free(struct engine *e)
{
	if (e->ar)
		ft_mem_give(&e->ft, sizeof *e->ar);
	free(e->ar);
	e->ar = NULL;
}
