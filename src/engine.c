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
	s->d[0].wscale = s->d[1].wscale = -1;
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
	reasm_free(s);
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

/* ---- reassembly sink: decide SMTP on the first bytes, then dispatch ------ */

/* Decide on the first bytes of a side, joined with the ones that could not
 * decide yet ("22" | "0 mx..."). */
static int sink_detect(struct session *s, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	uint8_t buf[16];
	size_t k = s->nprobe[dir], add = n < sizeof buf - k ? n : sizeof buf - k;
	memcpy(buf, s->probe[dir], k);
	memcpy(buf + k, p, add);
	int r = app_smtp.detect(dir, buf, k + add);
	if (r < 0 && k + n < sizeof s->probe[dir]) {
		if (!k)
			s->probe_off[dir] = off;
		memcpy(s->probe[dir] + k, p, n);
		s->nprobe[dir] = (uint8_t)(k + n);
	}
	return r;
}

/* Bytes go to the session's application parsers (app.h): SMTP, which hands
 * the rest of each direction to the TLS record parser at STARTTLS. */
static void sink_data(struct session *s, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	if (s->is_smtp == 0) {
		int r = sink_detect(s, dir, off, p, n);
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
		for (int d = 0; d < 2; d++)    /* the bytes that could not decide */
			if (s->nprobe[d] && (d != dir || s->probe_off[d] < off))
				app_data(&s->app, d, s->probe_off[d], s->probe[d], s->nprobe[d]);
	}
	if (s->is_smtp == 1)
		app_data(&s->app, dir, off, p, n);
}

static void sink_gap(struct session *s, int dir, uint64_t off, uint64_t n)
{
	if (s->is_smtp == 1)
		app_gap(&s->app, dir, off, n);
}

static const struct reasm_sink sink = { sink_data, sink_gap };

/* ---- finishing and printing ---------------------------------------------- */

static void finalize(struct engine *e, struct flow *f)
{
	struct session *s = &f->s;
	(void)e;
	for (int dir = 0; dir < 2; dir++)
		reasm_flush(s, dir, &sink);
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

/* The 64-bit stream offset of `seq`, the one closest to what we expect. */
static uint64_t unwrap(const struct dirstate *d, uint32_t seq)
{
	uint32_t rel = seq - (d->isn + 1);
	uint64_t ref = d->next;
	uint64_t cand = (ref & ~0xffffffffull) | rel;
	if (cand + 0x80000000ull < ref)
		cand += 1ull << 32;
	else if (cand > ref + 0x80000000ull && cand >= (1ull << 32))
		cand -= 1ull << 32;
	return cand;
}

static void tcp_frame(struct flow *f, int dir, const struct pkt *p,
                      struct frame_rec *fr)
{
	struct session *s = &f->s;
	struct dirstate *d = &s->d[dir], *peer = &s->d[!dir];
	int syn = p->flags & TH_SYN, fin = p->flags & TH_FIN, rst = p->flags & TH_RST;
	int ack = p->flags & TH_ACK;
	unsigned ta = 0;
	const char up = dir == DIR_C2S;

	if (syn) {
		if (d->syn && p->seq != d->isn)
			ta |= TA_PORTREUSE;
		else if (d->syn)
			ta |= TA_RETRANS;
		d->syn = 1;
		d->isn = p->seq;
		d->mss = p->mss;
		d->wscale = p->wscale;
		hist(s, ack ? (up ? 'H' : 'h') : (up ? 'S' : 's'));
	} else if (!d->seen) {
		d->isn = p->seq - 1;            /* no SYN: the first byte seen is byte 0 */
	}
	d->seen = 1;
	d->frames++;
	d->bytes += fr->wirelen;
	d->paybytes += p->paylen;

	uint64_t off = syn ? 0 : unwrap(d, p->seq);
	fr->off = off;
	/* window: scaled once both sides offered scaling */
	uint32_t win = p->win;
	if (!syn && d->wscale >= 0 && peer->wscale >= 0)
		win <<= d->wscale > 14 ? 14 : d->wscale;
	fr->win = win;
	if (!syn && !rst && p->win == 0) {
		ta |= TA_ZEROWIN;
		d->zerowin++;
		hist(s, up ? 'W' : 'w');
	}
	if (peer->mss && p->paylen > peer->mss) {
		ta |= TA_OVERMSS;
		d->overmss++;
	}
	/* a pure ACK answering the peer's keep-alive is not a duplicate ACK */
	if (ack && !syn && !fin && !rst && p->paylen == 0 && peer->ka_pending) {
		ta |= TA_KAACK;
		peer->ka_pending = 0;
	} else if (ack && !syn && !fin && !rst && p->paylen == 0 && d->ack_valid &&
	    p->ack == d->last_ack && p->win == d->last_win && peer->seen &&
	    peer->next > 0 && off == d->next) {
		ta |= TA_DUPACK;
		d->dupacks++;
	}

	/* the ACK first: bytes of the peer it acknowledges and we never saw
	 * become a gap before this frame's own payload is dissected */
	uint64_t acked = ack && peer->seen ? unwrap(peer, p->ack) : 0;
	if (ack && peer->seen) {
		if (!peer->acked_valid || acked > peer->acked) {
			peer->acked = acked;
			peer->acked_valid = 1;
		}
		reasm_acked(s, !dir, acked, &sink);
	}
	if (p->paylen) {
		ta |= reasm_segment(s, dir, off, p->paylen, p->payload, p->cap_paylen, &sink);
		if (ta & TA_RETRANS) { d->retrans++; hist(s, up ? 'T' : 't'); }
		if (ta & TA_OOO) d->ooo++;
		if (ta & TA_KEEPALIVE) { d->keepalive++; d->ka_pending = 1; }
		if (ta & TA_GAP) hist(s, up ? 'G' : 'g');
		hist(s, up ? 'D' : 'd');
	} else if (ack && !syn && !fin && !rst) {
		if (off + 1 == d->next && d->next > 0 && !(ta & (TA_DUPACK | TA_KAACK))) {
			ta |= TA_KEEPALIVE;
			d->keepalive++;
			d->ka_pending = 1;
		}
		hist(s, up ? 'A' : 'a');
	}
	if (ack && peer->seen) {
		d->last_ack = p->ack;
		d->last_win = p->win;
		d->ack_valid = 1;
	}
	if (fin && !d->fin) {
		d->fin = 1;
		d->fin_off = off + p->paylen;
		d->fin_frame = fr->no;
		if (s->first_closer < 0)
			s->first_closer = dir;
		hist(s, up ? 'F' : 'f');
	}
	if (rst) {
		d->rst = 1;
		hist(s, up ? 'R' : 'r');
		if (!s->closed) {
			s->closed = 1;
			s->close_frame = fr->no;
		}
	}
	/* the close is complete when the second FIN is acknowledged */
	if (!s->closed && d->fin && peer->fin && ack && !fin) {
		if (acked >= peer->fin_off + 1) {             /* peer->fin: seen */
			s->closed = 1;
			s->close_frame = fr->no;
		}
	}
	fr->ta = (uint16_t)ta;
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
