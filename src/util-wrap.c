/* util-wrap.c - long lines folded to a terminal's width (util-wrap.h). */
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>
#include "util-text.h"
#include "util-wrap.h"

/* wcwidth needs a UTF-8 LC_CTYPE; the program keeps the C locale, so the
 * calling thread borrows C.UTF-8 for the call. */
static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_open(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static size_t cp_cols(uint32_t cp)
{
	int w = -1;
	pthread_once(&utf8_once, utf8_open);
	if (utf8_loc) {
		locale_t old = uselocale(utf8_loc);
		w = wcwidth((wchar_t)cp);
		uselocale(old);
	}
	return w < 0 ? 1 : (size_t)w;
}

/* The character at s[0..n): its bytes (>= 1) and columns in *cols. */
static size_t char_at(const char *s, size_t n, size_t *cols)
{
	uint32_t cp;
	size_t k;
	if (!((unsigned char)*s & 0x80)) {
		*cols = 1;
		return 1;
	}
	if (!(k = utf8_decode((const uint8_t *)s, n, &cp))) {
		*cols = 1;
		return 1;
	}
	*cols = cp_cols(cp);
	return k;
}

size_t wrap_cols(const char *s, size_t n)
{
	size_t cols = 0, w;
	for (size_t i = 0; i < n; i += char_at(s + i, n - i, &w), cols += w)
		;
	return cols;
}

size_t wrap_next(const char *s, size_t n, size_t room)
{
	size_t i = 0, cols = 0, brk = 0, w, k;
	int word = 0;                       /* something not a space before i */
	while (i < n) {
		if (s[i] == ' ') {
			while (i < n && s[i] == ' ')
				i++, cols++;
			if (word)
				brk = i;
			continue;
		}
		k = char_at(s + i, n - i, &w);
		if (cols + w > room)
			return brk ? brk : i ? i : k;
		cols += w;
		i += k;
		word = 1;
	}
	return n;
}

void wrap_put(FILE *o, const char *s, size_t n, size_t at, size_t indent, size_t width,
              const char *color)
{
	size_t room = width > at ? width - at : 1;
	for (int first = 1; n; first = 0) {
		size_t k = wrap_next(s, n, room), shown = k;
		if (k < n)
			while (shown && s[shown - 1] == ' ')
				shown--;
		if (!first)
			fprintf(o, "\n%*s", (int)indent, "");
		if (color)
			fprintf(o, "%s%.*s\033[0m", color, (int)shown, s);
		else
			fwrite(s, 1, shown, o);
		s += k;
		n -= k;
		room = width > indent ? width - indent : 1;
	}
}

size_t wrap_indent(size_t want, size_t width, size_t min_room)
{
	if (width >= want + min_room)
		return want;
	return width > min_room ? width - min_room : 0;
}

void wrap_pair(FILE *o, size_t at, const char *a, const char *sep, const char *b,
               const char *color, size_t width, size_t indent)
{
	size_t al = strlen(a), sl = strlen(sep), bl = strlen(b);
	if (!width || at + wrap_cols(a, al) + (bl ? wrap_cols(sep, sl) + wrap_cols(b, bl) : 0) <= width) {
		if (color)
			fprintf(o, "%s%s\033[0m", color, a);
		else
			fputs(a, o);
		if (bl)
			fprintf(o, "%s%s", sep, b);
		putc('\n', o);
		return;
	}
	indent = wrap_indent(indent, width, 20);
	while (bl && al && a[al - 1] == ' ')
		al--;
	wrap_put(o, a, al, at, indent, width, color);
	if (bl) {
		fprintf(o, "\n%*s", (int)indent, "");
		wrap_put(o, b, bl, indent, indent, width, NULL);
	}
	putc('\n', o);
}
