/* test_tls_record.c - TLS record framing over a stream (split at every
 * byte, several records per feed, bad headers, gaps) and the hello parser
 * (SNI, ServerHello version/suite, every truncation, hostile lengths). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tls-record.h"
#include "unit.h"

struct got {
	int n;
	uint64_t off[8];
	uint8_t type[8];
	uint16_t len[8];
	uint8_t first[8];
};

static void cb(void *ctx, const struct tls_record *r)
{
	struct got *g = ctx;
	if (g->n < 8) {
		g->off[g->n] = r->off;
		g->type[g->n] = r->type;
		g->len[g->n] = r->len;
		g->first[g->n] = r->len ? r->frag[0] : 0;
	}
	g->n++;
}

static size_t rec(uint8_t *o, uint8_t type, size_t len, uint8_t fill)
{
	o[0] = type; o[1] = 3; o[2] = 3; o[3] = (uint8_t)(len >> 8); o[4] = (uint8_t)len;
	memset(o + 5, fill, len);
	return 5 + len;
}

static void test_framing(void)
{
	uint8_t s[600];
	size_t n = rec(s, 22, 100, 0xa1);
	n += rec(s + n, 20, 1, 0x01);
	n += rec(s + n, 23, 0, 0);             /* empty application data */
	n += rec(s + n, 23, 300, 0xb2);
	for (size_t k = 0; k <= n; k++) {
		struct tls_framer f = { 0 };
		struct got g = { 0 };
		tls_framer_feed(&f, 1000, s, k, cb, &g);
		tls_framer_feed(&f, 1000 + k, s + k, n - k, cb, &g);
		CHECK(g.n == 4 && f.state == TLSF_OK);
		CHECK(g.off[0] == 1000 && g.off[1] == 1105 && g.off[2] == 1111 && g.off[3] == 1116);
		CHECK(g.type[3] == 23 && g.len[3] == 300 && g.first[3] == 0xb2 && g.first[0] == 0xa1);
		tls_framer_free(&f);
	}
	struct tls_framer f = { 0 };
	struct got g = { 0 };
	for (size_t k = 0; k < n; k++)
		tls_framer_feed(&f, k, s + k, 1, cb, &g);
	CHECK(g.n == 4 && g.len[0] == 100 && g.first[3] == 0xb2);
	tls_framer_free(&f);
}

static void test_bad_and_gap(void)
{
	static const uint8_t smtp[] = "220 mx ESMTP\r\n";
	struct tls_framer f = { 0 };
	struct got g = { 0 };
	tls_framer_feed(&f, 0, smtp, sizeof smtp - 1, cb, &g);
	CHECK(f.state == TLSF_BAD && g.n == 0);
	uint8_t big[5] = { 23, 3, 3, 0xff, 0xff };     /* longer than any record */
	CHECK(!tls_header_ok(big));
	struct tls_framer h = { 0 };
	uint8_t s[50];
	size_t n = rec(s, 23, 40, 7);
	tls_framer_feed(&h, 0, s, 20, cb, &g);
	tls_framer_gap(&h);
	tls_framer_feed(&h, 30, s + 30, n - 30, cb, &g);
	CHECK(h.state == TLSF_LOST && g.n == 0);
	tls_framer_free(&h);
}

static size_t client_hello(uint8_t *o, const char *sni)
{
	size_t nl = strlen(sni), i = 0;
	uint8_t b[512];
	b[i++] = 3; b[i++] = 3;
	memset(b + i, 0x11, 32); i += 32;
	b[i++] = 0;                                  /* session id */
	b[i++] = 0; b[i++] = 2; b[i++] = 0x13; b[i++] = 0x01;
	b[i++] = 1; b[i++] = 0;                      /* compression */
	size_t el = 4 + 5 + nl;
	b[i++] = (uint8_t)(el >> 8); b[i++] = (uint8_t)el;
	b[i++] = 0; b[i++] = 0;                      /* server_name */
	b[i++] = (uint8_t)((nl + 5) >> 8); b[i++] = (uint8_t)(nl + 5);
	b[i++] = (uint8_t)((nl + 3) >> 8); b[i++] = (uint8_t)(nl + 3);
	b[i++] = 0;
	b[i++] = (uint8_t)(nl >> 8); b[i++] = (uint8_t)nl;
	memcpy(b + i, sni, nl); i += nl;
	o[0] = 1; o[1] = 0; o[2] = (uint8_t)(i >> 8); o[3] = (uint8_t)i;
	memcpy(o + 4, b, i);
	return 4 + i;
}

static void test_hello(void)
{
	uint8_t m[600];
	size_t n = client_hello(m, "mx.example");
	struct tls_hello h;
	CHECK(tls_handshake(m, n, &h) == (long)n);
	CHECK(h.type == 1 && h.version == 0x0303);
	CHECK_STR(h.sni, "mx.example");
	for (size_t k = 0; k < n; k++)               /* every truncation: "cut short" */
		CHECK(tls_handshake(m, k, &h) == 0);
	n = client_hello(m, "a\x1b]52;x\x07.example"); /* terminal escapes in SNI */
	CHECK(tls_handshake(m, n, &h) == (long)n);
	CHECK(strchr(h.sni, 0x1b) == NULL && strchr(h.sni, 0x07) == NULL);
	/* an extension length past the message is malformed, not a crash */
	n = client_hello(m, "mx.example");
	m[4 + 2 + 32 + 1 + 4 + 2 + 1] = 0xff;
	CHECK(tls_handshake(m, n, &h) == -1);
	/* ServerHello, TLS 1.3 via supported_versions */
	uint8_t sh[] = { 2, 0, 0, 46, 3, 3,
		1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,
		0, 0x13, 0x02, 0, 0, 6, 0, 43, 0, 2, 3, 4 };
	CHECK(tls_handshake(sh, sizeof sh, &h) == (long)sizeof sh);
	CHECK(h.type == 2 && h.version == 0x0304 && h.cipher == 0x1302);
	CHECK_STR(tls_version_name(h.version), "TLS 1.3");
	CHECK_STR(tls_cipher_name(h.cipher), "TLS_AES_256_GCM_SHA384");
	/* random bytes never crash */
	srand(7);
	for (int t = 0; t < 20000; t++) {
		uint8_t r[64];
		size_t rn = (size_t)(rand() % 64);
		for (size_t i = 0; i < rn; i++)
			r[i] = (uint8_t)rand();
		if (rn) r[0] = (uint8_t)(1 + rand() % 2);
		long k = tls_handshake(r, rn, &h);
		CHECK(k >= -1 && k <= (long)rn);
	}
}

int main(void)
{
	test_framing();
	test_bad_and_gap();
	test_hello();
	return UNIT_DONE();
}
