/* scan.c - the message body's hot loop: count line feeds and stop at the
 * first one that starts a line beginning with '.', which is either a
 * dot-stuffed line or the end-of-data line.
 *
 * An LF followed by '.' is found by comparing a block with '\n' and the
 * block one byte further on with '.', and ANDing the two masks: no branch
 * per line.  LFs are counted in byte counters (0xff per match subtracted)
 * that are summed with psadbw before they can overflow.  64 bytes a step
 * with AVX2 when the processor has it (32 near the hit), 16 with SSE2, else
 * byte by byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "session.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

static size_t scan_tail(const uint8_t *p, size_t j, size_t n, uint64_t c, uint64_t *lines)
{
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

#ifdef HAVE_X86
static uint64_t lf_before(unsigned mask, unsigned hit)
{
	uint64_t c = 0;
	for (mask &= (1u << __builtin_ctz(hit)) - 1; mask; mask &= mask - 1)
		c++;
	return c;
}

static size_t scan_sse2(const uint8_t *p, size_t n, uint64_t *lines)
{
	const __m128i lf = _mm_set1_epi8('\n'), dot = _mm_set1_epi8('.');
	const __m128i zero = _mm_setzero_si128();
	__m128i acc = zero;
	uint64_t c = 0;
	size_t j = 0;
	unsigned k = 0;
	for (; j + 17 <= n; j += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + j));
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + j + 1));
		__m128i eq = _mm_cmpeq_epi8(v, lf);
		unsigned m = (unsigned)_mm_movemask_epi8(eq);
		unsigned hit = m & (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w, dot));
		if (hit) {
			__m128i sad = _mm_sad_epu8(acc, zero);
			c += (uint64_t)_mm_cvtsi128_si32(sad) + (uint64_t)_mm_extract_epi16(sad, 4);
			*lines += c + lf_before(m, hit);
			return j + (size_t)__builtin_ctz(hit);
		}
		acc = _mm_sub_epi8(acc, eq);
		if (++k == 255) {
			__m128i sad = _mm_sad_epu8(acc, zero);
			c += (uint64_t)_mm_cvtsi128_si32(sad) + (uint64_t)_mm_extract_epi16(sad, 4);
			acc = zero;
			k = 0;
		}
	}
	__m128i sad = _mm_sad_epu8(acc, zero);
	c += (uint64_t)_mm_cvtsi128_si32(sad) + (uint64_t)_mm_extract_epi16(sad, 4);
	return scan_tail(p, j, n, c, lines);
}

__attribute__((target("avx2")))
static uint64_t sum_avx2(__m256i acc)
{
	__m256i sad = _mm256_sad_epu8(acc, _mm256_setzero_si256());
	return (uint64_t)_mm256_extract_epi64(sad, 0) + (uint64_t)_mm256_extract_epi64(sad, 1) +
	       (uint64_t)_mm256_extract_epi64(sad, 2) + (uint64_t)_mm256_extract_epi64(sad, 3);
}

/* 64 bytes a step while no LF is followed by '.' (the common case: one
 * test of the ORed hit masks, no movemask); stops before the block that has
 * one, which the 32-byte loop then finds exactly.  Each step adds at most
 * 2 to a byte counter: summed every 127 steps. */
__attribute__((target("avx2")))
static size_t skip_avx2(const uint8_t *p, size_t n, uint64_t *c)
{
	const __m256i lf = _mm256_set1_epi8('\n'), dot = _mm256_set1_epi8('.');
	__m256i acc = _mm256_setzero_si256();
	size_t j = 0;
	unsigned k = 0;
	for (; j + 65 <= n; j += 64) {
		__m256i e0 = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + j)), lf);
		__m256i e1 = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + j + 32)), lf);
		__m256i d0 = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + j + 1)), dot);
		__m256i d1 = _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(const void *)(p + j + 33)), dot);
		__m256i h = _mm256_or_si256(_mm256_and_si256(e0, d0), _mm256_and_si256(e1, d1));
		if (!_mm256_testz_si256(h, h))
			break;
		acc = _mm256_sub_epi8(_mm256_sub_epi8(acc, e0), e1);
		if (++k == 127) {
			*c += sum_avx2(acc);
			acc = _mm256_setzero_si256();
			k = 0;
		}
	}
	*c += sum_avx2(acc);
	return j;
}

__attribute__((target("avx2")))
static size_t scan_avx2(const uint8_t *p, size_t n, uint64_t *lines)
{
	const __m256i lf = _mm256_set1_epi8('\n'), dot = _mm256_set1_epi8('.');
	const __m256i zero = _mm256_setzero_si256();
	__m256i acc = zero;
	uint64_t c = 0;
	size_t j = skip_avx2(p, n, &c);
	unsigned k = 0;
	for (; j + 33 <= n; j += 32) {
		__m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(p + j));
		__m256i w = _mm256_loadu_si256((const __m256i *)(const void *)(p + j + 1));
		__m256i eq = _mm256_cmpeq_epi8(v, lf);
		unsigned m = (unsigned)_mm256_movemask_epi8(eq);
		unsigned hit = m & (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(w, dot));
		if (hit || ++k == 255) {
			c += sum_avx2(acc);
			acc = zero;
			k = 0;
			if (hit) {
				*lines += c + lf_before(m, hit);
				return j + (size_t)__builtin_ctz(hit);
			}
		}
		acc = _mm256_sub_epi8(acc, eq);
	}
	c += sum_avx2(acc);
	return scan_tail(p, j, n, c, lines);
}
#endif

size_t scan_lf_dot(const uint8_t *p, size_t n, uint64_t *lines)
{
#ifdef HAVE_X86
	static int avx2 = -1;
	if (avx2 < 0)
		avx2 = __builtin_cpu_supports("avx2") && !getenv("SMTPTRACE_NO_AVX2");
	return avx2 ? scan_avx2(p, n, lines) : scan_sse2(p, n, lines);
#else
	return scan_tail(p, 0, n, 0, lines);
#endif
}
