/* util-text.c - terminal- and JSON-safe renderings of wire bytes
 * (util-text.h says what is neutralised and how). */
#include <string.h>
#include "util-text.h"

size_t utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	if (n == 0)
		return 0;
	uint8_t c = p[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

int text_cp_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

int text_is_plain(const void *src, size_t n)
{
	const uint8_t *p = src;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] >= 0x7f)
			return 0;
	return 1;
}

size_t text_safe(char *dst, size_t cap, const void *src, size_t n, size_t *consumed)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = src;
	size_t o = 0, i = 0;
	if (cap == 0) {
		if (consumed)
			*consumed = 0;
		return 0;
	}
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(p + i, n - i, &cp);
		int esc = len == 0 || text_cp_unsafe(cp);
		if (len == 0)
			len = 1;
		size_t need = esc ? 4 * len : len;
		if (o + need + 1 > cap)
			break;
		for (size_t k = 0; k < len; k++) {
			if (esc) {
				dst[o++] = '\\';
				dst[o++] = 'x';
				dst[o++] = hex[p[i + k] >> 4];
				dst[o++] = hex[p[i + k] & 15];
			} else {
				dst[o++] = (char)p[i + k];
			}
		}
		i += len;
	}
	dst[o] = '\0';
	if (consumed)
		*consumed = i;
	return o;
}

static void json_uesc(FILE *f, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char b[6] = { '\\', 'u', hex[cp >> 12 & 15], hex[cp >> 8 & 15],
	              hex[cp >> 4 & 15], hex[cp & 15] };
	fwrite(b, 1, sizeof b, f);
}

void json_put(FILE *f, const void *src, size_t n)
{
	const uint8_t *p = src;
	size_t i = 0, run = 0;
	putc('"', f);
	while (i < n) {
		uint8_t c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		uint32_t cp = 0;
		size_t len = c < 0x80 ? 1 : utf8_decode(p + i, n - i, &cp);
		if (len > 1 && !text_cp_unsafe(cp)) {
			i += len;
			continue;
		}
		fwrite(p + run, 1, i - run, f);
		if (c == '"' || c == '\\') {
			putc('\\', f);
			putc(c, f);
		} else if (len == 0) {
			fputs("\\ufffd", f);
		} else {
			json_uesc(f, c < 0x80 ? c : cp);
		}
		i += len ? len : 1;
		run = i;
	}
	fwrite(p + run, 1, n - run, f);
	putc('"', f);
}

void json_put_str(FILE *f, const char *s)
{
	if (!s)
		fputs("null", f);
	else
		json_put(f, s, strlen(s));
}
