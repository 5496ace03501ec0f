/* test_scan.c - scan_lf_dot against a byte-by-byte reference. */
#include <stdint.h>
#include <stdlib.h>
#include "session.h"
#include "unit.h"

static size_t reference(const uint8_t *p, size_t n, uint64_t *lines)
{
	for (size_t j = 0; j < n; j++) {
		if (p[j] != '\n')
			continue;
		if (j + 1 >= n || p[j + 1] == '.')
			return j;
		++*lines;
	}
	return n;
}

int main(void)
{
	static const uint8_t alphabet[] = "ab\n.\r";
	static uint8_t buf[40000];
	uint32_t seed = 12345;
	for (int round = 0; round < 20000; round++) {
		/* short buffers, and now and then one long enough for the
		 * byte counters to be flushed more than once */
		size_t n = round % 100 == 0 ? 20000 + (size_t)round % 17 : (size_t)(round % 200);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* mostly text, some line feeds and dots */
			unsigned r = (seed >> 16) % (n > 1000 ? 64 : 16);
			buf[i] = r < 11 || r >= 16 ? 'x' : alphabet[r - 11];
			if (n > 1000 && buf[i] == '.')
				buf[i] = 'y';       /* long runs with no hit */
		}
		if (n > 1000 && round % 200 == 0) {   /* ... or one hit far in (AVX2's 64-byte steps hand over) */
			size_t at = 9000 + (size_t)round % 997;
			buf[at] = '\n';
			buf[at + 1] = '.';
		}
		uint64_t a = 7, b = 7;
		size_t x = scan_lf_dot(buf, n, &a), y = reference(buf, n, &b);
		if (x != y || a != b) {
			CHECK(x == y);
			CHECK(a == b);
			break;
		}
		unit_pass++;
	}
	uint64_t l = 0;
	CHECK(scan_lf_dot((const uint8_t *)"abc", 3, &l) == 3 && l == 0);
	CHECK(scan_lf_dot((const uint8_t *)"a\nb\nc\n", 6, &l) == 5 && l == 2);
	l = 0;
	CHECK(scan_lf_dot((const uint8_t *)"a\nb\n.\r\n", 7, &l) == 3 && l == 1);
	l = 0;
	CHECK(scan_lf_dot((const uint8_t *)"0123456789abcdef0123\n.x", 23, &l) == 20 && l == 0);
	return UNIT_DONE();
}
