/* test_dup_text.c - dup_text (the dissector's copy of a command or reply
 * line) against a byte-by-byte reference: every control character but tab,
 * and DEL, becomes '?', wherever it is (the copy checks eight bytes a step). */
#include <stdint.h>
#include <stdlib.h>
#include "smtp-int.h"
#include "unit.h"

static void reference(const char *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		out[i] = (char)((c < 0x20 && c != '\t') || c == 0x7f ? '?' : c);
	}
	out[n] = '\0';
}

int main(void)
{
	char in[64], want[65];
	uint32_t seed = 7;
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)round % 40;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			unsigned r = (seed >> 16) & 0xff;
			/* mostly letters; now and then any byte (controls, tab, DEL, >= 0x80) */
			in[i] = (char)(r < 200 ? 'a' + r % 26 : r);
		}
		reference(in, n, want);
		char *got = dup_text(in, n, 64);
		if (memcmp(got, want, n + 1)) {
			CHECK_MEM(got, n + 1, want, n + 1);
			free(got);
			break;
		}
		unit_pass++;
		free(got);
	}
	/* one control character in each position of a 17-byte line */
	for (size_t at = 0; at < 17; at++) {
		memset(in, 'x', 17);
		in[at] = 0x1b;
		reference(in, 17, want);
		char *got = dup_text(in, 17, 64);
		CHECK_STR(got, want);
		free(got);
	}
	char *t = dup_text("abcdefgh\x7fijkl\tmn", 16, 10);
	CHECK_STR(t, "abcdefgh?i");
	free(t);
	return UNIT_DONE();
}
