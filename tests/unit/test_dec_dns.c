/* test_dec_dns.c - dns_decode() on hand-built messages: questions, MX/A/
 * AAAA/CNAME answers, compression, the answer cap, unsafe label bytes,
 * and every way a message can be cut (truncated) or lie (malformed):
 * pointer loops, counts beyond the message, bad rdata lengths; plus
 * decode_frame() giving PK_UDP with the ports and the payload. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/dlt.h>
#include "decode.h"
#include "dec-dns.h"
#include "unit.h"

struct mb { uint8_t b[1024]; size_t n; };

static void u8(struct mb *m, unsigned v) { m->b[m->n++] = (uint8_t)v; }
static void u16(struct mb *m, unsigned v) { u8(m, v >> 8); u8(m, v & 0xff); }
static void name(struct mb *m, const char *dotted)
{
	while (*dotted) {
		const char *e = strchr(dotted, '.');
		size_t l = e ? (size_t)(e - dotted) : strlen(dotted);
		u8(m, (unsigned)l);
		memcpy(m->b + m->n, dotted, l);
		m->n += l;
		dotted += l + (e ? 1 : 0);
	}
	u8(m, 0);
}
static void hdr(struct mb *m, unsigned id, unsigned flags, unsigned qd, unsigned an)
{
	m->n = 0;
	u16(m, id); u16(m, flags); u16(m, qd); u16(m, an); u16(m, 0); u16(m, 0);
}

/* Decode from an exact-size heap copy, so ASan sees any read past caplen. */
static int dec(const struct mb *m, size_t cap, size_t wire, struct dns_msg *d)
{
	uint8_t *c = malloc(cap ? cap : 1);
	memcpy(c, m->b, cap);
	int st = dns_decode(c, cap, wire, d);
	free(c);
	return st;
}

/* lab.test MX: mx1 pref 10 (name compressed onto the question), mx2 20. */
static void mx_answer(struct mb *m)
{
	hdr(m, 0x1234, 0x8180, 1, 2);
	name(m, "lab.test"); u16(m, DNS_T_MX); u16(m, 1);
	for (unsigned i = 0; i < 2; i++) {
		u16(m, 0xc00c); u16(m, DNS_T_MX); u16(m, 1); u16(m, 0); u16(m, 300);
		u16(m, 2 + 4 + 2); u16(m, 10 * (i + 1));
		u8(m, 3); u8(m, 'm'); u8(m, 'x'); u8(m, '1' + i); u16(m, 0xc00c);
	}
}

static void test_mx(void)
{
	struct mb m; struct dns_msg d;
	mx_answer(&m);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_OK);
	CHECK(d.id == 0x1234 && d.qr == 1 && d.rcode == 0 && d.has_q && d.qtype == DNS_T_MX);
	CHECK_STR(d.qname, "lab.test");
	CHECK(d.nans == 2 && d.an[0].type == DNS_T_MX && d.an[0].pref == 10 && d.an[1].pref == 20);
	CHECK_STR(d.an[0].name, "lab.test");
	CHECK_STR(d.an[0].data, "mx1.lab.test");
	CHECK_STR(d.an[1].data, "mx2.lab.test");
	/* every shorter capture is truncated, never malformed */
	for (size_t k = 0; k < m.n; k++) {
		int st = dec(&m, k, m.n, &d);
		CHECK(st == PKT_TRUNCATED);
		CHECK(d.err != NULL);
	}
	/* and every shorter message (the wire length) malformed */
	for (size_t k = 0; k < m.n; k++)
		CHECK(dec(&m, k, k, &d) == PKT_MALFORMED);
}

static void test_answers(void)
{
	struct mb m; struct dns_msg d;
	hdr(&m, 7, 0x8180, 1, 3);
	name(&m, "www.lab.test"); u16(&m, DNS_T_A); u16(&m, 1);          /* 12..29 */
	u16(&m, 0xc00c); u16(&m, DNS_T_CNAME); u16(&m, 1); u16(&m, 0); u16(&m, 60);
	size_t target = m.n + 2;
	u16(&m, 6); u8(&m, 3); u8(&m, 'm'); u8(&m, 'x'); u8(&m, '1'); u16(&m, 0xc010);
	u16(&m, 0xc000 | (unsigned)target); u16(&m, DNS_T_A); u16(&m, 1); u16(&m, 0); u16(&m, 60);
	u16(&m, 4); u8(&m, 192); u8(&m, 0); u8(&m, 2); u8(&m, 25);
	u16(&m, 0xc00c); u16(&m, 16); u16(&m, 1); u16(&m, 0); u16(&m, 60);
	u16(&m, 2); u8(&m, 1); u8(&m, 'x');
	CHECK(dec(&m, m.n, m.n, &d) == PKT_OK);
	CHECK(d.nans == 2 && d.ans_other == 1);
	CHECK(d.an[0].type == DNS_T_CNAME && d.an[1].type == DNS_T_A);
	CHECK_STR(d.an[0].data, "mx1.lab.test");
	CHECK_STR(d.an[1].name, "mx1.lab.test");
	CHECK(!memcmp(d.an[1].addr, "\xc0\x00\x02\x19", 4));

	/* null MX: the exchange is the root */
	hdr(&m, 8, 0x8180, 1, 1);
	name(&m, "lab.test"); u16(&m, DNS_T_MX); u16(&m, 1);
	u16(&m, 0xc00c); u16(&m, DNS_T_MX); u16(&m, 1); u16(&m, 0); u16(&m, 60);
	u16(&m, 3); u16(&m, 0); u8(&m, 0);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_OK);
	CHECK(d.nans == 1 && d.an[0].pref == 0);
	CHECK_STR(d.an[0].data, ".");

	/* NXDOMAIN, no answers; AAAA */
	hdr(&m, 9, 0x8183, 1, 1);
	name(&m, "nope.test"); u16(&m, DNS_T_AAAA); u16(&m, 1);
	u16(&m, 0xc00c); u16(&m, DNS_T_AAAA); u16(&m, 1); u16(&m, 0); u16(&m, 60);
	u16(&m, 16); for (int i = 0; i < 16; i++) u8(&m, (unsigned)i);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_OK);
	CHECK(d.rcode == DNS_R_NXDOMAIN && d.nans == 1 && d.an[0].addr[15] == 15);
}

/* More than DNS_ANS_MAX answers: kept up to the cap, the rest counted. */
static void test_cap(void)
{
	struct mb m; struct dns_msg d;
	hdr(&m, 1, 0x8180, 1, 20);
	name(&m, "many.test"); u16(&m, DNS_T_A); u16(&m, 1);
	for (unsigned i = 0; i < 20; i++) {
		u16(&m, 0xc00c); u16(&m, DNS_T_A); u16(&m, 1); u16(&m, 0); u16(&m, 60);
		u16(&m, 4); u8(&m, 10); u8(&m, 0); u8(&m, 0); u8(&m, i);
	}
	CHECK(dec(&m, m.n, m.n, &d) == PKT_OK);
	CHECK(d.nans == DNS_ANS_MAX && d.ans_more == 20 - DNS_ANS_MAX);
	CHECK(d.an[DNS_ANS_MAX - 1].addr[3] == DNS_ANS_MAX - 1);
}

static void test_hostile(void)
{
	struct mb m; struct dns_msg d;
	/* a pointer to itself, and two pointing at each other */
	hdr(&m, 1, 0x0100, 1, 0);
	u16(&m, 0xc00c); u16(&m, 1); u16(&m, 1);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_MALFORMED);
	CHECK_STR(d.err, "DNS: compression pointer loop");
	hdr(&m, 1, 0x0100, 1, 0);
	u8(&m, 1); u8(&m, 'a'); u16(&m, 0xc00e); u16(&m, 0xc00c); u16(&m, 1); u16(&m, 1);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_MALFORMED);
	CHECK_STR(d.err, "DNS: compression pointer loop");
	/* a pointer beyond the message */
	hdr(&m, 1, 0x0100, 1, 0);
	u16(&m, 0xc0ff); u16(&m, 1); u16(&m, 1);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_MALFORMED);
	/* a count beyond the message: malformed; the same cut by the snaplen: truncated */
	mx_answer(&m);
	m.b[7] = 3;
	CHECK(dec(&m, m.n, m.n, &d) == PKT_MALFORMED && d.nans == 2);
	CHECK(dec(&m, m.n, m.n + 40, &d) == PKT_TRUNCATED && d.nans == 2);
	/* A with 5 bytes of rdata */
	hdr(&m, 1, 0x8180, 0, 1);
	u8(&m, 0); u16(&m, DNS_T_A); u16(&m, 1); u16(&m, 0); u16(&m, 0); u16(&m, 5);
	for (int i = 0; i < 5; i++) u8(&m, 1);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_MALFORMED && d.nans == 0);
	/* a label type 0x40 */
	hdr(&m, 1, 0x0100, 1, 0);
	u8(&m, 0x41); u8(&m, 0); u16(&m, 1); u16(&m, 1);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_MALFORMED);
	/* a name over 255 octets through pointers: 5 x 63-byte labels */
	hdr(&m, 1, 0x0100, 1, 0);
	for (int l = 0; l < 5; l++) {
		u8(&m, 63);
		for (int i = 0; i < 63; i++) u8(&m, 'a');
	}
	u8(&m, 0); u16(&m, 1); u16(&m, 1);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_MALFORMED);
	CHECK_STR(d.err, "DNS: name longer than 255 octets");
	/* unsafe label bytes come out as \DDD, never raw */
	hdr(&m, 1, 0x0100, 1, 0);
	u8(&m, 4); u8(&m, 0x1b); u8(&m, '['); u8(&m, '.'); u8(&m, 0xff); u8(&m, 0);
	u16(&m, 1); u16(&m, 1);
	CHECK(dec(&m, m.n, m.n, &d) == PKT_OK);
	CHECK_STR(d.qname, "\\027\\091\\046\\255");
}

/* Random damage to a good message: never a crash (ASan), names always
 * NUL-terminated and free of control bytes, a status whenever it fails. */
static void test_mutations(void)
{
	struct mb m, x; struct dns_msg d;
	unsigned seed = 12345;
	mx_answer(&m);
	int ok = 1;
	for (int it = 0; it < 20000; it++) {
		x = m;
		for (int k = 0; k < 1 + it % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			x.b[(seed >> 8) % x.n] = (uint8_t)(seed >> 20);
		}
		int st = dec(&x, x.n, x.n, &d);
		if ((st == PKT_OK) != (d.err == NULL) || d.nans > DNS_ANS_MAX)
			ok = 0;
		for (size_t i = 0; i < d.nans; i++)
			for (const char *c = d.an[i].data; *c; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
					ok = 0;
		for (const char *c = d.qname; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				ok = 0;
	}
	CHECK(ok);
}

/* Ethernet + IPv4 + UDP 53 -> 40000 carrying the MX answer. */
static void test_udp(void)
{
	struct mb m; struct pkt p;
	mx_answer(&m);
	uint8_t f[1200] = { 2, 0, 0, 0, 0, 0xa, 2, 0, 0, 0, 0, 0xb, 0x08, 0x00 };
	uint8_t *ip = f + 14, *u = ip + 20;
	size_t tot = 20 + 8 + m.n;
	ip[0] = 0x45; ip[2] = (uint8_t)(tot >> 8); ip[3] = (uint8_t)tot; ip[8] = 64; ip[9] = 17;
	memcpy(ip + 12, "\xc0\x00\x02\x35\xc0\x00\x02\x01", 8);
	u[0] = 0; u[1] = 53; u[2] = 0x9c; u[3] = 0x40;
	u[4] = (uint8_t)((8 + m.n) >> 8); u[5] = (uint8_t)(8 + m.n);
	memcpy(u + 8, m.b, m.n);
	CHECK(decode_frame(DLT_EN10MB, f, (uint32_t)(14 + tot), (uint32_t)(14 + tot), &p) == PKT_OK);
	CHECK(p.kind == PK_UDP && p.sport == 53 && p.dport == 40000 && p.paylen == m.n);
	CHECK(p.cap_paylen == m.n && p.payload == u + 8);
	u[5] = 7;                        /* UDP length < 8 */
	CHECK(decode_frame(DLT_EN10MB, f, (uint32_t)(14 + tot), (uint32_t)(14 + tot), &p) == PKT_MALFORMED);
	u[4] = 0x10;                     /* beyond the IP payload */
	CHECK(decode_frame(DLT_EN10MB, f, (uint32_t)(14 + tot), (uint32_t)(14 + tot), &p) == PKT_MALFORMED);
	CHECK(p.kind == PK_UDP && p.paylen == m.n);
	CHECK(decode_frame(DLT_EN10MB, f, 14 + 20 + 4, (uint32_t)(14 + tot), &p) == PKT_TRUNCATED);
}

int main(void)
{
	UNIT_RUN(test_mx);
	UNIT_RUN(test_answers);
	UNIT_RUN(test_cap);
	UNIT_RUN(test_hostile);
	UNIT_RUN(test_mutations);
	UNIT_RUN(test_udp);
	return UNIT_DONE();
}
