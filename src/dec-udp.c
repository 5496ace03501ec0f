/* dec-udp.c - the UDP header (RFC 768): ports and the payload window.
 *
 * The length field decides where the datagram ends: below 8 it is
 * malformed, beyond the IP payload malformed too (the payload is then what
 * the IP layer holds).  The checksum is not verified: only DNS messages are
 * read from UDP, and they are shown, not trusted.
 */
#include "decode_int.h"

void decode_udp(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	if (pkt_need(p, &c, wire, 8, "UDP: datagram shorter than header",
	             "UDP: header truncated") < 0)
		return;
	p->kind = PK_UDP;
	p->sport = ld_be16(h);
	p->dport = ld_be16(h + 2);
	size_t ulen = ld_be16(h + 4);
	if (ulen < 8) {
		pkt_fail(p, PKT_MALFORMED, "UDP: length field < 8");
		return;
	}
	if (ulen > wire) {
		pkt_fail(p, PKT_MALFORMED, "UDP: length beyond the IP payload");
		ulen = wire;
	}
	cur_clip(&c, ulen);
	cur_skip(&c, 8);
	p->payload = c.p;
	p->cap_paylen = (uint32_t)c.len;
	p->paylen = (uint32_t)(ulen - 8);
}
