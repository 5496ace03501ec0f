/* scan.c - the message body's hot loop: count line feeds and stop at the
 * first one that starts a line beginning with '.', which is either a
 * dot-stuffed line or the end-of-data line.  Sixteen bytes at a time where
 * SSE2 is available; the same result byte by byte elsewhere. */
#include <stddef.h>
#include <stdint.h>
#include "session.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t scan_lf_dot(const uint8_t *p, size_t n, uint64_t *lines)
{
	size_t j = 0;
	uint64_t c = 0;
#ifdef __SSE2__
	/* An LF followed by '.' is a hit: compare the block with '\n' and the
	 * block one byte further with '.'; AND the masks.  LFs are counted in
	 * sixteen byte counters (0xff per match subtracted), summed with psadbw
	 * before they can overflow.  No branch per line. */
	const __m128i lf = _mm_set1_epi8('\n'), dot = _mm_set1_epi8('.');
	const __m128i zero = _mm_setzero_si128();
	__m128i acc = zero;
	unsigned k = 0;
	for (; j + 17 <= n; j += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + j));
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + j + 1));
		__m128i eq = _mm_cmpeq_epi8(v, lf);
		unsigned hit = (unsigned)_mm_movemask_epi8(eq) &
		               (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w, dot));
		if (hit) {
			unsigned m = (unsigned)_mm_movemask_epi8(eq) & ((1u << __builtin_ctz(hit)) - 1);
			for (; m; m &= m - 1)
				c++;
			j += (size_t)__builtin_ctz(hit);
			break;
		}
		acc = _mm_sub_epi8(acc, eq);
		if (++k == 255) {
			__m128i sad = _mm_sad_epu8(acc, zero);
			c += (uint64_t)_mm_cvtsi128_si32(sad) + (uint64_t)_mm_extract_epi16(sad, 4);
			acc = zero;
			k = 0;
		}
	}
	{
		__m128i sad = _mm_sad_epu8(acc, zero);
		c += (uint64_t)_mm_cvtsi128_si32(sad) + (uint64_t)_mm_extract_epi16(sad, 4);
	}
	if (j + 17 <= n || (j < n && j + 1 < n && p[j] == '\n' && p[j + 1] == '.')) {
		*lines += c;
		return j;
	}
#endif
	for (; j < n; j++) {
		if (p[j] != '\n')
			continue;
		if (j + 1 >= n || p[j + 1] == '.') {
			*lines += c;
			return j;
		}
		c++;
	}
	*lines += c;
	return n;
}
