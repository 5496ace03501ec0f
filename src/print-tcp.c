/* print-tcp.c - the TCP header, its options, and the payload window.
 *
 * `wire` is the IP payload length, so the payload ends where the datagram
 * ends: Ethernet padding after a bare ACK never becomes payload bytes.
 */
#include <string.h>
#include <netinet/in.h>
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
 * one running past its end is the cut (already flagged), not an error. */
static void tcp_options(struct cur o, int cut, struct pkt *p)
{
	while (o.len > 0) {
		int kind = o.p[0];
		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			cur_skip(&o, 1);
			continue;
		}
		if (cut && (o.len < 2 || o.p[1] > o.len))
			return;
		if (o.len < 2 || o.p[1] < 2 || o.p[1] > o.len || !opt_len_ok(kind, o.p[1])) {
			pkt_fail(p, PKT_MALFORMED, "TCP: bad option length");
			return;
		}
		const uint8_t *v = o.p + 2;
		switch (kind) {
		case TCPOPT_MAXSEG:         p->mss = ld_be16(v); break;
		/* RFC 7323 2.3: a shift above 14 is used as 14. */
		case TCPOPT_WINDOW:         p->wscale = (int8_t)(v[0] > 14 ? 14 : v[0]); break;
		case TCPOPT_SACK_PERMITTED: p->sack_ok = 1; break;
		case TCPOPT_SACK:
			p->has_sack = 1;
			for (size_t i = 0; i + 8 <= (size_t)o.p[1] - 2 && p->nsack < 4; i += 8, p->nsack++) {
				p->sack[p->nsack][0] = ld_be32(v + i);
				p->sack[p->nsack][1] = ld_be32(v + i + 4);
			}
			break;
		default: break;
		}
		cur_skip(&o, o.p[1]);
	}
}

void decode_tcp(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *h = c.p;
	p->kind = PK_TCP;
	if (pkt_need(p, &c, wire, 20, "TCP: segment shorter than header",
	             "TCP: header truncated") < 0)
		return;
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
}

/* One's-complement sum of n bytes: 64-bit words added with end-around
 * carry (RFC 1071), two chains for the pipeline; folded by the caller. */
static uint64_t sum_bytes(const uint8_t *b, size_t n, uint64_t s)
{
	uint64_t w, w2, s2 = 0;
	for (; n >= 16; b += 16, n -= 16) {
		memcpy(&w, b, 8);
		memcpy(&w2, b + 8, 8);
		s += w;
		s += s < w;
		s2 += w2;
		s2 += s2 < w2;
	}
	s += s2;
	s += s < s2;
	uint8_t last[16] = { 0 };
	memcpy(last, b, n);
	memcpy(&w, last, 8);
	memcpy(&w2, last + 8, 8);
	s += w;
	s += s < w;
	s += w2;
	s += s < w2;
	return s;
}

int decode_tcp_csum(const struct pkt *p)
{
	if (p->kind != PK_TCP || !p->tcp_hdr || p->cap_paylen != p->paylen ||
	    (p->family != 4 && p->family != 6))
		return CSUM_UNKNOWN;
	size_t len = (size_t)p->tcp_hlen + p->paylen, alen = p->family == 6 ? 16 : 4;
	uint8_t ph[8] = { 0, 0, 0, 0, 0, 0, 0, IPPROTO_TCP };   /* length, zero, protocol */
	ph[0] = (uint8_t)(len >> 24); ph[1] = (uint8_t)(len >> 16);
	ph[2] = (uint8_t)(len >> 8); ph[3] = (uint8_t)len;
	uint64_t s = sum_bytes(p->src, alen, 0);
	s = sum_bytes(p->dst, alen, s);
	s = sum_bytes(ph, 8, s);
	s = sum_bytes(p->tcp_hdr, p->tcp_hlen, s);
	s = sum_bytes(p->payload, p->paylen, s);
	s = (s & 0xffffffffu) + (s >> 32);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff ? CSUM_OK : CSUM_BAD;
}
