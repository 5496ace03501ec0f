/* test_text.c - util-text: UTF-8 decoding, terminal and JSON neutralisation. */
#include <stdint.h>
#include <stdlib.h>
#include "util-text.h"
#include "unit.h"

static const char *term(const char *s, size_t n)
{
	static char buf[512];
	text_safe(buf, sizeof buf, s, n, NULL);
	return buf;
}

static const char *json(const char *s, size_t n)
{
	static char buf[512];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	json_put(f, s, n);
	fclose(f);
	return buf;
}

/* A minimal strict UTF-8 check of a whole buffer. */
static int valid_utf8(const char *s, size_t n)
{
	uint32_t cp;
	for (size_t i = 0, k; i < n; i += k)
		if ((k = utf8_decode((const uint8_t *)s + i, n - i, &cp)) == 0)
			return 0;
	return 1;
}

static void test_decode(void)
{
	uint32_t cp;
	CHECK(utf8_decode((const uint8_t *)"A", 1, &cp) == 1 && cp == 'A');
	CHECK(utf8_decode((const uint8_t *)"\xc3\xa9", 2, &cp) == 2 && cp == 0xe9);
	CHECK(utf8_decode((const uint8_t *)"\xe2\x80\xae", 3, &cp) == 3 && cp == 0x202e);
	CHECK(utf8_decode((const uint8_t *)"\xf0\x9f\x98\x80", 4, &cp) == 4 && cp == 0x1f600);
	CHECK(utf8_decode((const uint8_t *)"\xc0\x80", 2, &cp) == 0);      /* overlong */
	CHECK(utf8_decode((const uint8_t *)"\xe0\x80\xaf", 3, &cp) == 0);  /* overlong */
	CHECK(utf8_decode((const uint8_t *)"\xed\xa0\x80", 3, &cp) == 0);  /* surrogate */
	CHECK(utf8_decode((const uint8_t *)"\xf4\x90\x80\x80", 4, &cp) == 0); /* > 10FFFF */
	CHECK(utf8_decode((const uint8_t *)"\xe2\x80", 2, &cp) == 0);      /* cut */
	CHECK(utf8_decode((const uint8_t *)"\x9b", 1, &cp) == 0);          /* raw C1 */
}

static void test_term(void)
{
	CHECK_STR(term("250 ok", 6), "250 ok");
	CHECK_STR(term("caf\xc3\xa9", 5), "caf\xc3\xa9");
	CHECK_STR(term("a\033]52;c;x\007b", 11), "a\\x1b]52;c;x\\x07b");
	CHECK_STR(term("\x9b" "31m", 4), "\\x9b31m");                 /* raw C1 CSI */
	CHECK_STR(term("\xc2\x9b" "31m", 5), "\\xc2\\x9b31m");        /* U+009B */
	CHECK_STR(term("x\xe2\x80\xaey", 5), "x\\xe2\\x80\\xaey");   /* RLO */
	CHECK_STR(term("\xe2\x81\xa6", 3), "\\xe2\\x81\\xa6");        /* LRI */
	CHECK_STR(term("a\tb\x7f", 4), "a\\x09b\\x7f");
	CHECK_STR(term("\xff\xfe", 2), "\\xff\\xfe");
	/* cut only between whole renderings */
	char small[6];
	size_t used;
	size_t n = text_safe(small, sizeof small, "ab\033cd", 5, &used);
	CHECK(n == 2 && used == 2 && strcmp(small, "ab") == 0);
	CHECK(text_is_plain("250 ok", 6) && !text_is_plain("a\tb", 3) && !text_is_plain("\xc3\xa9", 2));
}

static void test_json(void)
{
	CHECK_STR(json("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	CHECK_STR(json("\r\n", 2), "\"\\u000d\\u000a\"");
	CHECK_STR(json("caf\xc3\xa9", 5), "\"caf\xc3\xa9\"");
	CHECK_STR(json("\xff" "x", 2), "\"\\ufffdx\"");
	CHECK_STR(json("\xc2\x9b", 2), "\"\\u009b\"");
	CHECK_STR(json("\xe2\x80\xae", 3), "\"\\u202e\"");
	CHECK_STR(json("\x7f", 1), "\"\\u007f\"");
	/* random bytes always give valid UTF-8 with no raw controls */
	uint32_t seed = 7;
	for (int round = 0; round < 2000; round++) {
		char in[64];
		size_t len = (size_t)round % 64;
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (char)(seed >> 16);
		}
		const char *out = json(in, len);
		size_t on = strlen(out);
		int ok = valid_utf8(out, on);
		for (size_t i = 0; i < on; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				ok = 0;
		const char *t = term(in, len);
		size_t tn = strlen(t);
		uint32_t cp;
		for (size_t i = 0, k; ok && i < tn; i += k) {
			k = utf8_decode((const uint8_t *)t + i, tn - i, &cp);
			if (k == 0 || text_cp_unsafe(cp))
				ok = 0;
		}
		CHECK(ok);
	}
}

int main(void)
{
	test_decode();
	test_term();
	test_json();
	return UNIT_DONE();
}
