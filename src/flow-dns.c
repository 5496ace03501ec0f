/* flow-dns.c - the DNS lookups that led to a session (flow-dns.h): a ring
 * of recent DNS messages, and the choice of the ones a new session takes. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "engine-int.h"
#include "util-mem.h"

#define DNS_NAMES 16             /* names followed per session */
#define DNS_ROUNDS 4             /* MX/CNAME steps followed back from the address */

struct dns_ent {
	struct frame_rec fr;
	struct dns_frame df;
};

struct dns_ring {
	struct dns_ent e[DNS_RING];
	size_t head, n;              /* oldest at head */
};

struct names {
	const char *v[DNS_NAMES];
	size_t n;
};

static struct dns_ent *ring_at(struct dns_ring *r, size_t i)
{
	return &r->e[(r->head + i) % DNS_RING];
}

void dns_frame_in(struct engine *e, struct frame_rec *fr, const struct pkt *p)
{
	if (!(e->needs & ENGINE_NEED_FRAMES))
		return;
	if (!e->dr) {
		if (ft_mem_take(&e->ft, sizeof *e->dr))
			return;
		e->dr = xcalloc(1, sizeof *e->dr);
	}
	struct dns_ring *r = e->dr;
	struct dns_ent *x;
	if (r->n == DNS_RING) {
		x = ring_at(r, 0);
		r->head = (r->head + 1) % DNS_RING;
	} else
		x = ring_at(r, r->n++);
	fr->dir = DIR_OTHER;
	fr->proto = FP_DNS;
	memcpy(fr->spa, p->src, 16);
	memcpy(fr->tpa, p->dst, 16);
	x->fr = *fr;
	dns_decode(p->payload, p->cap_paylen, p->paylen, &x->df.m);
	x->df.sport = p->sport;
	x->df.dport = p->dport;
	if (x->df.m.status) {            /* the DNS layer says it more precisely */
		x->fr.status |= x->df.m.status;
		x->fr.err = x->df.m.err;
	}
}

void dns_ring_free(struct engine *e)
{
	if (e->dr)
		ft_mem_give(&e->ft, sizeof *e->dr);
	free(e->dr);
	e->dr = NULL;
}

/* ---- which messages led to a session ------------------------------------- */

static int has_name(const struct names *ns, const char *n)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcasecmp(ns->v[i], n))
			return 1;
	return 0;
}

static int add_name(struct names *ns, const char *n)
{
	if (!n[0] || !strcmp(n, ".") || has_name(ns, n) || ns->n == DNS_NAMES)
		return 0;
	ns->v[ns->n++] = n;
	return 1;
}

/* From the session's client, recent enough: a query it sent, a response
 * to it.  With `send` every address is this host's. */
static int from_client(const struct engine *e, const struct session *s, const struct dns_ent *x)
{
	if (x->fr.ts_ns + DNS_WINDOW_S * 1000000000ull < e->ft.now || !x->df.m.has_q)
		return 0;
	if (e->o.sender)
		return 1;
	const uint8_t *ip = x->df.m.qr ? x->fr.tpa : x->fr.spa;
	return x->fr.family == s->family && ft_same_ip(ip, s->cip, s->family);
}

/* A response naming the server's address: its question and aliases. */
static int gives_server(const struct session *s, const struct dns_msg *m, struct names *ns)
{
	int hit = 0;
	for (size_t i = 0; i < m->nans; i++) {
		const struct dns_rr *a = &m->an[i];
		hit |= (a->type == DNS_T_A && s->family == 4 && !memcmp(a->addr, s->sip, 4)) ||
		       (a->type == DNS_T_AAAA && s->family == 6 && !memcmp(a->addr, s->sip, 16));
	}
	if (!hit)
		return 0;
	add_name(ns, m->qname);
	for (size_t i = 0; i < m->nans; i++)
		if (m->an[i].type == DNS_T_CNAME)
			add_name(ns, m->an[i].data);
	return 1;
}

/* A response whose MX or CNAME answer names one of the names: one step
 * back along the path. */
static int names_one(const struct dns_msg *m, struct names *ns)
{
	int added = 0;
	for (size_t i = 0; i < m->nans; i++) {
		const struct dns_rr *a = &m->an[i];
		if ((a->type == DNS_T_MX || a->type == DNS_T_CNAME) && has_name(ns, a->data))
			added |= add_name(ns, m->qname) | add_name(ns, a->name);
	}
	return added;
}

static void keep(struct engine *e, struct session *s, const struct dns_ent *x)
{
	struct flow *f = s->owner;
	if (s->ndns >= SESSION_MAX_DNS || ft_mem_take(&e->ft, sizeof *s->dns)) {
		s->dns_dropped++;
		return;
	}
	f->acct += sizeof *s->dns;
	s->dns = xrealloc(s->dns, (s->ndns + 1) * sizeof *s->dns);
	s->dns[s->ndns] = x->df;
	struct frame_rec fr = x->fr;
	fr.off = s->ndns++;
	frame_push(e, s, &fr);
}

void adopt_dns(struct engine *e, struct session *s)
{
	struct dns_ring *r = e->dr;
	struct names ns = { .n = 0 };
	if (!r || !(e->needs & ENGINE_NEED_FRAMES))
		return;
	for (size_t i = 0; i < r->n; i++) {
		const struct dns_ent *x = ring_at(r, i);
		if (x->df.m.qr && from_client(e, s, x))
			gives_server(s, &x->df.m, &ns);
	}
	for (int round = 0; ns.n && round < DNS_ROUNDS; round++) {
		int added = 0;
		for (size_t i = 0; i < r->n; i++) {
			const struct dns_ent *x = ring_at(r, i);
			if (x->df.m.qr && from_client(e, s, x))
				added |= names_one(&x->df.m, &ns);
		}
		if (!added)
			break;
	}
	for (size_t i = 0; i < r->n && ns.n; i++) {
		const struct dns_ent *x = ring_at(r, i);
		if (from_client(e, s, x) && has_name(&ns, x->df.m.qname))
			keep(e, s, x);
	}
}
