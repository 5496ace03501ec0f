/* test_cap_dsb.c - the pcapng Decryption Secrets Block scanner (cap-dsb.c):
 * both byte orders, other secret types skipped, damaged lengths stop the
 * walk, not-pcapng refused, the cap on secrets bytes. */
#include <string.h>
#include "cap-dsb.h"
#include "unit.h"

static const char line[] =
	"CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 "
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f\n";

static size_t put32(uint8_t *p, uint32_t v, int be)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(be ? v >> (24 - 8 * i) : v >> (8 * i));
	return 4;
}

/* SHB (no options), then a DSB of `type` holding `line`; returns the size. */
static size_t build(uint8_t *b, int be, uint32_t type)
{
	size_t n = 0;
	n += put32(b + n, 0x0A0D0D0A, be);
	n += put32(b + n, 28, be);
	n += put32(b + n, 0x1A2B3C4D, be);
	n += put32(b + n, 1, be);             /* version 1.0 */
	memset(b + n, 0xff, 8);               /* section length -1 */
	n += 8;
	n += put32(b + n, 28, be);
	size_t len = sizeof line - 1, pad = (4 - len % 4) % 4;
	uint32_t total = (uint32_t)(12 + 8 + len + pad);
	n += put32(b + n, 0x0000000A, be);
	n += put32(b + n, total, be);
	n += put32(b + n, type, be);
	n += put32(b + n, (uint32_t)len, be);
	memcpy(b + n, line, len);
	memset(b + n + len, 0, pad);
	n += len + pad;
	n += put32(b + n, total, be);
	return n;
}

static const uint8_t cr[32] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };

static void one(int be, uint32_t type, int want)
{
	uint8_t b[512];
	size_t n = build(b, be, type);
	struct tls_keys *k = tls_keys_new();
	struct cap_dsb_stats st;
	CHECK(cap_dsb_scan(b, n, k, &st) == 0);
	CHECK(st.blocks == (size_t)want);
	CHECK((tls_keys_find(k, cr, TLS_SK_MASTER) != NULL) == want);
	tls_keys_free(k);
}

static void damaged(void)
{
	uint8_t b[512];
	size_t n = build(b, 0, 0x544c534b);
	struct tls_keys *k = tls_keys_new();
	struct cap_dsb_stats st;
	put32(b + 28 + 4, 0xfffffff0, 0);     /* DSB length beyond the file */
	CHECK(cap_dsb_scan(b, n, k, &st) == 0 && st.blocks == 0);
	put32(b + 28 + 4, 13, 0);             /* not a multiple of 4 */
	CHECK(cap_dsb_scan(b, n, k, &st) == 0 && st.blocks == 0);
	CHECK(cap_dsb_scan(b, n - 3, k, &st) == 0 && st.blocks == 0);
	n = build(b, 0, 0x544c534b);
	put32(b + 28 + 12, 0xffffff00, 0);    /* secrets length beyond the block */
	CHECK(cap_dsb_scan(b, n, k, &st) == 0 && st.blocks == 0 && st.skipped == 1);
	CHECK(cap_dsb_scan((const uint8_t *)"\xd4\xc3\xb2\xa1 pcap, not pcapng", 24, k, &st) == -1);
	CHECK(cap_dsb_scan(b, 4, k, &st) == -1);
	tls_keys_free(k);
}

int main(void)
{
	one(0, 0x544c534b, 1);
	one(1, 0x544c534b, 1);
	one(0, 0x5353484b, 0);                /* SSH key log: not ours */
	damaged();
	return UNIT_DONE();
}
