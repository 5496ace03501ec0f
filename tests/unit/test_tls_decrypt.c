/* test_tls_decrypt.c - tls_dec_* edge cases: statuses before and after the
 * ServerHello, versions and suites not decrypted, the HelloRetryRequest
 * random, short and over-long records, the output buffer size. */
#include <stdint.h>
#include <stdlib.h>
#include "tls-decrypt.h"
#include "tls-kdf.h"
#include "tls-keys.h"
#include "unit.h"

#define CR_HEX "0101010101010101010101010101010101010101010101010101010101010101"
#define MS_HEX "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" \
               "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"

static uint8_t buf[TLS_DEC_MAX_RECORD + 64], out[TLS_DEC_MAX_RECORD + 64];

static enum tls_dec_status rec(struct tls_dec *d, int dir, uint8_t type, size_t n,
                               size_t outcap)
{
	size_t outn = outcap;
	uint8_t inner = 0xee;
	enum tls_dec_status st = tls_dec_record(d, dir, type, 0x0303, buf, n, out, &outn, &inner);
	if (st == TLS_DEC_PLAINTEXT)
		CHECK(inner == type);
	return st;
}

static struct tls_keys *keys(void)
{
	struct tls_keys *k = tls_keys_new();
	const char *t = "CLIENT_RANDOM " CR_HEX " " MS_HEX "\n";
	CHECK(tls_keys_add_text(k, t, strlen(t)) == 1);
	return k;
}

static void test_tls12(void)
{
	struct tls_keys *k = keys();
	struct tls_dec *d = tls_dec_new(k);
	uint8_t cr[32], sr[32];
	memset(cr, 1, 32);
	memset(sr, 2, 32);
	memset(buf, 0x5a, sizeof buf);
	CHECK(rec(d, 0, 22, 100, sizeof out) == TLS_DEC_PLAINTEXT);    /* before any hello */
	CHECK(rec(d, 0, 23, 100, sizeof out) == TLS_DEC_NO_KEYS);      /* 0-RTT data */
	tls_dec_client_hello(d, cr);
	CHECK(tls_dec_server_hello(d, 0x0303, 0xc02f, sr, 0) == TLS_DEC_OK);
	CHECK(rec(d, 1, 22, 100, sizeof out) == TLS_DEC_PLAINTEXT);    /* before CCS */
	buf[0] = 1;
	CHECK(rec(d, 1, 20, 1, sizeof out) == TLS_DEC_PLAINTEXT);      /* CCS */
	CHECK(rec(d, 1, 22, 40, sizeof out) == TLS_DEC_BAD_MAC);       /* junk, now protected */
	CHECK(rec(d, 1, 22, 23, sizeof out) == TLS_DEC_MALFORMED);     /* < nonce + tag */
	CHECK(rec(d, 1, 23, TLS_DEC_MAX_RECORD + 1, sizeof out) == TLS_DEC_MALFORMED);
	CHECK(rec(d, 1, 23, 100, 99) == TLS_DEC_NOSPACE);
	CHECK(rec(d, 0, 23, 100, sizeof out) == TLS_DEC_PLAINTEXT);    /* client: no CCS yet */
	struct tls_dec_counts c = tls_dec_counts(d);
	CHECK(c.bad_mac == 1 && c.malformed == 2 && c.ok == 0 && c.no_keys == 1);
	tls_dec_free(d);

	/* TLS 1.1: not decrypted; CCS still followed */
	d = tls_dec_new(k);
	tls_dec_client_hello(d, cr);
	CHECK(tls_dec_server_hello(d, 0x0302, 0xc013, sr, 0) == TLS_DEC_UNSUPPORTED);
	CHECK(rec(d, 0, 22, 50, sizeof out) == TLS_DEC_PLAINTEXT);
	buf[0] = 1;
	CHECK(rec(d, 0, 20, 1, sizeof out) == TLS_DEC_PLAINTEXT);
	CHECK(rec(d, 0, 22, 48, sizeof out) == TLS_DEC_UNSUPPORTED);
	tls_dec_free(d);

	/* a TLS 1.3 suite with version 1.2, an unknown suite, a CBC suite with
	 * EtM, and no key log at all */
	d = tls_dec_new(k);
	tls_dec_client_hello(d, cr);
	CHECK(tls_dec_server_hello(d, 0x0303, 0x1301, sr, 0) == TLS_DEC_UNSUPPORTED);
	CHECK(tls_dec_server_hello(d, 0x0303, 0x0005, sr, 0) == TLS_DEC_UNSUPPORTED);
	CHECK(tls_dec_server_hello(d, 0x0303, 0xc028, sr, 1) == TLS_DEC_OK);
	buf[0] = 1;
	CHECK(rec(d, 0, 20, 1, sizeof out) == TLS_DEC_PLAINTEXT);
	CHECK(rec(d, 0, 22, 16 + 16 + 48 - 1, sizeof out) == TLS_DEC_MALFORMED);
	CHECK(rec(d, 0, 22, 16 + 16 + 48, sizeof out) == TLS_DEC_BAD_MAC);
	tls_dec_free(d);
	d = tls_dec_new(NULL);
	tls_dec_client_hello(d, cr);
	CHECK(tls_dec_server_hello(d, 0x0303, 0xc02f, sr, 0) == TLS_DEC_NO_KEYS);
	buf[0] = 1;
	CHECK(rec(d, 0, 20, 1, sizeof out) == TLS_DEC_PLAINTEXT);
	CHECK(rec(d, 0, 23, 60, sizeof out) == TLS_DEC_NO_KEYS);
	tls_dec_free(d);
	tls_keys_free(k);
}

static void test_tls13(void)
{
	static const uint8_t hrr[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65,
		0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2,
		0xc8, 0xa8, 0x33, 0x9c,
	};
	struct tls_keys *k = tls_keys_new();
	const char *t = "SERVER_HANDSHAKE_TRAFFIC_SECRET " CR_HEX " " MS_HEX "\n";
	CHECK(tls_keys_add_text(k, t, strlen(t)) == 1);
	struct tls_dec *d = tls_dec_new(k);
	uint8_t cr[32], sr[32];
	memset(cr, 1, 32);
	memset(sr, 2, 32);
	tls_dec_client_hello(d, cr);
	/* a HelloRetryRequest changes nothing */
	CHECK(tls_dec_server_hello(d, 0x0304, 0x1302, hrr, 0) == TLS_DEC_NO_KEYS);
	CHECK(rec(d, 1, 22, 40, sizeof out) == TLS_DEC_PLAINTEXT);
	CHECK(rec(d, 0, 23, 40, sizeof out) == TLS_DEC_NO_KEYS);
	CHECK(tls_dec_server_hello(d, 0x0304, 0x1302, sr, 0) == TLS_DEC_OK);
	CHECK(rec(d, 1, 20, 1, sizeof out) == TLS_DEC_PLAINTEXT);      /* compatibility CCS */
	CHECK(rec(d, 1, 23, 16, sizeof out) == TLS_DEC_MALFORMED);     /* no room for a type */
	CHECK(rec(d, 1, 23, 40, sizeof out) == TLS_DEC_BAD_MAC);
	CHECK(rec(d, 0, 23, 40, sizeof out) == TLS_DEC_NO_KEYS);       /* client: no secret */
	/* a 48-byte secret does not fit a SHA-256 suite: no keys */
	CHECK(tls_dec_server_hello(d, 0x0304, 0x1301, sr, 0) == TLS_DEC_NO_KEYS);
	CHECK(rec(d, 1, 23, 40, sizeof out) == TLS_DEC_NO_KEYS);
	CHECK(tls_dec_server_hello(d, 0x0304, 0x1304, sr, 0) == TLS_DEC_UNSUPPORTED);  /* CCM */
	CHECK(rec(d, 1, 23, 40, sizeof out) == TLS_DEC_UNSUPPORTED);
	CHECK(rec(d, 1, 21, 2, sizeof out) == TLS_DEC_PLAINTEXT);
	tls_dec_free(d);
	tls_dec_free(NULL);
	tls_keys_free(k);
}

/* The TLS 1.2 PRF test vector published for the IETF TLS working group
 * (P_SHA256, "test label", 100 bytes). */
static void test_prf(void)
{
	static const uint8_t secret[16] = {
		0x9b, 0xbe, 0x43, 0x6b, 0xa9, 0x40, 0xf0, 0x17, 0xb1, 0x76, 0x52, 0x84, 0x9a, 0x71, 0xdb, 0x35,
	};
	static const uint8_t seed[16] = {
		0xa0, 0xba, 0x9f, 0x93, 0x6c, 0xda, 0x31, 0x18, 0x27, 0xa6, 0xf7, 0x96, 0xff, 0xd5, 0x19, 0x8c,
	};
	static const uint8_t want[100] = {
		0xe3, 0xf2, 0x29, 0xba, 0x72, 0x7b, 0xe1, 0x7b, 0x8d, 0x12, 0x26, 0x20, 0x55, 0x7c, 0xd4, 0x53,
		0xc2, 0xaa, 0xb2, 0x1d, 0x07, 0xc3, 0xd4, 0x95, 0x32, 0x9b, 0x52, 0xd4, 0xe6, 0x1e, 0xdb, 0x5a,
		0x6b, 0x30, 0x17, 0x91, 0xe9, 0x0d, 0x35, 0xc9, 0xc9, 0xa4, 0x6b, 0x4e, 0x14, 0xba, 0xf9, 0xaf,
		0x0f, 0xa0, 0x22, 0xf7, 0x07, 0x7d, 0xef, 0x17, 0xab, 0xfd, 0x37, 0x97, 0xc0, 0x56, 0x4b, 0xab,
		0x4f, 0xbc, 0x91, 0x66, 0x6e, 0x9d, 0xef, 0x9b, 0x97, 0xfc, 0xe3, 0x4f, 0x79, 0x67, 0x89, 0xba,
		0xa4, 0x80, 0x82, 0xd1, 0x22, 0xee, 0x42, 0xc5, 0xa7, 0x2e, 0x5a, 0x51, 0x10, 0xff, 0xf7, 0x01,
		0x87, 0x34, 0x7b, 0x66,
	};
	uint8_t got[100];
	CHECK(tls12_prf("SHA256", secret, 16, "test label", seed, 8, seed + 8, 8, got, 100) == 0);
	CHECK_MEM(got, 100, want, 100);
	CHECK(tls12_prf("SHA256", secret, 16, "test label", seed, 16, NULL, 0, got, 100) == 0);
	CHECK_MEM(got, 100, want, 100);
	CHECK(tls12_prf("NO-SUCH-DIGEST", secret, 16, "x", seed, 16, NULL, 0, got, 10) == -1);
}

static void test_names(void)
{
	CHECK_STR(tls_dec_status_name(TLS_DEC_OK), "ok");
	CHECK_STR(tls_dec_status_name(TLS_DEC_BAD_MAC), "bad-mac");
	CHECK_STR(tls_dec_status_name(TLS_DEC_NOSPACE), "no-space");
	CHECK_STR(tls_dec_status_name((enum tls_dec_status)99), "?");
}

int main(void)
{
	test_tls12();
	test_tls13();
	test_prf();
	test_names();
	return UNIT_DONE();
}
