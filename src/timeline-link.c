/* timeline-link.c - the handshake's raw numbers and SYN options, and what
 * an ARP / neighbour discovery frame says, as fields (timeline.h) for the
 * outputs that show them structured (JSON). */
#include <string.h>
#include "decode.h"
#include "timeline.h"

void tl_syn_side(const struct timeline *t, int dir, struct tl_syn_side *out)
{
	const struct dirstate *d = &t->s->d[dir & 1];
	const struct frame_rec *f = t->hsf[dir & 1];   /* SYN (client), SYN/ACK (server) */
	memset(out, 0, sizeof *out);
	out->wscale = -1;
	if (!d->syn)
		return;
	out->seen = 1;
	out->isn = d->isn;
	if (f) {
		out->frame = f->no;
		out->mss = f->mss;
		out->wscale = f->wscale;
		out->sack_perm = f->sack_ok;
	} else {
		out->mss = d->mss;
		out->wscale = d->wscale;
	}
}

int tl_link(const struct timeline *t, size_t i, struct tl_link *out)
{
	const struct frame_rec *f = &t->frames[i];
	struct tl_role r[4];
	memset(out, 0, sizeof *out);
	if (f->proto != FP_ARP && f->proto != FP_ND)
		return 0;
	out->opcode = f->arp_op;
	out->family = f->family == 6 ? 6 : 4;
	int req = f->proto == FP_ARP ? f->arp_op == 1 : f->arp_op == 135;
	int rep = f->proto == FP_ARP ? f->arp_op == 2 : f->arp_op == 136;
	out->op = req ? TL_LINK_REQUEST : rep ? TL_LINK_REPLY : TL_LINK_OTHER;
	out->sender_mac = f->sha;
	out->sender_ip = f->spa;
	out->target_ip = f->tpa;
	out->target_mac = f->proto == FP_ARP ? f->tha : NULL;   /* ND carries none */
	out->about = -1;
	if (tl_roles(t, i, r, 4) && r[0].kind != TLR_LINK_OTHER)
		out->about = r[0].arg;
	return 1;
}
