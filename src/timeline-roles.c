/* timeline-roles.c - the roles of a frame, as enums with arguments, read
 * from the timeline (timeline.h).  No wording here: timeline-words.c. */
#include <string.h>
#include "decode.h"
#include "flow-dns.h"
#include "timeline.h"

static int who(const struct session *s, const uint8_t *a, size_t n)
{
	return !memcmp(a, s->sip, n) ? TLW_SERVER : !memcmp(a, s->cip, n) ? TLW_CLIENT : TLW_GATEWAY;
}

static struct tl_role link_role(const struct session *s, const struct frame_rec *f)
{
	struct tl_role r = { .kind = TLR_LINK_OTHER };
	size_t n = f->family == 6 ? 16 : 4;
	r.arg = (uint8_t)who(s, f->tpa, n);
	if (f->proto == FP_ARP && f->arp_op == 1)
		r.kind = r.arg == TLW_CLIENT ? TLR_ARP_REQ_CLIENT : TLR_ARP_REQ_NEXTHOP;
	else if (f->proto == FP_ARP && f->arp_op == 2) {
		r.kind = TLR_ARP_REPLY;
		r.arg = (uint8_t)who(s, f->spa, 4);
	} else if (f->proto == FP_ND && f->arp_op == 135)
		r.kind = TLR_ND_SOLICIT;
	else if (f->proto == FP_ND && f->arp_op == 136)
		r.kind = TLR_ND_ADVERT;
	return r;
}

/* The role of exchange x in frame f. */
static struct tl_role ex_role(const struct timeline *t, const struct frame_rec *f, size_t xi)
{
	const struct session *s = t->s;
	const struct exchange *x = &s->ex[xi];
	struct tl_role r = { .ex = (uint32_t)xi };
	if (f->dir == DIR_C2S) {
		if (x->kind == EXK_BODY)
			r.kind = x->has_req_end && f->off + f->len >= x->req_end ? TLR_END_OF_DATA : TLR_BODY;
		else
			r.kind = x->kind == EXK_AUTH ? TLR_AUTH_RESPONSE : TLR_COMMAND;
	} else if (x->kind == EXK_GREETING)
		r.kind = TLR_GREETING;
	else if (x->kind == EXK_REPLY) {
		r.kind = TLR_REPLY_ORPHAN;
		r.arg = !s->d[DIR_C2S].paybytes ? TLO_NO_COMMANDS : s->d[DIR_C2S].gap_bytes ? TLO_LOST_IN_GAP
		        : TLO_UNSOLICITED;
	} else
		r.kind = TLR_REPLY;
	return r;
}

static size_t payload_roles(const struct timeline *t, size_t i, struct tl_role *out, size_t cap)
{
	const struct session *s = t->s;
	const struct frame_rec *f = &t->frames[i];
	const struct tl_frame *m = &t->fm[i];
	size_t n = 0;
	if (m->tls && !m->count) {
		out[n++] = (struct tl_role){ .kind = TLR_TLS, .arg = f->tls_type };
		return n;
	}
	if (!m->count) {
		int after_gap = s->d[f->dir].gap_bytes && m->after_gap;
		out[n++] = (struct tl_role){ .kind = after_gap ? TLR_DATA_AFTER_GAP : TLR_NOT_SMTP };
		return n;
	}
	int pip = 0;
	for (uint32_t c = 0; c < m->count && n < cap; c++) {
		size_t xi = tl_frame_ex(t, i, c);
		const struct tl_exchange *tx = &t->ex[xi];
		struct tl_role r = ex_role(t, f, xi);
		uint32_t segn = f->dir == DIR_C2S ? tx->norig_req : tx->norig_rep;
		if (segn > 1 && m->count == 1 && m->segk) {
			r.segk = m->segk;
			r.segn = segn;
		}
		if (c)
			pip |= s->ex[xi].pipelined;
		out[n++] = r;
	}
	if (pip && f->dir == DIR_C2S && n < cap)
		out[n++] = (struct tl_role){ .kind = TLR_PIPELINED };
	return n;
}

/* When a frame is nothing else: what its ACK does. */
static struct tl_role ack_role(const struct timeline *t, size_t i)
{
	const struct session *s = t->s;
	const struct frame_rec *f = &t->frames[i];
	const struct tl_frame *m = &t->fm[i];
	uint8_t k;
	if (s->close_frame == f->no && !(f->flags & TH_RST)) k = TLR_LAST_ACK;
	else if (m->acks_fin) k = TLR_FIN_ACK;
	else if (m->acked_count) k = TLR_ACK_OF;
	else if (f->ta & TA_DUPACK) k = TLR_DUPACK;
	else if (f->ta & TA_KEEPALIVE) k = TLR_KEEPALIVE;
	else if (f->ta & TA_KAACK) k = TLR_KAACK;
	else k = (f->flags & TH_ACK) ? TLR_ACK : TLR_SEGMENT;
	return (struct tl_role){ .kind = k };
}

size_t tl_roles(const struct timeline *t, size_t i, struct tl_role *out, size_t cap)
{
	const struct session *s = t->s;
	const struct frame_rec *f = &t->frames[i];
	const struct tl_frame *m = &t->fm[i];
	size_t n = 0;
	if (cap < 4)
		return 0;
	if (f->proto == FP_ICMP) {
		out[0] = (struct tl_role){ .kind = TLR_ICMP };
		return 1;
	}
	if (f->proto == FP_DNS) {
		const struct dns_frame *d = tl_dns(t, i);
		out[0] = (struct tl_role){ .kind = d && d->m.qr ? TLR_DNS_ANSWER : TLR_DNS_QUERY };
		return 1;
	}
	if (f->dir > 1) {
		out[0] = link_role(s, f);
		return 1;
	}
	if (m->hs)
		out[n++] = (struct tl_role){ .kind = TLR_HANDSHAKE, .arg = (uint8_t)m->hs };
	else if (f->flags & TH_SYN)
		out[n++] = (struct tl_role){ .kind = f->ta & TA_PORTREUSE ? TLR_SYN_REUSED : TLR_SYN };
	if (f->len)
		n += payload_roles(t, i, out + n, cap - n - 2);
	if (f->flags & TH_FIN)
		out[n++] = (struct tl_role){ .kind = TLR_FIN,
		                             .arg = s->first_closer == f->dir && s->d[f->dir].fin_frame == f->no };
	if (f->flags & TH_RST)
		out[n++] = (struct tl_role){ .kind = TLR_RST };
	if (!n)
		out[n++] = ack_role(t, i);
	return n;
}

static int is_conn(int k)
{
	return k == TLR_HANDSHAKE || k == TLR_SYN || k == TLR_SYN_REUSED || k == TLR_FIN ||
	       k == TLR_RST || k == TLR_LAST_ACK || k == TLR_FIN_ACK;
}

enum tl_class tl_class_of(const struct timeline *t, size_t i)
{
	struct tl_role r[32];
	size_t n = tl_roles(t, i, r, sizeof r / sizeof *r);
	enum tl_class c = TLC_PLAIN;
	if (t->frames[i].dir > 1)
		return TLC_LINK;
	for (size_t k = 0; k < n; k++) {
		int kind = r[k].kind;
		if (is_conn(kind))
			return TLC_CONN;
		if (c < TLC_REPLY_OK && (kind == TLR_GREETING || kind == TLR_REPLY || kind == TLR_REPLY_ORPHAN)) {
			int code = t->s->ex[r[k].ex].reply_code;
			c = code >= 400 ? TLC_REPLY_ERR : TLC_REPLY_OK;
		} else if (c == TLC_PLAIN && kind >= TLR_COMMAND && kind <= TLR_END_OF_DATA)
			c = TLC_REQUEST;
	}
	return c;
}
