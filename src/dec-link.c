/* dec-link.c - decode_frame(): the link layer, then hand-off by ethertype
 * (or address family) to the network layer.
 *
 * Link types: Ethernet with any number of 802.1Q/802.1ad tags, Linux cooked
 * v1/v2, BSD loopback (NULL/LOOP) and raw IP.  The link header's bytes are
 * taken off both the captured and the wire length, so the next layer sees
 * exactly its own share of the frame.
 */
#include <string.h>
#include <net/ethernet.h>
#include <pcap/dlt.h>
#include "decode_int.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#define DLT_IPV6 229
#endif
/* Values that mean "raw IP" somewhere: DLT_RAW is 12 on most systems and 14
 * on OpenBSD, and 101 is LINKTYPE_RAW as written in capture files. */
#define DLT_RAW_A 12
#define DLT_RAW_B 14
#define LINKTYPE_RAW 101
#define LINKTYPE_LOOP 108

/* <net/ethernet.h> has ETHERTYPE_IP/ARP/IPV6/VLAN (802.1Q), not these: */
#define ETHERTYPE_8021AD 0x88a8   /* 802.1ad service tag */
#define ETHERTYPE_QINQ   0x9100   /* pre-802.1ad stacked tags */

enum link { L_NONE, L_ETHER, L_SLL, L_SLL2, L_NULL, L_RAW, L_IPV4, L_IPV6 };

/* Map a DLT to how it is decoded.  An if-chain, not a switch: DLT_LOOP and
 * DLT_RAW share the value 12 on OpenBSD, and there the platform's DLT_LOOP
 * must win. */
static enum link link_of(int dlt)
{
	if (dlt == DLT_EN10MB)
		return L_ETHER;
	if (dlt == DLT_LINUX_SLL)
		return L_SLL;
	if (dlt == DLT_LINUX_SLL2)
		return L_SLL2;
	if (dlt == DLT_NULL || dlt == DLT_LOOP || dlt == LINKTYPE_LOOP)
		return L_NULL;
	if (dlt == DLT_RAW || dlt == DLT_RAW_A || dlt == DLT_RAW_B || dlt == LINKTYPE_RAW)
		return L_RAW;
	if (dlt == DLT_IPV4)
		return L_IPV4;
	if (dlt == DLT_IPV6)
		return L_IPV6;
	return L_NONE;
}

int decode_linktype_supported(int dlt)
{
	return link_of(dlt) != L_NONE;
}

/* Strip the link header: n bytes off the captured window and the wire length. */
static int link_strip(struct pkt *p, struct cur *c, size_t *wire, size_t n,
                      const char *short_err, const char *trunc_err)
{
	if (pkt_need(p, c, *wire, n, short_err, trunc_err) < 0)
		return -1;
	cur_skip(c, n);
	*wire -= n;
	return 0;
}

/* Ethertype dispatch, after Ethernet or cooked headers.  VLAN tags (TCI +
 * inner type, 4 bytes each) are peeled off first; each consumes bytes, so
 * the loop ends.  Lengths <= 1500 (802.3/LLC) and unknown types are PK_OTHER. */
static void ethertype(uint16_t type, struct cur c, size_t wire, struct pkt *p)
{
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ) {
		struct cur tag = c;
		uint16_t tci;
		if (link_strip(p, &c, &wire, 4, "VLAN: frame shorter than tag",
		               "VLAN: tag truncated") < 0)
			return;
		if (get_be16(&tag, &tci) < 0 || get_be16(&tag, &type) < 0)
			return;
		if (!p->vlan)
			p->vlan = tci & 0x0fff;
	}
	switch (type) {
	case ETHERTYPE_IP:   decode_ip(4, c, wire, p); break;
	case ETHERTYPE_IPV6: decode_ip(6, c, wire, p); break;
	case ETHERTYPE_ARP:  decode_arp(c, wire, p); break;
	default: break;
	}
}

static void ether(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	if (link_strip(p, &c, &wire, 14, "Ethernet: frame shorter than header",
	               "Ethernet: header truncated") < 0)
		return;
	p->has_mac = 1;
	memcpy(p->mac_dst, h, 6);
	memcpy(p->mac_src, h + 6, 6);
	ethertype(ld_be16(h + 12), c, wire, p);
}

/* Cooked v1: pkttype(2) hatype(2) halen(2) addr(8) protocol(2). */
static void sll(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	if (link_strip(p, &c, &wire, 16, "SLL: frame shorter than header",
	               "SLL: header truncated") < 0)
		return;
	if (ld_be16(h + 4) == 6) {
		p->has_mac = 1;
		memcpy(p->mac_src, h + 6, 6);
	}
	ethertype(ld_be16(h + 14), c, wire, p);
}

/* Cooked v2: protocol(2) mbz(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8). */
static void sll2(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	if (link_strip(p, &c, &wire, 20, "SLL2: frame shorter than header",
	               "SLL2: header truncated") < 0)
		return;
	if (h[11] == 6) {
		p->has_mac = 1;
		memcpy(p->mac_src, h + 12, 6);
	}
	ethertype(ld_be16(h), c, wire, p);
}

/* BSD loopback: a 4-byte address family in the byte order of the machine
 * that wrote it.  AF values are small, so whichever reading fits in 16 bits
 * is the right one.  IPv6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS). */
static void bsd_null(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	if (link_strip(p, &c, &wire, 4, "NULL: frame shorter than header",
	               "NULL: header truncated") < 0)
		return;
	uint32_t af = ld_be32(h);
	if (af > 0xffff)
		af = (uint32_t)h[3] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[1] << 8 | h[0];
	if (af == 2)
		decode_ip(4, c, wire, p);
	else if (af == 24 || af == 28 || af == 30)
		decode_ip(6, c, wire, p);
}

int decode_frame(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                 struct pkt *p)
{
	memset(p, 0, sizeof *p);
	p->wscale = -1;
	struct cur c = cur_make(data, caplen);
	/* A frame cannot be shorter than what was captured of it; trust the
	 * bytes rather than a bogus length field. */
	size_t wire = wirelen > c.len ? wirelen : c.len;

	switch (link_of(dlt)) {
	case L_ETHER: ether(c, wire, p); break;
	case L_SLL:   sll(c, wire, p); break;
	case L_SLL2:  sll2(c, wire, p); break;
	case L_NULL:  bsd_null(c, wire, p); break;
	case L_RAW:   decode_ip(0, c, wire, p); break;
	case L_IPV4:  decode_ip(4, c, wire, p); break;
	case L_IPV6:  decode_ip(6, c, wire, p); break;
	case L_NONE:  pkt_fail(p, PKT_MALFORMED, "link: unsupported link type"); break;
	}
	return p->status;
}
