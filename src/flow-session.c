/* flow-session.c - sessions: made when a flow is seen to be SMTP, freed
 * when printed; their frame records (capped, within the memory budget);
 * ARP/ND frames given to the session they concern. */
#include <stdlib.h>
#include <string.h>
#include "engine-int.h"
#include "util-mem.h"

static const uint16_t smtp_ports[] = { 25, 465, 587, 2525 };

/* ---- sessions ------------------------------------------------------------ */

int is_smtp_port(const struct engine *e, uint16_t port)
{
	if (e->o.port)
		return port == e->o.port;
	for (size_t i = 0; i < sizeof smtp_ports / sizeof smtp_ports[0]; i++)
		if (port == smtp_ports[i])
			return 1;
	return 0;
}

/* Keep a frame record, within the session's cap and the budget; what does
 * not fit is counted. */
void frame_push(struct engine *e, struct session *s, const struct frame_rec *fr)
{
	struct flow *f = s->owner;
	if (s->nframes == s->capframes) {
		size_t cap = s->capframes ? 2 * s->capframes : 8;
		uint64_t more = (uint64_t)(cap - s->capframes) * sizeof *fr;
		if (s->capframes >= SESSION_MAX_FRAMES || ft_mem_take(&e->ft, more)) {
			s->frames_dropped++;
			e->ft.st.records_dropped++;
			return;
		}
		f->acct += more;
		s->frames = xrealloc(s->frames, cap * sizeof *fr);
		s->capframes = cap;
	}
	s->frames[s->nframes++] = *fr;
}

/* Give the session the ARP/ND frames in the ring that concern it. */
void adopt_arp(struct engine *e, struct session *s)
{
	size_t keep = 0;
	for (size_t i = 0; i < e->ring_n; i++) {
		if (arp_concerns(&e->ring[i], s)) {
			if (e->needs & ENGINE_NEED_FRAMES)
				frame_push(e, s, &e->ring[i]);
		} else
			e->ring[keep++] = e->ring[i];
	}
	e->ring_n = keep;
}

void became_smtp(struct engine *e, struct flow *f)
{
	struct session *s = &f->s;
	s->is_smtp = 1;
	s->index = ++e->next_index;
	smtp_open(s, &e->app_o);      /* allocation failure is exit 70 (util-mem.h) */
	if (e->qn == e->qcap) {
		size_t live = 0;
		for (size_t i = 0; i < e->qn; i++)
			if (e->q[i]) {
				e->q[i]->qpos = live;
				e->q[live++] = e->q[i];
			}
		e->qn = live;
		if (live == 0 ? e->qcap == 0 : live > e->qcap / 2) {
			e->qcap = e->qcap ? 2 * e->qcap : 64;
			e->q = xrealloc(e->q, e->qcap * sizeof *e->q);
		}
	}
	f->qpos = e->qn;
	e->q[e->qn++] = f;
	if (!s->closed) {               /* closed: no more ARP/ND frames for it */
		arpx_add(&e->ax, &f->al, s);
		f->indexed = 1;
	}
	adopt_dns(e, s);
	att_begin(e, f);
}

/* No more ARP/ND frames for it: closed, finished or freed. */
void unindex(struct engine *e, struct flow *f)
{
	if (f->indexed)
		arpx_del(&e->ax, &f->al);
	f->indexed = 0;
}

/* The full session of a flow, once it is seen to be SMTP or carries
 * payload; NULL when the memory budget has no room for it. */
struct flow *session_new(struct engine *e, struct fent *fe)
{
	uint64_t need = sizeof(struct flow) + DISSECTOR_EST;
	if (ft_mem_take(&e->ft, need))
		return NULL;
	struct flow *f = xcalloc(1, sizeof *f);
	struct session *s = &f->s;
	f->acct = need;
	s->family = fe->family;
	memcpy(s->cip, fe->cip, sizeof s->cip);
	memcpy(s->sip, fe->sip, sizeof s->sip);
	s->cport = fe->cport;
	s->sport = fe->sport;
	s->has_mac = fe->has_mac;
	memcpy(s->cmac, fe->cmac, 6);
	memcpy(s->smac, fe->smac, 6);
	s->first_closer = -1;
	s->owner = f;
	s->eng = e;
	tcp_track_init(s->d, &engine_stream_sink, s);
	f->fe = fe;
	fe->fl = f;
	fe->state = FE_SESSION;
	if (++e->ft.st.open_sessions > e->ft.st.peak_sessions)
		e->ft.st.peak_sessions = e->ft.st.open_sessions;
	if (is_smtp_port(e, s->sport)) {
		s->tls_implicit = (s->sport == 465 && !e->o.port) ||
		                   (e->o.implicit_tls && s->sport == e->o.port);
		became_smtp(e, f);
		adopt_arp(e, s);
	}
	return f;
}

void session_free(struct session *s)
{
	tcp_track_free(s->d);
	smtp_free(s);
	smtp_exchanges_free(s);
	free(s->frames);
	free(s->dns);
	free(s->att);
}

int session_mem_take(struct session *s, uint64_t n)
{
	struct flow *f = s->owner;
	struct engine *e = s->eng;
	if (!f || !e)
		return 0;
	if (ft_mem_take(&e->ft, n))
		return -1;
	f->acct += n;
	return 0;
}

void session_mem_give(struct session *s, uint64_t n)
{
	struct flow *f = s->owner;
	struct engine *e = s->eng;
	if (!f || !e)
		return;
	if (n > f->acct)                /* already given back with the session */
		n = f->acct;
	ft_mem_give(&e->ft, n);
	f->acct -= n;
}

/* The session leaves the budget (it is printed or freed next). */
void session_unaccount(struct engine *e, struct flow *f)
{
	unindex(e, f);
	ft_mem_give(&e->ft, f->acct);
	f->acct = 0;
	e->ft.st.open_sessions--;
}
void arp_frame(struct engine *e, struct frame_rec *fr, const struct pkt *p)
{
	fr->dir = DIR_OTHER;
	if (p->kind == PK_ARP) {
		fr->proto = FP_ARP;
		fr->family = 4;
		fr->arp_op = (uint8_t)p->arp_op;
		memcpy(fr->sha, p->arp_sha, 6);
		memcpy(fr->tha, p->arp_tha, 6);
		memcpy(fr->spa, p->arp_spa, 4);
		memcpy(fr->tpa, p->arp_tpa, 4);
	} else {
		fr->proto = FP_ND;
		fr->family = 6;
		fr->arp_op = p->nd_type;
		memcpy(fr->spa, p->src, 16);
		memcpy(fr->tpa, p->nd_target, 16);
		if (p->nd_has_lladdr)
			memcpy(fr->sha, p->nd_lladdr, 6);
		else if (p->has_mac)
			memcpy(fr->sha, p->mac_src, 6);
	}
	/* an ARP frame during an open session goes to that session directly */
	struct session *s = arpx_find(&e->ax, fr);
	if (s) {
		if (e->needs & ENGINE_NEED_FRAMES)
			frame_push(e, s, fr);
		return;
	}
	if (e->ring_n == ARP_RING) {
		memmove(e->ring, e->ring + 1, (ARP_RING - 1) * sizeof *e->ring);
		e->ring_n--;
	}
	e->ring[e->ring_n++] = *fr;
}

/* A new flow: a record, and a session at once if its port is SMTP's. */
struct fent *flow_new(struct engine *e, const struct pkt *p, uint32_t h, int *dir)
{
	int client_is_src;
	if ((p->flags & (TH_SYN | TH_ACK)) == TH_SYN)
		client_is_src = 1;
	else if ((p->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
		client_is_src = 0;
	else if (is_smtp_port(e, p->dport))
		client_is_src = 1;
	else if (is_smtp_port(e, p->sport))
		client_is_src = 0;
	else
		client_is_src = p->sport > p->dport;
	struct fent *fe = ft_insert(&e->ft, p, h, client_is_src);
	if (!fe)
		return NULL;
	*dir = client_is_src ? DIR_C2S : DIR_S2C;
	if (is_smtp_port(e, fe->sport) && !session_new(e, fe)) {
		ft_remove(&e->ft, fe);
		return NULL;
	}
	return fe;
}

