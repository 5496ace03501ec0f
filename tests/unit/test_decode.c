/* test_decode.c - decode_frame() on hand-built frames: every link type,
 * IPv4/IPv6 (+ extension headers, fragments), TCP options, ARP, ND, and
 * every way a frame can be cut short or be inconsistent. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/dlt.h>
#include "decode.h"
#include "unit.h"

static const uint8_t MAC_A[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t IP4_A[4] = { 192, 0, 2, 1 };
static const uint8_t IP4_B[4] = { 192, 0, 2, 25 };
static const uint8_t IP6_A[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t IP6_B[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x25 };

/* Ethernet + IPv4 (id 0x1234, TTL 64, DF) + TCP 49152 -> 25, seq 0x01020304,
 * ack 0x0a0b0c0d, PSH|ACK, window 512, options NOP NOP TS, MSS, WS 7,
 * SACK-permitted, NOP NOP SACK(1 block), payload "EHLO x\r\n". */
static const uint8_t FULL[] = {
	0x02, 0, 0, 0, 0, 0x0b,  0x02, 0, 0, 0, 0, 0x0a,  0x08, 0x00,
	0x45, 0x00, 0x00, 0x54,  0x12, 0x34, 0x40, 0x00,  0x40, 0x06, 0x00, 0x00,
	192, 0, 2, 1,  192, 0, 2, 25,
	0xc0, 0x00, 0x00, 0x19,  0x01, 0x02, 0x03, 0x04,  0x0a, 0x0b, 0x0c, 0x0d,
	0xe0, 0x18, 0x02, 0x00,  0x00, 0x00, 0x00, 0x00,
	1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2,      /* NOP NOP TS       (12) */
	2, 4, 0x05, 0xb4,                        /* MSS 1460         (4)  */
	1, 3, 3, 7,                              /* NOP WS 7         (4)  */
	4, 2, 1, 1,                              /* SACKOK NOP NOP   (4)  */
	1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9,     /* NOP NOP SACK     (12) */
	'E', 'H', 'L', 'O', ' ', 'x', '\r', '\n',
};

/* Decode from an exact-size heap copy, so ASan sees any read past caplen. */
static int dec(int dlt, const uint8_t *f, size_t caplen, size_t wirelen, struct pkt *p)
{
	uint8_t *copy = malloc(caplen ? caplen : 1);
	memcpy(copy, f, caplen);
	int st = decode_frame(dlt, copy, (uint32_t)caplen, (uint32_t)wirelen, p);
	/* payload points into the frame; re-aim it at the caller's bytes */
	if (p->payload)
		p->payload = f + (p->payload - copy);
	free(copy);
	return st;
}

/* ---- frame builders --------------------------------------------------- */

static size_t put_be16(uint8_t *b, unsigned v) { b[0] = (uint8_t)(v >> 8); b[1] = (uint8_t)v; return 2; }

static size_t put_eth(uint8_t *b, unsigned type)
{
	memcpy(b, MAC_B, 6);
	memcpy(b + 6, MAC_A, 6);
	put_be16(b + 12, type);
	return 14;
}

static size_t put_ip4(uint8_t *b, unsigned totlen, unsigned proto, unsigned frag)
{
	memset(b, 0, 20);
	b[0] = 0x45;
	put_be16(b + 2, totlen);
	put_be16(b + 4, 0x4242);
	put_be16(b + 6, frag);
	b[8] = 63;
	b[9] = (uint8_t)proto;
	memcpy(b + 12, IP4_A, 4);
	memcpy(b + 16, IP4_B, 4);
	return 20;
}

static size_t put_ip6(uint8_t *b, unsigned plen, unsigned nh)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	put_be16(b + 4, plen);
	b[6] = (uint8_t)nh;
	b[7] = 255;
	memcpy(b + 8, IP6_A, 16);
	memcpy(b + 24, IP6_B, 16);
	return 40;
}

/* Bare TCP header (no options), ACK, 25 -> 49152. */
static size_t put_tcp(uint8_t *b, unsigned flags)
{
	memset(b, 0, 20);
	put_be16(b, 25);
	put_be16(b + 2, 49152);
	b[4] = 0xde; b[5] = 0xad; b[6] = 0xbe; b[7] = 0xef;
	b[12] = 5 << 4;
	b[13] = (uint8_t)flags;
	put_be16(b + 14, 65535);
	return 20;
}

/* IPv4 + TCP + "220 hi\r\n" (48 bytes) at b. */
static size_t put_ip4_tcp(uint8_t *b)
{
	size_t n = put_ip4(b, 48, 6, 0x4000);
	n += put_tcp(b + n, TH_ACK | TH_PSH);
	memcpy(b + n, "220 hi\r\n", 8);
	return n + 8;
}

static size_t put_ip6_tcp(uint8_t *b)
{
	size_t n = put_ip6(b, 28, 6);
	n += put_tcp(b + n, TH_ACK | TH_PSH);
	memcpy(b + n, "220 hi\r\n", 8);
	return n + 8;
}

static void check_ip4_tcp(const struct pkt *p)
{
	CHECK(p->status == PKT_OK);
	CHECK(p->err == NULL);
	CHECK(p->kind == PK_TCP);
	CHECK(p->family == 4);
	CHECK_MEM(p->src, 4, IP4_A, 4);
	CHECK_MEM(p->dst, 4, IP4_B, 4);
	CHECK(p->ttl == 63 && p->ip_id == 0x4242);
	CHECK(p->sport == 25 && p->dport == 49152);
	CHECK(p->seq == 0xdeadbeef);
	CHECK(p->paylen == 8 && p->cap_paylen == 8);
	CHECK(p->payload && memcmp(p->payload, "220 hi\r\n", 8) == 0);
}

/* ---- tests ------------------------------------------------------------- */

static void test_full(void)
{
	struct pkt p;
	CHECK(dec(DLT_EN10MB, FULL, sizeof FULL, sizeof FULL, &p) == PKT_OK);
	CHECK(p.err == NULL);
	CHECK(p.kind == PK_TCP);
	CHECK(p.has_mac);
	CHECK_MEM(p.mac_src, 6, MAC_A, 6);
	CHECK_MEM(p.mac_dst, 6, MAC_B, 6);
	CHECK(p.vlan == 0);
	CHECK(p.family == 4);
	CHECK_MEM(p.src, 4, IP4_A, 4);
	CHECK_MEM(p.dst, 4, IP4_B, 4);
	static const uint8_t zero[12];
	CHECK_MEM(p.src + 4, 12, zero, 12);
	CHECK(p.ttl == 64);
	CHECK(p.ip_id == 0x1234);
	CHECK(p.sport == 49152 && p.dport == 25);
	CHECK(p.seq == 0x01020304 && p.ack == 0x0a0b0c0d);
	CHECK(p.flags == (TH_PSH | TH_ACK));
	CHECK(p.win == 512);
	CHECK(p.mss == 1460);
	CHECK(p.wscale == 7);
	CHECK(p.sack_ok == 1);
	CHECK(p.has_sack == 1);
	CHECK(p.paylen == 8 && p.cap_paylen == 8);
	CHECK(p.payload && memcmp(p.payload, "EHLO x\r\n", 8) == 0);
}

/* A bare ACK is padded to the 60-byte Ethernet minimum: the padding must
 * not become payload. */
static void test_padding(void)
{
	uint8_t f[60] = { 0 };
	size_t n = put_eth(f, 0x0800);
	n += put_ip4(f + n, 40, 6, 0);
	n += put_tcp(f + n, TH_ACK);
	memset(f + n, 0xee, sizeof f - n);   /* visible junk in the padding */
	struct pkt p;
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_OK);
	CHECK(p.kind == PK_TCP);
	CHECK(p.paylen == 0 && p.cap_paylen == 0);
	CHECK(p.wscale == -1 && p.mss == 0 && !p.sack_ok && !p.has_sack);
	/* and also when a trailer (e.g. an FCS) follows a datagram with data */
	uint8_t g[128];
	n = put_eth(g, 0x0800);
	n += put_ip4_tcp(g + n);
	memset(g + n, 0xee, 4);
	CHECK(dec(DLT_EN10MB, g, n + 4, n + 4, &p) == PKT_OK);
	check_ip4_tcp(&p);
}

static void test_vlan(void)
{
	uint8_t f[128];
	struct pkt p;
	size_t n = put_eth(f, 0x8100);
	n += put_be16(f + n, 0x2000 | 100);  /* PCP 1, VID 100 */
	n += put_be16(f + n, 0x0800);
	n += put_ip4_tcp(f + n);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.vlan == 100);
	check_ip4_tcp(&p);

	/* 802.1ad outer tag 200, 802.1Q inner tag 100: the outer one is kept */
	n = put_eth(f, 0x88a8);
	n += put_be16(f + n, 200);
	n += put_be16(f + n, 0x8100);
	n += put_be16(f + n, 100);
	n += put_be16(f + n, 0x86dd);
	n += put_ip6_tcp(f + n);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.vlan == 200);
	CHECK(p.kind == PK_TCP && p.family == 6);
	CHECK(p.paylen == 8);

	/* cut inside the second tag */
	CHECK(dec(DLT_EN10MB, f, 20, n, &p) == PKT_TRUNCATED);
	CHECK(p.vlan == 200);
	CHECK_STR(p.err, "VLAN: tag truncated");
}

static void test_sll(void)
{
	uint8_t f[128] = { 0 };
	struct pkt p;
	/* v1: pkttype 4 (outgoing), hatype 1, halen 6, addr, protocol */
	put_be16(f, 4);
	put_be16(f + 2, 1);
	put_be16(f + 4, 6);
	memcpy(f + 6, MAC_A, 6);
	put_be16(f + 14, 0x0800);
	size_t n = 16 + put_ip4_tcp(f + 16);
	CHECK(dec(DLT_LINUX_SLL, f, n, n, &p) == PKT_OK);
	check_ip4_tcp(&p);
	CHECK(p.has_mac);
	CHECK_MEM(p.mac_src, 6, MAC_A, 6);
	static const uint8_t zero[6];
	CHECK_MEM(p.mac_dst, 6, zero, 6);

	/* v2: protocol, mbz, ifindex, hatype, pkttype, halen, addr */
	memset(f, 0, sizeof f);
	put_be16(f, 0x86dd);
	f[7] = 3;
	put_be16(f + 8, 1);
	f[10] = 0;
	f[11] = 6;
	memcpy(f + 12, MAC_B, 6);
	n = 20 + put_ip6_tcp(f + 20);
	CHECK(dec(DLT_LINUX_SLL2, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_TCP && p.family == 6 && p.has_mac);
	CHECK_MEM(p.mac_src, 6, MAC_B, 6);
	CHECK_MEM(p.src, 16, IP6_A, 16);
	CHECK_MEM(p.dst, 16, IP6_B, 16);
	CHECK(p.ttl == 255);

	/* an address that is not 6 bytes long is not a MAC */
	f[11] = 0;
	CHECK(dec(DLT_LINUX_SLL2, f, n, n, &p) == PKT_OK);
	CHECK(!p.has_mac);
}

static void test_null(void)
{
	static const uint8_t le4[4] = { 2, 0, 0, 0 }, be4[4] = { 0, 0, 0, 2 };
	static const uint8_t le6[4] = { 30, 0, 0, 0 }, be6[4] = { 0, 0, 0, 24 };
	static const uint8_t af_bad[4] = { 0, 0, 0, 7 };
	uint8_t f[128];
	struct pkt p;
	size_t n;
	const int dlts[] = { DLT_NULL, DLT_LOOP, 108 };
	for (size_t i = 0; i < sizeof dlts / sizeof dlts[0]; i++) {
		memcpy(f, le4, 4);
		n = 4 + put_ip4_tcp(f + 4);
		CHECK(dec(dlts[i], f, n, n, &p) == PKT_OK);
		check_ip4_tcp(&p);
		memcpy(f, be4, 4);
		CHECK(dec(dlts[i], f, n, n, &p) == PKT_OK);
		check_ip4_tcp(&p);
		memcpy(f, le6, 4);
		n = 4 + put_ip6_tcp(f + 4);
		CHECK(dec(dlts[i], f, n, n, &p) == PKT_OK);
		CHECK(p.kind == PK_TCP && p.family == 6);
		memcpy(f, be6, 4);
		CHECK(dec(dlts[i], f, n, n, &p) == PKT_OK);
		CHECK(p.kind == PK_TCP && p.family == 6);
		memcpy(f, af_bad, 4);
		CHECK(dec(dlts[i], f, n, n, &p) == PKT_OK);
		CHECK(p.kind == PK_OTHER && p.family == 0);
	}
}

static void test_raw(void)
{
	uint8_t f[128];
	struct pkt p;
	size_t n4 = put_ip4_tcp(f);
	const int raw[] = { DLT_RAW, 12, 14, 101 };
	for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
		CHECK(decode_linktype_supported(raw[i]));
		n4 = put_ip4_tcp(f);
		CHECK(dec(raw[i], f, n4, n4, &p) == PKT_OK);
		check_ip4_tcp(&p);
		size_t n6 = put_ip6_tcp(f);
		CHECK(dec(raw[i], f, n6, n6, &p) == PKT_OK);
		CHECK(p.kind == PK_TCP && p.family == 6 && p.paylen == 8);
	}
	n4 = put_ip4_tcp(f);
	CHECK(dec(DLT_IPV4, f, n4, n4, &p) == PKT_OK);
	check_ip4_tcp(&p);
	/* DLT_IPV6 holding an IPv4 datagram: version mismatch */
	CHECK(dec(DLT_IPV6, f, n4, n4, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "IPv6: version field is not 6");
	f[0] = 0x55;
	CHECK(dec(DLT_RAW, f, n4, n4, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "IP: version not 4 or 6");
	size_t n6 = put_ip6_tcp(f);
	CHECK(dec(DLT_IPV6, f, n6, n6, &p) == PKT_OK);
	CHECK(p.kind == PK_TCP && p.family == 6);
}

static void test_linktypes(void)
{
	CHECK(decode_linktype_supported(DLT_EN10MB));
	CHECK(decode_linktype_supported(DLT_LINUX_SLL));
	CHECK(decode_linktype_supported(276));
	CHECK(decode_linktype_supported(DLT_NULL));
	CHECK(decode_linktype_supported(DLT_LOOP));
	CHECK(decode_linktype_supported(228) && decode_linktype_supported(229));
	CHECK(!decode_linktype_supported(105));   /* 802.11 */
	CHECK(!decode_linktype_supported(-1));
	struct pkt p;
	CHECK(dec(105, FULL, sizeof FULL, sizeof FULL, &p) == PKT_MALFORMED);
	CHECK(p.kind == PK_OTHER);
	/* 802.3 length field and unknown ethertypes: counted, not analysed */
	uint8_t f[64] = { 0 };
	put_eth(f, 46);
	CHECK(dec(DLT_EN10MB, f, 60, 60, &p) == PKT_OK && p.kind == PK_OTHER && p.has_mac);
	put_eth(f, 0x88cc);
	CHECK(dec(DLT_EN10MB, f, 60, 60, &p) == PKT_OK && p.kind == PK_OTHER);
	/* caplen 0, NULL data */
	CHECK(decode_frame(DLT_EN10MB, NULL, 0, 0, &p) == PKT_MALFORMED);
	CHECK(decode_frame(DLT_EN10MB, NULL, 0, 60, &p) == PKT_TRUNCATED);
}

/* hop-by-hop (PadN) + destination options + TCP; then fragments */
static void test_ip6_ext(void)
{
	uint8_t f[160];
	struct pkt p;
	size_t n = put_eth(f, 0x86dd);
	size_t ip = n;
	n += put_ip6(f + n, 8 + 16 + 28, 0);
	static const uint8_t hbh[8] = { 60, 0, 1, 4, 0, 0, 0, 0 };
	static const uint8_t dst[16] = { 6, 1, 1, 12, 0 };
	memcpy(f + n, hbh, 8); n += 8;
	memcpy(f + n, dst, 16); n += 16;
	n += put_tcp(f + n, TH_ACK | TH_PSH);
	memcpy(f + n, "220 hi\r\n", 8); n += 8;
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_TCP && p.family == 6);
	CHECK(p.sport == 25 && p.seq == 0xdeadbeef);
	CHECK(p.paylen == 8 && p.cap_paylen == 8);
	CHECK(p.payload && memcmp(p.payload, "220 hi\r\n", 8) == 0);

	/* extension header longer than the payload length says */
	f[ip + 40 + 8 + 1] = 9;
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "IPv6: extension header beyond payload");

	/* fragment header: first fragment is TCP, a later one is PK_IP */
	n = put_eth(f, 0x86dd);
	n += put_ip6(f + n, 8 + 28, 44);
	static const uint8_t frag1[8] = { 6, 0, 0x00, 0x01, 0, 0, 0, 7 };  /* off 0, M */
	memcpy(f + n, frag1, 8); n += 8;
	size_t tcp = n;
	n += put_tcp(f + n, TH_ACK);
	memcpy(f + n, "220 hi\r\n", 8); n += 8;
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_TCP && p.paylen == 8);
	f[tcp - 5] = 0xb8;  /* offset 23 * 8 */
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_IP && p.family == 6 && p.sport == 0);

	/* no next header (59), UDP: PK_IP */
	n = put_eth(f, 0x86dd) + put_ip6(f + 14, 0, 59);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK && p.kind == PK_IP);
	/* payload length beyond the frame */
	put_ip6(f + 14, 100, 6);
	CHECK(dec(DLT_EN10MB, f, n + 20, n + 20, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "IPv6: payload length beyond frame");
}

static size_t put_arp(uint8_t *f, unsigned op)
{
	size_t n = put_eth(f, 0x0806);
	uint8_t *a = f + n;
	put_be16(a, 1);
	put_be16(a + 2, 0x0800);
	a[4] = 6; a[5] = 4;
	put_be16(a + 6, op);
	memcpy(a + 8, MAC_A, 6);
	memcpy(a + 14, IP4_A, 4);
	if (op == 2)
		memcpy(a + 18, MAC_B, 6);
	else
		memset(a + 18, 0, 6);
	memcpy(a + 24, IP4_B, 4);
	return n + 28;
}

static void test_arp(void)
{
	uint8_t f[60] = { 0 };
	struct pkt p;
	size_t n = put_arp(f, 1);
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_OK);   /* padded */
	CHECK(p.kind == PK_ARP && p.arp_op == 1);
	CHECK_MEM(p.arp_sha, 6, MAC_A, 6);
	CHECK_MEM(p.arp_spa, 4, IP4_A, 4);
	CHECK_MEM(p.arp_tpa, 4, IP4_B, 4);
	CHECK(p.family == 4);
	CHECK_MEM(p.src, 4, IP4_A, 4);
	n = put_arp(f, 2);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_ARP && p.arp_op == 2);
	CHECK_MEM(p.arp_tha, 6, MAC_B, 6);
	/* ARP for another protocol: not ours */
	put_be16(f + 16, 0x86dd);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK && p.kind == PK_OTHER);
	/* a complete frame too short for the addresses */
	n = put_arp(f, 1);
	CHECK(dec(DLT_EN10MB, f, n - 4, n - 4, &p) == PKT_MALFORMED);
	CHECK(p.kind == PK_ARP && p.arp_op == 1);
}

/* Ethernet + IPv6 + ND (NS with SLLA, or NA with TLLA) */
static size_t put_nd(uint8_t *f, int type)
{
	size_t n = put_eth(f, 0x86dd);
	n += put_ip6(f + n, 32, 58);
	uint8_t *m = f + n;
	memset(m, 0, 32);
	m[0] = (uint8_t)type;
	if (type == 136)
		m[4] = 0x60;   /* S, O */
	memcpy(m + 8, IP6_B, 16);
	m[24] = type == 135 ? 1 : 2;
	m[25] = 1;
	memcpy(m + 26, type == 135 ? MAC_A : MAC_B, 6);
	return n + 32;
}

static void test_nd(void)
{
	uint8_t f[128];
	struct pkt p;
	size_t n = put_nd(f, 135);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_ND && p.nd_type == 135 && p.family == 6 && p.ttl == 255);
	CHECK_MEM(p.nd_target, 16, IP6_B, 16);
	CHECK(p.nd_has_lladdr);
	CHECK_MEM(p.nd_lladdr, 6, MAC_A, 6);
	n = put_nd(f, 136);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_ND && p.nd_type == 136 && p.nd_has_lladdr);
	CHECK_MEM(p.nd_lladdr, 6, MAC_B, 6);
	/* NA carrying a source-lladdr option: not the one that counts */
	f[n - 8] = 1;
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK && !p.nd_has_lladdr);
	/* MSS option length 0 */
	f[n - 7] = 0;
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "ICMPv6: ND option length 0");
	/* no option at all */
	n = put_nd(f, 135);
	put_be16(f + 14 + 4, 24);
	CHECK(dec(DLT_EN10MB, f, n - 8, n - 8, &p) == PKT_OK);
	CHECK(p.kind == PK_ND && !p.nd_has_lladdr);
	/* echo request: plain IP */
	n = put_nd(f, 128);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK && p.kind == PK_IP);
}

/* Cut a frame at every length: always TRUNCATED, never a crash (ASan). */
static void trunc_all(int dlt, const uint8_t *f, size_t len, const char *what)
{
	int bad = 0;
	struct pkt p;
	for (size_t cap = 0; cap < len; cap++) {
		int st = dec(dlt, f, cap, len, &p);
		if (st != PKT_TRUNCATED || !p.err || p.cap_paylen > p.paylen) {
			fprintf(stderr, "%s: caplen %zu: status %d err %s\n", what, cap, st,
			        p.err ? p.err : "(null)");
			bad++;
		}
	}
	CHECK(bad == 0);
	CHECK(dec(dlt, f, len, len, &p) == PKT_OK);
}

static void test_truncated(void)
{
	uint8_t f[160];
	size_t n;
	trunc_all(DLT_EN10MB, FULL, sizeof FULL, "full");
	n = put_eth(f, 0x8100) + put_be16(f + 14, 7) + put_be16(f + 16, 0x86dd);
	n += put_ip6_tcp(f + n);
	trunc_all(DLT_EN10MB, f, n, "vlan6");
	n = put_arp(f, 1);
	trunc_all(DLT_EN10MB, f, n, "arp");
	n = put_nd(f, 135);
	trunc_all(DLT_EN10MB, f, n, "nd");
	memset(f, 0, 20);
	put_be16(f, 0x0800);
	f[11] = 6;
	n = 20 + put_ip4_tcp(f + 20);
	trunc_all(DLT_LINUX_SLL2, f, n, "sll2");
	n = 4 + put_ip4_tcp(f + 4);
	memcpy(f, "\2\0\0\0", 4);
	trunc_all(DLT_NULL, f, n, "null");

	/* snaplen inside the payload: lengths from the IP header */
	struct pkt p;
	CHECK(dec(DLT_EN10MB, FULL, sizeof FULL - 5, sizeof FULL, &p) == PKT_TRUNCATED);
	CHECK(p.kind == PK_TCP && p.paylen == 8 && p.cap_paylen == 3);
	CHECK(p.payload && memcmp(p.payload, "EHL", 3) == 0);
	CHECK(p.mss == 1460 && p.seq == 0x01020304);
	CHECK_STR(p.err, "TCP: payload truncated");
	/* snaplen inside the TCP options: ports and seq are still there */
	CHECK(dec(DLT_EN10MB, FULL, 14 + 20 + 20 + 18, sizeof FULL, &p) == PKT_TRUNCATED);
	CHECK(p.sport == 49152 && p.seq == 0x01020304);
	CHECK_STR(p.err, "TCP: options truncated");
	/* ... and the options that made it are still reported (MSS, not WS) */
	CHECK(p.mss == 1460 && p.wscale == -1 && p.payload == NULL);
	/* a datagram of another protocol (GRE) cut short is truncated too */
	n = put_eth(f, 0x0800) + put_ip4(f + 14, 60, 47, 0);
	CHECK(dec(DLT_EN10MB, f, n + 8, 14 + 60, &p) == PKT_TRUNCATED);
	CHECK(p.kind == PK_IP);
	CHECK_STR(p.err, "IPv4: payload truncated");
}

static void test_malformed(void)
{
	uint8_t f[sizeof FULL];
	struct pkt p;

	memcpy(f, FULL, sizeof f);
	f[14] = 0x44;                                  /* IHL 4 */
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "IPv4: IHL 4 < 5");
	CHECK(p.kind == PK_IP);

	memcpy(f, FULL, sizeof f);
	f[14] = 0x65;                                  /* version 6 in an IPv4 frame */
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "IPv4: version field is not 4");

	memcpy(f, FULL, sizeof f);
	f[34 + 12] = 0x30;                             /* data offset 3 */
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "TCP: data offset 3 < 5");
	CHECK(p.kind == PK_TCP && p.sport == 49152);

	memcpy(f, FULL, sizeof f);
	f[34 + 12] = 0xf0;                             /* 60-byte header > segment */
	f[17] = 0x46;                                  /* total length 70 */
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "TCP: data offset beyond segment");

	memcpy(f, FULL, sizeof f);
	f[16] = 0; f[17] = 19;                         /* total length 19 < 20 */
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "IPv4: total length < header length");

	memcpy(f, FULL, sizeof f);
	f[16] = 0x01;                                  /* total length 0x154 > frame */
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "IPv4: total length beyond frame");
	/* ... but with the frame's real length beyond the capture it is a cut */
	CHECK(dec(DLT_EN10MB, f, sizeof f, 14 + 0x154, &p) == PKT_TRUNCATED);
	CHECK(p.paylen == 0x154 - 20 - 56 && p.cap_paylen == 8);

	memcpy(f, FULL, sizeof f);
	f[54 + 13] = 3;                                /* MSS option length 3 */
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_MALFORMED);
	CHECK_STR(p.err, "TCP: bad option length");
	CHECK(p.cap_paylen == 8);                      /* the payload still stands */

	memcpy(f, FULL, sizeof f);
	f[54 + 13] = 0;                                /* MSS option length 0 */
	CHECK(dec(DLT_EN10MB, f, sizeof f, sizeof f, &p) == PKT_MALFORMED);

	/* IPv4 options: IHL 6 with a NOP word is fine */
	uint8_t g[128];
	size_t n = put_eth(g, 0x0800);
	put_ip4(g + n, 52, 6, 0);
	g[n] = 0x46;
	memset(g + n + 20, 1, 4);
	n += 24;
	n += put_tcp(g + n, TH_ACK);
	memcpy(g + n, "220 hi\r\n", 8);
	n += 8;
	CHECK(dec(DLT_EN10MB, g, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_TCP && p.paylen == 8 && p.sport == 25);
}

static void test_fragments(void)
{
	uint8_t f[128];
	struct pkt p;
	size_t n = put_eth(f, 0x0800);
	n += put_ip4_tcp(f + n);
	put_be16(f + 14 + 6, 0x2000);                  /* MF, offset 0: first fragment */
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_TCP && p.sport == 25);
	put_be16(f + 14 + 6, 0x0003);                  /* offset 24: not TCP-decodable */
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_IP && p.family == 4 && p.sport == 0 && p.paylen == 0);
	CHECK_MEM(p.src, 4, IP4_A, 4);
	/* TSO: total length 0 means "as long as the frame" */
	n = put_eth(f, 0x0800);
	n += put_ip4_tcp(f + n);
	put_be16(f + 16, 0);
	CHECK(dec(DLT_EN10MB, f, n, n, &p) == PKT_OK);
	CHECK(p.kind == PK_TCP && p.paylen == 8);
}

/* Random bytes on every link type: status is one of the documented values,
 * the payload lies inside the frame.  ASan does the rest. */
static void test_garbage(void)
{
	uint32_t s = 12345;
	const int dlts[] = { DLT_EN10MB, DLT_LINUX_SLL, 276, DLT_NULL, DLT_RAW, 228, 229 };
	uint8_t f[96];
	int bad = 0;
	for (int i = 0; i < 30000; i++) {
		size_t len = (s = s * 1103515245u + 12345u) >> 16 & 0x7f;
		if (len > sizeof f)
			len = sizeof f;
		for (size_t j = 0; j < len; j++)
			f[j] = (uint8_t)((s = s * 1103515245u + 12345u) >> 16);
		/* steer some frames towards the interesting paths */
		if (len > 14 && (i & 1)) { f[12] = 0x08; f[13] = 0x00; f[14] = 0x45; f[23] = 6; }
		if (len > 4 && (i & 2)) { f[0] = 0x45; f[9] = 6; f[2] = 0; f[3] = (uint8_t)len; }
		struct pkt p;
		int dlt = dlts[i % (sizeof dlts / sizeof dlts[0])];
		int st = dec(dlt, f, len, len + (i & 4 ? 10 : 0), &p);
		if (st < 0 || st > 3 || (st && !p.err) || (!st && p.err) ||
		    p.cap_paylen > p.paylen ||
		    (p.payload && (p.payload < f || p.payload + p.cap_paylen > f + len)))
			bad++;
	}
	CHECK(bad == 0);
}

/* ---- TCP checksum ------------------------------------------------------ */

/* A reference the straightforward way (RFC 1071, big-endian words), kept
 * apart from dec-csum.c's 32-bit host-order sum. */
static unsigned ref_sum(const uint8_t *b, size_t n, unsigned acc)
{
	for (size_t i = 0; i < n; i += 2)
		acc += (unsigned)b[i] << 8 | (i + 1 < n ? b[i + 1] : 0);
	return acc;
}

/* Fill in the TCP checksum of the segment at seg (len bytes) between the
 * addresses of family fam. */
static void set_csum(uint8_t *seg, size_t len, int fam)
{
	uint8_t ph[40] = { 0 };
	size_t n = fam == 4 ? 12 : 40;
	memcpy(ph, fam == 4 ? IP4_A : IP6_A, fam == 4 ? 4 : 16);
	memcpy(ph + (fam == 4 ? 4 : 16), fam == 4 ? IP4_B : IP6_B, fam == 4 ? 4 : 16);
	if (fam == 4) {
		ph[9] = 6;
		put_be16(ph + 10, (unsigned)len);
	} else {
		put_be16(ph + 34, (unsigned)len);
		ph[39] = 6;
	}
	seg[16] = seg[17] = 0;
	unsigned acc = ref_sum(seg, len, ref_sum(ph, n, 0));
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	put_be16(seg + 16, ~acc & 0xffff);
}

/* IPv4: good, odd length, one bit flipped in the payload or the header. */
static void test_csum4(void)
{
	uint8_t f[128];
	struct pkt p;
	size_t n = put_eth(f, 0x0800) + put_ip4_tcp(f + 14);
	set_csum(f + 34, n - 34, 4);
	CHECK(decode_frame(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, &p) == PKT_OK);
	CHECK(p.tcp_csum == CSUM_UNCHECKED);
	CHECK(pkt_tcp_csum(&p) == CSUM_OK && p.tcp_csum == CSUM_OK);
	f[n - 3] ^= 0x01;                       /* payload */
	decode_frame(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, &p);
	CHECK(pkt_tcp_csum(&p) == CSUM_BAD);
	f[n - 3] ^= 0x01;
	f[34 + 4] ^= 0x80;                      /* sequence number */
	decode_frame(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, &p);
	CHECK(pkt_tcp_csum(&p) == CSUM_BAD);
	f[34 + 4] ^= 0x80;
	/* odd payload length: the last byte is padded with zero */
	put_be16(f + 14 + 2, 47);
	set_csum(f + 34, n - 1 - 34, 4);
	decode_frame(DLT_EN10MB, f, (uint32_t)n - 1, (uint32_t)n - 1, &p);
	CHECK(p.paylen == 7 && pkt_tcp_csum(&p) == CSUM_OK);
	/* the full FULL frame (options, 8 payload bytes) */
	uint8_t g[sizeof FULL];
	memcpy(g, FULL, sizeof g);
	set_csum(g + 34, sizeof g - 34, 4);
	decode_frame(DLT_EN10MB, g, sizeof g, sizeof g, &p);
	CHECK(pkt_tcp_csum(&p) == CSUM_OK);
}

/* IPv6, and the cases where no verdict is possible. */
static void test_csum_unknown(void)
{
	uint8_t f[128];
	struct pkt p;
	size_t n = put_eth(f, 0x86dd) + put_ip6_tcp(f + 14);
	set_csum(f + 54, n - 54, 6);
	decode_frame(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, &p);
	CHECK(p.kind == PK_TCP && pkt_tcp_csum(&p) == CSUM_OK);
	f[n - 1] ^= 0x20;
	decode_frame(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, &p);
	CHECK(pkt_tcp_csum(&p) == CSUM_BAD);
	/* snaplen cut the payload */
	decode_frame(DLT_EN10MB, f, (uint32_t)n - 2, (uint32_t)n, &p);
	CHECK(p.tcp_csum == CSUM_UNKNOWN && pkt_tcp_csum(&p) == CSUM_UNKNOWN);
	/* IPv4 total length 0 (TSO): the length comes from the frame */
	n = put_eth(f, 0x0800) + put_ip4_tcp(f + 14);
	set_csum(f + 34, n - 34, 4);
	put_be16(f + 14 + 2, 0);
	decode_frame(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, &p);
	CHECK(p.kind == PK_TCP && pkt_tcp_csum(&p) == CSUM_UNKNOWN);
	/* a first fragment (MF set): the segment goes on in the next one */
	put_be16(f + 14 + 2, 48);
	put_be16(f + 14 + 6, 0x2000);
	decode_frame(DLT_EN10MB, f, (uint32_t)n, (uint32_t)n, &p);
	CHECK(p.kind == PK_TCP && pkt_tcp_csum(&p) == CSUM_UNKNOWN);
}

/* F4: a TCP header cut short leaves no TCP frame with ports 0/0 behind. */
static void test_tcp_header_cut(void)
{
	struct pkt p;
	for (size_t cut = 34; cut < 54; cut++) {
		CHECK(dec(DLT_EN10MB, FULL, cut, sizeof FULL, &p) == PKT_TRUNCATED);
		CHECK(p.kind == PK_IP);
	}
	CHECK_STR(p.err, "TCP: header truncated");
	uint8_t f[64];
	size_t n = put_eth(f, 0x0800) + put_ip4(f + 14, 30, 6, 0);
	memset(f + n, 0, 10);
	CHECK(dec(DLT_EN10MB, f, n + 10, n + 10, &p) == PKT_MALFORMED);
	CHECK(p.kind == PK_IP);
	CHECK_STR(p.err, "TCP: segment shorter than header");
}

int main(void)
{
	test_full();
	test_padding();
	test_vlan();
	test_sll();
	test_null();
	test_raw();
	test_linktypes();
	test_ip6_ext();
	test_arp();
	test_nd();
	test_truncated();
	test_malformed();
	test_fragments();
	test_garbage();
	test_csum4();
	test_csum_unknown();
	test_tcp_header_cut();
	return UNIT_DONE();
}
