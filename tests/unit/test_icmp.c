/* test_icmp.c - decode_frame() on ICMPv4/ICMPv6 errors (dec-icmp.c): the
 * type, code and MTU, the quoted datagram's addresses, ports and sequence
 * number, and every way the quote can be short: cut by the snaplen
 * (truncated) or shorter than the rules ask (malformed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/dlt.h>
#include "decode.h"
#include "unit.h"

static const uint8_t CLI[4] = { 192, 0, 2, 10 }, SRV[4] = { 198, 51, 100, 25 }, GW[4] = { 192, 0, 2, 1 };
static const uint8_t CLI6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
static const uint8_t SRV6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x25 };

/* Decode from an exact-size heap copy, so ASan sees any read past caplen. */
static int dec(const uint8_t *f, size_t caplen, size_t wirelen, struct pkt *p)
{
	uint8_t *copy = malloc(caplen ? caplen : 1);
	memcpy(copy, f, caplen);
	int st = decode_frame(DLT_RAW, copy, (uint32_t)caplen, (uint32_t)wirelen, p);
	free(copy);
	return st;
}

static void be16(uint8_t *b, unsigned v) { b[0] = (uint8_t)(v >> 8); b[1] = (uint8_t)v; }
static void be32(uint8_t *b, uint32_t v) { be16(b, v >> 16); be16(b + 2, v & 0xffff); }

static size_t ip4(uint8_t *b, unsigned totlen, unsigned proto, const uint8_t *src, const uint8_t *dst)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	be16(b + 2, totlen);
	b[6] = 0x40;                      /* DF */
	b[8] = 64;
	b[9] = (uint8_t)proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	return 20;
}

static size_t ip6(uint8_t *b, unsigned plen, unsigned nh, const uint8_t *src, const uint8_t *dst)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	be16(b + 4, plen);
	b[6] = (uint8_t)nh;
	b[7] = 64;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
	return 40;
}

/* The first 20 bytes of a TCP header 41000 -> 25, seq 0x01020304. */
static size_t tcp(uint8_t *b)
{
	memset(b, 0, 20);
	be16(b, 41000);
	be16(b + 2, 25);
	be32(b + 4, 0x01020304);
	b[12] = 0x50;
	b[13] = 0x10;
	return 20;
}

/* Outer IPv4 from the gateway + ICMP type/code/rest + `qlen` bytes of a quote
 * of a 1500-byte client segment (IPv4 + TCP).  Returns the frame length. */
static size_t icmp4(uint8_t *f, int type, int code, uint32_t rest, size_t qlen)
{
	uint8_t q[40];
	ip4(q, 1500, 6, CLI, SRV);
	tcp(q + 20);
	size_t n = 20 + 8 + qlen;
	ip4(f, (unsigned)n, 1, GW, CLI);
	f[20] = (uint8_t)type;
	f[21] = (uint8_t)code;
	be16(f + 22, 0);
	be32(f + 24, rest);
	memcpy(f + 28, q, qlen);
	return n;
}

static void test_frag_needed(void)
{
	uint8_t f[128];
	struct pkt p;
	size_t n = icmp4(f, 3, 4, 1400, 40);
	CHECK(dec(f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_ICMP && p.family == 4 && !memcmp(p.src, GW, 4));
	CHECK(p.icmp.type == 3 && p.icmp.code == 4 && p.icmp.mtu == 1400);
	CHECK(p.icmp.quote == ICMPQ_SEQ && p.icmp.q_proto == 6);
	CHECK(!memcmp(p.icmp.q_src, CLI, 4) && !memcmp(p.icmp.q_dst, SRV, 4));
	CHECK(p.icmp.q_sport == 41000 && p.icmp.q_dport == 25 && p.icmp.q_seq == 0x01020304);
	CHECK(p.icmp.q_iplen == 1500 && p.icmp.q_caplen == 40);
	/* RFC 792's minimum: the IP header and 8 bytes */
	n = icmp4(f, 3, 4, 1400, 28);
	CHECK(dec(f, n, n, &p) == PKT_OK && p.icmp.quote == ICMPQ_SEQ);
	/* port unreachable: no MTU even if the field holds something */
	n = icmp4(f, 3, 3, 1400, 28);
	CHECK(dec(f, n, n, &p) == PKT_OK && p.icmp.code == 3 && p.icmp.mtu == 0);
	/* time exceeded, redirect, parameter problem, source quench quote too */
	const int types[] = { 4, 5, 11, 12 };
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		n = icmp4(f, types[i], 0, 0, 28);
		CHECK(dec(f, n, n, &p) == PKT_OK && p.kind == PK_ICMP && p.icmp.quote == ICMPQ_SEQ);
	}
}

static void test_not_errors(void)
{
	uint8_t f[64];
	struct pkt p;
	size_t n = icmp4(f, 8, 0, 0x00010001, 4);      /* echo request */
	CHECK(dec(f, n, n, &p) == PKT_OK && p.kind == PK_IP);
	n = icmp4(f, 0, 0, 0x00010001, 4);             /* echo reply */
	CHECK(dec(f, n, n, &p) == PKT_OK && p.kind == PK_IP);
	/* the snaplen cut the ICMP header: stays PK_IP, truncated */
	n = icmp4(f, 3, 4, 1400, 28);
	CHECK(dec(f, 24, n, &p) == PKT_TRUNCATED && p.kind == PK_IP);
	/* a message shorter than the ICMP header is malformed */
	ip4(f, 24, 1, GW, CLI);
	f[20] = 3;
	CHECK(dec(f, 24, 24, &p) == PKT_MALFORMED && p.kind == PK_IP);
}

static void test_short_quotes(void)
{
	uint8_t f[128];
	struct pkt p;
	/* ports but not the sequence number on the wire: malformed, ports kept */
	size_t n = icmp4(f, 3, 4, 1400, 24);
	CHECK(dec(f, n, n, &p) == PKT_MALFORMED && p.kind == PK_ICMP);
	CHECK(p.icmp.quote == ICMPQ_PORTS && p.icmp.q_dport == 25);
	CHECK_STR(p.err, "ICMP: quote shorter than the IP header + 8 bytes");
	/* the same bytes on the wire, cut by the snaplen: truncated */
	n = icmp4(f, 3, 4, 1400, 40);
	CHECK(dec(f, 28 + 24, n, &p) == PKT_TRUNCATED && p.icmp.quote == ICMPQ_PORTS);
	CHECK_STR(p.err, "ICMP: quoted transport header truncated");
	/* the quoted IP header itself: malformed on the wire, truncated by the snaplen */
	n = icmp4(f, 3, 1, 0, 12);
	CHECK(dec(f, n, n, &p) == PKT_MALFORMED && p.icmp.quote == ICMPQ_NONE);
	n = icmp4(f, 3, 1, 0, 40);
	CHECK(dec(f, 28 + 12, n, &p) == PKT_TRUNCATED && p.icmp.quote == ICMPQ_NONE);
	/* every caplen: never a read past it (ASan); the seq once its bytes are there */
	for (size_t cap = 0; cap < n; cap++) {
		int st = dec(f, cap, n, &p);
		CHECK(st == PKT_TRUNCATED);
		CHECK((p.icmp.quote == ICMPQ_SEQ) == (cap >= 20 + 8 + 20 + 8));
	}
}

static void test_odd_quotes(void)
{
	uint8_t f[128];
	struct pkt p;
	size_t n = icmp4(f, 3, 4, 1400, 40);
	f[28] = 0x44;                                  /* quoted IHL 4 */
	CHECK(dec(f, n, n, &p) == PKT_MALFORMED && p.icmp.quote == ICMPQ_NONE);
	CHECK_STR(p.err, "ICMP: quoted IPv4 header length < 20");
	f[28] = 0x65;                                  /* quoted version 6 */
	CHECK(dec(f, n, n, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "ICMP: quoted datagram is not IPv4");
	/* a non-first fragment has no transport header */
	n = icmp4(f, 3, 4, 1400, 40);
	be16(f + 28 + 6, 0x00b9);
	CHECK(dec(f, n, n, &p) == PKT_OK && p.icmp.quote == ICMPQ_IP);
	/* a quoted datagram of 24 bytes: 4 transport bytes are all there is */
	n = icmp4(f, 3, 3, 0, 24);
	be16(f + 28 + 2, 24);
	CHECK(dec(f, n, n, &p) == PKT_OK && p.icmp.quote == ICMPQ_PORTS);
	/* UDP: ports, no sequence number */
	n = icmp4(f, 3, 3, 0, 28);
	f[28 + 9] = 17;
	CHECK(dec(f, n, n, &p) == PKT_OK && p.icmp.quote == ICMPQ_PORTS && p.icmp.q_proto == 17);
}

/* ICMPv6 from the server + a quote of an IPv6 TCP segment, with `ext`
 * bytes of hop-by-hop options between; qlen bytes of the quote. */
static size_t icmp6(uint8_t *f, int type, int code, uint32_t rest, int ext, size_t qlen)
{
	uint8_t q[128];
	size_t k = ip6(q, 1460 + 20 + (unsigned)ext, ext ? 0 : 6, CLI6, SRV6);
	if (ext) {
		memset(q + k, 0, (size_t)ext);
		q[k] = 6;
		q[k + 1] = (uint8_t)(ext / 8 - 1);
		k += (size_t)ext;
	}
	k += tcp(q + k);
	if (qlen > k)
		qlen = k;
	ip6(f, (unsigned)(8 + qlen), 58, SRV6, CLI6);
	f[40] = (uint8_t)type;
	f[41] = (uint8_t)code;
	be16(f + 42, 0);
	be32(f + 44, rest);
	memcpy(f + 48, q, qlen);
	return 48 + qlen;
}

static void test_icmp6(void)
{
	uint8_t f[256];
	struct pkt p;
	size_t n = icmp6(f, 2, 0, 1280, 0, 100);
	CHECK(dec(f, n, n, &p) == PKT_OK && p.kind == PK_ICMP && p.family == 6);
	CHECK(p.icmp.type == 2 && p.icmp.mtu == 1280 && p.icmp.quote == ICMPQ_SEQ);
	CHECK(!memcmp(p.icmp.q_src, CLI6, 16) && p.icmp.q_sport == 41000 && p.icmp.q_seq == 0x01020304);
	CHECK(p.icmp.q_iplen == 40 + 1480);
	n = icmp6(f, 1, 4, 0, 16, 100);                /* port unreachable, hop-by-hop in the quote */
	CHECK(dec(f, n, n, &p) == PKT_OK && p.icmp.code == 4 && p.icmp.mtu == 0);
	CHECK(p.icmp.quote == ICMPQ_SEQ && p.icmp.q_dport == 25);
	n = icmp6(f, 3, 0, 0, 16, 48);                 /* the quote ends inside the chain */
	CHECK(dec(f, n, n, &p) == PKT_OK && p.icmp.quote == ICMPQ_IP);
	n = icmp6(f, 1, 0, 0, 0, 30);                  /* shorter than an IPv6 header */
	CHECK(dec(f, n, n, &p) == PKT_MALFORMED && p.icmp.quote == ICMPQ_NONE);
	n = icmp6(f, 128, 0, 0, 0, 0);                 /* echo request: not an error */
	CHECK(dec(f, n, n, &p) == PKT_OK && p.kind == PK_IP);
	n = icmp6(f, 2, 0, 1280, 0, 100);
	for (size_t cap = 0; cap < n; cap++) {
		CHECK(dec(f, cap, n, &p) == PKT_TRUNCATED);
		CHECK((p.icmp.quote == ICMPQ_SEQ) == (cap >= 40 + 8 + 40 + 8));
	}
}

int main(void)
{
	UNIT_RUN(test_frag_needed);
	UNIT_RUN(test_not_errors);
	UNIT_RUN(test_short_quotes);
	UNIT_RUN(test_odd_quotes);
	UNIT_RUN(test_icmp6);
	return UNIT_DONE();
}
