/* dec-icmp.c - ICMP errors (RFC 792, RFC 1191, RFC 4443): the type, the
 * code, the MTU a router announces, and the datagram the error is about,
 * read from the quote (its IP header and the first bytes of its transport
 * header: ports, TCP sequence number).
 *
 * The quote is rarely the whole datagram: a quote shorter than the quoted
 * datagram's own length field is normal, not an error.  What is an error is
 * a quote that breaks the rules: shorter on the wire than an IP header, or
 * (ICMPv4) than the IP header plus 8 bytes RFC 792 asks for - PKT_MALFORMED;
 * bytes the quote has on the wire but the snaplen cut are PKT_TRUNCATED.
 * Either way what the quote did hold is kept (`quote` says how far).
 * Other ICMP messages (echo, ...) stay PK_IP.
 */
#include <string.h>
#include <netinet/in.h>
#include "decode_int.h"

#define ICMP_HDR 8          /* type code cksum + 4 bytes (unused / MTU / gateway) */
#define L4_QUOTE 8          /* transport bytes RFC 792 asks to quote */

/* ICMPv4: destination unreachable, source quench, redirect, time exceeded,
 * parameter problem - every type that quotes a datagram. */
static int is_error4(int type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* The quoted transport header, as far as it was captured: ports for TCP,
 * UDP, SCTP, then TCP's sequence number.  The quote's wire length (wire)
 * decides whether a short one is malformed or cut by the snaplen; `want`
 * is how long the quoted datagram's transport part was. */
static void quote_l4(struct cur c, size_t wire, size_t want, struct pkt *p)
{
	struct pkt_icmp *q = &p->icmp;
	int ports = q->q_proto == IPPROTO_TCP || q->q_proto == IPPROTO_UDP || q->q_proto == IPPROTO_SCTP;
	if (ports && c.len >= 4) {
		q->q_sport = ld_be16(c.p);
		q->q_dport = ld_be16(c.p + 2);
		q->quote = ICMPQ_PORTS;
		if (q->q_proto == IPPROTO_TCP && c.len >= 8) {
			q->q_seq = ld_be32(c.p + 4);
			q->quote = ICMPQ_SEQ;
		}
	}
	size_t need = want < L4_QUOTE ? want : L4_QUOTE;
	pkt_need(p, &c, wire, need, "ICMP: quote shorter than the IP header + 8 bytes",
	         "ICMP: quoted transport header truncated");
}

/* The quoted IPv4 datagram (wire: the quote's length on the wire). */
static void quote4(struct cur c, size_t wire, struct pkt *p)
{
	struct pkt_icmp *q = &p->icmp;
	q->q_caplen = (uint32_t)wire;
	if (pkt_need(p, &c, wire, 20, "ICMP: quote shorter than an IPv4 header",
	             "ICMP: quoted IPv4 header truncated") < 0)
		return;
	const uint8_t *h = c.p;
	size_t hlen = (size_t)(h[0] & 0x0f) * 4;
	if (h[0] >> 4 != 4) {
		pkt_fail(p, PKT_MALFORMED, "ICMP: quoted datagram is not IPv4");
		return;
	}
	if (hlen < 20) {
		pkt_fail(p, PKT_MALFORMED, "ICMP: quoted IPv4 header length < 20");
		return;
	}
	memcpy(q->q_src, h + 12, 4);
	memcpy(q->q_dst, h + 16, 4);
	q->q_proto = h[9];
	q->q_iplen = ld_be16(h + 2);
	q->quote = ICMPQ_IP;
	if (pkt_need(p, &c, wire, hlen, "ICMP: quote shorter than its IPv4 header",
	             "ICMP: quoted IPv4 options truncated") < 0)
		return;
	if (ld_be16(h + 6) & 0x1fff)
		return;         /* a non-first fragment: no transport header in it */
	cur_skip(&c, hlen);
	size_t want = q->q_iplen > hlen ? q->q_iplen - hlen : 0;
	quote_l4(c, wire - hlen, want, p);
}

/* The quoted IPv6 datagram: its header, the extension header chain as far
 * as the quote holds it, then the transport header. */
static void quote6(struct cur c, size_t wire, struct pkt *p)
{
	struct pkt_icmp *q = &p->icmp;
	q->q_caplen = (uint32_t)wire;
	if (pkt_need(p, &c, wire, 40, "ICMPv6: quote shorter than an IPv6 header",
	             "ICMPv6: quoted IPv6 header truncated") < 0)
		return;
	const uint8_t *h = c.p;
	if (h[0] >> 4 != 6) {
		pkt_fail(p, PKT_MALFORMED, "ICMPv6: quoted datagram is not IPv6");
		return;
	}
	memcpy(q->q_src, h + 8, 16);
	memcpy(q->q_dst, h + 24, 16);
	q->q_iplen = 40u + ld_be16(h + 4);
	q->quote = ICMPQ_IP;
	int nh = h[6];
	cur_skip(&c, 40);
	wire -= 40;
	while (nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_FRAGMENT) {
		if (c.len < 8 || wire < 8)
			return;         /* the quote ends inside the chain */
		size_t n = nh == IPPROTO_FRAGMENT ? 8 : ((size_t)c.p[1] + 1) * 8;
		if (nh == IPPROTO_FRAGMENT && (ld_be16(c.p + 2) & 0xfff8))
			return;         /* non-first fragment */
		nh = c.p[0];
		if (n > wire || cur_skip(&c, n) < 0)
			return;
		wire -= n;
	}
	q->q_proto = (uint8_t)nh;
	quote_l4(c, wire, L4_QUOTE, p);
}

void decode_icmp4(struct cur c, size_t wire, struct pkt *p)
{
	if (pkt_need(p, &c, wire, 1, "ICMP: empty message", "ICMP: header truncated") < 0)
		return;
	if (!is_error4(c.p[0]))
		return;
	if (pkt_need(p, &c, wire, ICMP_HDR, "ICMP: message shorter than its header",
	             "ICMP: header truncated") < 0)
		return;
	p->kind = PK_ICMP;
	p->icmp.type = c.p[0];
	p->icmp.code = c.p[1];
	if (c.p[0] == 3 && c.p[1] == 4)
		p->icmp.mtu = ld_be16(c.p + 6);     /* RFC 1191; 0 from an old router */
	cur_skip(&c, ICMP_HDR);
	quote4(c, wire - ICMP_HDR, p);
}

void decode_icmp6_error(struct cur c, size_t wire, struct pkt *p)
{
	if (pkt_need(p, &c, wire, ICMP_HDR, "ICMPv6: message shorter than its header",
	             "ICMPv6: header truncated") < 0)
		return;
	p->kind = PK_ICMP;
	p->icmp.type = c.p[0];
	p->icmp.code = c.p[1];
	if (c.p[0] == 2)
		p->icmp.mtu = ld_be32(c.p + 4);
	cur_skip(&c, ICMP_HDR);
	quote6(c, wire - ICMP_HDR, p);
}
