/* flow-icmp.c - an ICMP error goes to the session whose segment it quotes.
 *
 * The quote is the start of a datagram one of the session's hosts sent, so
 * its addresses and ports are that segment's: looked up in the flow table
 * as they are, they give the session and the quoted segment's direction.
 * The frame joins the session's frame list as FP_ICMP (direction
 * DIR_OTHER: it is neither side's TCP); an error about no open session
 * stays counted with the other frames, as every ICMP message is. */
#include <string.h>
#include <netinet/in.h>
#include "engine-int.h"

/* The ICMP details share the ARP/ND fields' room: frame records do not grow. */
_Static_assert(sizeof(struct frame_icmp) <= 2 * 6 + 2 * 16, "frame_icmp outgrows the ARP fields");

/* The session the quote is about (with a session being dissected), and the
 * quoted segment's direction; NULL if none. */
static struct flow *quoted_flow(struct engine *e, const struct pkt *p, int *dir)
{
	const struct pkt_icmp *q = &p->icmp;
	if (q->quote < ICMPQ_PORTS || q->q_proto != IPPROTO_TCP)
		return NULL;
	struct pkt k;
	memset(&k, 0, sizeof k);
	k.family = p->family;
	memcpy(k.src, q->q_src, sizeof k.src);
	memcpy(k.dst, q->q_dst, sizeof k.dst);
	k.sport = q->q_sport;
	k.dport = q->q_dport;
	struct fent *fe = ft_find(&e->ft, &k, ft_hash(&e->ft, &k), dir);
	if (!fe || fe->state != FE_SESSION || !fe->fl || fe->fl->s.is_smtp < 0)
		return NULL;
	return fe->fl;
}

int icmp_frame(struct engine *e, const struct pkt *p, uint32_t no, uint64_t ts, uint32_t wirelen)
{
	int dir = -1;
	struct flow *f = quoted_flow(e, p, &dir);
	if (!f)
		return 0;
	struct frame_rec fr;
	fill_frame(&fr, no, ts, wirelen, p);
	fr.proto = FP_ICMP;
	fr.dir = DIR_OTHER;
	fr.icmp.type = p->icmp.type;
	fr.icmp.code = p->icmp.code;
	fr.icmp.qdir = (uint8_t)dir;
	fr.icmp.quote = p->icmp.quote;
	fr.icmp.mtu = p->icmp.mtu;
	fr.icmp.qseq = p->icmp.q_seq;
	fr.icmp.qiplen = p->icmp.q_iplen;
	memcpy(fr.icmp.from, p->src, sizeof fr.icmp.from);
	if (e->needs & ENGINE_NEED_FRAMES)
		frame_push(e, &f->s, &fr);
	return 1;
}
