/* print-tcp.c - the TCP header, its options, and the payload window.
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

/* Add n bytes as 32-bit words into 64-bit lanes: no carry is lost below
 * 2^32 words.  With SSE2 (every x86-64), 16 bytes per step. */
static uint64_t sum_words(const uint8_t *b, size_t n, uint64_t s)
{
#ifdef __SSE2__
	__m128i acc = _mm_setzero_si128(), z = _mm_setzero_si128();
	for (; n >= 16; b += 16, n -= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
		acc = _mm_add_epi64(acc, _mm_unpacklo_epi32(v, z));
		acc = _mm_add_epi64(acc, _mm_unpackhi_epi32(v, z));
	}
	uint64_t lanes[2];
	_mm_storeu_si128((__m128i *)(void *)lanes, acc);
	s += lanes[0] + lanes[1];
#endif
	uint32_t w;
	for (; n >= 4; b += 4, n -= 4) {
		memcpy(&w, b, 4);
		s += w;
	}
	uint8_t last[4] = { 0, 0, 0, 0 };
	memcpy(last, b, n);
	memcpy(&w, last, 4);
	return s + w;
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
	uint64_t s = sum_words(p->src, alen, 0);
	s = sum_words(p->dst, alen, s);
	s = sum_words(ph, 8, s);
	s = sum_words(p->tcp_hdr, p->tcp_hlen, s);
	s = sum_words(p->payload, p->paylen, s);
	s = (s & 0xffffffffu) + (s >> 32);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s == 0xffff ? CSUM_OK : CSUM_BAD;
}
