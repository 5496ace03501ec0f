/* ladder.c - the rows of a sequence diagram (ladder.h). */
#include <stdlib.h>
#include <string.h>
#include "decode.h"
#include "ladder.h"
#include "util-addr.h"
#include "util-fmt.h"
#include "util-mem.h"

/* A frame that folds: a pure ACK, or a body segment that is not the end. */
static int foldable(const struct timeline *t, size_t i, int *body)
{
	const struct frame_rec *f = &t->frames[i];
	struct tl_role r[8];
	size_t n = tl_roles(t, i, r, 8);
	*body = 0;
	if (f->dir > 1 || (f->flags & (TH_SYN | TH_FIN | TH_RST)) || n != 1)
		return 0;
	if (r[0].kind == TLR_BODY)
		return *body = 1;
	return !f->len && (r[0].kind == TLR_ACK || r[0].kind == TLR_ACK_OF || r[0].kind == TLR_DUPACK);
}

/* ICMP: from its sender (either host, or a router: the gateway's lane, or
 * the far side's) to the side whose segment it quotes. */
static uint8_t icmp_lane(const struct ladder *l, const struct timeline *t, const struct frame_rec *f, int src)
{
	size_t n = f->family == 6 ? 16 : 4;
	int about_client = f->icmp.qdir == DIR_C2S;
	if (!src)
		return about_client ? LD_CLIENT : LD_SERVER;
	if (!memcmp(f->icmp.from, t->s->sip, n))
		return LD_SERVER;
	if (!memcmp(f->icmp.from, t->s->cip, n))
		return LD_CLIENT;
	return l->gateway ? LD_GATEWAY : about_client ? LD_SERVER : LD_CLIENT;
}

static uint8_t lane_of(const struct ladder *l, const struct timeline *t, const struct frame_rec *f, int src)
{
	if (f->dir == DIR_C2S)
		return src ? LD_CLIENT : LD_SERVER;
	if (f->dir == DIR_S2C)
		return src ? LD_SERVER : LD_CLIENT;
	if (f->proto == FP_ICMP)
		return icmp_lane(l, t, f, src);
	/* ARP/ND: the client and its next hop */
	int from_client = !memcmp(f->spa, t->s->cip, f->family == 6 ? 16 : 4) ||
	                  (t->s->has_mac && !memcmp(f->sha, t->s->cmac, 6));
	uint8_t other = l->gateway ? LD_GATEWAY : LD_SERVER;
	return from_client == !!src ? LD_CLIENT : other;
}

/* src into dst[cap], cut at a UTF-8 character boundary. */
static void copy_cut(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap) {
		n = cap - 1;
		while (n && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void frame_row(struct ladder *l, const struct timeline *t, size_t i, struct ld_row *r)
{
	const struct frame_rec *f = &t->frames[i];
	struct sbuf role, det;
	tlw_frame(t, i, 0, &role, &det);
	memset(r, 0, sizeof *r);
	r->no = r->last = f->no;
	r->ts_ns = f->ts_ns;
	r->from = lane_of(l, t, f, 1);
	r->to = lane_of(l, t, f, 0);
	r->cls = (uint8_t)tl_class_of(t, i);
	/* details: "SMTP text  [flags] ...": the TCP part starts at the last "  [" */
	char *tcp = det.b, *p = det.b;
	while ((p = strstr(p, "  [")) != NULL)
		tcp = p++;
	if (tcp != det.b) {
		*tcp = '\0';
		tcp += 2;
	}
	/* the SMTP text when there is one (the role is in it), else the role */
	const char *smtp = tcp != det.b ? det.b : "";
	if (f->dir > 1)
		sb_add(&role, ": %s", det.b), tcp = "";
	copy_cut(r->text, sizeof r->text, *smtp ? smtp : role.b);
	copy_cut(r->tcp, sizeof r->tcp, tcp);
}

static void fold_row(struct ld_row *r, const struct timeline *t, size_t a, size_t b, uint32_t nbody)
{
	memset(r, 0, sizeof *r);
	r->fold = 1;
	r->no = t->frames[a].no;
	r->last = t->frames[b].no;
	r->ts_ns = t->frames[a].ts_ns;
	r->nbody = nbody;
	r->nack = (uint32_t)(b - a + 1) - nbody;
	r->cls = TLC_PLAIN;
}

void ladder_build(struct ladder *l, const struct timeline *t, int full)
{
	const struct session *s = t->s;
	memset(l, 0, sizeof *l);
	l->gateway = t->gw_arp != NULL;
	addr_ep(s->family, s->cip, s->cport, l->lane[LD_CLIENT], sizeof l->lane[0]);
	addr_ep(s->family, s->sip, s->sport, l->lane[LD_SERVER], sizeof l->lane[0]);
	if (l->gateway)
		addr_ip(4, t->gw_arp->spa, l->lane[LD_GATEWAY], sizeof l->lane[0]);
	l->rows = xcalloc(t->nframes ? t->nframes : 1, sizeof *l->rows);
	for (size_t i = 0; i < t->nframes;) {
		size_t j = i;
		uint32_t nbody = 0;
		int body;
		while (!full && j < t->nframes && foldable(t, j, &body))
			nbody += (uint32_t)body, j++;
		if (j - i >= 2) {
			fold_row(&l->rows[l->n++], t, i, j - 1, nbody);
			i = j;
		} else
			frame_row(l, t, i, &l->rows[l->n++]), i++;
	}
}

void ladder_free(struct ladder *l)
{
	free(l->rows);
	l->rows = NULL;
	l->n = 0;
}
