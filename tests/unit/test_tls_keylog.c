/* test_tls_keylog.c - the NSS key log parser: what it keeps, what it skips,
 * hostile lines, the cap on sessions, and reading a file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "tls-keys.h"
#include "unit.h"

#define CR1 "0101010101010101010101010101010101010101010101010101010101010101"
#define CR2 "02020202020202020202020202020202020202020202020202020202020202ff"
#define S32 "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
#define S48 S32 "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"

static size_t add(struct tls_keys *k, const char *s)
{
	return tls_keys_add_text(k, s, strlen(s));
}

static void cr_of(uint8_t cr[32], uint8_t b, uint8_t last)
{
	memset(cr, b, 32);
	cr[31] = last;
}

static void test_kinds(void)
{
	struct tls_keys *k = tls_keys_new();
	uint8_t cr1[32], cr2[32];
	cr_of(cr1, 1, 1);
	cr_of(cr2, 2, 0xff);
	const char *text =
		"# a comment\n"
		"\n"
		"   \t\n"
		"CLIENT_RANDOM " CR1 " " S48 "\n"
		"CLIENT_HANDSHAKE_TRAFFIC_SECRET " CR2 " " S32 "\r\n"
		"SERVER_HANDSHAKE_TRAFFIC_SECRET\t" CR2 "\t" S48 "\n"
		"CLIENT_TRAFFIC_SECRET_0 " CR2 " " S32 "\n"
		"EXPORTER_SECRET " CR2 " " S32 "\n"
		"CLIENT_EARLY_TRAFFIC_SECRET " CR2 " " S32 "\n"
		"SERVER_TRAFFIC_SECRET_0 " CR2 " " S32;            /* no final newline */
	CHECK(add(k, text) == 5);
	const struct tls_secret *s = tls_keys_find(k, cr1, TLS_SK_MASTER);
	CHECK(s && s->len == 48 && s->v[0] == 0xa0 && s->v[47] == 0xcf);
	CHECK(tls_keys_find(k, cr1, TLS_SK_C_HS) == NULL);
	s = tls_keys_find(k, cr2, TLS_SK_C_HS);
	CHECK(s && s->len == 32 && s->v[31] == 0xbf);
	s = tls_keys_find(k, cr2, TLS_SK_S_HS);
	CHECK(s && s->len == 48);
	CHECK(tls_keys_find(k, cr2, TLS_SK_C_AP0) != NULL);
	CHECK(tls_keys_find(k, cr2, TLS_SK_S_AP0) != NULL);
	CHECK(tls_keys_find(k, cr2, TLS_SK_MASTER) == NULL);
	CHECK(tls_keys_find(k, cr2, TLS_SK_COUNT) == NULL);
	struct tls_keys_stats st = tls_keys_stats(k);
	CHECK(st.sessions == 2 && st.secrets == 5 && st.bad == 0);
	CHECK(st.ignored == 5);   /* comment, 2 blank, exporter, early */
	/* a later line replaces the secret */
	CHECK(add(k, "CLIENT_RANDOM " CR1 " " S32 "c0c1c2c3c4c5c6c7c8c9cacbcccdce00\n") == 1);
	s = tls_keys_find(k, cr1, TLS_SK_MASTER);
	CHECK(s && s->v[47] == 0x00);
	CHECK(tls_keys_stats(k).sessions == 2);
	tls_keys_free(k);
	tls_keys_free(NULL);
}

static void test_hostile(void)
{
	struct tls_keys *k = tls_keys_new();
	char longline[TLS_KEYS_MAX_LINE + 64];
	memset(longline, ' ', sizeof longline);
	memcpy(longline, "CLIENT_RANDOM " CR1 " " S48, 14 + 64 + 1 + 96);
	longline[sizeof longline - 1] = '\0';
	const char *bad[] = {
		"CLIENT_RANDOM " CR1 " " S32 "\n",                     /* master not 48 */
		"CLIENT_RANDOM " CR1 "00 " S48 "\n",                   /* random 33 bytes */
		"CLIENT_RANDOM " CR1 " " S48 "0\n",                    /* odd hex */
		"CLIENT_RANDOM " CR1 " " S48 "zz\n",                   /* bad hex */
		"CLIENT_RANDOM 0x" CR1 " " S48 "\n",
		"CLIENT_RANDOM " CR1 "\n",                             /* missing field */
		"CLIENT_RANDOM " CR1 " " S48 " extra\n",               /* extra field */
		"SERVER_TRAFFIC_SECRET_0 " CR1 " " S32 "00\n",         /* 33-byte secret */
		"SERVER_TRAFFIC_SECRET_0 " CR1 " " S48 S32 "\n",       /* 80-byte secret */
		"NO_SUCH_LABEL " CR1 " " S32 "\n",
		"client_random " CR1 " " S48 "\n",
		longline,
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(add(k, bad[i]) == 0);
	/* a NUL byte inside a line */
	char withnul[] = "CLIENT_RANDOM " CR1 " " S48 "\n";
	withnul[20] = '\0';
	CHECK(tls_keys_add_text(k, withnul, sizeof withnul - 1) == 0);
	/* a DSB payload padded with NUL bytes to 32 bits: the padding is dropped */
	char dsb[] = "CLIENT_RANDOM " CR2 " " S48 "\0\0\0";
	CHECK(tls_keys_add_text(k, dsb, sizeof dsb - 1) == 1);
	struct tls_keys_stats st = tls_keys_stats(k);
	CHECK(st.bad == sizeof bad / sizeof bad[0] + 1);
	CHECK(st.sessions == 1 && st.secrets == 1);
	CHECK(tls_keys_add_text(k, "", 0) == 0);
	CHECK(tls_keys_add_text(k, "\n\n\n", 3) == 0);
	tls_keys_free(k);
}

static void test_cap(void)
{
	struct tls_keys *k = tls_keys_new();
	char line[200];
	size_t added = 0;
	for (unsigned i = 0; i < TLS_KEYS_MAX_SESSIONS + 10; i++) {
		/* descending, so each insertion lands at the front of the index */
		unsigned v = TLS_KEYS_MAX_SESSIONS + 10 - i;
		int n = snprintf(line, sizeof line, "CLIENT_RANDOM %056x%08x %s\n", 0u, v, S48);
		added += tls_keys_add_text(k, line, (size_t)n);
	}
	struct tls_keys_stats st = tls_keys_stats(k);
	CHECK(added == TLS_KEYS_MAX_SESSIONS);
	CHECK(st.sessions == TLS_KEYS_MAX_SESSIONS && st.dropped == 10);
	uint8_t cr[32] = { 0 };
	for (unsigned v = 11; v <= TLS_KEYS_MAX_SESSIONS + 10; v += 997) {
		cr[28] = (uint8_t)(v >> 24), cr[29] = (uint8_t)(v >> 16);
		cr[30] = (uint8_t)(v >> 8), cr[31] = (uint8_t)v;
		CHECK(tls_keys_find(k, cr, TLS_SK_MASTER) != NULL);
	}
	cr[31] = 5, cr[30] = 0;                 /* one of the dropped */
	CHECK(tls_keys_find(k, cr, TLS_SK_MASTER) == NULL);
	/* an existing session still takes new secrets when the table is full */
	cr[31] = 11;
	snprintf(line, sizeof line, "CLIENT_TRAFFIC_SECRET_0 %064x %s\n", 11u, S32);
	CHECK(add(k, line) == 1);
	tls_keys_free(k);
}

static void test_file(void)
{
	char path[] = "/tmp/test_tls_keylogXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "# header\nCLIENT_RANDOM %s %s\n", CR1, S48);
	for (int i = 0; i < 3 * TLS_KEYS_MAX_LINE; i++)   /* one over-long line */
		fputc('A', f);
	fprintf(f, "\nCLIENT_RANDOM %s%c %s\n", CR2, 0, S48);      /* a NUL byte: bad */
	for (int i = 0; i < 40000; i++)                  /* longer than a read block */
		fputc('B', f);
	fprintf(f, "\nCLIENT_TRAFFIC_SECRET_0 %s %s", CR2, S32);  /* no newline at EOF */
	fclose(f);
	struct tls_keys *k = tls_keys_new();
	char err[256] = "";
	CHECK(tls_keys_load_file(k, path, err, sizeof err) == 2);
	struct tls_keys_stats st = tls_keys_stats(k);
	CHECK(st.bad == 3 && st.ignored == 1 && st.sessions == 2);
	unlink(path);
	CHECK(tls_keys_load_file(k, path, err, sizeof err) == -1);
	CHECK(strstr(err, path) != NULL);
	tls_keys_free(k);
}

int main(void)
{
	test_kinds();
	test_hostile();
	test_cap();
	test_file();
	return UNIT_DONE();
}
