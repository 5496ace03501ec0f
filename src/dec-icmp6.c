/* dec-icmp6.c - ICMPv6, as far as neighbour discovery goes (RFC 4861).
 *
 * Solicitations (135) and advertisements (136) are PK_ND with their target
 * and, if present, the link-layer address option that belongs to the type:
 * source (1) in a solicitation, target (2) in an advertisement.  Errors
 * (types 1-4) are PK_ICMP (dec-icmp.c).  Every other ICMPv6 message stays
 * PK_IP.
 */
#include <string.h>
#include <netinet/icmp6.h>
#include "decode_int.h"

#define ND_HDR 24          /* type code cksum reserved/flags target[16] */

/* Options are in 8-byte units; a zero length would loop forever, RFC 4861
 * says drop the packet. */
static void nd_options(struct cur c, size_t wire, struct pkt *p)
{
	int want = p->nd_type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LINKADDR : ND_OPT_TARGET_LINKADDR;
	uint8_t type, units;
	struct cur opt;
	while (wire > 0) {
		if (pkt_need(p, &c, wire, 2, "ICMPv6: ND option beyond message",
		             "ICMPv6: ND option truncated") < 0)
			return;
		size_t n = (size_t)c.p[1] * 8;
		if (n == 0) {
			pkt_fail(p, PKT_MALFORMED, "ICMPv6: ND option length 0");
			return;
		}
		if (pkt_need(p, &c, wire, n, "ICMPv6: ND option beyond message",
		             "ICMPv6: ND option truncated") < 0)
			return;
		/* proved present above; read through the checked getters anyway */
		if (get_u8(&c, &type) < 0 || get_u8(&c, &units) < 0 || cur_take(&c, n - 2, &opt) < 0)
			return;
		if (type == want && get_bytes(&opt, p->nd_lladdr, 6) == 0)   /* n >= 8 */
			p->nd_has_lladdr = 1;
		wire -= n;
	}
}

void decode_icmp6(struct cur c, size_t wire, struct pkt *p)
{
	if (pkt_need(p, &c, wire, 1, "ICMPv6: empty message", "ICMPv6: header truncated") < 0)
		return;
	int type = c.p[0];
	if (type >= ICMP6_DST_UNREACH && type <= ICMP6_PARAM_PROB) {
		decode_icmp6_error(c, wire, p);
		return;
	}
	if (type != ND_NEIGHBOR_SOLICIT && type != ND_NEIGHBOR_ADVERT)
		return;
	p->kind = PK_ND;
	p->nd_type = (uint8_t)type;
	if (pkt_need(p, &c, wire, ND_HDR, "ICMPv6: ND message shorter than header",
	             "ICMPv6: ND header truncated") < 0)
		return;
	memcpy(p->nd_target, c.p + 8, 16);
	cur_skip(&c, ND_HDR);
	nd_options(c, wire - ND_HDR, p);
}
