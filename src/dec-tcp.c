/* dec-tcp.c - the TCP header, its options, and the payload window.
 *
 * `wire` is the IP payload length, so the payload ends where the datagram
 * ends: Ethernet padding after a bare ACK never becomes payload bytes.
 */
#include <string.h>
#include <netinet/in.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <netinet/tcp.h>
#include "decode_int.h"

/* err is a static string, so the offending value is spelled out here. */
static const char *const bad_doff[5] = {
	"TCP: data offset 0 < 5", "TCP: data offset 1 < 5", "TCP: data offset 2 < 5",
	"TCP: data offset 3 < 5", "TCP: data offset 4 < 5",
};

/* Does a known option have the length RFC 9293/7323/2018 give it? */
static int opt_len_ok(int kind, size_t len)
{
	switch (kind) {
	case TCPOPT_MAXSEG:         return len == TCPOLEN_MAXSEG;
	case TCPOPT_WINDOW:         return len == TCPOLEN_WINDOW;
	case TCPOPT_SACK_PERMITTED: return len == TCPOLEN_SACK_PERMITTED;
	case TCPOPT_SACK:           return len >= 10 && (len - 2) % 8 == 0;
	case TCPOPT_TIMESTAMP:      return len == TCPOLEN_TIMESTAMP;
	default:                    return 1;
	}
}

/* Parse the options in o.  When the snaplen cut the options area (cut != 0)
 * o holds only its captured part: the options in it are still reported, and
 * one running past its end is the cut (already flagged), not an error.
 * Every read is checked (extract.h's get_*): the lengths come from the wire. */
static void tcp_options(struct cur o, int cut, struct pkt *p)
{
	uint8_t kind, len, b;
	uint16_t w;
	struct cur v;
	while (get_u8(&o, &kind) == 0 && kind != TCPOPT_EOL) {
		if (kind == TCPOPT_NOP)
			continue;
		if (get_u8(&o, &len) < 0 || (len >= 2 && len - 2u > o.len)) {
			if (!cut)
				pkt_fail(p, PKT_MALFORMED, "TCP: bad option length");
			return;
		}
		if (len < 2 || !opt_len_ok(kind, len) || cur_take(&o, len - 2u, &v) < 0) {
			pkt_fail(p, PKT_MALFORMED, "TCP: bad option length");
			return;
		}
		switch (kind) {
		case TCPOPT_MAXSEG:
			if (get_be16(&v, &w) == 0)
				p->mss = w;
			break;
		/* RFC 7323 2.3: a shift above 14 is used as 14. */
		case TCPOPT_WINDOW:
			if (get_u8(&v, &b) == 0)
				p->wscale = (int8_t)(b > 14 ? 14 : b);
			break;
		case TCPOPT_SACK_PERMITTED: p->sack_ok = 1; break;
		case TCPOPT_SACK:
			p->has_sack = 1;
			for (; v.len >= 8 && p->nsack < 4; p->nsack++) {   /* left, right edges */
				p->sack[p->nsack][0] = ld_be32(v.p);
				p->sack[p->nsack][1] = ld_be32(v.p + 4);
				cur_skip(&v, 8);
			}
			break;
		default: break;
		}
	}
}

void decode_tcp(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	/* without the ports there is no flow: the frame stays PK_IP (F4) */
	if (pkt_need(p, &c, wire, 20, "TCP: segment shorter than header",
	             "TCP: header truncated") < 0)
		return;
	p->kind = PK_TCP;
	p->sport = ld_be16(h);
	p->dport = ld_be16(h + 2);
	p->seq = ld_be32(h + 4);
	p->ack = ld_be32(h + 8);
	p->flags = h[13];
	p->win = ld_be16(h + 14);

	size_t hlen = (size_t)(h[12] >> 4) * 4;
	if (hlen < 20) {
		pkt_fail(p, PKT_MALFORMED, bad_doff[hlen / 4]);
		return;
	}
	if (hlen > wire) {
		pkt_fail(p, PKT_MALFORMED, "TCP: data offset beyond segment");
		return;
	}
	if (hlen > c.len) {     /* as tcpdump: still show the options we have */
		pkt_fail(p, PKT_TRUNCATED, "TCP: options truncated");
		tcp_options(cur_make(h + 20, c.len - 20), 1, p);
		return;
	}
	tcp_options(cur_make(h + 20, hlen - 20), 0, p);
	cur_skip(&c, hlen);
	p->tcp_hdr = h;
	p->tcp_hlen = (uint16_t)hlen;

	p->payload = c.p;
	p->cap_paylen = (uint32_t)c.len;
	p->paylen = (uint32_t)(wire - hlen);
	if (p->cap_paylen < p->paylen)
		pkt_fail(p, PKT_TRUNCATED, "TCP: payload truncated");
	else if (!p->status && !p->no_pseudo) {
		p->tcp_csum = CSUM_UNCHECKED;
		p->tcp_seg = h;
		p->tcp_seglen = (uint32_t)wire;
	}
}
