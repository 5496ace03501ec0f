/* dec-ip.c - IPv4 and IPv6: addresses, TTL, id, fragments, the IPv6
 * extension header chain, then the upper layer.
 *
 * The datagram's own length field (IPv4 total length, IPv6 payload length)
 * decides where it ends: bytes after it in the frame (Ethernet padding, an
 * FCS) are cut off before the upper layer sees them, and a length beyond
 * the frame is malformed.  A datagram longer than what was captured is
 * decoded as far as it goes and flagged PKT_TRUNCATED.
 */
#include <string.h>
#include <netinet/in.h>
#include "decode_int.h"

/* err is a static string, so the offending value is spelled out here. */
static const char *const bad_ihl[5] = {
	"IPv4: IHL 0 < 5", "IPv4: IHL 1 < 5", "IPv4: IHL 2 < 5",
	"IPv4: IHL 3 < 5", "IPv4: IHL 4 < 5",
};

/* Hand the payload (captured window pl, wire length wlen) to the upper
 * layer; afterwards flag a datagram the snaplen cut, unless the upper layer
 * already said so more precisely. */
static void upper(int proto, struct cur pl, size_t wlen, int ipv6, struct pkt *p)
{
	if (proto == IPPROTO_TCP)
		decode_tcp(pl, wlen, p);
	else if (proto == IPPROTO_UDP)
		decode_udp(pl, wlen, p);
	else if (ipv6 && proto == IPPROTO_ICMPV6)
		decode_icmp6(pl, wlen, p);
	else if (!ipv6 && proto == IPPROTO_ICMP)
		decode_icmp4(pl, wlen, p);
	if (pl.len < wlen && !(p->status & PKT_TRUNCATED))
		pkt_fail(p, PKT_TRUNCATED, ipv6 ? "IPv6: payload truncated" : "IPv4: payload truncated");
}

static void ip4(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	size_t hlen = (size_t)(h[0] & 0x0f) * 4;

	if (hlen < 20) {
		pkt_fail(p, PKT_MALFORMED, bad_ihl[hlen / 4]);
		return;
	}
	if (pkt_need(p, &c, wire, 20, "IPv4: datagram shorter than header",
	             "IPv4: header truncated") < 0)
		return;
	p->family = 4;
	p->ttl = h[8];
	p->ip_id = ld_be16(h + 4);
	memcpy(p->src, h + 12, 4);
	memcpy(p->dst, h + 16, 4);
	if (pkt_need(p, &c, wire, hlen, "IPv4: options beyond datagram",
	             "IPv4: options truncated") < 0)
		return;

	size_t tot = ld_be16(h + 2);
	if (tot == 0) {         /* TSO/GSO send seen before segmentation (as tcpdump) */
		tot = wire;
		p->no_pseudo = 1;
	}
	if (tot < hlen) {
		pkt_fail(p, PKT_MALFORMED, "IPv4: total length < header length");
		return;
	}
	if (tot > wire) {
		/* decode what the frame holds, as tshark does, but say so */
		pkt_fail(p, PKT_MALFORMED, "IPv4: total length beyond frame");
		tot = wire;
	}
	cur_clip(&c, tot);
	cur_skip(&c, hlen);
	/* A non-first fragment starts in the middle of the upper-layer data. */
	int proto = (ld_be16(h + 6) & 0x1fff) ? -1 : h[9];
	if (ld_be16(h + 6) & 0x2000)
		p->no_pseudo = 1;       /* a first fragment: the segment goes on elsewhere */
	upper(proto, c, tot - hlen, 0, p);
}

/* Walk hop-by-hop, routing, destination options and fragment headers.
 * Returns the upper-layer protocol, -1 for a non-first fragment or a
 * problem already recorded; c and *wlen are advanced past the chain. */
static int ip6_ext(int nh, struct cur *c, size_t *wlen, struct pkt *p)
{
	for (;;) {
		size_t n;
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_FRAGMENT)
			return nh;
		if (pkt_need(p, c, *wlen, 8, "IPv6: extension header beyond payload",
		             "IPv6: extension header truncated") < 0)
			return -1;
		const uint8_t *e = c->p;
		if (nh == IPPROTO_ROUTING)
			p->no_pseudo = 1;       /* the pseudo-header has the final destination */
		if (nh == IPPROTO_FRAGMENT) {
			if (ld_be16(e + 2) & 0xfff8)
				return -1;      /* non-first fragment */
			p->no_pseudo = 1;       /* a first fragment (or an atomic one) */
			n = 8;
		} else {
			n = ((size_t)e[1] + 1) * 8;
			if (pkt_need(p, c, *wlen, n, "IPv6: extension header beyond payload",
			             "IPv6: extension header truncated") < 0)
				return -1;
		}
		nh = e[0];
		cur_skip(c, n);
		*wlen -= n;
	}
}

static void ip6(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	if (pkt_need(p, &c, wire, 40, "IPv6: datagram shorter than header",
	             "IPv6: header truncated") < 0)
		return;
	p->family = 6;
	p->ttl = h[7];
	memcpy(p->src, h + 8, 16);
	memcpy(p->dst, h + 24, 16);

	size_t plen = ld_be16(h + 4);
	if (plen == 0) {        /* jumbogram / BIG TCP: the frame gives the length */
		plen = wire - 40;
		p->no_pseudo = 1;
	}
	if (plen > wire - 40) {
		pkt_fail(p, PKT_MALFORMED, "IPv6: payload length beyond frame");
		return;
	}
	cur_clip(&c, 40 + plen);
	cur_skip(&c, 40);
	size_t wlen = plen;
	int proto = ip6_ext(h[6], &c, &wlen, p);
	if (p->status)          /* the chain was cut or inconsistent: stop there */
		return;
	upper(proto, c, wlen, 1, p);
}

void decode_ip(int version, struct cur c, size_t wire, struct pkt *p)
{
	if (pkt_need(p, &c, wire, 1, "IP: empty datagram", "IP: header truncated") < 0)
		return;
	int v = c.p[0] >> 4;
	if (version == 0 && v != 4 && v != 6) {
		pkt_fail(p, PKT_MALFORMED, "IP: version not 4 or 6");
		return;
	}
	if (version == 4 && v != 4) {
		pkt_fail(p, PKT_MALFORMED, "IPv4: version field is not 4");
		return;
	}
	if (version == 6 && v != 6) {
		pkt_fail(p, PKT_MALFORMED, "IPv6: version field is not 6");
		return;
	}
	p->kind = PK_IP;
	if (v == 4)
		ip4(c, wire, p);
	else
		ip6(c, wire, p);
}
