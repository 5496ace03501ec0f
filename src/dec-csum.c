/* dec-csum.c - the TCP checksum (RFC 9293 3.1) over the IPv4 (RFC 791) or
 * IPv6 (RFC 8200 8.1) pseudo-header, computed as RFC 1071 describes: a
 * one's-complement sum, taken in the host's byte order (the folded result
 * is the same), 32 bits at a time into a 64-bit accumulator. */
#include <string.h>
#include <netinet/in.h>
#include "decode_int.h"

/* The unfolded sum of n bytes that start at an even offset of the data. */
static uint64_t sum_bytes(const uint8_t *p, size_t n, uint64_t acc)
{
	uint32_t w4;
	uint16_t w2;
	for (; n >= 8; p += 8, n -= 8) {
		uint32_t b;
		memcpy(&w4, p, 4);
		memcpy(&b, p + 4, 4);
		acc += w4;
		acc += b;
	}
	if (n >= 4) {
		memcpy(&w4, p, 4);
		acc += w4;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&w2, p, 2);
		acc += w2;
		p += 2;
		n -= 2;
	}
	if (n) {                        /* the last byte, padded with a zero */
		uint8_t last[2] = { p[0], 0 };
		memcpy(&w2, last, 2);
		acc += w2;
	}
	return acc;
}

static uint16_t fold(uint64_t acc)
{
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
	return (uint16_t)acc;
}

static int tcp_csum_verify(const struct pkt *p, const uint8_t *seg, size_t len)
{
	uint8_t ph[40];
	size_t n;
	if (p->family == 4) {
		memcpy(ph, p->src, 4);
		memcpy(ph + 4, p->dst, 4);
		ph[8] = 0;
		ph[9] = IPPROTO_TCP;
		ph[10] = (uint8_t)(len >> 8);
		ph[11] = (uint8_t)len;
		n = 12;
	} else {
		memcpy(ph, p->src, 16);
		memcpy(ph + 16, p->dst, 16);
		ph[32] = (uint8_t)(len >> 24);
		ph[33] = (uint8_t)(len >> 16);
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = IPPROTO_TCP;
		n = 40;
	}
	/* the sum over everything, checksum field included, is all ones */
	return fold(sum_bytes(seg, len, sum_bytes(ph, n, 0))) == 0xffff ? CSUM_OK : CSUM_BAD;
}

int pkt_tcp_csum(struct pkt *p)
{
	if (p->tcp_csum == CSUM_UNCHECKED)
		p->tcp_csum = (uint8_t)tcp_csum_verify(p, p->tcp_seg, p->tcp_seglen);
	return p->tcp_csum;
}

int decode_tcp_csum(const struct pkt *p)
{
	if (p->tcp_csum != CSUM_UNCHECKED)
		return p->tcp_csum;
	return tcp_csum_verify(p, p->tcp_seg, p->tcp_seglen);
}
