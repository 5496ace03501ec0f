/* tcp-track.c - the TCP state machine (tcp-track.h).
 *
 * What a segment is, decided from what the capture offers: whether its
 * bytes were sent before (sequence space), which of two sends came first
 * (the IPv4 ID: Linux gives each packet a new one, so a resend has a newer
 * ID, a late first transmission an older one, and a network duplicate the
 * same), what the peer's ACKs say (duplicate ACKs before a fast
 * retransmission, bytes acknowledged that were never captured), timing
 * against the handshake's RTT when there is no usable ID, and the TCP
 * checksum where it can be trusted (a side that never sent a good one may
 * be offloading it on the capturing host). */
#include <string.h>
#include "tcp-track.h"

static const char *const ta_names[TA_NBITS] = {
	"retransmission", "out_of_order", "lost_segment", "duplicate_ack",
	"zero_window", "keep_alive", "over_mss", "port_reuse", "truncated",
	"fast_retransmission", "keep_alive_ack", "spurious_retransmission",
	"duplicate", "bad_checksum", "zero_window_probe", "window_update",
	"window_full",
};

const char *tcp_analysis_name(unsigned bit)
{
	for (unsigned i = 0; i < TA_NBITS; i++)
		if (bit == 1u << i)
			return ta_names[i];
	return NULL;
}

uint64_t tcp_unwrap(uint32_t isn, uint64_t ref, uint32_t seq)
{
	uint32_t rel = seq - (isn + 1);
	uint64_t cand = (ref & ~0xffffffffull) | rel;
	if (cand + 0x80000000ull < ref)
		cand += 1ull << 32;
	else if (cand > ref + 0x80000000ull && cand >= (1ull << 32))
		cand -= 1ull << 32;
	return cand;
}

void tcp_track_init(struct dirstate d[2], const struct stream_sink *k, void *ctx)
{
	for (int i = 0; i < 2; i++) {
		memset(&d[i], 0, sizeof d[i]);
		d[i].wscale = -1;
		d[i].csum = k != NULL;
		stream_init(&d[i].st, i, k, ctx);
	}
}

/* A capture that starts mid-stream makes offset 0 the first byte seen: a
 * sequence number just below it is from before the capture, not 4 GB on. */
static int before_start(const struct dirstate *d, uint32_t seq)
{
	return !d->syn && d->max_end < 0x80000000ull && (int32_t)(seq - (d->isn + 1)) < 0;
}

static void hist(struct tcp_verdict *v, int up, char c)
{
	size_t n = strlen(v->hist);
	if (n + 1 < sizeof v->hist)
		v->hist[n] = up ? c : (char)(c + ('a' - 'A'));
}

/* -1: sent before the newest packet seen from this side, 1: after, 0: can't tell */
static int id_order(const struct dirstate *d, const struct pkt *p)
{
	if (p->family != 4 || !d->id_ok)
		return 0;
	int16_t diff = (int16_t)(p->ip_id - d->max_id);
	return diff < 0 ? -1 : diff > 0;
}

static void id_note(struct dirstate *d, const struct pkt *p, uint64_t off)
{
	if (p->family == 4) {
		if (d->id_seen && p->ip_id != d->max_id)
			d->id_ok = 1;
		if (!d->id_seen || (int16_t)(p->ip_id - d->max_id) > 0)
			d->max_id = p->ip_id;
		d->id_seen = 1;
	}
	struct tcp_recent *r = &d->recent[d->recent_pos++ % TCP_RECENT];
	r->off = off;
	r->len = p->paylen;
	r->ip_id = p->ip_id;
	r->flags = p->flags;
	r->used = 1;
}

/* The same packet again (same IP ID, same place): the network duplicated it. */
static int net_dup(const struct dirstate *d, const struct pkt *p, uint64_t off)
{
	if (p->family != 4 || !d->id_seen || (!d->id_ok && !p->ip_id) ||
	    (d->id_ok && (int16_t)(p->ip_id - d->max_id) > 0))
		return 0;               /* a newer ID: a new packet (the common case) */
	for (int i = 0; i < TCP_RECENT; i++) {
		const struct tcp_recent *r = &d->recent[i];
		if (r->used && r->ip_id == p->ip_id && r->off == off && r->len == p->paylen &&
		    r->flags == p->flags)
			return 1;
	}
	return 0;
}

static void handshake(struct dirstate *D, int dir, const struct pkt *p, uint64_t ts,
                      uint32_t no, struct tcp_verdict *v)
{
	struct dirstate *d = &D[dir], *peer = &D[!dir];
	if (d->syn && p->seq != d->isn)
		v->ta |= TA_PORTREUSE;
	else if (d->syn)
		v->ta |= TA_RETRANS;
	d->syn = 1;
	d->isn = p->seq;
	d->mss = p->mss;
	d->wscale = p->wscale;
	if (!(p->flags & TH_ACK) && !peer->syn) {    /* the SYN a SYN/ACK will answer */
		d->syn_ts = ts;
		d->syn_frame = no;
	}
	hist(v, dir == 0, (p->flags & TH_ACK) ? 'H' : 'S');
}

/* Had a packet sent before this one (older IP ID) reached beyond off? */
static int sent_before(const struct dirstate *d, const struct pkt *p, uint64_t off)
{
	for (int i = 0; i < TCP_MARKS; i++)
		if (d->mark[i].used && (int16_t)(d->mark[i].ip_id - p->ip_id) < 0 &&
		    d->mark[i].end > off)
			return 1;
	return 0;
}

/* A segment that takes sequence space (payload or FIN) and is not a SYN. */
static unsigned classify_seq(struct dirstate *d, const struct dirstate *peer,
                             const struct pkt *p, uint64_t off, uint64_t ts)
{
	int fin = !!(p->flags & TH_FIN);
	uint64_t end = off + p->paylen, hi = d->max_end + d->fin;
	if (off >= hi && off < d->bad_end)
		return TA_RETRANS;              /* its first copy arrived with a bad checksum */
	if (off >= hi) {
		unsigned ta = off > d->max_end && d->seen > 1 && !d->fin && off > d->bad_end ? TA_GAP : 0;
		if (p->paylen == 1 && peer->ack_valid && peer->win_scaled == 0 && off == hi)
			ta |= TA_ZWPROBE;
		else if (p->paylen && d->acked_valid && peer->ack_valid &&
		         end == d->acked + peer->win_scaled)
			ta |= TA_WINFULL;
		return ta;
	}
	if (!fin && p->paylen <= 1 && off + 1 == d->max_end)
		return TA_KEEPALIVE;
	int ord = id_order(d, p);
	int resend;
	if (ord)    /* an older ID: a late first transmission, unless an even older packet had these bytes */
		resend = ord > 0 || sent_before(d, p, off);
	else if (off < d->st.next || stream_seen(&d->st, off, end) == 2 || (fin && d->fin))
		resend = 1;
	else    /* fills a hole: a resend if the peer asked for it or an RTT has passed */
		resend = peer->dupack_run > 0 ||
		         (d->irtt_ns && ts - d->max_end_ts > d->irtt_ns);
	if (!resend)
		return TA_OOO;
	unsigned ta = TA_RETRANS;
	if (peer->dupack_run >= 2 && off == d->acked)
		ta |= TA_FASTRETX;
	if (d->acked_valid && end + fin <= d->acked && (p->paylen || fin))
		ta |= TA_SPURIOUS;
	return ta;
}

/* A pure ACK: keep-alive, its answer, a duplicate ACK, a window update. */
static unsigned classify_ack(struct dirstate *d, struct dirstate *peer,
                             const struct pkt *p, uint64_t off, uint64_t acked)
{
	if (peer->ka_pending) {
		peer->ka_pending = 0;
		return TA_KAACK;
	}
	if (off + 1 == d->max_end && d->max_end > 0) {
		d->ka_pending = 1;
		return TA_KEEPALIVE;
	}
	if (!d->ack_valid || p->ack != d->last_ack || off != d->max_end + d->fin)
		return 0;
	if (p->win != d->last_win)
		return TA_WINUPD;
	/* a duplicate only when the peer has data or a FIN not yet acknowledged */
	if (peer->seen && (acked < peer->max_end || (peer->fin && acked <= peer->fin_off)))
		return TA_DUPACK;
	return 0;
}

/* The ACK field: bytes of the peer it acknowledges and we never saw become
 * a gap before this frame's own payload is handed over. */
static uint64_t take_ack(struct dirstate *d, struct dirstate *peer, const struct pkt *p)
{
	if (!(p->flags & TH_ACK) || !peer->seen || before_start(peer, p->ack))
		return 0;
	uint64_t acked = tcp_unwrap(peer->isn, peer->max_end, p->ack);
	if (!peer->acked_valid || acked > peer->acked) {
		peer->acked = acked;
		peer->acked_valid = 1;
	}
	uint64_t lim = peer->fin ? peer->fin_off : UINT64_MAX;
	stream_acked(&peer->st, acked, lim);
	peer->next = peer->st.next;
	peer->gap_bytes = peer->st.gap_bytes;
	if (acked > peer->max_end && !(p->flags & TH_SYN))
		peer->max_end = acked < lim ? acked : lim;
	(void)d;
	return acked;
}

static int bad_checksum(struct dirstate *d, const struct pkt *p)
{
	if (!d->csum)
		return 0;
	int c = decode_tcp_csum(p);
	if (c == CSUM_OK)
		d->csum_ok++;
	else if (c == CSUM_BAD && !d->csum_ok && ++d->csum_bad >= 4)
		d->csum = 0;            /* never a good one: left to the NIC (offload), or not filled in */
	return c == CSUM_BAD && d->csum_ok;
}

static void closing(struct dirstate *D, int dir, const struct pkt *p, uint64_t off,
                    uint64_t acked, uint32_t no, struct tcp_verdict *v)
{
	struct dirstate *d = &D[dir], *peer = &D[!dir];
	int fin = p->flags & TH_FIN;
	if (fin && !d->fin) {
		d->fin = 1;
		d->fin_off = off + p->paylen;
		d->fin_frame = no;
		v->first_fin = 1;
		hist(v, dir == 0, 'F');
	}
	if (p->flags & TH_RST) {
		d->rst = 1;
		v->closes = 1;
		hist(v, dir == 0, 'R');
	}
	/* the close is complete when the second FIN is acknowledged */
	if (d->fin && peer->fin && (p->flags & TH_ACK) && !fin && acked >= peer->fin_off + 1)
		v->closes = 1;
}

static void count(struct dirstate *d, const struct pkt *p, struct tcp_verdict *v, int up)
{
	unsigned ta = v->ta;
	if (ta & TA_ZEROWIN) { d->zerowin++; hist(v, up, 'W'); }
	if (ta & TA_OVERMSS) d->overmss++;
	if (ta & TA_DUPACK) d->dupacks++;
	if ((ta & TA_RETRANS) && !(p->flags & TH_SYN)) {
		d->retrans++;
		if (p->paylen)
			hist(v, up, 'T');
	}
	if (ta & TA_OOO) d->ooo++;
	if (ta & TA_KEEPALIVE) { d->keepalive++; d->ka_pending = 1; }
	if ((ta & TA_GAP) && p->paylen) hist(v, up, 'G');
	if (p->paylen)
		hist(v, up, 'D');
	else if ((p->flags & (TH_ACK | TH_SYN | TH_FIN | TH_RST)) == TH_ACK)
		hist(v, up, 'A');
}

/* Sequence analysis and the payload of a non-SYN, non-RST segment. */
static void segment(struct dirstate *D, int dir, const struct pkt *p, uint64_t off,
                    uint64_t acked, uint64_t ts, struct tcp_verdict *v)
{
	struct dirstate *d = &D[dir], *peer = &D[!dir];
	int fin = p->flags & TH_FIN;
	if (p->paylen || fin)
		v->ta |= classify_seq(d, peer, p, off, ts);
	else if (p->flags & TH_ACK) {
		if (off > d->max_end + d->fin && d->seen > 1 && !d->fin)
			v->ta |= TA_GAP;
		v->ta |= classify_ack(d, peer, p, off, acked);
	}
	if (v->ta & TA_DUPACK)
		d->dupack_run++;
	else if (p->paylen || fin || p->ack != d->last_ack)
		d->dupack_run = 0;
	if (p->paylen) {
		if (p->cap_paylen < p->paylen)
			v->ta |= TA_TRUNC;
		stream_segment(&d->st, off, p->paylen, p->payload, p->cap_paylen);
		d->next = d->st.next;
		d->gap_bytes = d->st.gap_bytes;
	}
	uint64_t end = off + p->paylen;
	if (end > d->max_end && !(v->ta & TA_KEEPALIVE)) {
		d->max_end = end;
		d->max_end_ts = ts;
		if (p->family == 4) {
			unsigned i = d->mark_pos++ % TCP_MARKS;
			d->mark[i].end = end;
			d->mark[i].ip_id = p->ip_id;
			d->mark[i].used = 1;
		}
	} else if (!p->paylen && !fin && off > d->max_end && !d->fin) {
		d->max_end = off;                 /* bytes before a bare ACK were lost */
		d->max_end_ts = ts;
	}
}

void tcp_track(struct dirstate D[2], int dir, const struct pkt *p, uint64_t ts,
               uint32_t no, uint32_t wirelen, struct tcp_verdict *v)
{
	struct dirstate *d = &D[dir], *peer = &D[!dir];
	int syn = p->flags & TH_SYN, rst = p->flags & TH_RST, up = dir == 0;

	memset(v, 0, sizeof *v);
	if (!syn && !d->seen)
		d->isn = p->seq - 1;            /* no SYN: the first byte seen is byte 0 */
	d->frames++;
	d->bytes += wirelen;
	d->paybytes += p->paylen;
	uint64_t off = syn ? 0 : tcp_unwrap(d->isn, d->max_end, p->seq);
	v->off = off;
	uint32_t win = p->win;
	if (!syn && d->wscale >= 0 && peer->wscale >= 0)
		win <<= d->wscale > 14 ? 14 : d->wscale;
	v->win = win;
	if (bad_checksum(d, p)) {
		v->ta = TA_BADCSUM;
		d->badcsum++;
		if (d->seen && off + p->paylen > d->bad_end)
			d->bad_end = off + p->paylen;
		return;
	}
	if (d->seen && net_dup(d, p, off)) {
		v->ta = TA_DUP;
		d->dups++;
		return;
	}
	if (syn)
		handshake(D, dir, p, ts, no, v);
	if (d->seen < 2)
		d->seen++;
	if (!syn && !rst && p->win == 0)
		v->ta |= TA_ZEROWIN;
	if (peer->mss && p->paylen > peer->mss)
		v->ta |= TA_OVERMSS;
	uint64_t acked = take_ack(d, peer, p);
	if (!syn && !rst && d->seen > 1 && before_start(d, p->seq)) {
		v->off = 0;                     /* sent before the capture began: old bytes */
		v->ta |= p->paylen ? TA_RETRANS : 0;
	} else if (!syn && !rst)
		segment(D, dir, p, off, acked, ts, v);
	count(d, p, v, up);
	if ((p->flags & TH_ACK) && peer->seen) {
		if (!syn && !d->irtt_ns && d->syn_frame && peer->syn && p->ack == peer->isn + 1)
			d->irtt_ns = peer->irtt_ns = ts - d->syn_ts;
		d->last_ack = p->ack;
		d->last_win = p->win;
		d->win_scaled = win;
		d->ack_valid = 1;
	}
	closing(D, dir, p, off, acked, no, v);
	id_note(d, p, off);
}

void tcp_track_flush(struct dirstate d[2])
{
	for (int i = 0; i < 2; i++) {
		stream_flush(&d[i].st, d[i].fin ? d[i].fin_off : UINT64_MAX);
		d[i].next = d[i].st.next;
		d[i].gap_bytes = d[i].st.gap_bytes;
	}
}

void tcp_track_free(struct dirstate d[2])
{
	for (int i = 0; i < 2; i++)
		stream_free(&d[i].st);
}
