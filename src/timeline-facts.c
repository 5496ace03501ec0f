/* timeline-facts.c - the session facts of a timeline: handshake and its
 * RTTs, server times, the gateway behind the server MAC, why there is no
 * ARP, and the sender check. */
#include <stdio.h>
#include <string.h>
#include "decode.h"
#include "engine.h"
#include "timeline.h"
#include "util-addr.h"


static void handshake_facts(struct timeline *t)
{
	const struct session *s = t->s;
	const struct frame_rec *h1 = t->hsf[0], *h2 = t->hsf[1], *h3 = t->hsf[2];
	if (h1 && h2) {
		t->handshake = TLH_OK;
		t->has_synack = 1;
		t->synack_ns = h2->ts_ns - h1->ts_ns;
	} else if (h1 && s->d[DIR_S2C].rst)
		t->handshake = TLH_REFUSED;
	else if (h1 && !s->d[DIR_S2C].seen)
		t->handshake = TLH_ONE_WAY;
	else if (h1)
		t->handshake = TLH_NO_SYNACK;
	else
		t->handshake = TLH_NOT_CAPTURED;
	if (h1 && h3) {
		t->has_irtt = 1;
		t->irtt_ns = h3->ts_ns - h1->ts_ns;
	}
}

/* server time: the request's last segment to the reply's first */
static void response_times(struct timeline *t)
{
	for (size_t i = 0; i < t->s->nex; i++) {
		struct tl_exchange *x = &t->ex[i];
		if (!x->nreq || !x->nrep)
			continue;
		const struct frame_rec *a = tl_find(t, x->req[x->nreq - 1]);
		const struct frame_rec *b = tl_find(t, x->rep[0]);
		if (!a || !b || b->ts_ns < a->ts_ns)
			continue;
		x->resp_ns = b->ts_ns - a->ts_ns;
		x->has_resp = 1;
	}
}

/* Behind a router the server side MAC is the gateway's: the ARP says;
 * and when there is no ARP at all, why. */
static void link_facts(struct timeline *t, const struct sender_info *si)
{
	const struct session *s = t->s;
	int arp = 0;
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		arp |= f->proto == FP_ARP || f->proto == FP_ND;
		if (s->has_mac && f->proto == FP_ARP && f->arp_op == 2 && !memcmp(f->sha, s->smac, 6) &&
		    memcmp(f->spa, s->sip, 4))
			t->gw_arp = f;
	}
	t->nexthop = si ? si->nexthop : NULL;
	if (t->gw_arp)
		addr_ip(4, t->gw_arp->spa, t->gateway, sizeof t->gateway);
	else if (si && si->via_gateway && si->nexthop && !si->loopback)   /* a cached neighbour: no ARP */
		snprintf(t->gateway, sizeof t->gateway, "%s", si->nexthop);
	if (arp)
		t->noarp = TLA_HAVE_ARP;
	else if (si && si->loopback)
		t->noarp = TLA_LOOPBACK;
	else if (si && si->neigh_cached)
		t->noarp = TLA_CACHED;
	else if (si)
		t->noarp = TLA_NOT_CAPTURED;
	else
		t->noarp = TLA_UNKNOWN;
}

/* How many of the sender's writes match a dissected request byte for byte. */
static void sender_check(struct timeline *t, const struct sender_info *si)
{
	const struct session *s = t->s;
	if (!si || !si->nsent)
		return;
	t->sender_writes = si->nsent;
	for (size_t i = 0; i < si->nsent; i++) {
		const struct sent_rec *w = &si->sent[i];
		for (size_t j = 0; j < s->nex; j++) {
			const struct exchange *x = &s->ex[j];
			if (x->req_off == w->off && x->req_end == w->end &&
			    (w->is_body ? x->kind == EXK_BODY : !strcmp(x->verb, w->verb) || x->kind == EXK_AUTH)) {
				t->sender_matched++;
				break;
			}
		}
	}
}

void tl_facts(struct timeline *t, const struct sender_info *si)
{
	/* the sender's facts are about the connection that carried the
	 * dialogue, not its failed attempts (flow-attempt.h) */
	if (si && si->local_port && t->s->cport != si->local_port)
		si = NULL;
	handshake_facts(t);
	response_times(t);
	link_facts(t, si);
	sender_check(t, si);
	tl_timing(t);
	tl_judge(t);
	tl_icmp_facts(t);
}
