/* engine.c - frames in, sessions out.
 *
 * Each frame is decoded, looked up in a flow table under a
 * direction-independent key, analysed as TCP (relative sequence numbers,
 * retransmissions, gaps, duplicate ACKs, zero windows, the close), and its
 * payload handed through reassembly to the SMTP dissector.  ARP and ND
 * frames wait in a small ring until the session whose hosts they concern
 * shows up.  A session is printed (in order of its first frame) as soon as
 * it and every session before it is over, then freed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "engine.h"
#include "session.h"

#define ARP_RING     64
#define CLOSE_GRACE_FRAMES 256          /* frames after the close before a session is final */
#define CLOSE_GRACE_NS     (2ull * 1000000000ull)

struct flow {
	uint32_t hash;
	struct flow *hnext;
	struct session s;
	struct flow *cnext;             /* closed list, in close order */
	size_t qpos;                    /* its place in engine.q */
	uint64_t close_ts;
	uint32_t close_no;
};

struct engine {
	struct engine_opts o;
	int linktype;
	struct render_ctx rc;
	uint32_t no;
	uint64_t t0;
	/* flow table */
	struct flow **tab;
	size_t nbuckets, nflows;
	/* SMTP sessions not yet printed, in index order; NULL where one was
	 * printed already (compacted when the array fills) */
	struct flow **q;
	size_t qn, qcap;
	uint32_t next_index;
	size_t nsessions;
	/* closed, waiting out the grace period */
	struct flow *chead, **ctail;
	/* ARP / ND frames not yet given to a session */
	struct frame_rec ring[ARP_RING];
	size_t ring_n;
	uint64_t nother;
	char input_error[256];
};

static const uint16_t smtp_ports[] = { 25, 465, 587, 2525 };

/* ---- flow table --------------------------------------------------------- */

static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x9e3779b1u;
	return h ^ (h >> 15);
}

static uint32_t hash_ep(const uint8_t *ip, uint16_t port, int family)
{
	uint32_t h = port, w;
	int n = family == 6 ? 16 : 4;
	for (int i = 0; i < n; i += 4) {
		memcpy(&w, ip + i, 4);
		h = mix(h, w);
	}
	return h;
}

/* Direction-independent: the two endpoint hashes are combined commutatively. */
static uint32_t flow_hash(const struct pkt *p)
{
	return hash_ep(p->src, p->sport, p->family) + hash_ep(p->dst, p->dport, p->family);
}

/* Constant sizes, so the compiler compares inline. */
static int same_ip(const uint8_t *a, const uint8_t *b, int family)
{
	return family == 6 ? !memcmp(a, b, 16) : !memcmp(a, b, 4);
}

/* 0: p goes client->server, 1: server->client, -1: not this flow */
static int flow_dir(const struct session *s, const struct pkt *p)
{
	if (s->family != p->family)
		return -1;
	if (p->sport == s->cport && p->dport == s->sport &&
	    same_ip(p->src, s->cip, p->family) && same_ip(p->dst, s->sip, p->family))
		return DIR_C2S;
	if (p->sport == s->sport && p->dport == s->cport &&
	    same_ip(p->src, s->sip, p->family) && same_ip(p->dst, s->cip, p->family))
		return DIR_S2C;
	return -1;
}

static void tab_grow(struct engine *e)
{
	size_t nb = e->nbuckets ? e->nbuckets * 2 : 1024;
	struct flow **t = calloc(nb, sizeof *t);
	if (!t)
		return;
	for (size_t i = 0; i < e->nbuckets; i++) {
		struct flow *f = e->tab[i], *n;
		for (; f; f = n) {
			n = f->hnext;
			f->hnext = t[f->hash & (nb - 1)];
			t[f->hash & (nb - 1)] = f;
		}
	}
	free(e->tab);
	e->tab = t;
	e->nbuckets = nb;
}

static struct flow *tab_find(struct engine *e, const struct pkt *p, uint32_t h, int *dir)
{
	if (!e->nbuckets)
		return NULL;
	for (struct flow *f = e->tab[h & (e->nbuckets - 1)]; f; f = f->hnext)
		if (f->hash == h && (*dir = flow_dir(&f->s, p)) >= 0)
			return f;
	return NULL;
}

static void tab_remove(struct engine *e, struct flow *f)
{
	struct flow **pp = &e->tab[f->hash & (e->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == f) {
			*pp = f->hnext;
			e->nflows--;
			return;
		}
}

static void sink_data(void *ctx, int dir, uint64_t off, const uint8_t *p, size_t n);
static void sink_gap(void *ctx, int dir, uint64_t off, uint64_t n);
static const struct stream_sink sink;

/* ---- sessions ------------------------------------------------------------ */

static int is_smtp_port(const struct engine *e, uint16_t port)
{
	if (e->o.port)
		return port == e->o.port;
	for (size_t i = 0; i < sizeof smtp_ports / sizeof smtp_ports[0]; i++)
		if (port == smtp_ports[i])
			return 1;
	return 0;
}

static int frame_push(struct session *s, const struct frame_rec *fr)
{
	if (s->nframes == s->capframes) {
		size_t cap = s->capframes ? 2 * s->capframes : 32;
		struct frame_rec *n = realloc(s->frames, cap * sizeof *n);
		if (!n)
			return -1;
		s->frames = n;
		s->capframes = cap;
	}
	s->frames[s->nframes++] = *fr;
	return 0;
}

/* Each letter once, in order of first occurrence; a bit per letter says
 * whether it is there already (every segment asks). */
static void hist(struct session *s, char c)
{
	uint64_t bit = 1ull << ((unsigned)(c - 'A') & 63);
	if (s->hseen & bit)
		return;
	s->hseen |= bit;
	if ((size_t)s->hlen + 1 < sizeof s->history)
		s->history[s->hlen++] = c;
}

static int arp_concerns(const struct frame_rec *a, const struct session *s)
{
	static const uint8_t zero[6];
	size_t n = s->family == 6 ? 16 : 4;
	if (a->family != s->family)
		return 0;
	if (!memcmp(a->spa, s->cip, n) || !memcmp(a->tpa, s->cip, n) ||
	    !memcmp(a->spa, s->sip, n) || !memcmp(a->tpa, s->sip, n))
		return 1;
	/* the gateway: its MAC is the one the session's frames go to */
	return s->has_mac && memcmp(s->smac, zero, 6) &&
	       (!memcmp(a->sha, s->smac, 6) || !memcmp(a->sha, s->cmac, 6));
}

/* Give the session the ARP/ND frames in the ring that concern it. */
static void adopt_arp(struct engine *e, struct session *s)
{
	size_t keep = 0;
	for (size_t i = 0; i < e->ring_n; i++) {
		if (arp_concerns(&e->ring[i], s)) {
			if (e->o.format != FMT_SUMMARY)
				frame_push(s, &e->ring[i]);
		} else
			e->ring[keep++] = e->ring[i];
	}
	e->ring_n = keep;
}

static void became_smtp(struct engine *e, struct flow *f)
{
	struct session *s = &f->s;
	s->is_smtp = 1;
	s->index = ++e->next_index;
	smtp_new(s, e->o.show_secrets);
	if (e->qn == e->qcap) {
		size_t live = 0;
		for (size_t i = 0; i < e->qn; i++)
			if (e->q[i]) {
				e->q[i]->qpos = live;
				e->q[live++] = e->q[i];
			}
		e->qn = live;
		if (live == 0 ? e->qcap == 0 : live > e->qcap / 2) {
			size_t cap = e->qcap ? 2 * e->qcap : 64;
			struct flow **n = realloc(e->q, cap * sizeof *n);
			if (!n)
				return;
			e->q = n;
			e->qcap = cap;
		}
	}
	f->qpos = e->qn;
	e->q[e->qn++] = f;
}

static struct flow *flow_new(struct engine *e, const struct pkt *p, uint32_t h, int *dir)
{
	struct flow *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	struct session *s = &f->s;
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
	size_t n = p->family == 6 ? 16 : 4;
	s->family = p->family;
	memcpy(s->cip, client_is_src ? p->src : p->dst, n);
	memcpy(s->sip, client_is_src ? p->dst : p->src, n);
	s->cport = client_is_src ? p->sport : p->dport;
	s->sport = client_is_src ? p->dport : p->sport;
	if (p->has_mac) {
		s->has_mac = 1;
		memcpy(s->cmac, client_is_src ? p->mac_src : p->mac_dst, 6);
		memcpy(s->smac, client_is_src ? p->mac_dst : p->mac_src, 6);
	}
	s->first_closer = -1;
	s->owner = f;
	s->eng = e;
	tcp_track_init(s->d, &sink, s);
	f->hash = h;
	*dir = client_is_src ? DIR_C2S : DIR_S2C;
	if ((size_t)e->nflows >= e->nbuckets)
		tab_grow(e);
	if (!e->nbuckets) {
		free(f);
		return NULL;
	}
	f->hnext = e->tab[h & (e->nbuckets - 1)];
	e->tab[h & (e->nbuckets - 1)] = f;
	e->nflows++;
	if (is_smtp_port(e, s->sport)) {
		s->tls_implicit = s->sport == 465 && !e->o.port;
		became_smtp(e, f);
		adopt_arp(e, s);
	}
	return f;
}

static void session_free(struct session *s)
{
	tcp_track_free(s->d);
	smtp_free(s);
	for (size_t i = 0; i < s->nex; i++) {
		struct exchange *x = &s->ex[i];
		free(x->line);
		free(x->reply_text);
		free(x->req_frames);
		free(x->rep_frames);
		if (x->bi) {
			free(x->bi->from); free(x->bi->to); free(x->bi->subject);
			free(x->bi->msgid); free(x->bi->date);
			free(x->bi);
		}
	}
	free(s->ex);
	free(s->frames);
}

/* ---- reassembly sink: decide SMTP on the first bytes, then dissect ------- */

static void sink_data(void *ctx, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	struct session *s = ctx;
	if (s->is_smtp == 0) {
		int r = smtp_looks_like(dir, p, n);
		if (r < 0)
			return;
		if (r == 0) {
			s->is_smtp = -1;
			free(s->frames);
			s->frames = NULL;
			s->nframes = s->capframes = 0;
			return;
		}
		became_smtp(s->eng, s->owner);
		adopt_arp(s->eng, s);
	}
	if (s->is_smtp == 1)
		smtp_data(s, dir, off, p, n);
}

static void sink_gap(void *ctx, int dir, uint64_t off, uint64_t n)
{
	struct session *s = ctx;
	if (s->is_smtp == 1)
		smtp_gap(s, dir, off, n);
}

static const struct stream_sink sink = { sink_data, sink_gap };

/* ---- finishing and printing ---------------------------------------------- */

static void finalize(struct engine *e, struct flow *f)
{
	struct session *s = &f->s;
	(void)e;
	tcp_track_flush(s->d);
	smtp_end(s);
	s->done = 1;
	s->history[s->hlen] = '\0';
}

/* Print a finished session and free it.  Sessions are printed as they
 * end, so memory holds only the open ones; `index` still numbers them by
 * their first frame. */
static void emit(struct engine *e, struct flow *f)
{
	e->q[f->qpos] = NULL;
	if (!e->o.session || (uint32_t)e->o.session == f->s.index)
		render_session(&e->rc, &f->s);
	e->nsessions++;
	session_free(&f->s);
	free(f);
}

/* Take the flow out of the table; print it when its turn comes. */
static void retire(struct engine *e, struct flow *f)
{
	tab_remove(e, f);
	if (f->s.is_smtp == 1) {
		finalize(e, f);
		emit(e, f);
	} else {
		session_free(&f->s);
		free(f);
	}
}

static void closed_push(struct engine *e, struct flow *f)
{
	f->close_ts = f->s.last_ts;
	f->close_no = e->no;
	f->cnext = NULL;
	*e->ctail = f;
	e->ctail = &f->cnext;
}

static void closed_expire(struct engine *e, uint64_t now, int all)
{
	while (e->chead && (all || e->no - e->chead->close_no > CLOSE_GRACE_FRAMES ||
	                    now - e->chead->close_ts > CLOSE_GRACE_NS)) {
		struct flow *f = e->chead;
		e->chead = f->cnext;
		if (!e->chead)
			e->ctail = &e->chead;
		retire(e, f);
	}
}

static void closed_unlink(struct engine *e, struct flow *f)
{
	struct flow **pp = &e->chead, *prev = NULL;
	for (; *pp; prev = *pp, pp = &(*pp)->cnext)
		if (*pp == f) {
			*pp = f->cnext;
			if (e->ctail == &f->cnext)
				e->ctail = prev ? &prev->cnext : &e->chead;
			return;
		}
}

/* ---- TCP ----------------------------------------------------------------- */

static void tcp_frame(struct flow *f, int dir, const struct pkt *p, struct frame_rec *fr)
{
	struct session *s = &f->s;
	struct tcp_verdict v;
	tcp_track(s->d, dir, p, fr->ts_ns, fr->no, fr->wirelen, &v);
	fr->off = v.off;
	fr->win = v.win;
	fr->ta = v.ta;
	for (const char *c = v.hist; *c; c++)
		hist(s, *c);
	if (v.first_fin && s->first_closer < 0)
		s->first_closer = dir;
	if (v.closes && !s->closed) {
		s->closed = 1;
		s->close_frame = fr->no;
	}
}

/* ---- frames ------------------------------------------------------------ */

static void fill_frame(struct frame_rec *fr, uint32_t no, uint64_t ts, uint32_t wirelen,
                       const struct pkt *p)
{
	memset(fr, 0, sizeof *fr);
	fr->no = no;
	fr->ts_ns = ts;
	fr->wirelen = wirelen;
	fr->status = p->status;
	fr->err = p->err;
	fr->family = (uint8_t)p->family;
}

static void arp_frame(struct engine *e, struct frame_rec *fr, const struct pkt *p)
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
	for (size_t i = 0; i < e->qn; i++) {
		struct session *s = e->q[i] ? &e->q[i]->s : NULL;
		if (s && !s->done && !s->closed && arp_concerns(fr, s)) {
			if (e->o.format != FMT_SUMMARY)
				frame_push(s, fr);
			return;
		}
	}
	if (e->ring_n == ARP_RING) {
		memmove(e->ring, e->ring + 1, (ARP_RING - 1) * sizeof *e->ring);
		e->ring_n--;
	}
	e->ring[e->ring_n++] = *fr;
}

void engine_frame(struct engine *e, uint64_t ts, const uint8_t *data,
                  uint32_t caplen, uint32_t wirelen)
{
	struct pkt p;
	struct frame_rec fr;
	uint32_t no = ++e->no;
	if (no == 1)
		e->t0 = e->rc.t0 = ts;

	decode_frame(e->linktype, data, caplen, wirelen, &p);
	if ((no & 255) == 0)
		closed_expire(e, ts, 0);
	if (p.kind == PK_ARP || p.kind == PK_ND) {
		fill_frame(&fr, no, ts, wirelen, &p);
		arp_frame(e, &fr, &p);
		return;
	}
	if (p.kind != PK_TCP) {
		e->nother++;
		return;
	}

	uint32_t h = flow_hash(&p);
	int dir = -1;
	struct flow *f = tab_find(e, &p, h, &dir);
	if (f && f->s.closed && (p.flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		/* the port pair is used again by a new connection */
		closed_unlink(e, f);
		retire(e, f);
		f = NULL;
	}
	if (!f && !(f = flow_new(e, &p, h, &dir)))
		return;
	struct session *s = &f->s;
	if (s->is_smtp < 0) {
		if ((p.flags & TH_RST) || ((p.flags & TH_FIN) && s->d[!dir].fin)) {
			if (s->closed)          /* waiting out its grace period */
				closed_unlink(e, f);
			retire(e, f);
		} else if (p.flags & TH_FIN)
			s->d[dir].fin = 1;
		return;
	}
	fill_frame(&fr, no, ts, wirelen, &p);
	fr.dir = (uint8_t)dir;
	fr.proto = FP_TCP;
	fr.flags = p.flags;
	fr.seq = p.seq;
	fr.ack = p.ack;
	fr.len = p.paylen;
	fr.mss = p.mss;
	fr.wscale = p.wscale;
	fr.sack_ok = p.sack_ok;
	if (p.cap_paylen)
		fr.tls_type = p.payload[0];
	if (!s->first_ts)
		s->first_ts = ts;
	s->last_ts = ts;

	int was_closed = s->closed;
	tcp_frame(f, dir, &p, &fr);
	if (s->is_smtp >= 0 && e->o.format != FMT_SUMMARY)
		frame_push(s, &fr);
	if (s->closed && !was_closed)
		closed_push(e, f);
}

/* ---- lifecycle ------------------------------------------------------------ */

struct engine *engine_new(const struct engine_opts *o, int linktype)
{
	struct engine *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->o = *o;
	if (!e->o.out)
		e->o.out = stdout;
	e->linktype = linktype;
	e->ctail = &e->chead;
	e->rc.o = &e->o;
	e->rc.linktype = linktype;
	render_begin(&e->rc);
	return e;
}

void engine_input_error(struct engine *e, const char *what)
{
	snprintf(e->input_error, sizeof e->input_error, "%s", what);
}

size_t engine_finish(struct engine *e)
{
	closed_expire(e, 0, 1);
	/* what is still open ends with the input */
	for (size_t i = 0; i < e->nbuckets; i++) {
		struct flow *f, *n;
		for (f = e->tab[i]; f; f = n) {
			n = f->hnext;
			if (f->s.is_smtp == 1) {
				f->s.cut_short = !f->s.closed;
				finalize(e, f);
			} else {
				session_free(&f->s);
				free(f);
			}
		}
		e->tab[i] = NULL;
	}
	e->nflows = 0;
	/* the ones the input cut off, in the order they began */
	for (size_t i = 0; i < e->qn; i++)
		if (e->q[i])
			emit(e, e->q[i]);
	e->qn = 0;
	render_end(&e->rc, e->nsessions, e->no, e->nother,
	           e->input_error[0] ? e->input_error : NULL);
	return e->nsessions;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->qn; i++) {
		if (!e->q[i])
			continue;
		session_free(&e->q[i]->s);
		free(e->q[i]);
	}
	free(e->q);
	free(e->tab);
	free(e);
}
